/* stored.c -- a computed result stored as an indicator (per capita, ratio, fixed prices, the bounds
 * of a Kolada osäkerhetstal): its rows, its interval companions "<id>:ci_low" and "<id>:ci_high",
 * and its catalogue entry; many results in one transaction. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The rows of a stored result: per key the row of the value's most recent source.  The
 * frame's rows are sorted so that the rows of one key are together.  `values` are the results
 * (or an interval's bounds); a row whose result is ok but has no such value is missing. */
bench_status stage_result(obs_columns *out, const bench_db *db, const uint32_t *rows, size_t n, const double *values,
                          const uint32_t *status)
{
    const obs_columns *o = &db->obs;
    memset(out, 0, sizeof *out);
    bench_status st = obs_reserve(out, n ? n : 1);
    if (st) {
        obs_free(out);
        return st;
    }
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = rows[i];
        bool same_key = w && o->area[r] == out->area[w - 1] && o->period[r] == out->period[w - 1] &&
                        o->gender[r] == out->gender[w - 1];
        size_t k = w;
        if (same_key) {
            if (!source_newer(db, o->source[r], out->source[w - 1]))
                continue;
            k = w - 1;
        } else {
            w++;
        }
        out->indicator[k] = 0; /* set when the id is interned */
        out->area[k] = o->area[r];
        out->period[k] = o->period[r];
        out->gender[k] = o->gender[r];
        out->source[k] = o->source[r]; /* the numerator's, until the result's own is known */
        out->kind[k] = BENCH_KIND_UTFALL;
        out->value[k] = values[i];
        out->status[k] = (uint8_t)(status[i] == BENCH_OBS_OK && isnan(values[i]) ? BENCH_OBS_MISSING : status[i]);
        out->count[k] = o->count[r];
    }
    out->n = w;
    return BENCH_OK;
}

/* The catalogue texts of one part of a stored result: title, unit and formula (owned). */
static bench_status part_texts(char *texts[3], const stored_result *r, size_t p)
{
    static const char *const bound[] = { "", "nedre", "övre" };
    char part_title[1200], part_derived[MAX_DERIVED + 96];
    if (!p) {
        snprintf(part_title, sizeof part_title, "%s", r->title);
        snprintf(part_derived, sizeof part_derived, "%s", r->derived);
    } else if (r->interval) {
        snprintf(part_title, sizeof part_title, "%s, %s gräns (%s)", r->title, bound[p], r->interval);
        snprintf(part_derived, sizeof part_derived, "%s; %s gräns", r->derived, bound[p]);
    } else {
        snprintf(part_title, sizeof part_title, "%s, %s gräns (%g %% konfidensintervall)", r->title, bound[p],
                 r->ci * 100);
        snprintf(part_derived, sizeof part_derived, "%s; %s gräns av %g %% konfidensintervall (%s)", r->derived,
                 bound[p], r->ci * 100, r->ci_method);
    }
    texts[0] = bench_strndup(part_title, strlen(part_title));
    texts[1] = r->unit ? bench_strndup(r->unit, strlen(r->unit)) : NULL;
    texts[2] = bench_strndup(part_derived, strlen(part_derived));
    return !texts[0] || (r->unit && !texts[1]) || !texts[2] ? BENCH_ENOMEM : BENCH_OK;
}

bench_status store_result(bench_db *db, const stored_result *r, obs_columns *staged, size_t nparts)
{
    return store_results(db, r, 1, staged, nparts);
}

