# Kernel launch (included by ndarray.pyx): elementwise with broadcasting,
# reductions and strided copies, plus the generic launch used by the
# operator definitions in gluonx.ops.

from libc.stdint cimport uint16_t, uint64_t

# Elementwise loops smaller than this run with the GIL held (releasing it
# costs more than the work).
cdef int64_t GIL_THRESHOLD = 32768

cdef int K_ADD = kernel_id_c("add")
cdef int K_SUB = kernel_id_c("sub")
cdef int K_MUL = kernel_id_c("mul")
cdef int K_DIV = kernel_id_c("div")
cdef int K_MOD = kernel_id_c("mod")
cdef int K_FLOOR_DIV = kernel_id_c("floor_div")
cdef int K_POW = kernel_id_c("power")
cdef int K_EQ = kernel_id_c("equal")
cdef int K_NE = kernel_id_c("not_equal")
cdef int K_GT = kernel_id_c("greater")
cdef int K_GE = kernel_id_c("greater_equal")
cdef int K_LT = kernel_id_c("lesser")
cdef int K_LE = kernel_id_c("lesser_equal")
cdef int K_NEG = kernel_id_c("negative")
cdef int K_ABS = kernel_id_c("abs")
cdef int K_COPY = kernel_id_c("copy")
cdef int K_FILL = kernel_id_c("fill")

# Autograd: each entry point below reports (op name, inputs, outputs,
# attributes) to the tape (_autograd.pxi) when an input carries autograd
# state; that check is a pointer compare per input.


# ---- errors ----------------------------------------------------------------

cdef str describe(tuple arrays):
    parts = []
    for x in arrays:
        if isinstance(x, NDArray):
            parts.append("%s %s" % ((<NDArray>x).shape, DTYPE_NAMES[(<NDArray>x)._dtype]))
        else:
            parts.append(repr(x))
    return ", ".join(parts)


cdef int kernel_failed(int status, str opname, tuple arrays) except -1:
    raise_status(status, "Operator %s (inputs: %s)" % (opname, describe(arrays)))
    return -1


cdef int missing_kernel(int kid, int dev_type, int dtype, str opname) except -1:
    kname = kernel_name(kid)
    have = providers_of(kname)
    where = ", ".join(sorted("%s/%s" % k for k in have)) or "no backend"
    raise MXNetNotImplementedError(
        "Operator %s: no kernel '%s' for %s on %s; it is implemented for: %s"
        % (opname, kname, DTYPE_NAMES[dtype], make_context(dev_type, 0).device_type, where))


cdef int check_same_device(NDArray a, NDArray b, str opname) except -1:
    if a._dev_type != b._dev_type and is_host(a._dev_type) and is_host(b._dev_type):
        return 0     # cpu, cpu_pinned and cpu_shared arrays all live in host memory (MXNet mixes them)
    if a._dev_type != b._dev_type or a._dev_id != b._dev_id:
        raise MXNetValueError("Operator %s: inputs are on different devices (%s and %s); "
                              "move one with .as_in_context()" % (opname, a.context, b.context))
    return 0


cdef int check_same_dtype(NDArray a, NDArray b, str opname) except -1:
    if a._dtype != b._dtype:
        raise MXNetTypeError("Operator %s: inputs have different dtypes (%s %s and %s %s); "
                             "cast one with .astype()" % (opname, a.shape, DTYPE_NAMES[a._dtype],
                                                          b.shape, DTYPE_NAMES[b._dtype]))
    return 0


# ---- shape helpers ---------------------------------------------------------

cdef int coalesce(int nd, int64_t *shape, int nops, int64_t **strides) noexcept:
    """Drops extent-1 axes and merges neighbours that are contiguous in every
    operand, in place; returns the new ndim (at least 1)."""
    cdef int i, j, k, n = 0
    cdef bint ok
    for i in range(nd):
        if shape[i] == 0:
            return nd          # empty: nothing will run, keep as is
    for i in range(nd):
        if shape[i] != 1:
            shape[n] = shape[i]
            for k in range(nops):
                strides[k][n] = strides[k][i]
            n += 1
    if n == 0:
        shape[0] = 1
        for k in range(nops):
            strides[k][0] = 1
        return 1
    j = 0
    for i in range(1, n):
        ok = True
        for k in range(nops):
            if strides[k][j] != strides[k][i] * shape[i]:
                ok = False
                break
        if ok:
            shape[j] *= shape[i]
            for k in range(nops):
                strides[k][j] = strides[k][i]
        else:
            j += 1
            shape[j] = shape[i]
            for k in range(nops):
                strides[k][j] = strides[k][i]
    return j + 1


