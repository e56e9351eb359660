# The profiler's feed in the core (included by ndarray.pyx); mx.profiler
# (gluonx/profiler/) turns it into Chrome traces and aggregate tables.
#
# Each hook site tests ONE C flag before any Python work, so a profiler that
# is off costs one predictable branch per launch / allocation / free:
#   g_prof_imp  eager launches (run_kernel, the binary fast path) and run_op
#   g_prof_sym  launches a compiled graph replays (Program.run)
#   g_prof_mem  array allocations and frees (bytes per op, memory counters)
# mx.profiler sets them from its state (running and not paused) and config.
#
# Records are tuples appended to one list (atomic under the GIL, so ops from
# several threads interleave safely); mx.profiler drains it.  Layout:
#   (kind, name, kernel, thread id, start ns, end ns, input shapes, dtype,
#    device type, device id, bytes, custom operator type or None)
# Times are CLOCK_MONOTONIC nanoseconds (the clock of time.monotonic_ns).

import threading as _threading

cdef extern from *:
    """
    #include <time.h>
    /* per thread: run_op nesting, and bytes allocated while memory profiling
       (total, and its value when the last top-level launch took its share) */
    static __thread int gx_prof_depth = 0;
    static __thread long long gx_prof_alloc_total = 0;
    static __thread long long gx_prof_alloc_mark = 0;
    /* the thread's kernel id: unlike pthread idents, not reused as soon as a thread ends */
    #include <unistd.h>
    #include <sys/syscall.h>
    static __thread long gx_prof_tid_cache = 0;
    static inline long gx_prof_tid(void) {
        if (gx_prof_tid_cache == 0)
            gx_prof_tid_cache = (long)syscall(SYS_gettid);
        return gx_prof_tid_cache;
    }
    static inline long long gx_prof_now_ns(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (long long)t.tv_sec * 1000000000LL + (long long)t.tv_nsec;
    }
    """
    int gx_prof_depth
    long long gx_prof_alloc_total
    long long gx_prof_alloc_mark
    long long gx_prof_now_ns() noexcept nogil
    long gx_prof_tid() noexcept nogil

cdef enum:
    EV_OP = 0          # an operator: run_op, or a launch made outside any run_op
    EV_KERNEL = 1      # a launch inside a run_op (the kernels an operator is made of)
    EV_GRAPH = 2       # a launch replayed by a compiled graph
    EV_MEM = 3         # bytes in use on a device changed

# Arrays allocated while memory profiling carry this bit in _alloc_nbytes (sizes
# stay below 2^62), so their free is counted even after profiling stops.
cdef size_t PROF_MEM_TAG = (<size_t>1) << 63

cdef bint g_prof_imp = False
cdef bint g_prof_sym = False
cdef bint g_prof_mem = False
cdef list _prof_events = []
cdef dict _prof_custom = {}      # thread id -> custom operator type running there
cdef dict _prof_current = {}     # thread id -> the operator run_op is running there
cdef dict _prof_threads = {}     # thread id -> thread name (threads may end before a dump)
cdef dict _prof_in_use = {}      # (device type, device id) -> bytes of tagged arrays
cdef dict _prof_fn_names = {}    # kernel function address -> kernel name


def prof_configure(bint imperative, bint symbolic, bint memory):
    """Switches the hooks (mx.profiler calls this on every state change)."""
    global g_prof_imp, g_prof_sym, g_prof_mem
    g_prof_imp = imperative
    g_prof_sym = symbolic
    g_prof_mem = memory


def prof_flags() -> tuple:
    return (g_prof_imp, g_prof_sym, g_prof_mem)


def prof_drain() -> list:
    """The records so far; the buffer starts empty again."""
    global _prof_events
    ev = _prof_events
    _prof_events = []
    return ev


def prof_add(tuple record):
    """Appends a record made above the core (Task, Counter, Marker ...)."""
    _prof_events.append(record)
    prof_thread_seen(gx_prof_tid())


def prof_thread_id() -> int:
    """The id records carry for the calling thread (its kernel thread id)."""
    return gx_prof_tid()


def prof_thread_names() -> dict:
    return dict(_prof_threads)


def prof_set_custom(str op_type):
    """Names the custom operator running in this thread (None: none); ops it
    runs are recorded as '<op_type>::<op>'."""
    tid = gx_prof_tid()
    if op_type is None:
        _prof_custom.pop(tid, None)
    else:
        _prof_custom[tid] = op_type


def prof_get_custom():
    return _prof_custom.get(gx_prof_tid()) if _prof_custom else None


def prof_in_use() -> dict:
    return dict(_prof_in_use)


cdef inline void prof_thread_seen(long tid):
    if tid not in _prof_threads:
        _prof_threads[tid] = _threading.current_thread().name


cdef tuple prof_shapes(object arrays):
    """Shapes of a launch's inputs; None for a number operand."""
    return tuple([(<NDArray>x).shape if isinstance(x, NDArray) else None for x in arrays])


cdef int prof_launch(int kid, int dev_type, int dev_id, int dtype, str opname, object in_arrays,
                     long long t0, long long t1) except -1:
    """Records one eager launch: an operator when no run_op is around it
    (it takes the bytes allocated since the last one), else a kernel of it."""
    global gx_prof_alloc_mark
    cdef long long nbytes = 0
    cdef int kind = EV_KERNEL
    tid = gx_prof_tid()
    if gx_prof_depth == 0:
        kind = EV_OP
        nbytes = gx_prof_alloc_total - gx_prof_alloc_mark
        gx_prof_alloc_mark = gx_prof_alloc_total
    else:                         # a kernel of the operator run_op is running
        opname = _prof_current.get(tid, opname)
    prof_thread_seen(tid)
    _prof_events.append((kind, opname, _kernel_names[kid], tid, t0, t1, prof_shapes(in_arrays),
                         DTYPE_NAMES[dtype], dev_type, dev_id, nbytes,
                         _prof_custom.get(tid) if _prof_custom else None))
    return 0


