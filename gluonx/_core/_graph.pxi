# Graph capture and replay (included by ndarray.pyx).
#
# A compiled graph is the list of kernel launches its operators make, taken
# once from a *dry run* and then replayed from C with no Python per node:
#
# * capture: between capture_begin and capture_end, new arrays get fake
#   addresses (no memory), kernels are not called, and every launch that
#   run_kernel sees is recorded (kernel, tensor geometry, attribute bytes).
#   Graph inputs are placeholders (fake arrays registered as external slots).
#   Reading values on the host (asnumpy, bool(...)) aborts the capture: the
#   computation depends on data and cannot be replayed.
# * planning (gluonx/symbol/planner.py) maps every recorded pointer to a
#   (slot, byte offset): slot 0 is one arena whose offsets come from buffer
#   liveness, the others are per-call arrays (inputs, parameters, outputs,
#   gradients) and constants.
# * Program.run replays a range of launches with the GIL released once.

from libc.stdlib cimport malloc, calloc, free as c_free
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC
from libc.stdint cimport uintptr_t
from weakref import ref as weakref_ref

# Fake addresses live above the 47-bit user address space: never dereferenced.
cdef uintptr_t FAKE_BASE = (<uintptr_t>1) << 48
cdef uintptr_t g_fake_next = FAKE_BASE
cdef bint g_capturing = False      # run_kernel records instead of running
cdef bint g_dry = False            # new arrays get fake addresses
cdef object g_capture = None       # the Capture being filled


class CaptureAbort(MXNetError):
    """A dry run read array values on the host or used a kernel that cannot be
    replayed; the graph runs operator by operator instead."""


cdef class Capture:
    """What a dry run recorded.

    launches: one tuple per kernel launch,
        (kernel id, kernel fn address, device type, device id, op name,
         attribute bytes or None, nin, [tensor, ...]);
        a tensor is (address, dtype, shape, strides, source) where source is
        the NDArray passed (or the number, for a scalar operand) and, for a
        number, address is None and the value's bytes come as the last item.
    allocs: [(address, nbytes)] of the fake arrays, in allocation order.
    externals: {address: (nbytes, key)} of the placeholders.
    """
    cdef public list launches
    cdef public list allocs
    cdef public dict externals
    cdef list arrays          # weak references to every array with a fake address

    def __init__(self):
        self.launches = []
        self.allocs = []
        self.externals = {}
        self.arrays = []


def capture_begin(Capture c):
    """Starts a dry run recording into `c` (not re-entrant)."""
    global g_capturing, g_dry, g_capture
    if g_capturing:
        raise MXNetError("graph capture: a capture is already running in this thread")
    g_capture = c
    g_capturing = True
    g_dry = True


def capture_end():
    """Ends the dry run.  Arrays it made that are still referenced (by a
    traceback, say) become empty, so nothing reads their fake addresses."""
    global g_capturing, g_dry, g_capture
    cdef NDArray a
    cap = g_capture
    g_capturing = False
    g_dry = False
    g_capture = None
    if cap is not None:
        for ref in (<Capture>cap).arrays:
            obj = ref()
            if obj is not None:
                a = <NDArray>obj
                a._ndim = 1
                a._shape[0] = 0
                a._strides[0] = 1
                a._size = 0
                a._contig = True
        (<Capture>cap).arrays = []


cdef inline void track_fake(NDArray a):
    if g_capture is not None:
        (<Capture>g_capture).arrays.append(weakref_ref(a))


def is_capturing() -> bool:
    return g_capturing


cdef char *fake_alloc(size_t nbytes):
    """A fresh fake address range of nbytes (64-byte aligned, never reused)."""
    global g_fake_next
    cdef uintptr_t p = g_fake_next
    g_fake_next += ((nbytes + 63) & ~(<uintptr_t>63)) + 64
    if g_capture is not None:
        (<Capture>g_capture).allocs.append((<size_t>p, nbytes))
    return <char *>p


def placeholder(shape, dtype, key) -> NDArray:
    """A fake array standing for a graph input during a dry run: launches
    that touch it resolve to external slot `key`."""
    cdef NDArray a
    if not g_dry:
        raise MXNetError("placeholder: only during a graph capture")
    a = new_array_t(tuple(shape), dtype_flag(dtype), GX_DEV_CPU, 0)
    cap = <Capture>g_capture
    addr, nbytes = cap.allocs.pop()
    cap.externals[addr] = (nbytes, key)
    return a


