# The kernel dispatch table and backend loading (included by ndarray.pyx).
#
# Kernel names are resolved to small integer ids once; at call time the
# table is a flat C array indexed by (id, device type, dtype).  Backends fill
# it through the C registry struct of include/gluonx/plugin.h (C plugins, via
# dlopen) or through Registry (Python plugins such as the CUDA backend).
from libc.stdlib cimport calloc

cdef enum:
    MAX_KERNELS = 1024

cdef extern from "<dlfcn.h>" nogil:
    void *dlopen(const char *filename, int flag)
    void *dlsym(void *handle, const char *symbol)
    char *dlerror()
    int RTLD_NOW
    int RTLD_LOCAL

DEVICE_NAMES = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared", 6: "ext1", 7: "ext2"}

cdef gx_kernel_fn *_ctable = <gx_kernel_fn *>calloc(
    MAX_KERNELS * GX_NUM_DEVICE_TYPES * GX_NUM_DTYPES, sizeof(gx_kernel_fn))
cdef dict _pytable = {}          # (kid, dev, dtype) -> Python callable
cdef dict _kernel_ids = {}       # name -> id
cdef list _kernel_names = []     # id -> name
cdef dict _providers = {}        # (kid, dev, dtype) -> backend name
cdef gx_allocator _allocators[GX_NUM_DEVICE_TYPES]
cdef bint _has_allocator[GX_NUM_DEVICE_TYPES]
cdef dict _py_allocators = {}    # dev_type -> Python allocator object
cdef list _libraries = []        # keeps dlopen handles' names for reporting
cdef set _host_explicit = set()  # (kid, dev, dtype) registered for cpu_pinned/cpu_shared themselves
_loading_backend = [None]


cdef inline Py_ssize_t _slot(int kid, int dev_type, int dtype) noexcept nogil:
    return (<Py_ssize_t>kid * GX_NUM_DEVICE_TYPES + dev_type) * GX_NUM_DTYPES + dtype


cdef gx_kernel_fn c_kernel(int kid, int dev_type, int dtype) noexcept nogil:
    return _ctable[_slot(kid, dev_type, dtype)]


cdef object py_kernel(int kid, int dev_type, int dtype):
    return _pytable.get((kid, dev_type, dtype))


cdef int kernel_id_c(str name) except -1:
    cdef object kid = _kernel_ids.get(name)
    if kid is not None:
        return kid
    if len(_kernel_names) >= MAX_KERNELS:
        raise MXNetError("gluonx: too many kernel names (limit %d)" % MAX_KERNELS)
    _kernel_ids[name] = len(_kernel_names)
    _kernel_names.append(name)
    return len(_kernel_names) - 1


def kernel_id(str name) -> int:
    """Integer id of a kernel name (assigned on first use)."""
    return kernel_id_c(name)


def kernel_name(int kid) -> str:
    return _kernel_names[kid]


cdef int raise_status(int status, str what) except -1:
    cdef bytes msg = gx_core_last_error()
    text = msg.decode("utf-8", "replace")
    raise error_for_status(status, "%s: %s" % (what, text) if text else what)


cdef int call_c_kernel(gx_kernel_fn fn, int dev_type, int dev_id,
                       const gx_tensor *ins, int nin, gx_tensor *outs, int nout,
                       const void *attrs, bint release_gil) except? -1:
    """Calls a C kernel; returns its status (0 on success) with the error
    message left in the thread's buffer.  The caller raises."""
    cdef gx_context ctx
    cdef gx_scratch_list scratch
    cdef int status
    scratch.count = 0
    scratch.use_arena = 0
    ctx.abi_version = GX_ABI_VERSION
    ctx.device_type = dev_type
    ctx.device_id = dev_id
    ctx.max_threads = 0
    ctx.stream = NULL
    ctx.scratch_alloc = gx_core_scratch_alloc
    ctx.set_error = gx_core_set_error
    ctx.core_private = &scratch
    if release_gil:
        with nogil:
            status = fn(&ctx, ins, nin, outs, nout, attrs)
    else:
        status = fn(&ctx, ins, nin, outs, nout, attrs)
    if scratch.count:
        gx_core_scratch_release(&scratch)
    return status


cdef gx_allocator *device_allocator(int dev_type) noexcept:
    if 0 <= dev_type < GX_NUM_DEVICE_TYPES and _has_allocator[dev_type]:
        return &_allocators[dev_type]
    return NULL


def python_allocator(int dev_type):
    return _py_allocators.get(dev_type)


# ---- registration ---------------------------------------------------------

cdef int _check_key(int dev_type, int dtype) except -1:
    if not (0 < dev_type < GX_NUM_DEVICE_TYPES):
        raise MXNetError("invalid device type %d" % dev_type)
    if not (0 <= dtype < GX_NUM_DTYPES):
        raise MXNetError("invalid dtype id %d" % dtype)
    return 0


cdef int _mirror_host(int kid, int dev_type, int dtype, gx_kernel_fn fn, object pyfn) except -1:
    """cpu_pinned and cpu_shared arrays are host memory: a kernel registered
    for the cpu serves them too, unless one was registered for them."""
    if dev_type != GX_DEV_CPU:
        if dev_type == GX_DEV_CPU_PINNED or dev_type == GX_DEV_CPU_SHARED:
            _host_explicit.add((kid, dev_type, dtype))
        return 0
    for dev in (GX_DEV_CPU_PINNED, GX_DEV_CPU_SHARED):
        if (kid, dev, dtype) in _host_explicit:
            continue
        _ctable[_slot(kid, dev, dtype)] = fn
        if pyfn is None:
            _pytable.pop((kid, dev, dtype), None)
        else:
            _pytable[(kid, dev, dtype)] = pyfn
    return 0


