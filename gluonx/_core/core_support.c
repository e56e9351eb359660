#include "core_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* ---- checked sizes -------------------------------------------------------- */

int gx_array_nbytes(int ndim, const int64_t *shape, size_t itemsize, int64_t *size, size_t *nbytes)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return 1;
        if (shape[i] == 0) { /* empty, whatever the other dims are */
            *size = 0;
            *nbytes = 0;
            return 0;
        }
    }
    for (int i = 0; i < ndim; i++)
        if (__builtin_mul_overflow(n, shape[i], &n))
            return 1;
    size_t b;
    if (__builtin_mul_overflow((size_t)n, itemsize, &b) || b > GX_MAX_ARRAY_BYTES)
        return 1;
    *size = n;
    *nbytes = b;
    return 0;
}

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
    if (list == NULL || nbytes > GX_MAX_ARRAY_BYTES) /* the 64-byte rounding and arena sums must not wrap */
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
    /* in a graph run, scratch outside the arena is its measuring run's: the
     * plan puts it in the arena from then on, so it is not kept cached */
    void *p = list->use_arena ? gx_host_alloc_uncached(nbytes ? nbytes : 64) : gx_host_alloc(nbytes ? nbytes : 64);
    if (p == NULL)
        return NULL;
    list->sizes[list->count] = nbytes ? nbytes : 64;
    list->ptrs[list->count++] = p;
    return p;
}

void gx_core_scratch_release(gx_scratch_list *list)
{
    for (int i = 0; i < list->count; i++) {
        if (list->use_arena)
            gx_host_free_uncached(list->ptrs[i], list->sizes[i]);
        else
            gx_host_free(list->ptrs[i], list->sizes[i]);
    }
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

/* Blocks of 4 MiB and more are mapped directly, 2 MiB aligned (huge pages
 * where the kernel allows), and unmapped when freed: through malloc, glibc's
 * moving mmap threshold would put them on its heap after the first free, and
 * the heap keeps freed memory in the process. */
static void *system_alloc(size_t nbytes)
{
    void *p = NULL;
    if (nbytes > GX_MAX_ARRAY_BYTES) /* the 2 MiB rounding below must not wrap */
        return NULL;
    if (nbytes >= GX_HUGEPAGE_MIN) {
        const size_t huge = (size_t)2 << 20;
        size_t len = (nbytes + huge - 1) & ~(huge - 1);
        char *m = mmap(NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        char *a = (char *)(((uintptr_t)m + huge - 1) & ~(uintptr_t)(huge - 1));
        if (a > m)
            munmap(m, (size_t)(a - m));
        if (a + len < m + len + huge)
            munmap(a + len, (size_t)(m + len + huge - (a + len)));
#ifdef MADV_HUGEPAGE
        madvise(a, len, MADV_HUGEPAGE);
#endif
        return a;
    }
    if (posix_memalign(&p, 64, nbytes) != 0)
        return NULL;
    return p;
}

static void system_free(void *p, size_t nbytes)
{
    if (p == NULL)
        return;
    if (nbytes >= GX_HUGEPAGE_MIN) {
        const size_t huge = (size_t)2 << 20;
        munmap(p, (nbytes + huge - 1) & ~(huge - 1));
        return;
    }
    free(p);
}

/* The size of class c's blocks (the inverse of size_class). */
static size_t class_bytes(int c)
{
    if (c == 0)
        return 64;
    int e = (c - 1) / 4 + 6, q = (c - 1) % 4 + 1;
    size_t base = (size_t)1 << e;
    return base + (size_t)q * (base >> 2);
}

void *gx_host_alloc_uncached(size_t nbytes) { return system_alloc(nbytes); }

void gx_host_free_uncached(void *ptr, size_t nbytes) { system_free(ptr, nbytes); }

void *gx_host_alloc(size_t nbytes)
{
    size_t rounded;
    if (nbytes > GX_CACHE_MAX_BLOCK) /* before size_class, whose rounding could overflow */
        return system_alloc(nbytes);
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
    if (nbytes > GX_CACHE_MAX_BLOCK) { /* never cached: see gx_host_alloc */
        system_free(ptr, nbytes);
        return;
    }
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
    system_free(ptr, rounded <= GX_CACHE_MAX_BLOCK ? rounded : nbytes);
}

size_t gx_host_cache_release(void)
{
    size_t released;
    lock();
    for (int c = 0; c < GX_CACHE_CLASSES; c++) {
        for (int i = 0; i < cache_count[c]; i++)
            system_free(cache_blocks[c][i], class_bytes(c));
        cache_count[c] = 0;
    }
    released = cache_total;
    cache_total = 0;
    unlock();
#ifdef __GLIBC__
    /* blocks under glibc's mmap threshold went back to its heap, which keeps
     * them from the system (and in the process's peak RSS) until trimmed */
    malloc_trim(0);
#endif
    return released;
}

size_t gx_host_cache_bytes(void) { return cache_total; }
