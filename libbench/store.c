/* store.c -- the columnar observation store: its columns, replacing an indicator's values, and the merge
 * of an import with its key index and threads. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- observation columns ------------------------------------------------ */

bench_status obs_reserve(obs_columns *c, size_t cap)
{
    if (cap <= c->cap)
        return BENCH_OK;
    size_t n = c->cap ? c->cap : 1024;
    while (n < cap)
        n = n * 2;
#define GROW(field)                                                         \
    do {                                                                    \
        void *p = bench_reallocarray(c->field, n, sizeof *c->field);        \
        if (!p)                                                             \
            return BENCH_ENOMEM;                                            \
        c->field = p;                                                       \
    } while (0)
    GROW(indicator); GROW(area); GROW(period); GROW(source);
    GROW(gender); GROW(kind); GROW(status); GROW(value); GROW(count);
#undef GROW
    c->cap = n;
    return BENCH_OK;
}

bench_status obs_append(obs_columns *c, uint32_t indicator, uint32_t area, uint32_t period,
                        uint32_t source, int gender, int kind, double value, int32_t count,
                        uint8_t status)
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
    bench_free(c->indicator); bench_free(c->area); bench_free(c->period);
    bench_free(c->source); bench_free(c->gender); bench_free(c->kind);
    bench_free(c->status); bench_free(c->value); bench_free(c->count);
    memset(c, 0, sizeof *c);
}

/* Give back spare capacity after an import.  A column that cannot shrink keeps its
 * larger block; every column holds at least n, so cap = n is valid either way. */
static void obs_shrink(obs_columns *c)
{
    if (!c->n || c->cap <= c->n + c->n / 16)
        return;
#define SHRINK(field)                                                       \
    do {                                                                    \
        void *p = bench_reallocarray(c->field, c->n, sizeof *c->field);     \
        if (p)                                                              \
            c->field = p;                                                   \
    } while (0)
    SHRINK(indicator); SHRINK(area); SHRINK(period); SHRINK(source);
    SHRINK(gender); SHRINK(kind); SHRINK(status); SHRINK(value); SHRINK(count);
#undef SHRINK
    c->cap = c->n;
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
#define APPEND(field) if (add->n) memcpy(o->field + w, add->field, add->n * sizeof *o->field)
        APPEND(indicator); APPEND(area); APPEND(period); APPEND(source);
        APPEND(gender); APPEND(kind); APPEND(status); APPEND(value); APPEND(count);
#undef APPEND
        w += add->n;
    }
    o->n = w;
    obs_shrink(o);
    return BENCH_OK;
}

/* ---- merging: a transient hash index on the packed key ----------------------------- */

/* (indicator, area, period, source, gender, kind) packed into 64 bits: 16+16+16+12+2+2. */
static inline uint64_t packed_key(const obs_columns *c, size_t r)
{
    return (uint64_t)c->indicator[r] << 48 | (uint64_t)c->area[r] << 32 | (uint64_t)c->period[r] << 16 |
           (uint64_t)c->source[r] << 4 | (uint64_t)c->gender[r] << 2 | c->kind[r];
}

/* 8 bytes a slot: the row and 32 bits of the key's hash; the key itself is read from the
 * columns only when the tags match.  Half the size of a (key, row) slot, so the table stays
 * in cache longer: 12 to 24 bytes per row at a load of 1/3 to 2/3. */
typedef struct slot {
    uint32_t tag;
    uint32_t row; /* row + 1; 0 = empty */
} slot;

static inline uint64_t hash_of(uint64_t key)
{
    key ^= key >> 31;
    key *= 0x9E3779B97F4A7C15ull;
    return key ^ (key >> 29);
}

bench_status db_own_columns(bench_db *db)
{
    if (!db->map)
        return BENCH_OK;
    obs_columns own = {0};
    bench_status st = obs_reserve(&own, db->obs.n ? db->obs.n : 1);
    if (st) {
        obs_free(&own);
        return st;
    }
    size_t n = db->obs.n;
#define COPY(field) memcpy(own.field, db->obs.field, n * sizeof *own.field)
    COPY(indicator); COPY(area); COPY(period); COPY(source);
    COPY(gender); COPY(kind); COPY(status); COPY(value); COPY(count);
#undef COPY
    own.n = n;
    file_release(db->map, db->map_len, true);
    db->map = NULL;
    db->map_len = 0;
    db->obs = own;
    return BENCH_OK;
}

