/* normalize.c -- per invånare, per 1 000 / 10 000 / 100 000 and shares: value / population * scale. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_TERMS 128

/* Denominators keyed by (area, period, gender); each term kept apart so a
 * missing term makes the sum missing instead of smaller. */
typedef struct denom_map {
    uint64_t *keys;    /* key + 1; 0 = empty slot */
    double *terms;     /* cap * nterms */
    uint32_t *rows;    /* cap * nterms: row + 1 of the term's value, 0 = none */
    size_t cap, nterms;
} denom_map;

static uint64_t key_of(const obs_columns *o, size_t r)
{
    return ((uint64_t)o->area[r] << 32 | (uint64_t)o->period[r] << 16 | o->gender[r]) + 1;
}

static size_t slot_of(const denom_map *m, uint64_t key)
{
    size_t mask = m->cap - 1;
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 20) & mask;
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

static bench_status denom_build(denom_map *m, const bench_db *db, const uint32_t *terms, size_t nterms)
{
    const obs_columns *o = &db->obs;
    size_t n = 0;
    for (size_t r = 0; r < o->n; r++)
        for (size_t j = 0; j < nterms; j++)
            n += o->indicator[r] == terms[j] && o->kind[r] == BENCH_KIND_UTFALL;
    m->nterms = nterms;
    m->cap = 64;
    while (m->cap < n * 2)
        m->cap *= 2;
    m->keys = bench_calloc(m->cap, sizeof *m->keys);
    m->terms = bench_calloc(m->cap * nterms, sizeof *m->terms);
    m->rows = bench_calloc(m->cap * nterms, sizeof *m->rows);
    if (!m->keys || !m->terms || !m->rows)
        return BENCH_ENOMEM;
    for (size_t r = 0; r < o->n; r++) {
        if (o->kind[r] != BENCH_KIND_UTFALL)
            continue;
        for (size_t j = 0; j < nterms; j++) {
            if (o->indicator[r] != terms[j])
                continue;
            uint64_t key = key_of(o, r);
            size_t i = slot_of(m, key);
            m->keys[i] = key;
            /* with several sources for one key, the one imported most recently wins */
            uint32_t have = m->rows[i * nterms + j];
            if (have && !source_newer(db, o->source[r], o->source[have - 1]))
                continue;
            m->rows[i * nterms + j] = (uint32_t)(r + 1);
            m->terms[i * nterms + j] = o->value[r];
        }
    }
    return BENCH_OK;
}

static void denom_free(denom_map *m)
{
    bench_free(m->keys);
    bench_free(m->terms);
    bench_free(m->rows);
}

/* The denominator for row r's key, or NaN when a term is missing. */
static double denom_get(const denom_map *m, const bench_db *db, size_t r)
{
    size_t i = slot_of(m, key_of(&db->obs, r));
    if (!m->keys[i])
        return NAN;
    double sum = 0;
    for (size_t j = 0; j < m->nterms; j++) {
        uint32_t row = m->rows[i * m->nterms + j];
        if (!row || db->obs.status[row - 1] != BENCH_OBS_OK)
            return NAN;
        sum += m->terms[i * m->nterms + j];
    }
    return sum;
}

/* Rows [begin, end) of a per-capita result: what one thread writes. */
typedef struct fill_part {
    const bench_db *db;
    const denom_map *m;
    const uint32_t *rows;
    double scale;
    size_t begin, end;
    uint32_t *ind, *area, *period, *gender, *source, *status;
    double *value, *denom, *result;
} fill_part;