cdef int capture_abort(str what) except -1:
    raise CaptureAbort("graph capture: %s while tracing; this part of the computation depends on the "
                       "values of its arrays and cannot be compiled into a graph" % what)


cdef int capture_launch(int kid, int dev_type, int dev_id, int dtype, const gx_tensor *ins, int nin,
                        const gx_tensor *outs, int nout, const void *attrs, int attrs_size, str opname,
                        list in_arrays, list out_arrays) except -1:
    cdef gx_kernel_fn fn = c_kernel(kid, dev_type, dtype)
    cdef const gx_tensor *t
    if fn == NULL:
        if py_kernel(kid, dev_type, dtype) is not None:
            capture_abort("operator %s runs a Python kernel" % opname)
        missing_kernel(kid, dev_type, dtype, opname)
    tensors = []
    for k in range(nin + nout):
        t = &ins[k] if k < nin else &outs[k - nin]
        src = (in_arrays[k] if k < len(in_arrays) else None) if k < nin else \
            (out_arrays[k - nin] if k - nin < len(out_arrays) else None)
        shape = tuple([t.shape[i] for i in range(t.ndim)])
        strides = tuple([t.strides[i] for i in range(t.ndim)])
        if k < nin and not isinstance(src, NDArray):
            # a number operand: its bytes, written by the caller into a stack buffer
            tensors.append((None, t.dtype, shape, strides, src,
                            PyBytes_FromStringAndSize(<char *>t.data, ITEMSIZE[t.dtype])))
        else:
            tensors.append((<size_t>t.data, t.dtype, shape, strides, src))
    ab = PyBytes_FromStringAndSize(<const char *>attrs, attrs_size) if attrs != NULL and attrs_size > 0 else None
    if attrs != NULL and attrs_size <= 0:
        capture_abort("operator %s launched kernel %s with attributes of unknown size"
                      % (opname, kernel_name(kid)))
    (<Capture>g_capture).launches.append((kid, <size_t>fn, dev_type, dev_id, opname, ab, nin, tensors))
    return 0


# ---- replay ---------------------------------------------------------------------------

cdef struct PlanLaunch:
    gx_kernel_fn fn
    int32_t dev_type
    int32_t dev_id
    int32_t nin
    int32_t nout
    int32_t first          # index of the launch's first tensor in Program.tens
    const void *attrs


