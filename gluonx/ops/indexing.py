"""Indexing: integer-array keys of __getitem__/__setitem__, take, pick, one_hot, gather_nd, scatter_nd."""
