/* What the two Winograd convolutions share: F(2x2, 3x3) (conv_winograd.c)
 * and F(4x4, 3x3) (conv_winograd_f4.c) differ only in their transforms; the
 * plan (tiles, blocks of tiles, which tiles a vector holds) and the driving
 * of the GEMMs (conv_winograd_run.c) are one piece of code.
 *
 * A "kind" is one tile size: m x m outputs from an a x a input patch
 * (a = m + 2), nxi = a^2 products per (filter, channel, tile), so nxi GEMMs
 * per call.  Its transforms read and write the operands in the layouts of
 * the micro-kernel (sgemm_avx512.c):
 *
 *   U[xi] (F x C) = (G g G^T)[xi]   packed A: [F/MR][C][MR] per xi
 *   V[xi] (C x T) = (B^T d B)[xi]   packed B: [T/NR][C][NR] per xi
 *   M[xi] (F x T) = U[xi] V[xi]     row-major, row stride T
 *   y tiles = A^T M A
 *
 * with each xi's array padded (xi_stride), T the tiles of a block in order
 * (images, tile rows, tile columns). */
#ifndef GX_CONV_WINOGRAD_H
#define GX_CONV_WINOGRAD_H

#include <omp.h>

#include "gx_cpu.h"
#include "threads.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include "simd_avx512.h"

#define MR GX_SGEMM_MR
#define NR GX_SGEMM_NR

/* The nxi arrays of one transform are read and written together; sizes such
 * as 32 KiB put them all in the same L1 set (12 ways), so each array's
 * stride is padded by 64 bytes. */
static inline size_t xi_stride(size_t floats) { return floats + 16; }

/* The problem and its split into blocks of tiles. */
typedef struct {
    int64_t N, C, F, H, W, OH, OW, ph, pw;
    int m;                  /* output tile side; input patches are m + 2 */
    int64_t TH, TW;         /* tile rows and columns per image */
    int64_t imgs, rows;     /* a block: `imgs` whole images, or `rows` tile rows of one */
    int64_t per_img;        /* blocks per image when imgs == 1 */
    int64_t nblocks, tmax;  /* tiles in the largest block */
    int64_t RW;             /* floats per row buffer (vector loads run past m TW + 2) */
    int gather;             /* vectors of any 16 tiles of a block, gathered (else tile rows) */
} wplan;

/* 16 consecutive tiles t0 .. t0 + 15 of a block (tile rows th0 .. th1 of
 * each image), wherever they lie: lane offsets of their input patches and
 * output tiles from channel / filter 0 of the block's first image, and
 * per-lane masks for the zero padding (input rows / columns i of a patch,
 * output rows / columns of a tile inside the map). */
typedef struct {
    __m512i in_off, out_off;
    __mmask16 live, in_row[6], in_col[6], out_row[4], out_col[4];
} tile_group;

/* One tile size: the transforms of one vector of 16 tiles (or 16 filters),
 * whose loops are shared (conv_winograd_run.c), and loops of its own where
 * vectors hold 16 tiles of one tile row (rows longer than gather_tw tiles).
 * Filters [f0, f0 + nf) and channels [c0, c1) let a call cover part of a
 * block, so that threads can share one. */
typedef struct {
    int m, nxi;
    int gather_tw;
    void (*weight_tile)(const __m512 g[9], __m512 *u); /* G g G^T, g row-major */
    void (*input_tile)(const __m512 *d, __m512 *v);    /* B^T d B, d: a x a row-major */
    void (*output_tile)(const __m512 *mm, __m512 *out); /* A^T m A, out: m x m row-major */
    /* V (packed B, full C rows) of channels [c0, c1) of the block's tiles; R: row buffers */
    void (*input_rows)(const wplan *p, const float *x, int64_t n0, int64_t ni, int64_t th0, int64_t th1,
                       int64_t c0, int64_t c1, float *V, size_t per_xi, float *R);
    /* y of filters [f0, f0 + nf) of the block from M rows 0 .. nf - 1 (stride T) */
    void (*output_rows)(const wplan *p, const float *M, size_t per_xi, int64_t T, int64_t n0, int64_t ni,
                        int64_t th0, int64_t th1, int64_t f0, int64_t nf, float *y);
} wkind;