cdef int prof_call_c(gx_kernel_fn fn, int kid, int dev_type, int dev_id, int dtype,
                     const gx_tensor *ins, int nin, gx_tensor *outs, int nout, const void *attrs,
                     bint release_gil, str opname, object in_arrays) except? -1:
    """call_c_kernel, timed and recorded (a failed launch is not recorded)."""
    cdef long long t0 = gx_prof_now_ns()
    cdef int st = call_c_kernel(fn, dev_type, dev_id, ins, nin, outs, nout, attrs, release_gil)
    cdef long long t1 = gx_prof_now_ns()
    if st == 0:
        prof_launch(kid, dev_type, dev_id, dtype, opname, in_arrays, t0, t1)
    return st


cdef int prof_call_py(object pyfn, int kid, int dev_type, int dev_id, int dtype, str opname,
                      list in_arrays, list out_arrays) except -1:
    """A Python kernel, timed and recorded (an asynchronous device's time is
    the time to queue the work)."""
    cdef long long t0 = gx_prof_now_ns()
    pyfn(in_arrays, out_arrays, None)
    prof_launch(kid, dev_type, dev_id, dtype, opname, in_arrays, t0, gx_prof_now_ns())
    return 0


cdef object prof_run_op(object op, list inputs, dict attrs):
    """run_op, recorded as one operator spanning rule, allocation, compute and
    tape; its launches become its kernels."""
    global gx_prof_depth, gx_prof_alloc_mark
    cdef long long a0, t0, t1
    cdef NDArray ref = None
    if g_capturing:               # a graph's dry run: nothing runs, nothing to time
        return run_op_body(op, inputs, attrs)
    tid = gx_prof_tid()
    outer = _prof_current.get(tid)
    _prof_current[tid] = op.name
    a0 = gx_prof_alloc_total
    t0 = gx_prof_now_ns()
    gx_prof_depth += 1
    try:
        out = run_op_body(op, inputs, attrs)
    finally:
        gx_prof_depth -= 1
        if outer is None:
            del _prof_current[tid]
        else:
            _prof_current[tid] = outer
    t1 = gx_prof_now_ns()
    if gx_prof_depth == 0:
        gx_prof_alloc_mark = gx_prof_alloc_total
    for x in inputs:
        if isinstance(x, NDArray):
            ref = <NDArray>x
            break
    if ref is None:
        ref = <NDArray>(out if isinstance(out, NDArray) else out[0])
    prof_thread_seen(tid)
    _prof_events.append((EV_OP, op.name, None, tid, t0, t1, prof_shapes(inputs), DTYPE_NAMES[ref._dtype],
                         ref._dev_type, ref._dev_id, gx_prof_alloc_total - a0,
                         _prof_custom.get(tid) if _prof_custom else None))
    return out


cdef str prof_fn_name(size_t addr):
    """The kernel name registered for a function address (graphs keep addresses)."""
    name = _prof_fn_names.get(addr)
    if name is not None:
        return name
    cdef Py_ssize_t i, n = MAX_KERNELS * GX_NUM_DEVICE_TYPES * GX_NUM_DTYPES
    name = "?"
    for i in range(n):
        if <size_t>_ctable[i] == addr:
            name = _kernel_names[i // (GX_NUM_DEVICE_TYPES * GX_NUM_DTYPES)]
            break
    _prof_fn_names[addr] = name
    return name


cdef int prof_graph_launch(str opname, size_t fn, int dev_type, int dev_id, const gx_tensor *ins, int nin,
                           int dtype, long long t0, long long t1) except -1:
    """Records one launch of a compiled graph (shapes as the plan gives them)."""
    tid = gx_prof_tid()
    prof_thread_seen(tid)
    shapes = tuple([tuple([ins[k].shape[d] for d in range(ins[k].ndim)]) for k in range(nin)])
    _prof_events.append((EV_GRAPH, opname, prof_fn_name(fn), tid, t0, t1, shapes, DTYPE_NAMES[dtype],
                         dev_type, dev_id, 0, _prof_custom.get(tid) if _prof_custom else None))
    return 0


cdef void prof_alloc(NDArray a, size_t nbytes) noexcept:
    """An array was allocated while memory profiling: count its bytes for the
    running op and, when the core owns its memory, in the device's gauge."""
    global gx_prof_alloc_total
    gx_prof_alloc_total += <long long>nbytes
    if a._alloc_ptr == NULL:      # a Python allocator owns it: its free is not seen
        return
    a._alloc_nbytes |= PROF_MEM_TAG
    prof_mem_change(a._dev_type, a._dev_id, <long long>nbytes)


cdef void prof_free(NDArray a) noexcept:
    """A tagged array is freed (called by NDArray.__dealloc__)."""
    a._alloc_nbytes &= ~PROF_MEM_TAG
    prof_mem_change(a._dev_type, a._dev_id, -<long long>a._alloc_nbytes)


cdef void prof_mem_change(int dev_type, int dev_id, long long delta) noexcept:
    # never raises: it runs inside __dealloc__, possibly at interpreter exit
    try:
        if _prof_in_use is None:
            return
        key = (dev_type, dev_id)
        now = _prof_in_use.get(key, 0) + delta
        _prof_in_use[key] = now
        if g_prof_mem:
            tid = gx_prof_tid()
            t = gx_prof_now_ns()
            _prof_events.append((EV_MEM, None, None, tid, t, t, None, None, dev_type, dev_id, now, None))
    except BaseException:
        pass
