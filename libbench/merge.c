/* merge.c -- an import's staged rows into the store: one value per key, the later row winning,
 * with a transient hash index on the packed key: one small table per indicator when each
 * indicator's rows come together, else one over the import, on two threads for a large one. */
#include "internal.h"

#include <math.h>
#include <string.h>

/* ---- merging: a transient hash index on the packed key ----------------------------- */

/* (indicator, area, period, source, gender, kind) packed into 64 bits: 16+16+16+12+2+2. */
static inline uint64_t packed_key(const obs_columns *c, size_t r)
{
    return (uint64_t)c->indicator[r] << 48 | (uint64_t)c->area[r] << 32 | (uint64_t)c->period[r] << 16 |
           (uint64_t)c->source[r] << 4 | (uint64_t)c->gender[r] << 2 | c->kind[r];
}

/* The key of row r of a set of columns, for the hash index. */
static uint64_t key_of_row(const void *columns, uint32_t r) { return packed_key(columns, r); }

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
    hash_index *table;
    uint64_t part;
} link_job;

static void *link_rows(void *arg)
{
    const link_job *j = arg;
    const obs_columns *st = j->staged;
    enum {
        BATCH = 16
    };
    uint64_t hashes[BATCH];
    for (size_t s0 = 0; s0 < st->n; s0 += BATCH) {
        size_t nb = st->n - s0 < BATCH ? st->n - s0 : BATCH;
        for (size_t b = 0; b < nb; b++) {
            hashes[b] = hash_of(packed_key(st, s0 + b));
            if (hashes[b] >> 63 == j->part)
                hash_index_prefetch(j->table, hashes[b]);
        }
        for (size_t b = 0; b < nb; b++) {
            if (hashes[b] >> 63 != j->part)
                continue;
            size_t s = s0 + b;
            hash_slot *slot = hash_index_slot(j->table, hashes[b], packed_key(st, s), key_of_row, st);
            if (slot->entry) {
                j->link[s] = slot->entry - 1;
            } else {
                hash_index_add(j->table, slot, hashes[b], (uint32_t)s);
                j->link[s] = NO_LINK;
            }
        }
    }
    return NULL;
}

/* The links of a set of staged rows and the two tables (one per half of the keys) that
 * make them. */
typedef struct links {
    hash_index tables[2];
    uint32_t *link;
} links;

static void links_free(links *l)
{
    hash_index_free(&l->tables[0]);
    hash_index_free(&l->tables[1]);
    bench_free(l->link);
    memset(l, 0, sizeof *l);
}

/* All the memory links_make needs; false (and nothing held) when out of memory. */
static bool links_alloc(links *l, const obs_columns *staged)
{
    memset(l, 0, sizeof *l);
    size_t half[2] = { 0, 0 }; /* rows per half of the keys, to size each half's table */
    for (size_t s = 0; s < staged->n; s++)
        half[hash_of(packed_key(staged, s)) >> 63]++;
    bench_status st = hash_index_init(&l->tables[0], half[0]);
    if (!st)
        st = hash_index_init(&l->tables[1], half[1]);
    l->link = bench_malloc((staged->n ? staged->n : 1) * sizeof *l->link);
    if (!st && l->link)
        return true;
    links_free(l);
    return false;
}

/* Fill l->link, on two threads for a large import, each owning half of the keys. */
static void links_make(links *l, const obs_columns *staged)
{
    link_job jobs[2] = { { staged, l->link, &l->tables[0], 0 }, { staged, l->link, &l->tables[1], 1 } };
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

/* Row s of `from` written as row w of `to`. */
static inline void copy_row(obs_columns *to, size_t w, const obs_columns *from, size_t s)
{
    to->indicator[w] = from->indicator[s];
    to->area[w] = from->area[s];
    to->period[w] = from->period[s];
    to->source[w] = from->source[s];
    to->gender[w] = from->gender[s];
    to->kind[w] = from->kind[s];
    to->status[w] = from->status[s];
    to->value[w] = from->value[s];
    to->count[w] = from->count[s];
}

/* Row s of `from`, a later row of the key of row r of `to`: its value written over r's. */
static inline void later_value(obs_columns *to, size_t r, const obs_columns *from, size_t s)
{
    to->status[r] = from->status[s];
    to->value[r] = from->value[s];
    to->count[r] = from->count[s];
}

/* Staged row s written over row w (w < s), its tag with it. */
static inline void move_row(obs_columns *st, uint32_t *tags, size_t w, size_t s)
{
    copy_row(st, w, st, s);
    if (tags)
        tags[w] = tags[s];
}

/* Staged row s, a later row of the key whose first row is at r: false (and *conflict, named by
 * the rows' tags) when it has another value and conflicts are asked for; else its value wins. */
static inline bool later_row(obs_columns *st, const uint32_t *tags, size_t r, size_t s, merge_conflict *conflict)
{
    if (conflict && !same_values(st, r, st, s)) {
        conflict->earlier = tags[r];
        conflict->later = tags[s];
        return false;
    }
    later_value(st, r, st, s);
    return true;
}

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
            if (w != s)
                move_row(st, tags, w, s);
            w++;
            continue;
        }
        size_t r = link[link[s]]; /* the place of the key's first row, set when it was passed */
        if (!later_row(st, tags, r, s, conflict))
            return false;
        replaced++;
    }
    *out_n = w;
    *out_replaced = replaced;
    return true;
}

