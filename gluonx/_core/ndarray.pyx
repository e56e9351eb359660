# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The NDArray type and the imperative call path.

One extension module, split into themed include files:

* ``_dispatch.pxi`` - the kernel table, backend loading (plugin ABI)
* ``_memory.pxi``  - allocation, views, dtype and device tables
* ``_autograd.pxi`` - the tape: nodes, backward pass, thread state
* ``_launch.pxi``  - kernel launch: elementwise (with broadcasting),
                     reductions, strided copy; the hot paths of the operators
* ``_indexing.pxi`` - ``__getitem__``/``__setitem__`` with basic keys
* ``_interop.pxi`` - NumPy, buffer and DLPack exchange
* ``_profile.pxi`` - what mx.profiler records (one flag test per hook when off)

The operator definitions in :mod:`gluonx.ops` call the functions exported at
the bottom of ``_launch.pxi``; everything shape-related that runs per call
is here, in C-level Cython.
"""
cimport cython
from libc.stdint cimport int64_t, int32_t, uint8_t, int8_t
from libc.string cimport memcpy, memset
from cpython.object cimport PyObject
from cpython.bytes cimport PyBytes_FromStringAndSize

from gluonx._core.abi cimport *

import numpy as np
from gluonx.base import (error_for_status, MXNetError, MXNetValueError, MXNetTypeError, MXNetIndexError,
                         MXNetMemoryError, MXNetNotImplementedError)

# What the core needs from the floors above it, injected at start-up by
# gluonx.ops (the core imports nothing above itself): op(name) -> the
# operator, reshape_rule(src_shape, shape, reverse, opname) -> shape,
# advanced_getitem(x, key), advanced_setitem(x, key, value).
cdef dict _hooks = {}
cdef dict _method_cache = {}


def set_hooks(**hooks):
    """Injects the functions the core calls upward (see _hooks)."""
    _hooks.update(hooks)
    _method_cache.clear()


include "_dispatch.pxi"
include "_memory.pxi"
include "_autograd.pxi"
include "_launch.pxi"
include "_indexing.pxi"
include "_interop.pxi"
include "_graph.pxi"
include "_profile.pxi"


cdef class NDArray:
    """A multi-dimensional array on a device (MXNet's ``mx.nd.NDArray``).

    >>> import gluonx as mx
    >>> a = mx.nd.array([[1, 2], [3, 4]])
    >>> (a * 2 + 1).asnumpy()
    array([[3., 5.],
           [7., 9.]], dtype=float32)
    """

    def __init__(self, *args, **kwargs):
        raise MXNetTypeError("NDArray cannot be constructed directly; use mx.nd.array, "
                             "mx.nd.zeros or mx.nd.empty")

    def __dealloc__(self):
        if self._alloc_ptr != NULL:
            if self._alloc_nbytes & PROF_MEM_TAG:    # allocated while the profiler counted memory
                prof_free(self)
            release_memory(self._alloc_ptr, self._alloc_nbytes, self._dev_type, self._dev_id)
            self._alloc_ptr = NULL

    # ---- metadata ---------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return tuple([self._shape[i] for i in range(self._ndim)])

    @property
    def ndim(self) -> int:
        return self._ndim

    @property
    def size(self) -> int:
        return self._size

    @property
    def dtype(self):
        """The NumPy scalar type of the elements (``numpy.float32`` ...), as in MXNet."""
        return DTYPE_TYPES[self._dtype]

    @property
    def itemsize(self) -> int:
        return ITEMSIZE[self._dtype]

    @property
    def nbytes(self) -> int:
        return self._size * ITEMSIZE[self._dtype]

    @property
    def context(self):
        return make_context(self._dev_type, self._dev_id)

    @property
    def ctx(self):
        return make_context(self._dev_type, self._dev_id)

    @property
    def stype(self) -> str:
        return "default"

    @property
    def strides(self) -> tuple:
        """Strides in elements (views may have 0 or negative strides)."""
        return tuple([self._strides[i] for i in range(self._ndim)])

    @property
    def is_contiguous(self) -> bool:
        return self._contig

    @property
    def _data_ptr(self) -> int:
        return <size_t>self._data

    @property
    def _base_array(self):
        return self._base

    def _shares_memory_with(self, NDArray other) -> bool:
        return (self._base if self._base is not None else self) is \
               (other._base if other._base is not None else other)

    @property
    def T(self):
        if self._ndim < 2:
            return self
        return _ops_method("transpose")(self)

    def __len__(self):
        if self._ndim == 0:
            raise MXNetTypeError("len() of a 0-d NDArray")
        return self._shape[0]

    def __iter__(self):
        if self._ndim == 0:
            raise MXNetTypeError("iteration over a 0-d NDArray")
        for i in range(self._shape[0]):
            yield self[i]

    def __repr__(self):
        shape_info = "x".join([str(self._shape[i]) for i in range(self._ndim)])
        return "\n%s\n<%s %s @%s>" % (str(self.asnumpy()), type(self).__name__, shape_info, self.context)

    def __str__(self):
        return self.__repr__()

    def __hash__(self):
        return id(self) // 16

    def __bool__(self):
        if self._size == 0:
            return False
        if self._size == 1:
            return bool(self.asnumpy().reshape(-1)[0])
        raise MXNetValueError("The truth value of an NDArray with %d elements is ambiguous; "
                              "use .asnumpy().any() or .all()" % self._size)

    def __float__(self):
        return float(self.asscalar())

    def __int__(self):
        return int(self.asscalar())

    def __index__(self):
        if self._dtype in (GX_FLOAT32, GX_FLOAT64, GX_FLOAT16):
            raise MXNetTypeError("only integer NDArrays of size 1 can be used as an index")
        return int(self.asscalar())

    def __reduce__(self):
        return (_unpickle, (self.asnumpy(), self._dev_type, self._dev_id))

    def __getstate__(self):
        return None

    # ---- data exchange ----------------------------------------------------
    def asnumpy(self):
        """A NumPy copy of the array."""
        return to_numpy(self)

    def asscalar(self):
        """The single element as a NumPy scalar; the array must have size 1."""
        if self._size != 1:
            raise MXNetValueError("asscalar: the array must have exactly one element, "
                                  "it has shape %s" % (self.shape,))
        return to_numpy(self).reshape(-1)[0]

    def __array__(self, dtype=None, copy=None):
        a = to_numpy(self)
        return a if dtype is None else a.astype(dtype, copy=False)

    def __dlpack__(self, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule viewing this array (copy=True: viewing a copy)."""
        if dl_device is not None and tuple(dl_device) != dlpack_device(self):
            raise BufferError("__dlpack__: the array is on %s; exporting to DLPack device %s needs a "
                              "copy across devices, which gluonx does not do here" % (self.context, dl_device))
        if copy:
            return to_dlpack(copy_array(self, self._dtype, self._dev_type, self._dev_id), max_version)
        return to_dlpack(self, max_version)

    def __dlpack_device__(self):
        return dlpack_device(self)

    def wait_to_read(self):
        """Blocks until pending writes to this array are done (a no-op on the CPU)."""
        synchronize_device(self._dev_type, self._dev_id)

    def wait_to_write(self):
        synchronize_device(self._dev_type, self._dev_id)

    # ---- copies, casts, views ---------------------------------------------
    def copy(self):
        """A contiguous copy on the same device."""
        o = copy_array(self, self._dtype, self._dev_type, self._dev_id)
        if self._ag is not None:
            record("_copy", (self,), (o,), None)
        return o

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def copyto(self, other):
        """Copies into ``other`` (an NDArray of the same shape, or a Context)."""
        cdef NDArray dst
        if isinstance(other, NDArray):
            dst = other
            if dst is self:
                return dst
            check_inplace(dst, "copyto")
            if dst.shape != self.shape:
                raise MXNetValueError("copyto: shape mismatch, source %s, destination %s"
                                      % (self.shape, dst.shape))
            copy_into(dst, self, "copyto")
            return dst
        dev_type, dev_id = context_ids(other)
        return copy_array(self, self._dtype, dev_type, dev_id)

    def as_in_context(self, context):
        """This array if already on ``context``, else a copy there."""
        dev_type, dev_id = context_ids(context)
        if dev_type == self._dev_type and dev_id == self._dev_id:
            return self
        return copy_array(self, self._dtype, dev_type, dev_id)

    def as_in_ctx(self, context):
        return self.as_in_context(context)

    def astype(self, dtype, copy=True):
        """The array converted to ``dtype`` (a copy unless ``copy=False`` and
        the dtype already matches)."""
        cdef int dt = dtype_flag(dtype)
        if not copy and dt == self._dtype:
            return self
        o = copy_array(self, dt, self._dev_type, self._dev_id)
        if self._ag is not None:
            record("cast", (self,), (o,), {"dtype": DTYPE_NAMES[dt]})
        return o

    def reshape(self, *shape, **kwargs):
        """A view with a new shape (MXNet's special codes 0, -1, -2, -3, -4 and
        ``reverse=True`` work).  Shares memory when the array is contiguous."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        if "shape" in kwargs:
            shape = tuple(kwargs.pop("shape"))
        reverse = bool(kwargs.pop("reverse", False))
        if kwargs:
            raise MXNetTypeError("reshape() got unexpected arguments %s" % sorted(kwargs))
        new_shape = _hooks["reshape_rule"](self.shape, shape, reverse, "reshape")
        v = reshape_view(self if self._contig else copy_array(self, self._dtype, self._dev_type, self._dev_id),
                         new_shape)
        if self._ag is not None:
            record("_reshape_view", (self,), (v,), None)
        return v

    def detach(self):
        """A new array sharing memory, cut off from the autograd graph."""
        return detached(self)

    # ---- autograd -------------------------------------------------------------
    def attach_grad(self, grad_req="write", stype=None):
        """Allocates a zero gradient buffer and marks this array as a variable
        whose gradient backward() computes (recorded inside autograd.record())."""
        mark_variable(self, full_like_array(self, 0), grad_req, False)

    @property
    def grad(self):
        """The gradient buffer (None unless attach_grad() was called)."""
        info = self._ag
        if info is None or not (<AGInfo>info).leaf:
            return None
        return (<AGInfo>info).grad

    @property
    def requires_grad(self) -> bool:
        """PyTorch-style flag.  Setting it True attaches a gradient buffer and
        records operations on this array even outside autograd.record();
        False drops the buffer (how a pretrained part is frozen)."""
        info = self._ag
        if info is None:
            return False
        if (<AGInfo>info).leaf:
            return (<AGInfo>info).grad_req != "null"
        return True

    @requires_grad.setter
    def requires_grad(self, bint value):
        if value:
            info = self._ag
            if info is not None and (<AGInfo>info).leaf:
                (<AGInfo>info).torch = True
                if (<AGInfo>info).grad_req == "null":
                    (<AGInfo>info).grad_req = "write"
                if (<AGInfo>info).grad is None:
                    (<AGInfo>info).grad = full_like_array(self, 0)
            elif info is not None:
                raise MXNetValueError("requires_grad can only be changed on leaf arrays; this one was "
                                      "computed by %s (use .detach() first)" % (<AGInfo>info).node.op)
            else:
                mark_leaf(self, None, "write", True)
        else:
            info = self._ag
            if info is not None and not (<AGInfo>info).leaf:
                raise MXNetValueError("requires_grad can only be changed on leaf arrays; use .detach()")
            self._ag = None

    @property
    def _fresh_grad(self) -> bool:
        """True once a backward() wrote this variable's gradient (MXNet's
        flag; gluon.Trainer clears it after each update to spot stale ones)."""
        info = self._ag
        return info is not None and (<AGInfo>info).fresh

    @_fresh_grad.setter
    def _fresh_grad(self, bint value):
        info = self._ag
        if info is not None:
            (<AGInfo>info).fresh = value

    @property
    def grad_fn(self):
        """The recorded operation that produced this array (PyTorch's name,
        e.g. ``<MulBackward0>``), or None for leaves and unrecorded results."""
        info = self._ag
        if info is None or (<AGInfo>info).node is None:
            return None
        return grad_fn_object((<AGInfo>info).node)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Backpropagates from this array (ones as the head gradient unless
        `out_grad` is given) into the gradients of the marked variables."""
        old = gx_ag_training
        set_state(gx_ag_recording, 1 if train_mode else 0, gx_ag_grad_enabled)
        try:
            run_backward([self], [out_grad] if out_grad is not None else None, bool(retain_graph),
                         False, None)
        finally:
            set_state(gx_ag_recording, old, gx_ag_grad_enabled)

    def zeros_like(self):
        return full_like_array(self, 0)

    def ones_like(self):
        return full_like_array(self, 1)

    # ---- indexing -----------------------------------------------------------
    def __getitem__(self, key):
        return getitem(self, key)

    def __setitem__(self, key, value):
        setitem(self, key, value)

    # ---- arithmetic: the hot paths of _launch.pxi ---------------------------
    def __add__(self, other):
        return binary_entry(K_ADD, self, other, None, "broadcast_add")

    def __radd__(self, other):
        return binary_entry(K_ADD, other, self, None, "broadcast_add")

    def __iadd__(self, other):
        return binary_entry(K_ADD, self, other, self, "broadcast_add")

    def __sub__(self, other):
        return binary_entry(K_SUB, self, other, None, "broadcast_sub")

    def __rsub__(self, other):
        return binary_entry(K_SUB, other, self, None, "broadcast_sub")

    def __isub__(self, other):
        return binary_entry(K_SUB, self, other, self, "broadcast_sub")

    def __mul__(self, other):
        return binary_entry(K_MUL, self, other, None, "broadcast_mul")

    def __rmul__(self, other):
        return binary_entry(K_MUL, other, self, None, "broadcast_mul")

    def __imul__(self, other):
        return binary_entry(K_MUL, self, other, self, "broadcast_mul")

    def __truediv__(self, other):
        return binary_entry(K_DIV, self, other, None, "broadcast_div")

    def __rtruediv__(self, other):
        return binary_entry(K_DIV, other, self, None, "broadcast_div")

    def __itruediv__(self, other):
        return binary_entry(K_DIV, self, other, self, "broadcast_div")

    def __floordiv__(self, other):
        return binary_entry(K_FLOOR_DIV, self, other, None, "floor_divide")

    def __rfloordiv__(self, other):
        return binary_entry(K_FLOOR_DIV, other, self, None, "floor_divide")

    def __ifloordiv__(self, other):
        return binary_entry(K_FLOOR_DIV, self, other, self, "floor_divide")

    def __mod__(self, other):
        return binary_entry(K_MOD, self, other, None, "broadcast_mod")

    def __rmod__(self, other):
        return binary_entry(K_MOD, other, self, None, "broadcast_mod")

    def __imod__(self, other):
        return binary_entry(K_MOD, self, other, self, "broadcast_mod")

    def __pow__(self, other, modulo):
        return binary_entry(K_POW, self, other, None, "broadcast_power")

    def __rpow__(self, other, modulo):
        return binary_entry(K_POW, other, self, None, "broadcast_power")

    def __ipow__(self, other):
        return binary_entry(K_POW, self, other, self, "broadcast_power")

    def __eq__(self, other):
        if other is None:
            return False
        return binary_entry(K_EQ, self, other, None, "broadcast_equal")

    def __ne__(self, other):
        if other is None:
            return True
        return binary_entry(K_NE, self, other, None, "broadcast_not_equal")

    def __gt__(self, other):
        return binary_entry(K_GT, self, other, None, "broadcast_greater")

    def __ge__(self, other):
        return binary_entry(K_GE, self, other, None, "broadcast_greater_equal")

    def __lt__(self, other):
        return binary_entry(K_LT, self, other, None, "broadcast_lesser")

    def __le__(self, other):
        return binary_entry(K_LE, self, other, None, "broadcast_lesser_equal")

    def __neg__(self):
        return unary_entry(K_NEG, self, None, "negative")

    def __pos__(self):
        return self

    def __abs__(self):
        return unary_entry(K_ABS, self, None, "abs")

    def __matmul__(self, other):
        return _ops_method("dot")(self, other)


