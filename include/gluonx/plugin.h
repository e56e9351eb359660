/*
 * gluonx plugin ABI.
 *
 * A backend is a shared library (or a Python module, for Python backends)
 * that registers kernels into gluonx's dispatch table.  Nothing but plain C
 * crosses this boundary: no Python objects, no C++ types, no strings that
 * encode attributes.
 *
 * A C backend exports two symbols:
 *
 *     int32_t gluonx_plugin_abi_version(void);      // return GX_ABI_VERSION
 *     int     gluonx_plugin_init(gx_registry *reg); // register kernels, allocators
 *
 * gluonx calls gluonx_plugin_abi_version() first and refuses the library
 * (with an error naming both versions) when it differs from the core's.
 * gluonx_plugin_init() then calls reg->register_kernel() once per
 * (kernel name, device type, dtype) and reg->register_allocator() once per
 * device type it provides memory for, and returns GX_OK.
 *
 * The core owns all shape logic.  By the time a kernel runs, inputs and
 * outputs are fully described views: broadcast dimensions carry stride 0,
 * reversed dimensions a negative stride, and every output is allocated.  A
 * kernel only loops.  See attrs.h for the attribute struct each kernel
 * name receives.
 *
 * Minimal backend:
 *
 *     #include <gluonx/plugin.h>
 *     static int my_neg(gx_context *c, const gx_tensor *in, int32_t nin,
 *                       gx_tensor *out, int32_t nout, const void *attrs) {
 *         ... loop over out[0] ...
 *         return GX_OK;
 *     }
 *     int32_t gluonx_plugin_abi_version(void) { return GX_ABI_VERSION; }
 *     int gluonx_plugin_init(gx_registry *r) {
 *         return r->register_kernel(r, "negative", GX_DEV_CPU, GX_FLOAT32, my_neg);
 *     }
 */
#ifndef GLUONX_PLUGIN_H
#define GLUONX_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change to the structs or calls below. */
#define GX_ABI_VERSION 1

/* Largest number of dimensions an array may have. */
#define GX_MAX_NDIM 16

/* Element types.  The numbers are MXNet's type flags, so that the .params
 * format and the ABI agree. */
typedef enum {
    GX_FLOAT32 = 0,
    GX_FLOAT64 = 1,
    GX_FLOAT16 = 2,
    GX_UINT8 = 3,
    GX_INT32 = 4,
    GX_INT8 = 5,
    GX_INT64 = 6,
    GX_BOOL = 7,
    GX_NUM_DTYPES = 8
} gx_dtype;

/* Device types.  The numbers are MXNet's (cpu=1, gpu=2, cpu_pinned=3,
 * cpu_shared=5); third-party devices take ids from GX_DEV_EXT1 upwards. */
typedef enum {
    GX_DEV_CPU = 1,
    GX_DEV_GPU = 2,
    GX_DEV_CPU_PINNED = 3,
    GX_DEV_CPU_SHARED = 5,
    GX_DEV_EXT1 = 6,
    GX_DEV_EXT2 = 7,
    GX_NUM_DEVICE_TYPES = 8
} gx_device_type;

/* Status codes returned by kernels and registration calls.  The core turns
 * them into the matching Python exception (also an MXNetError). */
typedef enum {
    GX_OK = 0,
    GX_ERR_VALUE = 1,       /* bad argument value          -> ValueError */
    GX_ERR_TYPE = 2,        /* unsupported dtype           -> TypeError */
    GX_ERR_INDEX = 3,       /* index out of range          -> IndexError */
    GX_ERR_MEMORY = 4,      /* allocation failed           -> MemoryError */
    GX_ERR_UNSUPPORTED = 5, /* not implemented here        -> NotImplementedError */
    GX_ERR_INTERNAL = 6,    /* anything else               -> RuntimeError */
    GX_ERR_ABI = 7          /* version mismatch            -> ImportError */
} gx_status;

/* A view of an array.  `data` points at the element with all indices 0;
 * element (i0, i1, ...) lives at data + sum(ik * strides[k]) * itemsize.
 * Strides are in elements and may be 0 (broadcast) or negative. */
typedef struct gx_tensor {
    void *data;
    const int64_t *shape;
    const int64_t *strides;
    int32_t ndim;
    int32_t dtype;       /* gx_dtype */
    int32_t device_type; /* gx_device_type */
    int32_t device_id;
} gx_tensor;

typedef struct gx_context gx_context;

/* Passed to every kernel call. */
struct gx_context {
    int32_t abi_version;
    int32_t device_type;
    int32_t device_id;
    /* Largest number of threads the kernel should use (CPU). */
    int32_t max_threads;
    /* Stream or queue handle of asynchronous devices; NULL on the CPU. */
    void *stream;
    /* Scratch memory on the kernel's device, valid until the kernel
     * returns; the core frees it.  Returns NULL when out of memory. */
    void *(*scratch_alloc)(gx_context *ctx, size_t nbytes);
    /* Records the error message for the current call (printf-style).  The
     * kernel then returns a non-zero gx_status.  The core prefixes the op
     * name, shapes and dtypes. */
    void (*set_error)(gx_context *ctx, const char *fmt, ...);
    /* Core-private state; backends must not touch it. */
    void *core_private;
};

/* Every kernel has this signature.  `attrs` points at the attribute struct
 * that attrs.h names for this kernel (NULL for kernels without one). */
typedef int (*gx_kernel_fn)(gx_context *ctx,
                            const gx_tensor *inputs, int32_t num_inputs,
                            gx_tensor *outputs, int32_t num_outputs,
                            const void *attrs);

/* Memory of one device type.  All calls return GX_OK or a gx_status. */
typedef struct gx_allocator {
    void *(*alloc)(int32_t device_id, size_t nbytes, void *stream);
    void (*free)(int32_t device_id, void *ptr, size_t nbytes, void *stream);
    int (*copy_to_host)(int32_t device_id, void *dst_host, const void *src,
                        size_t nbytes, void *stream);
    int (*copy_from_host)(int32_t device_id, void *dst, const void *src_host,
                          size_t nbytes, void *stream);
    int (*copy_on_device)(int32_t device_id, void *dst, const void *src,
                          size_t nbytes, void *stream);
    /* Waits until all queued work on the stream (NULL: the device) is done. */
    int (*synchronize)(int32_t device_id, void *stream);
} gx_allocator;

typedef struct gx_registry gx_registry;

/* Handed to gluonx_plugin_init(). */
struct gx_registry {
    int32_t abi_version;
    /* Registers `fn` as the implementation of `kernel_name` for arrays of
     * `dtype` on `device_type`.  A later registration for the same key
     * replaces an earlier one (that is how a plugin overrides a kernel). */
    int (*register_kernel)(gx_registry *reg, const char *kernel_name,
                           int32_t device_type, int32_t dtype, gx_kernel_fn fn);
    /* Provides memory for a device type.  The allocator struct is copied. */
    int (*register_allocator)(gx_registry *reg, int32_t device_type,
                              const gx_allocator *allocator);
    /* Error message for a failing init (the core reports it). */
    void (*set_error)(gx_registry *reg, const char *msg);
    /* Name of the backend being loaded (for messages). */
    const char *backend_name;
    void *core_private;
};

typedef int32_t (*gx_plugin_abi_version_fn)(void);
typedef int (*gx_plugin_init_fn)(gx_registry *reg);

#ifdef __cplusplus
}
#endif

#endif /* GLUONX_PLUGIN_H */
