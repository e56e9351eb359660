"""Numeric gradient checks: UpSampling (bilinear), BilinearResize2D in its
odd_scale / like / to_* modes, and integer-style floor division (zero gradient
away from the jumps)."""
import numpy as np

import gluonx as mx
from gradcheck import gradient_tests

nd = mx.nd


def U(lo, hi, shape):
    return lambda rng: rng.uniform(lo, hi, shape)


def weighted(fn, shape):
    w = np.random.default_rng(7).uniform(-1, 1, shape)
    return lambda *xs: fn(*xs) * nd.array(w, dtype=xs[0].dtype)


def _frac(shape):
    """Values whose quotient by 1.5 stays 0.2 .. 0.8 away from an integer (no jump within eps)."""
    return lambda rng: 1.5 * (rng.integers(-3, 3, shape) + rng.uniform(0.2, 0.8, shape))


CASES = {
    "UpSampling[bilinear,2]": (weighted(lambda x, w: nd.UpSampling(x, w, scale=2, sample_type="bilinear",
                                                                   num_filter=2), (1, 2, 4, 6)),
                               [U(-1, 1, (1, 2, 2, 3)), U(-1, 1, (2, 1, 4, 4))]),
    "UpSampling[bilinear,3]": (weighted(lambda x, w: nd.UpSampling(x, w, scale=3, sample_type="bilinear",
                                                                   num_filter=1), (2, 1, 6, 3)),
                               [U(-1, 1, (2, 1, 2, 1)), U(-1, 1, (1, 1, 5, 5))]),
    "BilinearResize2D[odd_scale]": (weighted(lambda x: nd.BilinearResize2D(
        x, mode="odd_scale", scale_height=2.0, scale_width=1.5, align_corners=False), (1, 2, 5, 6)),
        [U(-1, 1, (1, 2, 3, 4))]),
    "BilinearResize2D[like]": (lambda x, like: weighted(lambda x: nd.BilinearResize2D(x, like, mode="like"),
                                                        (1, 2, 4, 2))(x),
                               [U(-1, 1, (1, 2, 3, 3)), U(-1, 1, (2, 1, 4, 2))]),
    "BilinearResize2D[to_odd_up]": (weighted(lambda x: nd.BilinearResize2D(x, mode="to_odd_up"), (2, 1, 5, 3)),
                                    [U(-1, 1, (2, 1, 4, 3))]),
    "BilinearResize2D[to_even_down]": (weighted(lambda x: nd.BilinearResize2D(x, mode="to_even_down",
                                                                              align_corners=False),
                                                (1, 1, 4, 2)), [U(-1, 1, (1, 1, 5, 3))]),
    "floor_divide": (lambda a, b: nd.floor_divide(a, b) + a * b, [_frac((2, 3)), lambda rng: np.full((3,), 1.5)]),
}


test_gradient_float64, test_gradient_float32 = gradient_tests(CASES)
