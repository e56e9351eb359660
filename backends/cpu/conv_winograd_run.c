/* The driving of the Winograd convolutions (conv_winograd.h): which tile
 * size a 3x3 stride-1 problem gets, its plan, and the loops that run a
 * kind's transforms and its GEMMs on the OpenMP threads.
 *
 * GLUONX_CONV_WINOGRAD (read on every call, so that tests and benchmarks can
 * switch it in one process): 0 turns Winograd off (im2col + GEMM), 2 keeps
 * to F(2x2, 3x3), 4 or unset takes F(4x4, 3x3) for the forward and the
 * image gradient (benchmarks/bench_conv.py measured it faster at every
 * ResNet-18 shape, 1.1-1.5x; its float32 error is ~6e-6 of the result's
 * scale against ~1e-6).  The weight gradient stays F(2x2, 3x3). */
#include "conv_winograd.h"

#if defined(__x86_64__) && defined(__GNUC__)

#define V_BLOCK_FLOATS (1 << 17) /* 512 KiB of transformed input per block */

static int winograd_mode(void)
{
    const char *e = getenv("GLUONX_CONV_WINOGRAD");
    if (e && (strcmp(e, "0") == 0 || strcmp(e, "2") == 0 || strcmp(e, "4") == 0))
        return e[0] - '0';
    return 1;
}

/* Below 16 channels or filters the GEMMs are too thin to pay for the
 * transforms (the 3-channel stem of an image network stays on im2col); past
 * 2^21 (filter, channel) pairs the transformed weight (and each thread's
 * weight-gradient sum) would take over 128 MiB. */
int gx_winograd_eligible(int64_t C, int64_t F)
{
    static int cpu = -1;
    if (cpu < 0)
        cpu = gx_sgemm_avx512_cpu();
    return cpu && winograd_mode() != 0 && C >= 16 && F >= 16 && C * F <= ((int64_t)1 << 21);
}

