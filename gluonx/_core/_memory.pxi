# Allocation, views, dtype and device tables (included by ndarray.pyx).

cdef int ITEMSIZE[8]
ITEMSIZE[:] = [4, 8, 2, 1, 4, 1, 8, 1]

DTYPE_NAMES = ("float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool")
DTYPE_TYPES = (np.float32, np.float64, np.float16, np.uint8, np.int32, np.int8, np.int64, np.bool_)
_NP_TO_FLAG = {np.dtype(t): i for i, t in enumerate(DTYPE_TYPES)}
_NAME_TO_FLAG = {n: i for i, n in enumerate(DTYPE_NAMES)}
_NAME_TO_FLAG.update({"bool_": 7, "float": 0, "double": 1, "half": 2, "int": 4, "long": 6})
_PY_TO_FLAG = {float: 0, int: 4, bool: 7}

cdef int DEFAULT_DTYPE = GX_FLOAT32


cpdef int dtype_flag(object dtype, int default=GX_FLOAT32) except -1:
    """gx_dtype of a dtype given as None, a name, a NumPy dtype or a type."""
    if dtype is None:
        return default
    if isinstance(dtype, str):
        f = _NAME_TO_FLAG.get(dtype)
        if f is not None:
            return f
    elif isinstance(dtype, type) and dtype in _PY_TO_FLAG:
        return _PY_TO_FLAG[dtype]
    else:
        try:
            f = _NP_TO_FLAG.get(np.dtype(dtype))
        except TypeError:
            f = None
        if f is not None:
            return f
    raise MXNetTypeError("unknown or unsupported dtype %r; gluonx supports %s"
                         % (dtype, ", ".join(DTYPE_NAMES)))


def dtype_name(int flag) -> str:
    return DTYPE_NAMES[flag]


# ---- devices ---------------------------------------------------------------

_context_factory = [None]
_default_context = [None]


def set_context_factory(factory, default_getter):
    """Called once by gluonx.context: how to build Context objects, and how
    to read the current default context."""
    _context_factory[0] = factory
    _default_context[0] = default_getter


cdef dict _context_cache = {}


cdef object make_context(int dev_type, int dev_id):
    key = dev_type * 65536 + dev_id
    c = _context_cache.get(key)
    if c is None:
        c = _context_factory[0](dev_type, dev_id)
        _context_cache[key] = c
    return c


cdef tuple context_ids(object ctx):
    """(device type, device id) of a Context (or of the default one for None)."""
    if ctx is None:
        ctx = _default_context[0]()
    try:
        return (ctx.device_typeid, ctx.device_id)
    except AttributeError:
        if isinstance(ctx, str):
            c = _context_factory[0](ctx, 0)
            return (c.device_typeid, c.device_id)
        raise MXNetTypeError("expected a Context such as mx.cpu() or mx.gpu(0), got %r" % (ctx,))


cdef inline bint is_host(int dev_type) noexcept:
    return dev_type == GX_DEV_CPU or dev_type == GX_DEV_CPU_PINNED or dev_type == GX_DEV_CPU_SHARED


cdef int synchronize_device(int dev_type, int dev_id) except -1:
    cdef gx_allocator *al
    if is_host(dev_type):
        return 0
    al = device_allocator(dev_type)
    if al != NULL and al.synchronize != NULL:
        st = al.synchronize(dev_id, NULL)
        if st:
            raise_status(st, "synchronize")
        return 0
    pa = python_allocator(dev_type)
    if pa is not None:
        pa.synchronize(dev_id)
    return 0


# ---- memory ----------------------------------------------------------------

