/* import_json.c -- Kolada API responses (v2 and v3): data, /kpi, /municipality, groups. */
#include "internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

typedef struct json_import {
    import_txn txn;
    bench_db *db;
    uint32_t *rows; /* per staged observation: its entry i of "values" */
    size_t rows_cap;
    const bench_json_options *opts;
    uint16_t source;
    obs_columns staged;
    uint64_t row_base; /* the tag of this part's values[0] (parts before it) */
} json_import;

#define FAIL(ji, ...) (IMPORT_ERROR(&(ji)->txn, BENCH_EPARSE, 0, 0, __VA_ARGS__), false)

/* Count one more row read; false (and an error) past max_rows. */
static bool count_row(json_import *ji)
{
    if (++ji->txn.rep.rows_read <= ji->db->opts.max_rows)
        return true;
    IMPORT_ERROR(&ji->txn, BENCH_ELIMIT, 0, 0, "more than %zu rows (max_rows)", ji->db->opts.max_rows);
    return false;
}

static const cJSON *field(const cJSON *obj, const char *name) { return cJSON_GetObjectItemCaseSensitive(obj, name); }

static int by_key(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The first key that an object gives twice, or NULL: cJSON keeps both, and which one a
 * reader takes is a guess.  Objects here have a handful of keys; a large one is checked by
 * sorting its keys (160 000 keys in one row must not take minutes). */
static const char *repeated_key(const cJSON *obj)
{
    size_t n = 0;
    for (const cJSON *a = obj->child; a; a = a->next)
        n++;
    const char **keys = n > 16 ? bench_malloc(n * sizeof *keys) : NULL;
    if (keys) {
        size_t k = 0;
        for (const cJSON *a = obj->child; a; a = a->next)
            keys[k++] = a->string ? a->string : "";
        qsort(keys, n, sizeof *keys, by_key);
        const char *twice = NULL;
        for (size_t i = 1; i < n && !twice; i++)
            if (strcmp(keys[i - 1], keys[i]) == 0)
                twice = keys[i];
        bench_free(keys);
        return twice;
    }
    for (const cJSON *a = obj->child; a; a = a->next)
        for (const cJSON *b = a->next; b; b = b->next)
            if (a->string && b->string && strcmp(a->string, b->string) == 0)
                return a->string;
    return NULL;
}

/* A code given as a string, or as a whole number (periods often are). */
static bool code_text(const cJSON *v, char *buf, size_t size)
{
    if (cJSON_IsString(v)) {
        if (strlen(v->valuestring) >= size)
            return false;
        memcpy(buf, v->valuestring, strlen(v->valuestring) + 1);
        return true;
    }
    if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e9) {
        snprintf(buf, size, "%.0f", v->valuedouble);
        return true;
    }
    return false;
}

/* is_deleted 0/1 (v2) or isdeleted true/false (v3) */
static bool deleted(const cJSON *obj)
{
    const cJSON *d = field(obj, "isdeleted");
    if (!d)
        d = field(obj, "is_deleted");
    if (cJSON_IsString(d)) /* "true" as text, as some exports write it */
        return strcasecmp(d->valuestring, "true") == 0 || strcmp(d->valuestring, "1") == 0;
    return cJSON_IsTrue(d) || (cJSON_IsNumber(d) && d->valuedouble != 0);
}

/* ---- data rows ----------------------------------------------------------------- */

