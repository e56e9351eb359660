"""The numeric gradient checks every tests/ops/test_grad_*.py runs on its CASES.

A family's file defines CASES = {opname: (function of NDArrays, [input
generators])} (tests/ops/test_gradients.py checks that every differentiable
op has one) and gets its two parametrised tests with

    test_gradient_float64, test_gradient_float32 = gradient_tests(CASES)
"""
from __future__ import annotations

import numpy as np
import pytest

from gluonx.test_utils import check_numeric_gradient


def inputs(gens, seed, dtype):
    """The generators' arrays for one seed, cast to dtype."""
    rng = np.random.default_rng(seed)
    return [np.asarray(g(rng)).astype(dtype) for g in gens]


def gradient_tests(cases: dict, f32_rtol: float = 2e-2, f32_atol: float = 2e-3):
    """float64 (tight) and float32 (loose) numeric checks of each case."""
    @pytest.mark.parametrize("name", sorted(cases))
    def test_gradient_float64(name):
        fn, gens = cases[name]
        check_numeric_gradient(fn, inputs(gens, 0, np.float64), numeric_eps=1e-6, rtol=1e-5, atol=1e-7)

    @pytest.mark.parametrize("name", sorted(cases))
    def test_gradient_float32(name):
        fn, gens = cases[name]
        check_numeric_gradient(fn, inputs(gens, 1, np.float32), numeric_eps=1e-3, rtol=f32_rtol,
                               atol=f32_atol, dtype=np.float32)

    return test_gradient_float64, test_gradient_float32