wplan gx_wino_plan(const wkind *k, int64_t N, int64_t C, int64_t F, int64_t H, int64_t W, int64_t OH,
                   int64_t OW, int64_t ph, int64_t pw, int64_t want)
{
    wplan p = {N, C, F, H, W, OH, OW, ph, pw, k->m};
    p.TH = (OH + k->m - 1) / k->m;
    p.TW = (OW + k->m - 1) / k->m;
    int64_t tiles = p.TH * p.TW;
    int nt = omp_get_max_threads();
    if (want <= 0) { /* one block of every image */
        p.imgs = N;
        p.rows = p.TH;
        p.per_img = 1;
        p.nblocks = 1;
        p.tmax = N * tiles;
    } else if (tiles >= want) {
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
    p.RW = (k->m * p.TW + 34 + 15) / 16 * 16;
    /* Lane offsets of a block are int32: the block's images must fit. */
    p.gather = p.TW <= k->gather_tw &&
               p.imgs * (C * H * W > F * OH * OW ? C * H * W : F * OH * OW) < ((int64_t)1 << 30);
    return p;
}

void gx_wino_block(const wplan *p, int64_t b, int64_t *n0, int64_t *ni, int64_t *th0, int64_t *th1)
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

AVX512 void gx_wino_group(const wplan *p, int64_t th0, int64_t th1, int64_t t0, int64_t T, tile_group *g)
{
    int32_t in_off[16], out_off[16];
    unsigned live = 0, in_row[6] = {0}, in_col[6] = {0}, out_row[4] = {0}, out_col[4] = {0};
    int64_t per_img = (th1 - th0) * p->TW, m = p->m;
    for (int l = 0; l < 16; l++) {
        int64_t t = t0 + l;
        in_off[l] = out_off[l] = 0;
        if (t >= T)
            continue;
        int64_t j = t / per_img, th = th0 + t % per_img / p->TW, tw = t % p->TW;
        int64_t iy = m * th - p->ph, ix = m * tw - p->pw;
        in_off[l] = (int32_t)(j * p->C * p->H * p->W + iy * p->W + ix);
        out_off[l] = (int32_t)(j * p->F * p->OH * p->OW + m * th * p->OW + m * tw);
        live |= 1u << l;
        for (int i = 0; i < m + 2; i++) {
            in_row[i] |= (unsigned)(iy + i >= 0 && iy + i < p->H) << l;
            in_col[i] |= (unsigned)(ix + i >= 0 && ix + i < p->W) << l;
        }
        for (int a = 0; a < m; a++) {
            out_row[a] |= (unsigned)(m * th + a < p->OH) << l;
            out_col[a] |= (unsigned)(m * tw + a < p->OW) << l;
        }
    }
    g->in_off = _mm512_loadu_si512(in_off);
    g->out_off = _mm512_loadu_si512(out_off);
    g->live = (__mmask16)live;
    for (int i = 0; i < 6; i++) {
        g->in_row[i] = (__mmask16)in_row[i];
        g->in_col[i] = (__mmask16)in_col[i];
    }
    for (int a = 0; a < 4; a++) {
        g->out_row[a] = (__mmask16)out_row[a];
        g->out_col[a] = (__mmask16)out_col[a];
    }
}

/* U[xi] = (G g G^T)[xi] for filters [f0, f0 + nf) and every c, in the packed
 * A layout (M = nf, K = C): element (f, c) at (f / MR) * C * MR + c * MR +
 * f % MR.  The MR filters of a panel are the vector lanes (gathered from w),
 * so each (panel, c) stores nxi runs of MR floats; lanes past F hold zeros. */
AVX512 static void transform_weight(const wkind *k, int64_t F, int64_t C, const float *w, int flip,
                                    int64_t f0, int64_t nf, float *U, size_t per_xi)
{
    int64_t panels = (nf + MR - 1) / MR, cblocks = (C + 15) / 16;
    const __mmask16 store = (__mmask16)((1u << MR) - 1);
    /* lane r reads filter fp + r: (F, C, 3, 3) or, flipped, (C, F, 3, 3) */
    const __m512i lane = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                            _mm512_set1_epi32(flip ? 9 : (int)(C * 9)));
    /* blocks of 16 channels outside the panels: the flipped weight is read
     * in runs of 16 rows, not one row per 9 F floats */
    for (int64_t cb = 0; cb < cblocks; cb++)
    for (int64_t pi = 0; pi < panels; pi++) {
        int64_t fp = f0 + pi * MR, n = F - fp < MR ? F - fp : MR;
        __mmask16 valid = (__mmask16)((1u << n) - 1);
        for (int64_t c = cb * 16; c < C && c < cb * 16 + 16; c++) {
            const float *base = flip ? w + (c * F + fp) * 9 : w + (fp * C + c) * 9;
            __m512 g[9], u[36];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) {
                    int at = flip ? (2 - i) * 3 + 2 - j : i * 3 + j;
                    g[i * 3 + j] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), valid, lane, base + at, 4);
                }
            k->weight_tile(g, u);
            float *dst = U + pi * C * MR + c * MR;
            for (int xi = 0; xi < k->nxi; xi++)
                _mm512_mask_storeu_ps(dst + xi * per_xi, store, u[xi]);
        }
    }
}

/* V[xi] (C x T, packed B layout) = B^T d B for channels [c0, c1) and every
 * tile of the block.  Tile t of the block (tile rows in order) is column t. */
AVX512 static void transform_input(const wkind *k, const wplan *p, const float *x, int64_t n0,
                                   int64_t ni, int64_t th0, int64_t th1, int64_t c0, int64_t c1,
                                   float *V, size_t per_xi, float *R)
{
    if (!p->gather) {
        k->input_rows(p, x, n0, ni, th0, th1, c0, c1, V, per_xi, R);
        return;
    }
    int64_t C = p->C, plane = p->H * p->W, T = ni * (th1 - th0) * p->TW;
    for (int64_t t0 = 0; t0 < T; t0 += 16) { /* 16-tile groups never cross a panel */
        tile_group g;
        gx_wino_group(p, th0, th1, t0, T, &g);
        float *dst = V + (t0 / NR) * C * NR + t0 % NR;
        for (int64_t c = c0; c < c1; c++) {
            __m512 d[36], v[36];
            wino_gather_patch(x + (n0 * C + c) * plane, &g, p->W, k->m + 2, d);
            k->input_tile(d, v);
            for (int xi = 0; xi < k->nxi; xi++)
                _mm512_mask_storeu_ps(dst + xi * per_xi + c * NR, g.live, v[xi]);
        }
    }
}

