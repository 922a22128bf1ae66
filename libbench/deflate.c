/* deflate.c -- fixed prices: value × index[base] / index[year], with a price index that is an
 * indicator in the database or a series given by the caller (SCB's KPI as shipped). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_YEAR 1800
#define YEARS 400 /* 1800 ... 2199 */
#define MAX_INDEX 1000

/* A period label's year: the digits it begins with ("2024-T1" -> 2024), or -1. */
static long label_year(const char *label)
{
    if (!label || !(label[0] >= '0' && label[0] <= '9'))
        return -1;
    char *end = NULL;
    long y = strtol(label, &end, 10);
    if (end - label != 4 || y < FIRST_YEAR || y >= FIRST_YEAR + YEARS)
        return -1;
    return y;
}

/* Whether a label is a year and nothing else ("2022", not "2022-T1"). */
static bool is_year(const char *label) { return label_year(label) >= 0 && label[4] == '\0'; }

/* The index by year (NaN where there is none) from the options. */
static bench_status index_by_year(double *by_year, bench_db *db, const bench_deflate_options *o, int64_t *out_ind)
{
    for (size_t y = 0; y < YEARS; y++)
        by_year[y] = NAN;
    *out_ind = -1;
    if (o->index) {
        int64_t k = db_find(db, CODE_INDICATOR, o->index);
        if (k < 0)
            return DB_FAIL(db, BENCH_ENOTFOUND, "bench_deflate: index \"%s\" is not in the database", o->index);
        *out_ind = k;
        int64_t riket = db_find(db, CODE_AREA, "0000");
        const obs_columns *c = &db->obs;
        bool any = false;
        uint16_t have_source[YEARS] = { 0 };
        bool have[YEARS] = { false };
        for (size_t r = 0; r < c->n; r++) {
            if (c->indicator[r] != k || (int64_t)c->area[r] != riket || c->gender[r] != BENCH_GENDER_T ||
                c->kind[r] != BENCH_KIND_UTFALL)
                continue;
            const char *label = db->periods.strs[c->period[r]];
            if (!is_year(label))
                continue;
            any = true;
            size_t y = (size_t)(label_year(label) - FIRST_YEAR);
            /* with several sources for a year, the one imported most recently wins */
            if (have[y] && !source_newer(db, c->source[r], have_source[y]))
                continue;
            have[y] = true;
            have_source[y] = c->source[r];
            double v = c->value[r];
            by_year[y] = c->status[r] == BENCH_OBS_OK && isfinite(v) && v > 0 ? v : NAN;
        }
        if (!any)
            return DB_FAIL(db, BENCH_ENOTFOUND,
                           "bench_deflate: index %s has no yearly values for Riket (0000): import them first",
                           db->indicators.strs[k]);
        return BENCH_OK;
    }
    for (size_t i = 0; i < o->n_index; i++) {
        const char *label = o->index_periods[i];
        if (!is_year(label))
            return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: index period \"%s\" is not a year such as \"2022\"",
                           label ? label : "(null)");
        double v = o->index_values[i];
        if (!(isfinite(v) && v > 0))
            return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: index value %g for %s is not a positive number", v, label);
        size_t y = (size_t)(label_year(label) - FIRST_YEAR);
        if (!isnan(by_year[y]))
            return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: the index has %s twice", label);
        by_year[y] = v;
    }
    return BENCH_OK;
}

static bench_status check_options(bench_db *db, const bench_deflate_options *o)
{
    CHECK_VERSION(db, o, BENCH_DEFLATE_VERSION, BENCH_DEFLATE_VERSION, "bench_deflate_options");
    if (!o->indicator)
        return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: indicator is required");
    if (!o->base || !is_year(o->base))
        return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: base \"%s\" is not a year such as \"2022\"",
                       o->base ? o->base : "(null)");
    if (o->index && o->n_index)
        return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: give an index indicator or an index series, not both");
    if (!o->index && (o->n_index == 0 || !o->index_periods || !o->index_values))
        return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: an index is required (an indicator or a series)");
    if (o->n_index > MAX_INDEX)
        return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: the index series has %zu values, at most %d", o->n_index,
                       MAX_INDEX);
    if (o->direction != BENCH_DIRECTION_DEFAULT &&
        (o->direction < BENCH_DIRECTION_NONE || o->direction > BENCH_DIRECTION_LOWER))
        return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: bad direction %d", o->direction);
    const char *texts[] = { o->index_label, o->title, o->unit };
    for (size_t i = 0; i < 3; i++)
        if (texts[i] && (strlen(texts[i]) > 1000 || !utf8_valid_multiline(texts[i], strlen(texts[i]))))
            return DB_FAIL(db, BENCH_EINVAL,
                           "bench_deflate: index_label, title or unit is not UTF-8 text of "
                           "at most 1 000 bytes");
    return BENCH_OK;
}

