"""``mx.npx``: MXNet's NumPy extensions — importable, not implemented yet.

Every call raises ``MXNetNotImplementedError`` (a ``NotImplementedError``)
naming the function.
"""
from gluonx._np_missing import missing_module, module_getattr
from gluonx.util import is_np_array, is_np_shape, reset_np, set_np, use_np  # noqa: F401

random = missing_module("mxnet.numpy_extension.random")
__getattr__ = module_getattr("mxnet.numpy_extension", {})
