/* Thread counts that follow the machine's load (threads.h).
 *
 * A parallel kernel on a machine whose cores other processes keep busy
 * waits at every join for its slowest thread, which the scheduler has
 * parked: with two busy processes beside it on two cores, an MLP training
 * step with two-thread GEMMs ran 3.5x slower than with one thread, while on
 * a quiet machine two threads are 1.3-1.8x faster.  No fixed count suits
 * both, and the load comes and goes (DataLoader workers, a compile, a
 * notebook kernel), so each call site measures: per size class (log2 of
 * the work) it keeps a running cost per unit of work with one thread and
 * with all threads, runs the cheaper one, and now and then tries the other
 * (more rarely while the answer stays the same), so that it follows the
 * load within a few hundred calls.
 *
 * The statistics are plain fields: two Python threads calling the same
 * kernel at once may lose an update, which only delays a decision. */
#include "threads.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIRST_INTERVAL 4
#define MAX_INTERVAL 64
#define WEIGHT 0.25f /* of a new measurement in the running cost */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* GLUONX_ADAPTIVE_THREADS=0 turns the measuring off: every call uses all
 * threads (omp_get_max_threads, i.e. OMP_NUM_THREADS). */
static int adaptive_enabled(void)
{
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("GLUONX_ADAPTIVE_THREADS");
        on = !(e && strcmp(e, "0") == 0);
    }
    return on;
}

int gx_adapt_begin(gx_adapt_site *site, double work, int all, gx_adapt_call *call)
{
    if (all <= 0)
        all = omp_get_max_threads();
    if (omp_in_parallel())
        all = 1;
    call->site = NULL;
    if (all <= 1 || !adaptive_enabled() || !(work >= 1.0))
        return all;
    int cls = ilogb(work);
    cls = cls < 0 ? 0 : cls >= GX_ADAPT_CLASSES ? GX_ADAPT_CLASSES - 1 : cls;
    gx_adapt_class *c = &site->cls[cls];
    int many;
    if (c->seen[1] == 0)
        many = 1;                        /* all threads first */
    else if (c->seen[0] == 0)
        many = 0;                        /* then one */
    else {
        int best = c->cost[1] <= c->cost[0];
        if (c->interval == 0)
            c->interval = FIRST_INTERVAL;
        many = ++c->since_probe >= c->interval ? !best : best;
        if (many != best)
            c->since_probe = 0;
    }
    call->site = site;
    call->cls = cls;
    call->many = many;
    call->work = work;
    call->threads = many ? all : 1;
    call->t0 = now_s();
    return call->threads;
}

void gx_adapt_end(gx_adapt_call *call)
{
    if (call->site == NULL)
        return;
    float cost = (float)((now_s() - call->t0) / call->work);
    gx_adapt_class *c = &call->site->cls[call->cls];
    int k = call->many;
    int best_before = c->seen[0] && c->seen[1] ? c->cost[1] <= c->cost[0] : -1;
    c->cost[k] = c->seen[k] ? (1.0f - WEIGHT) * c->cost[k] + WEIGHT * cost : cost;
    if (c->seen[k] < 255)
        c->seen[k]++;
    if (best_before >= 0 && k != best_before) { /* a probe: did the answer change? */
        int best_after = c->cost[1] <= c->cost[0];
        if (best_after == best_before)
            c->interval = c->interval * 2 > MAX_INTERVAL ? MAX_INTERVAL : c->interval * 2;
        else
            c->interval = FIRST_INTERVAL;
    }
}
