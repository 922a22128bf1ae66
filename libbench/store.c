/* store.c -- the columnar observation store: its columns, taking them from a snapshot, and
 * replacing an indicator's values. */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- observation columns ------------------------------------------------ */

obs_columns obs_window(const obs_columns *c, size_t from, size_t cap)
{
    obs_columns w = { c->indicator + from,
                      c->area + from,
                      c->period + from,
                      c->source + from,
                      c->gender + from,
                      c->kind + from,
                      c->status + from,
                      c->value + from,
                      c->count + from,
                      0,
                      cap,
                      true };
    return w;
}

/* A window's rows into arrays of its own, with room for n rows; on failure it is as it was. */
static bench_status obs_unborrow(obs_columns *c, size_t n)
{
    obs_columns own = { 0 };
    bench_status st = obs_reserve(&own, n);
    if (st) {
        obs_free(&own);
        return st;
    }
#define COPY(field) memcpy(own.field, c->field, c->n * sizeof *c->field)
    if (c->n) {
        COPY(indicator);
        COPY(area);
        COPY(period);
        COPY(source);
        COPY(gender);
        COPY(kind);
        COPY(status);
        COPY(value);
        COPY(count);
    }
#undef COPY
    own.n = c->n;
    *c = own;
    return BENCH_OK;
}

bench_status obs_reserve(obs_columns *c, size_t cap)
{
    if (cap <= c->cap)
        return BENCH_OK;
    size_t n = c->cap ? c->cap : 1024;
    while (n < cap)
        n = n * 2;
    if (c->borrowed)
        return obs_unborrow(c, n);
#define GROW(field)                                                  \
    do {                                                             \
        void *p = bench_reallocarray(c->field, n, sizeof *c->field); \
        if (!p)                                                      \
            return BENCH_ENOMEM;                                     \
        c->field = p;                                                \
    } while (0)
    GROW(indicator);
    GROW(area);
    GROW(period);
    GROW(source);
    GROW(gender);
    GROW(kind);
    GROW(status);
    GROW(value);
    GROW(count);
#undef GROW
    c->cap = n;
    return BENCH_OK;
}

bench_status obs_append(obs_columns *c, uint32_t indicator, uint32_t area, uint32_t period, uint32_t source, int gender,
                        int kind, double value, int32_t count, uint8_t status)
{
    if (c->n == c->cap) {
        bench_status st = obs_reserve(c, c->n + 1);
        if (st)
            return st;
    }
    size_t r = c->n++;
    c->indicator[r] = (uint16_t)indicator;
    c->area[r] = (uint16_t)area;
    c->period[r] = (uint16_t)period;
    c->source[r] = (uint16_t)source;
    c->gender[r] = (uint8_t)gender;
    c->kind[r] = (uint8_t)kind;
    c->value[r] = value;
    c->count[r] = count;
    c->status[r] = status;
    return BENCH_OK;
}

void obs_free(obs_columns *c)
{
    if (c->borrowed) {
        memset(c, 0, sizeof *c);
        return;
    }
    bench_free(c->indicator);
    bench_free(c->area);
    bench_free(c->period);
    bench_free(c->source);
    bench_free(c->gender);
    bench_free(c->kind);
    bench_free(c->status);
    bench_free(c->value);
    bench_free(c->count);
    memset(c, 0, sizeof *c);
}

/* The whole pages of [used, total) bytes from `base` back to the system (they read as zero if
 * touched again). */
static void release_pages(void *base, size_t used, size_t total)
{
    static size_t page;
    if (!page)
        page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)base + used + page - 1) & ~(uintptr_t)(page - 1);
    uintptr_t to = ((uintptr_t)base + total) & ~(uintptr_t)(page - 1);
    if (to > from)
        madvise((void *)from, to - from, MADV_DONTNEED);
}

void obs_release_spare(obs_columns *c)
{
    if (c->borrowed)
        return;
#define RELEASE(field) release_pages(c->field, c->n * sizeof *c->field, c->cap * sizeof *c->field)
    RELEASE(indicator);
    RELEASE(area);
    RELEASE(period);
    RELEASE(source);
    RELEASE(gender);
    RELEASE(kind);
    RELEASE(status);
    RELEASE(value);
    RELEASE(count);
#undef RELEASE
}

/* ---- replacing the values of indicators (a stored result) ------------------------ */

bench_status db_replace_indicators(bench_db *db, const uint32_t *inds, const obs_columns *adds, size_t n)
{
    bench_status st = db_own_columns(db);
    if (st)
        return st;
    obs_columns *o = &db->obs;
    uint8_t *gone = bench_calloc(db->indicators.n ? db->indicators.n : 1, 1);
    if (!gone)
        return BENCH_ENOMEM;
    for (size_t i = 0; i < n; i++)
        gone[inds[i]] = 1;
    size_t keep = 0, added = 0;
    for (size_t r = 0; r < o->n; r++)
        keep += !gone[o->indicator[r]];
    for (size_t i = 0; i < n; i++)
        added += adds[i].n;
    st = keep + added >= UINT32_MAX ? BENCH_ELIMIT : obs_reserve(o, keep + added);
    if (st) {
        bench_free(gone);
        return st;
    }
    /* from here nothing can fail */
    size_t w = 0;
    for (size_t r = 0; r < o->n; r++) {
        if (gone[o->indicator[r]])
            continue;
        if (w != r) {
            o->indicator[w] = o->indicator[r];
            o->area[w] = o->area[r];
            o->period[w] = o->period[r];
            o->source[w] = o->source[r];
            o->gender[w] = o->gender[r];
            o->kind[w] = o->kind[r];
            o->status[w] = o->status[r];
            o->value[w] = o->value[r];
            o->count[w] = o->count[r];
        }
        w++;
    }
    bench_free(gone);
    for (size_t i = 0; i < n; i++) {
        const obs_columns *add = &adds[i];
#define APPEND(field) \
    if (add->n)       \
    memcpy(o->field + w, add->field, add->n * sizeof *o->field)
        APPEND(indicator);
        APPEND(area);
        APPEND(period);
        APPEND(source);
        APPEND(gender);
        APPEND(kind);
        APPEND(status);
        APPEND(value);
        APPEND(count);
#undef APPEND
        w += add->n;
    }
    o->n = w;
    obs_release_spare(o);
    return BENCH_OK;
}

bench_status db_own_columns(bench_db *db)
{
    if (!db->map)
        return BENCH_OK;
    obs_columns own = { 0 };
    bench_status st = obs_reserve(&own, db->obs.n ? db->obs.n : 1);
    if (st) {
        obs_free(&own);
        return st;
    }
    size_t n = db->obs.n;
#define COPY(field) memcpy(own.field, db->obs.field, n * sizeof *own.field)
    COPY(indicator);
    COPY(area);
    COPY(period);
    COPY(source);
    COPY(gender);
    COPY(kind);
    COPY(status);
    COPY(value);
    COPY(count);
#undef COPY
    own.n = n;
    file_release(db->map, db->map_len, true);
    db->map = NULL;
    db->map_len = 0;
    db->obs = own;
    return BENCH_OK;
}
