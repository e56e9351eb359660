/* CPU kernels: elementwise unary operators (see include/gluonx/attrs.h).
 *
 * Math functions exist for the float dtypes (float16 computes in float);
 * integer dtypes get the operators that are exact on integers.  MXNet rules:
 * `round` is half away from zero, `rint` rounds x.5 down (floor(x) + 1 only
 * when the fraction is > 0.5), `fix` truncates toward zero. */
#include "elemwise_simd.h"
#include "elemwise.h"

/* ---- scalar helpers --------------------------------------------------------- */

/* Inverse error function: Giles' single-precision approximation ("Approximating
 * the erfinv function", GPU Computing Gems, 2010) refined by two Newton steps
 * in double. */
static double ew_erfinv_d(double y)
{
    if (!(y > -1.0 && y < 1.0)) {
        if (y == 1.0)
            return INFINITY;
        if (y == -1.0)
            return -INFINITY;
        return NAN;
    }
    double w = -log((1.0 - y) * (1.0 + y)), p;
    if (w < 5.0) {
        w -= 2.5;
        p = 2.81022636e-08;
        p = 3.43273939e-07 + p * w;
        p = -3.5233877e-06 + p * w;
        p = -4.39150654e-06 + p * w;
        p = 0.00021858087 + p * w;
        p = -0.00125372503 + p * w;
        p = -0.00417768164 + p * w;
        p = 0.246640727 + p * w;
        p = 1.50140941 + p * w;
    } else {
        w = sqrt(w) - 3.0;
        p = -0.000200214257;
        p = 0.000100950558 + p * w;
        p = 0.00134934322 + p * w;
        p = -0.00367342844 + p * w;
        p = 0.00573950773 + p * w;
        p = -0.0076224613 + p * w;
        p = 0.00943887047 + p * w;
        p = 1.00167406 + p * w;
        p = 2.83297682 + p * w;
    }
    double x = p * y;
    for (int k = 0; k < 2; k++) {
        double d = 1.1283791670955126 * exp(-x * x); /* erf'(x) */
        if (d == 0.0)
            break;
        x -= (erf(x) - y) / d;
    }
    return x;
}

static inline float ew_erfinvf(float y) { return (float)ew_erfinv_d(y); }
static inline double ew_erfinvd(double y) { return ew_erfinv_d(y); }
#define ew_erfinv(x) _Generic((x), float: ew_erfinvf, default: ew_erfinvd)(x)

/* lgamma without touching the global signgam (threads). */
static inline float ew_lgammaf(float x) { int s; return lgammaf_r(x, &s); }
static inline double ew_lgammad(double x) { int s; return lgamma_r(x, &s); }
#define ew_lgamma(x) _Generic((x), float: ew_lgammaf, default: ew_lgammad)(x)

/* digamma (the derivative of gammaln): reflection for x < 0, recurrence up
 * to x >= 6, then the asymptotic series. */
static double ew_digamma_d(double x)
{
    double r = 0;
    if (x <= 0 && floor(x) == x)
        return NAN;
    if (x < 0)
        return ew_digamma_d(1 - x) - M_PI / tan(M_PI * x);
    while (x < 6) {
        r -= 1 / x;
        x += 1;
    }
    double f = 1 / (x * x);
    double t = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132)))));
    return r + log(x) - 0.5 / x + t;
}
static inline float ew_digammaf(float x) { return (float)ew_digamma_d(x); }
#define ew_digamma(x) _Generic((x), float: ew_digammaf, default: ew_digamma_d)(x)

