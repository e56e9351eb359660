/* 3x3 stride-1 float32 convolution by Winograd F(2x2, 3x3), for AVX-512
 * CPUs: conv_forward and conv_transpose (conv.c) come here for ungrouped 2-D
 * 3x3 kernels with stride and dilation 1, which is most of a ResNet, and so
 * does conv_weight_grad (the weight gradient, further down).
 *
 * Each 2x2 block ("tile") of outputs is computed from a 4x4 block of inputs
 * as Y = A^T [ (G g G^T) .* (B^T d B) ] A, so a tile costs 16 products per
 * (filter, channel) instead of 36.  Summed over channels, the 16 positions
 * xi of the 4x4 transform are 16 independent GEMMs:
 *
 *     M[xi] (F x T) = U[xi] (F x C) . V[xi] (C x T)       T = tiles
 *
 * U (the transformed weight) is packed once per call as the micro-kernel's
 * left operand (sgemm_avx512.c); V is written by the input transform straight
 * into the micro-kernel's packed right-operand layout, so nothing is copied
 * twice.  Blocks of tiles (whole tile rows of one image, or whole small
 * images; 128 tiles or more, about 512 KiB of V where channels are few) go
 * to the OpenMP threads, so a block's V is still in the core's L2/L3 when its
 * GEMMs read it.
 *
 * The input and output transforms run 16 tiles of a tile row per vector, or
 * on small maps 16 gathered tiles.
 * Rounding differs from im2col + GEMM by a few float32 ulps of the inputs'
 * magnitude (the transforms add and subtract up to 4 inputs); tests compare
 * both paths with float64 results.  GLUONX_CONV_WINOGRAD=0 turns it off. */
#include <omp.h>

#include "gx_cpu.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include "simd_avx512.h"

#define MR GX_SGEMM_MR
#define NR GX_SGEMM_NR
#define V_BLOCK_FLOATS (1 << 17) /* 512 KiB of transformed input per block */

/* The 16 arrays of one transform are read and written together; sizes such
 * as 32 KiB put them all in the same L1 set (12 ways), so each array's
 * stride is padded by 64 bytes. */
static inline size_t xi_stride(size_t floats) { return floats + 16; }

/* Below 16 channels or filters the GEMMs are too thin to pay for the
 * transforms (the 3-channel stem of an image network stays on im2col); past
 * 2^21 (filter, channel) pairs the transformed weight (and each thread's
 * weight-gradient sum) would take over 128 MiB. */
int gx_winograd_eligible(int64_t C, int64_t F)
{
    static int enabled = -1;
    if (enabled < 0) {
        const char *e = getenv("GLUONX_CONV_WINOGRAD");
        enabled = gx_sgemm_avx512_cpu() && !(e && strcmp(e, "0") == 0);
    }
    return enabled && C >= 16 && F >= 16 && C * F <= ((int64_t)1 << 21);
}

/* U[xi] = (G g G^T)[xi] for every (f, c), in the packed A layout (M = F,
 * K = C): element (f, c) at (f / MR) * C * MR + c * MR + f % MR.  The MR
 * filters of a panel are the vector lanes (gathered from w), so each (panel,
 * c) stores 16 runs of MR floats; lanes past F hold zeros. */
AVX512 static void transform_weight(int64_t F, int64_t C, const float *w, int flip, float *U,
                                    size_t per_xi)
{
    int64_t panels = (F + MR - 1) / MR, cblocks = (C + 15) / 16;
    const __mmask16 store = (__mmask16)((1u << MR) - 1);
    /* lane r reads filter f0 + r: (F, C, 3, 3) or, flipped, (C, F, 3, 3) */
    const __m512i lane = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                            _mm512_set1_epi32(flip ? 9 : (int)(C * 9)));
    /* blocks of 16 channels outside the panels: the flipped weight is read
     * in runs of 16 rows, not one row per 9 F floats */
#pragma omp parallel for schedule(static) if (F * C >= 4096)
    for (int64_t cb = 0; cb < cblocks; cb++)
    for (int64_t pi = 0; pi < panels; pi++) {
        int64_t f0 = pi * MR, nf = F - f0 < MR ? F - f0 : MR;
        __mmask16 valid = (__mmask16)((1u << nf) - 1);
        for (int64_t c = cb * 16; c < C && c < cb * 16 + 16; c++) {
            const float *base = flip ? w + (c * F + f0) * 9 : w + (f0 * C + c) * 9;
            __m512 g[3][3], t[4][3];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) {
                    int at = flip ? (2 - i) * 3 + 2 - j : i * 3 + j;
                    g[i][j] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), valid, lane, base + at, 4);
                }
            const __m512 half = _mm512_set1_ps(0.5f);
            for (int j = 0; j < 3; j++) {
                __m512 outer = _mm512_add_ps(g[0][j], g[2][j]);
                t[0][j] = g[0][j];
                t[1][j] = _mm512_mul_ps(half, _mm512_add_ps(outer, g[1][j]));
                t[2][j] = _mm512_mul_ps(half, _mm512_sub_ps(outer, g[1][j]));
                t[3][j] = g[2][j];
            }
            float *dst = U + pi * C * MR + c * MR;
            for (int i = 0; i < 4; i++) {
                __m512 outer = _mm512_add_ps(t[i][0], t[i][2]);
                _mm512_mask_storeu_ps(dst + (i * 4 + 0) * per_xi, store, t[i][0]);
                _mm512_mask_storeu_ps(dst + (i * 4 + 1) * per_xi, store,
                                      _mm512_mul_ps(half, _mm512_add_ps(outer, t[i][1])));
                _mm512_mask_storeu_ps(dst + (i * 4 + 2) * per_xi, store,
                                      _mm512_mul_ps(half, _mm512_sub_ps(outer, t[i][1])));
                _mm512_mask_storeu_ps(dst + (i * 4 + 3) * per_xi, store, t[i][2]);
            }
        }
    }
}