static bool read_data_row(json_import *ji, const cJSON *row, size_t i)
{
    bench_db *db = ji->db;
    char text[160], buf[160];
    size_t len;
    int64_t key;
    uint32_t ind, area, period;
    if (!cJSON_IsObject(row))
        return FAIL(ji, "values[%zu]: expected an object {kpi, municipality, period, values}", i);
    const char *twice = repeated_key(row);
    if (twice)
        return FAIL(ji, "values[%zu]: the key \"%.40s\" appears twice: which one is meant?", i, twice);
    if (!code_text(field(row, "kpi"), text, sizeof text) || !indicator_id_normalize(text, strlen(text), buf, &len))
        return FAIL(ji, "values[%zu].kpi: expected an indicator id such as \"U33401\"", i);
    bench_status st = db_intern_indicator(db, buf, len, &ind);
    const cJSON *m = field(row, "municipality");
    if (!m)
        m = field(row, "ou");
    if (!st && (!code_text(m, text, sizeof text) || !area_code_normalize(text, strlen(text), buf, &len)))
        return FAIL(ji, "values[%zu].municipality: expected a code such as \"1490\" or \"G92790\"", i);
    if (!st)
        st = db_intern_area(db, buf, len, &area);
    if (!st &&
        (!code_text(field(row, "period"), text, sizeof text) || !period_parse(text, strlen(text), buf, &len, &key)))
        return FAIL(ji, "values[%zu].period: expected a year such as 2022", i);
    if (!st)
        st = db_intern_period(db, buf, len, key, &period);
    if (st) {
        IMPORT_ERROR(&ji->txn, st, 0, 0, "values[%zu]: %s", i, bench_strerror(st));
        return false;
    }
    bool row_deleted = deleted(row);
    const cJSON *values = field(row, "values");
    if (!cJSON_IsArray(values))
        return FAIL(ji, "values[%zu].values: expected an array of {gender, value, count, status}", i);
    const cJSON *v;
    size_t j = 0;
    cJSON_ArrayForEach(v, values)
    {
        if (!count_row(ji))
            return false;
        if (!cJSON_IsObject(v))
            return FAIL(ji, "values[%zu].values[%zu]: expected an object", i, j);
        const char *twice = repeated_key(v);
        if (twice)
            return FAIL(ji, "values[%zu].values[%zu]: the key \"%.40s\" appears twice: which one is meant?", i, j,
                        twice);
        if ((row_deleted || deleted(v)) && !ji->opts->include_deleted) {
            ji->txn.rep.skipped_deleted++;
            j++;
            continue;
        }
        const cJSON *g = field(v, "gender");
        int gender = cJSON_IsString(g) ? bench_gender_parse(g->valuestring, strlen(g->valuestring)) : -1;
        if (gender < 0)
            return FAIL(ji, "values[%zu].values[%zu].gender: expected \"T\", \"K\" or \"M\"", i, j);
        const cJSON *val = field(v, "value");
        double value = NAN;
        uint8_t status = BENCH_OBS_OK;
        if (!val || cJSON_IsNull(val)) {
            status = BENCH_OBS_MISSING;
            const cJSON *s = field(v, "status");
            if (cJSON_IsString(s)) {
                int marker = bench_missing_marker(s->valuestring, strlen(s->valuestring));
                if (marker > BENCH_OBS_MISSING)
                    status = (uint8_t)marker;
                else if (strcasestr(s->valuestring, "bortfall"))
                    status = BENCH_OBS_BORTFALL;
                else if (strcasestr(s->valuestring, "sekretess"))
                    status = BENCH_OBS_SEKRETESS;
            }
        } else if (cJSON_IsNumber(val) && isfinite(val->valuedouble)) {
            value = val->valuedouble;
        } else if (cJSON_IsString(val)) {
            size_t n = strlen(val->valuestring);
            int marker = bench_missing_marker(val->valuestring, n);
            if (marker >= 0)
                status = (uint8_t)marker;
            else if (bench_parse_number(&value, NULL, val->valuestring, n) != BENCH_OK)
                return FAIL(ji, "values[%zu].values[%zu].value: expected a number or null, found \"%.40s\"", i, j,
                            val->valuestring);
        } else if (cJSON_IsNumber(val)) { /* cJSON reads 1e400 as infinity */
            return FAIL(ji, "values[%zu].values[%zu].value: a number out of range (1e400?): not a finite double", i, j);
        } else {
            return FAIL(ji, "values[%zu].values[%zu].value: expected a number or null", i, j);
        }
        const cJSON *c = field(v, "count");
        int32_t count = status == BENCH_OBS_OK ? 1 : 0;
        if (c && !cJSON_IsNull(c)) {
            if (!cJSON_IsNumber(c) || c->valuedouble < 0 || c->valuedouble > INT32_MAX ||
                c->valuedouble != floor(c->valuedouble))
                return FAIL(ji, "values[%zu].values[%zu].count: expected a whole number", i, j);
            count = (int32_t)c->valuedouble;
        }
        if (!grow_array(&ji->rows, &ji->rows_cap, ji->staged.n, sizeof *ji->rows) ||
            obs_append(&ji->staged, ind, area, period, ji->source, gender, BENCH_KIND_UTFALL, value, count, status)) {
            IMPORT_ERROR(&ji->txn, BENCH_ENOMEM, 0, 0, "out of memory");
            return false;
        }
        ji->rows[ji->staged.n - 1] = (uint32_t)(ji->row_base + i);
        ji->txn.rep.missing += status != BENCH_OBS_OK;
        j++;
    }
    return true;
}