/* ---- the loop template ------------------------------------------------------ */
#define EW_UN(NAME, FLAG, T_, C_, UT_, EXPR)                                                  \
    GX_SIMD_CLONES static void ew_##NAME##_loop_##FLAG(char **p, const int64_t *s, int64_t n, const void *aux) \
    {                                                                                     \
        (void)aux;                                                                         \
        typedef T_ T;                                                                      \
        typedef C_ C;                                                                      \
        typedef UT_ UT; (void)sizeof(UT); (void)sizeof(C);\
        const int64_t z = (int64_t)sizeof(T);                                             \
        if (s[0] == z && s[1] == z) {                                                     \
            const T *restrict X = (const T *)p[0];                                        \
            T *restrict o = (T *)p[1];                                                    \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++)                           \
            {                                                                             \
                C x = (C)X[i];                                                            \
                o[i] = (T)(EXPR);                                                         \
            }                                                                             \
            return;                                                                       \
        }                                                                                 \
        for (int64_t i = 0; i < n; i++) {                                                 \
            C x = (C) * (const T *)(p[0] + i * s[0]);                                     \
            *(T *)(p[1] + i * s[1]) = (T)(EXPR);                                          \
        }                                                                                 \
    }                                                                                     \
    static int ew_##NAME##_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,        \
                                  gx_tensor *out, int32_t nout, const void *attrs)        \
    {                                                                                     \
        const gx_tensor *ts[2] = {&in[0], &out[0]};                                       \
        ew_run(c, 2, ts, ew_##NAME##_loop_##FLAG, NULL);                                  \
        return GX_OK;                                                                     \
    }

/* ---- operator tables ----------------------------------------------------------
 * X(name, float expression, integer expression); `x` is the operand in the
 * compute type C, UT the unsigned type of the element's width. */
#define EW_UN_OPS(X)                                                 \
    X(negative, -x, (UT)0 - (UT)x)                                   \
    X(abs, EW_M1(fabs, x), x < 0 ? (UT)0 - (UT)x : (UT)x)                   \
    X(sign, (x > 0) - (x < 0), (x > 0) - (x < 0))                    \
    X(square, x * x, (UT)((UT)x * (UT)x))                                  \
    X(relu, x > 0 ? x : 0, x > 0 ? x : 0)                            \
    X(round, EW_M1(round, x), x)                                            \
    X(rint, EW_M1(floor, x) + ((x - EW_M1(floor, x)) > 0.5f), x)                   \
    X(fix, EW_M1(trunc, x), x)                                              \
    X(floor, EW_M1(floor, x), x)                                            \
    X(ceil, EW_M1(ceil, x), x)                                              \
    X(trunc, EW_M1(trunc, x), x)                                            \
    X(logical_not, x == 0, x == 0)

#define EW_UN_FLOAT_OPS(X)                                  \
    X(sqrt, EW_M1(sqrt, x), 0)                                     \
    X(rsqrt, 1 / EW_M1(sqrt, x), 0)                                \
    X(cbrt, EW_M1(cbrt, x), 0)                                     \
    X(rcbrt, 1 / EW_M1(cbrt, x), 0)                                \
    X(reciprocal, 1 / x, 0)                                 \
    X(exp, EW_M1(exp, x), 0)                                       \
    X(expm1, EW_M1(expm1, x), 0)                                   \
    X(log, EW_M1(log, x), 0)                                       \
    X(log1p, EW_M1(log1p, x), 0)                                   \
    X(log2, EW_M1(log2, x), 0)                                     \
    X(log10, EW_M1(log10, x), 0)                                   \
    X(sin, EW_M1(sin, x), 0)                                       \
    X(cos, EW_M1(cos, x), 0)                                       \
    X(tan, EW_M1(tan, x), 0)                                       \
    X(arcsin, EW_M1(asin, x), 0)                                   \
    X(arccos, EW_M1(acos, x), 0)                                   \
    X(arctan, EW_M1(atan, x), 0)                                   \
    X(sinh, EW_M1(sinh, x), 0)                                     \
    X(cosh, EW_M1(cosh, x), 0)                                     \
    X(tanh, EW_M1(tanh, x), 0)                                     \
    X(arcsinh, EW_M1(asinh, x), 0)                                 \
    X(arccosh, EW_M1(acosh, x), 0)                                 \
    X(arctanh, EW_M1(atanh, x), 0)                                 \
    X(degrees, x * (C)57.29577951308232, 0)                 \
    X(radians, x * (C)0.017453292519943295, 0)              \
    X(sigmoid, 1 / (1 + EW_M1(exp, -x)), 0)                        \
    X(softsign, x / (1 + EW_M1(fabs, x)), 0)                       \
    X(erf, EW_M1(erf, x), 0)                                       \
    X(erfinv, ew_erfinv(x), 0)                              \
    X(gamma, EW_M1(tgamma, x), 0)                                  \
    X(gammaln, ew_lgamma(x), 0)                             \
    X(digamma, ew_digamma(x), 0)

#define EW_DEF_F(NAME, FE, IE) EW_INSTANTIATE_F(EW_UN, NAME, FE)
#define EW_DEF_I(NAME, FE, IE) EW_INSTANTIATE_I(EW_UN, NAME, IE)

EW_UN_OPS(EW_DEF_F)
EW_UN_OPS(EW_DEF_I)
EW_UN_FLOAT_OPS(EW_DEF_F)

int gx_cpu_register_elemwise_unary(gx_registry *r)
{
#define EW_REG_F(NAME, FE, IE) EW_REGISTER_F(r, NAME)
#define EW_REG_I(NAME, FE, IE) EW_REGISTER_I(r, NAME)
    EW_UN_OPS(EW_REG_F)
    EW_UN_OPS(EW_REG_I)
    EW_UN_FLOAT_OPS(EW_REG_F)
    return GX_OK;
}
