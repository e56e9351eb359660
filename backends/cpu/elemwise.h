/* Shared pieces of the elementwise family (elemwise*.c): dtype lists, the
 * loop driver that walks (possibly strided, broadcast) views and splits big
 * ones across OpenMP threads, and the per-file registration helpers that
 * gx_cpu_register_elemwise (elemwise.c) calls. */
#ifndef GX_CPU_ELEMWISE_H
#define GX_CPU_ELEMWISE_H

#include <omp.h>
#include <stdbool.h>

#include "gx_cpu.h"

int gx_cpu_register_elemwise_unary(gx_registry *r);
int gx_cpu_register_elemwise_binary(gx_registry *r);

/* X(FLAG, T, C, UT): storage type T, compute type C, unsigned type UT of the
 * same width (integers wrap by computing in UT).  bool is stored as _Bool so
 * that every store normalises to 0/1. */
#define EW_FLOAT_TYPES(X)                 \
    X(GX_FLOAT32, float, float, float)    \
    X(GX_FLOAT64, double, double, double) \
    X(GX_FLOAT16, gx_half, float, float)

#define EW_INT_TYPES(X)                      \
    X(GX_UINT8, uint8_t, uint8_t, uint8_t)   \
    X(GX_INT8, int8_t, int8_t, uint8_t)      \
    X(GX_INT32, int32_t, int32_t, uint32_t)  \
    X(GX_INT64, int64_t, int64_t, uint64_t)  \
    X(GX_BOOL, _Bool, uint8_t, uint8_t)

#define EW_ALL_TYPES(X) EW_FLOAT_TYPES(X) EW_INT_TYPES(X)

/* The same list, for use inside an expansion of EW_ALL_TYPES. */
#define EW_ALL_TYPES_INNER(X)                \
    X(GX_FLOAT32, float, float, float)       \
    X(GX_FLOAT64, double, double, double)    \
    X(GX_FLOAT16, gx_half, float, float)     \
    X(GX_UINT8, uint8_t, uint8_t, uint8_t)   \
    X(GX_INT8, int8_t, int8_t, uint8_t)      \
    X(GX_INT32, int32_t, int32_t, uint32_t)  \
    X(GX_INT64, int64_t, int64_t, uint64_t)  \
    X(GX_BOOL, _Bool, uint8_t, uint8_t)

/* Instantiates kernel template TMPL(NAME, FLAG, T, C, UT, EXPR) for the
 * float dtypes (float16 computes in float) or the integer dtypes and bool,
 * and registers the instances.  The unary and binary files share these. */
#define EW_INSTANTIATE_F(TMPL, NAME, E)                  \
    TMPL(NAME, GX_FLOAT32, float, float, float, E)       \
    TMPL(NAME, GX_FLOAT64, double, double, double, E)    \
    TMPL(NAME, GX_FLOAT16, gx_half, float, float, E)
#define EW_INSTANTIATE_I(TMPL, NAME, E)                  \
    TMPL(NAME, GX_UINT8, uint8_t, uint8_t, uint8_t, E)   \
    TMPL(NAME, GX_INT8, int8_t, int8_t, uint8_t, E)      \
    TMPL(NAME, GX_INT32, int32_t, int32_t, uint32_t, E)  \
    TMPL(NAME, GX_INT64, int64_t, int64_t, uint64_t, E)  \
    TMPL(NAME, GX_BOOL, _Bool, uint8_t, uint8_t, E)