/* The problem and its split into blocks of tiles. */
typedef struct {
    int64_t N, C, F, H, W, OH, OW, ph, pw;
    int64_t TH, TW;         /* tile rows and columns per image */
    int64_t imgs, rows;     /* a block: `imgs` whole images, or `rows` tile rows of one */
    int64_t per_img;        /* blocks per image when imgs == 1 */
    int64_t nblocks, tmax;  /* tiles in the largest block */
    int64_t RW;             /* floats per row buffer (vector loads run past 2 TW + 2) */
    int gather;             /* tile rows of <= 4 tiles: vectors of any 16 tiles, gathered */
} wplan;

/* want: tiles per block (whole tile rows or whole images come close to it). */
static wplan make_wplan(int64_t N, int64_t C, int64_t F, int64_t H, int64_t W, int64_t OH,
                        int64_t OW, int64_t ph, int64_t pw, int64_t want)
{
    wplan p = {N, C, F, H, W, OH, OW, ph, pw};
    p.TH = (OH + 1) / 2;
    p.TW = (OW + 1) / 2;
    int64_t tiles = p.TH * p.TW;
    int nt = omp_get_max_threads();
    if (tiles >= want) {
        p.imgs = 1;
        p.rows = want / p.TW > 0 ? want / p.TW : 1;
        p.per_img = (p.TH + p.rows - 1) / p.rows;
        p.nblocks = N * p.per_img;
        p.tmax = p.rows * p.TW;
    } else {
        int64_t per_thread = (N + nt - 1) / nt;
        p.imgs = want / tiles < per_thread ? want / tiles : per_thread;
        p.rows = p.TH;
        p.per_img = 1;
        p.nblocks = (N + p.imgs - 1) / p.imgs;
        p.tmax = p.imgs * tiles;
    }
    p.RW = (2 * p.TW + 34 + 15) / 16 * 16;
    /* Gathers cost about one load per element: they beat the row transforms
     * (about 60 vector operations per tile row) on rows of up to 4 tiles.
     * Lane offsets of a block are int32: the block's images must fit. */
    p.gather = p.TW <= 4 && p.imgs * (C * H * W > F * OH * OW ? C * H * W : F * OH * OW) < ((int64_t)1 << 30);
    return p;
}

/* Block b: images [*n0, *n0 + *ni), tile rows [*th0, *th1) of each. */
static void block_range(const wplan *p, int64_t b, int64_t *n0, int64_t *ni, int64_t *th0, int64_t *th1)
{
    if (p->imgs == 1) {
        *n0 = b / p->per_img;
        *ni = 1;
        *th0 = (b % p->per_img) * p->rows;
        *th1 = *th0 + p->rows < p->TH ? *th0 + p->rows : p->TH;
    } else {
        *n0 = b * p->imgs;
        *ni = p->N - *n0 < p->imgs ? p->N - *n0 : p->imgs;
        *th0 = 0;
        *th1 = p->TH;
    }
}

/* Rows 2 th - ph + i (i < 4) of one plane, zero-padded to columns
 * [-pw, -pw + 2 TW + 2), combined as B^T d: R0 = d0 - d2, R1 = d1 + d2,
 * R2 = d2 - d1, R3 = d1 - d3.  Masked loads read only the columns inside
 * the plane (masked-off lanes never touch memory). */
AVX512 static void row_transform(const wplan *p, const float *plane, int64_t th, float *R)
{
    int64_t width = 2 * p->TW + 2;
    const float *row[4];
    for (int i = 0; i < 4; i++) {
        int64_t iy = 2 * th - p->ph + i;
        row[i] = iy >= 0 && iy < p->H ? plane + iy * p->W - p->pw : NULL;
    }
    for (int64_t q = 0; q < width; q += 16) {
        /* lanes q + l with 0 <= q + l - pw < W, within the row buffer's width */
        int64_t lo = p->pw - q, hi = p->pw + p->W - q;
        lo = lo < 0 ? 0 : lo > 16 ? 16 : lo;
        hi = hi < 0 ? 0 : hi > 16 ? 16 : hi;
        __mmask16 m = hi > lo ? (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1)) : 0;
        __m512 d[4];
        for (int i = 0; i < 4; i++)
            d[i] = row[i] ? _mm512_maskz_loadu_ps(m, row[i] + q) : _mm512_setzero_ps();
        _mm512_storeu_ps(R + q, _mm512_sub_ps(d[0], d[2]));
        _mm512_storeu_ps(R + p->RW + q, _mm512_add_ps(d[1], d[2]));
        _mm512_storeu_ps(R + 2 * p->RW + q, _mm512_sub_ps(d[2], d[1]));
        _mm512_storeu_ps(R + 3 * p->RW + q, _mm512_sub_ps(d[1], d[3]));
    }
}

