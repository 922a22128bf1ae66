/* store.c -- the database handle, the columnar observation store, its key index and queries. */
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

/* ---- the handle ------------------------------------------------------------ */

/* The limits of `from` that are set (non-zero) into `to`; a version 1 struct ends at
 * max_columns. */
static void limits_take(bench_db_options *to, const bench_db_options *from)
{
    if (from->max_field_bytes)
        to->max_field_bytes = from->max_field_bytes;
    if (from->max_columns)
        to->max_columns = from->max_columns;
    if (from->version < 2)
        return;
    if (from->max_rows)
        to->max_rows = from->max_rows;
    if (from->max_input_bytes)
        to->max_input_bytes = from->max_input_bytes;
    if (from->max_json_depth)
        to->max_json_depth = from->max_json_depth;
}

void bench_db_limits(bench_db_options *out, const bench_db *db)
{
    if (!out)
        return;
    bench_db_options defaults = BENCH_DB_OPTIONS_INIT;
    *out = db ? db->opts : defaults;
}

bench_status bench_db_set_limits(bench_db *db, const bench_db_options *opts)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (!opts)
        return DB_FAIL(db, BENCH_EINVAL, "bench_db_set_limits: opts is NULL");
    if (opts->version != 1 && opts->version != BENCH_DB_OPTIONS_VERSION)
        return DB_FAIL(db, BENCH_EINVAL, "bench_db_options.version is %u, expected %u", opts->version,
                       BENCH_DB_OPTIONS_VERSION);
    if (opts->version >= 2 && (opts->max_json_depth < 0 || opts->max_json_depth > JSON_DEPTH_LIMIT))
        return DB_FAIL(db, BENCH_EINVAL, "max_json_depth is %d, expected 1..%d", opts->max_json_depth,
                       JSON_DEPTH_LIMIT);
    /* a record may hold 4 x max_field_bytes: larger would wrap to a small limit */
    if (opts->max_field_bytes > SIZE_MAX / 8)
        return DB_FAIL(db, BENCH_EINVAL, "max_field_bytes is %zu, expected at most %zu", opts->max_field_bytes,
                       SIZE_MAX / 8);
    limits_take(&db->opts, opts);
    return BENCH_OK;
}

bench_status bench_db_new(bench_db **out, const bench_db_options *opts, bench_error *err)
{
    if (err)
        error_clear(err);
    if (!out) {
        error_set(err, BENCH_EINVAL, "", 0, 0, __FILE__, __LINE__, "bench_db_new: out is NULL");
        return BENCH_EINVAL;
    }
    *out = NULL;
    bench_db *db = bench_calloc(1, sizeof *db);
    if (!db) {
        error_set(err, BENCH_ENOMEM, "", 0, 0, __FILE__, __LINE__, "out of memory");
        return BENCH_ENOMEM;
    }
    db->opts = (bench_db_options)BENCH_DB_OPTIONS_INIT;
    if (opts) {
        bench_status st = bench_db_set_limits(db, opts);
        if (st) {
            if (err)
                *err = db->err;
            bench_free(db);
            return st;
        }
        db->opts.load_catalogue = opts->load_catalogue;
    }
    pool_init(&db->indicators, CODE_LIMIT);
    pool_init(&db->areas, CODE_LIMIT);
    pool_init(&db->periods, CODE_LIMIT);
    pool_init(&db->sources, SOURCE_LIMIT);
    if (db->opts.load_catalogue) {
        bench_status st = catalogue_load_embedded(db);
        if (st) {
            if (err)
                *err = db->err;
            bench_db_free(db);
            return st;
        }
    }
    *out = db;
    return BENCH_OK;
}