#define EW_REGISTER_F(r, NAME)                           \
    GX_REG(r, #NAME, GX_FLOAT32, ew_##NAME##_GX_FLOAT32); \
    GX_REG(r, #NAME, GX_FLOAT64, ew_##NAME##_GX_FLOAT64); \
    GX_REG(r, #NAME, GX_FLOAT16, ew_##NAME##_GX_FLOAT16);
#define EW_REGISTER_I(r, NAME)                           \
    GX_REG(r, #NAME, GX_UINT8, ew_##NAME##_GX_UINT8);    \
    GX_REG(r, #NAME, GX_INT8, ew_##NAME##_GX_INT8);      \
    GX_REG(r, #NAME, GX_INT32, ew_##NAME##_GX_INT32);    \
    GX_REG(r, #NAME, GX_INT64, ew_##NAME##_GX_INT64);    \
    GX_REG(r, #NAME, GX_BOOL, ew_##NAME##_GX_BOOL);

/* A row loop: operand k starts at p[k] and advances s[k] bytes per element,
 * for n elements.  `aux` is kernel-specific (attrs). */
typedef void (*ew_loop)(char **p, const int64_t *s, int64_t n, const void *aux);

#define EW_MAX_OPS 4

/* Coalesced views of ts[0..nops-1] (same shape): size-1 axes dropped and
 * neighbours merged where every operand steps through them as one axis.
 * Without it an (N, 1) operand is N rows of one element each: filling
 * (100000, 1) took 410 us against 4 us for (1, 100000).  Writes the views to
 * tmp (shape and strides in shp/st) and their addresses to out. */
typedef struct {
    gx_tensor t[EW_MAX_OPS];
    int64_t shape[GX_MAX_NDIM];
    int64_t strides[EW_MAX_OPS][GX_MAX_NDIM];
    const gx_tensor *ptr[EW_MAX_OPS];
} ew_views;

static inline const gx_tensor *const *ew_coalesce(int nops, const gx_tensor *const *ts, ew_views *v)
{
    const gx_tensor *t0 = ts[0];
    int nd = 0;
    for (int d = 0; d < t0->ndim; d++) {
        int64_t n = t0->shape[d];
        if (n == 0)
            return ts; /* nothing to run: keep the views as they are */
        if (n == 1)
            continue;
        int merge = nd > 0;
        for (int k = 0; k < nops && merge; k++)
            merge = v->strides[k][nd - 1] == ts[k]->strides[d] * n;
        if (merge) {
            v->shape[nd - 1] *= n;
            for (int k = 0; k < nops; k++)
                v->strides[k][nd - 1] = ts[k]->strides[d];
        } else {
            v->shape[nd] = n;
            for (int k = 0; k < nops; k++)
                v->strides[k][nd] = ts[k]->strides[d];
            nd++;
        }
    }
    if (nd == t0->ndim)
        return ts; /* already as coalesced as it gets */
    if (nd == 0) { /* every axis had size 1: one element */
        v->shape[0] = 1;
        for (int k = 0; k < nops; k++)
            v->strides[k][0] = 0;
        nd = 1;
    }
    for (int k = 0; k < nops; k++) {
        v->t[k] = *ts[k];
        v->t[k].shape = v->shape;
        v->t[k].strides = v->strides[k];
        v->t[k].ndim = nd;
        v->ptr[k] = &v->t[k];
    }
    return v->ptr;
}

/* Runs `fn` over operands ts[0..nops-1], which all have ts[0]'s shape.
 * Small work runs inline on one thread; above GX_OMP_MIN_ELEMS the flat
 * index range is split evenly between threads (rows may be cut). */
static inline void ew_run(gx_context *c, int nops, const gx_tensor *const *ts, ew_loop fn,
                          const void *aux)
{
    ew_views views;
    if (ts[0]->ndim > 1)
        ts = ew_coalesce(nops, ts, &views);
    const gx_tensor *t0 = ts[0];
    char *p[EW_MAX_OPS];
    int64_t s[EW_MAX_OPS];
    if (t0->ndim == 1 && t0->shape[0] <= GX_OMP_MIN_ELEMS) { /* the hot small path */
        for (int k = 0; k < nops; k++) {
            p[k] = (char *)ts[k]->data;
            s[k] = ts[k]->strides[0] * gx_itemsize[ts[k]->dtype];
        }
        fn(p, s, t0->shape[0], aux);
        return;
    }
    gx_rows it;
    gx_rows_init(&it, nops, ts);
    int64_t total = it.nrows * it.len;
    if (total <= 0)
        return;
    for (int k = 0; k < nops; k++)
        s[k] = gx_rows_inner(&it, k);
    if (total <= GX_OMP_MIN_ELEMS) {
        /* odometer over the outer axes */
        int64_t idx[GX_MAX_NDIM] = {0};
        int od = it.ndim - 1; /* outer dims: 0 .. od-1 */
        for (int k = 0; k < nops; k++)
            p[k] = it.base[k];
        for (int64_t row = 0; row < it.nrows; row++) {
            char *q[EW_MAX_OPS];
            for (int k = 0; k < nops; k++)
                q[k] = p[k];
            fn(q, s, it.len, aux);
            for (int d = od - 1; d >= 0; d--) {
                if (++idx[d] < it.shape[d]) {
                    for (int k = 0; k < nops; k++)
                        p[k] += it.bstride[k][d];
                    break;
                }
                for (int k = 0; k < nops; k++)
                    p[k] -= (it.shape[d] - 1) * it.bstride[k][d];
                idx[d] = 0;
            }
        }
        return;
    }
    int nthreads = (c && c->max_threads > 0) ? c->max_threads : omp_get_max_threads();
#pragma omp parallel num_threads(nthreads)
    {
        int nt = omp_get_num_threads(), tid = omp_get_thread_num();
        int64_t lo = (int64_t)((double)total * tid / nt);
        int64_t hi = tid == nt - 1 ? total : (int64_t)((double)total * (tid + 1) / nt);
        while (lo < hi) {
            int64_t row = lo / it.len, col = lo % it.len;
            int64_t cnt = it.len - col < hi - lo ? it.len - col : hi - lo;
            char *q[EW_MAX_OPS];
            gx_rows_ptrs(&it, row, q);
            for (int k = 0; k < nops; k++)
                q[k] += col * s[k];
            fn(q, s, cnt, aux);
            lo += cnt;
        }
    }
}

#endif
