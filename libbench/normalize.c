/* normalize.c -- value / denominator * scale: per invånare, per 1 000 / 10 000 / 100 000, shares and
 * any indicator over another; the denominators (also the weights of compare) and stored results. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TERMS 128
#define NO_PERIOD UINT32_MAX

/* ---- denominators ------------------------------------------------------------------ */

static uint64_t key_parts(uint32_t area, uint32_t period, int gender)
{
    return (uint64_t)area << 32 | (uint64_t)period << 16 | (uint64_t)gender;
}

static uint64_t key_of_entry(const void *keys, uint32_t e) { return ((const uint64_t *)keys)[e]; }

/* The code of the year `year` as a period ("2023"), or NO_PERIOD when no value has it. */
static uint32_t year_period(const bench_db *db, long year)
{
    char label[16];
    int len = snprintf(label, sizeof label, "%ld", year);
    int64_t k = year >= 1000 && year <= 9999 ? pool_find(&db->periods, label, (size_t)len) : -1;
    return k < 0 ? NO_PERIOD : (uint32_t)k;
}

/* Canonical period labels begin with their year: 2024, 2024-T1, 2024-Q3, 2024-03. */
static long year_of(const bench_db *db, uint32_t period) { return strtol(db->periods.strs[period], NULL, 10); }

bench_status denominator_build(denominator *d, const bench_db *db, const uint32_t *terms, size_t nterms, int rule)
{
    memset(d, 0, sizeof *d);
    const obs_columns *o = &db->obs;
    uint8_t *has_period = bench_calloc(db->periods.n ? db->periods.n : 1, 1);
    d->period_of = bench_malloc((db->periods.n ? db->periods.n : 1) * sizeof *d->period_of);
    if (!has_period || !d->period_of) {
        bench_free(has_period);
        denominator_free(d);
        return BENCH_ENOMEM;
    }
    size_t n = 0;
    for (size_t r = 0; r < o->n; r++)
        for (size_t j = 0; j < nterms; j++)
            if (o->indicator[r] == terms[j] && o->kind[r] == BENCH_KIND_UTFALL) {
                n++;
                has_period[o->period[r]] = 1;
            }
    /* a value's period -> the denominator's: the same period when the denominator has it, else
     * its year (31/12), or the year before */
    for (uint32_t p = 0; p < db->periods.n; p++) {
        if (rule == BENCH_DENOMINATOR_PREVIOUS)
            d->period_of[p] = year_period(db, year_of(db, p) - 1);
        else
            d->period_of[p] = has_period[p] ? p : year_period(db, year_of(db, p));
    }
    bench_free(has_period);
    d->nterms = nterms;
    d->keys = bench_malloc((n ? n : 1) * sizeof *d->keys);
    d->rows = bench_calloc((n ? n : 1) * nterms, sizeof *d->rows);
    if (hash_index_init(&d->index, n) || !d->keys || !d->rows) {
        denominator_free(d);
        return BENCH_ENOMEM;
    }
    for (size_t r = 0; r < o->n; r++) {
        if (o->kind[r] != BENCH_KIND_UTFALL)
            continue;
        for (size_t j = 0; j < nterms; j++) {
            if (o->indicator[r] != terms[j])
                continue;
            uint64_t key = key_parts(o->area[r], o->period[r], o->gender[r]), h = hash_of(key);
            hash_slot *slot = hash_index_slot(&d->index, h, key, key_of_entry, d->keys);
            if (!slot->entry) {
                d->keys[d->index.n] = key;
                hash_index_add(&d->index, slot, h, (uint32_t)d->index.n);
            }
            uint32_t *have = &d->rows[(slot->entry - 1) * nterms + j];
            if (row_wins(db, r, (int64_t)*have - 1))
                *have = (uint32_t)(r + 1);
        }
    }
    return BENCH_OK;
}

void denominator_free(denominator *d)
{
    hash_index_free(&d->index);
    bench_free(d->keys);
    bench_free(d->rows);
    bench_free(d->period_of);
    memset(d, 0, sizeof *d);
}

double denominator_of(const denominator *d, const bench_db *db, uint32_t area, uint32_t period, int gender)
{
    uint32_t p = d->period_of[period];
    if (p == NO_PERIOD)
        return NAN;
    uint64_t key = key_parts(area, p, gender);
    const hash_slot *slot = hash_index_slot(&d->index, hash_of(key), key, key_of_entry, d->keys);
    if (!slot->entry)
        return NAN;
    const uint32_t *rows = &d->rows[(size_t)(slot->entry - 1) * d->nterms];
    double sum = 0;
    for (size_t j = 0; j < d->nterms; j++) {
        uint32_t row = rows[j];
        if (!row || db->obs.status[row - 1] != BENCH_OBS_OK)
            return NAN;
        sum += db->obs.value[row - 1];
    }
    return sum;
}