bench_status store_results(bench_db *db, const stored_result *r, size_t nresults, obs_columns *staged, size_t nparts)
{
    static const char *const suffix[] = { "", ":ci_low", ":ci_high" };
    size_t nslots = nresults * MAX_PARTS;
    char *(*texts)[3] = bench_calloc(nslots ? nslots : 1, sizeof *texts);
    uint32_t *inds = bench_calloc(nslots ? nslots : 1, sizeof *inds);
    uint32_t *srcs = bench_calloc(nresults ? nresults : 1, sizeof *srcs);
    uint32_t *all = bench_malloc((nslots ? 2 * nslots : 1) * sizeof *all);
    obs_columns *adds = bench_calloc(nslots ? 2 * nslots : 1, sizeof *adds);
    bench_status st = texts && inds && srcs && all && adds ? BENCH_OK : BENCH_ENOMEM;
    /* the parts of result i are staged[i * MAX_PARTS + p]; with bounds_only p starts at PART_LOW
     * (an imported measure keeps its own rows and entry) */
    for (size_t i = 0; i < nresults && !st; i++)
        for (size_t p = r[i].bounds_only ? PART_LOW : PART_RESULT; p < nparts && !st; p++)
            st = part_texts(texts[i * MAX_PARTS + p], &r[i], p);
    db_mark mark = db_mark_take(db);
    size_t nall = 0;
    for (size_t i = 0; i < nresults && !st; i++) {
        const char *id = r[i].id;
        int id_len = (int)r[i].id_len;
        char source[4200];
        int source_len = snprintf(source, sizeof source, "Bearbetning: %s", r[i].derived);
        if (source_len >= 4096) /* a source label is at most 4 096 bytes */
            source_len = 4096;
        for (size_t p = r[i].bounds_only ? PART_LOW : PART_RESULT; p < nparts && !st; p++) {
            char part_id[160];
            int len = snprintf(part_id, sizeof part_id, "%.*s%s", id_len, id, suffix[p]);
            st = len > 128 ? BENCH_EINVAL : db_intern_indicator(db, part_id, (size_t)len, &inds[i * MAX_PARTS + p]);
            all[nall] = inds[i * MAX_PARTS + p];
            adds[nall++] = staged[i * MAX_PARTS + p];
        }
        /* storing again without intervals: the earlier intervals go too */
        for (size_t p = nparts; p < MAX_PARTS && !st && nparts == 1; p++) {
            char part_id[160];
            int len = snprintf(part_id, sizeof part_id, "%.*s%s", id_len, id, suffix[p]);
            int64_t k = indicator_find(db, part_id, (size_t)len);
            if (k >= 0 && db->ind_meta[k].derived) {
                all[nall] = (uint32_t)k;
                memset(&adds[nall++], 0, sizeof *adds);
            }
        }
        if (!st)
            st = pool_intern(&db->sources, source, (size_t)source_len, &srcs[i]);
    }
    if (!st)
        st = db_sync_meta(db);
    if (!st) {
        for (size_t i = 0; i < nresults; i++)
            for (size_t p = r[i].bounds_only ? PART_LOW : PART_RESULT; p < nparts; p++) {
                obs_columns *c = &staged[i * MAX_PARTS + p];
                for (size_t j = 0; j < c->n; j++) {
                    c->indicator[j] = (uint16_t)inds[i * MAX_PARTS + p];
                    c->source[j] = (uint16_t)srcs[i];
                }
            }
        /* the copies in `adds` share the columns just written */
        st = db_replace_indicators(db, all, adds, nall);
    }
    if (st) {
        db_mark_rollback(db, mark);
        for (size_t k = 0; texts && k < nslots; k++)
            for (int t = 0; t < 3; t++)
                bench_free(texts[k][t]);
    } else {
        for (size_t i = 0; i < nresults; i++) {
            for (size_t p = r[i].bounds_only ? PART_LOW : PART_RESULT; p < nparts; p++) {
                indicator_meta *m = &db->ind_meta[inds[i * MAX_PARTS + p]];
                bench_free(m->title);
                bench_free(m->unit);
                bench_free(m->derived);
                m->title = texts[i * MAX_PARTS + p][0];
                m->unit = texts[i * MAX_PARTS + p][1];
                m->derived = texts[i * MAX_PARTS + p][2];
                m->direction = (uint8_t)r[i].direction;
            }
            db->source_seq[srcs[i]] = ++db->import_seq;
        }
    }
    bench_free(texts);
    bench_free(inds);
    bench_free(srcs);
    bench_free(all);
    bench_free(adds);
    return st;
}