static void *fill_rows(void *arg)
{
    const fill_part *p = arg;
    const obs_columns *o = &p->db->obs;
    for (size_t i = p->begin; i < p->end; i++) {
        uint32_t r = p->rows[i];
        p->ind[i] = o->indicator[r];
        p->area[i] = o->area[r];
        p->period[i] = o->period[r];
        p->gender[i] = o->gender[r];
        p->source[i] = o->source[r];
        p->value[i] = o->value[r];
        double d = denom_get(p->m, p->db, r);
        p->denom[i] = d;
        if (o->status[r] != BENCH_OBS_OK) {
            p->status[i] = o->status[r];
            p->result[i] = NAN;
        } else if (isnan(d)) {
            p->status[i] = BENCH_OBS_NO_DENOMINATOR;
            p->result[i] = NAN;
        } else if (d == 0) {
            p->status[i] = BENCH_OBS_ZERO_DENOMINATOR;
            p->result[i] = NAN;
        } else {
            double v = o->value[r] / d * p->scale;
            p->status[i] = isfinite(v) ? BENCH_OBS_OK : BENCH_OBS_ZERO_DENOMINATOR;
            p->result[i] = isfinite(v) ? v : NAN;
        }
    }
    return NULL;
}

static void describe(char *buf, size_t size, double scale, const char *label, const char *terms)
{
    char who[300];
    if (label)
        snprintf(who, sizeof who, "%s", label);
    else
        snprintf(who, sizeof who, "invånare (%s)", terms);
    if (scale == 1)
        snprintf(buf, size, "per %s", who);
    else if (scale == 100)
        snprintf(buf, size, "andel (%%) av %s", who);
    else if (scale == 1000)
        snprintf(buf, size, "per 1 000 %s", who);
    else if (scale == 10000)
        snprintf(buf, size, "per 10 000 %s", who);
    else if (scale == 100000)
        snprintf(buf, size, "per 100 000 %s", who);
    else
        snprintf(buf, size, "per %s × %g", who, scale);
}

