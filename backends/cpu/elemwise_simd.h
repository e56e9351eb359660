/* Lets gcc vectorise calls to libm through glibc's vector math library
 * (libmvec, linked via libm's AS_NEEDED group) inside `#pragma omp simd`
 * loops.  glibc declares these variants only under -ffast-math; we declare
 * them for the functions each glibc version provides, so the plugin never
 * references a variant that the C library lacks.   */
#ifndef GX_CPU_ELEMWISE_SIMD_H
#define GX_CPU_ELEMWISE_SIMD_H

#include <math.h>

#if defined(__x86_64__) && defined(__GLIBC__) && !defined(__FAST_MATH__) && !defined(GX_NO_LIBMVEC)
#define EW_VEC __attribute__((simd("notinbranch")))
#define EW_VEC1(fn) extern float fn##f(float) EW_VEC; extern double fn(double) EW_VEC;
#define EW_VEC2(fn) extern float fn##f(float, float) EW_VEC; extern double fn(double, double) EW_VEC;
#if __GLIBC_PREREQ(2, 22)
EW_VEC1(sin) EW_VEC1(cos) EW_VEC1(exp) EW_VEC1(log) EW_VEC2(pow)
#endif
#if __GLIBC_PREREQ(2, 35)
EW_VEC1(acos) EW_VEC1(asin) EW_VEC1(atan) EW_VEC1(acosh) EW_VEC1(asinh) EW_VEC1(atanh)
EW_VEC1(cbrt) EW_VEC1(cosh) EW_VEC1(sinh) EW_VEC1(tanh) EW_VEC1(tan) EW_VEC1(erf)
EW_VEC1(expm1) EW_VEC1(log1p) EW_VEC1(log2) EW_VEC1(log10) EW_VEC2(atan2) EW_VEC2(hypot)
#endif
#undef EW_VEC1
#undef EW_VEC2
#endif

/* Type-generic calls (float -> f-suffixed) that keep the simd declarations
 * visible to the vectoriser (gcc's tgmath.h hides them). */
#define EW_M1(fn, x) _Generic((x), float: fn##f, default: fn)(x)
#define EW_M2(fn, a, b) _Generic((a), float: fn##f, default: fn)(a, b)

#endif
