/* Thread counts that follow the machine's load (threads.h).
 *
 * A parallel kernel on a machine whose cores other processes keep busy
 * waits at every join for its slowest thread, which the scheduler has
 * parked: with two busy processes beside it on two cores, an MLP training
 * step with two-thread GEMMs ran 3.5x slower than with one thread, while on
 * a quiet machine two threads are 1.3-1.8x faster.  No fixed count suits
 * both, and the load comes and goes (DataLoader workers, a compile, a
 * notebook kernel), so each call site measures: per shape it keeps a running cost per unit of work with one thread and
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
#define SUSPECT 1.5f /* two all-thread runs in a row this far above the floor: try one thread */

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

/* The entry of `key` (claimed if new), or -1 when the table is full. */
static int find_class(gx_adapt_site *site, uint64_t key)
{
    for (int i = 0, h = (int)(key % GX_ADAPT_CLASSES); i < GX_ADAPT_CLASSES; i++) {
        int j = (h + i) % GX_ADAPT_CLASSES;
        if (site->cls[j].key == key)
            return j;
        if (site->cls[j].key == 0) {
            site->cls[j].key = key;
            return j;
        }
    }
    return -1;
}

int gx_adapt_begin(gx_adapt_site *site, double work, uint64_t key, int all, gx_adapt_call *call)
{
    if (all <= 0)
        all = omp_get_max_threads();
    if (omp_in_parallel())
        all = 1;
    call->site = NULL;
    if (all <= 1 || !adaptive_enabled() || !(work >= 1.0))
        return all;
    int cls = find_class(site, key ? key : 1);
    if (cls < 0) /* more shapes than the table holds: the usual count */
        return all;
    gx_adapt_class *c = &site->cls[cls];
    int many, best_all = c->seen[0] == 0 || c->cost[1] <= c->cost[0];
    if (c->seen[1] < 2)
        many = 1;                        /* all threads first, twice (see gx_adapt_end) */
    else if (best_all && !site->periodic) {
        /* All threads are best: one is tried only when two all-thread runs
         * in a row came out well above the best one seen (threads parked by
         * other processes), so a quiet machine does not pay for tries. */
        many = c->suspect < 2;
        if (!many)
            c->suspect = 0;
    } else {
        /* The other choice is tried now and then, more rarely while the
         * answer holds: one thread (on periodic sites; its first try at
         * once) to notice load arriving, all threads to notice it going. */
        if (c->interval == 0)
            c->interval = FIRST_INTERVAL;
        int try_other = c->seen[0] == 0 || ++c->since_probe >= c->interval;
        if (try_other)
            c->since_probe = 0;
        many = best_all ? !try_other : try_other;
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
    /* A choice's first run pays for cold caches and first touches of its
     * memory (up to several times its later cost): the second replaces it
     * rather than blending with it, or a class could keep one thread for
     * a hundred calls on a quiet machine while the inflated cost decays. */
    c->cost[k] = c->seen[k] >= 2 && (best_before < 0 || k == best_before)
                     ? (1.0f - WEIGHT) * c->cost[k] + WEIGHT * cost
                     : cost; /* a try of the other choice says how it runs now */
    if (k == 1) {
        c->suspect = c->seen[1] >= 2 && cost > SUSPECT * c->floor ? c->suspect + 1 : 0;
        if (c->suspect >= 2) /* the machine changed: the running cost is what it costs now */
            c->cost[1] = cost;
        c->floor = c->seen[1] == 0 || cost < c->floor ? cost : c->floor;
    }
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