bench_status bench_per_capita(bench_frame **out, bench_db *db, const bench_per_capita_options *opts)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (!out || !opts)
        return DB_FAIL(db, BENCH_EINVAL, "bench_per_capita: out and opts are required");
    *out = NULL;
    if (opts->version != BENCH_PER_CAPITA_VERSION)
        return DB_FAIL(db, BENCH_EINVAL, "bench_per_capita_options.version is %u, expected %u",
                       opts->version, BENCH_PER_CAPITA_VERSION);
    if (!(opts->scale > 0) || !isfinite(opts->scale))
        return DB_FAIL(db, BENCH_EINVAL, "scale must be a positive number such as 1, 100, 1000 or 10000");
    static const char *const default_population[] = {"N01951"};
    const char *const *pop = opts->population ? opts->population : default_population;
    size_t npop = opts->population ? opts->n_population : 1;
    if (npop == 0 || npop > MAX_TERMS)
        return DB_FAIL(db, BENCH_EINVAL, "population needs 1 to %d indicators", MAX_TERMS);
    int64_t num = db_find(db, CODE_INDICATOR, opts->indicator); /* -1 without one: every indicator */
    if (num < 0 && opts->indicator)
        return DB_FAIL(db, BENCH_ENOTFOUND, "indicator \"%s\" is not in the database", opts->indicator);
    uint32_t terms[MAX_TERMS];
    char term_text[MAX_TERMS * 130] = "";
    for (size_t j = 0; j < npop; j++) {
        int64_t k = db_find(db, CODE_INDICATOR, pop[j]);
        if (k < 0)
            return DB_FAIL(db, BENCH_ENOTFOUND,
                           "population indicator \"%s\" is not in the database: import it first (e.g. Kolada N01951, invånare totalt)",
                           pop[j] ? pop[j] : "(null)");
        terms[j] = (uint32_t)k;
        if (j)
            strcat(term_text, "+");
        strcat(term_text, db->indicators.strs[k]);
    }

    const obs_columns *o = &db->obs;
    denom_map m = {0};
    uint64_t *keys = NULL;
    uint32_t *rows = NULL;
    bench_frame *f = NULL;
    ranks_t rk = {0};
    /* a population in the catalogue but without values is a missing import, not a
     * table of missing denominators */
    for (size_t j = 0; j < npop; j++) {
        size_t r = 0;
        while (r < o->n && !(o->indicator[r] == terms[j] && o->kind[r] == BENCH_KIND_UTFALL))
            r++;
        if (r == o->n)
            return DB_FAIL(db, BENCH_ENOTFOUND,
                           "population indicator %s has no values: import it first (e.g. Kolada N01951, invånare totalt)",
                           db->indicators.strs[terms[j]]);
    }
    uint8_t *is_term = bench_calloc(db->indicators.n ? db->indicators.n : 1, 1);
    if (!is_term)
        return DB_FAIL(db, BENCH_ENOMEM, "out of memory");
    for (size_t j = 0; j < npop; j++)
        is_term[terms[j]] = 1;
    bench_status st = denom_build(&m, db, terms, npop);
    size_t n = 0;
    if (!st)
        st = ranks_make(&rk, db);
    if (!st) {
        keys = bench_malloc((o->n ? o->n : 1) * sizeof *keys);
        rows = bench_malloc((o->n ? o->n : 1) * sizeof *rows);
        if (!keys || !rows)
            st = BENCH_ENOMEM;
    }
    if (!st) {
        for (size_t r = 0; r < o->n; r++) {
            if (o->kind[r] != BENCH_KIND_UTFALL || (num >= 0 && o->indicator[r] != (uint32_t)num) ||
                (num < 0 && is_term[o->indicator[r]]))
                continue;
            keys[n] = (uint64_t)rk.ind[o->indicator[r]] << 48;
            keys[n] |= (uint64_t)rk.area[o->area[r]] << 32 | (uint64_t)rk.period[o->period[r]] << 16 |
                      (uint64_t)o->gender[r] << 12 | (uint64_t)rk.source[o->source[r]];
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
        double *value = frame_add(f, 4, "value", BENCH_COLUMN_F64);
        double *denom = frame_add(f, 5, "denominator", BENCH_COLUMN_F64);
        double *result = frame_add(f, 6, "result", BENCH_COLUMN_F64);
        uint32_t *status = frame_add(f, 7, "status", BENCH_COLUMN_CODE);
        uint32_t *source = frame_add(f, 8, "source", BENCH_COLUMN_CODE);
        if (!ind || !area || !period || !gender || !value || !denom || !result || !status || !source)
            st = BENCH_ENOMEM;
        if (!st) {
            fill_part parts[2];
            for (int t = 0; t < 2; t++)
                parts[t] = (fill_part){db, &m, rows, opts->scale, 0, n, ind, area, period, gender, source, status,
                                       value, denom, result};
            /* two threads, each half of the rows, for a large result */
            bool two = n >= PARALLEL_MIN_ROWS;
            parts[0].end = parts[1].begin = two ? n / 2 : n;
            run_pair(fill_rows, &parts[0], &parts[1], two);
        }
        if (!st)
            st = frame_compact_codes(f, 0, db->indicators.n, pool_text, &db->indicators, rk.ind);
        if (!st)
            st = frame_compact_codes(f, 1, db->areas.n, pool_text, &db->areas, rk.area);
        if (!st)
            st = frame_compact_codes(f, 2, db->periods.n, pool_text, &db->periods, rk.period);
        if (!st)
            st = frame_compact_codes(f, 3, 3, gender_text, NULL, enum_rank);
        if (!st)
            st = frame_compact_codes(f, 7, 7, status_text, NULL, enum_rank);
        if (!st)
            st = frame_compact_codes(f, 8, db->sources.n, pool_text, &db->sources, rk.source);
        char method[512];
        describe(method, sizeof method, opts->scale, opts->population_label, term_text);
        char scale_text[32];
        snprintf(scale_text, sizeof scale_text, "%g", opts->scale);
        if (!st)
            st = frame_set_meta(f, "method", method);
        if (!st)
            st = frame_set_meta(f, "population", term_text);
        if (!st)
            st = frame_set_meta(f, "scale", scale_text);
    }
    denom_free(&m);
    bench_free(is_term);
    bench_free(keys);
    bench_free(rows);
    ranks_free(&rk);
    if (st) {
        bench_frame_free(f);
        return DB_FAIL(db, st, "bench_per_capita: %s", bench_strerror(st));
    }
    *out = f;
    return BENCH_OK;
}