/* ---- one routine for per capita and ratio ------------------------------------------------- */

typedef struct norm_spec {
    const char *function;  /* for messages */
    bool ratio;            /* any indicator over another (else: a population) */
    const char *indicator; /* numerator; NULL: every indicator but the terms (per capita) */
    const char *const *terms;
    size_t nterms;
    double scale;
    const char *label; /* who the denominator counts, e.g. "invånare 0-19 år" */
    int period_rule;   /* bench_denominator_period */
    const char *store_as, *title, *unit;
    int direction;
    double ci; /* confidence level of intervals (0.95), or 0 for none */
} norm_spec;

/* Rows [begin, end) of a result: what one thread writes. */
typedef struct fill_part {
    const bench_db *db;
    const denominator *d;
    const uint32_t *rows;
    double scale;
    size_t begin, end;
    uint32_t *ind, *area, *period, *gender, *source, *status;
    double *value, *denom, *result;
    double *lo, *hi, level; /* intervals when lo is not NULL */
    bool share;
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
        double d = denominator_of(p->d, p->db, o->area[r], o->period[r], o->gender[r]);
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
            if (v == 0 && o->value[r] != 0) /* value / d underflowed: the other order, else no value */
                v = o->value[r] * p->scale / d;
            bool ok = isfinite(v) && !(v == 0 && o->value[r] != 0);
            p->status[i] = ok ? BENCH_OBS_OK : isfinite(v) ? BENCH_OBS_MISSING : BENCH_OBS_ZERO_DENOMINATOR;
            p->result[i] = ok ? v : NAN;
        }
        if (p->lo) {
            p->lo[i] = p->hi[i] = NAN;
            if (p->status[i] == BENCH_OBS_OK)
                interval_of(&p->lo[i], &p->hi[i], o->value[r], d, p->scale, p->level, p->share);
        }
    }
    return NULL;
}

/* "per 1 000 <who>", "andel (%) av <who>", ... */
static void describe(char *buf, size_t size, double scale, const char *who)
{
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

static bool is_money(const char *unit)
{
    static const char *const money[] = { "kr", "tkr", "mnkr", "mkr", "kronor" };
    for (size_t i = 0; i < sizeof money / sizeof money[0]; i++)
        if (strcasecmp(unit, money[i]) == 0)
            return true;
    return false;
}

/* Whether an indicator is already a rate, a share, a mean or an amount per invånare. */
static bool already_a_rate(const indicator_meta *m)
{
    const char *u = m->unit ? m->unit : "";
    const char *t = m->title ? m->title : "";
    static const char *const units[] = { "%", "dagar", "index", "procent", "kvot" };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(u, units[i]) == 0)
            return true;
    static const char *const in_unit[] = { "per ", "/inv", "/1000", "/10 000", "/100 000" };
    for (size_t i = 0; i < sizeof in_unit / sizeof in_unit[0]; i++)
        if (strcasestr(u, in_unit[i]))
            return true;
    static const char *const in_title[] = { "medelvärde",  "median",       "andel",        "/1000 inv",
                                            "/10 000 inv", "/100 000 inv", "per 1 000",    "per 10 000",
                                            "per 100 000", "kr/inv",       "per invånare", "(%)" };
    for (size_t i = 0; i < sizeof in_title / sizeof in_title[0]; i++)
        if (strcasestr(t, in_title[i]))
            return true;
    return false;
}

/* The texts that say how a result was made. */
typedef struct norm_texts {
    char terms[MAX_TERMS * 130]; /* "N01951" or "N01952+N01953" */
    char method[768];            /* "per 1 000 invånare (N01951)", for captions */
    char derived[MAX_DERIVED];   /* "N01990 / N01951 × 1000, nämnare 31/12 året före" */
    char title[1024];            /* "<numerator's title>, per 1 000 invånare" */
    char unit[160];              /* "per 1 000 inv", "%", "kr/inv" */
    char warning[512];           /* "" or why the result is probably a mistake */
} norm_texts;

