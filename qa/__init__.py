"""Cited question answering over news articles, offline."""

__version__ = "0.1.0"