/* y tiles of filters [f0, f0 + nf) of the block = A^T M A, M[xi] (nf x T,
 * row stride T) from the GEMMs. */
AVX512 static void transform_output(const wkind *k, const wplan *p, const float *M, size_t per_xi,
                                    int64_t T, int64_t n0, int64_t ni, int64_t th0, int64_t th1,
                                    int64_t f0, int64_t nf, float *y)
{
    if (!p->gather) {
        k->output_rows(p, M, per_xi, T, n0, ni, th0, th1, f0, nf, y);
        return;
    }
    int64_t plane = p->OH * p->OW;
    for (int64_t t0 = 0; t0 < T; t0 += 16) {
        tile_group g;
        gx_wino_group(p, th0, th1, t0, T, &g);
        for (int64_t f = 0; f < nf; f++) {
            __m512 m[36], out[16];
            for (int xi = 0; xi < k->nxi; xi++)
                m[xi] = _mm512_maskz_loadu_ps(g.live, M + xi * per_xi + f * T + t0);
            k->output_tile(m, out);
            wino_scatter_tile(y + (n0 * p->F + f0 + f) * plane, &g, p->OW, k->m, out);
        }
    }
}

/* Lanes of V's last panel past T: finite (zeros), since the GEMMs read them. */
static void clear_tail(float *V, int nxi, size_t per_xi, int64_t T, int64_t C)
{
    if (T % NR)
        for (int xi = 0; xi < nxi; xi++)
            for (int64_t c = 0; c < C; c++)
                memset(V + xi * per_xi + (T / NR) * C * NR + c * NR + T % NR, 0,
                       (size_t)(NR - T % NR) * sizeof(float));
}

static int no_memory(gx_context *ctx, const char *name, size_t floats)
{
    ctx->set_error(ctx, "%s: out of memory for the Winograd buffers (%zu bytes)", name, floats * sizeof(float));
    return GX_ERR_MEMORY;
}

/* Blocks of tiles (whole tile rows of one image, or whole small images) go
 * to the threads, each running all filters, so a block's V is still in the
 * core's L2/L3 when its GEMMs read it; U is transformed once, up front. */
static int conv_by_tiles(gx_context *ctx, const char *name, int nt, const wkind *k, const wplan *p, const float *x,
                         const float *w, int flip, float *y)
{
    int64_t C = p->C, F = p->F, panels = (F + MR - 1) / MR;
    int nxi = k->nxi;
    size_t u_xi = xi_stride(gx_sgemm_packed_a_floats(F, C));
    size_t v_xi = xi_stride(gx_sgemm_packed_b_floats(p->tmax, C)), m_xi = xi_stride((size_t)(F * p->tmax));
    size_t per_thread = nxi * (v_xi + m_xi) + (size_t)(k->m + 2) * (size_t)p->RW;
    per_thread = (per_thread + 15) / 16 * 16; /* 64-byte aligned per thread */
    nt = p->nblocks < nt ? (int)p->nblocks : nt;
    float *U = (float *)ctx->scratch_alloc(ctx, nxi * u_xi * sizeof(float));
    float *work = (float *)ctx->scratch_alloc(ctx, per_thread * (size_t)nt * sizeof(float));
    if (U == NULL || work == NULL)
        return no_memory(ctx, name, nxi * u_xi + per_thread * (size_t)nt);
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        float *V = work + per_thread * (size_t)omp_get_thread_num();
        float *M = V + nxi * v_xi, *R = M + nxi * m_xi;
        /* runs of 4 panels: the flipped weight is read in runs of 48 rows */
#pragma omp for schedule(static)
        for (int64_t pi = 0; pi < panels; pi += 4)
            transform_weight(k, F, C, w, flip, pi * MR, F - pi * MR < 4 * MR ? F - pi * MR : 4 * MR,
                             U + pi * C * MR, u_xi);
#pragma omp for schedule(static)
        for (int64_t b = 0; b < p->nblocks; b++) {
            int64_t n0, ni, th0, th1;
            gx_wino_block(p, b, &n0, &ni, &th0, &th1);
            int64_t T = ni * (th1 - th0) * p->TW;
            size_t per_xi = xi_stride(gx_sgemm_packed_b_floats(T, C)), mt = xi_stride((size_t)(F * T));
            clear_tail(V, nxi, per_xi, T, C);
            transform_input(k, p, x, n0, ni, th0, th1, 0, C, V, per_xi, R);
            for (int xi = 0; xi < nxi; xi++)
                gx_sgemm_prepacked(F, T, C, U + xi * u_xi, V + xi * per_xi, 0, M + xi * mt, T);
            transform_output(k, p, M, mt, T, n0, ni, th0, th1, 0, F, y);
        }
    }
    return GX_OK;
}

