/* The DLPack exchange structs (the stable, unversioned layout that NumPy,
 * PyTorch and CuPy all accept), declared for gluonx's interop code. */
#ifndef GLUONX_DLPACK_H
#define GLUONX_DLPACK_H
#include <stdint.h>

enum { GXDL_CPU = 1, GXDL_CUDA = 2, GXDL_CUDA_HOST = 3 };
enum { GXDL_INT = 0, GXDL_UINT = 1, GXDL_FLOAT = 2, GXDL_BOOL = 6 };

typedef struct { int32_t device_type; int32_t device_id; } gxdl_device;
typedef struct { uint8_t code; uint8_t bits; uint16_t lanes; } gxdl_dtype;

typedef struct {
    void *data;
    gxdl_device device;
    int32_t ndim;
    gxdl_dtype dtype;
    int64_t *shape;
    int64_t *strides;   /* in elements; NULL means compact row-major */
    uint64_t byte_offset;
} gxdl_tensor;

typedef struct gxdl_managed {
    gxdl_tensor dl_tensor;
    void *manager_ctx;
    void (*deleter)(struct gxdl_managed *self);
} gxdl_managed;

#endif
