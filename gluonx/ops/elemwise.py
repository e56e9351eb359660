"""Elementwise operators: unary math, binary arithmetic and comparisons (with the MXNet broadcast_* / elemwise_* / *_scalar names), clip, where, cast."""
