/* query.c -- reading the store: observations selected and ordered as a frame, and the output order
 * of codes (ids and areas by text, periods by time). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static int cmp_text(const void *a, const void *b, void *arg)
{
    const pool *p = arg;
    return strcmp(p->strs[*(const uint32_t *)a], p->strs[*(const uint32_t *)b]);
}

/* rank[code] = position of code in the order of cmp (caller frees). */
static int64_t *ranks_by(uint32_t n, int (*cmp)(const void *, const void *, void *), void *arg)
{
    int64_t *rank = bench_malloc((n ? n : 1) * sizeof *rank);
    uint32_t *order = bench_malloc((n ? n : 1) * sizeof *order);
    if (!rank || !order) {
        bench_free(rank);
        bench_free(order);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    qsort_r(order, n, sizeof *order, cmp, arg);
    for (uint32_t i = 0; i < n; i++)
        rank[order[i]] = i;
    bench_free(order);
    return rank;
}

/* rank[code] = position of the code in text order. */
static int64_t *pool_text_ranks(const pool *p) { return ranks_by(p->n, cmp_text, (void *)p); }

static int cmp_key(const void *a, const void *b, void *arg)
{
    const int64_t *keys = arg;
    int64_t x = keys[*(const uint32_t *)a], y = keys[*(const uint32_t *)b];
    return (x > y) - (x < y);
}

/* rank[code] = position of the period in time. */
static int64_t *period_ranks(const bench_db *db) { return ranks_by(db->periods.n, cmp_key, db->period_keys); }

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
    bench_free(r->ind);
    bench_free(r->area);
    bench_free(r->period);
    bench_free(r->source);
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
    CHECK_VERSION(db, q, BENCH_QUERY_VERSION, BENCH_QUERY_VERSION, "bench_query");
    uint8_t *f_ind = NULL, *f_area = NULL, *f_period = NULL;
    uint64_t *keys = NULL;
    uint32_t *rows = NULL;
    bench_frame *f = NULL;
    ranks_t rk = { 0 };
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
                (f_period && !f_period[o->period[r]]) || !(gmask >> o->gender[r] & 1) || !(kmask >> o->kind[r] & 1))
                continue;
            keys[n] = (uint64_t)rk.ind[o->indicator[r]] << 48 | (uint64_t)rk.area[o->area[r]] << 32 |
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
        if (!ind || !area || !period || !gender || !kind || !value || !count || !status || !source) {
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
            const frame_codes codes[] = {
                { 0, db->indicators.n, pool_text, &db->indicators, rk.ind },
                { 1, db->areas.n, pool_text, &db->areas, rk.area },
                { 2, db->periods.n, pool_text, &db->periods, rk.period },
                { 3, 3, gender_text, NULL, enum_rank },
                { 4, 4, kind_text, NULL, enum_rank },
                { 7, 7, status_text, NULL, enum_rank },
                { 8, db->sources.n, pool_text, &db->sources, rk.source },
            };
            st = frame_compact_columns(f, codes, sizeof codes / sizeof codes[0]);
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