cdef int broadcast_strides(NDArray a, int nd, const int64_t *oshape, int64_t *st,
                           str opname, NDArray other) except -1:
    """Strides of `a` broadcast (right-aligned) to `oshape`; 0 where broadcast."""
    cdef int off = nd - a._ndim, i
    for i in range(nd):
        if i < off:
            st[i] = 0
        elif a._shape[i - off] == oshape[i]:
            st[i] = a._strides[i - off] if oshape[i] != 1 else 0
        elif a._shape[i - off] == 1:
            st[i] = 0
        else:
            raise MXNetValueError("Operator %s: cannot broadcast shape %s to %s"
                                  % (opname, a.shape, tuple([oshape[k] for k in range(nd)])))
    return 0


cdef int broadcast_shape(NDArray a, NDArray b, int64_t *out, str opname) except -1:
    cdef int nd = a._ndim if a._ndim > b._ndim else b._ndim
    cdef int i, ia, ib
    cdef int64_t da, db
    for i in range(nd):
        ia = a._ndim - nd + i
        ib = b._ndim - nd + i
        da = a._shape[ia] if ia >= 0 else 1
        db = b._shape[ib] if ib >= 0 else 1
        if da == db or db == 1:
            out[i] = da
        elif da == 1:
            out[i] = db
        else:
            raise MXNetValueError("Operator %s: shapes %s and %s cannot be broadcast together "
                                  "(axis %d: %d vs %d)" % (opname, a.shape, b.shape, i - nd, da, db))
    return nd


cdef inline bint same_shape(NDArray a, NDArray b) noexcept:
    if a._ndim != b._ndim:
        return False
    for i in range(a._ndim):
        if a._shape[i] != b._shape[i]:
            return False
    return True


# ---- scalars ---------------------------------------------------------------

cdef bint is_scalar(object v):
    return isinstance(v, (int, float, np.number, np.bool_)) and not isinstance(v, NDArray)


cdef int write_scalar(object v, int dtype, char *buf) except -1:
    """Stores Python number `v` as one element of `dtype` (MXNet converts the
    scalar to the array's dtype; integers wrap, floats truncate)."""
    cdef double d
    cdef int64_t i
    if dtype == GX_FLOAT32:
        (<float *>buf)[0] = <float>float(v)
    elif dtype == GX_FLOAT64:
        (<double *>buf)[0] = float(v)
    elif dtype == GX_FLOAT16:
        (<uint16_t *>buf)[0] = int(np.array(float(v), dtype=np.float16).view(np.uint16))
    elif dtype == GX_BOOL:
        (<uint8_t *>buf)[0] = 1 if v else 0
    else:
        if isinstance(v, (float, np.floating)):
            d = float(v)
            i = <int64_t>d if (d == d and -9.2e18 < d < 9.2e18) else 0
        else:
            u = int(v) & 0xFFFFFFFFFFFFFFFF
            if u >= 0x8000000000000000:
                u -= 0x10000000000000000
            i = u
        if dtype == GX_INT64:
            (<int64_t *>buf)[0] = i
        elif dtype == GX_INT32:
            (<int32_t *>buf)[0] = <int32_t>i
        elif dtype == GX_INT8:
            (<int8_t *>buf)[0] = <int8_t>i
        else:
            (<uint8_t *>buf)[0] = <uint8_t>i
    return 0


# ---- elementwise -------------------------------------------------------------

cdef object binary_entry(int kid, object lhs, object rhs, object out, str opname):
    """`lhs (op) rhs` with NumPy broadcasting; either side may be a scalar."""
    cdef NDArray a, b, o
    cdef gx_tensor t[3]
    cdef gx_kernel_fn fn
    cdef int64_t one = 1
    cdef int st
    if type(lhs) is NDArray and type(rhs) is NDArray and out is None and not g_capturing:
        a = <NDArray>lhs
        b = <NDArray>rhs
        if (a._contig and b._contig and a._dtype == b._dtype and a._dev_type == b._dev_type
                and a._dev_id == b._dev_id and same_shape(a, b)):
            fn = c_kernel(kid, a._dev_type, a._dtype)
            if fn != NULL:
                o = new_array(a._ndim, a._shape, a._dtype, a._dev_type, a._dev_id)
                t[0].data = a._data
                t[1].data = b._data
                t[2].data = o._data
                for i in range(3):
                    t[i].shape = &a._size
                    t[i].strides = &one
                    t[i].ndim = 1
                    t[i].dtype = a._dtype
                    t[i].device_type = a._dev_type
                    t[i].device_id = a._dev_id
                if g_prof_imp:      # the profiler's one test (_profile.pxi)
                    st = prof_call_c(fn, kid, a._dev_type, a._dev_id, a._dtype, t, 2, &t[2], 1, NULL,
                                     a._size >= GIL_THRESHOLD, opname, (a, b))
                else:
                    st = call_c_kernel(fn, a._dev_type, a._dev_id, t, 2, &t[2], 1, NULL,
                                       a._size >= GIL_THRESHOLD)
                if st:
                    kernel_failed(st, opname, (a, b))
                if a._ag is not None or b._ag is not None:
                    record(opname, (a, b), (o,), None)
                return o
    if isinstance(lhs, NDArray):
        if isinstance(rhs, NDArray) or is_scalar(rhs):
            return binary_general(kid, lhs, rhs, out, opname, False)
    elif isinstance(rhs, NDArray) and is_scalar(lhs):
        return binary_general(kid, lhs, rhs, out, opname, False)
    return NotImplemented


