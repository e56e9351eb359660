/* Thread counts that follow the machine's load (threads.c): a call site
 * asks how many threads to use for `work` units (flops, elements: any
 * measure proportional to its running time) and reports when it is done.
 *
 *     static gx_adapt_site site;
 *     gx_adapt_call call;
 *     int nt = gx_adapt_begin(&site, (double)M * N * K, 0, &call);
 *     ... run on nt threads ...
 *     gx_adapt_end(&call);
 *
 * Inside a parallel region, with one thread allowed, or with
 * GLUONX_ADAPTIVE_THREADS=0, begin returns the usual count and end does
 * nothing. */
#ifndef GX_CPU_THREADS_H
#define GX_CPU_THREADS_H

#include <stdint.h>

#define GX_ADAPT_CLASSES 48 /* work up to 2^47 units */

typedef struct {
    float cost[2];        /* running seconds per unit of work: [0] one thread, [1] all */
    uint8_t seen[2];      /* measurements taken of each (saturating) */
    uint16_t interval;    /* calls between tries of the other choice */
    uint32_t since_probe;
} gx_adapt_class;

typedef struct {
    gx_adapt_class cls[GX_ADAPT_CLASSES];
} gx_adapt_site;

typedef struct {
    gx_adapt_site *site;  /* NULL: nothing to record */
    int cls, many, threads;
    double work, t0;
} gx_adapt_call;

/* all: the most threads the site may use (<= 0: omp_get_max_threads()). */
int gx_adapt_begin(gx_adapt_site *site, double work, int all, gx_adapt_call *call);
void gx_adapt_end(gx_adapt_call *call);

#endif
