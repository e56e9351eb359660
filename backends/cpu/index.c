/* CPU kernels: index family and pad (see include/gluonx/attrs.h for the
 * contracts).  take, pick, gather_nd and scatter_nd only move elements, so
 * one function per kernel serves every dtype (moves by itemsize); index
 * arrays of any numeric dtype are first read into an int64 scratch buffer
 * (float indices truncate toward zero). */
#include <math.h>

#include "gx_cpu.h"

/* ---- index loading ------------------------------------------------------------ */

/* Reads every element of `t` (row-major order of its shape) into buf as int64.
 * Returns 0, or GX_ERR_VALUE for a non-finite float index. */
#define LOAD_IDX(FLAG, T, C)                                                   \
    case FLAG:                                                                 \
        for (int64_t row = 0; row < it.nrows; row++) {                         \
            char *p[1];                                                        \
            gx_rows_ptrs(&it, row, p);                                         \
            for (int64_t i = 0; i < it.len; i++) {                             \
                T v = *(const T *)(p[0] + i * s);                              \
                if (!LOAD_OK(v)) return GX_ERR_VALUE;                          \
                buf[k++] = (int64_t)v;                                         \
            }                                                                  \
        }                                                                      \
        break;

static int load_indices(gx_context *c, const gx_tensor *t, int64_t *buf)
{
    const gx_tensor *ts[1] = {t};
    gx_rows it = {0};
    gx_rows_init(&it, 1, ts);
    int64_t s = gx_rows_inner(&it, 0), k = 0;
    if (gx_numel(t) == 0)
        return GX_OK;
#define LOAD_OK(v) 1
    switch (t->dtype) {
        GX_FOR_INT_TYPES(LOAD_IDX)
        LOAD_IDX(GX_BOOL, uint8_t, int64_t)
#undef LOAD_OK
#define LOAD_OK(v) isfinite((double)(v))
        GX_FOR_FLOAT_TYPES(LOAD_IDX)
#undef LOAD_OK
    default:
        c->set_error(c, "unsupported index dtype %d", (int)t->dtype);
        return GX_ERR_TYPE;
    }
    return GX_OK;
}

/* int64 copy of the index tensor `t` in scratch memory (NULL + error set on
 * failure). */
static int64_t *get_indices(gx_context *c, const gx_tensor *t, int *st)
{
    int64_t n = gx_numel(t);
    int64_t *buf = (int64_t *)c->scratch_alloc(c, (size_t)(n ? n : 1) * sizeof(int64_t));
    if (!buf) {
        c->set_error(c, "out of memory for %lld indices", (long long)n);
        *st = GX_ERR_MEMORY;
        return NULL;
    }
    *st = load_indices(c, t, buf);
    if (*st == GX_ERR_VALUE)
        c->set_error(c, "index array contains a non-finite value");
    return *st ? NULL : buf;
}

/* Index i for an axis of extent n by mode; -1 means out of range. */
static inline int64_t fix_index(int64_t i, int64_t n, int mode, int neg_wraps)
{
    if (mode == GX_INDEX_CLIP)
        return i < 0 ? 0 : (i >= n ? n - 1 : i);
    if (mode == GX_INDEX_WRAP) {
        int64_t r = i % n;
        return r < 0 ? r + n : r;
    }
    if (i < 0 && neg_wraps)
        i += n;
    return (i < 0 || i >= n) ? -1 : i;
}

/* ---- element moves -------------------------------------------------------------- */

static inline void move1(char *d, const char *s, int isz)
{
    switch (isz) {
    case 1: *(uint8_t *)d = *(const uint8_t *)s; break;
    case 2: *(uint16_t *)d = *(const uint16_t *)s; break;
    case 4: *(uint32_t *)d = *(const uint32_t *)s; break;
    default: *(uint64_t *)d = *(const uint64_t *)s; break;
    }
}

