/* uncertainty.c -- Kolada's osäkerhetstal (± margins published as indicators of their own) paired by title
 * with the measures they belong to and stored as the measures' intervals "<id>:ci_low" and "<id>:ci_high"
 * (the rule in bench.h). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The title of an osäkerhetstal, normalized, begins with this; the measure's title follows. */
static const char uncertainty_prefix[] = "osäkerhetstal - ";
#define PREFIX_LEN (sizeof uncertainty_prefix - 1)
/* a measure's id and ":ci_high" fit an indicator id (128 bytes) */
#define MEASURE_ID_MAX 120

enum pair_status {
    PAIR_PAIRED,
    PAIR_NO_MEASURE,
    PAIR_AMBIGUOUS,
    PAIR_NO_VALUES,
    PAIR_BOUNDS_IMPORTED,
    N_PAIR
};

static const char *pair_text(const void *unused, uint32_t code)
{
    (void)unused;
    static const char *const names[] = { "paired", "no_measure", "ambiguous", "measure_without_values",
                                         "bounds_imported" };
    return code < N_PAIR ? names[code] : "";
}

/* An indicator id, or "" for the code one past the last. */
static const char *measure_text(const void *db_ptr, uint32_t code)
{
    const bench_db *db = db_ptr;
    return code < db->indicators.n ? db->indicators.strs[code] : "";
}

size_t title_normalize(char *out, const char *s, size_t len)
{
    size_t w = 0;
    bool space = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) { /* no-break space */
            blank = true;
            i++;
        }
        if (blank) {
            space = true;
            continue;
        }
        if (space && w && c != ',' && c != '(' && c != ')')
            out[w++] = ' ';
        space = false;
        if (c == ',' && w && out[w - 1] == ',') /* ",," as "," */
            continue;
        if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c + 32);
        } else if (c == 0xC3 && i + 1 < len) { /* Latin-1 letters À-Þ (not ×) to à-þ */
            unsigned char d = (unsigned char)s[++i];
            if (d >= 0x80 && d <= 0x9E && d != 0x97)
                d = (unsigned char)(d + 0x20);
            out[w++] = (char)c;
            out[w++] = (char)d;
            continue;
        }
        out[w++] = (char)c;
    }
    out[w] = '\0';
    return w;
}

/* Whether `t` (normalized) is "<prefix> - <x>" with one prefix holding no " - " of its own. */
static bool prefixed_title(const char *t, size_t tlen, const char *x, size_t xlen)
{
    if (tlen < xlen + 4 || memcmp(t + tlen - xlen, x, xlen) != 0 || memcmp(t + tlen - xlen - 3, " - ", 3) != 0)
        return false;
    size_t plen = tlen - xlen - 3;
    for (size_t i = 0; i + 3 <= plen; i++)
        if (memcmp(t + i, " - ", 3) == 0)
            return false;
    return true;
}

static uint64_t key_of(const obs_columns *o, uint32_t r)
{
    return (uint64_t)o->area[r] << 32 | (uint64_t)o->period[r] << 16 | (uint64_t)o->gender[r];
}

/* The bounds of one measure by its margin, staged as parts PART_LOW and PART_HIGH, from the utfall rows
 * of each (`mrows`, `urows`: store order); *out_ok counts the keys with both bounds. */
