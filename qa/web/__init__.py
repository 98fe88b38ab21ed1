"""Web: the Gradio chat page (`page`), `POST /api/ask` (`api`), the login guard (`auth`), and the server
that joins them (`serve`); thin faces over `qa.chat.Engine`."""

from qa.web.serve import main

__all__ = ["main"]