/* Whether row i of a and row j of b give the same status, value and count. */
static bool same_values(const obs_columns *a, size_t i, const obs_columns *b, size_t j)
{
    return a->status[i] == b->status[j] && a->count[i] == b->count[j] &&
           (a->value[i] == b->value[j] || (isnan(a->value[i]) && isnan(b->value[j])));
}

/* ---- links: each staged row to the first staged row of its key ------------------- */

#define NO_LINK UINT32_MAX

/* One of two halves of the keys (by a bit of their hash), linked by one thread: link[s] is
 * the first staged row with the key of row s, or NO_LINK when s is that first row. */
typedef struct link_job {
    const obs_columns *staged;
    uint32_t *link;
    slot *table;
    size_t mask;
    uint64_t part;
} link_job;

static void *link_rows(void *arg)
{
    const link_job *j = arg;
    const obs_columns *st = j->staged;
    enum { BATCH = 16 };
    uint64_t hashes[BATCH];
    for (size_t s0 = 0; s0 < st->n; s0 += BATCH) {
        size_t nb = st->n - s0 < BATCH ? st->n - s0 : BATCH;
        for (size_t b = 0; b < nb; b++) {
            hashes[b] = hash_of(packed_key(st, s0 + b));
            if (hashes[b] >> 63 == j->part)
                __builtin_prefetch(&j->table[hashes[b] & j->mask], 1);
        }
        for (size_t b = 0; b < nb; b++) {
            if (hashes[b] >> 63 != j->part)
                continue;
            size_t s = s0 + b;
            uint64_t key = packed_key(st, s);
            uint32_t tag = (uint32_t)(hashes[b] >> 32);
            size_t i = hashes[b] & j->mask;
            while (j->table[i].row && (j->table[i].tag != tag || packed_key(st, j->table[i].row - 1) != key))
                i = (i + 1) & j->mask;
            if (j->table[i].row) {
                j->link[s] = j->table[i].row - 1;
            } else {
                j->table[i].tag = tag;
                j->table[i].row = (uint32_t)(s + 1);
                j->link[s] = NO_LINK;
            }
        }
    }
    return NULL;
}

/* The links of a set of staged rows and the two tables (one per half of the keys) that
 * make them. */
typedef struct links {
    slot *tables[2];
    size_t masks[2];
    uint32_t *link;
} links;

static void links_free(links *l)
{
    bench_free(l->tables[0]);
    bench_free(l->tables[1]);
    bench_free(l->link);
    memset(l, 0, sizeof *l);
}

/* All the memory links_make needs; false (and nothing held) when out of memory. */
static bool links_alloc(links *l, const obs_columns *staged)
{
    memset(l, 0, sizeof *l);
    size_t half[2] = {0, 0}; /* rows per half of the keys, to size each half's table */
    for (size_t s = 0; s < staged->n; s++)
        half[hash_of(packed_key(staged, s)) >> 63]++;
    for (int t = 0; t < 2; t++) {
        size_t c = 1024;
        while (c < half[t] + half[t] / 2) /* load at most 2/3 */
            c *= 2;
        l->tables[t] = bench_calloc(c, sizeof *l->tables[t]);
        l->masks[t] = c - 1;
    }
    l->link = bench_malloc((staged->n ? staged->n : 1) * sizeof *l->link);
    if (l->tables[0] && l->tables[1] && l->link)
        return true;
    links_free(l);
    return false;
}

/* Fill l->link, on two threads for a large import, each owning half of the keys. */
static void links_make(links *l, const obs_columns *staged)
{
    link_job jobs[2] = {{staged, l->link, l->tables[0], l->masks[0], 0},
                        {staged, l->link, l->tables[1], l->masks[1], 1}};
    run_pair(link_rows, &jobs[0], &jobs[1], staged->n >= PARALLEL_MIN_ROWS);
}

/* Before merging into a store with rows: the first staged row whose key came earlier in the
 * import with another value, by the two rows' tags.  False when there is none; *st is set
 * when out of memory. */
