/* similar.c -- likhetsutsökning: the k areas nearest a focus kommun on standardized indicators
 * (the CIPFA nearest-neighbours method, rules in bench.h). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIMILAR_INDICATORS 64

typedef struct neighbour {
    double distance;
    uint32_t area;
    int64_t order; /* the area code's place in text order, for ties */
} neighbour;

static int cmp_neighbour(const void *a, const void *b)
{
    const neighbour *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

bench_status bench_similar(bench_frame **out, bench_db *db, const bench_similar_options *opts)
{
    FRAME_CALL_BEGIN(db, out, opts, "bench_similar");
    CHECK_VERSION(db, opts, BENCH_SIMILAR_VERSION, BENCH_SIMILAR_VERSION, "bench_similar_options");
    size_t m = opts->n_indicators;
    if (!opts->indicators || m == 0 || m > MAX_SIMILAR_INDICATORS)
        return DB_FAIL(db, BENCH_EINVAL, "bench_similar: 1 to %d indicators are needed", MAX_SIMILAR_INDICATORS);
    if ((unsigned)opts->gender > BENCH_GENDER_M)
        return DB_FAIL(db, BENCH_EINVAL, "bench_similar: bad gender %d", (int)opts->gender);
    uint32_t focus, period;
    DB_REQUIRE(&focus, db, CODE_AREA, opts->focus, "focus area");
    DB_REQUIRE(&period, db, CODE_PERIOD, opts->period, "period");
    uint32_t ind[MAX_SIMILAR_INDICATORS];
    double w[MAX_SIMILAR_INDICATORS], wsum = 0;
    for (size_t j = 0; j < m; j++) {
        uint32_t k;
        DB_REQUIRE(&k, db, CODE_INDICATOR, opts->indicators[j], "indicator");
        for (size_t i = 0; i < j; i++)
            if (ind[i] == (uint32_t)k)
                return DB_FAIL(db, BENCH_EINVAL, "bench_similar: indicator %s is given twice", db->indicators.strs[k]);
        ind[j] = (uint32_t)k;
        w[j] = opts->weights ? opts->weights[j] : 1.0;
        if (!(w[j] >= 0) || !isfinite(w[j]))
            return DB_FAIL(db, BENCH_EINVAL, "bench_similar: weight %zu is %g, expected a number >= 0", j, w[j]);
        wsum += w[j];
    }
    if (!(wsum > 0))
        return DB_FAIL(db, BENCH_EINVAL, "bench_similar: the weights sum to 0");
    for (size_t j = 0; j < m; j++)
        w[j] /= wsum;
    size_t k_wanted = opts->k ? opts->k : 7;

    uint8_t *set = NULL;
    bench_status st = area_selection(&set, db, opts->areas, opts->n_areas, true);
    if (st)
        return st;
    size_t na = db->areas.n;
    const obs_columns *o = &db->obs;
    double *x = bench_malloc((na ? na : 1) * m * sizeof *x);            /* x[a * m + j] */
    int32_t *row_of = bench_malloc((na ? na : 1) * m * sizeof *row_of); /* the row used, -1 none */
    int16_t *slot = bench_malloc((db->indicators.n ? db->indicators.n : 1) * sizeof *slot);
    neighbour *nb = bench_malloc((na ? na : 1) * sizeof *nb);
    uint32_t *cand = bench_malloc((na ? na : 1) * sizeof *cand);
    double *z = bench_malloc((na ? na : 1) * m * sizeof *z);
    ranks_t rk = { 0 };
    bench_frame *f = NULL;
    if (!x || !row_of || !slot || !nb || !cand || !z)
        st = BENCH_ENOMEM;
    if (!st)
        st = ranks_make(&rk, db);
    size_t nc = 0, nn = 0;
    if (!st) {
        for (uint32_t k = 0; k < db->indicators.n; k++)
            slot[k] = -1;
        for (size_t j = 0; j < m; j++)
            slot[ind[j]] = (int16_t)j;
        for (size_t i = 0; i < na * m; i++)
            row_of[i] = -1;
        /* each area's value of each indicator; with several sources the most recent wins */
        for (size_t r = 0; r < o->n; r++) {
            int j = slot[o->indicator[r]];
            if (j < 0 || o->period[r] != period || o->gender[r] != opts->gender || o->kind[r] != BENCH_KIND_UTFALL)
                continue;
            uint32_t a = o->area[r];
            if (!set[a] && a != focus)
                continue;
            int32_t *have = &row_of[a * m + (size_t)j];
            if (row_wins(db, r, *have))
                *have = (int32_t)r;
        }
        /* candidates: the areas of the set (and the focus) with every indicator */
        for (uint32_t a = 0; a < na; a++) {
            if (!set[a] && a != focus)
                continue;
            bool all = true;
            for (size_t j = 0; j < m && all; j++) {
                int32_t r = row_of[a * m + j];
                all = r >= 0 && o->status[r] == BENCH_OBS_OK;
                if (all)
                    x[a * m + j] = o->value[r];
            }
            if (all)
                cand[nc++] = a;
            else if (a == focus) {
                size_t j = 0;
                while (j < m && row_of[a * m + j] >= 0 && o->status[row_of[a * m + j]] == BENCH_OBS_OK)
                    j++;
                st = BENCH_ENOTFOUND;
                error_set(&db->err, st, "", 0, 0, __FILE__, __LINE__,
                          "focus %s has no value of %s for %s: it cannot be compared on it", db->areas.strs[focus],
                          db->indicators.strs[ind[j]], db->periods.strs[period]);
                break;
            }
        }
    }
    if (!st) {
        /* z = (x - mean) / sd over the candidates (population sd); an indicator equal for all adds 0 */
        for (size_t j = 0; j < m; j++) {
            double mean = 0, var = 0;
            for (size_t c = 0; c < nc; c++)
                mean += x[cand[c] * m + j];
            mean /= (double)nc;
            for (size_t c = 0; c < nc; c++) {
                double d = x[cand[c] * m + j] - mean;
                var += d * d;
            }
            double sd = sqrt(var / (double)nc);
            for (size_t c = 0; c < nc; c++)
                z[cand[c] * m + j] = sd > 0 ? (x[cand[c] * m + j] - mean) / sd : 0;
        }
        for (size_t c = 0; c < nc; c++) {
            uint32_t a = cand[c];
            if (a == focus)
                continue;
            double d2 = 0;
            for (size_t j = 0; j < m; j++) {
                double d = z[a * m + j] - z[focus * m + j];
                d2 += w[j] * d * d;
            }
            nb[nn++] = (neighbour){ sqrt(d2), a, rk.area[a] };
        }
        qsort(nb, nn, sizeof *nb, cmp_neighbour);
        if (nn > k_wanted)
            nn = k_wanted;
        st = frame_new(&f, 2 + m, nn);
    }
    if (!st) {
        uint32_t *area = frame_add(f, 0, "area", BENCH_COLUMN_CODE);
        double *dist = frame_add(f, 1, "distance", BENCH_COLUMN_F64);
        if (!area || !dist)
            st = BENCH_ENOMEM;
        for (size_t i = 0; !st && i < nn; i++) {
            area[i] = nb[i].area;
            dist[i] = nb[i].distance;
        }
        /* each indicator's share of the squared distance: why the area is near */
        for (size_t j = 0; !st && j < m; j++) {
            double *share = frame_add(f, 2 + j, db->indicators.strs[ind[j]], BENCH_COLUMN_F64);
            if (!share) {
                st = BENCH_ENOMEM;
                break;
            }
            for (size_t i = 0; i < nn; i++) {
                uint32_t a = nb[i].area;
                double d = z[a * m + j] - z[focus * m + j];
                double d2 = nb[i].distance * nb[i].distance;
                share[i] = d2 > 0 ? w[j] * d * d / d2 : w[j];
            }
        }
        if (!st)
            st = frame_compact_codes(f, 0, db->areas.n, pool_text, &db->areas, rk.area);
        char text[32];
        snprintf(text, sizeof text, "%zu", nc);
        if (!st)
            st = frame_set_meta(f, "candidates", text);
        if (!st)
            st = frame_set_meta(f, "focus", db->areas.strs[focus]);
    }
    bench_free(set);
    bench_free(x);
    bench_free(row_of);
    bench_free(slot);
    bench_free(nb);
    bench_free(cand);
    bench_free(z);
    ranks_free(&rk);
    if (st) {
        bench_frame_free(f);
        if (st == BENCH_ENOTFOUND && db->err.code)
            return st;
        return DB_FAIL(db, st, "bench_similar: %s", bench_strerror(st));
    }
    *out = f;
    return BENCH_OK;
}
