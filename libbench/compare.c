/* compare.c -- ranks, percentiles, KKiK colours and statistics over a set of areas (rules in bench.h). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* rank colours, then the significance colours of an indicator without a direction */
enum colour {
    C_GREEN,
    C_YELLOW,
    C_RED,
    C_GREY,
    C_NONE,
    C_HIGHER,
    C_LOWER,
    C_SIMILAR,
    N_COLOURS
};

static const char *colour_text(const void *unused, uint32_t code)
{
    (void)unused;
    static const char *const names[] = { "green", "yellow", "red", "grey", "", "higher", "lower", "similar" };
    return code < N_COLOURS ? names[code] : "";
}

/* true when a is better than b under the direction (unknown ranks high first) */
static inline bool better(double a, double b, int direction)
{
    return direction == BENCH_DIRECTION_LOWER ? a < b : a > b;
}

/* Ranks, percentiles and colours of n values sorted best first. */
static void rank_sorted(const double *v, size_t n, int direction, int32_t *rank, double *pct, uint32_t *colour)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        while (j < n && v[j] == v[i])
            j++;
        /* rows i..j-1 tie: b = i better, w = n - j worse */
        double b = (double)i, w = (double)(n - j), quarter = (double)n / 4.0;
        uint32_t c;
        if (direction == BENCH_DIRECTION_NONE)
            c = C_NONE;
        else if (b < quarter && w < quarter)
            c = C_YELLOW;
        else if (b < quarter)
            c = C_GREEN;
        else if (w < quarter)
            c = C_RED;
        else
            c = C_YELLOW;
        for (size_t k = i; k < j; k++) {
            rank[k] = (int32_t)(i + 1);
            pct[k] = n > 1 ? 100.0 * w / (double)(n - 1) : 100.0;
            colour[k] = c;
        }
        i = j;
    }
}

/* Whether n values among n_set areas are enough to rank: at least two, and at least the share
 * min_coverage of the set (0: always). */
static bool enough_to_rank(size_t n, size_t n_set, double min_coverage)
{
    if (min_coverage <= 0)
        return true;
    return n >= 2 && (double)n >= min_coverage * (double)n_set - 1e-9;
}

/* The rows of a group that is not ranked: no rank, no percentile, grey. */
static void unrank(int32_t *rank, double *pct, uint32_t *colour, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rank[i] = 0;
        pct[i] = NAN;
        colour[i] = C_GREY;
    }
}

static bool valid_coverage(double c) { return c >= 0 && c <= 1; }

/* The mean of n finite values: their sum / n, or, when the sum overflows, the sum of each
 * value / n, which stays finite (between the smallest and largest value). */
static double mean_of(const double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    if (isfinite(sum))
        return sum / (double)n;
    sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i] / (double)n;
    return sum;
}

/* Linear interpolation between order statistics of ascending a[0..n) (numpy type 7). */
static double quantile(const double *a, size_t n, double q)
{
    if (!n)
        return NAN;
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return a[lo] + (h - (double)lo) * (a[hi] - a[lo]);
}

/* ---- the set of areas ------------------------------------------------------- */

/* The key of a value: indicator, area, period, gender and kind (its source left out). */
static uint64_t value_key(const obs_columns *o, uint32_t r)
{
    return (uint64_t)o->indicator[r] << 40 | (uint64_t)o->area[r] << 24 | (uint64_t)o->period[r] << 8 |
           (uint64_t)o->gender[r] << 4 | o->kind[r];
}

static uint64_t key_of_value(const void *o, uint32_t r) { return value_key(o, r); }

/* winner[r] = 1 when row r is the value used for its key: with several
 * sources for one key, the source imported most recently wins. */
static bench_status source_winners(uint8_t **out, const bench_db *db, const uint32_t *rows, size_t n)
{
    *out = NULL;
    if (db->sources.n <= 1)
        return BENCH_OK;
    const obs_columns *o = &db->obs;
    /* only indicators with values from more than one source can have two rows for a key */
    uint32_t *first = bench_malloc((db->indicators.n ? db->indicators.n : 1) * sizeof *first);
    uint8_t *multi = bench_calloc(db->indicators.n ? db->indicators.n : 1, 1);
    if (!first || !multi) {
        bench_free(first);
        bench_free(multi);
        return BENCH_ENOMEM;
    }
    for (uint32_t k = 0; k < db->indicators.n; k++)
        first[k] = UINT32_MAX;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = rows[i], k = o->indicator[r];
        if (first[k] == UINT32_MAX)
            first[k] = o->source[r];
        else if (first[k] != o->source[r])
            multi[k] = any = true;
    }
    bench_free(first);
    if (!any) {
        bench_free(multi);
        return BENCH_OK;
    }
    hash_index index;
    uint8_t *win = bench_malloc(o->n ? o->n : 1);
    if (hash_index_init(&index, n) || !win) {
        hash_index_free(&index);
        bench_free(win);
        bench_free(multi);
        return BENCH_ENOMEM;
    }
    memset(win, 1, o->n ? o->n : 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t r = rows[i];
        if (!multi[o->indicator[r]])
            continue;
        uint64_t key = value_key(o, r), h = hash_of(key);
        hash_slot *slot = hash_index_slot(&index, h, key, key_of_value, o);
        if (!slot->entry) {
            hash_index_add(&index, slot, h, r);
        } else if (row_wins(db, r, (int64_t)slot->entry - 1)) {
            win[slot->entry - 1] = 0;
            slot->entry = r + 1;
        } else {
            win[r] = 0;
        }
    }
    hash_index_free(&index);
    bench_free(multi);
    *out = win;
    return BENCH_OK;
}