/* Where the maps are small and the channels many (a ResNet's last stages),
 * the transformed weight is the large operand (nxi F C floats: 38 MB for
 * 512 x 512 in F(4x4)) and the tiles few.  Then every tile's V is
 * transformed first (the threads taking channels), and the threads take
 * runs of filters, transforming their U (about 1 MiB) just before the
 * GEMMs read it, and transforming their outputs. */
static int conv_by_filters(gx_context *ctx, const char *name, int nt, const wkind *k, const wplan *p, const float *x,
                           const float *w, int flip, float *y)
{
    int64_t C = p->C, F = p->F, T = p->tmax;
    int nxi = k->nxi;
    int64_t nf = ((int64_t)1 << 18) / (nxi * C) / MR * MR;
    nf = nf < MR ? MR : nf > (F + MR - 1) / MR * MR ? (F + MR - 1) / MR * MR : nf;
    int64_t chunks = (F + nf - 1) / nf, cblocks = (C + 15) / 16;
    size_t v_xi = xi_stride(gx_sgemm_packed_b_floats(T, C));
    size_t u_xi = xi_stride(gx_sgemm_packed_a_floats(nf, C)), m_xi = xi_stride((size_t)(nf * T));
    size_t per_thread = nxi * (u_xi + m_xi) + (size_t)(k->m + 2) * (size_t)p->RW;
    per_thread = (per_thread + 15) / 16 * 16;
    nt = chunks < nt ? (int)chunks : nt;
    float *V = (float *)ctx->scratch_alloc(ctx, nxi * v_xi * sizeof(float));
    float *work = (float *)ctx->scratch_alloc(ctx, per_thread * (size_t)nt * sizeof(float));
    if (V == NULL || work == NULL)
        return no_memory(ctx, name, nxi * v_xi + per_thread * (size_t)nt);
    clear_tail(V, nxi, v_xi, T, C);
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        float *U = work + per_thread * (size_t)omp_get_thread_num();
        float *M = U + nxi * u_xi, *R = M + nxi * m_xi;
#pragma omp for schedule(static)
        for (int64_t cb = 0; cb < cblocks; cb++)
            transform_input(k, p, x, 0, p->N, 0, p->TH, cb * 16, C - cb * 16 < 16 ? C : cb * 16 + 16, V, v_xi,
                            R);
#pragma omp for schedule(static)
        for (int64_t ch = 0; ch < chunks; ch++) {
            int64_t f0 = ch * nf, n = F - f0 < nf ? F - f0 : nf;
            transform_weight(k, F, C, w, flip, f0, n, U, u_xi);
            for (int xi = 0; xi < nxi; xi++)
                gx_sgemm_prepacked(n, T, C, U + xi * u_xi, V + xi * v_xi, 0, M + xi * m_xi, T);
            transform_output(k, p, M, m_xi, T, 0, p->N, 0, p->TH, f0, n, y);
        }
    }
    return GX_OK;
}

/* F(4x4, 3x3) or F(2x2, 3x3) for this shape. */
static const wkind *choose_kind(int mode)
{
    return mode == 2 ? &gx_wino_f2 : &gx_wino_f4;
}

