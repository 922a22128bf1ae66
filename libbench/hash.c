/* hash.c -- the one hash index of the library: 64-bit keys to 32-bit entries (a row, a group, a
 * cell), used by the merge, source winners, grouping, denominators and SCB cells. */
#include "internal.h"

#include <string.h>

static size_t capacity_for(size_t n)
{
    size_t cap = 64;
    while (cap < n + n / 2) /* load at most 2/3 */
        cap *= 2;
    return cap;
}

bench_status hash_index_init(hash_index *x, size_t n)
{
    x->n = 0;
    x->mask = capacity_for(n) - 1;
    x->slots = bench_calloc(x->mask + 1, sizeof *x->slots);
    return x->slots ? BENCH_OK : BENCH_ENOMEM;
}

void hash_index_reset(hash_index *x, size_t n)
{
    x->n = 0;
    x->mask = capacity_for(n) - 1;
    memset(x->slots, 0, (x->mask + 1) * sizeof *x->slots);
}

void hash_index_free(hash_index *x)
{
    bench_free(x->slots);
    memset(x, 0, sizeof *x);
}

bench_status hash_index_reserve(hash_index *x, size_t n, hash_key_fn key_of, const void *ctx)
{
    if (n + n / 2 <= x->mask + 1) /* room already: the common case, once per entry added */
        return BENCH_OK;
    size_t cap = capacity_for(n);
    hash_index bigger = { bench_calloc(cap, sizeof *bigger.slots), cap - 1, x->n };
    if (!bigger.slots)
        return BENCH_ENOMEM;
    for (size_t i = 0; i <= x->mask; i++) {
        uint32_t entry = x->slots[i].entry;
        if (!entry)
            continue;
        uint64_t h = hash_of(key_of(ctx, entry - 1));
        *hash_index_empty_slot(&bigger, h) = (hash_slot){ (uint32_t)(h >> 32), entry };
    }
    bench_free(x->slots);
    *x = bigger;
    return BENCH_OK;
}