static bench_status stage_pair(obs_columns staged[MAX_PARTS], int32_t *out_ok, const bench_db *db, const ranks_t *rk,
                               const uint32_t *mrows, size_t nm, const uint32_t *urows, size_t nu)
{
    const obs_columns *o = &db->obs;
    size_t n = nm > nu ? nm : nu;
    uint64_t *keys = bench_malloc((n ? n : 1) * sizeof *keys);
    uint32_t *rows = bench_malloc((n ? n : 1) * sizeof *rows);
    uint64_t *ukeys = bench_malloc((nu ? nu : 1) * sizeof *ukeys);
    uint32_t *urow = bench_malloc((nu ? nu : 1) * sizeof *urow);
    uint32_t *status = bench_malloc((nm ? nm : 1) * sizeof *status);
    double *lo = bench_malloc((nm ? nm : 1) * sizeof *lo);
    double *hi = bench_malloc((nm ? nm : 1) * sizeof *hi);
    bench_status st = keys && rows && ukeys && urow && status && lo && hi ? BENCH_OK : BENCH_ENOMEM;
    /* the margins by key, the most recent source of each */
    size_t nk = 0;
    if (!st) {
        for (size_t i = 0; i < nu; i++) {
            keys[i] = key_of(o, urows[i]);
            rows[i] = urows[i];
        }
        st = sort_pairs(keys, rows, nu);
    }
    for (size_t i = 0; i < nu && !st; i++) {
        if (nk && ukeys[nk - 1] == keys[i]) {
            if (row_wins(db, rows[i], urow[nk - 1]))
                urow[nk - 1] = rows[i];
            continue;
        }
        ukeys[nk] = keys[i];
        urow[nk++] = rows[i];
    }
    /* the measure's rows with the rows of one key together (stage_result keeps the most recent) */
    if (!st) {
        for (size_t i = 0; i < nm; i++) {
            uint32_t r = mrows[i];
            keys[i] = (uint64_t)rk->area[o->area[r]] << 32 | (uint64_t)rk->period[o->period[r]] << 16 |
                      (uint64_t)o->gender[r] << 12 | (uint64_t)rk->source[o->source[r]];
            rows[i] = r;
        }
        st = sort_pairs(keys, rows, nm);
    }
    if (!st) {
        for (size_t i = 0; i < nm; i++) {
            uint32_t r = rows[i];
            status[i] = o->status[r];
            lo[i] = hi[i] = NAN;
            /* the margin of the same key: area, period (never the year's for a tertial) and gender */
            uint64_t key = key_of(o, r);
            size_t first = 0, last = nk;
            while (first < last) {
                size_t mid = first + (last - first) / 2;
                if (ukeys[mid] < key)
                    first = mid + 1;
                else
                    last = mid;
            }
            double m = NAN;
            if (first < nk && ukeys[first] == key && o->status[urow[first]] == BENCH_OBS_OK)
                m = o->value[urow[first]];
            if (o->status[r] == BENCH_OBS_OK && m >= 0 && isfinite(m)) {
                lo[i] = o->value[r] - m;
                hi[i] = o->value[r] + m;
            }
        }
        st = stage_result(&staged[PART_LOW], db, rows, nm, lo, status);
    }
    if (!st)
        st = stage_result(&staged[PART_HIGH], db, rows, nm, hi, status);
    if (!st) {
        *out_ok = 0;
        for (size_t i = 0; i < staged[PART_LOW].n; i++)
            *out_ok += staged[PART_LOW].status[i] == BENCH_OBS_OK;
    }
    bench_free(keys);
    bench_free(rows);
    bench_free(ukeys);
    bench_free(urow);
    bench_free(status);
    bench_free(lo);
    bench_free(hi);
    return st;
}

/* One imported osäkerhetstal and what became of it. */
typedef struct pairing {
    uint32_t margin, measure; /* measure: indicators.n when there is none */
    uint32_t status;          /* a pair_status */
    int32_t rows, ok;
} pairing;

