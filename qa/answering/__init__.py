"""Answering: a turn of a conversation in, an answer with citations out (the engine, the reader, questions about the article itself)."""
