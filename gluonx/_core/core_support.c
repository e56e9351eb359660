#include "core_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- autograd thread state ---------------------------------------------- */

__thread int gx_ag_recording = 0;
__thread int gx_ag_training = 0;
__thread int gx_ag_grad_enabled = 1;
__thread int gx_ag_suppress = 0;

/* ---- per-thread error message ------------------------------------------ */

static __thread char gx_errbuf[2048];

void gx_core_set_error(gx_context *ctx, const char *fmt, ...)
{
    (void)ctx;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(gx_errbuf, sizeof gx_errbuf, fmt, ap);
    va_end(ap);
}

void gx_core_set_error_str(const char *msg)
{
    snprintf(gx_errbuf, sizeof gx_errbuf, "%s", msg ? msg : "");
}

const char *gx_core_last_error(void) { return gx_errbuf; }

void gx_core_clear_error(void) { gx_errbuf[0] = '\0'; }

/* ---- scratch memory of one kernel call ---------------------------------- */

/* Scratch comes from the host cache: convolution takes megabytes of column
 * buffers per call, and fresh pages from the system cost more than the copy. */
void *gx_core_scratch_alloc(gx_context *ctx, size_t nbytes)
{
    gx_scratch_list *list = (gx_scratch_list *)ctx->core_private;
    if (list == NULL)
        return NULL;
    if (list->use_arena) {
        size_t n = (nbytes + 63) & ~(size_t)63;
        if (list->arena_used + n > list->arena_need)
            list->arena_need = list->arena_used + n;
        if (list->arena && list->arena_used + n <= list->arena_cap) {
            void *p = list->arena + list->arena_used;
            list->arena_used += n;
            return p;
        }
    }
    if (list->count >= GX_SCRATCH_MAX)
        return NULL;
    void *p = gx_host_alloc(nbytes ? nbytes : 64);
    if (p == NULL)
        return NULL;
    list->sizes[list->count] = nbytes ? nbytes : 64;
    list->ptrs[list->count++] = p;
    return p;
}

void gx_core_scratch_release(gx_scratch_list *list)
{
    for (int i = 0; i < list->count; i++)
        gx_host_free(list->ptrs[i], list->sizes[i]);
    list->count = 0;
}

/* ---- host memory cache -------------------------------------------------- */

/* Blocks up to 256 MiB are cached; at most 2 GiB in all, 64 per class.
 * A training step frees its activations (dozens of equal-sized blocks) in
 * backward and asks for them again in the next forward: a shallower cache
 * sent them back to the system and each new block cost fresh zeroed pages
 * (8% of a ResNet-18 step).  Context.empty_cache() hands the cache back. */
#define GX_CACHE_CLASSES 96
#define GX_CACHE_DEPTH 64
#define GX_CACHE_MAX_BLOCK ((size_t)256 << 20)
#define GX_CACHE_MAX_TOTAL ((size_t)2048 << 20)
#define GX_HUGEPAGE_MIN ((size_t)4 << 20)

static void *cache_blocks[GX_CACHE_CLASSES][GX_CACHE_DEPTH];
static int cache_count[GX_CACHE_CLASSES];
static size_t cache_total;
static volatile int cache_lock;

static inline void lock(void)
{
    while (__atomic_exchange_n(&cache_lock, 1, __ATOMIC_ACQUIRE))
        ;
}

static inline void unlock(void) { __atomic_store_n(&cache_lock, 0, __ATOMIC_RELEASE); }

/* Class index and rounded size: 64 bytes, then 2^e * {1.25, 1.5, 1.75, 2}. */
static int size_class(size_t n, size_t *rounded)
{
    if (n <= 64) {
        *rounded = 64;
        return 0;
    }
    int e = 63 - __builtin_clzll((unsigned long long)(n - 1));
    size_t base = (size_t)1 << e, step = base >> 2;
    size_t q = (n - base + step - 1) / step;
    *rounded = base + q * step;
    return 1 + (e - 6) * 4 + (int)(q - 1);
}

static void *system_alloc(size_t nbytes)
{
    void *p = NULL;
    size_t align = nbytes >= GX_HUGEPAGE_MIN ? ((size_t)2 << 20) : 64;
    if (posix_memalign(&p, align, nbytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (nbytes >= GX_HUGEPAGE_MIN)
        madvise(p, nbytes, MADV_HUGEPAGE);
#endif
    return p;
}

void *gx_host_alloc(size_t nbytes)
{
    size_t rounded;
    int c = size_class(nbytes, &rounded);
    if (rounded > GX_CACHE_MAX_BLOCK)
        return system_alloc(nbytes);
    void *p = NULL;
    lock();
    if (cache_count[c] > 0) {
        p = cache_blocks[c][--cache_count[c]];
        cache_total -= rounded;
    }
    unlock();
    return p ? p : system_alloc(rounded);
}

void gx_host_free(void *ptr, size_t nbytes)
{
    if (ptr == NULL)
        return;
    size_t rounded;
    int c = size_class(nbytes, &rounded);
    if (rounded <= GX_CACHE_MAX_BLOCK) {
        lock();
        if (cache_count[c] < GX_CACHE_DEPTH && cache_total + rounded <= GX_CACHE_MAX_TOTAL) {
            cache_blocks[c][cache_count[c]++] = ptr;
            cache_total += rounded;
            ptr = NULL;
        }
        unlock();
    }
    free(ptr);
}

size_t gx_host_cache_release(void)
{
    size_t released;
    lock();
    for (int c = 0; c < GX_CACHE_CLASSES; c++) {
        for (int i = 0; i < cache_count[c]; i++)
            free(cache_blocks[c][i]);
        cache_count[c] = 0;
    }
    released = cache_total;
    cache_total = 0;
    unlock();
    return released;
}

size_t gx_host_cache_bytes(void) { return cache_total; }
