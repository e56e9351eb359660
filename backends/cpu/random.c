/* CPU kernels: random family (see include/gluonx/attrs.h for the contracts
 * and random_mt.h for the engine scheme, which reproduces MXNet 1.9.1's CPU
 * streams for uniform and normal bit for bit).
 *
 * Arithmetic follows MXNet's samplers exactly: the distribution parameters
 * are float32 values (MXNet stores them as float), uniform/normal draws are
 * computed in float for float32 output and in double for float64 and
 * float16 output (float16 goes double -> float -> half). */
#pragma GCC optimize("fp-contract=off")  /* no FMA: the rounding must match */

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "gx_cpu.h"
#include "random_mt.h"

/* ---- engine pools ---------------------------------------------------------- */

static gx_mt *g_pool;
static gx_mt *g_serial;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t g_seed;  /* last seed given to random_seed (0 at start) */

static void seed_all(uint32_t s)
{
    for (uint32_t i = 0; i < GX_RNG_STATES; i++) {
        g_pool[i].need_seed = 1;
        g_pool[i].seed = s * GX_RNG_MAGIC + i;
    }
    g_serial->need_seed = 1;
    g_serial->seed = s * GX_RNG_MAGIC + 0x9e3779b9u;
}

/* Called with g_lock held. */
static int ensure_pools(void)
{
    if (g_pool)
        return 1;
    gx_mt *pool = (gx_mt *)calloc(GX_RNG_STATES + 1, sizeof(gx_mt));
    if (!pool)
        return 0;
    g_pool = pool;
    g_serial = pool + GX_RNG_STATES;
    seed_all(g_seed);
    return 1;
}

void gx_rng_lock(void) { pthread_mutex_lock(&g_lock); }
void gx_rng_unlock(void) { pthread_mutex_unlock(&g_lock); }
gx_mt *gx_rng_pool(void) { return ensure_pools() ? g_pool : NULL; }
gx_mt *gx_rng_serial(void)
{
    if (!ensure_pools())
        return NULL;
    gx_mt_ready(g_serial);
    return g_serial;
}

static int random_seed(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out,
                       int32_t nout, const void *attrs)
{
    if (!attrs) {
        c->set_error(c, "random_seed: missing gx_seed_attrs");
        return GX_ERR_VALUE;
    }
    uint32_t s = (uint32_t)((const gx_seed_attrs *)attrs)->seed;
    gx_rng_lock();
    g_seed = s;
    if (g_pool)
        seed_all(s);
    gx_rng_unlock();
    return GX_OK;
}

/* ---- the parallel launch ------------------------------------------------------
 * RNG_LOOP(N, BODY): runs BODY for every element i of [0, N) with `g` the
 * engine that owns it (MXNet's LaunchRNG split); engines run in parallel
 * for large N, each one's sequence is independent. */
#define RNG_CHUNK(BODY)                                                         \
    do {                                                                        \
        int64_t b_ = t_ * step_, e_ = b_ + step_ < n_ ? b_ + step_ : n_;        \
        gx_mt *g = &pool_[t_];                                                  \
        if (b_ < e_)                                                            \
            gx_mt_ready(g);                                                     \
        for (int64_t i = b_; i < e_; i++) {                                     \
            BODY;                                                               \
        }                                                                       \
    } while (0)

#define RNG_LOOP(N, BODY)                                                       \
    do {                                                                        \
        int64_t n_ = (N);                                                       \
        if (n_ <= 0)                                                            \
            return GX_OK;                                                       \
        gx_rng_lock();                                                          \
        gx_mt *pool_ = gx_rng_pool();                                           \
        if (!pool_) {                                                           \
            gx_rng_unlock();                                                    \
            c->set_error(c, "out of memory for the random engines");            \
            return GX_ERR_MEMORY;                                               \
        }                                                                       \
        int64_t nloop_ = (n_ + GX_RNG_MIN_PER_THREAD - 1) / GX_RNG_MIN_PER_THREAD; \
        int64_t nth_ = nloop_ < GX_RNG_STATES ? nloop_ : GX_RNG_STATES;         \
        int64_t step_ = (n_ + nth_ - 1) / nth_;                                 \
        if (n_ > GX_OMP_MIN_ELEMS) {                                            \
            _Pragma("omp parallel for schedule(static)")                        \
            for (int64_t t_ = 0; t_ < nth_; t_++)                               \
                RNG_CHUNK(BODY);                                                \
        } else {                                                                \
            for (int64_t t_ = 0; t_ < nth_; t_++)                               \
                RNG_CHUNK(BODY);                                                \
        }                                                                       \
        gx_rng_unlock();                                                        \
    } while (0)

