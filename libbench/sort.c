/* sort.c -- stable LSD radix sort of (key, row) pairs; bytes that never vary are skipped. */
#include "internal.h"

#include <string.h>

bench_status sort_pairs(uint64_t *keys, uint32_t *rows, size_t n)
{
    if (n < 2)
        return BENCH_OK;
    /* rows usually arrive in the order they were imported, which is often already the
     * order asked for: one pass to find out is cheaper than any sort */
    size_t i = 1;
    while (i < n && keys[i - 1] <= keys[i])
        i++;
    if (i == n)
        return BENCH_OK;
    uint64_t *k2 = bench_malloc(n * sizeof *k2);
    uint32_t *r2 = bench_malloc(n * sizeof *r2);
    if (!k2 || !r2) {
        bench_free(k2);
        bench_free(r2);
        return BENCH_ENOMEM;
    }
    enum {
        radix_bits = 11
    }; /* 6 passes over 64 bits at most: digits that never vary are skipped; 2048 buckets keep the scatter within the caches */
    const size_t buckets = (size_t)1 << radix_bits;
    size_t *counts = bench_malloc(buckets * sizeof *counts);
    if (!counts) {
        bench_free(k2);
        bench_free(r2);
        return BENCH_ENOMEM;
    }
    uint64_t *src_k = keys, *dst_k = k2;
    uint32_t *src_r = rows, *dst_r = r2;
    uint64_t all_or = 0, all_and = ~0ull;
    for (size_t i = 0; i < n; i++) {
        all_or |= keys[i];
        all_and &= keys[i];
    }
    uint64_t varying = all_or ^ all_and;
    for (int shift = 0; shift < 64; shift += radix_bits) {
        uint64_t mask = (uint64_t)(buckets - 1) << shift;
        if (!(varying & mask))
            continue;
        memset(counts, 0, buckets * sizeof *counts);
        for (size_t i = 0; i < n; i++)
            counts[(src_k[i] >> shift) & (buckets - 1)]++;
        size_t sum = 0;
        for (size_t b = 0; b < buckets; b++) {
            size_t c = counts[b];
            counts[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t pos = counts[(src_k[i] >> shift) & (buckets - 1)]++;
            dst_k[pos] = src_k[i];
            dst_r[pos] = src_r[i];
        }
        uint64_t *tk = src_k;
        src_k = dst_k;
        dst_k = tk;
        uint32_t *tr = src_r;
        src_r = dst_r;
        dst_r = tr;
    }
    if (src_k != keys) {
        memcpy(keys, src_k, n * sizeof *keys);
        memcpy(rows, src_r, n * sizeof *rows);
    }
    bench_free(k2);
    bench_free(r2);
    bench_free(counts);
    return BENCH_OK;
}
