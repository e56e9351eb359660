/* Vectorisable math for the CPU kernels.
 *
 * gx_expf: exp in float that gcc vectorises inside `#pragma omp simd` loops
 * (no libm call, no branches: selects only).  Cody-Waite range reduction
 * x = n*ln2 + r, |r| <= ln2/2, then Cephes' degree-6 expf polynomial, then
 * 2^n applied as two exponent-field factors so that n from -151 to 128 stays
 * representable (gradual underflow to subnormals and 0, overflow to inf).
 * Max error measured against double exp over [-104, 89]: <= 2 ulp (see
 * tests/backends/test_gx_math.py).  exp(-inf) = 0, exp(+inf) = inf,
 * exp(nan) = nan. */
#ifndef GX_MATH_H
#define GX_MATH_H

#include <stdint.h>

static inline float gx_bits_to_float(int32_t i)
{
    union { int32_t i; float f; } u;
    u.i = i;
    return u.f;
}

#pragma omp declare simd notinbranch
static inline float gx_expf(float x)
{
    /* clamps written as selects keep NaN (a comparison with NaN is false) */
    x = x < -104.0f ? -104.0f : x;
    x = x > 89.0f ? 89.0f : x;
    /* round-to-nearest via the 1.5*2^23 trick (|x*log2e| < 2^22 here) */
    float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t i = (int32_t)n;
    int32_t i1 = i >> 1, i2 = i - i1;
    return p * gx_bits_to_float((i1 + 127) << 23) * gx_bits_to_float((i2 + 127) << 23);
}

#endif
