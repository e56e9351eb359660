/* AVX-512 helpers shared by the float32 GEMM (sgemm_avx512.c) and the
 * Winograd convolution (conv_winograd.c).  Functions carry the avx512f
 * target, so the files build without -mavx512f and run their AVX-512 code
 * only where the CPU has it. */
#ifndef GX_SIMD_AVX512_H
#define GX_SIMD_AVX512_H

#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))

/* In-register transpose of 16 rows of 16 floats: r[k] lane c = old r[c] lane k. */
AVX512 static inline void gx_transpose16(__m512 r[16])
{
    __m512 t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    /* u[4G + q], 128-bit lane L: rows 4G..4G+3 of column 4L + q */
    for (int G = 0; G < 4; G++) {
        u[4 * G + 0] = _mm512_shuffle_ps(t[4 * G], t[4 * G + 2], 0x44);
        u[4 * G + 1] = _mm512_shuffle_ps(t[4 * G], t[4 * G + 2], 0xEE);
        u[4 * G + 2] = _mm512_shuffle_ps(t[4 * G + 1], t[4 * G + 3], 0x44);
        u[4 * G + 3] = _mm512_shuffle_ps(t[4 * G + 1], t[4 * G + 3], 0xEE);
    }
    /* then a 4 x 4 transpose of 128-bit lanes across the row groups */
    for (int q = 0; q < 4; q++) {
        __m512 v0 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0x44), v1 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0xEE);
        __m512 v2 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0x44);
        __m512 v3 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0xEE);
        r[q] = _mm512_shuffle_f32x4(v0, v2, 0x88);
        r[4 + q] = _mm512_shuffle_f32x4(v0, v2, 0xDD);
        r[8 + q] = _mm512_shuffle_f32x4(v1, v3, 0x88);
        r[12 + q] = _mm512_shuffle_f32x4(v1, v3, 0xDD);
    }
}

#endif