/* Lanes [0, 16) and [16, 32) of a run of 32 floats of which the first n
 * (n > 0) are wanted: the masks for its two vectors. */
static inline void run_masks(int64_t n, __mmask16 *lo, __mmask16 *hi)
{
    *lo = (__mmask16)(n >= 16 ? 0xFFFFu : (1u << n) - 1);
    *hi = (__mmask16)(n <= 16 ? 0u : n >= 32 ? 0xFFFFu : (1u << (n - 16)) - 1);
}

/* The even and odd elements of the 32 floats a, b (a first). */
AVX512 static inline void deinterleave(__m512 a, __m512 b, __m512 *even, __m512 *odd)
{
    const __m512i e = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i o = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    *even = _mm512_permutex2var_ps(a, e, b);
    *odd = _mm512_permutex2var_ps(a, o, b);
}

/* The 16 transformed values (d B, after the rows' B^T) of tiles tw ..
 * tw + 15 of a tile row from its row transforms R (row stride RW): tile k's
 * columns are 2 (tw + k) + {0, 1, 2, 3}, split into even and odd lanes. */
AVX512 static inline void col_transform(const float *R, int64_t RW, int64_t tw, __m512 v[16])
{
    for (int i = 0; i < 4; i++) {
        const float *r = R + i * RW + 2 * tw;
        __m512 e, o, e2, o2;
        deinterleave(_mm512_loadu_ps(r), _mm512_loadu_ps(r + 16), &e, &o);
        deinterleave(_mm512_loadu_ps(r + 2), _mm512_loadu_ps(r + 18), &e2, &o2);
        v[i * 4 + 0] = _mm512_sub_ps(e, e2);
        v[i * 4 + 1] = _mm512_add_ps(o, e2);
        v[i * 4 + 2] = _mm512_sub_ps(e2, o);
        v[i * 4 + 3] = _mm512_sub_ps(o, o2);
    }
}

/* ---- 16 tiles per vector, wherever they lie (small maps) ---------------
 *
 * A tile row of a small map holds few tiles (2 on a 4x4 map), so the row
 * transforms above would fill few lanes (make_wplan picks this path).  There the lanes are the block's
 * tiles t0 .. t0 + 15 in order, across tile rows and images, each loading
 * its own patch by gather, with per-lane masks for the zero padding. */
typedef struct {
    __m512i in_off;  /* a lane's input patch corner, from channel 0 of the block's first image */
    __m512i out_off; /* a lane's output tile corner, from filter 0 of the block's first image */
    __mmask16 live, in_row[4], in_col[4], out_row[2], out_col[2];
} tile_group;

AVX512 static void tile_group_at(const wplan *p, int64_t th0, int64_t th1, int64_t t0, int64_t T,
                                 tile_group *g)
{
    int32_t in_off[16], out_off[16];
    unsigned live = 0, in_row[4] = {0}, in_col[4] = {0}, out_row[2] = {0}, out_col[2] = {0};
    int64_t per_img = (th1 - th0) * p->TW;
    for (int l = 0; l < 16; l++) {
        int64_t t = t0 + l;
        in_off[l] = out_off[l] = 0;
        if (t >= T)
            continue;
        int64_t j = t / per_img, th = th0 + t % per_img / p->TW, tw = t % p->TW;
        int64_t iy = 2 * th - p->ph, ix = 2 * tw - p->pw;
        in_off[l] = (int32_t)(j * p->C * p->H * p->W + iy * p->W + ix);
        out_off[l] = (int32_t)(j * p->F * p->OH * p->OW + 2 * th * p->OW + 2 * tw);
        live |= 1u << l;
        for (int i = 0; i < 4; i++) {
            in_row[i] |= (unsigned)(iy + i >= 0 && iy + i < p->H) << l;
            in_col[i] |= (unsigned)(ix + i >= 0 && ix + i < p->W) << l;
        }
        for (int a = 0; a < 2; a++) {
            out_row[a] |= (unsigned)(2 * th + a < p->OH) << l;
            out_col[a] |= (unsigned)(2 * tw + a < p->OW) << l;
        }
    }
    g->in_off = _mm512_loadu_si512(in_off);
    g->out_off = _mm512_loadu_si512(out_off);
    g->live = (__mmask16)live;
    for (int i = 0; i < 4; i++) {
        g->in_row[i] = (__mmask16)in_row[i];
        g->in_col[i] = (__mmask16)in_col[i];
    }
    for (int a = 0; a < 2; a++) {
        g->out_row[a] = (__mmask16)out_row[a];
        g->out_col[a] = (__mmask16)out_col[a];
    }
}

/* B^T d B of the group's patches in one channel plane (base: that channel of
 * the block's first image). */