cdef object binary_general(int kid, object lhs, object rhs, object out_obj, str opname, bint strict):
    cdef NDArray a = lhs if isinstance(lhs, NDArray) else None
    cdef NDArray b = rhs if isinstance(rhs, NDArray) else None
    cdef NDArray ref = a if a is not None else b
    cdef NDArray o
    cdef int64_t shp[GX_MAX_NDIM]
    cdef int64_t sa[GX_MAX_NDIM]
    cdef int64_t sb[GX_MAX_NDIM]
    cdef int64_t so[GX_MAX_NDIM]
    cdef int64_t *sp[3]
    cdef char abuf[16]
    cdef char bbuf[16]
    cdef gx_tensor t[3]
    cdef int nd, i, st
    if a is not None and b is not None:
        check_same_dtype(a, b, opname)
        check_same_device(a, b, opname)
        if strict and not same_shape(a, b):
            raise MXNetValueError("Operator %s: shapes %s and %s differ; elemwise operators need "
                                  "equal shapes (the broadcast_* operators broadcast)"
                                  % (opname, a.shape, b.shape))
        nd = broadcast_shape(a, b, shp, opname)
    else:
        nd = ref._ndim
        for i in range(nd):
            shp[i] = ref._shape[i]
    if out_obj is None:
        o = new_array(nd, shp, ref._dtype, ref._dev_type, ref._dev_id, opname)
    else:
        o = check_out(out_obj, nd, shp, ref._dtype, opname)
        check_same_device(o, ref, opname)
        check_inplace(o, opname)
    if a is not None:
        broadcast_strides(a, nd, shp, sa, opname, b)
        t[0].data = a._data
    else:
        write_scalar(lhs, ref._dtype, abuf)
        memset(sa, 0, sizeof(sa))
        t[0].data = abuf
    if b is not None:
        broadcast_strides(b, nd, shp, sb, opname, a)
        t[1].data = b._data
    else:
        write_scalar(rhs, ref._dtype, bbuf)
        memset(sb, 0, sizeof(sb))
        t[1].data = bbuf
    for i in range(nd):
        so[i] = o._strides[i]
    t[2].data = o._data
    if o._size:
        sp[0] = sa
        sp[1] = sb
        sp[2] = so
        nd = coalesce(nd, shp, 3, sp)
        t[0].strides = sa
        t[1].strides = sb
        t[2].strides = so
        for i in range(3):
            t[i].shape = shp
            t[i].ndim = nd
            t[i].dtype = ref._dtype
            t[i].device_type = ref._dev_type
            t[i].device_id = ref._dev_id
        run_kernel(kid, ref._dev_type, ref._dev_id, ref._dtype, t, 2, &t[2], 1, NULL,
                   o._size, opname, (lhs, rhs), [lhs, rhs], [o])
    if any_ag((lhs, rhs)):
        record(opname, (lhs, rhs), (o,), None)
    return o


cdef NDArray check_out(object out_obj, int nd, const int64_t *shp, int dtype, str opname):
    cdef NDArray o
    if not isinstance(out_obj, NDArray):
        raise MXNetTypeError("Operator %s: out= must be an NDArray, got %s" % (opname, type(out_obj).__name__))
    o = out_obj
    cdef bint same = o._ndim == nd
    cdef int i
    if same:
        for i in range(nd):
            if o._shape[i] != shp[i]:
                same = False
                break
    if not same:
        raise MXNetValueError("Operator %s: out= has shape %s, the result has shape %s"
                              % (opname, o.shape, tuple([shp[i] for i in range(nd)])))
    if o._dtype != dtype:
        raise MXNetTypeError("Operator %s: out= has dtype %s, the result has dtype %s"
                             % (opname, DTYPE_NAMES[o._dtype], DTYPE_NAMES[dtype]))
    return o


