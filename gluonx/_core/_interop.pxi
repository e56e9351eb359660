# NumPy, buffer and DLPack exchange (included by ndarray.pyx).

from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_C_CONTIGUOUS, PyBUF_WRITABLE, PyBUF_ANY_CONTIGUOUS
from cpython.pycapsule cimport (PyCapsule_New, PyCapsule_GetPointer, PyCapsule_IsValid,
                                PyCapsule_SetName)
from cpython.ref cimport Py_INCREF, Py_DECREF
from libc.stdlib cimport malloc, free

cdef extern from "dlpack.h":
    enum: GXDL_CPU, GXDL_CUDA, GXDL_INT, GXDL_UINT, GXDL_FLOAT, GXDL_BOOL
    ctypedef struct gxdl_device:
        int32_t device_type
        int32_t device_id
    ctypedef struct gxdl_dtype:
        uint8_t code
        uint8_t bits
        uint16_t lanes
    ctypedef struct gxdl_tensor:
        void *data
        gxdl_device device
        int32_t ndim
        gxdl_dtype dtype
        int64_t *shape
        int64_t *strides
        uint64_t byte_offset
    ctypedef struct gxdl_managed:
        gxdl_tensor dl_tensor
        void *manager_ctx
        void (*deleter)(gxdl_managed *self)


cdef object to_numpy(NDArray x):
    """A new NumPy array holding a copy of x."""
    cdef Py_buffer buf
    cdef gx_tensor t[2]
    cdef NDArray src = x
    if g_dry:
        capture_abort("the values of an array of shape %s were read on the host (asnumpy, asscalar, "
                      "bool, int or float)" % (x.shape,))
    if not is_host(x._dev_type):
        src = copy_array(x, x._dtype, GX_DEV_CPU, 0)
    try:
        out = np.empty(src.shape, dtype=DTYPE_TYPES[src._dtype])
    except ValueError:         # NumPy refuses dims whose product passes 2^63 even when one is 0
        raise MXNetValueError("asnumpy: NumPy cannot hold an array of shape %s and dtype %s"
                              % (src.shape, DTYPE_NAMES[src._dtype])) from None
    if src._size == 0:
        return out
    PyObject_GetBuffer(out, &buf, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE)
    try:
        if src._contig:
            memcpy(buf.buf, src._data, <size_t>src._size * ITEMSIZE[src._dtype])
        else:
            dst = new_view(src, src._ndim, src._shape, src._strides, <char *>buf.buf)
            set_contiguous_strides(dst)
            dst._contig = True
            copy_into(dst, src, "asnumpy")
    finally:
        PyBuffer_Release(&buf)
    return out


cdef NDArray from_numpy(object arr, int dtype, int dev_type, int dev_id):
    """A new array holding a copy of NumPy array `arr`, converted to `dtype`
    (-1: keep arr's dtype, which must be one gluonx supports)."""
    cdef Py_buffer buf
    cdef NDArray o
    if dtype < 0:
        dtype = dtype_flag(arr.dtype)
    arr = np.asarray(arr, dtype=DTYPE_TYPES[dtype], order="C")  # (ascontiguousarray makes 0-d 1-d)
    global g_dry
    dry, g_dry = g_dry, False   # a constant made during a capture holds real values
    try:
        o = new_array_t(arr.shape, dtype, GX_DEV_CPU if not is_host(dev_type) else dev_type,
                        0 if not is_host(dev_type) else dev_id)
    finally:
        g_dry = dry
    if o._size:
        PyObject_GetBuffer(arr, &buf, PyBUF_ANY_CONTIGUOUS)
        try:
            memcpy(o._data, buf.buf, <size_t>o._size * ITEMSIZE[dtype])
        finally:
            PyBuffer_Release(&buf)
    if not is_host(dev_type):
        return copy_array(o, dtype, dev_type, dev_id)
    return o