static bool staged_conflict(const obs_columns *staged, const uint32_t *tags, merge_conflict *c, bench_status *st)
{
    links l;
    if (!links_alloc(&l, staged)) {
        *st = BENCH_ENOMEM;
        return false;
    }
    links_make(&l, staged);
    bool found = false;
    for (size_t s = 0; s < staged->n && !found; s++) {
        uint32_t first = l.link[s];
        if (first != NO_LINK && !same_values(staged, first, staged, s)) {
            c->earlier = tags[first];
            c->later = tags[s];
            found = true;
        }
    }
    links_free(&l);
    return found;
}

/* ---- merging into an empty store: link, then compact in place --------------------- */

/* Staged rows compacted in place to the first row of each key, later rows' values written
 * over it; false (and *conflict) at a later row with another value, when conflict is given. */
static bool compact_staged(obs_columns *st, uint32_t *tags, links *l, merge_conflict *conflict, size_t *out_n,
                           size_t *out_replaced)
{
    links_make(l, st);
    uint32_t *link = l->link;
    size_t w = 0, replaced = 0;
    for (size_t s = 0; s < st->n; s++) {
        if (link[s] == NO_LINK) { /* the first row of its key: its place in the store */
            link[s] = (uint32_t)w;
            if (w != s) {
                st->indicator[w] = st->indicator[s];
                st->area[w] = st->area[s];
                st->period[w] = st->period[s];
                st->source[w] = st->source[s];
                st->gender[w] = st->gender[s];
                st->kind[w] = st->kind[s];
                st->status[w] = st->status[s];
                st->value[w] = st->value[s];
                st->count[w] = st->count[s];
                if (tags)
                    tags[w] = tags[s];
            }
            w++;
            continue;
        }
        size_t r = link[link[s]]; /* the place of the key's first row, set when it was passed */
        if (conflict && !same_values(st, r, st, s)) {
            conflict->earlier = tags[r];
            conflict->later = tags[s];
            return false;
        }
        st->status[r] = st->status[s]; /* the later value wins */
        st->value[r] = st->value[s];
        st->count[r] = st->count[s];
        replaced++;
    }
    *out_n = w;
    *out_replaced = replaced;
    return true;
}

/* ---- merging -------------------------------------------------------------------- */

/* Staged rows into a store with rows: a later row of a key already there (or earlier in the
 * import) writes its value over it, a new key is appended at *n. */
static void merge_rows(obs_columns *o, const obs_columns *staged, slot *index, size_t mask,
                       const uint8_t *touched, size_t *out_n, size_t *out_replaced)
{
    size_t existing = o->n, n = o->n, replaced = 0;
    /* Rows are hashed a batch ahead of their lookup, with the slot prefetched: the table is
     * far larger than the cache and each lookup would otherwise wait for memory. */
    enum { BATCH = 16 };
    uint64_t hashes[BATCH];
    for (size_t r0 = 0; r0 < existing; r0 += BATCH) {
        size_t nb = existing - r0 < BATCH ? existing - r0 : BATCH;
        for (size_t b = 0; b < nb; b++) {
            hashes[b] = hash_of(packed_key(o, r0 + b));
            __builtin_prefetch(&index[hashes[b] & mask], 1);
        }
        for (size_t b = 0; b < nb; b++) {
            size_t r = r0 + b;
            if (!touched[o->indicator[r]]) /* a key can only repeat within an indicator */
                continue;
            size_t i = hashes[b] & mask;
            while (index[i].row)
                i = (i + 1) & mask;
            index[i].tag = (uint32_t)(hashes[b] >> 32);
            index[i].row = (uint32_t)(r + 1);
        }
    }
    for (size_t s0 = 0; s0 < staged->n; s0 += BATCH) {
        size_t nb = staged->n - s0 < BATCH ? staged->n - s0 : BATCH;
        for (size_t b = 0; b < nb; b++) {
            hashes[b] = hash_of(packed_key(staged, s0 + b));
            __builtin_prefetch(&index[hashes[b] & mask], 1);
        }
        for (size_t b = 0; b < nb; b++) {
            size_t s = s0 + b;
            uint64_t key = packed_key(staged, s);
            uint32_t tag = (uint32_t)(hashes[b] >> 32);
            size_t i = hashes[b] & mask;
            while (index[i].row && (index[i].tag != tag || packed_key(o, index[i].row - 1) != key))
                i = (i + 1) & mask;
            if (index[i].row) { /* the same key again: the later value wins */
                size_t r = index[i].row - 1;
                o->status[r] = staged->status[s];
                o->value[r] = staged->value[s];
                o->count[r] = staged->count[s];
                replaced++;
                continue;
            }
            size_t r = n++;
            o->indicator[r] = staged->indicator[s];
            o->area[r] = staged->area[s];
            o->period[r] = staged->period[s];
            o->source[r] = staged->source[s];
            o->gender[r] = staged->gender[s];
            o->kind[r] = staged->kind[s];
            o->status[r] = staged->status[s];
            o->value[r] = staged->value[s];
            o->count[r] = staged->count[s];
            index[i].tag = tag;
            index[i].row = (uint32_t)(r + 1);
        }
    }
    *out_n = n;
    *out_replaced = replaced;
}