cdef int run_kernel(int kid, int dev_type, int dev_id, int dtype, gx_tensor *ins, int nin,
                    gx_tensor *outs, int nout, const void *attrs, int64_t work, str opname,
                    tuple described, list in_arrays, list out_arrays, int attrs_size=0) except -1:
    """Looks up and calls a kernel; Python kernels get the NDArrays.  During a
    graph capture the launch is recorded instead (attrs_size: bytes of attrs)."""
    cdef gx_kernel_fn fn
    cdef int st
    if g_capturing:
        return capture_launch(kid, dev_type, dev_id, dtype, ins, nin, outs, nout, attrs, attrs_size,
                              opname, in_arrays, out_arrays)
    fn = c_kernel(kid, dev_type, dtype)
    if fn != NULL:
        if g_prof_imp:          # the profiler's one test (_profile.pxi)
            st = prof_call_c(fn, kid, dev_type, dev_id, dtype, ins, nin, outs, nout, attrs,
                             work >= GIL_THRESHOLD, opname, in_arrays)
        else:
            st = call_c_kernel(fn, dev_type, dev_id, ins, nin, outs, nout, attrs, work >= GIL_THRESHOLD)
        if st:
            kernel_failed(st, opname, described)
        return 0
    pyfn = py_kernel(kid, dev_type, dtype)
    if pyfn is None:
        missing_kernel(kid, dev_type, dtype, opname)
    if g_prof_imp:
        return prof_call_py(pyfn, kid, dev_type, dev_id, dtype, opname, in_arrays, out_arrays)
    pyfn(in_arrays, out_arrays, None)
    return 0


cdef object unary_entry(int kid, NDArray x, object out_obj, str opname, const void *attrs=NULL,
                        object attrs_obj=None, int attrs_size=0):
    """An elementwise unary kernel; the output is contiguous, `x` any view."""
    cdef NDArray o
    cdef int64_t shp[GX_MAX_NDIM]
    cdef int64_t sx[GX_MAX_NDIM]
    cdef int64_t so[GX_MAX_NDIM]
    cdef int64_t *sp[2]
    cdef gx_tensor t[2]
    cdef int nd = x._ndim, i
    if out_obj is None:
        o = new_array(x._ndim, x._shape, x._dtype, x._dev_type, x._dev_id)
    else:
        o = check_out(out_obj, x._ndim, x._shape, x._dtype, opname)
        check_same_device(o, x, opname)
        check_inplace(o, opname)
    if x._size:
        for i in range(nd):
            shp[i] = x._shape[i]
            sx[i] = x._strides[i]
            so[i] = o._strides[i]
        sp[0] = sx
        sp[1] = so
        nd = coalesce(nd, shp, 2, sp)
        t[0].data = x._data
        t[0].strides = sx
        t[1].data = o._data
        t[1].strides = so
        for i in range(2):
            t[i].shape = shp
            t[i].ndim = nd
            t[i].dtype = x._dtype
            t[i].device_type = x._dev_type
            t[i].device_id = x._dev_id
        run_kernel(kid, x._dev_type, x._dev_id, x._dtype, t, 1, &t[1], 1, attrs, x._size,
                   opname, (x,), [x], [o], attrs_size)
    if x._ag is not None:
        record(opname, (x,), (o,), attrs_obj)
    return o


# ---- copies ------------------------------------------------------------------

cdef int copy_into(NDArray dst, NDArray src, str opname) except -1:
    """dst[...] = src, broadcasting src and casting to dst's dtype."""
    cdef int64_t shp[GX_MAX_NDIM]
    cdef int64_t ss[GX_MAX_NDIM]
    cdef int64_t sd[GX_MAX_NDIM]
    cdef int64_t *sp[2]
    cdef gx_tensor t[2]
    cdef int nd = dst._ndim, i
    if dst._size == 0:
        return 0
    if src._dev_type != dst._dev_type or src._dev_id != dst._dev_id:
        src = copy_array(src, src._dtype, dst._dev_type, dst._dev_id)
    if src._ndim > nd:
        # extra leading size-1 axes are dropped, as NumPy and MXNet's __setitem__ do
        # (a[0] = b with b of shape (1, n))
        for i in range(src._ndim - nd):
            if src._shape[i] != 1:
                raise MXNetValueError("%s: cannot broadcast shape %s into %s" % (opname, src.shape, dst.shape))
        src = new_view(src, nd, src._shape + (src._ndim - nd), src._strides + (src._ndim - nd), src._data)
    broadcast_strides(src, nd, dst._shape, ss, opname, dst)
    for i in range(nd):
        shp[i] = dst._shape[i]
        sd[i] = dst._strides[i]
    sp[0] = ss
    sp[1] = sd
    nd = coalesce(nd, shp, 2, sp)
    t[0].data = src._data
    t[0].strides = ss
    t[0].dtype = src._dtype
    t[1].data = dst._data
    t[1].strides = sd
    t[1].dtype = dst._dtype
    for i in range(2):
        t[i].shape = shp
        t[i].ndim = nd
        t[i].device_type = dst._dev_type
        t[i].device_id = dst._dev_id
    run_kernel(K_COPY, dst._dev_type, dst._dev_id, src._dtype, t, 1, &t[1], 1, NULL, dst._size,
               opname, (src,), [src], [dst])
    return 0