def array_from_numpy(arr, dtype=None, ctx=None) -> NDArray:
    """Copies a NumPy array (dtype None keeps it) onto a device."""
    dev_type, dev_id = context_ids(ctx)
    return from_numpy(arr, -1 if dtype is None else dtype_flag(dtype), dev_type, dev_id)


def numpy_view(NDArray x):
    """A NumPy array sharing x's host memory (no copy); x must be on the CPU."""
    if g_dry:
        capture_abort("numpy_view of an array")
    if not is_host(x._dev_type):
        raise MXNetValueError("numpy_view: the array is on %s, not the CPU" % x.context)
    isz = ITEMSIZE[x._dtype]
    iface = {"shape": x.shape, "typestr": np.dtype(DTYPE_TYPES[x._dtype]).str,
             "data": (<size_t>x._data, False), "version": 3,
             "strides": tuple([x._strides[i] * isz for i in range(x._ndim)])}
    return np.asarray(_ArrayInterface(iface, x))


class _ArrayInterface:
    def __init__(self, iface, owner):
        self.__array_interface__ = iface
        self._owner = owner


# ---- DLPack --------------------------------------------------------------------

cdef gxdl_dtype DL_TYPES[8]
DL_TYPES[GX_FLOAT32].code = GXDL_FLOAT; DL_TYPES[GX_FLOAT32].bits = 32
DL_TYPES[GX_FLOAT64].code = GXDL_FLOAT; DL_TYPES[GX_FLOAT64].bits = 64
DL_TYPES[GX_FLOAT16].code = GXDL_FLOAT; DL_TYPES[GX_FLOAT16].bits = 16
DL_TYPES[GX_UINT8].code = GXDL_UINT; DL_TYPES[GX_UINT8].bits = 8
DL_TYPES[GX_INT32].code = GXDL_INT; DL_TYPES[GX_INT32].bits = 32
DL_TYPES[GX_INT8].code = GXDL_INT; DL_TYPES[GX_INT8].bits = 8
DL_TYPES[GX_INT64].code = GXDL_INT; DL_TYPES[GX_INT64].bits = 64
DL_TYPES[GX_BOOL].code = GXDL_BOOL; DL_TYPES[GX_BOOL].bits = 8
for _i in range(8):
    DL_TYPES[_i].lanes = 1


ctypedef struct ExportedTensor:
    gxdl_managed managed
    int64_t shape[GX_MAX_NDIM]
    int64_t strides[GX_MAX_NDIM]
    PyObject *owner


cdef void _exported_deleter(gxdl_managed *m) noexcept with gil:
    cdef ExportedTensor *e = <ExportedTensor *>m.manager_ctx
    Py_DECREF(<object>e.owner)
    free(e)


cdef void _capsule_destructor(object capsule) noexcept:
    cdef gxdl_managed *m
    if PyCapsule_IsValid(capsule, "dltensor"):   # never consumed
        m = <gxdl_managed *>PyCapsule_GetPointer(capsule, "dltensor")
        if m.deleter != NULL:
            m.deleter(m)


cdef tuple dlpack_device(NDArray x):
    if is_host(x._dev_type):
        return (GXDL_CPU, 0)
    if x._dev_type == GX_DEV_GPU:
        return (GXDL_CUDA, x._dev_id)
    raise MXNetValueError("DLPack: device %s has no DLPack device code" % x.context)


