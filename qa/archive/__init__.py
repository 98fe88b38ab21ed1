"""Archive: the articles and everything built from them: reading files and links, passages, the on-disk index, vectors, retrieval."""