cdef NDArray copy_array(NDArray src, int dtype, int dev_type, int dev_id):
    """A contiguous copy of `src` with the given dtype on the given device."""
    cdef NDArray o, staged
    cdef gx_allocator *al
    cdef int st
    if dev_type == src._dev_type and dev_id == src._dev_id:
        o = new_array(src._ndim, src._shape, dtype, dev_type, dev_id)
        copy_into(o, src, "copy")
        return o
    # Across devices: make it contiguous with the right dtype where it is,
    # then move the bytes through the device allocator.
    if g_dry:
        capture_abort("an array was copied to another device")
    staged = src if (src._contig and src._dtype == dtype) else copy_array(src, dtype, src._dev_type, src._dev_id)
    o = new_array(src._ndim, src._shape, dtype, dev_type, dev_id)
    nbytes = <size_t>o._size * ITEMSIZE[dtype]
    if nbytes == 0:
        return o
    if is_host(src._dev_type) and is_host(dev_type):
        memcpy(o._data, staged._data, nbytes)
    elif is_host(src._dev_type):
        al = device_allocator(dev_type)
        if al != NULL:
            st = al.copy_from_host(dev_id, o._data, staged._data, nbytes, NULL)
            if st:
                raise_status(st, "copy to %s" % o.context)
        else:
            python_allocator(dev_type).from_host(dev_id, <size_t>o._data, <size_t>staged._data, nbytes)
    elif is_host(dev_type):
        al = device_allocator(src._dev_type)
        if al != NULL:
            st = al.copy_to_host(src._dev_id, o._data, staged._data, nbytes, NULL)
            if st:
                raise_status(st, "copy from %s" % staged.context)
        else:
            python_allocator(src._dev_type).to_host(src._dev_id, <size_t>o._data, <size_t>staged._data, nbytes)
    else:
        host = copy_array(staged, dtype, GX_DEV_CPU, 0)
        return copy_array(host, dtype, dev_type, dev_id)
    return o


cdef int fill_array(NDArray dst, object value) except -1:
    cdef gx_fill_attrs attrs
    cdef gx_tensor t
    if dst._size == 0:
        return 0
    attrs.value = float(value)
    fill_tensor(&t, dst)
    run_kernel(K_FILL, dst._dev_type, dst._dev_id, dst._dtype, NULL, 0, &t, 1, &attrs, dst._size,
               "fill", (), [], [dst], sizeof(gx_fill_attrs))
    return 0


cdef NDArray full_like_array(NDArray x, object value):
    cdef NDArray o = new_array(x._ndim, x._shape, x._dtype, x._dev_type, x._dev_id)
    fill_array(o, value)
    return o


# ---- reductions ----------------------------------------------------------------

cdef tuple normalize_axes(object axis, int ndim, bint exclude, str opname):
    """Sorted tuple of reduced axes.  axis None or () reduces everything."""
    if axis is None or (isinstance(axis, (tuple, list)) and len(axis) == 0):
        return tuple(range(ndim))      # MXNet: () means every axis, exclude or not
    if isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    seen = set()
    for ax in axis:
        if not isinstance(ax, (int, np.integer)):
            raise MXNetTypeError("Operator %s: axis must be an int or a tuple of ints, got %r" % (opname, axis))
        a = int(ax)
        if a < -ndim or a >= ndim:
            raise MXNetIndexError("Operator %s: axis %d is out of range for an array of %d dimensions"
                                  % (opname, a, ndim))
        a = a % ndim if ndim else 0
        if a in seen:
            raise MXNetValueError("Operator %s: axis %d appears twice in %r" % (opname, a, axis))
        seen.add(a)
    if exclude:
        return tuple([i for i in range(ndim) if i not in seen])
    return tuple(sorted(seen))