bench_status bench_deflate(bench_frame **out, bench_db *db, const bench_deflate_options *opts)
{
    FRAME_CALL_BEGIN(db, out, opts, "bench_deflate");
    bench_status st = check_options(db, opts);
    if (st)
        return st;
    uint32_t num;
    DB_REQUIRE(&num, db, CODE_INDICATOR, opts->indicator, "indicator");
    double by_year[YEARS];
    int64_t index_ind;
    st = index_by_year(by_year, db, opts, &index_ind);
    if (st)
        return st;
    if (index_ind == num)
        return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: %s cannot be its own index", db->indicators.strs[num]);
    long base_year = label_year(opts->base);
    double base_index = by_year[base_year - FIRST_YEAR];
    const char *label = opts->index_label ? opts->index_label
                        : index_ind >= 0  ? db->indicators.strs[index_ind]
                                          : "index";
    if (isnan(base_index))
        return DB_FAIL(db, BENCH_ENOTFOUND, "bench_deflate: the index (%s) has no value for the base year %s", label,
                       opts->base);

    const obs_columns *o = &db->obs;
    char store_id[129];
    size_t store_len = 0;
    if (opts->store_as) {
        if (!indicator_id_normalize(opts->store_as, strlen(opts->store_as), store_id, &store_len))
            return DB_FAIL(db, BENCH_EINVAL,
                           "bench_deflate: store_as \"%s\" is not an indicator id (text of 1 to "
                           "128 bytes)",
                           opts->store_as);
        int64_t k = indicator_find(db, store_id, store_len);
        if (k >= 0 && (k == num || k == index_ind))
            return DB_FAIL(db, BENCH_EINVAL, "bench_deflate: cannot store the result as %s, a part of it",
                           db->indicators.strs[k]);
        if (k >= 0 && !db->ind_meta[k].derived)
            for (size_t r = 0; r < o->n; r++)
                if (o->indicator[r] == k)
                    return DB_FAIL(db, BENCH_EINVAL,
                                   "bench_deflate: %s holds imported values; store the result under another id",
                                   db->indicators.strs[k]);
    }

    /* the texts that say how the result was made */
    const indicator_meta *nm = &db->ind_meta[num];
    const char *num_id = db->indicators.strs[num];
    char method[1100], derived[1400], title[2300], base_text[32];
    snprintf(method, sizeof method, "fasta priser (%s), %s", opts->base, label);
    snprintf(derived, sizeof derived, "%s × %s(%s) / %s(år), fasta priser (%s)", num_id, label, opts->base, label,
             opts->base);
    snprintf(title, sizeof title, "%s, fasta priser (%s)", nm->title ? nm->title : num_id, opts->base);
    snprintf(base_text, sizeof base_text, "%.17g", base_index);
    const char *out_title = opts->title ? opts->title : title;
    const char *out_unit = opts->unit ? opts->unit : nm->unit;

    ranks_t rk = { 0 };
    uint32_t *rows = NULL;
    bench_frame *f = NULL;
    obs_columns staged = { 0 };
    size_t n = 0;
    st = ranks_make(&rk, db);
    if (!st)
        st = result_rows(&rows, &n, db, &rk, num, NULL);
    result_columns c;
    if (!st)
        st = result_frame_new(&f, &c, n, "index", false);
    if (!st) {
        uint32_t *ind = c.indicator, *area = c.area, *period = c.period, *gender = c.gender, *status = c.status,
                 *source = c.source;
        double *value = c.value, *ix_col = c.middle, *result = c.result;
        for (size_t i = 0; !st && i < n; i++) {
            uint32_t r = rows[i];
            ind[i] = o->indicator[r];
            area[i] = o->area[r];
            period[i] = o->period[r];
            gender[i] = o->gender[r];
            source[i] = o->source[r];
            value[i] = o->value[r];
            long y = label_year(db->periods.strs[o->period[r]]);
            double ix = y < 0 ? NAN : by_year[y - FIRST_YEAR];
            ix_col[i] = ix;
            if (o->status[r] != BENCH_OBS_OK) {
                status[i] = o->status[r];
                result[i] = NAN;
            } else if (isnan(ix)) {
                status[i] = BENCH_OBS_NO_DENOMINATOR;
                result[i] = NAN;
            } else {
                double v = o->value[r] * base_index / ix;
                status[i] = isfinite(v) ? BENCH_OBS_OK : BENCH_OBS_MISSING;
                result[i] = isfinite(v) ? v : NAN;
            }
        }
        if (!st && opts->store_as) /* before status becomes a dictionary */
            st = stage_result(&staged, db, rows, n, result, status);
        if (!st)
            st = result_frame_codes(f, db, &rk);
        const char *const meta[][2] = { { "method", method },
                                        { "base", opts->base },
                                        { "index", label },
                                        { "base_index", base_text },
                                        { "derived", derived },
                                        { "title", out_title },
                                        { "unit", out_unit ? out_unit : "" } };
        for (size_t i = 0; !st && i < sizeof meta / sizeof meta[0]; i++)
            st = frame_set_meta(f, meta[i][0], meta[i][1]);
    }
    bench_free(rows);
    ranks_free(&rk);
    if (!st && opts->store_as) {
        bench_direction direction = opts->direction != BENCH_DIRECTION_DEFAULT ? opts->direction : nm->direction;
        stored_result r = { store_id, store_len, out_title, out_unit, derived, direction, 0, NULL, NULL, false };
        st = store_result(db, &r, &staged, 1);
    }
    obs_free(&staged);
    if (st) {
        bench_frame_free(f);
        return DB_FAIL(db, st, "bench_deflate: %s", bench_strerror(st));
    }
    *out = f;
    return BENCH_OK;
}