/* Copies n elements with byte strides ds/ss. */
static inline void move_n(char *d, int64_t ds, const char *s, int64_t ss, int64_t n, int isz)
{
    if (ds == isz && ss == isz) {
        memcpy(d, s, (size_t)(n * isz));
        return;
    }
    switch (isz) {
    case 1: for (int64_t i = 0; i < n; i++) *(uint8_t *)(d + i * ds) = *(const uint8_t *)(s + i * ss); break;
    case 2: for (int64_t i = 0; i < n; i++) *(uint16_t *)(d + i * ds) = *(const uint16_t *)(s + i * ss); break;
    case 4: for (int64_t i = 0; i < n; i++) *(uint32_t *)(d + i * ds) = *(const uint32_t *)(s + i * ss); break;
    default: for (int64_t i = 0; i < n; i++) *(uint64_t *)(d + i * ds) = *(const uint64_t *)(s + i * ss); break;
    }
}

/* Copies a block of `nd` dims (shape, byte strides for dst and src). */
static void move_block(char *d, const int64_t *dst_st, const char *s, const int64_t *src_st,
                       const int64_t *shape, int nd, int isz)
{
    if (nd == 0) {
        move1(d, s, isz);
        return;
    }
    if (nd == 1) {
        move_n(d, dst_st[0], s, src_st[0], shape[0], isz);
        return;
    }
    for (int64_t i = 0; i < shape[0]; i++)
        move_block(d + i * dst_st[0], dst_st + 1, s + i * src_st[0], src_st + 1, shape + 1, nd - 1, isz);
}

/* ---- take: data (outer, n, inner), indices (m,) -> out (outer, m, inner) -------- */

static int take_any(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,
                    int32_t nout, const void *attrs)
{
    const gx_tensor *d = &in[0], *o = &out[0];
    int mode = attrs ? ((const gx_index_attrs *)attrs)->mode : GX_INDEX_CLIP;
    int isz = gx_itemsize[d->dtype], st;
    int64_t outer = d->shape[0], n = d->shape[1], inner = d->shape[2], m = o->shape[1];
    if (gx_numel(o) == 0)
        return GX_OK;
    if (n == 0) {
        c->set_error(c, "cannot take from an axis of size 0");
        return GX_ERR_INDEX;
    }
    int64_t *idx = get_indices(c, &in[1], &st);
    if (!idx)
        return st;
    for (int64_t j = 0; j < m; j++) {
        int64_t k = fix_index(idx[j], n, mode, 0);
        if (k < 0) {
            c->set_error(c, "take: index %lld is out of bounds for an axis of size %lld (mode='raise')",
                         (long long)idx[j], (long long)n);
            return GX_ERR_INDEX;
        }
        idx[j] = k;
    }
    int64_t ds0 = d->strides[0] * isz, ds1 = d->strides[1] * isz, ds2 = d->strides[2] * isz;
    int64_t os0 = o->strides[0] * isz, os1 = o->strides[1] * isz, os2 = o->strides[2] * isz;
    const char *dp = (const char *)d->data;
    char *op = (char *)o->data;
#pragma omp parallel for collapse(2) if (outer * m * inner > GX_OMP_MIN_ELEMS)
    for (int64_t a = 0; a < outer; a++)
        for (int64_t j = 0; j < m; j++)
            move_n(op + a * os0 + j * os1, os2, dp + a * ds0 + idx[j] * ds1, ds2, inner, isz);
    return GX_OK;
}

/* ---- pick: data (outer, n, inner), index (outer, 1, inner) -> out (outer, 1, inner) */