static void make_texts(norm_texts *t, const bench_db *db, const norm_spec *s, int64_t num, const uint32_t *terms)
{
    t->terms[0] = '\0';
    for (size_t j = 0; j < s->nterms; j++) {
        if (j)
            strcat(t->terms, "+");
        strcat(t->terms, db->indicators.strs[terms[j]]);
    }
    bool previous = s->period_rule == BENCH_DENOMINATOR_PREVIOUS;
    const char *when = previous ? ", nämnare 31/12 året före" : "";
    const indicator_meta *den = &db->ind_meta[terms[0]];
    char who[400];
    if (s->label)
        text_format(who, sizeof who, "%s", s->label);
    else if (s->ratio)
        text_format(who, sizeof who, "%s", den->title ? den->title : t->terms);
    else
        text_format(who, sizeof who, "invånare (%s)", t->terms);
    char how[512];
    describe(how, sizeof how, s->scale, who);
    snprintf(t->method, sizeof t->method, "%s%s", how, previous ? " (31/12 året före)" : "");

    const char *num_id = num >= 0 ? db->indicators.strs[num] : "*";
    const char *paren = s->nterms > 1 ? "(" : "", *close = s->nterms > 1 ? ")" : "";
    if (s->scale == 1)
        snprintf(t->derived, sizeof t->derived, "%s / %s%s%s%s", num_id, paren, t->terms, close, when);
    else
        snprintf(t->derived, sizeof t->derived, "%s / %s%s%s × %g%s", num_id, paren, t->terms, close, s->scale, when);

    const indicator_meta *nm = num >= 0 ? &db->ind_meta[num] : NULL;
    const char *num_title = nm && nm->title ? nm->title : num_id;
    const char *num_unit = nm && nm->unit ? nm->unit : "";
    /* the title names who is counted without codes when the default population is meant */
    if (!s->ratio && !s->label && s->nterms == 1)
        snprintf(who, sizeof who, "invånare");
    describe(how, sizeof how, s->scale, who);
    snprintf(t->title, sizeof t->title, "%s, %s%s", num_title, how, previous ? " (31/12 året före)" : "");

    const char *per = s->ratio ? "st" : "inv";
    if (s->scale == 100)
        snprintf(t->unit, sizeof t->unit, "%%");
    else if (s->scale == 1 && is_money(num_unit))
        snprintf(t->unit, sizeof t->unit, "%s/%s", num_unit, per);
    else if (s->scale == 1)
        snprintf(t->unit, sizeof t->unit, s->ratio ? "kvot" : "per inv");
    else
        describe(t->unit, sizeof t->unit, s->scale, per);
    t->warning[0] = '\0';
    if (!s->ratio && nm && already_a_rate(nm))
        snprintf(t->warning, sizeof t->warning,
                 "%s is already a rate, share or mean (unit \"%s\"): dividing it by a population is almost "
                 "always a mistake",
                 num_id, num_unit);
}