cdef int _c_register_kernel(gx_registry *reg, const char *name, int32_t dev_type,
                            int32_t dtype, gx_kernel_fn fn) noexcept with gil:
    try:
        _check_key(dev_type, dtype)
        kid = kernel_id_c(name.decode("utf-8"))
        _ctable[_slot(kid, dev_type, dtype)] = fn
        _pytable.pop((kid, dev_type, dtype), None)
        _providers[(kid, dev_type, dtype)] = _loading_backend[0]
        _mirror_host(kid, dev_type, dtype, fn, None)
        return GX_OK
    except Exception as e:
        gx_core_set_error_str(str(e).encode())
        return GX_ERR_VALUE


cdef int _c_register_allocator(gx_registry *reg, int32_t dev_type,
                               const gx_allocator *alloc) noexcept with gil:
    if not (0 < dev_type < GX_NUM_DEVICE_TYPES) or alloc == NULL:
        gx_core_set_error_str(b"register_allocator: invalid device type or NULL allocator")
        return GX_ERR_VALUE
    memcpy(&_allocators[dev_type], alloc, sizeof(gx_allocator))
    _has_allocator[dev_type] = True
    return GX_OK


cdef void _c_registry_error(gx_registry *reg, const char *msg) noexcept with gil:
    gx_core_set_error_str(msg)


def load_library(str path, str backend_name):
    """dlopen a C backend, check its ABI version and run its init."""
    cdef bytes bpath = path.encode()
    cdef bytes bname = backend_name.encode()
    cdef void *handle = dlopen(bpath, RTLD_NOW | RTLD_LOCAL)
    if handle == NULL:
        raise error_for_status(GX_ERR_ABI, "backend %r: cannot load %s: %s"
                               % (backend_name, path, (<bytes>dlerror()).decode()))
    cdef gx_plugin_abi_version_fn ver = <gx_plugin_abi_version_fn>dlsym(handle, "gluonx_plugin_abi_version")
    cdef gx_plugin_init_fn init = <gx_plugin_init_fn>dlsym(handle, "gluonx_plugin_init")
    if ver == NULL or init == NULL:
        raise error_for_status(GX_ERR_ABI, "backend %r: %s does not export gluonx_plugin_abi_version "
                               "and gluonx_plugin_init" % (backend_name, path))
    cdef int32_t v = ver()
    if v != GX_ABI_VERSION:
        raise error_for_status(GX_ERR_ABI, "backend %r was built for gluonx plugin ABI %d, "
                               "this gluonx has ABI %d; rebuild the backend" % (backend_name, v, GX_ABI_VERSION))
    cdef gx_registry reg
    reg.abi_version = GX_ABI_VERSION
    reg.register_kernel = _c_register_kernel
    reg.register_allocator = _c_register_allocator
    reg.set_error = _c_registry_error
    reg.backend_name = bname
    reg.core_private = NULL
    gx_core_clear_error()
    _loading_backend[0] = backend_name
    try:
        status = init(&reg)
    finally:
        _loading_backend[0] = None
    if status != GX_OK:
        raise_status(status, "backend %r failed to initialise" % backend_name)
    _libraries.append((backend_name, path))


class Registry:
    """What a backend entry point receives: ``register(registry)``.

    C backends call :meth:`load_library`; Python backends register callables
    ``fn(inputs, outputs, attrs)`` (NDArrays in, NDArrays out, ``attrs`` the
    packed attribute struct as bytes or None) with :meth:`register_kernel`.
    """

    def __init__(self, str backend_name):
        self.backend_name = backend_name

    def load_library(self, str path):
        load_library(path, self.backend_name)

    def register_kernel(self, str name, int device_type, dtype, fn):
        dt = DTYPE_NAMES.index(dtype) if isinstance(dtype, str) else int(dtype)
        _check_key(device_type, dt)
        kid = kernel_id_c(name)
        _ctable[_slot(kid, device_type, dt)] = NULL
        _pytable[(kid, device_type, dt)] = fn
        _providers[(kid, device_type, dt)] = self.backend_name
        _mirror_host(kid, device_type, dt, NULL, fn)

    def register_allocator(self, int device_type, allocator):
        """A Python allocator: ``alloc(device_id, nbytes) -> (address, keepalive)``,
        ``to_host(device_id, dst_address, src_address, nbytes)``,
        ``from_host(device_id, dst_address, src_address, nbytes)``,
        ``synchronize(device_id)``."""
        _py_allocators[device_type] = allocator


def has_kernel(str name, int dev_type, int dtype) -> bool:
    kid = _kernel_ids.get(name)
    if kid is None:
        return False
    return _ctable[_slot(kid, dev_type, dtype)] != NULL or (kid, dev_type, dtype) in _pytable


def providers_of(str name):
    """{(device name, dtype name): backend} for every registered implementation."""
    kid = _kernel_ids.get(name)
    out = {}
    for (k, dev, dt), backend in _providers.items():
        if k == kid:
            out[(DEVICE_NAMES.get(dev, str(dev)), DTYPE_NAMES[dt])] = backend
    return out


def kernel_coverage():
    """{kernel name: {device name: [dtype names]}} of everything registered."""
    out = {}
    for (k, dev, dt) in sorted(_providers):
        out.setdefault(_kernel_names[k], {}).setdefault(DEVICE_NAMES.get(dev, str(dev)), []).append(DTYPE_NAMES[dt])
    return out


def loaded_libraries():
    return list(_libraries)


def host_cache_release() -> int:
    """Returns cached host memory to the system; returns the bytes released."""
    return gx_host_cache_release()


def host_cache_bytes() -> int:
    return gx_host_cache_bytes()