static int pick_any(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,
                    int32_t nout, const void *attrs)
{
    const gx_tensor *d = &in[0], *o = &out[0];
    int mode = attrs ? ((const gx_index_attrs *)attrs)->mode : GX_INDEX_CLIP;
    int isz = gx_itemsize[d->dtype], st;
    int64_t outer = d->shape[0], n = d->shape[1], inner = d->shape[2];
    if (gx_numel(o) == 0)
        return GX_OK;
    if (n == 0) {
        c->set_error(c, "cannot pick from an axis of size 0");
        return GX_ERR_INDEX;
    }
    int64_t *idx = get_indices(c, &in[1], &st);   /* (outer, inner) row-major */
    if (!idx)
        return st;
    int64_t ds0 = d->strides[0] * isz, ds1 = d->strides[1] * isz, ds2 = d->strides[2] * isz;
    int64_t os0 = o->strides[0] * isz, os2 = o->strides[2] * isz;
    const char *dp = (const char *)d->data;
    char *op = (char *)o->data;
    for (int64_t a = 0; a < outer; a++)
        for (int64_t b = 0; b < inner; b++) {
            int64_t raw = idx[a * inner + b], k = fix_index(raw, n, mode, 1);
            if (k < 0) {
                c->set_error(c, "pick: index %lld is out of bounds for an axis of size %lld",
                             (long long)raw, (long long)n);
                return GX_ERR_INDEX;
            }
            move1(op + a * os0 + b * os2, dp + a * ds0 + k * ds1 + b * ds2, isz);
        }
    return GX_OK;
}

/* ---- one_hot: indices (m,) -> out (m, depth) ---------------------------------------- */

#define ONE_HOT_CASE(FLAG, T, C)                                               \
    case FLAG: {                                                               \
        T on = (T)a->on_value, off = (T)a->off_value;                          \
        for (int64_t i = 0; i < m; i++) {                                      \
            char *row = op + i * os0;                                          \
            for (int64_t j = 0; j < depth; j++)                                \
                *(T *)(row + j * os1) = off;                                   \
            if (idx[i] >= 0 && idx[i] < depth)                                 \
                *(T *)(row + idx[i] * os1) = on;                               \
        }                                                                      \
        break;                                                                 \
    }

static int one_hot_any(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,
                       int32_t nout, const void *attrs)
{
    const gx_one_hot_attrs *a = (const gx_one_hot_attrs *)attrs;
    const gx_tensor *o = &out[0];
    int64_t m = o->shape[0], depth = o->shape[1];
    int isz = gx_itemsize[o->dtype], st;
    if (m * depth == 0)
        return GX_OK;
    int64_t *idx = get_indices(c, &in[0], &st);
    if (!idx)
        return st;
    int64_t os0 = o->strides[0] * isz, os1 = o->strides[1] * isz;
    char *op = (char *)o->data;
    switch (o->dtype) {
        GX_FOR_ALL_TYPES(ONE_HOT_CASE)
    default:
        return GX_ERR_TYPE;
    }
    return GX_OK;
}

/* ---- gather_nd / scatter_nd ------------------------------------------------------------
 * gather_nd: data (d0..dn-1), indices (k, m) -> out (m, d_k..d_{n-1}).
 * scatter_nd: values (m, d_k..), indices (k, m) -> written into out (d0..dn-1).
 * Both accept any strides; negative indices wrap (NumPy); out of range is an
 * IndexError in RAISE mode and clipped in CLIP mode. */

static int nd_offsets(gx_context *c, const gx_tensor *arr, const gx_tensor *ind, int mode,
                      int64_t **offs, const char *opname)
{
    int st;
    int64_t k = ind->shape[0], m = ind->shape[1];
    int isz = gx_itemsize[arr->dtype];
    if (k > arr->ndim) {
        c->set_error(c, "%s: %lld index rows for an array of %d dimensions", opname, (long long)k, arr->ndim);
        return GX_ERR_VALUE;
    }
    int64_t *idx = get_indices(c, ind, &st);
    if (!idx)
        return st;
    /* Convert in place: idx[j] becomes the byte offset of position j. */
    for (int64_t j = 0; j < m; j++) {
        int64_t off = 0;
        for (int64_t a = 0; a < k; a++) {
            int64_t raw = idx[a * m + j], n = arr->shape[a];
            int64_t i = n ? fix_index(raw, n, mode == GX_INDEX_CLIP ? GX_INDEX_CLIP : GX_INDEX_RAISE, 1) : -1;
            if (i < 0) {
                c->set_error(c, "index %lld is out of bounds for axis %lld with size %lld",
                             (long long)raw, (long long)a, (long long)n);
                return GX_ERR_INDEX;
            }
            off += i * arr->strides[a] * isz;
        }
        idx[j] = off;   /* column j of every row is already read */
    }
    *offs = idx;
    return GX_OK;
}