static bench_status normalize(bench_frame **out, bench_db *db, const norm_spec *s)
{
    const char *fn = s->function;
    if (!(s->scale > 0) || !isfinite(s->scale))
        return DB_FAIL(db, BENCH_EINVAL, "%s: scale must be a positive number such as 1, 100, 1000 or 10000", fn);
    if (s->nterms == 0 || s->nterms > MAX_TERMS)
        return DB_FAIL(db, BENCH_EINVAL, "%s: the denominator needs 1 to %d indicators", fn, MAX_TERMS);
    if (s->period_rule != BENCH_DENOMINATOR_SAME && s->period_rule != BENCH_DENOMINATOR_PREVIOUS)
        return DB_FAIL(db, BENCH_EINVAL,
                       "%s: the denominator's period is %d, expected BENCH_DENOMINATOR_SAME or "
                       "BENCH_DENOMINATOR_PREVIOUS",
                       fn, s->period_rule);
    if (s->direction != BENCH_DIRECTION_DEFAULT &&
        (s->direction < BENCH_DIRECTION_NONE || s->direction > BENCH_DIRECTION_LOWER))
        return DB_FAIL(db, BENCH_EINVAL, "%s: bad direction %d", fn, s->direction);
    if (!(s->ci == 0 || (s->ci > 0 && s->ci < 1)))
        return DB_FAIL(db, BENCH_EINVAL, "%s: ci is %g, expected a confidence level such as 0.95 (or 0 for none)", fn,
                       s->ci);
    if ((s->title && !utf8_valid_multiline(s->title, strlen(s->title))) ||
        (s->unit && !utf8_valid_multiline(s->unit, strlen(s->unit))))
        return DB_FAIL(db, BENCH_EINVAL, "%s: title or unit is not valid UTF-8 text", fn);
    int64_t num = db_find(db, CODE_INDICATOR, s->indicator); /* -1 without one: every indicator */
    if (num < 0 && s->indicator)
        return DB_FAIL(db, BENCH_ENOTFOUND, "indicator \"%s\" is not in the database", s->indicator);
    uint32_t terms[MAX_TERMS];
    for (size_t j = 0; j < s->nterms; j++) {
        int64_t k = db_find(db, CODE_INDICATOR, s->terms[j]);
        if (k < 0 && s->ratio)
            return DB_FAIL(db, BENCH_ENOTFOUND, "denominator \"%s\" is not in the database",
                           s->terms[j] ? s->terms[j] : "(null)");
        if (k < 0)
            return DB_FAIL(db, BENCH_ENOTFOUND,
                           "population indicator \"%s\" is not in the database: import it first (e.g. Kolada N01951, "
                           "invånare totalt)",
                           s->terms[j] ? s->terms[j] : "(null)");
        terms[j] = (uint32_t)k;
    }
    const obs_columns *o = &db->obs;
    /* a denominator in the catalogue but without values is a missing import, not a table of
     * missing denominators */
    for (size_t j = 0; j < s->nterms; j++) {
        size_t r = 0;
        while (r < o->n && !(o->indicator[r] == terms[j] && o->kind[r] == BENCH_KIND_UTFALL))
            r++;
        if (r == o->n && s->ratio)
            return DB_FAIL(db, BENCH_ENOTFOUND, "denominator %s has no values: import it first",
                           db->indicators.strs[terms[j]]);
        if (r == o->n)
            return DB_FAIL(
                db, BENCH_ENOTFOUND,
                "population indicator %s has no values: import it first (e.g. Kolada N01951, invånare totalt)",
                db->indicators.strs[terms[j]]);
    }
    /* where a stored result goes: a new id, or one this routine stored before */
    char store_id[129];
    size_t store_len = 0;
    if (s->store_as) {
        if (num < 0)
            return DB_FAIL(db, BENCH_EINVAL, "%s: store_as needs one indicator to normalize", fn);
        if (!indicator_id_normalize(s->store_as, strlen(s->store_as), store_id, &store_len))
            return DB_FAIL(db, BENCH_EINVAL, "%s: store_as \"%s\" is not an indicator id (text of 1 to 128 bytes)", fn,
                           s->store_as);
        int64_t k = db_find(db, CODE_INDICATOR, store_id);
        bool part = k == num;
        for (size_t j = 0; j < s->nterms; j++)
            part = part || k == terms[j];
        if (k >= 0 && part)
            return DB_FAIL(db, BENCH_EINVAL, "%s: cannot store the result as %s, a part of the division", fn,
                           db->indicators.strs[k]);
        if (k >= 0 && !db->ind_meta[k].derived)
            for (size_t r = 0; r < o->n; r++)
                if (o->indicator[r] == k)
                    return DB_FAIL(db, BENCH_EINVAL, "%s: %s holds imported values; store the result under another id",
                                   fn, db->indicators.strs[k]);
    }

    norm_texts *texts = bench_malloc(sizeof *texts);
    denominator den = { 0 };
    uint32_t *rows = NULL;
    bench_frame *f = NULL;
    obs_columns staged[MAX_PARTS] = { { 0 } };
    size_t nparts = s->ci > 0 ? 3 : 1;
    ranks_t rk = { 0 };
    uint8_t *is_term = bench_calloc(db->indicators.n ? db->indicators.n : 1, 1);
    if (!is_term || !texts) {
        bench_free(is_term);
        bench_free(texts);
        return DB_FAIL(db, BENCH_ENOMEM, "out of memory");
    }
    make_texts(texts, db, s, num, terms);
    for (size_t j = 0; j < s->nterms; j++)
        is_term[terms[j]] = 1;
    bench_status st = denominator_build(&den, db, terms, s->nterms, s->period_rule);
    size_t n = 0;
    if (!st)
        st = ranks_make(&rk, db);
    if (!st)
        st = result_rows(&rows, &n, db, &rk, num, is_term);
    result_columns c;
    if (!st)
        st = result_frame_new(&f, &c, n, "denominator", s->ci > 0);
    if (!st) {
        uint32_t *ind = c.indicator, *area = c.area, *period = c.period, *gender = c.gender, *status = c.status,
                 *source = c.source;
        double *value = c.value, *denom = c.middle, *result = c.result, *lo = c.low, *hi = c.high;
        if (!st) {
            fill_part parts[2];
            for (int t = 0; t < 2; t++)
                parts[t] = (fill_part){ db,     &den,   rows,  s->scale, 0,      n,  ind, area,  period,         gender,
                                        source, status, value, denom,    result, lo, hi,  s->ci, s->scale == 100 };
            /* two threads, each half of the rows, for a large result */
            bool two = n >= PARALLEL_MIN_ROWS;
            parts[0].end = parts[1].begin = two ? n / 2 : n;
            run_pair(fill_rows, &parts[0], &parts[1], two);
            const double *part_values[MAX_PARTS] = { result, lo, hi };
            for (size_t p = 0; s->store_as && !st && p < nparts; p++) /* before status becomes a dictionary */
                st = stage_result(&staged[p], db, rows, n, part_values[p], status);
        }
        if (!st)
            st = result_frame_codes(f, db, &rk);
        char scale_text[32];
        snprintf(scale_text, sizeof scale_text, "%g", s->scale);
        const char *const meta[][2] = { { "method", texts->method },
                                        { "population", texts->terms },
                                        { "scale", scale_text },
                                        { "denominator_period",
                                          s->period_rule == BENCH_DENOMINATOR_PREVIOUS ? "previous" : "same" },
                                        { "derived", texts->derived },
                                        { "title", s->title ? s->title : texts->title },
                                        { "unit", s->unit ? s->unit : texts->unit } };
        for (size_t i = 0; !st && i < sizeof meta / sizeof meta[0]; i++)
            st = frame_set_meta(f, meta[i][0], meta[i][1]);
        if (!st && texts->warning[0])
            st = frame_set_meta(f, "warning", texts->warning);
        char level[32];
        snprintf(level, sizeof level, "%g", s->ci);
        if (!st && s->ci > 0)
            st = frame_set_meta(f, "ci", level);
        if (!st && s->ci > 0)
            st = frame_set_meta(f, "ci_method", s->scale == 100 ? "Wilson" : "Garwood");
    }
    denominator_free(&den);
    bench_free(is_term);
    bench_free(rows);
    ranks_free(&rk);
    if (!st && s->store_as) {
        int direction = s->direction != BENCH_DIRECTION_DEFAULT ? s->direction : db->ind_meta[num].direction;
        stored_result r = { store_id,
                            store_len,
                            s->title ? s->title : texts->title,
                            s->unit ? s->unit : texts->unit,
                            texts->derived,
                            direction,
                            s->ci,
                            s->scale == 100 ? "Wilson" : "Garwood",
                            NULL,
                            false };
        st = store_result(db, &r, staged, nparts);
    }
    for (size_t p = 0; p < MAX_PARTS; p++)
        obs_free(&staged[p]);
    bench_free(texts);
    if (st) {
        bench_frame_free(f);
        return DB_FAIL(db, st, "%s: %s", fn, bench_strerror(st));
    }
    *out = f;
    return BENCH_OK;
}