static int indicator_direction(const bench_db *db, uint32_t ind, int direction)
{
    return direction == BENCH_DIRECTION_DEFAULT ? db->ind_meta[ind].direction : direction;
}

static bool valid_direction(int d)
{
    return d == BENCH_DIRECTION_DEFAULT || d == BENCH_DIRECTION_NONE || d == BENCH_DIRECTION_HIGHER ||
           d == BENCH_DIRECTION_LOWER;
}

/* ---- one cross-section --------------------------------------------------------- */

typedef struct ranked {
    double v;
    uint32_t area;
    uint32_t source;
} ranked;

static int cmp_lower(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->area > y->area) - (x->area < y->area);
}

static int cmp_higher(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return (x->area > y->area) - (x->area < y->area);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The value of each area for `ind` in the cross-section (the most recent source), NaN where
 * there is none or it is not ok; `v` holds db->areas.n entries. */
static bench_status cross_section(double *v, const bench_db *db, uint32_t ind, uint32_t period, int gender, int kind)
{
    const obs_columns *o = &db->obs;
    int64_t *row = (int64_t *)bench_malloc((db->areas.n ? db->areas.n : 1) * sizeof *row);
    for (uint32_t a = 0; a < db->areas.n; a++)
        v[a] = NAN;
    if (!row)
        return BENCH_ENOMEM;
    for (uint32_t a = 0; a < db->areas.n; a++)
        row[a] = -1;
    for (size_t r = 0; r < o->n; r++)
        if (o->indicator[r] == ind && o->period[r] == period && o->gender[r] == gender && o->kind[r] == kind &&
            row_wins(db, r, row[o->area[r]]))
            row[o->area[r]] = (int64_t)r;
    for (uint32_t a = 0; a < db->areas.n; a++)
        if (row[a] >= 0 && o->status[row[a]] == BENCH_OBS_OK)
            v[a] = o->value[row[a]];
    bench_free(row);
    return BENCH_OK;
}

/* Colours by the interval of each value against a reference (the rule in bench.h). */
static bench_status significance_colours(bench_db *db, const bench_compare_options *opts, uint32_t ind, uint32_t period,
                                         int direction, double mean, const ranked *val, size_t n, uint32_t *colour)
{
    char id[160];
    int64_t bounds[2];
    static const char *const suffix[] = { ":ci_low", ":ci_high" };
    for (int b = 0; b < 2; b++) {
        int len = snprintf(id, sizeof id, "%s%s", db->indicators.strs[ind], suffix[b]);
        bounds[b] = len < (int)sizeof id ? indicator_find(db, id, (size_t)len) : -1;
        if (bounds[b] < 0)
            return DB_FAIL(db, BENCH_ENOTFOUND,
                           "%s has no confidence interval (%s): store it with per_capita or ratio and ci, or "
                           "pair a Kolada osäkerhetstal (bench_uncertainty_pair)",
                           db->indicators.strs[ind], id);
    }
    double reference = mean;
    double *lo = bench_malloc((db->areas.n ? db->areas.n : 1) * sizeof *lo);
    double *hi = bench_malloc((db->areas.n ? db->areas.n : 1) * sizeof *hi);
    if (!lo || !hi) {
        bench_free(lo);
        bench_free(hi);
        return DB_FAIL(db, BENCH_ENOMEM, "out of memory");
    }
    bench_status st = BENCH_OK;
    if (opts->reference_area) {
        int64_t a = db_find(db, CODE_AREA, opts->reference_area);
        st = cross_section(lo, db, ind, period, opts->gender, opts->kind); /* lo holds the values for now */
        reference = a >= 0 ? lo[a] : NAN;
        if (st)
            st = DB_FAIL(db, st, "out of memory");
        else if (isnan(reference))
            st = DB_FAIL(db, BENCH_ENOTFOUND, "reference area \"%s\" has no value of %s for %s", opts->reference_area,
                         db->indicators.strs[ind], db->periods.strs[period]);
    } else if (isfinite(opts->reference)) {
        reference = opts->reference;
    }
    if (!st && (cross_section(lo, db, (uint32_t)bounds[0], period, opts->gender, opts->kind) ||
                cross_section(hi, db, (uint32_t)bounds[1], period, opts->gender, opts->kind)))
        st = DB_FAIL(db, BENCH_ENOMEM, "out of memory");
    if (!st) {
        for (size_t i = 0; i < n; i++) {
            double l = lo[val[i].area], h = hi[val[i].area];
            if (isnan(l) || isnan(h))
                colour[i] = C_GREY; /* a value without an interval: no judgement */
            else if (l > reference)
                colour[i] = direction == BENCH_DIRECTION_HIGHER  ? C_GREEN
                            : direction == BENCH_DIRECTION_LOWER ? C_RED
                                                                 : C_HIGHER;
            else if (h < reference)
                colour[i] = direction == BENCH_DIRECTION_HIGHER  ? C_RED
                            : direction == BENCH_DIRECTION_LOWER ? C_GREEN
                                                                 : C_LOWER;
            else
                colour[i] = direction == BENCH_DIRECTION_NONE ? C_SIMILAR : C_YELLOW;
        }
    }
    bench_free(lo);
    bench_free(hi);
    return st;
}

/* ---- bench_compare: the request, the values, the statistics, the frame ------------------ */

/* What a bench_compare call asks, checked and found in the database. */
typedef struct compare_request {
    uint32_t ind, period;
    int direction;         /* resolved from the catalogue when asked */
    uint32_t weights[128]; /* population indicators summed for the weighted mean */
    size_t n_weights;
    int weight_period;
    double min_coverage;
} compare_request;

static bench_status compare_request_make(compare_request *q, bench_db *db, const bench_compare_options *opts)
{
    CHECK_VERSION(db, opts, 1, BENCH_COMPARE_VERSION, "bench_compare_options");
    if (!valid_direction(opts->direction) || (unsigned)opts->gender > BENCH_GENDER_M ||
        (unsigned)opts->kind > BENCH_KIND_PROGNOS)
        return DB_FAIL(db, BENCH_EINVAL, "bench_compare: bad direction, gender or kind");
    DB_REQUIRE(&q->ind, db, CODE_INDICATOR, opts->indicator, "indicator");
    DB_REQUIRE(&q->period, db, CODE_PERIOD, opts->period, "period");
    /* the weights: one population indicator, or (version 2) several summed */
    const char *const *weight_ids = opts->weight ? &opts->weight : NULL;
    q->n_weights = opts->weight ? 1 : 0;
    q->weight_period = BENCH_DENOMINATOR_SAME;
    if (opts->version >= 2) {
        if (!opts->weight && opts->weights) {
            weight_ids = opts->weights;
            q->n_weights = opts->n_weights;
        }
        q->weight_period = opts->weight_period;
    }
    q->min_coverage = opts->version >= 3 ? opts->min_coverage : 0;
    if (!valid_coverage(q->min_coverage))
        return DB_FAIL(db, BENCH_EINVAL, "bench_compare: min_coverage is %g, expected a share from 0 to 1",
                       q->min_coverage);
    if (opts->version >= 3 && opts->colours != BENCH_COLOURS_RANK && opts->colours != BENCH_COLOURS_SIGNIFICANCE)
        return DB_FAIL(db, BENCH_EINVAL, "bench_compare: colours is %d, expected rank or significance", opts->colours);
    if (q->n_weights > 128 ||
        (q->weight_period != BENCH_DENOMINATOR_SAME && q->weight_period != BENCH_DENOMINATOR_PREVIOUS))
        return DB_FAIL(db, BENCH_EINVAL, "bench_compare: 1 to 128 weights, and weight_period same or previous");
    for (size_t j = 0; j < q->n_weights; j++)
        DB_REQUIRE(&q->weights[j], db, CODE_INDICATOR, weight_ids[j], "population indicator");
    q->direction = indicator_direction(db, q->ind, opts->direction);
    return BENCH_OK;
}

/* One comparison's working arrays: the values of the set best first, their ranks and colours. */
typedef struct comparison {
    uint8_t *set;       /* per area: in the set */
    uint8_t *has_value; /* per area: has a value */
    size_t n_set, n;    /* areas in the set, of them with a value */
    ranked *val;        /* n values, best first */
    double *sorted;     /* the values, sorted as val, then ascending for the statistics */
    int32_t *rank;
    double *pct;
    uint32_t *colour;
} comparison;

static void comparison_free(comparison *c)
{
    bench_free(c->set);
    bench_free(c->has_value);
    bench_free(c->val);
    bench_free(c->sorted);
    bench_free(c->rank);
    bench_free(c->pct);
    bench_free(c->colour);
}

/* The areas of the set with an ok value (the most recent source's), best first. */
static bench_status comparison_values(comparison *c, const bench_db *db, const compare_request *q,
                                      const bench_compare_options *opts)
{
    const obs_columns *o = &db->obs;
    uint8_t *win = NULL;
    size_t nrows = 0;
    uint32_t *rows = bench_malloc((o->n ? o->n : 1) * sizeof *rows);
    c->has_value = bench_calloc(db->areas.n ? db->areas.n : 1, 1);
    if (!rows || !c->has_value) {
        bench_free(rows);
        return BENCH_ENOMEM;
    }
    for (size_t r = 0; r < o->n; r++)
        if (o->indicator[r] == q->ind && o->period[r] == q->period && o->gender[r] == opts->gender &&
            o->kind[r] == opts->kind && c->set[o->area[r]])
            rows[nrows++] = (uint32_t)r;
    bench_status st = source_winners(&win, db, rows, nrows);
    size_t m = nrows ? nrows : 1;
    if (!st) {
        c->val = bench_malloc(m * sizeof *c->val);
        c->sorted = bench_malloc(m * sizeof *c->sorted);
        c->rank = bench_malloc(m * sizeof *c->rank);
        c->pct = bench_malloc(m * sizeof *c->pct);
        c->colour = bench_malloc(m * sizeof *c->colour);
        if (!c->val || !c->sorted || !c->rank || !c->pct || !c->colour)
            st = BENCH_ENOMEM;
    }
    for (size_t i = 0; !st && i < nrows; i++) {
        uint32_t r = rows[i];
        if ((win && !win[r]) || o->status[r] != BENCH_OBS_OK)
            continue;
        c->val[c->n] = (ranked){ o->value[r], o->area[r], o->source[r] };
        c->has_value[o->area[r]] = 1;
        c->n++;
    }
    bench_free(rows);
    bench_free(win);
    if (!st)
        qsort(c->val, c->n, sizeof *c->val, q->direction == BENCH_DIRECTION_LOWER ? cmp_lower : cmp_higher);
    return st;
}

/* Ovägt medel (of the values best first, the order every mean here is summed in), then
 * median, quartiles, min and max (the values sorted ascending in place). */
static void comparison_stats(bench_compare_stats *stats, double *sorted, size_t n)
{
    if (!n)
        return;
    stats->unweighted_mean = mean_of(sorted, n);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    stats->min = sorted[0];
    stats->max = sorted[n - 1];
    stats->median = quantile(sorted, n, 0.5);
    stats->q1 = quantile(sorted, n, 0.25);
    stats->q3 = quantile(sorted, n, 0.75);
}

/* The mean weighted by the population indicators of the request (found as per_capita finds its
 * denominators); NaN when no value has a positive weight. */
static bench_status weighted_mean(double *out, const bench_db *db, const compare_request *q, int gender,
                                  const ranked *val, size_t n)
{
    *out = NAN;
    if (!q->n_weights || !n)
        return BENCH_OK;
    denominator den;
    bench_status st = denominator_build(&den, db, q->weights, q->n_weights, q->weight_period);
    if (st)
        return st;
    double sw = 0, swv = 0;
    for (size_t i = 0; i < n; i++) {
        double w = denominator_of(&den, db, val[i].area, q->period, gender);
        if (!(w > 0))
            continue;
        sw += w;
        swv += w * val[i].v;
    }
    if (sw > 0 && isfinite(sw) && !isfinite(swv)) { /* w * v overflowed: weights as shares */
        swv = 0;
        for (size_t i = 0; i < n; i++) {
            double w = denominator_of(&den, db, val[i].area, q->period, gender);
            if (w > 0)
                swv += w / sw * val[i].v;
        }
        sw = 1;
    }
    if (sw > 0 && isfinite(sw))
        *out = swv / sw;
    denominator_free(&den);
    return BENCH_OK;
}

/* The frame: the areas with a value best first, then the rest of the set by code. */
static bench_status comparison_frame(bench_frame **out, const bench_db *db, const comparison *c, bool ranked_ok)
{
    bench_frame *f = NULL;
    bench_status st = frame_new(&f, 6, c->n_set);
    if (st)
        return st;
    uint32_t *area = frame_add(f, 0, "area", BENCH_COLUMN_CODE);
    double *value = frame_add(f, 1, "value", BENCH_COLUMN_F64);
    int32_t *rk = frame_add(f, 2, "rank", BENCH_COLUMN_I32);
    double *pc = frame_add(f, 3, "percentile", BENCH_COLUMN_F64);
    uint32_t *col = frame_add(f, 4, "colour", BENCH_COLUMN_CODE);
    uint32_t *src = frame_add(f, 5, "source", BENCH_COLUMN_CODE);
    ranks_t rks = { 0 };
    uint32_t *rest = bench_malloc((c->n_set - c->n + 1) * sizeof *rest);
    uint64_t *keys = bench_malloc((c->n_set - c->n + 1) * sizeof *keys);
    if (!area || !value || !rk || !pc || !col || !src || !rest || !keys)
        st = BENCH_ENOMEM;
    if (!st)
        st = ranks_make(&rks, db);
    size_t k = 0, m = 0;
    for (size_t i = 0; !st && i < c->n; i++, k++) {
        area[k] = c->val[i].area;
        value[k] = c->val[i].v;
        rk[k] = c->rank[i];
        pc[k] = c->pct[i];
        col[k] = c->colour[i];
        src[k] = c->val[i].source;
    }
    for (uint32_t a = 0; !st && a < db->areas.n; a++)
        if (c->set[a] && !c->has_value[a]) {
            keys[m] = (uint64_t)rks.area[a];
            rest[m++] = a;
        }
    if (!st)
        st = sort_pairs(keys, rest, m);
    for (size_t i = 0; !st && i < m; i++, k++) {
        area[k] = rest[i];
        value[k] = NAN;
        rk[k] = 0;
        pc[k] = NAN;
        col[k] = C_GREY;
        src[k] = db->sources.n; /* no value, no source: "" */
    }
    if (!st)
        st = frame_compact_codes(f, 0, db->areas.n, pool_text, &db->areas, rks.area);
    if (!st)
        st = frame_compact_codes(f, 4, N_COLOURS, colour_text, NULL, enum_rank);
    if (!st)
        st = frame_compact_codes(f, 5, db->sources.n + 1, pool_text, &db->sources, NULL);
    char coverage[32];
    snprintf(coverage, sizeof coverage, "%.6g", c->n_set ? (double)c->n / (double)c->n_set : 0.0);
    if (!st)
        st = frame_set_meta(f, "coverage", coverage);
    if (!st)
        st = frame_set_meta(f, "ranked", ranked_ok ? "yes" : "no");
    bench_free(rest);
    bench_free(keys);
    ranks_free(&rks);
    if (st)
        bench_frame_free(f);
    else
        *out = f;
    return st;
}

bench_status bench_compare(bench_frame **out, bench_compare_stats *out_stats, bench_db *db,
                           const bench_compare_options *opts)
{
    FRAME_CALL_BEGIN(db, out, opts, "bench_compare");
    compare_request q;
    bench_status st = compare_request_make(&q, db, opts);
    if (st)
        return st;
    comparison c = { 0 };
    st = area_selection(&c.set, db, opts->areas, opts->n_areas, true);
    if (st)
        return st;
    for (uint32_t a = 0; a < db->areas.n; a++)
        c.n_set += c.set[a];
    st = comparison_values(&c, db, &q, opts);
    bool ranked_ok = enough_to_rank(c.n, c.n_set, q.min_coverage);
    bench_compare_stats stats = { c.n, c.n_set, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
    if (!st) {
        for (size_t i = 0; i < c.n; i++)
            c.sorted[i] = c.val[i].v;
        rank_sorted(c.sorted, c.n, q.direction, c.rank, c.pct, c.colour);
        if (!ranked_ok)
            unrank(c.rank, c.pct, c.colour, c.n);
        comparison_stats(&stats, c.sorted, c.n);
        st = weighted_mean(&stats.weighted_mean, db, &q, opts->gender, c.val, c.n);
    }
    if (!st && opts->version >= 3 && opts->colours == BENCH_COLOURS_SIGNIFICANCE && ranked_ok)
        st = significance_colours(db, opts, q.ind, q.period, q.direction, stats.unweighted_mean, c.val, c.n, c.colour);
    if (!st && out_stats)
        *out_stats = stats;
    if (!st)
        st = comparison_frame(out, db, &c, ranked_ok);
    comparison_free(&c);
    if (st)
        return DB_FAIL(db, st, "bench_compare: %s", bench_strerror(st));
    return BENCH_OK;
}

/* ---- every group at once ---------------------------------------------------------- */

/* An unsigned 32-bit key that sorts values best first under the direction: the value
 * rounded to float, so distinct doubles may share a key (sort_group fixes their order). */
static inline uint32_t order_key32(double v, int direction)
{
    float f = (float)v;
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    b = (b >> 31) ? ~b : b | (1u << 31);
    return direction == BENCH_DIRECTION_LOWER ? b : ~b;
}

/* Sort a group's rows best first: an LSD radix sort on the 32-bit keys over the bytes that
 * vary, then an insertion pass on the exact values, which only moves rows whose doubles
 * rounded to the same float.  Scratch buffers hold at least n entries. */
static void sort_group(uint32_t *keys, uint32_t *rows, size_t n, const double *value, int direction, uint32_t *sk,
                       uint32_t *sr)
{
    uint32_t all_or = 0, all_and = ~0u;
    for (size_t a = 0; a < n; a++) {
        all_or |= keys[a];
        all_and &= keys[a];
    }
    uint32_t varying = n > 24 ? all_or ^ all_and : 0; /* small groups: insertion sort alone */
    uint32_t *src_k = keys, *dst_k = sk, *src_r = rows, *dst_r = sr;
    for (int shift = 0; shift < 32; shift += 8) {
        if (!((varying >> shift) & 0xff))
            continue;
        size_t count[256] = { 0 };
        for (size_t a = 0; a < n; a++)
            count[(src_k[a] >> shift) & 0xff]++;
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t a = 0; a < n; a++) {
            size_t pos = count[(src_k[a] >> shift) & 0xff]++;
            dst_k[pos] = src_k[a];
            dst_r[pos] = src_r[a];
        }
        uint32_t *t = src_k;
        src_k = dst_k;
        dst_k = t;
        t = src_r;
        src_r = dst_r;
        dst_r = t;
    }
    if (src_r != rows)
        memcpy(rows, src_r, n * sizeof *rows);
    for (size_t a = 1; a < n; a++) {
        uint32_t r = rows[a];
        size_t b = a;
        while (b > 0 && better(value[r], value[rows[b - 1]], direction)) {
            rows[b] = rows[b - 1];
            b--;
        }
        rows[b] = r;
    }
}

static uint64_t group_key(const obs_columns *o, uint32_t r)
{
    return (uint64_t)o->indicator[r] << 32 | (uint64_t)o->period[r] << 8 | o->gender[r];
}

typedef struct group_of_ctx {
    const obs_columns *o;
    const uint32_t *rows;
} group_of_ctx;

static uint64_t key_of_group(const void *ctx, uint32_t i)
{
    const group_of_ctx *g = ctx;
    return group_key(g->o, g->rows[i]);
}

/* Order rows by (indicator, period, gender) group with a counting sort; *out_start[g] is
 * where group g begins (ngroups + 1 entries).  Group numbers are dense when the code pools
 * are small; otherwise they are first numbered through a hash of the groups present. */
static bench_status group_rows(uint32_t **out_start, size_t *out_ngroups, const bench_db *db, uint32_t *rows,
                               uint64_t *scratch, size_t n)
{
    const obs_columns *o = &db->obs;
    uint64_t dense = (uint64_t)db->indicators.n * db->periods.n * 3;
    uint32_t *gid = (uint32_t *)scratch; /* the 64-bit scratch holds n uint32 group numbers */
    size_t ngroups;
    if (dense <= (uint64_t)n * 4 + (1u << 20)) {
        for (size_t i = 0; i < n; i++) {
            uint32_t r = rows[i];
            gid[i] = (uint32_t)(((uint64_t)o->indicator[r] * db->periods.n + o->period[r]) * 3 + o->gender[r]);
        }
        ngroups = (size_t)dense;
    } else {
        /* a group is numbered by the first of its rows (an index into rows) */
        group_of_ctx ctx = { o, rows };
        hash_index index;
        if (hash_index_init(&index, n))
            return BENCH_ENOMEM;
        ngroups = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t key = group_key(o, rows[i]), h = hash_of(key);
            hash_slot *slot = hash_index_slot(&index, h, key, key_of_group, &ctx);
            if (slot->entry) {
                gid[i] = gid[slot->entry - 1];
            } else {
                hash_index_add(&index, slot, h, (uint32_t)i);
                gid[i] = (uint32_t)ngroups++;
            }
        }
        hash_index_free(&index);
    }
    uint32_t *start = bench_calloc(ngroups + 1, sizeof *start);
    uint32_t *sorted = bench_malloc((n ? n : 1) * sizeof *sorted);
    if (!start || !sorted) {
        bench_free(start);
        bench_free(sorted);
        return BENCH_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        start[gid[i] + 1]++;
    for (size_t g = 0; g < ngroups; g++)
        start[g + 1] += start[g];
    /* place rows using a running copy of the starts, kept in `sorted`'s partner: the
     * counts are rebuilt afterwards from the group sizes */
    for (size_t i = 0; i < n; i++)
        sorted[start[gid[i]]++] = rows[i];
    for (size_t g = ngroups; g > 0; g--)
        start[g] = start[g - 1];
    start[0] = 0;
    memcpy(rows, sorted, n * sizeof *rows);
    bench_free(sorted);
    *out_start = start;
    *out_ngroups = ngroups;
    return BENCH_OK;
}

/* The groups [g0, g1) of a compare_all, ranked and written into the frame's columns; a part
 * of the work that one thread does, with its own scratch space. */
typedef struct group_work {
    const bench_db *db;
    const obs_columns *o;
    int direction;
    size_t n_set;
    double min_coverage;
    uint32_t *rows;
    const uint32_t *gstart;
    size_t g0, g1, largest;
    uint32_t *ind, *period, *gender, *area, *colour;
    double *value, *percentile, *mean;
    int32_t *rank, *count;
    bench_status status;
} group_work;

static void *rank_groups(void *arg)
{
    group_work *w = arg;
    w->status = BENCH_OK;
    if (w->g0 >= w->g1)
        return NULL;
    const obs_columns *o = w->o;
    uint32_t *rows = w->rows;
    size_t n = w->largest ? w->largest : 1;
    uint32_t *scratch_k = bench_malloc(n * sizeof *scratch_k), *scratch_r = bench_malloc(n * sizeof *scratch_r);
    uint32_t *keys32 = bench_malloc(n * sizeof *keys32);
    w->status = scratch_k && scratch_r && keys32 ? BENCH_OK : BENCH_ENOMEM;
    for (size_t g = w->g0; !w->status && g < w->g1; g++) {
        size_t i = w->gstart[g], j = w->gstart[g + 1];
        if (i == j)
            continue;
        int d = indicator_direction(w->db, o->indicator[rows[i]], w->direction);
        /* values first (keyed best first), rows without a value after them */
        size_t k = i, miss = 0;
        for (size_t a = i; a < j; a++) {
            uint32_t r = rows[a];
            if (o->status[r] == BENCH_OBS_OK) {
                keys32[k - i] = order_key32(o->value[r], d);
                rows[k++] = r;
            } else {
                scratch_r[miss++] = r;
            }
        }
        memcpy(rows + k, scratch_r, miss * sizeof *rows);
        sort_group(keys32, rows + i, k - i, o->value, d, scratch_k, scratch_r);
        /* the group's own codes, the same on each of its rows */
        uint32_t ind = o->indicator[rows[i]], period = o->period[rows[i]], gender = o->gender[rows[i]];
        for (size_t a = i; a < j; a++) {
            uint32_t r = rows[a];
            w->ind[a] = ind;
            w->period[a] = period;
            w->gender[a] = gender;
            w->area[a] = o->area[r];
            w->value[a] = a < k ? o->value[r] : NAN;
        }
        rank_sorted(w->value + i, k - i, d, w->rank + i, w->percentile + i, w->colour + i);
        if (!enough_to_rank(k - i, w->n_set, w->min_coverage))
            unrank(w->rank + i, w->percentile + i, w->colour + i, k - i);
        double group_mean = k > i ? mean_of(w->value + i, k - i) : NAN;
        for (size_t a = i; a < j; a++) {
            if (a >= k) {
                w->rank[a] = 0;
                w->percentile[a] = NAN;
                w->colour[a] = C_GREY;
            }
            w->count[a] = (int32_t)(k - i);
            w->mean[a] = group_mean;
        }
    }
    bench_free(scratch_k);
    bench_free(scratch_r);
    bench_free(keys32);
    return NULL;
}

bench_status bench_compare_all(bench_frame **out, bench_db *db, const char *const *areas, size_t n_areas,
                               bench_direction direction)
{
    bench_compare_all_options o = BENCH_COMPARE_ALL_INIT;
    o.areas = areas;
    o.n_areas = n_areas;
    o.direction = direction;
    o.min_coverage = 0;
    return bench_compare_all_ext(out, db, &o);
}

bench_status bench_compare_all_ext(bench_frame **out, bench_db *db, const bench_compare_all_options *opts)
{
    FRAME_CALL_BEGIN(db, out, opts, "bench_compare_all");
    CHECK_VERSION(db, opts, BENCH_COMPARE_ALL_VERSION, BENCH_COMPARE_ALL_VERSION, "bench_compare_all_options");
    int direction = opts->direction;
    if (!valid_direction(direction))
        return DB_FAIL(db, BENCH_EINVAL, "bench_compare_all: bad direction %d", direction);
    if (!valid_coverage(opts->min_coverage))
        return DB_FAIL(db, BENCH_EINVAL, "bench_compare_all: min_coverage is %g, expected a share from 0 to 1",
                       opts->min_coverage);
    uint8_t *set = NULL, *win = NULL;
    bench_status st = area_selection(&set, db, opts->areas, opts->n_areas, false);
    if (st)
        return st;
    size_t n_set = 0;
    for (uint32_t a = 0; a < db->areas.n; a++)
        n_set += set[a];
    const obs_columns *o = &db->obs;
    uint64_t *keys = bench_malloc((o->n ? o->n : 1) * sizeof *keys);
    uint32_t *rows = bench_malloc((o->n ? o->n : 1) * sizeof *rows);
    uint32_t *gstart = NULL; /* rows of group g are rows[gstart[g] .. gstart[g + 1]) */
    bench_frame *f = NULL;
    ranks_t rk = { 0 };
    size_t n = 0, ngroups = 0;
    if (!keys || !rows)
        st = BENCH_ENOMEM;
    if (!st) {
        for (size_t r = 0; r < o->n; r++)
            if (o->kind[r] == BENCH_KIND_UTFALL && set[o->area[r]])
                rows[n++] = (uint32_t)r;
        st = source_winners(&win, db, rows, n);
    }
    if (!st) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (!win || win[rows[i]])
                rows[m++] = rows[i];
        n = m;
        st = group_rows(&gstart, &ngroups, db, rows, keys, n);
    }
    size_t largest = 0;
    for (size_t g = 0; !st && g < ngroups; g++)
        if (gstart[g + 1] - gstart[g] > largest)
            largest = gstart[g + 1] - gstart[g];
    if (!st)
        st = ranks_make(&rk, db);
    if (!st)
        st = frame_new(&f, 10, n);
    /* results are written straight into the frame's columns, in group order */
    uint32_t *ind = NULL, *period = NULL, *gender = NULL, *area = NULL, *colour = NULL;
    double *value = NULL, *percentile = NULL, *mean = NULL;
    int32_t *rank = NULL, *count = NULL;
    if (!st) {
        ind = frame_add(f, 0, "indicator", BENCH_COLUMN_CODE);
        period = frame_add(f, 1, "period", BENCH_COLUMN_CODE);
        gender = frame_add(f, 2, "gender", BENCH_COLUMN_CODE);
        area = frame_add(f, 3, "area", BENCH_COLUMN_CODE);
        value = frame_add(f, 4, "value", BENCH_COLUMN_F64);
        rank = frame_add(f, 5, "rank", BENCH_COLUMN_I32);
        count = frame_add(f, 6, "n", BENCH_COLUMN_I32);
        percentile = frame_add(f, 7, "percentile", BENCH_COLUMN_F64);
        colour = frame_add(f, 8, "colour", BENCH_COLUMN_CODE);
        mean = frame_add(f, 9, "mean", BENCH_COLUMN_F64);
        if (!ind || !period || !gender || !area || !value || !rank || !count || !percentile || !colour || !mean)
            st = BENCH_ENOMEM;
    }
    if (!st) {
        /* two threads each take about half the rows, in whole groups */
        group_work w[2];
        for (int t = 0; t < 2; t++)
            w[t] = (group_work){
                db,     o,    direction, n_set, opts->min_coverage, rows, gstart, 0,     ngroups, largest, ind, period,
                gender, area, colour,    value, percentile,         mean, rank,   count, BENCH_OK
            };
        size_t half = ngroups;
        if (n >= PARALLEL_MIN_ROWS)
            for (half = 0; half < ngroups && gstart[half] < n / 2; half++)
                ;
        w[0].g1 = w[1].g0 = half;
        run_pair(rank_groups, &w[0], &w[1], n >= PARALLEL_MIN_ROWS);
        st = w[0].status ? w[0].status : w[1].status;
    }
    if (!st) {
        const frame_codes codes[] = { { 0, db->indicators.n, pool_text, &db->indicators, rk.ind },
                                      { 3, db->areas.n, pool_text, &db->areas, rk.area },
                                      { 1, db->periods.n, pool_text, &db->periods, rk.period },
                                      { 8, N_COLOURS, colour_text, NULL, enum_rank },
                                      { 2, 3, gender_text, NULL, enum_rank } };
        st = frame_compact_columns(f, codes, sizeof codes / sizeof codes[0]);
    }
    bench_free(set);
    bench_free(win);
    bench_free(keys);
    bench_free(rows);
    bench_free(gstart);
    ranks_free(&rk);
    if (st) {
        bench_frame_free(f);
        return DB_FAIL(db, st, "bench_compare_all: %s", bench_strerror(st));
    }
    *out = f;
    return BENCH_OK;
}