cdef NDArray reduce_impl(int kid, NDArray x, tuple axes, bint keepdims, int out_dtype,
                         const void *attrs, str opname, object attrs_obj, int attrs_size=0,
                         NDArray dest=None):
    cdef int64_t kshape[GX_MAX_NDIM]   # keepdims shape of the result
    cdef int64_t shp[GX_MAX_NDIM]
    cdef int64_t sx[GX_MAX_NDIM]
    cdef int64_t so[GX_MAX_NDIM]
    cdef int64_t oshape[GX_MAX_NDIM]
    cdef int64_t *sp[2]
    cdef gx_tensor t[2]
    cdef int nd = x._ndim, i
    cdef NDArray o
    reduced = [False] * nd
    for ax in axes:
        reduced[ax] = True
    for i in range(nd):
        kshape[i] = 1 if reduced[i] else x._shape[i]
    if dest is None:
        o = new_array(nd, kshape, out_dtype, x._dev_type, x._dev_id)
    else:                      # a contiguous destination holding the kept elements in order
        o = new_view(dest, nd, kshape, kshape, dest._data)
        set_contiguous_strides(o)
        o._contig = True
    if o._size:
        for i in range(nd):
            shp[i] = x._shape[i]
            sx[i] = x._strides[i]
            so[i] = 0 if reduced[i] else o._strides[i]
        sp[0] = sx
        sp[1] = so
        nd2 = coalesce(nd, shp, 2, sp)
        for i in range(nd2):
            oshape[i] = 1 if so[i] == 0 else shp[i]
        t[0].data = x._data
        t[0].shape = shp
        t[0].strides = sx
        t[0].dtype = x._dtype
        t[1].data = o._data
        t[1].shape = oshape
        t[1].strides = so
        t[1].dtype = out_dtype
        for i in range(2):
            t[i].ndim = nd2
            t[i].device_type = x._dev_type
            t[i].device_id = x._dev_id
        run_kernel(kid, x._dev_type, x._dev_id, x._dtype, t, 1, &t[1], 1, attrs, x._size,
                   opname, (x,), [x], [o], attrs_size)
    if dest is not None:
        return dest
    if not keepdims:
        final = tuple([x._shape[i] for i in range(x._ndim) if not reduced[i]])
        o = reshape_view(o, final if final else (1,))
    if x._ag is not None:
        record(opname, (x,), (o,), attrs_obj)
    return o


cdef class UnaryFn:
    """A unary elementwise operator with its kernel id resolved once: the
    fast path of mx.nd.exp, mx.nd.tanh, ... (recorded by unary_entry)."""
    cdef int kid
    cdef str opname

    def __init__(self, str kernel, str opname):
        self.kid = kernel_id_c(kernel)
        self.opname = opname

    def __call__(self, data, out=None):
        if not isinstance(data, NDArray):
            raise MXNetTypeError("Operator %s: input 'data' must be an NDArray, got %s"
                                 % (self.opname, type(data).__name__))
        return unary_entry(self.kid, <NDArray>data, out, self.opname)


# ---- the API the operator definitions use ----------------------------------------

def empty(shape, dtype=None, ctx=None) -> NDArray:
    """An uninitialised contiguous array."""
    dev_type, dev_id = context_ids(ctx)
    return new_array_t(tuple(shape) if not isinstance(shape, (int, np.integer)) else (shape,),
                       dtype_flag(dtype), dev_type, dev_id)


def empty_like(NDArray x, dtype=None) -> NDArray:
    return new_array(x._ndim, x._shape, x._dtype if dtype is None else dtype_flag(dtype),
                     x._dev_type, x._dev_id)


def full(shape, value, dtype=None, ctx=None) -> NDArray:
    cdef NDArray o = empty(shape, dtype, ctx)
    fill_array(o, value)
    return o


def fill(NDArray dst, value) -> NDArray:
    fill_array(dst, value)
    return dst


def binary(str kernel, lhs, rhs, out=None, str opname=None, bint strict=False):
    """lhs (kernel) rhs with broadcasting (strict: shapes must be equal)."""
    r = binary_general(kernel_id_c(kernel), lhs, rhs, out, opname or kernel, strict)
    return r


def unary(str kernel, NDArray x, out=None, str opname=None):
    return unary_entry(kernel_id_c(kernel), x, out, opname or kernel)


def unary_with_attrs(str kernel, NDArray x, bytes attrs, out=None, str opname=None, attrs_obj=None):
    """A unary kernel that takes an attribute struct (packed as bytes)."""
    return unary_entry(kernel_id_c(kernel), x, out, opname or kernel,
                       <const char *>attrs, attrs_obj, len(attrs))


