"""``mx.np``: MXNet's NumPy-style interface — importable, not implemented yet.

Every call raises ``MXNetNotImplementedError`` (a ``NotImplementedError``)
naming the function; ``mx.nd`` is the array API gluonx implements.
"""
from gluonx._np_missing import MissingArray, missing_module, module_getattr

ndarray = MissingArray
random = missing_module("mxnet.numpy.random")
linalg = missing_module("mxnet.numpy.linalg")
__getattr__ = module_getattr("mxnet.numpy", {})