/* ---- merging into an empty store, each indicator's rows together ------------------ */

/* Most imports hold each indicator's rows together (Kolada's exports and API pages, report
 * tables).  A key can only repeat within its indicator, so then one small table, emptied at each
 * new indicator, finds the repeats: it stays in the cache, where a table over the whole import
 * would be zeroed fresh and missed on nearly every row.  Returns false (nothing done) when some
 * indicator's rows come in more than one run. */
static bool one_run_each(const obs_columns *st, size_t *longest)
{
    uint64_t seen[(CODE_LIMIT + 64) / 64] = { 0 };
    size_t run = 0;
    *longest = 0;
    for (size_t s = 0; s < st->n; s++, run++) {
        uint16_t ind = st->indicator[s];
        if (s > 0 && ind == st->indicator[s - 1])
            continue;
        if (seen[ind / 64] >> (ind % 64) & 1)
            return false;
        seen[ind / 64] |= 1ull << (ind % 64);
        *longest = run > *longest ? run : *longest;
        run = 0;
    }
    *longest = run > *longest ? run : *longest;
    return true;
}

/* A run boundary near the middle of the staged rows, where a second thread can take over: 0 when
 * the import is too small to share or one run covers the middle. */
static size_t run_split(const obs_columns *st)
{
    if (st->n < PARALLEL_MIN_ROWS)
        return 0;
    for (size_t s = st->n / 2, back = s; s < st->n; s++, back--) {
        if (st->indicator[s] != st->indicator[s - 1])
            return s;
        if (back > 1 && st->indicator[back - 1] != st->indicator[back - 2])
            return back - 1;
    }
    return 0;
}

/* Compaction of the rows [from, to) in place, to [from, end): for staged rows whose indicators
 * come one run each, so that two ranges split at a run boundary never share a key. */
typedef struct run_job {
    obs_columns *st;
    uint32_t *tags;
    hash_index table; /* made for the longest run, when the range has rows */
    bool check;       /* a later row with another value is a conflict */
    size_t from, to;
    size_t end, replaced;    /* the result */
    bool conflicted;         /* and when there is a conflict, */
    merge_conflict conflict; /* the first one */
} run_job;

static void *compact_runs(void *arg)
{
    run_job *j = arg;
    obs_columns *st = j->st;
    uint32_t *tags = j->tags;
    size_t w = j->from, replaced = 0;
    for (size_t s = j->from, end = j->from; s < j->to; s++) {
        if (s == end) { /* a new indicator: the next run's table */
            while (end < j->to && st->indicator[end] == st->indicator[s])
                end++;
            hash_index_reset(&j->table, end - s);
        }
        uint64_t key = packed_key(st, s), h = hash_of(key);
        /* entries are places in the compacted rows, which hold their key's first row */
        hash_slot *slot = hash_index_slot(&j->table, h, key, key_of_row, st);
        if (slot->entry) {
            if (!later_row(st, tags, slot->entry - 1, s, j->check ? &j->conflict : NULL)) {
                j->conflicted = true;
                return NULL;
            }
            replaced++;
            continue;
        }
        if (w != s)
            move_row(st, tags, w, s);
        hash_index_add(&j->table, slot, h, (uint32_t)w);
        w++;
    }
    j->end = w;
    j->replaced = replaced;
    return NULL;
}

/* The two ranges of compact_by_runs and their tables (all its memory, made before the merge
 * begins); false when out of memory (nothing then held). */
static bool runs_prepare(run_job jobs[2], obs_columns *st, uint32_t *tags, size_t longest, bool check)
{
    size_t mid = run_split(st);
    run_job first = { st, tags, { 0 }, check, 0, mid ? mid : st->n, 0, 0, false, { 0, 0 } };
    jobs[0] = jobs[1] = first;
    jobs[1].from = jobs[0].to;
    jobs[1].to = st->n;
    for (int k = 0; k < 2; k++)
        if (jobs[k].from < jobs[k].to && hash_index_init(&jobs[k].table, longest) != BENCH_OK) {
            hash_index_free(&jobs[0].table);
            return false;
        }
    return true;
}

/* As compact_staged, for staged rows whose indicators come one run each: a small table per run,
 * and a large import in two ranges on two threads, the second's rows then moved down.  Frees
 * the jobs' tables. */
static bool compact_by_runs(run_job jobs[2], merge_conflict *conflict, size_t *out_n, size_t *out_replaced)
{
    run_pair(compact_runs, &jobs[0], &jobs[1], jobs[0].to < jobs[1].to && jobs[1].from > 0);
    hash_index_free(&jobs[0].table);
    hash_index_free(&jobs[1].table);
    /* the first conflict in the file's order: the first range's, else the second's */
    run_job *bad = jobs[0].conflicted ? &jobs[0] : jobs[1].conflicted ? &jobs[1] : NULL;
    if (bad) {
        *conflict = bad->conflict;
        return false;
    }
    size_t w = jobs[0].end;
    for (size_t s = jobs[1].from; s < jobs[1].end; s++, w++)
        move_row(jobs[0].st, jobs[0].tags, w, s);
    *out_n = w;
    *out_replaced = jobs[0].replaced + jobs[1].replaced;
    return true;
}