bench_status db_merge(bench_db *db, obs_columns *staged, uint32_t *tags, size_t *out_replaced,
                      merge_conflict *conflict)
{
    size_t need = db->obs.n + staged->n;
    if (need >= UINT32_MAX)
        return BENCH_ELIMIT;
    bench_status st = db_own_columns(db);
    /* An empty store takes the staged columns themselves, compacted in place (a row is only
     * ever written at or before the row being read); a store with rows gets them copied in. */
    bool steal = !st && db->obs.n == 0;
    /* two rows of this import with one key and different values: found while compacting for
     * an empty store, by a pass of their own before merging into a store with rows */
    if (!st && !steal && conflict && staged_conflict(staged, tags, conflict, &st))
        return BENCH_EPARSE;
    if (!st && !steal)
        st = obs_reserve(&db->obs, need);
    if (st)
        return st;
    /* all memory first: from the tables on, nothing can fail but a conflict */
    slot *index = NULL;
    size_t cap = 1024;
    links l = {{NULL, NULL}, {0, 0}, NULL};
    uint8_t *touched = NULL;
    bool ok;
    if (steal) {
        ok = links_alloc(&l, staged);
    } else {
        while (cap < need + need / 2) /* load at most 2/3 */
            cap *= 2;
        index = bench_calloc(cap, sizeof *index);
        touched = bench_calloc(db->indicators.n ? db->indicators.n : 1, 1);
        ok = index && touched;
    }
    uint32_t *seq = bench_malloc((db->sources.n ? db->sources.n : 1) * sizeof *seq);
    if (!ok || !seq || (st = db_sync_meta(db)) != BENCH_OK) {
        bench_free(index);
        bench_free(touched);
        links_free(&l);
        bench_free(seq);
        return BENCH_ENOMEM;
    }
    /* the sources' new order, kept aside until the merge is sure */
    memcpy(seq, db->source_seq, db->sources.n * sizeof *seq);
    uint32_t import_seq = db->import_seq;
    for (size_t s = 0; s < staged->n; s++) {
        if (touched)
            touched[staged->indicator[s]] = 1;
        uint16_t src = staged->source[s];
        if (seq[src] <= db->import_seq) /* first row of this source in this import */
            seq[src] = ++import_seq;
    }
    obs_columns *o = &db->obs;
    size_t n = o->n, replaced = 0;
    bool failed = false;
    if (steal) {
        failed = !compact_staged(staged, tags, &l, conflict, &n, &replaced);
    } else {
        merge_rows(o, staged, index, cap - 1, touched, &n, &replaced);
    }
    bench_free(index);
    bench_free(touched);
    links_free(&l);
    if (failed) {
        bench_free(seq);
        return BENCH_EPARSE;
    }
    if (steal) {
        obs_free(&db->obs);
        db->obs = *staged;
        memset(staged, 0, sizeof *staged);
    }
    db->obs.n = n;
    memcpy(db->source_seq, seq, db->sources.n * sizeof *seq);
    db->import_seq = import_seq;
    bench_free(seq);
    if (out_replaced)
        *out_replaced = replaced;
    /* the store keeps 23 bytes per observation: spare capacity is given back */
    obs_shrink(&db->obs);
    return BENCH_OK;
}