AVX512 static inline void gather_input(const float *base, const tile_group *g, int64_t W, __m512 v[16])
{
    __m512 d[4][4], r[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            d[i][j] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), g->in_row[i] & g->in_col[j],
                                               _mm512_add_epi32(g->in_off, _mm512_set1_epi32((int)(i * W + j))),
                                               base, 4);
    for (int j = 0; j < 4; j++) {
        r[0][j] = _mm512_sub_ps(d[0][j], d[2][j]);
        r[1][j] = _mm512_add_ps(d[1][j], d[2][j]);
        r[2][j] = _mm512_sub_ps(d[2][j], d[1][j]);
        r[3][j] = _mm512_sub_ps(d[1][j], d[3][j]);
    }
    for (int i = 0; i < 4; i++) {
        v[i * 4 + 0] = _mm512_sub_ps(r[i][0], r[i][2]);
        v[i * 4 + 1] = _mm512_add_ps(r[i][1], r[i][2]);
        v[i * 4 + 2] = _mm512_sub_ps(r[i][2], r[i][1]);
        v[i * 4 + 3] = _mm512_sub_ps(r[i][1], r[i][3]);
    }
}

/* A^T m A: the 2 x 2 outputs of 16 tiles from their 16 products. */
AVX512 static inline void output_tile(const __m512 m[16], __m512 out[2][2])
{
    __m512 s0[4], s1[4];
    for (int i = 0; i < 4; i++) {
        s0[i] = _mm512_add_ps(_mm512_add_ps(m[i * 4], m[i * 4 + 1]), m[i * 4 + 2]);
        s1[i] = _mm512_sub_ps(_mm512_sub_ps(m[i * 4 + 1], m[i * 4 + 2]), m[i * 4 + 3]);
    }
    out[0][0] = _mm512_add_ps(_mm512_add_ps(s0[0], s0[1]), s0[2]);
    out[0][1] = _mm512_add_ps(_mm512_add_ps(s1[0], s1[1]), s1[2]);
    out[1][0] = _mm512_sub_ps(_mm512_sub_ps(s0[1], s0[2]), s0[3]);
    out[1][1] = _mm512_sub_ps(_mm512_sub_ps(s1[1], s1[2]), s1[3]);
}

/* A d A^T, A = [[1, 0], [1, 1], [1, -1], [0, -1]]: 16 values of 16 tiles'
 * 2 x 2 output gradients d[row][column]. */
AVX512 static inline void grad_tile(const __m512 d[2][2], __m512 v[16])
{
    __m512 r[4][2], zero = _mm512_setzero_ps();
    for (int b = 0; b < 2; b++) {
        r[0][b] = d[0][b];
        r[1][b] = _mm512_add_ps(d[0][b], d[1][b]);
        r[2][b] = _mm512_sub_ps(d[0][b], d[1][b]);
        r[3][b] = _mm512_sub_ps(zero, d[1][b]);
    }
    for (int i = 0; i < 4; i++) {
        v[i * 4 + 0] = r[i][0];
        v[i * 4 + 1] = _mm512_add_ps(r[i][0], r[i][1]);
        v[i * 4 + 2] = _mm512_sub_ps(r[i][0], r[i][1]);
        v[i * 4 + 3] = _mm512_sub_ps(zero, r[i][1]);
    }
}

/* V[xi] (C x T, packed B layout) = B^T d B for every channel and tile of the
 * block.  Tile t of the block (tile rows in order) is column t. */
AVX512 static void transform_input(const wplan *p, const float *x, int64_t n0, int64_t ni,
                                   int64_t th0, int64_t th1, float *V, size_t per_xi, float *R)
{
    int64_t C = p->C, plane = p->H * p->W;
    if (p->gather) {
        int64_t T = ni * (th1 - th0) * p->TW;
        for (int64_t t0 = 0; t0 < T; t0 += 16) { /* 16-tile groups never cross a panel */
            tile_group g;
            tile_group_at(p, th0, th1, t0, T, &g);
            float *dst = V + (t0 / NR) * C * NR + t0 % NR;
            for (int64_t c = 0; c < C; c++) {
                __m512 v[16];
                gather_input(x + (n0 * C + c) * plane, &g, p->W, v);
                for (int xi = 0; xi < 16; xi++)
                    _mm512_mask_storeu_ps(dst + xi * per_xi + c * NR, g.live, v[xi]);
            }
        }
        return;
    }
    for (int64_t c = 0; c < C; c++) {
        int64_t t = 0;
        for (int64_t j = 0; j < ni; j++) {
            const float *plane = x + ((n0 + j) * C + c) * p->H * p->W;
            for (int64_t th = th0; th < th1; th++, t += p->TW) {
                row_transform(p, plane, th, R);
                /* 16 tiles at a time, never across a 32-column panel */
                for (int64_t tw = 0; tw < p->TW;) {
                    int64_t col = t + tw, lane = col % NR, n = p->TW - tw;
                    n = n < 16 ? n : 16;
                    n = n < NR - lane ? n : NR - lane;
                    __mmask16 m = (__mmask16)((1u << n) - 1);
                    float *dst = V + (col / NR) * C * NR + c * NR + lane;
                    __m512 v[16];
                    col_transform(R, p->RW, tw, v);
                    for (int xi = 0; xi < 16; xi++)
                        _mm512_mask_storeu_ps(dst + xi * per_xi, m, v[xi]);
                    tw += n;
                }
            }
        }
    }
}