void bench_db_free(bench_db *db)
{
    if (!db)
        return;
    /* the side arrays may be shorter than the pools when growing them failed */
    for (uint32_t i = 0; i < db->areas.n && i < db->area_meta_cap; i++)
        area_meta_clear(&db->area_meta[i]);
    for (uint32_t i = 0; i < db->indicators.n && i < db->ind_meta_cap; i++)
        indicator_meta_clear(&db->ind_meta[i]);
    bench_free(db->area_meta);
    bench_free(db->ind_meta);
    bench_free(db->period_keys);
    bench_free(db->source_seq);
    pool_free(&db->indicators);
    pool_free(&db->areas);
    pool_free(&db->periods);
    pool_free(&db->sources);
    if (db->map)
        file_release(db->map, db->map_len, true); /* the columns live in the mapping */
    else
        obs_free(&db->obs);
    bench_free(db);
}

const bench_error *bench_db_last_error(const bench_db *db) { return db ? &db->err : NULL; }

size_t bench_db_count(const bench_db *db) { return db ? db->obs.n : 0; }

size_t bench_db_memory(const bench_db *db)
{
    if (!db)
        return 0;
    if (db->map)
        return db->map_len; /* the columns are read in place */
    size_t per_row = 4 * sizeof(uint16_t) + 3 * sizeof(uint8_t) + sizeof(double) + sizeof(int32_t);
    return db->obs.cap * per_row;
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

/* ---- catalogue side arrays ------------------------------------------------- */

static bench_status grow_zeroed(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return BENCH_OK;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    char *p = bench_reallocarray(*arr, n, size);
    if (!p)
        return BENCH_ENOMEM;
    memset(p + *cap * size, 0, (n - *cap) * size);
    *arr = p;
    *cap = n;
    return BENCH_OK;
}

bench_status db_sync_meta(bench_db *db)
{
    bench_status st = grow_zeroed((void **)&db->area_meta, &db->area_meta_cap, db->areas.n,
                                  sizeof *db->area_meta);
    if (!st)
        st = grow_zeroed((void **)&db->ind_meta, &db->ind_meta_cap, db->indicators.n,
                         sizeof *db->ind_meta);
    if (!st)
        st = grow_zeroed((void **)&db->period_keys, &db->period_keys_cap, db->periods.n,
                         sizeof *db->period_keys);
    if (!st)
        st = grow_zeroed((void **)&db->source_seq, &db->source_seq_cap, db->sources.n,
                         sizeof *db->source_seq);
    return st;
}

bench_status db_intern_period(bench_db *db, const char *label, size_t len, int64_t key,
                              uint32_t *out)
{
    bench_status st = pool_intern(&db->periods, label, len, out);
    if (!st)
        st = db_sync_meta(db);
    if (!st)
        db->period_keys[*out] = key;
    return st;
}

db_mark db_mark_take(const bench_db *db)
{
    db_mark m = {db->indicators.n, db->areas.n, db->periods.n, db->sources.n};
    return m;
}

void db_mark_rollback(bench_db *db, db_mark m)
{
    /* Codes interned by a failed import carry no catalogue data: only the
     * import interns them, and it sets no names (areas) or titles. */
    for (uint32_t i = m.n_area; i < db->areas.n && i < db->area_meta_cap; i++)
        area_meta_clear(&db->area_meta[i]);
    for (uint32_t i = m.n_ind; i < db->indicators.n && i < db->ind_meta_cap; i++)
        indicator_meta_clear(&db->ind_meta[i]);
    pool_truncate(&db->indicators, m.n_ind);
    pool_truncate(&db->areas, m.n_area);
    pool_truncate(&db->periods, m.n_period);
    pool_truncate(&db->sources, m.n_source);
}

void indicator_meta_clear(indicator_meta *m)
{
    bench_free(m->title);
    bench_free(m->unit);
    bench_free(m->link);
    bench_free(m->derived);
    memset(m, 0, sizeof *m);
}

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

static char *dup_or_null(const char *s, bool *failed)
{
    if (!s)
        return NULL;
    char *d = bench_strndup(s, strlen(s));
    if (!d)
        *failed = true;
    return d;
}

void db_catalogue_copy_free(db_catalogue_copy *c)
{
    for (uint32_t i = 0; c->areas && i < c->n_areas; i++)
        area_meta_clear(&c->areas[i]);
    for (uint32_t i = 0; c->indicators && i < c->n_indicators; i++)
        indicator_meta_clear(&c->indicators[i]);
    bench_free(c->areas);
    bench_free(c->indicators);
    memset(c, 0, sizeof *c);
}

bench_status db_catalogue_copy_take(const bench_db *db, db_catalogue_copy *out)
{
    memset(out, 0, sizeof *out);
    out->areas = bench_calloc(db->areas.n ? db->areas.n : 1, sizeof *out->areas);
    out->indicators = bench_calloc(db->indicators.n ? db->indicators.n : 1, sizeof *out->indicators);
    if (!out->areas || !out->indicators) {
        db_catalogue_copy_free(out);
        return BENCH_ENOMEM;
    }
    out->n_areas = db->areas.n;
    out->n_indicators = db->indicators.n;
    bool failed = false;
    for (uint32_t i = 0; i < db->areas.n; i++) {
        const area_meta *m = &db->area_meta[i];
        area_meta *c = &out->areas[i];
        *c = *m;
        c->name = dup_or_null(m->name, &failed);
        c->kommungrupp = dup_or_null(m->kommungrupp, &failed);
        c->members = NULL;
        if (m->n_members) {
            if ((c->members = bench_malloc(m->n_members * sizeof *c->members)))
                memcpy(c->members, m->members, m->n_members * sizeof *c->members);
            else
                failed = true, c->n_members = 0;
        }
    }
    for (uint32_t i = 0; i < db->indicators.n; i++) {
        const indicator_meta *m = &db->ind_meta[i];
        indicator_meta *c = &out->indicators[i];
        c->direction = m->direction;
        c->title = dup_or_null(m->title, &failed);
        c->unit = dup_or_null(m->unit, &failed);
        c->link = dup_or_null(m->link, &failed);
        c->derived = dup_or_null(m->derived, &failed);
    }
    if (failed) {
        db_catalogue_copy_free(out);
        return BENCH_ENOMEM;
    }
    return BENCH_OK;
}

void db_catalogue_copy_restore(bench_db *db, db_catalogue_copy *c)
{
    for (uint32_t i = 0; i < c->n_areas && i < db->areas.n; i++) {
        area_meta_clear(&db->area_meta[i]);
        db->area_meta[i] = c->areas[i];
        memset(&c->areas[i], 0, sizeof c->areas[i]); /* moved */
    }
    for (uint32_t i = 0; i < c->n_indicators && i < db->indicators.n; i++) {
        indicator_meta *m = &db->ind_meta[i];
        indicator_meta_clear(m);
        *m = c->indicators[i];
        memset(&c->indicators[i], 0, sizeof c->indicators[i]);
    }
    db_catalogue_copy_free(c);
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

/* ---- queries -------------------------------------------------------------- */

static int cmp_text(const void *a, const void *b, void *arg)
{
    const pool *p = arg;
    return strcmp(p->strs[*(const uint32_t *)a], p->strs[*(const uint32_t *)b]);
}

/* rank[code] = position of the code in text order (caller frees). */
static int64_t *pool_text_ranks(const pool *p)
{
    int64_t *rank = bench_malloc((p->n ? p->n : 1) * sizeof *rank);
    uint32_t *order = bench_malloc((p->n ? p->n : 1) * sizeof *order);
    if (!rank || !order) {
        bench_free(rank);
        bench_free(order);
        return NULL;
    }
    for (uint32_t i = 0; i < p->n; i++)
        order[i] = i;
    qsort_r(order, p->n, sizeof *order, cmp_text, (void *)p);
    for (uint32_t i = 0; i < p->n; i++)
        rank[order[i]] = i;
    bench_free(order);
    return rank;
}

static int cmp_key(const void *a, const void *b, void *arg)
{
    const int64_t *keys = arg;
    int64_t x = keys[*(const uint32_t *)a], y = keys[*(const uint32_t *)b];
    return (x > y) - (x < y);
}

static int64_t *period_ranks(const bench_db *db)
{
    const pool *p = &db->periods;
    int64_t *rank = bench_malloc((p->n ? p->n : 1) * sizeof *rank);
    uint32_t *order = bench_malloc((p->n ? p->n : 1) * sizeof *order);
    if (!rank || !order) {
        bench_free(rank);
        bench_free(order);
        return NULL;
    }
    for (uint32_t i = 0; i < p->n; i++)
        order[i] = i;
    qsort_r(order, p->n, sizeof *order, cmp_key, db->period_keys);
    for (uint32_t i = 0; i < p->n; i++)
        rank[order[i]] = i;
    bench_free(order);
    return rank;
}

/* A filter set over a pool: NULL means everything passes. */
int64_t db_find(const bench_db *db, enum code_kind kind, const char *s)
{
    char buf[160];
    size_t len;
    int64_t key;
    if (!s)
        return -1;
    switch (kind) { /* each normalizer checks its own length; buf holds the longest (128) */
    case CODE_INDICATOR:
        return indicator_id_normalize(s, strlen(s), buf, &len) ? indicator_find(db, buf, len) : -1;
    case CODE_AREA:
        return area_code_normalize(s, strlen(s), buf, &len) ? pool_find(&db->areas, buf, len) : -1;
    default:
        return period_parse(s, strlen(s), buf, &len, &key) ? pool_find(&db->periods, buf, len) : -1;
    }
}

static bench_status filter_set(uint8_t **out, const bench_db *db, const pool *p, enum code_kind kind,
                               const char *const *codes, size_t n)
{
    *out = NULL;
    if (!codes || !n)
        return BENCH_OK;
    uint8_t *set = bench_calloc(p->n ? p->n : 1, 1);
    if (!set)
        return BENCH_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        int64_t k = db_find(db, kind, codes[i]);
        if (k >= 0)
            set[k] = 1;
    }
    *out = set;
    return BENCH_OK;
}

void ranks_free(ranks_t *r)
{
    bench_free(r->ind); bench_free(r->area); bench_free(r->period); bench_free(r->source);
    memset(r, 0, sizeof *r);
}

bench_status ranks_make(ranks_t *r, const bench_db *db)
{
    r->ind = pool_text_ranks(&db->indicators);
    r->area = pool_text_ranks(&db->areas);
    r->period = period_ranks(db);
    r->source = pool_text_ranks(&db->sources);
    if (!r->ind || !r->area || !r->period || !r->source) {
        ranks_free(r);
        return BENCH_ENOMEM;
    }
    return BENCH_OK;
}

bench_status bench_values(bench_frame **out, bench_db *db, const bench_query *q)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (!out)
        return DB_FAIL(db, BENCH_EINVAL, "bench_values: out is NULL");
    *out = NULL;
    bench_query all = BENCH_QUERY_INIT;
    if (!q)
        q = &all;
    if (q->version != BENCH_QUERY_VERSION)
        return DB_FAIL(db, BENCH_EINVAL, "bench_query.version is %u, expected %u", q->version,
                       BENCH_QUERY_VERSION);
    uint8_t *f_ind = NULL, *f_area = NULL, *f_period = NULL;
    uint64_t *keys = NULL;
    uint32_t *rows = NULL;
    bench_frame *f = NULL;
    ranks_t rk = {0};
    bench_status st = filter_set(&f_ind, db, &db->indicators, CODE_INDICATOR, q->indicators, q->n_indicators);
    if (!st)
        st = filter_set(&f_area, db, &db->areas, CODE_AREA, q->areas, q->n_areas);
    if (!st)
        st = filter_set(&f_period, db, &db->periods, CODE_PERIOD, q->periods, q->n_periods);
    if (!st)
        st = ranks_make(&rk, db);
    const obs_columns *o = &db->obs;
    size_t n = 0;
    if (!st) {
        keys = bench_malloc((o->n ? o->n : 1) * sizeof *keys);
        rows = bench_malloc((o->n ? o->n : 1) * sizeof *rows);
        if (!keys || !rows)
            st = BENCH_ENOMEM;
    }
    if (!st) {
        unsigned gmask = q->gender_mask ? q->gender_mask : 7u;
        unsigned kmask = q->kind_mask ? q->kind_mask : 15u;
        for (size_t r = 0; r < o->n; r++) {
            if ((f_ind && !f_ind[o->indicator[r]]) || (f_area && !f_area[o->area[r]]) ||
                (f_period && !f_period[o->period[r]]) || !(gmask >> o->gender[r] & 1) ||
                !(kmask >> o->kind[r] & 1))
                continue;
            keys[n] = (uint64_t)rk.ind[o->indicator[r]] << 48 |
                      (uint64_t)rk.area[o->area[r]] << 32 |
                      (uint64_t)rk.period[o->period[r]] << 16 | (uint64_t)o->gender[r] << 14 |
                      (uint64_t)o->kind[r] << 12 | (uint64_t)rk.source[o->source[r]];
            rows[n++] = (uint32_t)r;
        }
        st = sort_pairs(keys, rows, n);
    }
    if (!st)
        st = frame_new(&f, 9, n);
    if (!st) {
        uint32_t *ind = frame_add(f, 0, "indicator", BENCH_COLUMN_CODE);
        uint32_t *area = frame_add(f, 1, "area", BENCH_COLUMN_CODE);
        uint32_t *period = frame_add(f, 2, "period", BENCH_COLUMN_CODE);
        uint32_t *gender = frame_add(f, 3, "gender", BENCH_COLUMN_CODE);
        uint32_t *kind = frame_add(f, 4, "kind", BENCH_COLUMN_CODE);
        double *value = frame_add(f, 5, "value", BENCH_COLUMN_F64);
        int32_t *count = frame_add(f, 6, "count", BENCH_COLUMN_I32);
        uint32_t *status = frame_add(f, 7, "status", BENCH_COLUMN_CODE);
        uint32_t *source = frame_add(f, 8, "source", BENCH_COLUMN_CODE);
        if (!ind || !area || !period || !gender || !kind || !value || !count || !status ||
            !source) {
            st = BENCH_ENOMEM;
        } else {
            for (size_t i = 0; i < n; i++) {
                uint32_t r = rows[i];
                ind[i] = o->indicator[r];
                area[i] = o->area[r];
                period[i] = o->period[r];
                gender[i] = o->gender[r];
                kind[i] = o->kind[r];
                value[i] = o->value[r];
                count[i] = o->count[r];
                status[i] = o->status[r];
                source[i] = o->source[r];
            }
            st = frame_compact_codes(f, 0, db->indicators.n, pool_text, &db->indicators, rk.ind);
            if (!st)
                st = frame_compact_codes(f, 1, db->areas.n, pool_text, &db->areas, rk.area);
            if (!st)
                st = frame_compact_codes(f, 2, db->periods.n, pool_text, &db->periods, rk.period);
            if (!st)
                st = frame_compact_codes(f, 3, 3, gender_text, NULL, enum_rank);
            if (!st)
                st = frame_compact_codes(f, 4, 4, kind_text, NULL, enum_rank);
            if (!st)
                st = frame_compact_codes(f, 7, 7, status_text, NULL, enum_rank);
            if (!st)
                st = frame_compact_codes(f, 8, db->sources.n, pool_text, &db->sources, rk.source);
        }
    }
    bench_free(f_ind);
    bench_free(f_area);
    bench_free(f_period);
    bench_free(keys);
    bench_free(rows);
    ranks_free(&rk);
    if (st) {
        bench_frame_free(f);
        return DB_FAIL(db, st, "bench_values: %s", bench_strerror(st));
    }
    *out = f;
    return BENCH_OK;
}