extern const wkind gx_wino_f2, gx_wino_f4;

/* want: tiles per block (whole tile rows or whole images come close to it). */
wplan gx_wino_plan(const wkind *k, int64_t N, int64_t C, int64_t F, int64_t H, int64_t W, int64_t OH,
                   int64_t OW, int64_t ph, int64_t pw, int64_t want);
/* Block b: images [*n0, *n0 + *ni), tile rows [*th0, *th1) of each. */
void gx_wino_block(const wplan *p, int64_t b, int64_t *n0, int64_t *ni, int64_t *th0, int64_t *th1);
void gx_wino_group(const wplan *p, int64_t th0, int64_t th1, int64_t t0, int64_t T, tile_group *g);
/* One tile size's weight gradient (conv_winograd.c explains the scheme):
 * the transforms that pack a block's input (B, T x C per xi, packed B of the
 * micro-kernel) and output gradient (A, filters [fa, fb) x T per xi, packed
 * A), and dw = G^T dU G from the summed products.  tmp holds nxi x 16 x TWp
 * floats (TWp >= 16); R is a row buffer of the plan (kinds that gather all
 * their tiles do not use it). */
typedef struct {
    const wkind *kind;
    void (*pack_input)(const wplan *p, const float *x, int64_t n0, int64_t ni, int64_t th0, int64_t th1,
                       int64_t T, float *B, size_t per_xi, float *R, float *tmp, int64_t TWp);
    void (*pack_grad)(const wplan *p, const float *dy, int64_t n0, int64_t ni, int64_t th0, int64_t th1,
                      int64_t T, int64_t fa, int64_t fb, float *A, size_t per_xi, float *tmp, int64_t TWp);
    void (*weight_from)(int64_t F, int64_t C, const float *dU, size_t per_xi, float *dw, int nt);
} wgrad_kind;

extern const wgrad_kind gx_wgrad_f2, gx_wgrad_f4;

int gx_wino_weight_grad(gx_context *ctx, const wgrad_kind *wk, int64_t N, int64_t C, int64_t F, int64_t H,
                        int64_t W, int64_t OH, int64_t OW, int64_t ph, int64_t pw, const float *x,
                        const float *dy, float *dw);

/* The a x a input patches of a group in one channel plane (base: that
 * channel of the block's first image), zero outside the plane: d[i a + j] =
 * row i, column j. */
AVX512 static inline void wino_gather_patch(const float *base, const tile_group *g, int64_t W, int a,
                                            __m512 *d)
{
    for (int i = 0; i < a; i++)
        for (int j = 0; j < a; j++)
            d[i * a + j] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), g->in_row[i] & g->in_col[j],
                                                    _mm512_add_epi32(g->in_off, _mm512_set1_epi32((int)(i * W + j))),
                                                    base, 4);
}

/* The m x m output tiles of a group into one filter plane (base: that
 * filter of the block's first image), only where they lie inside the map. */
AVX512 static inline void wino_scatter_tile(float *base, const tile_group *g, int64_t OW, int m,
                                            const __m512 *out)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++)
            _mm512_mask_i32scatter_ps(base, g->out_row[i] & g->out_col[j],
                                      _mm512_add_epi32(g->out_off, _mm512_set1_epi32((int)(i * OW + j))),
                                      out[i * m + j], 4);
}

/* The transposes of the weight gradients (16 x 16 blocks of tmp[xi][16
 * lanes][TWp]) into tile-major operands. */
AVX512 static inline void wino_store_tile_major(const float *tmp, int nxi, int64_t TWp, int64_t tw,
                                                int64_t n, float *dst, size_t per_xi, int lanes,
                                                __mmask16 keep)
{
    for (int xi = 0; xi < nxi; xi++) {
        __m512 r[16];
        for (int l = 0; l < 16; l++)
            r[l] = _mm512_loadu_ps(tmp + (xi * 16 + l) * TWp + tw);
        gx_transpose16(r);
        for (int64_t q = 0; q < n; q++)
            _mm512_mask_storeu_ps(dst + xi * per_xi + q * lanes, keep, r[q]);
    }
}

#endif
#endif