cdef void *acquire_memory(size_t nbytes, int dev_type, int dev_id, list keepalive) except? NULL:
    """Device memory; a Python allocator's owning object is appended to `keepalive`.
    NULL without an exception when the allocator has no memory left."""
    cdef void *p
    cdef gx_allocator *al
    if is_host(dev_type):
        return gx_host_alloc(nbytes)          # NULL: the caller names what failed
    al = device_allocator(dev_type)
    if al != NULL:
        return al.alloc(dev_id, nbytes if nbytes else 1, NULL)
    pa = python_allocator(dev_type)
    if pa is None:
        raise MXNetValueError("no backend provides memory for %s; is its backend installed "
                              "(see gluonx.backends)?" % make_context(dev_type, dev_id))
    addr, keep = pa.alloc(dev_id, nbytes if nbytes else 1)
    keepalive.append(keep)
    return <void *><size_t>addr


cdef void release_memory(void *p, size_t nbytes, int dev_type, int dev_id) noexcept:
    cdef gx_allocator *al
    if is_host(dev_type):
        gx_host_free(p, nbytes)
        return
    al = device_allocator(dev_type)
    if al != NULL:
        al.free(dev_id, p, nbytes, NULL)


cdef inline void set_contiguous_strides(NDArray a) noexcept:
    cdef int64_t s = 1
    cdef int i
    for i in range(a._ndim - 1, -1, -1):
        a._strides[i] = s
        # only an empty array's product can pass 2^63 (its strides are never used): stop at 0
        if a._shape[i] != 0 and s <= 0x7FFFFFFFFFFFFFFF // a._shape[i]:
            s *= a._shape[i]
        else:
            s = 0


cdef inline bint compute_contig(NDArray a) noexcept:
    cdef int64_t s = 1
    cdef int i
    for i in range(a._ndim - 1, -1, -1):
        if a._shape[i] != 1 and a._strides[i] != s:
            return False
        s *= a._shape[i]
    return True


cdef str _shape_text(int ndim, const int64_t *shape):
    return "(%s)" % ", ".join([str(shape[i]) for i in range(ndim)]) if ndim != 1 else "(%d,)" % shape[0]


cdef object size_error(str opname, int ndim, const int64_t *shape, int dtype):
    """The error for an array too large to describe: named by op, shape, dtype and bytes."""
    cdef object elems = 1
    for i in range(ndim):
        elems *= shape[i]
    return MXNetMemoryError(
        "Operator %s: an array of shape %s and dtype %s would take %d bytes; an array may take at most 2^62 (%d)"
        % (opname or "allocation", _shape_text(ndim, shape), DTYPE_NAMES[dtype], elems * ITEMSIZE[dtype],
           GX_MAX_ARRAY_BYTES))


cdef object alloc_error(str opname, int ndim, const int64_t *shape, int dtype, size_t nbytes, int dev_type,
                        int dev_id):
    return MXNetMemoryError("Operator %s: cannot allocate %d bytes (%.3g GiB) on %s for an array of shape %s and dtype %s"
                            % (opname or "allocation", nbytes, nbytes / 2.0 ** 30, make_context(dev_type, dev_id),
                               _shape_text(ndim, shape), DTYPE_NAMES[dtype]))


cdef NDArray new_array(int ndim, const int64_t *shape, int dtype, int dev_type, int dev_id, str opname=None):
    """A new contiguous array (uninitialised memory).  The element count and
    byte size are overflow-checked before anything is allocated; `opname`
    names the operator in the error of a failed or impossible request."""
    cdef NDArray a
    cdef int64_t size
    cdef size_t nbytes
    cdef int i
    if gx_array_nbytes(ndim, shape, ITEMSIZE[dtype], &size, &nbytes):
        for i in range(ndim):
            if shape[i] < 0:
                raise MXNetValueError("Operator %s: negative dimension in shape %s" % (opname or "allocation",
                                                                            _shape_text(ndim, shape)))
        raise size_error(opname, ndim, shape, dtype)
    a = NDArray.__new__(NDArray)
    cdef list keep = None if is_host(dev_type) else []
    for i in range(ndim):
        a._shape[i] = shape[i]
    a._ndim = ndim
    a._size = size
    a._dtype = dtype
    a._dev_type = dev_type
    a._dev_id = dev_id
    a._contig = True
    set_contiguous_strides(a)
    if g_dry:                  # a graph capture's dry run: an address, no memory
        a._data = fake_alloc(nbytes)
        track_fake(a)
        return a
    cdef void *p = acquire_memory(nbytes, dev_type, dev_id, keep)
    if p == NULL:
        raise alloc_error(opname, ndim, shape, dtype, nbytes, dev_type, dev_id)
    a._data = <char *>p
    if keep:                   # memory of a Python allocator belongs to its object
        a._base = keep[0]
    else:
        a._alloc_ptr = p
        a._alloc_nbytes = nbytes
    if g_prof_mem:             # the profiler's one test (_profile.pxi)
        prof_alloc(a, nbytes)
    return a