#define PARAMS                                                                  \
    const gx_random_attrs *a_ = (const gx_random_attrs *)attrs;                 \
    if (!a_) {                                                                  \
        c->set_error(c, "missing gx_random_attrs");                             \
        return GX_ERR_VALUE;                                                    \
    }                                                                           \
    const float p0 = (float)a_->p0, p1 = (float)a_->p1;                         \
    (void)p0; (void)p1;                                                         \
    int64_t n = gx_numel(&out[0])

#define KERNEL(name)                                                            \
    static int name(gx_context *c, const gx_tensor *in, int32_t nin, gx_tensor *out, \
                    int32_t nout, const void *attrs)

/* ---- uniform ------------------------------------------------------------------- */

KERNEL(uniform_f32)
{
    PARAMS;
    float *o = (float *)out[0].data;
    const float d = p1 - p0;
    RNG_LOOP(n, o[i] = p0 + d * gx_canon_f(g));
    return GX_OK;
}

KERNEL(uniform_f64)
{
    PARAMS;
    double *o = (double *)out[0].data;
    const float d = p1 - p0;
    RNG_LOOP(n, o[i] = (double)p0 + (double)d * gx_canon_d(g));
    return GX_OK;
}

KERNEL(uniform_f16)
{
    PARAMS;
    gx_half *o = (gx_half *)out[0].data;
    const float d = p1 - p0;
    RNG_LOOP(n, o[i] = (gx_half)(float)((double)p0 + (double)d * gx_canon_d(g)));
    return GX_OK;
}

/* ---- normal (p0 = loc, p1 = scale) -------------------------------------------- */

KERNEL(normal_f32)
{
    PARAMS;
    float *o = (float *)out[0].data;
    RNG_LOOP(n, o[i] = gx_normal_f(g) * p1 + p0);
    return GX_OK;
}

KERNEL(normal_f64)
{
    PARAMS;
    double *o = (double *)out[0].data;
    RNG_LOOP(n, o[i] = gx_normal_d(g) * (double)p1 + (double)p0);
    return GX_OK;
}

KERNEL(normal_f16)
{
    PARAMS;
    gx_half *o = (gx_half *)out[0].data;
    RNG_LOOP(n, o[i] = (gx_half)(float)(gx_normal_d(g) * (double)p1 + (double)p0));
    return GX_OK;
}

/* ---- randint: low + v % (high - low), v = (d0 << 31) + d1 (MXNet's rand_int64) --- */

static inline int64_t rand_int64(gx_mt *g)
{
    uint64_t d0 = gx_mt_next(g);
    uint64_t d1 = gx_mt_next(g);
    return (int64_t)((d0 << 31) + d1);
}

#define RANDINT(NAME, T)                                                        \
    KERNEL(NAME)                                                                \
    {                                                                           \
        const gx_random_attrs *a_ = (const gx_random_attrs *)attrs;             \
        int64_t lo = (int64_t)a_->p0, hi = (int64_t)a_->p1, n = gx_numel(&out[0]); \
        if (!(hi > lo)) {                                                       \
            c->set_error(c, "randint needs low < high, got low=%lld, high=%lld", \
                         (long long)lo, (long long)hi);                         \
            return GX_ERR_VALUE;                                                \
        }                                                                       \
        int64_t range = hi - lo;                                                \
        T *o = (T *)out[0].data;                                                \
        RNG_LOOP(n, o[i] = (T)(lo + rand_int64(g) % range));                    \
        return GX_OK;                                                           \
    }
RANDINT(randint_i32, int32_t)
RANDINT(randint_i64, int64_t)

/* ---- exponential (p0 = lam, the rate, as MXNet's op takes it): -log(1 - U) / float(lam) -- */

KERNEL(exponential_f32)
{
    PARAMS;
    const float lam = (float)a_->p0;
    float *o = (float *)out[0].data;
    RNG_LOOP(n, o[i] = (float)(-log(1.0 - (double)gx_canon_f(g)) / (double)lam));
    return GX_OK;
}

KERNEL(exponential_f64)
{
    PARAMS;
    const float lam = (float)a_->p0;
    double *o = (double *)out[0].data;
    RNG_LOOP(n, o[i] = -log(1.0 - gx_canon_d(g)) / (double)lam);
    return GX_OK;
}

KERNEL(exponential_f16)
{
    PARAMS;
    const float lam = (float)a_->p0;
    gx_half *o = (gx_half *)out[0].data;
    RNG_LOOP(n, o[i] = (gx_half)(float)(-log(1.0 - gx_canon_d(g)) / (double)lam));
    return GX_OK;
}

/* ---- gamma (p0 = alpha shape, p1 = beta scale): Marsaglia-Tsang, with
 * MXNet's arithmetic (float intermediates for float16/32 output, double for
 * float64), so the streams match MXNet's as well. */