/* y tiles of the block = A^T M A, M[xi] (F x T, row stride T) from the
 * GEMMs; A^T = [[1, 1, 1, 0], [0, 1, -1, -1]].  Tile rows of 16 tiles give
 * 32 outputs of a row, interleaved from the tiles' left and right columns. */
AVX512 static void transform_output(const wplan *p, const float *M, int64_t T, int64_t n0,
                                    int64_t ni, int64_t th0, int64_t th1, float *y)
{
    const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    int64_t F = p->F, OW = p->OW, plane = p->OH * OW;
    size_t per_xi = xi_stride((size_t)(F * T));
    if (p->gather) { /* 16 tiles of the block per vector, scattered */
        for (int64_t t0 = 0; t0 < T; t0 += 16) {
            tile_group g;
            tile_group_at(p, th0, th1, t0, T, &g);
            for (int64_t f = 0; f < F; f++) {
                __m512 m[16], out[2][2];
                for (int xi = 0; xi < 16; xi++)
                    m[xi] = _mm512_maskz_loadu_ps(g.live, M + xi * per_xi + f * T + t0);
                output_tile(m, out);
                float *base = y + (n0 * F + f) * plane;
                for (int a = 0; a < 2; a++)
                    for (int b = 0; b < 2; b++)
                        _mm512_mask_i32scatter_ps(base, g.out_row[a] & g.out_col[b],
                                                  _mm512_add_epi32(g.out_off, _mm512_set1_epi32((int)(a * OW + b))),
                                                  out[a][b], 4);
            }
        }
        return;
    }
    for (int64_t f = 0; f < F; f++) {
        int64_t t = 0;
        for (int64_t j = 0; j < ni; j++) {
            float *img = y + ((n0 + j) * F + f) * plane;
            for (int64_t th = th0; th < th1; th++, t += p->TW) {
                for (int64_t tw = 0; tw < p->TW; tw += 16) {
                    int64_t n = p->TW - tw < 16 ? p->TW - tw : 16;
                    __mmask16 mk = (__mmask16)((1u << n) - 1);
                    __m512 m[16], out[2][2];
                    for (int xi = 0; xi < 16; xi++)
                        m[xi] = _mm512_maskz_loadu_ps(mk, M + xi * per_xi + f * T + t + tw);
                    output_tile(m, out);
                    __mmask16 m_lo, m_hi;
                    run_masks(OW - 2 * tw, &m_lo, &m_hi);
                    for (int a = 0; a < 2 && 2 * th + a < p->OH; a++) {
                        float *row = img + (2 * th + a) * OW + 2 * tw;
                        _mm512_mask_storeu_ps(row, m_lo, _mm512_permutex2var_ps(out[a][0], lo, out[a][1]));
                        _mm512_mask_storeu_ps(row + 16, m_hi, _mm512_permutex2var_ps(out[a][0], hi, out[a][1]));
                    }
                }
            }
        }
    }
}

int gx_winograd_f2k3(gx_context *ctx, const char *name, int64_t N, int64_t C, int64_t F, int64_t H,
                     int64_t W, int64_t OH, int64_t OW, int64_t ph, int64_t pw, const float *x,
                     const float *w, int flip, float *y)
{
    int64_t want = V_BLOCK_FLOATS / 16 / C;
    /* at least 128 tiles: narrower blocks re-read the whole transformed
     * weight (16 F C floats, from L3) for too few columns */
    wplan p = make_wplan(N, C, F, H, W, OH, OW, ph, pw, want < 4 * NR ? 4 * NR : want > 16 * NR ? 16 * NR : want);
    size_t u_xi = xi_stride(gx_sgemm_packed_a_floats(F, C));
    size_t v_xi = xi_stride(gx_sgemm_packed_b_floats(p.tmax, C)), m_xi = xi_stride((size_t)(F * p.tmax));
    size_t per_thread = 16 * (v_xi + m_xi) + 4 * (size_t)p.RW;
    per_thread = (per_thread + 15) / 16 * 16; /* 64-byte aligned per thread */
    int nt = omp_get_max_threads();
    nt = p.nblocks < nt ? (int)p.nblocks : nt;
    float *U = (float *)ctx->scratch_alloc(ctx, 16 * u_xi * sizeof(float));
    float *work = (float *)ctx->scratch_alloc(ctx, per_thread * (size_t)nt * sizeof(float));
    if (U == NULL || work == NULL) {
        ctx->set_error(ctx, "%s: out of memory for the Winograd buffers (%zu bytes)", name,
                       (16 * u_xi + per_thread * (size_t)nt) * sizeof(float));
        return GX_ERR_MEMORY;
    }
    transform_weight(F, C, w, flip, U, u_xi);
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        float *V = work + per_thread * (size_t)omp_get_thread_num();
        float *M = V + 16 * v_xi, *R = M + 16 * m_xi;
#pragma omp for schedule(static)
        for (int64_t b = 0; b < p.nblocks; b++) {
            int64_t n0, ni, th0, th1;
            block_range(&p, b, &n0, &ni, &th0, &th1);
            int64_t T = ni * (th1 - th0) * p.TW;
            size_t per_xi = xi_stride(gx_sgemm_packed_b_floats(T, C)), mt = xi_stride((size_t)(F * T));
            if (T % NR) /* lanes of the last panel past T: keep them finite */
                for (int xi = 0; xi < 16; xi++)
                    for (int64_t c = 0; c < C; c++)
                        memset(V + xi * per_xi + (T / NR) * C * NR + c * NR + T % NR, 0,
                               (size_t)(NR - T % NR) * sizeof(float));
            transform_input(&p, x, n0, ni, th0, th1, V, per_xi, R);
            for (int xi = 0; xi < 16; xi++)
                gx_sgemm_prepacked(F, T, C, U + xi * u_xi, V + xi * per_xi, 0, M + xi * mt, T);
            transform_output(&p, M, T, n0, ni, th0, th1, y);
        }
    }
    return GX_OK;
}