cdef NDArray new_view(NDArray base, int ndim, const int64_t *shape, const int64_t *strides, char *data):
    """A view of `base`'s memory (shape and strides in elements)."""
    cdef NDArray v = NDArray.__new__(NDArray)
    cdef int64_t size = 1
    cdef int i
    if ndim > GX_MAX_NDIM:
        raise MXNetValueError("arrays may have at most %d dimensions" % GX_MAX_NDIM)
    cdef size_t nbytes
    if gx_array_nbytes(ndim, shape, ITEMSIZE[base._dtype], &size, &nbytes):
        raise size_error("view", ndim, shape, base._dtype)
    for i in range(ndim):
        v._shape[i] = shape[i]
        v._strides[i] = strides[i]
    v._ndim = ndim
    v._size = size
    v._dtype = base._dtype
    v._dev_type = base._dev_type
    v._dev_id = base._dev_id
    v._data = data
    v._base = base._base if (base._base is not None and base._alloc_ptr == NULL) else base
    v._contig = compute_contig(v)
    if g_dry and <uintptr_t>data >= FAKE_BASE:
        track_fake(v)
    return v


cdef NDArray new_array_t(tuple shape, int dtype, int dev_type, int dev_id, str opname="empty"):
    cdef int64_t shp[GX_MAX_NDIM]
    cdef int nd = parse_shape(shape, shp, opname)
    return new_array(nd, shp, dtype, dev_type, dev_id, opname)


cdef int parse_shape(object shape, int64_t *out, str opname) except -1:
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    cdef int nd = len(shape)
    if nd > GX_MAX_NDIM:
        raise MXNetValueError("%s: shape %s has %d dimensions, at most %d are supported"
                              % (opname, tuple(shape), nd, GX_MAX_NDIM))
    for i in range(nd):
        d = shape[i]
        if not isinstance(d, (int, np.integer)) or isinstance(d, bool):
            raise MXNetTypeError("%s: shape %r must hold integers" % (opname, tuple(shape)))
        if d < 0:
            raise MXNetValueError("%s: negative dimension in shape %s" % (opname, tuple(shape)))
        if d > 0x7FFFFFFFFFFFFFFF:
            raise MXNetValueError("%s: dimension %d in shape %s is larger than 2^63 - 1"
                                  % (opname, d, tuple(shape)))
        out[i] = d
    return nd


cdef NDArray reshape_view(NDArray a, tuple shape):
    """View of a contiguous array with another shape of the same size."""
    cdef int64_t shp[GX_MAX_NDIM]
    cdef int64_t strides[GX_MAX_NDIM]
    cdef int nd = parse_shape(shape, shp, "reshape")
    cdef int64_t s = 1, size = 1
    cdef size_t nbytes
    if gx_array_nbytes(nd, shp, ITEMSIZE[a._dtype], &size, &nbytes) or size != a._size:
        raise MXNetValueError("reshape: cannot reshape array of shape %s (size %d) into shape %s"
                              % (a.shape, a._size, shape))
    for i in range(nd - 1, -1, -1):
        strides[i] = s
        s *= shp[i]
    return new_view(a, nd, shp, strides, a._data)


cdef inline void fill_tensor(gx_tensor *t, NDArray a) noexcept:
    t.data = a._data
    t.shape = a._shape
    t.strides = a._strides
    t.ndim = a._ndim
    t.dtype = a._dtype
    t.device_type = a._dev_type
    t.device_id = a._dev_id