/* ---- metadata ---------------------------------------------------------------------- */

enum kind_of_list {
    L_DATA,
    L_KPI,
    L_MUNICIPALITY,
    L_MUNICIPALITY_GROUPS,
    L_KPI_GROUPS
};

static enum kind_of_list classify(const cJSON *first)
{
    if (field(first, "kpi") && field(first, "values"))
        return L_DATA;
    const cJSON *members = field(first, "members");
    if (cJSON_IsArray(members)) {
        const cJSON *m = members->child;
        return m && (field(m, "member_id") || field(m, "kpi")) ? L_KPI_GROUPS : L_MUNICIPALITY_GROUPS;
    }
    if (field(first, "type") && !field(first, "operating_area"))
        return L_MUNICIPALITY;
    return L_KPI;
}

static const char *string_field(const cJSON *obj, const char *name)
{
    const cJSON *v = field(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Check every metadata item before changing the catalogue, so a bad file changes nothing. */
static bool check_meta(json_import *ji, const cJSON *list, enum kind_of_list kind)
{
    const cJSON *item;
    size_t i = 0;
    cJSON_ArrayForEach(item, list)
    {
        char text[160], buf[160];
        size_t len;
        if (!cJSON_IsObject(item) || !code_text(field(item, "id"), text, sizeof text))
            return FAIL(ji, "values[%zu]: expected an object with a string \"id\"", i);
        const char *title = string_field(item, "title");
        if (field(item, "title") && !title)
            return FAIL(ji, "values[%zu].title: expected text", i);
        if (title && !utf8_valid_multiline(title, strlen(title)))
            return FAIL(ji, "values[%zu].title: not valid UTF-8 text (a Latin-1 file? save it as UTF-8)", i);
        bool ok = kind == L_KPI ? indicator_id_normalize(text, strlen(text), buf, &len)
                                : area_code_normalize(text, strlen(text), buf, &len);
        if (!ok && kind != L_KPI_GROUPS)
            return FAIL(ji, "values[%zu].id: \"%.40s\" is no %s", i, text,
                        kind == L_KPI ? "indicator id" : "area code");
        if (kind == L_MUNICIPALITY) {
            const char *type = string_field(item, "type");
            if (!type || (strcmp(type, "K") && strcmp(type, "L")))
                return FAIL(ji, "values[%zu].type: expected \"K\" (kommun) or \"L\" (region)", i);
        }
        if (i >= ji->db->opts.max_rows) {
            IMPORT_ERROR(&ji->txn, BENCH_ELIMIT, 0, 0, "values[%zu]: more than %zu entries (max_rows)", i,
                         ji->db->opts.max_rows);
            return false;
        }
        if (kind == L_MUNICIPALITY_GROUPS) {
            int64_t a = pool_find(&ji->db->areas, buf, len);
            uint8_t t = a >= 0 ? ji->db->area_meta[a].type : BENCH_AREA_UNKNOWN;
            if (t == BENCH_AREA_KOMMUN || t == BENCH_AREA_REGION || t == BENCH_AREA_RIKET)
                return FAIL(ji, "values[%zu].id: \"%.40s\" is the code of a %s, not a group id", i, text,
                            t == BENCH_AREA_KOMMUN ? "kommun" : "region");
            const cJSON *members = field(item, "members"), *m;
            if (!cJSON_IsArray(members))
                return FAIL(ji, "values[%zu].members: expected an array", i);
            size_t j = 0;
            cJSON_ArrayForEach(m, members)
            {
                if (!code_text(field(m, "id"), text, sizeof text) ||
                    !area_code_normalize(text, strlen(text), buf, &len))
                    return FAIL(ji, "values[%zu].members[%zu].id: expected an area code", i, j);
                j++;
            }
        }
        i++;
    }
    return true;
}

static bool apply_meta(json_import *ji, const cJSON *list, enum kind_of_list kind)
{
    const cJSON *item;
    size_t i = 0;
    cJSON_ArrayForEach(item, list)
    {
        char id[160];
        code_text(field(item, "id"), id, sizeof id);
        const char *title = string_field(item, "title");
        bench_status st = BENCH_OK;
        if (kind == L_KPI) {
            st = bench_indicator_set(ji->db, id, title, NULL, BENCH_DIRECTION_DEFAULT);
        } else if (kind == L_MUNICIPALITY) {
            bool kommun = strcmp(string_field(item, "type"), "K") == 0;
            bench_area_type type = kommun                    ? BENCH_AREA_KOMMUN
                                   : strcmp(id, "0000") == 0 ? BENCH_AREA_RIKET
                                                             : BENCH_AREA_REGION;
            st = bench_area_set(ji->db, id, type, title, NULL, NULL);
        } else if (kind == L_MUNICIPALITY_GROUPS) {
            const cJSON *members = field(item, "members"), *m;
            size_t n = (size_t)cJSON_GetArraySize(members), j = 0;
            char(*codes)[40] = bench_malloc((n ? n : 1) * sizeof *codes);
            const char **ptrs = bench_malloc((n ? n : 1) * sizeof *ptrs);
            if (!codes || !ptrs) {
                st = BENCH_ENOMEM;
            } else {
                cJSON_ArrayForEach(m, members)
                {
                    code_text(field(m, "id"), codes[j], sizeof codes[j]);
                    ptrs[j] = codes[j];
                    j++;
                }
                st = bench_group_set(ji->db, id, title, ptrs, n);
            }
            bench_free(codes);
            bench_free(ptrs);
        } else {
            ji->txn.rep.skipped_filtered++;
        }
        if (st) {
            bench_error e = ji->db->err;
            error_clear(&ji->db->err);
            IMPORT_ERROR(&ji->txn, st, 0, 0, "values[%zu]: %s", i, e.text);
            return false;
        }
        if (!count_row(ji))
            return false;
        ji->txn.rep.accepted += kind != L_KPI_GROUPS;
        i++;
    }
    return true;
}

/* ---- transactions of many parts ------------------------------------------------------------ */

struct bench_import {
    json_import ji;          /* its transaction (ji.txn) spans every part */
    bench_json_options opts; /* the caller's, its source already interned */
    uint32_t *part_start;    /* per part: the tag of its values[0] */
    size_t n_parts, parts_cap;
    uint64_t n_entries; /* entries of "values" over all parts: the next part's first tag */
    bench_error first;  /* the error that failed the transaction */
    char name[BENCH_ERROR_FILE_SIZE];
};

/* Record the failure of a part, so that later calls report it again. */
static bench_status import_failed(bench_import *imp)
{
    imp->first = imp->ji.db->err;
    return (bench_status)imp->ji.txn.code;
}

/* The options given, or the defaults when NULL, checked. */
static bench_status json_options(bench_db *db, const bench_json_options **opts, bench_json_options *defaults)
{
    if (!*opts) {
        *defaults = (bench_json_options)BENCH_JSON_OPTIONS_INIT;
        *opts = defaults;
    }
    CHECK_VERSION(db, (*opts), BENCH_JSON_OPTIONS_VERSION, BENCH_JSON_OPTIONS_VERSION, "bench_json_options");
    return BENCH_OK;
}

bench_status bench_import_begin(bench_import **out, bench_db *db, const char *name, const bench_json_options *opts)
{
    if (!out)
        return db ? DB_FAIL(db, BENCH_EINVAL, "bench_import_begin: out is NULL") : BENCH_EINVAL;
    *out = NULL;
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    bench_json_options defaults;
    if (json_options(db, &opts, &defaults))
        return (bench_status)db->err.code;
    bench_import *imp = bench_calloc(1, sizeof *imp);
    if (!imp)
        return DB_FAIL(db, BENCH_ENOMEM, "out of memory");
    snprintf(imp->name, sizeof imp->name, "%s", name ? name : "<buffer>");
    imp->opts = *opts;
    imp->opts.source = NULL; /* interned by the beginning: the caller's text is not kept */
    imp->ji.db = db;
    imp->ji.opts = &imp->opts;
    bench_status st = import_begin(&imp->ji.txn, db, imp->name, 0, opts->source, &imp->ji.source);
    if (st) {
        import_rollback(&imp->ji.txn);
        bench_free(imp);
        return st;
    }
    db->import_open = true;
    *out = imp;
    return BENCH_OK;
}

/* A part read row by row (json_stream_values), and what to put back when it is read again whole. */
typedef struct stream_state {
    json_import *ji;
    size_t rows;             /* entries of "values" read */
    db_mark mark;            /* the codes before this part */
    size_t staged;           /* the staged observations before this part */
    bench_import_report rep; /* the report before this part */
    bool bad_row;            /* a row was refused: its error stands if the text is well-formed */
} stream_state;

static bool stream_row(void *payload, const cJSON *row, size_t i)
{
    stream_state *ss = payload;
    if (ss->bad_row)
        return true; /* after a bad row only the syntax of the rest is checked, as cJSON would */
    if (i == 0 && (!cJSON_IsObject(row) || classify(row) != L_DATA))
        return false; /* metadata: read as a whole */
    ss->rows = i + 1;
    if (read_data_row(ss->ji, row, i))
        return true;
    ss->bad_row = true;
    return ss->ji->db->err.code != BENCH_ENOMEM;
}

/* One part's "values" list, staged (data) or applied (metadata). */
static void import_list(bench_import *imp, const cJSON *list)
{
    json_import *ji = &imp->ji;
    if (!list->child)
        return;
    enum kind_of_list kind = classify(list->child);
    if (kind == L_DATA) {
        const cJSON *row;
        size_t i = 0;
        cJSON_ArrayForEach(row, list)
        {
            if (!read_data_row(ji, row, i++))
                return;
        }
        imp->n_entries += i;
    } else if (check_meta(ji, list, kind)) {
        /* all or nothing: entries edited before a failure are put back by the rollback */
        if (!import_keep_catalogue(&ji->txn))
            apply_meta(ji, list, kind);
    }
}

bench_status bench_import_add_kolada_json(bench_import *imp, const char *data, size_t len, const char *name)
{
    if (!imp)
        return BENCH_EINVAL;
    bench_db *db = imp->ji.db;
    error_clear(&db->err);
    if (imp->ji.txn.failed) { /* the first error stands */
        db->err = imp->first;
        return (bench_status)imp->first.code;
    }
    json_import *ji = &imp->ji;
    ji->txn.name = name ? name : imp->name;
    if (!data && len) {
        IMPORT_ERROR(&ji->txn, BENCH_EINVAL, 0, 0, "bench_import_add_kolada_json: data is NULL");
        return import_failed(imp);
    }
    if (import_check_size(&ji->txn, len))
        return import_failed(imp);
    if (imp->n_entries > UINT32_MAX) {
        IMPORT_ERROR(&ji->txn, BENCH_ELIMIT, 0, 0, "more than %u entries of \"values\" in one import", UINT32_MAX);
        return import_failed(imp);
    }
    if (!grow_array(&imp->part_start, &imp->parts_cap, imp->n_parts, sizeof *imp->part_start)) {
        IMPORT_ERROR(&ji->txn, BENCH_ENOMEM, 0, 0, "out of memory");
        return import_failed(imp);
    }
    imp->part_start[imp->n_parts++] = (uint32_t)imp->n_entries;
    ji->row_base = imp->n_entries;
    /* data rows one at a time, without the whole tree; anything else -- metadata, malformed
     * JSON anywhere in the text, a duplicate top-level key -- is undone and read again as a
     * whole, which reports it */
    stream_state ss = { ji, 0, db_mark_take(db), ji->staged.n, ji->txn.rep, false };
    if (json_stream_values(data, len, db->opts.max_json_depth, db->opts.max_rows, stream_row, &ss)) {
        /* well-formed to the end: a bad row's error is the one the whole tree would give */
        ji->txn.name = imp->name;
        if (ji->txn.failed)
            return import_failed(imp);
        imp->n_entries += ss.rows;
        return BENCH_OK;
    }
    ji->staged.n = ss.staged;
    ji->txn.rep = ss.rep;
    db_mark_rollback(db, ss.mark);
    error_clear(&db->err);
    ji->txn.failed = ji->txn.stop = false;
    ji->txn.code = 0;
    json_failure fail;
    cJSON *root = json_parse(&data, &len, db->opts.max_json_depth, db->opts.max_rows, &fail);
    const cJSON *list = NULL;
    if (!root) {
        if (len)
            IMPORT_ERROR(&ji->txn, fail.code, fail.line, fail.column, "%s", fail.what);
        else
            IMPORT_ERROR(&ji->txn, BENCH_EPARSE, 1, 1,
                         "the file is empty: expected a Kolada response {\"values\": [...]}");
    } else {
        list = cJSON_IsArray(root) ? root : field(root, "values");
        const char *twice = cJSON_IsObject(root) ? repeated_key(root) : NULL;
        if (twice)
            IMPORT_ERROR(&ji->txn, BENCH_EPARSE, 1, 1, "the top-level key \"%.40s\" appears twice: which one is meant?",
                         twice);
        else if (!cJSON_IsArray(list))
            IMPORT_ERROR(&ji->txn, BENCH_EPARSE, 1, 1,
                         "expected a Kolada response {\"values\": [...]} or an array of rows");
        else
            import_list(imp, list);
    }
    cJSON_Delete(root);
    ji->txn.name = imp->name;
    return ji->txn.failed ? import_failed(imp) : BENCH_OK;
}

/* The part and entry of a tag, as "values[3]" (one part) or "part 2 (name?) values[3]". */
static void tag_text(const bench_import *imp, uint32_t tag, char *buf, size_t size)
{
    size_t lo = 0, hi = imp->n_parts; /* the last part starting at or before tag */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (imp->part_start[mid] <= tag)
            lo = mid;
        else
            hi = mid;
    }
    uint32_t base = imp->n_parts ? imp->part_start[lo] : 0;
    if (imp->n_parts > 1)
        snprintf(buf, size, "part %zu, values[%u]", lo + 1, (unsigned)(tag - base));
    else
        snprintf(buf, size, "values[%u]", (unsigned)(tag - base));
}

static void import_release(bench_import *imp)
{
    imp->ji.txn.db->import_open = false;
    obs_free(&imp->ji.staged);
    bench_free(imp->ji.rows);
    bench_free(imp->part_start);
    bench_free(imp);
}

bench_status bench_import_commit(bench_import_report *out, bench_import *imp)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!imp)
        return BENCH_EINVAL;
    json_import *ji = &imp->ji;
    error_clear(&ji->db->err);
    if (ji->txn.failed)
        ji->db->err = imp->first;
    merge_conflict twice;
    if (import_merge(&ji->txn, &ji->staged, ji->rows, &twice) == BENCH_EPARSE && !ji->txn.failed) {
        char later[64], earlier[64];
        tag_text(imp, twice.later, later, sizeof later);
        tag_text(imp, twice.earlier, earlier, sizeof earlier);
        IMPORT_ERROR(&ji->txn, BENCH_EPARSE, 0, 0,
                     "%s: the same kpi, municipality, period and gender as %s, with another value: which one is "
                     "meant?",
                     later, earlier);
    }
    bench_status st = import_end(out, &ji->txn);
    import_release(imp);
    return st;
}