cdef dict _grad_fn_types = {}


cdef object grad_fn_object(Node node):
    """An object whose type is named like PyTorch's (AddBackward0, ...)."""
    name = grad_fn_name(node.op)
    cls = _grad_fn_types.get(name)
    if cls is None:
        cls = type(name, (GradFn,), {})
        _grad_fn_types[name] = cls
    return cls(node)


_TORCH_NAMES = {"add": "Add", "sub": "Sub", "mul": "Mul", "div": "Div", "power": "Pow", "mod": "Remainder",
                "negative": "Neg", "_getitem": "Index", "_reshape_view": "View", "reshape": "View",
                "_copy": "Clone", "cast": "ToCopy", "dot": "Mm", "batch_dot": "Bmm", "maximum": "Maximum",
                "minimum": "Minimum", "transpose": "Permute", "concat": "Cat", "sqrt": "Sqrt"}


cdef str grad_fn_name(str op):
    base = op
    for prefix in ("broadcast_", "elemwise_", "_"):
        if base.startswith(prefix) and base != "_getitem":
            base = base[len(prefix):]
            break
    name = _TORCH_NAMES.get(op) or _TORCH_NAMES.get(base)
    if name is None:
        name = "".join(part.capitalize() for part in base.split("_"))
    return name + "Backward0"