cdef class Program:
    """Planned kernel launches, replayed with `run(bases, begin, end)`.

    Built from a list of launches, each (fn address, device type, device id,
    op name, attribute bytes or None, nin, [(slot, byte offset, dtype,
    shape, strides), ...]); at run time tensor data = bases[slot] + offset.
    """
    cdef PlanLaunch *launches
    cdef int nlaunch
    cdef gx_tensor *tens
    cdef int32_t *slot
    cdef int64_t *offset
    cdef int64_t *dims
    cdef int ntens
    cdef public int nslots
    cdef list keep             # attribute bytes (their buffers are referenced)
    cdef public list names     # op name per launch
    cdef object workspace      # scratch block for launches the plan gave no arena room
    cdef public size_t workspace_need
    cdef size_t *need          # per launch: the most scratch it asked for
    cdef int64_t *sc_off       # per launch: its scratch's offset in the arena (slot 0) ...
    cdef size_t *sc_cap        # ... and size (0: the workspace block)
    cdef public bint measured  # every launch has run once (its need is known)

    def __cinit__(self):
        self.launches = NULL
        self.tens = NULL
        self.slot = NULL
        self.offset = NULL
        self.dims = NULL
        self.need = NULL
        self.sc_off = NULL
        self.sc_cap = NULL

    def __init__(self, list launches, int nslots, list scratch=None):
        cdef int i, k, d, ti = 0, di = 0
        cdef int ndims = 0
        cdef PlanLaunch *L
        self.nslots = nslots
        self.keep = []
        self.names = []
        self.nlaunch = len(launches)
        self.ntens = 0
        for spec in launches:
            for ten in spec[6]:
                self.ntens += 1
                ndims += 2 * len(ten[3])
        self.launches = <PlanLaunch *>malloc(sizeof(PlanLaunch) * max(self.nlaunch, 1))
        self.tens = <gx_tensor *>malloc(sizeof(gx_tensor) * max(self.ntens, 1))
        self.slot = <int32_t *>malloc(sizeof(int32_t) * max(self.ntens, 1))
        self.offset = <int64_t *>malloc(sizeof(int64_t) * max(self.ntens, 1))
        self.dims = <int64_t *>malloc(sizeof(int64_t) * max(ndims, 1))
        self.need = <size_t *>calloc(max(self.nlaunch, 1), sizeof(size_t))
        self.sc_off = <int64_t *>calloc(max(self.nlaunch, 1), sizeof(int64_t))
        self.sc_cap = <size_t *>calloc(max(self.nlaunch, 1), sizeof(size_t))
        if not (self.launches and self.tens and self.slot and self.offset and self.dims and self.need
                and self.sc_off and self.sc_cap):
            raise MXNetMemoryError("Program: out of memory for the tables of %d launches and %d tensors"
                                   % (self.nlaunch, self.ntens))
        if scratch is not None:       # [(arena offset, bytes) or None] per launch
            for i, sc in enumerate(scratch):
                if sc is not None:
                    self.sc_off[i], self.sc_cap[i] = sc
                    self.need[i] = sc[1]
            self.measured = True
        for i, spec in enumerate(launches):
            fnaddr, dev_type, dev_id, opname, ab, nin, tensors = spec
            L = &self.launches[i]
            L.fn = <gx_kernel_fn><size_t>fnaddr
            L.dev_type = dev_type
            L.dev_id = dev_id
            L.nin = nin
            L.nout = len(tensors) - nin
            L.first = ti
            if ab is not None:
                self.keep.append(ab)
                L.attrs = <const char *>ab
            else:
                L.attrs = NULL
            self.names.append(opname)
            for ten in tensors:
                s, off, dt, shape, strides = ten
                if not 0 <= s < nslots:
                    raise MXNetError("Program: slot %d out of range (%d slots)" % (s, nslots))
                self.slot[ti] = s
                self.offset[ti] = off
                self.tens[ti].data = NULL
                self.tens[ti].ndim = len(shape)
                self.tens[ti].dtype = dt
                self.tens[ti].device_type = dev_type
                self.tens[ti].device_id = dev_id
                for d in range(len(shape)):
                    self.dims[di + d] = shape[d]
                    self.dims[di + len(shape) + d] = strides[d]
                self.tens[ti].shape = &self.dims[di]
                self.tens[ti].strides = &self.dims[di + len(shape)]
                di += 2 * len(shape)
                ti += 1

    def __dealloc__(self):
        c_free(self.launches)
        c_free(self.tens)
        c_free(self.slot)
        c_free(self.offset)
        c_free(self.dims)
        c_free(self.need)
        c_free(self.sc_off)
        c_free(self.sc_cap)

    def __len__(self):
        return self.nlaunch

    def scratch_needs(self) -> list:
        """Bytes of scratch each launch asked for (measured when it ran)."""
        return [self.need[i] for i in range(self.nlaunch)]

    def run(self, list bases, int begin=0, int end=-1, list times=None):
        """Replays launches [begin, end) with tensor data at bases[slot] +
        offset; a base is an NDArray (its data) or an address.  A kernel takes
        its scratch from the room the plan gave it in the arena, else from one
        workspace block sized by what launches asked for (each run measures
        it); not for two threads at once.  With a `times` list, (op name,
        seconds) of each launch are appended."""
        cdef char **base
        cdef int i, k, failed = -1, status = 0
        cdef PlanLaunch *L
        cdef gx_context ctx
        cdef gx_scratch_list scratch
        cdef timespec t0, t1
        cdef double *dt = NULL
        cdef char *ws
        cdef size_t ws_cap
        cdef long long *pt = NULL      # the profiler's start and end of each launch
        cdef int ran = begin
        if end < 0:
            end = self.nlaunch
        if times is not None:
            dt = <double *>malloc(sizeof(double) * max(end - begin, 1))
        if g_prof_sym:                 # the profiler's one test (_profile.pxi)
            pt = <long long *>malloc(sizeof(long long) * 2 * max(end - begin, 1))
        if len(bases) != self.nslots:
            raise MXNetError("Program.run: %d bases for %d slots" % (len(bases), self.nslots))
        base = <char **>malloc(sizeof(char *) * max(self.nslots, 1))
        if base == NULL:
            raise MXNetMemoryError("Program.run: out of memory for %d slot addresses" % self.nslots)
        try:
            for i in range(self.nslots):
                b = bases[i]
                if isinstance(b, NDArray):
                    base[i] = (<NDArray>b)._data
                elif b is None:
                    base[i] = NULL
                else:
                    base[i] = <char *><size_t>b
            ctx.abi_version = GX_ABI_VERSION
            ctx.max_threads = 0
            ctx.stream = NULL
            ctx.scratch_alloc = gx_core_scratch_alloc
            ctx.set_error = gx_core_set_error
            ctx.core_private = &scratch
            scratch.use_arena = 1
            # the workspace, sized by earlier runs, is made when a run of a measured program
            # needs it: one replaced after its measuring run (scratch planned into the arena),
            # or between the forward and backward parts of that run, makes none
            if (self.measured and self.workspace_need > ((<NDArray>self.workspace)._size if self.workspace is not None else 0)
                    and is_host(self.launches[0].dev_type if self.nlaunch else 1)):
                self.workspace = None
                self.workspace = new_array_t((<object>self.workspace_need,), GX_UINT8, GX_DEV_CPU, 0)
            ws = <char *>(<NDArray>self.workspace)._data if self.workspace is not None else NULL
            ws_cap = (<NDArray>self.workspace)._size if self.workspace is not None else 0
            with nogil:
                for i in range(begin, end):
                    L = &self.launches[i]
                    for k in range(L.first, L.first + L.nin + L.nout):
                        self.tens[k].data = base[self.slot[k]] + self.offset[k]
                    ctx.device_type = L.dev_type
                    ctx.device_id = L.dev_id
                    scratch.count = 0
                    scratch.arena_used = 0
                    scratch.arena_need = 0
                    if self.sc_cap[i]:
                        scratch.arena = base[0] + self.sc_off[i]
                        scratch.arena_cap = self.sc_cap[i]
                    else:
                        scratch.arena = ws
                        scratch.arena_cap = ws_cap
                    if dt != NULL:
                        clock_gettime(CLOCK_MONOTONIC, &t0)
                    if pt != NULL:
                        pt[2 * (i - begin)] = gx_prof_now_ns()
                    status = L.fn(&ctx, &self.tens[L.first], L.nin, &self.tens[L.first + L.nin], L.nout,
                                  L.attrs)
                    if pt != NULL:
                        pt[2 * (i - begin) + 1] = gx_prof_now_ns()
                    if dt != NULL:
                        clock_gettime(CLOCK_MONOTONIC, &t1)
                        dt[i - begin] = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9
                    if scratch.count:
                        gx_core_scratch_release(&scratch)
                    if scratch.arena_need > self.need[i]:
                        self.need[i] = scratch.arena_need
                    if status:
                        failed = i
                        break
                    ran = i + 1
        finally:
            c_free(base)
            if pt != NULL:
                try:
                    for i in range(begin, ran):
                        L = &self.launches[i]
                        prof_graph_launch(self.names[i], <size_t>L.fn, L.dev_type, L.dev_id, &self.tens[L.first],
                                          L.nin, self.tens[L.first].dtype, pt[2 * (i - begin)],
                                          pt[2 * (i - begin) + 1])
                finally:
                    c_free(pt)
            if dt != NULL:
                for i in range(begin, end if failed < 0 else failed):
                    times.append((self.names[i], dt[i - begin]))
                c_free(dt)
        if failed < 0 and end == self.nlaunch:   # (a training plan's backward part comes last)
            self.measured = True
        for i in range(begin, end):
            if not self.sc_cap[i] and self.need[i] > self.workspace_need:
                self.workspace_need = self.need[i]
        if failed >= 0:
            raise_status(status, "Operator %s (compiled graph, launch %d)" % (self.names[failed], failed))
        return None


def array_owner(NDArray x):
    """(owner, byte offset): the array whose allocation holds x's data (x
    itself if x owns it), or (external object, None) for memory a device
    allocator or DLPack producer owns."""
    if x._base is None:
        return x, 0
    b = x._base
    if isinstance(b, NDArray):
        return b, <size_t>x._data - <size_t>(<NDArray>b)._data
    return b, None


def dtype_itemsize(int flag) -> int:
    return ITEMSIZE[flag]


def kernel_address(str name, int dev_type, int dtype) -> int:
    """The C function registered for (kernel, device, dtype), or 0."""
    return <size_t>c_kernel(kernel_id_c(name), dev_type, dtype)
