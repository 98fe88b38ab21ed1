"""Web: the Gradio chat page (`page`), `POST /api/ask` (`api`), the login guard (`auth`), and the server
that joins them (`serve`); thin faces over `qa.answering.chat.Engine`."""

from qa.faces.web.serve import main

__all__ = ["main"]