def reduce(str kernel, NDArray x, axis=None, bint keepdims=False, bint exclude=False,
           out_dtype=None, bytes attrs=None, str opname=None, attrs_obj=None):
    """A reduction over `axis` (None: all axes).  A full reduction without
    keepdims has shape (1,), as in MXNet."""
    name = opname or kernel
    axes = normalize_axes(axis, x._ndim, exclude, name)
    dt = x._dtype if out_dtype is None else dtype_flag(out_dtype)
    return reduce_impl(kernel_id_c(kernel), x, axes, keepdims, dt,
                       <const char *>attrs if attrs is not None else NULL, name, attrs_obj,
                       len(attrs) if attrs is not None else 0)


def copyto(NDArray dst, src, str opname="copyto"):
    """dst[...] = src (an NDArray broadcast to dst's shape, or a scalar)."""
    if isinstance(src, NDArray):
        copy_into(dst, <NDArray>src, opname)
    elif is_scalar(src):
        fill_array(dst, src)
    else:
        copy_into(dst, from_numpy(np.asarray(src), dst._dtype, dst._dev_type, dst._dev_id), opname)
    return dst


def astype(NDArray x, dtype) -> NDArray:
    return copy_array(x, dtype_flag(dtype), x._dev_type, x._dev_id)


def contiguous(NDArray x) -> NDArray:
    """x itself when contiguous, else a contiguous copy."""
    return x if x._contig else copy_array(x, x._dtype, x._dev_type, x._dev_id)


def as_strided(NDArray x, shape, strides, Py_ssize_t offset=0) -> NDArray:
    """A view of x's memory: shape, strides (elements) and offset (elements)
    relative to x's first element.  The caller guarantees the bounds."""
    cdef int64_t shp[GX_MAX_NDIM]
    cdef int64_t st[GX_MAX_NDIM]
    cdef int nd = len(shape)
    if nd != len(strides) or nd > GX_MAX_NDIM:
        raise MXNetValueError("as_strided: shape %s and strides %s do not match" % (shape, strides))
    for i in range(nd):
        shp[i] = shape[i]
        st[i] = strides[i]
    return new_view(x, nd, shp, st, x._data + offset * ITEMSIZE[x._dtype])


def reshape(NDArray x, shape) -> NDArray:
    """A view of a contiguous x (copying first if needed) with a new shape."""
    return reshape_view(x if x._contig else copy_array(x, x._dtype, x._dev_type, x._dev_id), tuple(shape))


def launch(str kernel, list inputs, list outputs, bytes attrs=None, str opname=None, int dispatch=0):
    """Runs `kernel` on NDArray views.  Dispatches on the dtype of input
    number `dispatch` (default the first; the first output's when there are
    no inputs)."""
    cdef gx_tensor tin[8]
    cdef gx_tensor tout[8]
    cdef int nin = len(inputs), nout = len(outputs), i
    cdef NDArray ref
    cdef int64_t work = 0
    if nin > 8 or nout > 8:
        raise MXNetValueError("launch: at most 8 inputs and 8 outputs")
    for i in range(nin):
        fill_tensor(&tin[i], <NDArray?>inputs[i])
        work += (<NDArray>inputs[i])._size
    for i in range(nout):
        fill_tensor(&tout[i], <NDArray?>outputs[i])
        work += (<NDArray>outputs[i])._size
    if nin and not 0 <= dispatch < nin:
        raise MXNetValueError("launch: dispatch index %d for %d inputs" % (dispatch, nin))
    ref = inputs[dispatch] if nin else outputs[0]
    run_kernel(kernel_id_c(kernel), ref._dev_type, ref._dev_id, ref._dtype, tin, nin, tout, nout,
               <const char *>attrs if attrs is not None else NULL, work, opname or kernel,
               tuple(inputs), inputs, outputs, len(attrs) if attrs is not None else 0)
    return outputs


# ---- what OpDef.invoke needs (gluonx/ops/registry.py) ---------------------------------

def shapes_dtypes(list inputs):
    """([shape or None], [dtype name or None]) of an op's inputs (None for a
    missing optional input or a number)."""
    cdef list shapes = []
    cdef list dtypes = []
    cdef NDArray a
    for x in inputs:
        if isinstance(x, NDArray):
            a = <NDArray>x
            shapes.append(tuple([a._shape[i] for i in range(a._ndim)]))
            dtypes.append(DTYPE_NAMES[a._dtype])
        else:
            shapes.append(None)
            dtypes.append(None)
    return shapes, dtypes


