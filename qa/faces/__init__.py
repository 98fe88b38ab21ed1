"""Faces: the command line, the terminal chat, the JSON-lines protocol and the web chat; input and output only, over the engine."""