/* ---- the weight gradient --------------------------------------------------
 *
 * With U = G g G^T and each tile's output A^T (sum_c U_c .* V_c) A, the
 * gradient of the transformed weight is, summed over tiles t,
 *
 *     dU[xi] (F x C) = DY[xi] (F x T) . V[xi]^T (T x C),   DY_t = A dy_t A^T,
 *
 * and dw = G^T dU G.  The GEMMs contract over tiles, so both operands are
 * packed with tiles as the depth: the transforms run 16 tiles per vector as
 * in the forward pass, and 16 x 16 transposes turn them into vectors of 16
 * channels (or 12 filters: the micro-kernel's MR) per tile. */

/* tmp[xi][16 lanes][TWp]: for each xi, the transposed 16 x 16 block at
 * tiles [tw, tw + n) goes to dst + q * lanes (q < n), `keep` lanes. */
AVX512 static void store_tile_major(const float *tmp, int64_t TWp, int64_t tw, int64_t n,
                                    float *dst, size_t per_xi, int lanes, __mmask16 keep)
{
    for (int xi = 0; xi < 16; xi++) {
        __m512 r[16];
        for (int l = 0; l < 16; l++)
            r[l] = _mm512_loadu_ps(tmp + (xi * 16 + l) * TWp + tw);
        gx_transpose16(r);
        for (int64_t q = 0; q < n; q++)
            _mm512_mask_storeu_ps(dst + xi * per_xi + q * lanes, keep, r[q]);
    }
}

/* B[xi] (T x C, packed [C/32][T][32]) = V[xi]^T for the block's tiles;
 * channels past C (up to the panel) are zero. */
AVX512 static void pack_input_by_tile(const wplan *p, const float *x, int64_t n0, int64_t ni,
                                      int64_t th0, int64_t th1, int64_t T, float *B, size_t per_xi,
                                      float *R, float *tmp, int64_t TWp)
{
    int64_t C = p->C, C32 = (C + NR - 1) / NR * NR, t = 0;
    if (p->gather) {
        for (int64_t t0 = 0; t0 < T; t0 += 16) {
            tile_group g;
            tile_group_at(p, th0, th1, t0, T, &g);
            for (int64_t c0 = 0; c0 < C32; c0 += 16) {
                for (int l = 0; l < 16; l++) {
                    __m512 v[16];
                    if (c0 + l < C)
                        gather_input(x + (n0 * C + c0 + l) * p->H * p->W, &g, p->W, v);
                    for (int xi = 0; xi < 16; xi++)
                        _mm512_storeu_ps(tmp + (xi * 16 + l) * TWp, c0 + l < C ? v[xi] : _mm512_setzero_ps());
                }
                store_tile_major(tmp, TWp, 0, T - t0 < 16 ? T - t0 : 16,
                                 B + (c0 / NR) * T * NR + t0 * NR + c0 % NR, per_xi, NR, 0xFFFF);
            }
        }
        return;
    }
    for (int64_t j = 0; j < ni; j++)
        for (int64_t th = th0; th < th1; th++, t += p->TW)
            for (int64_t c0 = 0; c0 < C32; c0 += 16) {
                for (int l = 0; l < 16; l++) {
                    int64_t c = c0 + l;
                    if (c < C)
                        row_transform(p, x + ((n0 + j) * C + c) * p->H * p->W, th, R);
                    for (int64_t tw = 0; tw < p->TW; tw += 16) {
                        __m512 v[16];
                        if (c < C)
                            col_transform(R, p->RW, tw, v);
                        for (int xi = 0; xi < 16; xi++)
                            _mm512_storeu_ps(tmp + (xi * 16 + l) * TWp + tw, c < C ? v[xi] : _mm512_setzero_ps());
                    }
                }
                for (int64_t tw = 0; tw < p->TW; tw += 16)
                    store_tile_major(tmp, TWp, tw, p->TW - tw < 16 ? p->TW - tw : 16,
                                     B + (c0 / NR) * T * NR + (t + tw) * NR + c0 % NR, per_xi, NR, 0xFFFF);
            }
}

/* A[xi] (F x T, packed [F/12][T][12]) = (A dy_t A^T)[xi] for the block's
 * tiles, A = [[1, 0], [1, 1], [1, -1], [0, -1]]; outputs past OH / OW and
 * filters past F are zero. */