int gx_winograd_conv(gx_context *ctx, const char *name, int64_t N, int64_t C, int64_t F, int64_t H,
                     int64_t W, int64_t OH, int64_t OW, int64_t ph, int64_t pw, const float *x,
                     const float *w, int flip, float *y)
{
    const wkind *k = choose_kind(winograd_mode());
    /* one thread or all, as the machine's load makes faster (threads.h) */
    static gx_adapt_site site;
    gx_adapt_call call;
    int nt = gx_adapt_begin(&site, 18.0 * (double)N * (double)C * (double)F * (double)OH * (double)OW,
                            gx_adapt_key(N, C, F, H, W, flip), 0, &call);
    int st;
    for (;;) {
        /* the transformed input is the smaller operand: see conv_by_filters */
        if (N * ((OH + k->m - 1) / k->m) * ((OW + k->m - 1) / k->m) < F) {
            wplan p = gx_wino_plan(k, N, C, F, H, W, OH, OW, ph, pw, 0);
            if (p.gather || k->input_rows) {
                st = conv_by_filters(ctx, name, nt, k, &p, x, w, flip, y);
                break;
            }
        }
        int64_t want = V_BLOCK_FLOATS / k->nxi / C;
        /* at least 128 tiles: narrower blocks re-read the whole transformed
         * weight (nxi F C floats, from L3) for too few columns */
        wplan p = gx_wino_plan(k, N, C, F, H, W, OH, OW, ph, pw,
                               want < 4 * NR ? 4 * NR : want > 16 * NR ? 16 * NR : want);
        if (p.gather || k->input_rows) {
            st = conv_by_tiles(ctx, name, nt, k, &p, x, w, flip, y);
            break;
        }
        k = &gx_wino_f2; /* images too large for F(4x4)'s gathers (int32 lane offsets) */
    }
    gx_adapt_end(&call);
    return st;
}

int gx_winograd_weight_grad(gx_context *ctx, int64_t N, int64_t C, int64_t F, int64_t H, int64_t W,
                            int64_t OH, int64_t OW, int64_t ph, int64_t pw, const float *x,
                            const float *dy, float *dw)
{
    /* F(4x4) does 0.56 of F(2x2)'s products but its gathered transforms cost
     * more: measured on ResNet-18 shapes (b32, EPYC Zen 4) it is 0.78-0.90
     * of F(2x2)'s time on maps up to 12 x 12 and with 128+ channels and
     * filters, 1.16-1.24 at 64 channels on 16 x 16 and larger maps, and no
     * better on 4 x 4 maps (one tile per image). GLUONX_CONV_WINOGRAD=2|4
     * forces one. */
    int mode = winograd_mode();
    int f4 = mode == 4 || (mode != 2 && (OH > 4 || OW > 4) && (OH * OW <= 144 || (C >= 128 && F >= 128)));
    return gx_wino_weight_grad(ctx, f4 ? &gx_wgrad_f4 : &gx_wgrad_f2, N, C, F, H, W, OH, OW, ph, pw, x, dy, dw);
}

#else

int gx_winograd_eligible(int64_t C, int64_t F)
{
    (void)C; (void)F;
    return 0;
}

int gx_winograd_conv(gx_context *ctx, const char *name, int64_t N, int64_t C, int64_t F, int64_t H,
                     int64_t W, int64_t OH, int64_t OW, int64_t ph, int64_t pw, const float *x,
                     const float *w, int flip, float *y)
{
    (void)N; (void)C; (void)F; (void)H; (void)W; (void)OH; (void)OW; (void)ph; (void)pw; (void)x;
    (void)w; (void)flip; (void)y;
    return ctx->set_error(ctx, "%s: Winograd convolution needs an x86-64 build", name), GX_ERR_VALUE;
}

int gx_winograd_weight_grad(gx_context *ctx, int64_t N, int64_t C, int64_t F, int64_t H, int64_t W,
                            int64_t OH, int64_t OW, int64_t ph, int64_t pw, const float *x,
                            const float *dy, float *dw)
{
    (void)N; (void)C; (void)F; (void)H; (void)W; (void)OH; (void)OW; (void)ph; (void)pw; (void)x;
    (void)dy; (void)dw;
    return ctx->set_error(ctx, "conv_weight_grad: Winograd convolution needs an x86-64 build"),
           GX_ERR_VALUE;
}

#endif