def first_context(list inputs):
    """The Context of the first NDArray input (None if there is none)."""
    for x in inputs:
        if isinstance(x, NDArray):
            return make_context((<NDArray>x)._dev_type, (<NDArray>x)._dev_id)
    return None


def alloc_outputs(list shapes, list dtypes, ctx, str opname="empty"):
    """Fresh contiguous outputs for inferred shapes and dtype names (`opname`
    names the operator in an allocation error)."""
    dev_type, dev_id = context_ids(ctx)
    cdef list outs = []
    for s, d in zip(shapes, dtypes):
        outs.append(new_array_t(tuple(s), _NAME_TO_FLAG[d] if isinstance(d, str) else dtype_flag(d),
                                dev_type, dev_id, opname))
    return outs


def run_op(op, list inputs, dict attrs):
    """OpDef.invoke's common case in C: infer with the op's rule, allocate
    the outputs on the first input's device (or attrs['ctx']), run
    ``op.compute(*inputs, out=..., **attrs)`` and record the call as one
    node.  Returns the output (a list when the op has several)."""
    if g_prof_imp:              # the profiler's one test (_profile.pxi)
        return prof_run_op(op, inputs, attrs)
    return run_op_body(op, inputs, attrs)


cdef object run_op_body(object op, list inputs, dict attrs):
    cdef list shapes = []
    cdef list dtypes = []
    cdef NDArray a, first = None
    cdef bint recorded = False
    cdef int dev_type, dev_id, k = 0
    for x in inputs:
        if x is not None and not isinstance(x, NDArray):
            names = op.inputs if not op.variadic else ()
            what = names[k] if k < len(names) else "data[%d]" % k
            raise MXNetTypeError("Operator %s: input '%s' must be an NDArray, got %s"
                                 % (op.name, what, type(x).__name__))
        k += 1
        if x is None and not op.variadic and k <= len(op.inputs) and op.inputs[k - 1] not in op.optional:
            raise MXNetTypeError("Operator %s: input '%s' must be an NDArray, got NoneType"
                                 % (op.name, op.inputs[k - 1]))
        if isinstance(x, NDArray):
            a = <NDArray>x
            shapes.append(tuple([a._shape[i] for i in range(a._ndim)]))
            dtypes.append(DTYPE_NAMES[a._dtype])
            if first is None:
                first = a
            if a._ag is not None:
                recorded = True
        else:
            shapes.append(None)
            dtypes.append(None)
    # the rule is pure: calls with the same shapes, dtypes and attributes reuse its answer
    cdef dict memo = op._infer_memo
    try:
        key = (tuple(shapes), tuple(dtypes), tuple(attrs.values()))
        got = memo.get(key)
    except TypeError:            # an unhashable attribute value
        key = got = None
    if got is None:
        got = op.infer(attrs, shapes, dtypes)
        if key is not None:
            if len(memo) >= 1024:
                memo.clear()
            memo[key] = got
    oshapes, odtypes = got
    if first is not None:
        dev_type, dev_id = first._dev_type, first._dev_id
    else:
        dev_type, dev_id = context_ids(attrs.get("ctx"))
    cdef list outs = []
    for s, d in zip(oshapes, odtypes):
        outs.append(new_array_t(tuple(s), _NAME_TO_FLAG[d] if isinstance(d, str) else dtype_flag(d),
                                dev_type, dev_id, op.name))
    given = outs[0] if len(outs) == 1 else outs
    tin = tuple(inputs)
    if recorded and wants_record(tin):
        # the whole op is one node, not the launches inside it
        global gx_ag_suppress
        gx_ag_suppress += 1
        try:
            saved = op.compute(*inputs, out=given, **attrs)
        finally:
            gx_ag_suppress -= 1
        if op.saves:
            attrs = dict(attrs, _saved=saved)
        record(op.name, tin, tuple(outs), attrs)
    else:
        op.compute(*inputs, out=given, **attrs)
    return given


def reduce_into(str kernel, NDArray x, tuple axes, NDArray out, bytes attrs=None, str opname=None):
    """Reduction `kernel` of x over the sorted `axes` written into `out`, a
    contiguous array holding the kept elements in order (not recorded: the
    operator records itself)."""
    cdef int64_t kept = 1
    for i in range(x._ndim):
        if i not in axes:
            kept *= x._shape[i]
    if not out._contig or out._size != kept:
        raise MXNetValueError("reduce_into: the output must be contiguous with %d elements, got %s"
                              % (kept, out.shape))
    reduce_impl(kernel_id_c(kernel), x, axes, True, out._dtype,
                <const char *>attrs if attrs is not None else NULL, opname or kernel, None,
                len(attrs) if attrs is not None else 0, out)
    return out