AVX512 static void pack_grad_by_tile(const wplan *p, const float *dy, int64_t n0, int64_t ni,
                                     int64_t th0, int64_t th1, int64_t T, float *A, size_t per_xi,
                                     float *tmp, int64_t TWp)
{
    int64_t F = p->F, OW = p->OW, t = 0;
    for (int64_t xi = 0; xi < 16; xi++) /* lanes MR..15 of every transpose stay zero */
        for (int l = MR; l < 16; l++)
            memset(tmp + (xi * 16 + l) * TWp, 0, (size_t)TWp * sizeof(float));
    if (p->gather) {
        for (int64_t t0 = 0; t0 < T; t0 += 16) {
            tile_group g;
            tile_group_at(p, th0, th1, t0, T, &g);
            for (int64_t f0 = 0; f0 < F; f0 += MR) {
                for (int l = 0; l < MR; l++) {
                    __m512 d[2][2], v[16];
                    for (int a = 0; a < 2; a++)
                        for (int b = 0; b < 2; b++)
                            d[a][b] = f0 + l < F ? _mm512_mask_i32gather_ps(
                                                       _mm512_setzero_ps(), g.out_row[a] & g.out_col[b],
                                                       _mm512_add_epi32(g.out_off, _mm512_set1_epi32((int)(a * OW + b))),
                                                       dy + (n0 * F + f0 + l) * p->OH * OW, 4)
                                                 : _mm512_setzero_ps();
                    grad_tile(d, v);
                    for (int xi = 0; xi < 16; xi++)
                        _mm512_storeu_ps(tmp + (xi * 16 + l) * TWp, v[xi]);
                }
                store_tile_major(tmp, TWp, 0, T - t0 < 16 ? T - t0 : 16, A + (f0 / MR) * T * MR + t0 * MR,
                                 per_xi, MR, (__mmask16)((1u << MR) - 1));
            }
        }
        return;
    }
    for (int64_t j = 0; j < ni; j++)
        for (int64_t th = th0; th < th1; th++, t += p->TW)
            for (int64_t f0 = 0; f0 < F; f0 += MR) {
                for (int l = 0; l < MR; l++) {
                    int64_t f = f0 + l;
                    const float *plane = dy + ((n0 + j) * F + f) * p->OH * OW;
                    for (int64_t tw = 0; tw < p->TW; tw += 16) {
                        __mmask16 m_lo, m_hi;
                        run_masks(OW - 2 * tw, &m_lo, &m_hi);
                        __m512 d[2][2]; /* [row][column parity], 16 tiles */
                        for (int a = 0; a < 2; a++) {
                            __m512 lo = _mm512_setzero_ps(), hi = _mm512_setzero_ps();
                            if (f < F && 2 * th + a < p->OH) {
                                const float *row = plane + (2 * th + a) * OW + 2 * tw;
                                lo = _mm512_maskz_loadu_ps(m_lo, row);
                                hi = _mm512_maskz_loadu_ps(m_hi, row + 16);
                            }
                            deinterleave(lo, hi, &d[a][0], &d[a][1]);
                        }
                        __m512 v[16];
                        grad_tile(d, v);
                        for (int xi = 0; xi < 16; xi++)
                            _mm512_storeu_ps(tmp + (xi * 16 + l) * TWp + tw, v[xi]);
                    }
                }
                for (int64_t tw = 0; tw < p->TW; tw += 16)
                    store_tile_major(tmp, TWp, tw, p->TW - tw < 16 ? p->TW - tw : 16,
                                     A + (f0 / MR) * T * MR + (t + tw) * MR, per_xi, MR,
                                     (__mmask16)((1u << MR) - 1));
            }
}

/* dw (F, C, 3, 3) = G^T dU G, 16 channels per vector; G^T = [[1, .5, .5, 0],
 * [0, .5, -.5, 0], [0, .5, .5, 1]]. */
AVX512 static void weight_from_transformed(int64_t F, int64_t C, const float *dU, size_t per_xi,
                                           float *dw)
{
    const __m512i at = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                          _mm512_set1_epi32(9));
    const __m512 half = _mm512_set1_ps(0.5f);
#pragma omp parallel for schedule(static) if (F * C >= 4096)
    for (int64_t f = 0; f < F; f++)
        for (int64_t c = 0; c < C; c += 16) {
            __mmask16 m = (__mmask16)(C - c >= 16 ? 0xFFFFu : (1u << (C - c)) - 1);
            __m512 s[4][3];
            for (int i = 0; i < 4; i++) {
                const float *src = dU + i * 4 * per_xi + f * C + c;
                __m512 m0 = _mm512_maskz_loadu_ps(m, src), m1 = _mm512_maskz_loadu_ps(m, src + per_xi);
                __m512 m2 = _mm512_maskz_loadu_ps(m, src + 2 * per_xi);
                __m512 m3 = _mm512_maskz_loadu_ps(m, src + 3 * per_xi);
                __m512 sum = _mm512_mul_ps(half, _mm512_add_ps(m1, m2));
                s[i][0] = _mm512_add_ps(m0, sum);
                s[i][1] = _mm512_mul_ps(half, _mm512_sub_ps(m1, m2));
                s[i][2] = _mm512_add_ps(sum, m3);
            }
            float *dst = dw + (f * C + c) * 9;
            for (int b = 0; b < 3; b++) {
                __m512 sum = _mm512_mul_ps(half, _mm512_add_ps(s[1][b], s[2][b]));
                _mm512_mask_i32scatter_ps(dst + b, m, at, _mm512_add_ps(s[0][b], sum), 4);
                _mm512_mask_i32scatter_ps(dst + 3 + b, m, at, _mm512_mul_ps(half, _mm512_sub_ps(s[1][b], s[2][b])), 4);
                _mm512_mask_i32scatter_ps(dst + 6 + b, m, at, _mm512_add_ps(sum, s[3][b]), 4);
            }
        }
}