/* ---- merging -------------------------------------------------------------------- */

/* Staged rows into a store with rows: a later row of a key already there (or earlier in the
 * import) writes its value over it, a new key is appended at *n. */
static void merge_rows(obs_columns *o, const obs_columns *staged, hash_index *index, const uint8_t *touched,
                       size_t *out_n, size_t *out_replaced)
{
    size_t existing = o->n, n = o->n, replaced = 0;
    /* Rows are hashed a batch ahead of their lookup, with the slot prefetched: the table is
     * far larger than the cache and each lookup would otherwise wait for memory. */
    enum {
        BATCH = 16
    };
    uint64_t hashes[BATCH];
    for (size_t r0 = 0; r0 < existing; r0 += BATCH) {
        size_t nb = existing - r0 < BATCH ? existing - r0 : BATCH;
        for (size_t b = 0; b < nb; b++) {
            hashes[b] = hash_of(packed_key(o, r0 + b));
            hash_index_prefetch(index, hashes[b]);
        }
        for (size_t b = 0; b < nb; b++) {
            size_t r = r0 + b;
            if (!touched[o->indicator[r]]) /* a key can only repeat within an indicator */
                continue;
            hash_index_add(index, hash_index_empty_slot(index, hashes[b]), hashes[b], (uint32_t)r);
        }
    }
    for (size_t s0 = 0; s0 < staged->n; s0 += BATCH) {
        size_t nb = staged->n - s0 < BATCH ? staged->n - s0 : BATCH;
        for (size_t b = 0; b < nb; b++) {
            hashes[b] = hash_of(packed_key(staged, s0 + b));
            hash_index_prefetch(index, hashes[b]);
        }
        for (size_t b = 0; b < nb; b++) {
            size_t s = s0 + b;
            hash_slot *slot = hash_index_slot(index, hashes[b], packed_key(staged, s), key_of_row, o);
            if (slot->entry) { /* the same key again: the later value wins */
                later_value(o, slot->entry - 1, staged, s);
                replaced++;
                continue;
            }
            size_t r = n++;
            copy_row(o, r, staged, s);
            hash_index_add(index, slot, hashes[b], (uint32_t)r);
        }
    }
    *out_n = n;
    *out_replaced = replaced;
}

bench_status db_merge(bench_db *db, obs_columns *staged, uint32_t *tags, size_t *out_replaced, merge_conflict *conflict)
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
    hash_index index = { 0 };
    links l = { 0 };
    uint8_t *touched = NULL;
    size_t longest = 0;
    bool runs = steal && one_run_each(staged, &longest), ok;
    run_job jobs[2];
    if (runs) {
        ok = runs_prepare(jobs, staged, tags, longest, conflict != NULL);
    } else if (steal) {
        ok = links_alloc(&l, staged);
    } else if ((touched = bench_calloc(db->indicators.n ? db->indicators.n : 1, 1)) != NULL) {
        /* the index holds the staged rows and the store's rows of the indicators they touch */
        size_t indexed = staged->n;
        for (size_t s = 0; s < staged->n; s++)
            touched[staged->indicator[s]] = 1;
        for (size_t r = 0; r < db->obs.n; r++)
            indexed += touched[db->obs.indicator[r]];
        ok = !hash_index_init(&index, indexed);
    } else {
        ok = false;
    }
    uint32_t *seq = bench_malloc((db->sources.n ? db->sources.n : 1) * sizeof *seq);
    if (!ok || !seq || (st = db_sync_meta(db)) != BENCH_OK) {
        if (runs && ok) {
            hash_index_free(&jobs[0].table);
            hash_index_free(&jobs[1].table);
        }
        hash_index_free(&index);
        bench_free(touched);
        links_free(&l);
        bench_free(seq);
        return BENCH_ENOMEM;
    }
    /* the sources' new order, kept aside until the merge is sure */
    memcpy(seq, db->source_seq, db->sources.n * sizeof *seq);
    uint32_t import_seq = db->import_seq;
    for (size_t s = 0; s < staged->n; s++) {
        uint16_t src = staged->source[s];
        if (seq[src] <= db->import_seq) /* first row of this source in this import */
            seq[src] = ++import_seq;
    }
    obs_columns *o = &db->obs;
    size_t n = o->n, replaced = 0;
    bool failed = false;
    if (runs) {
        failed = !compact_by_runs(jobs, conflict, &n, &replaced);
    } else if (steal) {
        failed = !compact_staged(staged, tags, &l, conflict, &n, &replaced);
    } else {
        merge_rows(o, staged, &index, touched, &n, &replaced);
    }
    hash_index_free(&index);
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
    obs_release_spare(&db->obs);
    return BENCH_OK;
}