class GradFn:
    """What ``y.grad_fn`` returns: the recorded node under a PyTorch-style name."""

    def __init__(self, node):
        self.node = node

    def name(self):
        return type(self).__name__

    @property
    def op(self):
        return self.node.op

    def __repr__(self):
        return "<%s>" % type(self).__name__


def _unpickle(arr, dev_type, dev_id):
    return from_numpy(arr, -1, dev_type, dev_id)


cdef object _ops_method(str name):
    """An operator by name (resolved once through the injected op lookup)."""
    f = _method_cache.get(name)
    if f is None:
        f = _hooks["op"](name)
        _method_cache[name] = f
    return f


def install_methods(dict methods):
    """Adds operator-derived methods (from the op registry) to NDArray.

    NDArray is an extension type, whose attributes Python code cannot set;
    the registry's methods go straight into its type dict instead.
    """
    cdef PyTypeObject_ *tp = <PyTypeObject_ *><void *>NDArray
    cdef object d = <object>tp.tp_dict
    for name, fn in methods.items():
        if name not in d:
            d[name] = fn
    PyType_Modified(tp)


cdef extern from "Python.h":
    ctypedef struct PyTypeObject_ "PyTypeObject":
        PyObject *tp_dict
    void PyType_Modified(PyTypeObject_ *t)
