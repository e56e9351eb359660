"""Sorting: topk, sort, argsort."""