static int gather_nd_any(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,
                         int32_t nout, const void *attrs)
{
    const gx_tensor *d = &in[0], *ind = &in[1], *o = &out[0];
    int mode = attrs ? ((const gx_index_attrs *)attrs)->mode : GX_INDEX_RAISE;
    int isz = gx_itemsize[d->dtype];
    int64_t k = ind->shape[0], m = ind->shape[1];
    int64_t *offs = NULL;
    if (m == 0)
        return GX_OK;
    int st = nd_offsets(c, d, ind, mode, &offs, "gather_nd");
    if (st)
        return st;
    int nd = d->ndim - (int)k;
    int64_t dst[GX_MAX_NDIM], sst[GX_MAX_NDIM];
    for (int a = 0; a < nd; a++) {
        dst[a] = o->strides[a + 1] * isz;
        sst[a] = d->strides[a + k] * isz;
    }
    int64_t inner = 1;
    for (int a = 0; a < nd; a++)
        inner *= d->shape[a + k];
    if (inner == 0)
        return GX_OK;
    const char *dp = (const char *)d->data;
    char *op = (char *)o->data;
    int64_t os0 = o->strides[0] * isz;
#pragma omp parallel for if (m * inner > GX_OMP_MIN_ELEMS)
    for (int64_t j = 0; j < m; j++)
        move_block(op + j * os0, dst, dp + offs[j], sst, d->shape + k, nd, isz);
    return GX_OK;
}

static int scatter_nd_any(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,
                          int32_t nout, const void *attrs)
{
    const gx_tensor *v = &in[0], *ind = &in[1], *o = &out[0];
    int mode = attrs ? ((const gx_index_attrs *)attrs)->mode : GX_INDEX_RAISE;
    int isz = gx_itemsize[o->dtype];
    int64_t k = ind->shape[0], m = ind->shape[1];
    int64_t *offs = NULL;
    if (v->dtype != o->dtype) {
        c->set_error(c, "scatter_nd: values and output dtypes differ");
        return GX_ERR_TYPE;
    }
    if (m == 0)
        return GX_OK;
    int st = nd_offsets(c, o, ind, mode, &offs, "scatter_nd");
    if (st)
        return st;
    int nd = o->ndim - (int)k;
    int64_t dst[GX_MAX_NDIM], sst[GX_MAX_NDIM];
    for (int a = 0; a < nd; a++) {
        dst[a] = o->strides[a + k] * isz;
        sst[a] = v->strides[a + 1] * isz;
    }
    const char *vp = (const char *)v->data;
    char *op = (char *)o->data;
    int64_t vs0 = v->strides[0] * isz;
    /* Sequential: with repeated indices the last write wins, as in NumPy. */
    for (int64_t j = 0; j < m; j++)
        move_block(op + offs[j], dst, vp + j * vs0, sst, o->shape + k, nd, isz);
    return GX_OK;
}

/* ---- pad: out[i] = in[i - before] inside, else by mode ---------------------------------
 * Walks the output row by row; the innermost axis is split into the
 * before / inside / after parts. */

/* Source index along an axis for output position p (extent n, pad before b). */
static inline int64_t pad_src(int64_t p, int64_t b, int64_t n, int mode)
{
    int64_t i = p - b;
    if (i >= 0 && i < n)
        return i;
    if (mode == GX_PAD_EDGE)
        return i < 0 ? 0 : n - 1;
    if (mode == GX_PAD_REFLECT) {
        if (n == 1)
            return 0;
        int64_t period = 2 * (n - 1);
        i %= period;
        if (i < 0)
            i += period;
        return i < n ? i : period - i;
    }
    return -1; /* constant */
}