bench_status result_frame_codes(bench_frame *f, const bench_db *db, const ranks_t *rk)
{
    const frame_codes codes[] = { { 0, db->indicators.n, pool_text, &db->indicators, rk->ind },
                                  { 1, db->areas.n, pool_text, &db->areas, rk->area },
                                  { 2, db->periods.n, pool_text, &db->periods, rk->period },
                                  { 3, 3, gender_text, NULL, enum_rank },
                                  { 7, 7, status_text, NULL, enum_rank },
                                  { 8, db->sources.n, pool_text, &db->sources, rk->source } };
    return frame_compact_columns(f, codes, sizeof codes / sizeof codes[0]);
}

bench_status result_rows(uint32_t **out_rows, size_t *out_n, const bench_db *db, const ranks_t *rk, int64_t indicator,
                         const uint8_t *skip)
{
    const obs_columns *o = &db->obs;
    *out_n = 0;
    uint64_t *keys = bench_malloc((o->n ? o->n : 1) * sizeof *keys);
    uint32_t *rows = bench_malloc((o->n ? o->n : 1) * sizeof *rows);
    if (!keys || !rows) {
        bench_free(keys);
        bench_free(rows);
        return BENCH_ENOMEM;
    }
    size_t n = 0;
    for (size_t r = 0; r < o->n; r++) {
        uint32_t k = o->indicator[r];
        if (o->kind[r] != BENCH_KIND_UTFALL || (indicator >= 0 ? k != (uint64_t)indicator : skip && skip[k]))
            continue;
        keys[n] = (uint64_t)rk->ind[k] << 48 | (uint64_t)rk->area[o->area[r]] << 32 |
                  (uint64_t)rk->period[o->period[r]] << 16 | (uint64_t)o->gender[r] << 12 |
                  (uint64_t)rk->source[o->source[r]];
        rows[n++] = (uint32_t)r;
    }
    bench_status s = sort_pairs(keys, rows, n);
    bench_free(keys);
    if (s) {
        bench_free(rows);
        return s;
    }
    *out_rows = rows;
    *out_n = n;
    return BENCH_OK;
}

bench_status result_frame_new(bench_frame **out, result_columns *c, size_t n, const char *middle, bool intervals)
{
    bench_frame *f = NULL;
    bench_status st = frame_new(&f, intervals ? 11 : 9, n);
    if (st)
        return st;
    c->indicator = frame_add(f, 0, "indicator", BENCH_COLUMN_CODE);
    c->area = frame_add(f, 1, "area", BENCH_COLUMN_CODE);
    c->period = frame_add(f, 2, "period", BENCH_COLUMN_CODE);
    c->gender = frame_add(f, 3, "gender", BENCH_COLUMN_CODE);
    c->value = frame_add(f, 4, "value", BENCH_COLUMN_F64);
    c->middle = frame_add(f, 5, middle, BENCH_COLUMN_F64);
    c->result = frame_add(f, 6, "result", BENCH_COLUMN_F64);
    c->status = frame_add(f, 7, "status", BENCH_COLUMN_CODE);
    c->source = frame_add(f, 8, "source", BENCH_COLUMN_CODE);
    c->low = intervals ? frame_add(f, 9, "ci_low", BENCH_COLUMN_F64) : NULL;
    c->high = intervals ? frame_add(f, 10, "ci_high", BENCH_COLUMN_F64) : NULL;
    if (!c->indicator || !c->area || !c->period || !c->gender || !c->value || !c->middle || !c->result || !c->status ||
        !c->source || (intervals && (!c->low || !c->high))) {
        bench_frame_free(f);
        return BENCH_ENOMEM;
    }
    *out = f;
    return BENCH_OK;
}