bench_status bench_per_capita(bench_frame **out, bench_db *db, const bench_per_capita_options *opts)
{
    FRAME_CALL_BEGIN(db, out, opts, "bench_per_capita");
    CHECK_VERSION(db, opts, 1, BENCH_PER_CAPITA_VERSION, "bench_per_capita_options");
    static const char *const default_population[] = { "N01951" };
    bool v2 = opts->version >= 2;
    norm_spec s = { "bench_per_capita",
                    false,
                    opts->indicator,
                    opts->population ? opts->population : default_population,
                    opts->population ? opts->n_population : 1,
                    opts->scale,
                    opts->population_label,
                    v2 ? opts->population_period : BENCH_DENOMINATOR_SAME,
                    v2 ? opts->store_as : NULL,
                    v2 ? opts->title : NULL,
                    v2 ? opts->unit : NULL,
                    v2 ? opts->direction : BENCH_DIRECTION_DEFAULT,
                    v2 ? opts->ci : 0 };
    return normalize(out, db, &s);
}

bench_status bench_ratio(bench_frame **out, bench_db *db, const bench_ratio_options *opts)
{
    FRAME_CALL_BEGIN(db, out, opts, "bench_ratio");
    CHECK_VERSION(db, opts, BENCH_RATIO_VERSION, BENCH_RATIO_VERSION, "bench_ratio_options");
    if (!opts->numerator || !opts->denominator)
        return DB_FAIL(db, BENCH_EINVAL, "bench_ratio: numerator and denominator are required");
    const char *const terms[] = { opts->denominator };
    norm_spec s = { "bench_ratio",
                    true,
                    opts->numerator,
                    terms,
                    1,
                    opts->scale,
                    NULL,
                    opts->denominator_period,
                    opts->store_as,
                    opts->title,
                    opts->unit,
                    opts->direction,
                    opts->ci };
    return normalize(out, db, &s);
}
