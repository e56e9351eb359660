"""Reductions: sum, mean, prod, max, min, norm, argmax, argmin, nansum, nanprod."""
