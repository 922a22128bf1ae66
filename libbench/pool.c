/* pool.c -- interned strings: each distinct code is stored once and named by a small index. */
#include "internal.h"

#include <string.h>

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

void pool_init(pool *p, uint32_t limit)
{
    memset(p, 0, sizeof *p);
    p->limit = limit;
}

void pool_free(pool *p)
{
    for (uint32_t i = 0; i < p->n; i++)
        bench_free(p->strs[i]);
    bench_free(p->strs);
    bench_free(p->lens);
    bench_free(p->slots);
    memset(p, 0, sizeof *p);
}

int64_t pool_find(const pool *p, const char *s, size_t len)
{
    if (!p->nslots)
        return -1;
    uint32_t mask = p->nslots - 1;
    for (uint32_t i = hash_bytes(s, len) & mask;; i = (i + 1) & mask) {
        uint32_t slot = p->slots[i];
        if (!slot)
            return -1;
        uint32_t k = slot - 1;
        if (p->lens[k] == len && memcmp(p->strs[k], s, len) == 0)
            return k;
    }
}

static void place(uint32_t *slots, uint32_t nslots, uint32_t hash, uint32_t k)
{
    uint32_t mask = nslots - 1;
    uint32_t i = hash & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = k + 1;
}

static bench_status rehash(pool *p, uint32_t nslots)
{
    uint32_t *slots = bench_calloc(nslots, sizeof *slots);
    if (!slots)
        return BENCH_ENOMEM;
    for (uint32_t k = 0; k < p->n; k++)
        place(slots, nslots, hash_bytes(p->strs[k], p->lens[k]), k);
    bench_free(p->slots);
    p->slots = slots;
    p->nslots = nslots;
    return BENCH_OK;
}

bench_status pool_intern(pool *p, const char *s, size_t len, uint32_t *out)
{
    int64_t found = pool_find(p, s, len);
    if (found >= 0) {
        *out = (uint32_t)found;
        return BENCH_OK;
    }
    if (p->n >= p->limit || len > UINT32_MAX)
        return BENCH_ELIMIT;
    if (p->n == p->cap) {
        uint32_t cap = p->cap ? p->cap * 2 : 64;
        char **strs = bench_reallocarray(p->strs, cap, sizeof *strs);
        if (!strs)
            return BENCH_ENOMEM;
        p->strs = strs;
        uint32_t *lens = bench_reallocarray(p->lens, cap, sizeof *lens);
        if (!lens)
            return BENCH_ENOMEM;
        p->lens = lens;
        p->cap = cap;
    }
    if ((uint64_t)(p->n + 1) * 2 >= p->nslots) {
        bench_status st = rehash(p, p->nslots ? p->nslots * 2 : 128);
        if (st)
            return st;
    }
    char *copy = bench_strndup(s, len);
    if (!copy)
        return BENCH_ENOMEM;
    uint32_t k = p->n++;
    p->strs[k] = copy;
    p->lens[k] = (uint32_t)len;
    place(p->slots, p->nslots, hash_bytes(s, len), k);
    *out = k;
    return BENCH_OK;
}

void pool_truncate(pool *p, uint32_t n)
{
    if (n >= p->n)
        return;
    for (uint32_t k = n; k < p->n; k++)
        bench_free(p->strs[k]);
    p->n = n;
    /* Rebuild the slots in place: no allocation, so a rollback cannot fail. */
    memset(p->slots, 0, (size_t)p->nslots * sizeof *p->slots);
    for (uint32_t k = 0; k < p->n; k++)
        place(p->slots, p->nslots, hash_bytes(p->strs[k], p->lens[k]), k);
}

const char *pool_text(const void *pool_ptr, uint32_t code)
{
    const pool *p = pool_ptr;
    return code < p->n ? p->strs[code] : "";
}
