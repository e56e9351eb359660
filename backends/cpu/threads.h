/* Thread counts that follow the machine's load (threads.c): a call site
 * asks how many threads to use for `work` units (flops, elements: any
 * measure proportional to its running time) and reports when it is done.
 *
 *     static gx_adapt_site site;
 *     gx_adapt_call call;
 *     int nt = gx_adapt_begin(&site, (double)M * N * K, gx_adapt_key(M, N, K, 0, 0, 0), 0, &call);
 *     ... run on nt threads ...
 *     gx_adapt_end(&call);
 *
 * Inside a parallel region, with one thread allowed, or with
 * GLUONX_ADAPTIVE_THREADS=0, begin returns the usual count and end does
 * nothing. */
#ifndef GX_CPU_THREADS_H
#define GX_CPU_THREADS_H

#include <stdint.h>

#define GX_ADAPT_CLASSES 64 /* shapes remembered per call site */

typedef struct {
    uint64_t key;         /* the call's shape (0: a free entry) */
    float cost[2];        /* running seconds per unit of work: [0] one thread, [1] all */
    float floor;          /* the lowest cost seen with all threads */
    uint8_t seen[2];      /* measurements taken of each (saturating) */
    uint8_t suspect;      /* all-thread runs in a row well above the floor */
    uint16_t interval;    /* calls between tries of the other choice */
    uint32_t since_probe;
} gx_adapt_class;

typedef struct {
    /* 1: also try one thread now and then while all are best (cheap tries:
     * the matrix products, whose short calls suffer most from a parked
     * thread); 0: only after all-thread runs come out well above their best
     * (convolutions, where a one-thread try costs a lot on a quiet machine) */
    int periodic;
    gx_adapt_class cls[GX_ADAPT_CLASSES];
} gx_adapt_site;

typedef struct {
    gx_adapt_site *site;  /* NULL: nothing to record */
    int cls, many, threads;
    double work, t0;
} gx_adapt_call;

/* key: the call's shape (gx_adapt_key of its dims): costs are kept per
 * shape, as one size can hide shapes that use threads very differently;
 * all: the most threads the site may use (<= 0: omp_get_max_threads()). */
int gx_adapt_begin(gx_adapt_site *site, double work, uint64_t key, int all, gx_adapt_call *call);

/* A key from up to 6 dims (pass 0 for the unused). */
static inline uint64_t gx_adapt_key(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f)
{
    uint64_t h = 1469598103934665603ull;
    const int64_t v[6] = {a, b, c, d, e, f};
    for (int i = 0; i < 6; i++)
        h = (h ^ (uint64_t)v[i]) * 1099511628211ull;
    return h ? h : 1;
}
void gx_adapt_end(gx_adapt_call *call);

#endif
