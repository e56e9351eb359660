/* Random engines of the CPU backend: MT19937 and the engine pools.
 *
 * The scheme follows MXNet 1.9.1's CPU "parallel random" resource so that
 * gluonx draws the same numbers for the same seed:
 *
 *  - a pool of GX_RNG_STATES (1024) MT19937 engines; seeding with s sets
 *    engine i to mt19937((uint32)(s * 127 + i)) (MXNet's kRandMagic = 127,
 *    CPU device id 0).  Before any seed call, s = 0, so engine i is
 *    mt19937(i).
 *  - an N-element sample is split into nthread = min(ceil(N / 64), 1024)
 *    chunks of step = ceil(N / nthread) elements; engine t produces elements
 *    [t*step, min((t+1)*step, N)) in order.  Engines keep their state
 *    across calls.
 *  - a separate "serial" engine (MXNet's non-parallel random resource) serves
 *    shuffle and multinomial, so those never perturb the pool's streams.
 *
 * Engines are seeded lazily: random_seed only records the seed, an engine
 * runs its (624-step) initialisation the first time it is used.
 */
#ifndef GX_RANDOM_MT_H
#define GX_RANDOM_MT_H

#include <math.h>
#include <stdint.h>

#include "gx_cpu.h"

#define GX_MT_N 624
#define GX_MT_M 397
#define GX_RNG_STATES 1024
#define GX_RNG_MIN_PER_THREAD 64
#define GX_RNG_MAGIC 127u

typedef struct {
    uint32_t mt[GX_MT_N];
    int32_t idx;          /* next word of mt to hand out; GX_MT_N: twist first */
    int32_t need_seed;    /* 1: initialise from `seed` before the next draw */
    uint32_t seed;
} gx_mt;

static inline void gx_mt_init(gx_mt *g, uint32_t s)
{
    g->mt[0] = s;
    for (int i = 1; i < GX_MT_N; i++)
        g->mt[i] = 1812433253u * (g->mt[i - 1] ^ (g->mt[i - 1] >> 30)) + (uint32_t)i;
    g->idx = GX_MT_N;
    g->need_seed = 0;
}

static inline void gx_mt_twist(gx_mt *g)
{
    uint32_t *mt = g->mt;
    int k;
    for (k = 0; k < GX_MT_N - GX_MT_M; k++) {
        uint32_t y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
        mt[k] = mt[k + GX_MT_M] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    for (; k < GX_MT_N - 1; k++) {
        uint32_t y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
        mt[k] = mt[k + GX_MT_M - GX_MT_N] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    uint32_t y = (mt[GX_MT_N - 1] & 0x80000000u) | (mt[0] & 0x7fffffffu);
    mt[GX_MT_N - 1] = mt[GX_MT_M - 1] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    g->idx = 0;
}

/* Ready an engine for drawing (runs a pending lazy seed). */
static inline void gx_mt_ready(gx_mt *g)
{
    if (g->need_seed)
        gx_mt_init(g, g->seed);
}

static inline uint32_t gx_mt_next(gx_mt *g)
{
    if (g->idx >= GX_MT_N)
        gx_mt_twist(g);
    uint32_t y = g->mt[g->idx++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

/* ---- canonical uniforms (libstdc++'s generate_canonical) ------------------ */

/* float in [0, 1) from one 32-bit draw. */
static inline float gx_canon_f(gx_mt *g)
{
    float r = (float)gx_mt_next(g) / 4294967296.0f;
    return r >= 1.0f ? 0x1.fffffep-1f : r;
}

/* double in [0, 1) from two 32-bit draws (low word first). */
static inline double gx_canon_d(gx_mt *g)
{
    double sum = (double)gx_mt_next(g);
    sum += (double)gx_mt_next(g) * 4294967296.0;
    double r = sum / 18446744073709551616.0;
    return r >= 1.0 ? 0x1.fffffffffffffp-1 : r;
}

/* One standard normal from a fresh Marsaglia polar step (the second value
 * of the pair is discarded, as a new std::normal_distribution per element
 * does). */
static inline float gx_normal_f(gx_mt *g)
{
    float x, y, r2;
    do {
        x = (float)((double)(2.0f * gx_canon_f(g)) - 1.0);
        y = (float)((double)(2.0f * gx_canon_f(g)) - 1.0);
        r2 = x * x + y * y;
    } while ((double)r2 > 1.0 || r2 == 0.0f);
    float mult = sqrtf(-2.0f * logf(r2) / r2);
    return y * mult;
}

static inline double gx_normal_d(gx_mt *g)
{
    double x, y, r2;
    do {
        x = 2.0 * gx_canon_d(g) - 1.0;
        y = 2.0 * gx_canon_d(g) - 1.0;
        r2 = x * x + y * y;
    } while (r2 > 1.0 || r2 == 0.0);
    double mult = sqrt(-2.0 * log(r2) / r2);
    return y * mult;
}

/* ---- the pools (random.c) ------------------------------------------------- */

/* Engine pool of the CPU device; NULL when out of memory. */
gx_mt *gx_rng_pool(void);
/* The serial engine (shuffle, multinomial). */
gx_mt *gx_rng_serial(void);
void gx_rng_lock(void);
void gx_rng_unlock(void);

/* Uniform integer in [0, n) from the serial engine, without bias. */
static inline uint64_t gx_rng_below(gx_mt *g, uint64_t n)
{
    if (n <= 1)
        return 0;
    if (n <= 0xffffffffull) {
        uint32_t lim = (uint32_t)(0x100000000ull % n);  /* reject the low tail */
        for (;;) {
            uint32_t r = gx_mt_next(g);
            if (r >= lim)
                return r % n;
        }
    }
    uint64_t lim = (uint64_t)(-n) % n;
    for (;;) {
        uint64_t r = ((uint64_t)gx_mt_next(g) << 32) | gx_mt_next(g);
        if (r >= lim)
            return r % n;
    }
}

int gx_cpu_register_random_perm(gx_registry *r);

#endif