cdef object to_dlpack(NDArray x, object max_version):
    """A 'dltensor' capsule viewing x's memory (zero copy); it keeps x alive."""
    if g_dry:
        capture_abort("an array was exported through DLPack")
    cdef ExportedTensor *e = <ExportedTensor *>malloc(sizeof(ExportedTensor))
    if e == NULL:
        raise MXNetMemoryError("DLPack: out of memory for the exported tensor's descriptor")
    dev = dlpack_device(x)
    for i in range(x._ndim):
        e.shape[i] = x._shape[i]
        e.strides[i] = x._strides[i]
    e.managed.dl_tensor.data = x._data
    e.managed.dl_tensor.device.device_type = dev[0]
    e.managed.dl_tensor.device.device_id = dev[1]
    e.managed.dl_tensor.ndim = x._ndim
    e.managed.dl_tensor.dtype = DL_TYPES[x._dtype]
    e.managed.dl_tensor.shape = e.shape
    e.managed.dl_tensor.strides = e.strides
    e.managed.dl_tensor.byte_offset = 0
    e.managed.manager_ctx = e
    e.managed.deleter = _exported_deleter
    e.owner = <PyObject *>x
    Py_INCREF(x)
    return PyCapsule_New(&e.managed, "dltensor", <void (*)(object) noexcept>_capsule_destructor)


cdef class _DLPackOwner:
    """Keeps an imported DLPack tensor alive; calls its deleter when freed."""
    cdef gxdl_managed *managed
    cdef object source

    def __dealloc__(self):
        if self.managed != NULL and self.managed.deleter != NULL:
            self.managed.deleter(self.managed)
        self.managed = NULL


def from_dlpack(obj) -> NDArray:
    """An NDArray sharing memory with a DLPack producer (an object with
    ``__dlpack__``, e.g. a NumPy array or a PyTorch tensor, or a capsule).

    >>> import numpy as np, gluonx as mx
    >>> mx.nd.from_dlpack(np.arange(3.0)).asnumpy()
    array([0., 1., 2.])
    """
    cdef gxdl_managed *m
    cdef _DLPackOwner owner
    cdef NDArray a
    cdef int dtype = -1
    capsule = obj
    if hasattr(obj, "__dlpack__"):
        try:
            capsule = obj.__dlpack__(max_version=(0, 8))
        except TypeError:
            capsule = obj.__dlpack__()
    if not PyCapsule_IsValid(capsule, "dltensor"):
        raise MXNetTypeError("from_dlpack: expected an object with __dlpack__ or a 'dltensor' capsule, got %s"
                             % type(obj).__name__)
    m = <gxdl_managed *>PyCapsule_GetPointer(capsule, "dltensor")
    PyCapsule_SetName(capsule, "used_dltensor")
    owner = _DLPackOwner.__new__(_DLPackOwner)
    owner.managed = m
    owner.source = obj
    t = &m.dl_tensor
    for i in range(8):
        if DL_TYPES[i].code == t.dtype.code and DL_TYPES[i].bits == t.dtype.bits and t.dtype.lanes == 1:
            dtype = i
    if dtype < 0:
        raise MXNetTypeError("from_dlpack: unsupported DLPack dtype (code %d, %d bits, %d lanes)"
                             % (t.dtype.code, t.dtype.bits, t.dtype.lanes))
    if t.ndim > GX_MAX_NDIM:
        raise MXNetValueError("from_dlpack: %d dimensions, at most %d supported" % (t.ndim, GX_MAX_NDIM))
    if t.device.device_type == GXDL_CPU:
        dev_type, dev_id = GX_DEV_CPU, 0
    elif t.device.device_type == GXDL_CUDA:
        dev_type, dev_id = GX_DEV_GPU, t.device.device_id
    else:
        raise MXNetValueError("from_dlpack: unsupported DLPack device type %d" % t.device.device_type)
    a = NDArray.__new__(NDArray)
    a._ndim = t.ndim
    a._dtype = dtype
    a._dev_type = dev_type
    a._dev_id = dev_id
    a._data = <char *>t.data + t.byte_offset
    a._base = owner
    a._size = 1
    for i in range(t.ndim):
        a._shape[i] = t.shape[i]
        a._size *= t.shape[i]
    if t.strides == NULL:
        set_contiguous_strides(a)
    else:
        for i in range(t.ndim):
            a._strides[i] = t.strides[i]
    a._contig = compute_contig(a)
    return a
