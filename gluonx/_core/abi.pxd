# Cython view of include/gluonx/plugin.h and attrs.h, and of core_support.h.
from libc.stdint cimport int32_t, int64_t, uint64_t


cdef extern from "gluonx/plugin.h" nogil:
    enum: GX_ABI_VERSION
    enum: GX_MAX_NDIM
    enum: GX_NUM_DTYPES
    enum: GX_NUM_DEVICE_TYPES
    enum: GX_FLOAT32, GX_FLOAT64, GX_FLOAT16, GX_UINT8, GX_INT32, GX_INT8, GX_INT64, GX_BOOL
    enum: GX_DEV_CPU, GX_DEV_GPU, GX_DEV_CPU_PINNED, GX_DEV_CPU_SHARED
    enum: GX_OK, GX_ERR_VALUE, GX_ERR_TYPE, GX_ERR_INDEX, GX_ERR_MEMORY, GX_ERR_UNSUPPORTED, GX_ERR_INTERNAL, GX_ERR_ABI

    ctypedef struct gx_tensor:
        void *data
        const int64_t *shape
        const int64_t *strides
        int32_t ndim
        int32_t dtype
        int32_t device_type
        int32_t device_id

    ctypedef struct gx_context:
        int32_t abi_version
        int32_t device_type
        int32_t device_id
        int32_t max_threads
        void *stream
        void *(*scratch_alloc)(gx_context *ctx, size_t nbytes)
        void (*set_error)(gx_context *ctx, const char *fmt, ...)
        void *core_private

    ctypedef int (*gx_kernel_fn)(gx_context *ctx, const gx_tensor *inputs, int32_t num_inputs,
                                 gx_tensor *outputs, int32_t num_outputs, const void *attrs)

    ctypedef struct gx_allocator:
        void *(*alloc)(int32_t device_id, size_t nbytes, void *stream)
        void (*free)(int32_t device_id, void *ptr, size_t nbytes, void *stream)
        int (*copy_to_host)(int32_t device_id, void *dst_host, const void *src, size_t nbytes, void *stream)
        int (*copy_from_host)(int32_t device_id, void *dst, const void *src_host, size_t nbytes, void *stream)
        int (*copy_on_device)(int32_t device_id, void *dst, const void *src, size_t nbytes, void *stream)
        int (*synchronize)(int32_t device_id, void *stream)

    ctypedef struct gx_registry:
        int32_t abi_version
        int (*register_kernel)(gx_registry *reg, const char *kernel_name, int32_t device_type,
                               int32_t dtype, gx_kernel_fn fn)
        int (*register_allocator)(gx_registry *reg, int32_t device_type, const gx_allocator *allocator)
        void (*set_error)(gx_registry *reg, const char *msg)
        const char *backend_name
        void *core_private

    ctypedef int32_t (*gx_plugin_abi_version_fn)()
    ctypedef int (*gx_plugin_init_fn)(gx_registry *reg)


cdef extern from "gluonx/attrs.h" nogil:
    ctypedef struct gx_fill_attrs:
        double value


cdef extern from "core_support.h" nogil:
    enum: GX_SCRATCH_MAX
    ctypedef struct gx_scratch_list:
        void *ptrs[16]
        int count
        int use_arena
        char *arena
        size_t arena_cap
        size_t arena_used
        size_t arena_need
    void gx_core_set_error(gx_context *ctx, const char *fmt, ...)
    void gx_core_set_error_str(const char *msg)
    const char *gx_core_last_error()
    void gx_core_clear_error()
    void *gx_core_scratch_alloc(gx_context *ctx, size_t nbytes)
    void gx_core_scratch_release(gx_scratch_list *lst)
    size_t GX_MAX_ARRAY_BYTES
    int gx_array_nbytes(int ndim, const int64_t *shape, size_t itemsize, int64_t *size, size_t *nbytes)
    void *gx_host_alloc(size_t nbytes)
    void gx_host_free(void *ptr, size_t nbytes)
    size_t gx_host_cache_release()
    size_t gx_host_cache_bytes()
