# __getitem__ / __setitem__ with basic keys (included by ndarray.pyx).
# Integer-array keys go to the advanced-indexing functions that gluonx.ops
# injects (set_hooks: advanced_getitem, advanced_setitem).


cdef bint is_basic_part(object k):
    return (k is None or k is Ellipsis or isinstance(k, slice)
            or (isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_))))


cdef NDArray basic_view(NDArray x, tuple key, bint *all_ints):
    """The strided view that a tuple of ints, slices, None and one Ellipsis
    selects (NumPy's basic indexing)."""
    cdef int64_t shp[GX_MAX_NDIM]
    cdef int64_t st[GX_MAX_NDIM]
    cdef int nd = 0, axis = 0, i
    cdef int64_t offset = 0, n, idx
    cdef Py_ssize_t start, stop, step, length
    n_real = 0
    n_ellipsis = 0
    for k in key:
        if k is Ellipsis:
            n_ellipsis += 1
        elif k is not None:
            n_real += 1
    if n_ellipsis > 1:
        raise MXNetIndexError("an index can only have a single ellipsis ('...')")
    if n_real > x._ndim:
        raise MXNetIndexError("too many indices for array: array is %d-dimensional, but %d were indexed"
                              % (x._ndim, n_real))
    all_ints[0] = n_ellipsis == 0 and n_real == x._ndim
    for k in key:
        if k is None:
            if nd >= GX_MAX_NDIM:
                raise MXNetIndexError("indexing would give more than %d dimensions" % GX_MAX_NDIM)
            shp[nd] = 1
            st[nd] = 0
            nd += 1
            all_ints[0] = False
        elif k is Ellipsis:
            for i in range(x._ndim - n_real):
                shp[nd] = x._shape[axis]
                st[nd] = x._strides[axis]
                nd += 1
                axis += 1
        elif isinstance(k, slice):
            all_ints[0] = False
            try:
                start, stop, step = k.indices(x._shape[axis])
                length = len(range(start, stop, step))
            except (ValueError, OverflowError, TypeError) as e:   # a 0 or non-int step, bounds past 2^63
                raise MXNetValueError("invalid slice %r for axis %d with size %d: %s"
                                      % (k, axis, x._shape[axis], e)) from None
            shp[nd] = length
            # a step past the axis's size selects at most one element: its stride is never
            # walked, and stride * step could pass 2^63
            st[nd] = x._strides[axis] * step if length > 1 else x._strides[axis]
            if length:
                offset += start * x._strides[axis]
            nd += 1
            axis += 1
        else:
            n = x._shape[axis]
            if k < -n or k >= n:       # compared as Python ints: k may not fit in int64
                raise MXNetIndexError("index %d is out of bounds for axis %d with size %d" % (k, axis, n))
            idx = k
            if idx < 0:
                idx += n
            offset += idx * x._strides[axis]
            axis += 1
    while axis < x._ndim:
        if nd >= GX_MAX_NDIM:
            raise MXNetIndexError("indexing would give more than %d dimensions" % GX_MAX_NDIM)
        shp[nd] = x._shape[axis]
        st[nd] = x._strides[axis]
        nd += 1
        axis += 1
    return new_view(x, nd, shp, st, x._data + offset * ITEMSIZE[x._dtype])


cdef object getitem(NDArray x, object key):
    """MXNet semantics: an int or a step-1 slice on the first axis, or any
    basic key whose selection is contiguous, gives a view that shares
    memory; any other key gives a copy; a result that would be 0-d has
    shape (1,)."""
    cdef bint all_ints = False
    cdef NDArray v
    cdef int64_t one = 1
    if isinstance(key, tuple) and len(key) == 1:
        key = key[0]
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)) and x._ndim:
        v = basic_view(x, (key,), &all_ints)
        if v._ndim == 0:
            v = new_view(v, 1, &one, &one, v._data)
        if x._ag is not None:
            record("_getitem", (x,), (v,), (key,))
        return v
    if isinstance(key, slice) and key.step in (None, 1) and x._ndim:
        v = basic_view(x, (key,), &all_ints)
        if x._ag is not None:
            record("_getitem", (x,), (v,), (key,))
        return v
    if not isinstance(key, tuple):
        key = (key,)
    for k in key:
        if not is_basic_part(k):
            if x._ag is None:
                return _hooks["advanced_getitem"](x, key)
            with suppress_recording():
                result = _hooks["advanced_getitem"](x, key)
            record("_getitem", (x,), (result,), key)
            return result
    v = basic_view(x, key, &all_ints)
    if v._ndim == 0:
        v = new_view(v, 1, &one, &one, v._data)
    if x._contig and (v._contig or v._size <= 1):
        # MXNet 1.9: a selection that is contiguous in memory (a[1, 2], a[1:3, :],
        # a[...]) is a view sharing memory; any other one (a[:, 0], a[::2]) a copy.
        result = v
    else:
        result = copy_array(v, v._dtype, v._dev_type, v._dev_id)
    if x._ag is not None:
        record("_getitem", (x,), (result,), key)
    return result


cdef int setitem(NDArray x, object key, object value) except -1:
    cdef bint all_ints = False
    cdef NDArray v
    check_inplace(x, "__setitem__")
    check_inplace_value(x, value, "__setitem__")
    if not isinstance(key, tuple):
        key = (key,)
    for k in key:
        if not is_basic_part(k):
            _hooks["advanced_setitem"](x, key, value)
            return 0
    v = basic_view(x, key, &all_ints)
    if isinstance(value, NDArray):
        copy_into(v, <NDArray>value, "__setitem__")
    elif is_scalar(value):
        fill_array(v, value)
    else:
        try:
            arr = np.asarray(value)
        except Exception:
            raise MXNetTypeError("__setitem__: cannot assign a value of type %s" % type(value).__name__)
        copy_into(v, from_numpy(arr, x._dtype, x._dev_type, x._dev_id), "__setitem__")
    return 0
