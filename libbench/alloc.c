/* alloc.c -- every allocation of the library, in one place so that a test can make the n-th fail. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Allocation goes through here so that tests can make the n-th call fail. */
#ifdef BENCH_ALLOC_HOOK
long bench_alloc_fail_at = 0; /* test-only: fail the n-th allocation (1-based), 0 = never */
long bench_alloc_calls = 0;
static int alloc_should_fail(void)
{
    bench_alloc_calls++;
    return bench_alloc_fail_at > 0 && bench_alloc_calls == bench_alloc_fail_at;
}
#else
static int alloc_should_fail(void) { return 0; }
#endif

/* A block this large is aligned to 2 MiB and asks for transparent huge pages: the kernel then
 * faults it in 2 MiB at a time instead of 4 KiB, which is most of the cost of a large result
 * frame written once (compare_all, per_capita over millions of rows). */
#define HUGE_BLOCK (4u << 20)
#define HUGE_PAGE (2u << 20)

static void *huge_block(size_t size)
{
    size_t rounded = (size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
    void *p = aligned_alloc(HUGE_PAGE, rounded);
#ifdef MADV_HUGEPAGE
    if (p)
        madvise(p, rounded, MADV_HUGEPAGE); /* advice only: without it the block is ordinary */
#endif
    return p;
}

void *bench_malloc(size_t size)
{
    if (alloc_should_fail())
        return NULL;
    return size >= HUGE_BLOCK ? huge_block(size) : malloc(size ? size : 1);
}
/* A large zeroed block is written zero here rather than left to calloc: calloc's fresh pages are
 * first mapped to the kernel's shared zero page when read (a hash table is read before it is
 * written), and the first write to each then costs a copy-on-write fault and a TLB flush on every
 * core running a thread of the process; written at once, each page faults in writable, and with
 * huge pages 2 MiB at a time. */
void *bench_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes < HUGE_BLOCK)
        return alloc_should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
    void *p = bench_malloc(bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}
/* A first large block (columns reserved at once) gets huge pages as bench_malloc's do; realloc
 * keeps them as it extends or moves the mapping. */
void *bench_realloc(void *ptr, size_t size)
{
    return !ptr ? bench_malloc(size) : alloc_should_fail() ? NULL : realloc(ptr, size ? size : 1);
}
void *bench_reallocarray(void *ptr, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return bench_realloc(ptr, n * size);
}
char *bench_strndup(const char *s, size_t len)
{
    char *d = bench_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}
void *bench_aligned_alloc(size_t bytes)
{
    if (alloc_should_fail())
        return NULL;
    return bytes >= HUGE_BLOCK ? huge_block(bytes) : aligned_alloc(64, bytes ? bytes : 64);
}
void bench_free(void *ptr) { free(ptr); }

/* Make (*array)[i] exist, for an array of *cap elements of `size` bytes: doubled as needed,
 * new elements zero.  False when out of memory (the array is then as it was). */
bool grow_array(void *array, size_t *cap, size_t i, size_t size)
{
    if (i < *cap)
        return true;
    size_t n = *cap ? *cap : 64;
    while (n <= i)
        n *= 2;
    char *a = bench_reallocarray(*(void **)array, n, size);
    if (!a)
        return false;
    memset(a + *cap * size, 0, (n - *cap) * size);
    *(void **)array = a;
    *cap = n;
    return true;
}
