"""``mx.random``: seeding and the random samplers (as in MXNet 1.x).

The samplers are the operators of :mod:`gluonx.ops.random` (the same
functions as ``mx.nd.random.*``).  On the CPU, ``seed(s)`` followed by
``uniform``/``normal`` reproduces MXNet 1.9.1's numbers exactly.

>>> import gluonx as mx
>>> mx.random.seed(42)
>>> mx.random.uniform(shape=(2,)).asnumpy()
array([0.82909364, 0.7478349 ], dtype=float32)
"""
from gluonx.ops.random import seed
from gluonx.ndarray import random as _ndr

uniform = _ndr.uniform
normal = _ndr.normal
randn = _ndr.randn
randint = _ndr.randint
exponential = _ndr.exponential
gamma = _ndr.gamma
poisson = _ndr.poisson
shuffle = _ndr.shuffle
multinomial = _ndr.multinomial

__all__ = ["seed", "uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
           "shuffle", "multinomial"]