int gx_winograd_f2k3_weight_grad(gx_context *ctx, int64_t N, int64_t C, int64_t F, int64_t H,
                                 int64_t W, int64_t OH, int64_t OW, int64_t ph, int64_t pw,
                                 const float *x, const float *dy, float *dw)
{
    /* the block's two operands, 16 x (C + F) x T floats, about 4 MiB */
    int64_t want = (1 << 20) / 16 / (C + F);
    wplan p = make_wplan(N, C, F, H, W, OH, OW, ph, pw, want < 64 ? 64 : want > 512 ? 512 : want);
    int64_t TWp = (p.TW + 15) / 16 * 16;
    size_t b_xi = xi_stride(gx_sgemm_packed_b_floats(C, p.tmax));
    size_t a_xi = xi_stride(gx_sgemm_packed_a_floats(F, p.tmax));
    size_t du_xi = xi_stride((size_t)(F * C)), du = 16 * du_xi;
    size_t per_thread = du + 16 * (b_xi + a_xi) + 4 * (size_t)p.RW + 256 * (size_t)TWp;
    per_thread = (per_thread + 15) / 16 * 16;
    int nt = omp_get_max_threads();
    nt = p.nblocks < nt ? (int)p.nblocks : nt;
    float *work = (float *)ctx->scratch_alloc(ctx, per_thread * (size_t)nt * sizeof(float));
    if (work == NULL) {
        ctx->set_error(ctx, "conv_weight_grad: out of memory for the Winograd buffers (%zu bytes)",
                       per_thread * (size_t)nt * sizeof(float));
        return GX_ERR_MEMORY;
    }
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        float *dU = work + per_thread * (size_t)omp_get_thread_num();
        float *B = dU + du, *A = B + 16 * b_xi, *R = A + 16 * a_xi, *tmp = R + 4 * p.RW;
        int first = 1;
#pragma omp for schedule(static)
        for (int64_t b = 0; b < p.nblocks; b++) {
            int64_t n0, ni, th0, th1;
            block_range(&p, b, &n0, &ni, &th0, &th1);
            int64_t T = ni * (th1 - th0) * p.TW;
            size_t bx = xi_stride(gx_sgemm_packed_b_floats(C, T)), ax = xi_stride(gx_sgemm_packed_a_floats(F, T));
            pack_input_by_tile(&p, x, n0, ni, th0, th1, T, B, bx, R, tmp, TWp);
            pack_grad_by_tile(&p, dy, n0, ni, th0, th1, T, A, ax, tmp, TWp);
            for (int xi = 0; xi < 16; xi++)
                gx_sgemm_prepacked(F, C, T, A + xi * ax, B + xi * bx, !first, dU + xi * du_xi, C);
            first = 0;
        }
    }
    for (int t = 1; t < nt; t++) { /* the threads' partial sums */
        const float *part = work + per_thread * (size_t)t;
        for (size_t i = 0; i < du; i++)
            work[i] += part[i];
    }
    weight_from_transformed(F, C, work, du_xi, dw);
    return GX_OK;
}

#else

int gx_winograd_eligible(int64_t C, int64_t F)
{
    (void)C; (void)F;
    return 0;
}

int gx_winograd_f2k3(gx_context *ctx, const char *name, int64_t N, int64_t C, int64_t F, int64_t H,
                     int64_t W, int64_t OH, int64_t OW, int64_t ph, int64_t pw, const float *x,
                     const float *w, int flip, float *y)
{
    (void)N; (void)C; (void)F; (void)H; (void)W; (void)OH; (void)OW; (void)ph; (void)pw; (void)x;
    (void)w; (void)flip; (void)y;
    return ctx->set_error(ctx, "%s: Winograd convolution needs an x86-64 build", name), GX_ERR_VALUE;
}

int gx_winograd_f2k3_weight_grad(gx_context *ctx, int64_t N, int64_t C, int64_t F, int64_t H,
                                 int64_t W, int64_t OH, int64_t OW, int64_t ph, int64_t pw,
                                 const float *x, const float *dy, float *dw)
{
    (void)N; (void)C; (void)F; (void)H; (void)W; (void)OH; (void)OW; (void)ph; (void)pw; (void)x;
    (void)dy; (void)dw;
    return ctx->set_error(ctx, "conv_weight_grad: Winograd convolution needs an x86-64 build"),
           GX_ERR_VALUE;
}

#endif
