/* CPU kernels: elementwise binary operators (see include/gluonx/attrs.h).
 *
 * MXNet rules: comparisons and logical ops write 0/1 in the input dtype;
 * `mod` follows Python's sign rule and x mod 0 == 0 (floats too); integer
 * `div` truncates toward zero and x / 0 == 0 (no trap); integers wrap.
 * `floor_div` (NumPy's floor_divide, MXNet has none) rounds toward -inf;
 * x // 0 == 0 for integers, a / 0 (inf or nan) for floats. */
#include "elemwise_simd.h"
#include "elemwise.h"

/* ---- scalar helpers --------------------------------------------------------- */

static inline int64_t ew_idiv(int64_t a, int64_t b)
{
    if (b == 0)
        return 0;
    if (b == -1)
        return (int64_t)(0 - (uint64_t)a); /* INT64_MIN / -1 wraps, no trap */
    return a / b;
}

static inline int64_t ew_ifloordiv(int64_t a, int64_t b)
{
    if (b == 0)
        return 0;
    if (b == -1)
        return (int64_t)(0 - (uint64_t)a); /* INT64_MIN // -1 wraps, no trap */
    int64_t q = a / b;
    return (q * b != a && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static inline int64_t ew_imod(int64_t a, int64_t b)
{
    if (b == 0 || b == -1)
        return 0;
    int64_t r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

/* a ** b with wrap-around; a negative exponent gives trunc(1 / a**|b|). */
static inline int64_t ew_ipow(int64_t a, int64_t b)
{
    if (b < 0) {
        if (a == 1)
            return 1;
        if (a == -1)
            return (b & 1) ? -1 : 1;
        return 0;
    }
    uint64_t r = 1, x = (uint64_t)a;
    while (b) {
        if (b & 1)
            r *= x;
        x *= x;
        b >>= 1;
    }
    return (int64_t)r;
}

static inline float ew_fmodf(float a, float b)
{
    if (b == 0)
        return 0;
    float r = fmodf(a, b);
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

static inline double ew_fmodd(double a, double b)
{
    if (b == 0)
        return 0;
    double r = fmod(a, b);
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

#define ew_fmod(a, b) _Generic((a), float: ew_fmodf, default: ew_fmodd)(a, b)

/* NumPy's float floor_divide (npy_divmod): floor of the exact quotient. */
static inline float ew_ffloordivf(float a, float b)
{
    if (b == 0)
        return a / b;
    float m = fmodf(a, b), d = (a - m) / b;
    if (m != 0 && ((b < 0) != (m < 0)))
        d -= 1.0f;
    if (d == 0)
        return copysignf(0.0f, a / b);
    float f = floorf(d);
    return (d - f > 0.5f) ? f + 1.0f : f;
}

static inline double ew_ffloordivd(double a, double b)
{
    if (b == 0)
        return a / b;
    double m = fmod(a, b), d = (a - m) / b;
    if (m != 0 && ((b < 0) != (m < 0)))
        d -= 1.0;
    if (d == 0)
        return copysign(0.0, a / b);
    double f = floor(d);
    return (d - f > 0.5) ? f + 1.0 : f;
}

#define ew_ffloordiv(a, b) _Generic((a), float: ew_ffloordivf, default: ew_ffloordivd)(a, b)

/* ---- the loop template ---------------------------------------------------------
 * Operands: p[0] lhs, p[1] rhs, p[2] out.  Specialised paths for all
 * contiguous and for a broadcast scalar on either side (x + 2). */
#define EW_BIN(NAME, FLAG, T_, C_, UT_, EXPR)                                                  \
    GX_SIMD_CLONES static void ew_##NAME##_loop_##FLAG(char **p, const int64_t *s, int64_t n, const void *aux) \
    {                                                                                      \
        (void)aux;                                                                         \
        typedef T_ T;                                                                      \
        typedef C_ C;                                                                      \
        typedef UT_ UT; (void)sizeof(UT); (void)sizeof(C);\
        const int64_t z = (int64_t)sizeof(T);                                              \
        if (s[2] == z) {                                                                   \
            T *restrict o = (T *)p[2];                                                     \
            if (s[0] == z && s[1] == z) {                                                  \
                const T *restrict A = (const T *)p[0];                                     \
                const T *restrict B = (const T *)p[1];                                     \
                _Pragma("omp simd") for (int64_t i = 0; i < n; i++)                        \
                {                                                                          \
                    C a = (C)A[i], b = (C)B[i];                                            \
                    o[i] = (T)(EXPR);                                                      \
                }                                                                          \
                return;                                                                    \
            }                                                                              \
            if (s[0] == z && s[1] == 0) {                                                  \
                const T *restrict A = (const T *)p[0];                                     \
                const C b = (C) * (const T *)p[1];                                         \
                _Pragma("omp simd") for (int64_t i = 0; i < n; i++)                        \
                {                                                                          \
                    C a = (C)A[i];                                                         \
                    o[i] = (T)(EXPR);                                                      \
                }                                                                          \
                return;                                                                    \
            }                                                                              \
            if (s[0] == 0 && s[1] == z) {                                                  \
                const C a = (C) * (const T *)p[0];                                         \
                const T *restrict B = (const T *)p[1];                                     \
                _Pragma("omp simd") for (int64_t i = 0; i < n; i++)                        \
                {                                                                          \
                    C b = (C)B[i];                                                         \
                    o[i] = (T)(EXPR);                                                      \
                }                                                                          \
                return;                                                                    \
            }                                                                              \
        }                                                                                  \
        for (int64_t i = 0; i < n; i++) {                                                  \
            C a = (C) * (const T *)(p[0] + i * s[0]);                                      \
            C b = (C) * (const T *)(p[1] + i * s[1]);                                      \
            *(T *)(p[2] + i * s[2]) = (T)(EXPR);                                           \
        }                                                                                  \
    }                                                                                      \
    static int ew_##NAME##_##FLAG(gx_context *c, const gx_tensor *in, int32_t nin,         \
                                  gx_tensor *out, int32_t nout, const void *attrs)         \
    {                                                                                      \
        const gx_tensor *ts[3] = {&in[0], &in[1], &out[0]};                                \
        ew_run(c, 3, ts, ew_##NAME##_loop_##FLAG, NULL);                                   \
        return GX_OK;                                                                      \
    }

/* ---- the operator table: X(name, float expression, integer expression) --------
 * `a`, `b` are the operands in the compute type C; UT is the unsigned type
 * of the element's width. */
#define EW_BIN_OPS(X)                                                   \
    X(add, a + b, (UT)a + (UT)b)                                        \
    X(sub, a - b, (UT)a - (UT)b)                                        \
    X(mul, a * b, (UT)((UT)a * (UT)b))                                        \
    X(div, a / b, ew_idiv(a, b))                                        \
    X(mod, ew_fmod(a, b), ew_imod(a, b))                                \
    X(floor_div, ew_ffloordiv(a, b), ew_ifloordiv(a, b))                \
    X(power, EW_M2(pow, a, b), ew_ipow(a, b))                                  \
    X(maximum, (a > b || a != a) ? a : b, a > b ? a : b) /* NaN wins, as MXNet */ \
    X(minimum, (a < b || a != a) ? a : b, a < b ? a : b)                \
    X(equal, a == b, a == b)                                            \
    X(not_equal, a != b, a != b)                                        \
    X(greater, a > b, a > b)                                            \
    X(greater_equal, a >= b, a >= b)                                    \
    X(lesser, a < b, a < b)                                             \
    X(lesser_equal, a <= b, a <= b)                                     \
    X(logical_and, (a != 0) & (b != 0), (a != 0) & (b != 0))            \
    X(logical_or, (a != 0) | (b != 0), (a != 0) | (b != 0))             \
    X(logical_xor, (a != 0) ^ (b != 0), (a != 0) ^ (b != 0))

/* Float-only operators. */
#define EW_BIN_FLOAT_OPS(X)        \
    X(hypot, EW_M2(hypot, a, b), 0)       \
    X(arctan2, EW_M2(atan2, a, b), 0)

#define EW_DEF_F(NAME, FE, IE) EW_INSTANTIATE_F(EW_BIN, NAME, FE)
#define EW_DEF_I(NAME, FE, IE) EW_INSTANTIATE_I(EW_BIN, NAME, IE)

EW_BIN_OPS(EW_DEF_F)
EW_BIN_OPS(EW_DEF_I)
EW_BIN_FLOAT_OPS(EW_DEF_F)

int gx_cpu_register_elemwise_binary(gx_registry *r)
{
#define EW_REG_F(NAME, FE, IE) EW_REGISTER_F(r, NAME)
#define EW_REG_I(NAME, FE, IE) EW_REGISTER_I(r, NAME)
    EW_BIN_OPS(EW_REG_F)
    EW_BIN_OPS(EW_REG_I)
    EW_BIN_FLOAT_OPS(EW_REG_F)
    return GX_OK;
}
