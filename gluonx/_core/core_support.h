/* C helpers of the Cython core: the per-thread error buffer that kernels
 * write through gx_context.set_error, per-call scratch memory, and the
 * size-class cache for host memory.  Kept in C because they are varargs or
 * must be callable without the GIL. */
#ifndef GLUONX_CORE_SUPPORT_H
#define GLUONX_CORE_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include "gluonx/plugin.h"

#define GX_SCRATCH_MAX 16

/* What gx_context.core_private points at during one kernel call: scratch
 * taken from `arena` when one is given (a compiled graph's workspace, reused
 * by every launch; `need` records the largest request so the graph can grow
 * it), else from the host cache, released after the call. */
typedef struct {
    void *ptrs[GX_SCRATCH_MAX];
    size_t sizes[GX_SCRATCH_MAX];
    int count;
    int use_arena;
    char *arena;
    size_t arena_cap;
    size_t arena_used;
    size_t arena_need;
} gx_scratch_list;

/* The most bytes one array may span: 2^62, so that element offsets, byte
 * offsets and the allocator's rounding all stay clear of overflow. */
#define GX_MAX_ARRAY_BYTES ((size_t)1 << 62)

/* Elements and bytes of a contiguous array of `shape`, overflow-checked:
 * returns 0 and sets *size and *nbytes, or 1 when a dim is negative or the
 * bytes would exceed GX_MAX_ARRAY_BYTES (nothing set). */
int gx_array_nbytes(int ndim, const int64_t *shape, size_t itemsize, int64_t *size, size_t *nbytes);

/* Error buffer of the calling thread. */
void gx_core_set_error(gx_context *ctx, const char *fmt, ...);
void gx_core_set_error_str(const char *msg);
const char *gx_core_last_error(void);
void gx_core_clear_error(void);

/* gx_context.scratch_alloc for host kernels; gx_core_scratch_release frees
 * what a call took. */
void *gx_core_scratch_alloc(gx_context *ctx, size_t nbytes);
void gx_core_scratch_release(gx_scratch_list *list);

/* Host memory, 64-byte aligned, from a cache of freed blocks by size class
 * (a quarter-power-of-two grid, so at most 25% is wasted).  `nbytes` of
 * host_free must be the size passed to host_alloc. */
void *gx_host_alloc(size_t nbytes);
void gx_host_free(void *ptr, size_t nbytes);
/* The same memory, not through the cache (each call goes to the system). */
void *gx_host_alloc_uncached(size_t nbytes);
void gx_host_free_uncached(void *ptr, size_t nbytes);
/* Returns every cached block to the system; returns the bytes released. */
size_t gx_host_cache_release(void);
size_t gx_host_cache_bytes(void);

/* Autograd state of the calling thread (read on every launch, so plain
 * thread-local ints rather than Python objects). */
extern __thread int gx_ag_recording;    /* inside autograd.record() */
extern __thread int gx_ag_training;     /* train mode (record(train_mode=True)) */
extern __thread int gx_ag_grad_enabled; /* 0 inside pause()/no_grad() */
extern __thread int gx_ag_suppress;     /* >0 while a composite op records itself */

#endif