static bench_status pair_all(bench_frame **out, bench_db *db)
{
    const obs_columns *o = &db->obs;
    uint32_t n_ind = db->indicators.n;
    uint8_t *has = bench_calloc(n_ind ? n_ind : 1, 1);
    char **norm = bench_calloc(n_ind ? n_ind : 1, sizeof *norm);
    size_t *norm_len = bench_calloc(n_ind ? n_ind : 1, sizeof *norm_len);
    uint32_t *claims = bench_calloc(n_ind ? n_ind : 1, sizeof *claims);
    pairing *pairs = NULL;
    uint64_t *keys = NULL;
    uint32_t *order = NULL;
    stored_result *results = NULL;
    obs_columns *staged = NULL;
    char(*interval)[200] = NULL;
    char(*derived)[300] = NULL;
    size_t *start = NULL, *fill = NULL; /* rows of indicator k: by_ind[start[k] .. start[k + 1]) */
    uint32_t *by_ind = NULL;
    ranks_t rk = { 0 };
    bench_frame *f = NULL;
    size_t npairs = 0, nstore = 0;
    bench_status st = has && norm && norm_len && claims ? BENCH_OK : BENCH_ENOMEM;
    for (size_t r = 0; r < o->n && !st; r++)
        if (o->kind[r] == BENCH_KIND_UTFALL)
            has[o->indicator[r]] = 1;
    /* every title normalized; the osäkerhetstal with values found */
    for (uint32_t k = 0; k < n_ind && !st; k++) {
        const char *title = db->ind_meta[k].title;
        if (!title)
            continue;
        size_t len = strlen(title);
        norm[k] = bench_malloc(len + 1);
        if (!norm[k]) {
            st = BENCH_ENOMEM;
            break;
        }
        norm_len[k] = title_normalize(norm[k], title, len);
        bool is_margin = norm_len[k] > PREFIX_LEN && memcmp(norm[k], uncertainty_prefix, PREFIX_LEN) == 0;
        if (is_margin && has[k] && !db->ind_meta[k].derived)
            npairs++;
    }
    if (!st) {
        pairs = bench_calloc(npairs ? npairs : 1, sizeof *pairs);
        keys = bench_malloc((npairs ? npairs : 1) * sizeof *keys);
        order = bench_malloc((npairs ? npairs : 1) * sizeof *order);
        st = pairs && keys && order ? ranks_make(&rk, db) : BENCH_ENOMEM;
    }
    if (!st) {
        size_t i = 0;
        for (uint32_t k = 0; k < n_ind; k++)
            if (norm[k] && norm_len[k] > PREFIX_LEN && memcmp(norm[k], uncertainty_prefix, PREFIX_LEN) == 0 && has[k] &&
                !db->ind_meta[k].derived) {
                keys[i] = (uint64_t)rk.ind[k];
                order[i++] = k;
            }
        st = sort_pairs(keys, order, npairs); /* by id */
    }
    /* each osäkerhetstal's measure: the one title equal to the rest of its own, else the one such title
     * after a prefix ("NTU - ", "Medborgarundersökningen - ") */
    for (size_t i = 0; i < npairs && !st; i++) {
        pairing *p = &pairs[i];
        p->margin = order[i];
        p->measure = n_ind;
        const char *x = norm[p->margin] + PREFIX_LEN;
        size_t xlen = norm_len[p->margin] - PREFIX_LEN;
        uint32_t exact = n_ind, prefixed = n_ind;
        size_t n_exact = 0, n_prefixed = 0;
        for (uint32_t k = 0; k < n_ind; k++) {
            if (!norm[k] || k == p->margin || db->ind_meta[k].derived ||
                (norm_len[k] > PREFIX_LEN && memcmp(norm[k], uncertainty_prefix, PREFIX_LEN) == 0))
                continue;
            if (norm_len[k] == xlen && memcmp(norm[k], x, xlen) == 0) {
                exact = k;
                n_exact++;
            } else if (prefixed_title(norm[k], norm_len[k], x, xlen)) {
                prefixed = k;
                n_prefixed++;
            }
        }
        if (n_exact > 1 || (!n_exact && n_prefixed > 1)) {
            p->status = PAIR_AMBIGUOUS;
        } else if (!n_exact && !n_prefixed) {
            p->status = PAIR_NO_MEASURE;
        } else {
            p->measure = n_exact ? exact : prefixed;
            p->status = !has[p->measure] || strlen(db->indicators.strs[p->measure]) > MEASURE_ID_MAX ? PAIR_NO_VALUES
                                                                                                     : PAIR_PAIRED;
        }
        if (p->status == PAIR_PAIRED) {
            /* bounds that hold imported values are not overwritten */
            for (int b = 0; b < 2; b++) {
                char id[160];
                int len = snprintf(id, sizeof id, "%s%s", db->indicators.strs[p->measure], b ? ":ci_high" : ":ci_low");
                int64_t k = indicator_find(db, id, (size_t)len);
                if (k >= 0 && !db->ind_meta[k].derived && has[k])
                    p->status = PAIR_BOUNDS_IMPORTED;
            }
        }
        if (p->status == PAIR_PAIRED)
            claims[p->measure]++;
    }
    /* a measure claimed by two osäkerhetstal is paired with neither */
    for (size_t i = 0; i < npairs && !st; i++) {
        if (pairs[i].status == PAIR_PAIRED && claims[pairs[i].measure] > 1)
            pairs[i].status = PAIR_AMBIGUOUS;
        nstore += pairs[i].status == PAIR_PAIRED;
    }
    if (!st) {
        results = bench_calloc(nstore ? nstore : 1, sizeof *results);
        staged = bench_calloc((nstore ? nstore : 1) * MAX_PARTS, sizeof *staged);
        interval = bench_malloc((nstore ? nstore : 1) * sizeof *interval);
        derived = bench_malloc((nstore ? nstore : 1) * sizeof *derived);
        if (!results || !staged || !interval || !derived)
            st = BENCH_ENOMEM;
    }
    /* the utfall rows of every measure and margin paired, by indicator, in one pass over the store */
    if (!st && nstore) {
        uint8_t *wanted = has; /* `has` is read no more: now it marks the indicators to stage */
        memset(wanted, 0, n_ind);
        start = bench_calloc((size_t)n_ind + 1, sizeof *start);
        st = start ? BENCH_OK : BENCH_ENOMEM;
        for (size_t i = 0; i < npairs && !st; i++)
            if (pairs[i].status == PAIR_PAIRED)
                wanted[pairs[i].measure] = wanted[pairs[i].margin] = 1;
        size_t total = 0;
        for (size_t r = 0; r < o->n && !st; r++)
            if (o->kind[r] == BENCH_KIND_UTFALL && wanted[o->indicator[r]]) {
                start[o->indicator[r] + 1]++;
                total++;
            }
        for (uint32_t k = 0; k < n_ind && !st; k++)
            start[k + 1] += start[k];
        by_ind = st ? NULL : bench_malloc((total ? total : 1) * sizeof *by_ind);
        fill = st ? NULL : bench_malloc(((size_t)n_ind + 1) * sizeof *fill);
        if (!st && (!by_ind || !fill))
            st = BENCH_ENOMEM;
        if (!st) {
            memcpy(fill, start, ((size_t)n_ind + 1) * sizeof *fill);
            for (size_t r = 0; r < o->n; r++)
                if (o->kind[r] == BENCH_KIND_UTFALL && wanted[o->indicator[r]])
                    by_ind[fill[o->indicator[r]]++] = (uint32_t)r;
        }
    }
    for (size_t i = 0, j = 0; i < npairs && !st; i++) {
        pairing *p = &pairs[i];
        if (p->status != PAIR_PAIRED)
            continue;
        st = stage_pair(&staged[j * MAX_PARTS], &p->ok, db, &rk, by_ind + start[p->measure],
                        start[p->measure + 1] - start[p->measure], by_ind + start[p->margin],
                        start[p->margin + 1] - start[p->margin]);
        if (st)
            break;
        p->rows = (int32_t)staged[j * MAX_PARTS + PART_LOW].n;
        const char *measure = db->indicators.strs[p->measure], *margin = db->indicators.strs[p->margin];
        const indicator_meta *m = &db->ind_meta[p->measure];
        snprintf(interval[j], sizeof *interval, "± osäkerhetstal %s", margin);
        snprintf(derived[j], sizeof *derived, "%s ± %s (Kolada osäkerhetstal)", measure, margin);
        results[j] = (stored_result){ measure, strlen(measure), m->title, m->unit, derived[j], m->direction, 0,
                                      NULL,    interval[j],     true };
        j++;
    }
    /* the frame before the bounds are interned: codes past n_ind are not yet ids */
    if (!st && out) {
        st = frame_new(&f, 5, npairs);
        uint32_t *unc = st ? NULL : frame_add(f, 0, "uncertainty", BENCH_COLUMN_CODE);
        uint32_t *mea = st ? NULL : frame_add(f, 1, "measure", BENCH_COLUMN_CODE);
        uint32_t *sta = st ? NULL : frame_add(f, 2, "status", BENCH_COLUMN_CODE);
        int32_t *rows = st ? NULL : frame_add(f, 3, "rows", BENCH_COLUMN_I32);
        int32_t *ok = st ? NULL : frame_add(f, 4, "intervals", BENCH_COLUMN_I32);
        if (!st && (!unc || !mea || !sta || !rows || !ok))
            st = BENCH_ENOMEM;
        for (size_t i = 0; i < npairs && !st; i++) {
            unc[i] = pairs[i].margin;
            mea[i] = pairs[i].measure;
            sta[i] = pairs[i].status;
            rows[i] = pairs[i].rows;
            ok[i] = pairs[i].ok;
        }
        if (!st)
            st = frame_compact_codes(f, 0, n_ind, pool_text, &db->indicators, rk.ind);
        if (!st)
            st = frame_compact_codes(f, 1, (size_t)n_ind + 1, measure_text, db, NULL);
        if (!st)
            st = frame_compact_codes(f, 2, N_PAIR, pair_text, NULL, enum_rank);
    }
    if (!st && nstore)
        st = store_results(db, results, nstore, staged, MAX_PARTS);
    for (size_t k = 0; norm && k < n_ind; k++)
        bench_free(norm[k]);
    for (size_t k = 0; staged && k < nstore * MAX_PARTS; k++)
        obs_free(&staged[k]);
    bench_free(has);
    bench_free(norm);
    bench_free(norm_len);
    bench_free(claims);
    bench_free(start);
    bench_free(fill);
    bench_free(by_ind);
    bench_free(pairs);
    bench_free(keys);
    bench_free(order);
    bench_free(results);
    bench_free(staged);
    bench_free(interval);
    bench_free(derived);
    ranks_free(&rk);
    if (st) {
        bench_frame_free(f);
        return st;
    }
    if (out)
        *out = f;
    return BENCH_OK;
}

bench_status bench_uncertainty_pair(bench_frame **out, bench_db *db)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (out)
        *out = NULL;
    bench_status st = pair_all(out, db);
    if (st)
        return DB_FAIL(db, st, "bench_uncertainty_pair: %s", bench_strerror(st));
    return BENCH_OK;
}