#define SAMPLE_GAMMA(NAME, F, NORMAL, CANON)                                    \
    static inline F NAME(gx_mt *g, float a, float b)                            \
    {                                                                           \
        F d = a < 1 ? a + 2.0 / 3.0 : a - 1.0 / 3.0;                            \
        F k = sqrt(9.0 * d);                                                    \
        F cc = 1.0 / k;                                                         \
        F s;                                                                    \
        for (;;) {                                                              \
            F z = NORMAL(g);                                                    \
            if (z > -k) {                                                       \
                F x = 1.0 + cc * z;                                             \
                F v = x * x * x;                                                \
                if (log(1.0 - CANON(g)) < 0.5 * z * z + d * (1.0 - v + log(v))) { \
                    s = d * v * b;                                              \
                    break;                                                      \
                }                                                               \
            }                                                                   \
        }                                                                       \
        return a < 1 ? s * pow(CANON(g), (F)(1.0 / a)) : s;                     \
    }
SAMPLE_GAMMA(gamma_float, float, gx_normal_f, gx_canon_f)
SAMPLE_GAMMA(gamma_double, double, gx_normal_d, gx_canon_d)
#define sample_gamma(g, a, b, dbl) ((dbl) ? (double)gamma_double(g, a, b) : (double)gamma_float(g, a, b))

#define GAMMA(NAME, T, DBL)                                                     \
    KERNEL(NAME)                                                                \
    {                                                                           \
        PARAMS;                                                                 \
        /* an infinite alpha makes the acceptance test NaN: the loop never ends */ \
        if (!(p0 > 0 && isfinite(p0)) || !(p1 > 0 && isfinite(p1))) {           \
            c->set_error(c, "gamma needs finite alpha > 0 and beta > 0, got %g, %g", a_->p0, a_->p1); \
            return GX_ERR_VALUE;                                                \
        }                                                                       \
        T *o = (T *)out[0].data;                                                \
        RNG_LOOP(n, o[i] = (T)sample_gamma(g, p0, p1, DBL));                    \
        return GX_OK;                                                           \
    }
GAMMA(gamma_f32, float, 0)
GAMMA(gamma_f64, double, 1)
GAMMA(gamma_f16, gx_half, 0)

/* ---- poisson (p0 = lam): multiplication of uniforms below 12, Numerical
 * Recipes' rejection from a Lorentzian above (computed in float). ---------- */
static inline float sample_poisson(gx_mt *g, float lam)
{
    if (lam < 12.0f) {
        float t = expf(-lam);
        int x = 0;
        for (float prod = gx_canon_f(g); prod > t; prod *= gx_canon_f(g))
            x++;
        return (float)x;
    }
    const float pi = 3.14159265f;
    const float sq = sqrtf(2.0f * lam), ll = logf(lam);
    const float gg = lam * ll - lgammaf(lam + 1.0f);
    float em, t, y;
    do {
        do {
            y = tanf(pi * gx_canon_f(g));
            em = sq * y + lam;
        } while (em < 0.0f);
        em = floorf(em);
        t = 0.9f * (1.0f + y * y) * expf(em * ll - lgammaf(em + 1.0f) - gg);
    } while (gx_canon_f(g) > t);
    return em;
}

#define POISSON(NAME, T)                                                        \
    KERNEL(NAME)                                                                \
    {                                                                           \
        PARAMS;                                                                 \
        if (!(p0 >= 0 && isfinite(p0))) { /* inf: the rejection never accepts */ \
            c->set_error(c, "poisson needs finite lam >= 0, got %g", a_->p0);   \
            return GX_ERR_VALUE;                                                \
        }                                                                       \
        T *o = (T *)out[0].data;                                                \
        RNG_LOOP(n, o[i] = (T)sample_poisson(g, p0));                           \
        return GX_OK;                                                           \
    }
POISSON(poisson_f32, float)
POISSON(poisson_f64, double)
POISSON(poisson_f16, gx_half)
POISSON(poisson_i32, int32_t)
POISSON(poisson_i64, int64_t)

int gx_cpu_register_random(gx_registry *r)
{
    for (int dt = 0; dt < GX_NUM_DTYPES; dt++)
        GX_REG(r, "random_seed", dt, random_seed);
#define REG3(name, fn)                          \
    GX_REG(r, name, GX_FLOAT32, fn##_f32);      \
    GX_REG(r, name, GX_FLOAT64, fn##_f64);      \
    GX_REG(r, name, GX_FLOAT16, fn##_f16);
    REG3("random_uniform", uniform)
    REG3("random_normal", normal)
    REG3("random_exponential", exponential)
    REG3("random_gamma", gamma)
    REG3("random_poisson", poisson)
    GX_REG(r, "random_poisson", GX_INT32, poisson_i32);
    GX_REG(r, "random_poisson", GX_INT64, poisson_i64);
    GX_REG(r, "random_randint", GX_INT32, randint_i32);
    GX_REG(r, "random_randint", GX_INT64, randint_i64);
    return gx_cpu_register_random_perm(r);
}