void bench_import_rollback(bench_import *imp)
{
    if (!imp)
        return;
    import_rollback(&imp->ji.txn);
    import_release(imp);
}

/* ---- one buffer: a transaction of one part ------------------------------------------------------ */

bench_status bench_import_kolada_json_buffer(bench_import_report *out, bench_db *db, const char *data, size_t len,
                                             const char *name, const bench_json_options *opts)
{
    IMPORT_CALL_BEGIN(out, db);
    bench_json_options defaults;
    if (json_options(db, &opts, &defaults))
        return (bench_status)db->err.code;
    if (!data && len)
        return DB_FAIL(db, BENCH_EINVAL, "bench_import_kolada_json_buffer: data is NULL");
    bench_import *imp;
    bench_status st = bench_import_begin(&imp, db, name, opts);
    if (st) {
        if (out) { /* as a failed import reports it */
            out->n_errors = 1;
            out->errors[0] = db->err;
        }
        return st;
    }
    bench_import_add_kolada_json(imp, data, len, NULL); /* a failed part fails the commit */
    return bench_import_commit(out, imp);
}

static bench_status json_buffer(bench_import_report *out, bench_db *db, const char *data, size_t len, const char *name,
                                const void *opts)
{
    return bench_import_kolada_json_buffer(out, db, data, len, name, opts);
}

bench_status bench_import_kolada_json_file(bench_import_report *out, bench_db *db, const char *path,
                                           const bench_json_options *opts)
{
    return import_file(out, db, path, opts, json_buffer, "bench_import_kolada_json_file");
}