#define PAD_KERNEL(FLAG, T, C)                                                 \
    static int pad_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,     \
                          gx_tensor *out, int32_t nout, const void *attrs)     \
    {                                                                          \
        const gx_pad_attrs *a = (const gx_pad_attrs *)attrs;                   \
        const gx_tensor *x = &in[0], *o = &out[0];                             \
        int nd = o->ndim, mode = a->mode;                                      \
        T cval = (T)a->value;                                                  \
        if (gx_numel(o) == 0)                                                  \
            return GX_OK;                                                      \
        if (gx_numel(x) == 0 && mode != GX_PAD_CONSTANT) {                     \
            c->set_error(c, "pad: cannot pad an empty array in mode %d", mode); \
            return GX_ERR_VALUE;                                               \
        }                                                                      \
        if (nd == 0) {                                                         \
            *(T *)o->data = *(const T *)x->data;                               \
            return GX_OK;                                                      \
        }                                                                      \
        int64_t len = o->shape[nd - 1], nrows = 1;                             \
        for (int d = 0; d + 1 < nd; d++)                                       \
            nrows *= o->shape[d];                                              \
        int64_t n_in = x->shape[nd - 1], b = a->before[nd - 1];                \
        int64_t xs = x->strides[nd - 1], os = o->strides[nd - 1];              \
        _Pragma("omp parallel for if (nrows * len > GX_OMP_MIN_ELEMS)")        \
        for (int64_t row = 0; row < nrows; row++) {                            \
            int64_t r = row, xoff = 0, ooff = 0;                               \
            int inside = 1;                                                    \
            for (int d = nd - 2; d >= 0; d--) {                                \
                int64_t p = r % o->shape[d];                                   \
                r /= o->shape[d];                                              \
                ooff += p * o->strides[d];                                     \
                int64_t s = pad_src(p, a->before[d], x->shape[d], mode);       \
                if (s < 0)                                                     \
                    inside = 0;                                                \
                else                                                           \
                    xoff += s * x->strides[d];                                 \
            }                                                                  \
            T *orow = (T *)o->data + ooff;                                     \
            const T *xrow = (const T *)x->data + xoff;                         \
            if (!inside) {                                                     \
                for (int64_t i = 0; i < len; i++)                              \
                    orow[i * os] = cval;                                       \
                continue;                                                      \
            }                                                                  \
            int64_t lo = b < 0 ? 0 : (b > len ? len : b);                      \
            int64_t hi = b + n_in > len ? len : b + n_in;                      \
            if (hi < lo)                                                       \
                hi = lo;                                                       \
            for (int64_t i = 0; i < lo; i++) {                                 \
                int64_t s = pad_src(i, b, n_in, mode);                         \
                orow[i * os] = s < 0 ? cval : xrow[s * xs];                    \
            }                                                                  \
            if (os == 1 && xs == 1) {                                          \
                T *restrict dd = orow;                                         \
                const T *restrict ss = xrow - b;                               \
                for (int64_t i = lo; i < hi; i++)                              \
                    dd[i] = ss[i];                                             \
            } else {                                                           \
                for (int64_t i = lo; i < hi; i++)                              \
                    orow[i * os] = xrow[(i - b) * xs];                         \
            }                                                                  \
            for (int64_t i = hi; i < len; i++) {                               \
                int64_t s = pad_src(i, b, n_in, mode);                         \
                orow[i * os] = s < 0 ? cval : xrow[s * xs];                    \
            }                                                                  \
        }                                                                      \
        return GX_OK;                                                          \
    }
GX_FOR_ALL_TYPES(PAD_KERNEL)

int gx_cpu_register_index(gx_registry *r)
{
#define REG_INDEX(FLAG, T, C)                        \
    GX_REG(r, "take", FLAG, take_any);               \
    GX_REG(r, "pick", FLAG, pick_any);               \
    GX_REG(r, "one_hot", FLAG, one_hot_any);         \
    GX_REG(r, "gather_nd", FLAG, gather_nd_any);     \
    GX_REG(r, "scatter_nd", FLAG, scatter_nd_any);   \
    GX_REG(r, "pad", FLAG, pad_##FLAG);
    GX_FOR_ALL_TYPES(REG_INDEX)
    return GX_OK;
}
