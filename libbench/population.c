/* population.c -- SCB PxWeb population tables (API v1 JSON and v2 JSON-stat 2) through cJSON. */
#include "internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum dim_role {
    D_SUM,
    D_AREA,
    D_PERIOD,
    D_GENDER,
    D_AGE,
    D_MEASURE
};

/* Observations summed over the dimensions nobody asked for (e.g. civilstånd): one entry per key,
 * in the order the keys were first seen. */
typedef struct accumulator {
    hash_index index; /* key -> entry */
    uint64_t *keys;   /* per entry: its key (acc_key) */
    double *sum;
    uint8_t *status; /* first non-ok status of a term, else ok */
    size_t keys_cap, sum_cap, status_cap;
} accumulator;

typedef struct pop_import {
    import_txn txn;
    bench_db *db;
    const bench_population_options *opts;
    uint16_t source;
    accumulator acc;
    /* every cell seen, by what it means after normalizing (indicator, area, period, gender and the
     * codes of the dimensions that are summed): one cell named two ways ("1" and "01", 138 and 0138,
     * kön 1 and "män") is an error, never a sum */
    pool cells;
    size_t *cell_pos;      /* per cell: where it was given, for the error naming both */
    const char **cell_key; /* sparse JSON-stat: the index text; NULL otherwise */
    size_t cell_cap, key_cap;
    size_t nmeasures; /* PxWeb v1: values per row (to name data[r].values[m]) */
} pop_import;

static uint64_t acc_key(uint32_t ind, uint32_t area, uint32_t period, int gender)
{
    return ((uint64_t)ind << 40 | (uint64_t)area << 24 | (uint64_t)period << 8 | (uint64_t)gender) + 1;
}

static uint64_t key_of_entry(const void *keys, uint32_t e) { return ((const uint64_t *)keys)[e]; }

/* The entry of a key, or -1. */
static int64_t acc_find(const accumulator *a, uint64_t key)
{
    if (!a->index.slots)
        return -1;
    const hash_slot *slot = hash_index_slot(&a->index, hash_of(key), key, key_of_entry, a->keys);
    return slot->entry ? (int64_t)slot->entry - 1 : -1;
}

static bench_status acc_add(accumulator *a, uint64_t key, double value, uint8_t status)
{
    size_t n = a->index.n;
    bench_status st =
        a->index.slots ? hash_index_reserve(&a->index, n + 1, key_of_entry, a->keys) : hash_index_init(&a->index, 256);
    if (st || !grow_array(&a->keys, &a->keys_cap, n, sizeof *a->keys) ||
        !grow_array(&a->sum, &a->sum_cap, n, sizeof *a->sum) ||
        !grow_array(&a->status, &a->status_cap, n, sizeof *a->status))
        return BENCH_ENOMEM;
    uint64_t h = hash_of(key);
    hash_slot *slot = hash_index_slot(&a->index, h, key, key_of_entry, a->keys);
    if (!slot->entry) {
        a->keys[n] = key;
        a->sum[n] = 0;
        a->status[n] = BENCH_OBS_OK;
        hash_index_add(&a->index, slot, h, (uint32_t)n);
    }
    size_t e = slot->entry - 1;
    if (status != BENCH_OBS_OK) {
        if (a->status[e] == BENCH_OBS_OK)
            a->status[e] = status;
    } else {
        a->sum[e] += value;
    }
    return BENCH_OK;
}

static void acc_free(accumulator *a)
{
    hash_index_free(&a->index);
    bench_free(a->keys);
    bench_free(a->sum);
    bench_free(a->status);
}

/* ---- one cell: dimension values to a key ---------------------------------- */

#define MAX_DIMS 32

typedef struct cell {
    const char *area, *period, *gender, *age, *measure; /* NULL when the table has no such dimension */
    const char *sum[MAX_DIMS];                          /* codes of the dimensions summed over */
    size_t nsum;
    size_t pos;      /* where: data row * values + value, or value index */
    const char *key; /* sparse JSON-stat: the index as given */
} cell;

static bool is_total(const char *s)
{
    return strcasecmp(s, "tot") == 0 || strcasecmp(s, "totalt") == 0 || strcasecmp(s, "1+2") == 0 ||
           strcasecmp(s, "T") == 0;
}

static void where_of(const pop_import *pi, size_t pos, const char *key, char *out, size_t size)
{
    if (key)
        snprintf(out, size, "value.%.20s", key);
    else if (pi->nmeasures)
        snprintf(out, size, "data[%zu].values[%zu]", pos / pi->nmeasures, pos % pi->nmeasures);
    else
        snprintf(out, size, "value[%zu]", pos);
}

/* False (and the error set) when the cell with this normalized key was given before. */
static bool cell_first_time(pop_import *pi, const cell *c, uint64_t key, const char *where)
{
    size_t len = sizeof key;
    for (size_t k = 0; k < c->nsum; k++)
        len += strlen(c->sum[k]) + 1;
    char small[256], *id = len <= sizeof small ? small : bench_malloc(len);
    if (!id) {
        IMPORT_ERROR(&pi->txn, BENCH_ENOMEM, 0, 0, "%s: out of memory", where);
        return false;
    }
    memcpy(id, &key, sizeof key);
    size_t at = sizeof key;
    for (size_t k = 0; k < c->nsum; k++) {
        size_t n = strlen(c->sum[k]) + 1;
        memcpy(id + at, c->sum[k], n);
        at += n;
    }
    uint32_t before = pi->cells.n, code = 0;
    bench_status st = pool_intern(&pi->cells, id, len, &code);
    if (id != small)
        bench_free(id);
    if (!st && code >= before &&
        (!grow_array(&pi->cell_pos, &pi->cell_cap, code, sizeof *pi->cell_pos) ||
         !grow_array(&pi->cell_key, &pi->key_cap, code, sizeof *pi->cell_key)))
        st = BENCH_ENOMEM;
    if (st) {
        IMPORT_ERROR(&pi->txn, st, 0, 0, "%s: %s", where, bench_strerror(st));
        return false;
    }
    if (code >= before) {
        pi->cell_pos[code] = c->pos;
        pi->cell_key[code] = c->key;
        return true;
    }
    char earlier[64];
    where_of(pi, pi->cell_pos[code], pi->cell_key[code], earlier, sizeof earlier);
    IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0,
                 "%s: the same cell as %s (region %s, tid %s, kön %s), given twice: which one is meant? "
                 "(it is not summed)",
                 where, earlier, c->area ? c->area : "-", c->period ? c->period : "-", c->gender ? c->gender : "-");
    return false;
}

static bool add_cell(pop_import *pi, const cell *c, double value, uint8_t status, const char *where)
{
    bench_db *db = pi->db;
    char buf[160];
    size_t len;
    uint32_t ind, area, period;
    const char *base = pi->opts->indicator ? pi->opts->indicator : c->measure;
    if (!base) {
        IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0,
                     "%s: the table has no ContentsCode; give the indicator id as an option", where);
        return false;
    }
    char id[200];
    if (c->age && !is_total(c->age))
        snprintf(id, sizeof id, "%s:%s", base, c->age);
    else
        snprintf(id, sizeof id, "%s", base);
    if (!indicator_id_normalize(id, strlen(id), buf, &len)) {
        IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s: \"%.60s\" is no indicator id", where, id);
        return false;
    }
    bench_status st = db_intern_indicator(db, buf, len, &ind);
    const char *acode = c->area ? c->area : "0000";
    if (!st && !area_code_normalize(acode, strlen(acode), buf, &len)) {
        IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s: expected a region code such as 00, 14 or 1490, found \"%.40s\"",
                     where, acode);
        return false;
    }
    if (!st)
        st = db_intern_area(db, buf, len, &area);
    int64_t key;
    if (!st && (!c->period || !period_parse(c->period, strlen(c->period), buf, &len, &key))) {
        IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s: expected a period (Tid) such as 2024, found \"%.40s\"", where,
                     c->period ? c->period : "(none)");
        return false;
    }
    if (!st)
        st = db_intern_period(db, buf, len, key, &period);
    int gender = BENCH_GENDER_T;
    if (!st && c->gender && !is_total(c->gender)) {
        if (strcmp(c->gender, "1") == 0)
            gender = BENCH_GENDER_M;
        else if (strcmp(c->gender, "2") == 0)
            gender = BENCH_GENDER_K;
        else if ((gender = bench_gender_parse(c->gender, strlen(c->gender))) < 0) {
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s: expected kön 1 (män), 2 (kvinnor) or 1+2, found \"%.40s\"",
                         where, c->gender);
            return false;
        }
    }
    if (++pi->txn.rep.rows_read > pi->db->opts.max_rows) {
        IMPORT_ERROR(&pi->txn, BENCH_ELIMIT, 0, 0, "%s: more than %zu cells (max_rows)", where, pi->db->opts.max_rows);
        return false;
    }
    if (!st && !cell_first_time(pi, c, acc_key(ind, area, period, gender), where))
        return false;
    if (!st)
        st = acc_add(&pi->acc, acc_key(ind, area, period, gender), value, status);
    if (st) {
        IMPORT_ERROR(&pi->txn, st, 0, 0, "%s: %s", where, bench_strerror(st));
        return false;
    }
    return true;
}

/* A value given as text ("5157443", "..", "-") or as a number. */
static bool cell_value_any(pop_import *pi, const cJSON *v, double *out, uint8_t *status, const char *where);

/* A cell's value; a negative number of people is an error (a sign lost in a spreadsheet, a
 * difference table given as a population). */
static bool cell_value(pop_import *pi, const cJSON *v, double *out, uint8_t *status, const char *where)
{
    if (!cell_value_any(pi, v, out, status, where))
        return false;
    if (*status == BENCH_OBS_OK && *out < 0) {
        IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s: a negative population (%g): expected a number of people", where,
                     *out);
        return false;
    }
    return true;
}

static bool cell_value_any(pop_import *pi, const cJSON *v, double *out, uint8_t *status, const char *where)
{
    *out = NAN;
    if (cJSON_IsNull(v)) {
        *status = BENCH_OBS_MISSING;
        return true;
    }
    if (cJSON_IsNumber(v)) {
        if (!isfinite(v->valuedouble)) {
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s: not a finite number", where);
            return false;
        }
        *out = v->valuedouble;
        *status = BENCH_OBS_OK;
        return true;
    }
    if (cJSON_IsString(v)) {
        size_t len = strlen(v->valuestring);
        int m = bench_missing_marker(v->valuestring, len);
        if (m >= 0) {
            *status = (uint8_t)m;
            return true;
        }
        if (bench_parse_number(out, NULL, v->valuestring, len) == BENCH_OK) {
            *status = BENCH_OBS_OK;
            return true;
        }
    }
    IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s: expected a number, a number as text or a missing marker (\"..\")",
                 where);
    return false;
}

static enum dim_role role_of(const char *code, const char *type)
{
    if (type && strcmp(type, "t") == 0)
        return D_PERIOD;
    if (type && strcmp(type, "c") == 0)
        return D_MEASURE;
    if (strcasecmp(code, "Region") == 0)
        return D_AREA;
    if (strcasecmp(code, "Tid") == 0)
        return D_PERIOD;
    if (strcasecmp(code, "Kon") == 0 || strcmp(code, "Kön") == 0)
        return D_GENDER;
    if (strcasecmp(code, "Alder") == 0 || strcmp(code, "Ålder") == 0)
        return D_AGE;
    if (strcasecmp(code, "ContentsCode") == 0)
        return D_MEASURE;
    return D_SUM;
}

static void set_role(cell *c, enum dim_role role, const char *value)
{
    switch (role) {
    case D_AREA:
        c->area = value;
        break;
    case D_PERIOD:
        c->period = value;
        break;
    case D_GENDER:
        c->gender = value;
        break;
    case D_AGE:
        c->age = value;
        break;
    case D_MEASURE:
        c->measure = value;
        break;
    case D_SUM:
        if (c->nsum < MAX_DIMS)
            c->sum[c->nsum++] = value;
        break;
    }
}

/* ---- PxWeb API v1: {columns:[{code,text,type}], data:[{key:[...], values:[...]}]} ---- */

/* The rows of a PxWeb v1 response seen so far, by their key (every dimension, civilstånd
 * included): a key given twice is a cell given twice, which summing would double. */
typedef struct seen_keys {
    const cJSON **keys; /* open addressing on the hash of the key's strings; NULL = empty */
    size_t *rows;
    size_t cap, n;
} seen_keys;

static uint64_t key_hash(const cJSON *key)
{
    uint64_t h = 1469598103934665603ull;
    for (const cJSON *k = key->child; k; k = k->next) {
        for (const char *p = k->valuestring; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
    }
    return h;
}

static bool same_key(const cJSON *a, const cJSON *b)
{
    for (a = a->child, b = b->child; a && b; a = a->next, b = b->next)
        if (strcmp(a->valuestring, b->valuestring) != 0)
            return false;
    return !a && !b;
}

/* Remember `key` of row `row`; *earlier is the row that gave it before, or SIZE_MAX. */
static bench_status seen_add(seen_keys *s, const cJSON *key, size_t row, size_t *earlier)
{
    *earlier = SIZE_MAX;
    if (2 * (s->n + 1) > s->cap) {
        seen_keys bigger = { 0 };
        bigger.cap = s->cap ? s->cap * 2 : 256;
        bigger.keys = bench_calloc(bigger.cap, sizeof *bigger.keys);
        bigger.rows = bench_malloc(bigger.cap * sizeof *bigger.rows);
        if (!bigger.keys || !bigger.rows) {
            bench_free(bigger.keys);
            bench_free(bigger.rows);
            return BENCH_ENOMEM;
        }
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->keys[i])
                continue;
            size_t j = key_hash(s->keys[i]) & (bigger.cap - 1);
            while (bigger.keys[j])
                j = (j + 1) & (bigger.cap - 1);
            bigger.keys[j] = s->keys[i];
            bigger.rows[j] = s->rows[i];
        }
        bigger.n = s->n;
        bench_free(s->keys);
        bench_free(s->rows);
        *s = bigger;
    }
    size_t j = key_hash(key) & (s->cap - 1);
    while (s->keys[j] && !same_key(s->keys[j], key))
        j = (j + 1) & (s->cap - 1);
    if (s->keys[j]) {
        *earlier = s->rows[j];
        return BENCH_OK;
    }
    s->keys[j] = key;
    s->rows[j] = row;
    s->n++;
    return BENCH_OK;
}

static void read_v1_rows(pop_import *pi, const cJSON *data, const enum dim_role *key_roles, size_t nkeys,
                         const char *const *measures, size_t nmeasures, seen_keys *seen);

static void read_v1(pop_import *pi, const cJSON *root)
{
    const cJSON *columns = cJSON_GetObjectItemCaseSensitive(root, "columns");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    if (!cJSON_IsArray(columns) || !cJSON_IsArray(data)) {
        IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "expected arrays \"columns\" and \"data\" (PxWeb v1)");
        return;
    }
    enum dim_role key_roles[MAX_DIMS];
    const char *measures[MAX_DIMS];
    size_t nkeys = 0, nmeasures = 0, i = 0;
    const cJSON *col;
    cJSON_ArrayForEach(col, columns)
    {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(col, "code");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(col, "type");
        if (!cJSON_IsString(code) || (type && !cJSON_IsString(type))) {
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "columns[%zu]: expected a string \"code\" and \"type\"", i);
            return;
        }
        enum dim_role r = role_of(code->valuestring, type ? type->valuestring : NULL);
        size_t j = 0;
        const cJSON *prev;
        cJSON_ArrayForEach(prev, columns)
        {
            if (j++ == i)
                break;
            const cJSON *pc = cJSON_GetObjectItemCaseSensitive(prev, "code");
            const cJSON *pt = cJSON_GetObjectItemCaseSensitive(prev, "type");
            enum dim_role pr = role_of(pc->valuestring, cJSON_IsString(pt) ? pt->valuestring : NULL);
            if (strcmp(pc->valuestring, code->valuestring) == 0 || (pr == r && r != D_SUM && r != D_MEASURE)) {
                IMPORT_ERROR(
                    &pi->txn, BENCH_EPARSE, 0, 0,
                    "columns[%zu]: the column \"%.40s\" %s \"%.40s\" (columns[%zu]): each cell would be given twice", i,
                    code->valuestring,
                    strcmp(pc->valuestring, code->valuestring) == 0 ? "repeats" : "means the same as", pc->valuestring,
                    j - 1);
                return;
            }
        }
        if (nkeys >= MAX_DIMS || nmeasures >= MAX_DIMS) {
            IMPORT_ERROR(&pi->txn, BENCH_ELIMIT, 0, 0, "more than %d columns", MAX_DIMS);
            return;
        }
        if (r == D_MEASURE)
            measures[nmeasures++] = code->valuestring;
        else
            key_roles[nkeys++] = r;
        i++;
    }
    if (!nmeasures) {
        IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "columns: no column of type \"c\" (the measure, e.g. BE0101N1)");
        return;
    }
    pi->nmeasures = nmeasures;
    seen_keys seen = { 0 };
    read_v1_rows(pi, data, key_roles, nkeys, measures, nmeasures, &seen);
    bench_free(seen.keys);
    bench_free(seen.rows);
}

static void read_v1_rows(pop_import *pi, const cJSON *data, const enum dim_role *key_roles, size_t nkeys,
                         const char *const *measures, size_t nmeasures, seen_keys *seen)
{
    const cJSON *row;
    size_t r = 0;
    cJSON_ArrayForEach(row, data)
    {
        char where[64];
        snprintf(where, sizeof where, "data[%zu]", r);
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(row, "key");
        const cJSON *values = cJSON_GetObjectItemCaseSensitive(row, "values");
        if (!cJSON_IsArray(key) || !cJSON_IsArray(values)) {
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s: expected arrays \"key\" and \"values\"", where);
            return;
        }
        cell c = { 0 };
        size_t k = 0;
        const cJSON *kv;
        cJSON_ArrayForEach(kv, key)
        {
            if (k >= nkeys || !cJSON_IsString(kv)) {
                IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s.key: expected %zu strings", where, nkeys);
                return;
            }
            set_role(&c, key_roles[k++], kv->valuestring);
        }
        if (k != nkeys) {
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s.key: expected %zu strings, found %zu", where, nkeys, k);
            return;
        }
        size_t earlier;
        if (seen_add(seen, key, r, &earlier) != BENCH_OK) {
            IMPORT_ERROR(&pi->txn, BENCH_ENOMEM, 0, 0, "%s: out of memory", where);
            return;
        }
        if (earlier != SIZE_MAX) {
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0,
                         "%s: the same key as data[%zu], a cell given twice (which one is meant?)", where, earlier);
            return;
        }
        size_t m = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, values)
        {
            if (m >= nmeasures) {
                IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s.values: expected %zu values", where, nmeasures);
                return;
            }
            char vwhere[96];
            snprintf(vwhere, sizeof vwhere, "%s.values[%zu]", where, m);
            c.pos = r * nmeasures + m;
            c.measure = measures[m++];
            double value;
            uint8_t status;
            if (!cell_value(pi, v, &value, &status, vwhere) || !add_cell(pi, &c, value, status, vwhere))
                return;
        }
        if (m != nmeasures) {
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "%s.values: expected %zu values, found %zu", where, nmeasures,
                         m);
            return;
        }
        r++;
    }
}

/* ---- JSON-stat 2: {class:"dataset", id:[...], size:[...], dimension:{...}, value:[...]} ---- */

typedef struct jdim {
    const char *id;
    enum dim_role role;
    size_t size;
    const char **codes; /* codes[position] */
} jdim;

static bool read_categories(pop_import *pi, const cJSON *dim, const char *id, jdim *d)
{
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(dim, "category");
    const cJSON *index = cat ? cJSON_GetObjectItemCaseSensitive(cat, "index") : NULL;
    const cJSON *label = cat ? cJSON_GetObjectItemCaseSensitive(cat, "label") : NULL;
    d->codes = bench_calloc(d->size ? d->size : 1, sizeof *d->codes);
    if (!d->codes) {
        IMPORT_ERROR(&pi->txn, BENCH_ENOMEM, 0, 0, "out of memory");
        return false;
    }
    const cJSON *e;
    if (cJSON_IsArray(index)) {
        size_t i = 0;
        cJSON_ArrayForEach(e, index)
        {
            if (!cJSON_IsString(e) || i >= d->size) {
                IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "dimension.%s.category.index: expected %zu strings", id,
                             d->size);
                return false;
            }
            d->codes[i++] = e->valuestring;
        }
    } else if (cJSON_IsObject(index)) {
        cJSON_ArrayForEach(e, index)
        {
            double pos = cJSON_IsNumber(e) ? e->valuedouble : -1;
            if (pos < 0 || pos >= (double)d->size || pos != floor(pos) || d->codes[(size_t)pos]) {
                IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0,
                             "dimension.%s.category.index.%s: expected a distinct position below %zu", id, e->string,
                             d->size);
                return false;
            }
            d->codes[(size_t)pos] = e->string;
        }
    } else if (d->size == 1 && cJSON_IsObject(label) && label->child) {
        d->codes[0] = label->child->string; /* a single category may be given by its label only */
    }
    for (size_t i = 0; i < d->size; i++)
        if (!d->codes[i]) {
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "dimension.%s.category: position %zu has no code", id, i);
            return false;
        }
    return true;
}

static bool in_list(const cJSON *list, const char *id)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list) if (cJSON_IsString(e) && strcmp(e->valuestring, id) == 0) return true;
    return false;
}

static void read_jsonstat(pop_import *pi, const cJSON *root)
{
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(root, "id");
    const cJSON *sizes = cJSON_GetObjectItemCaseSensitive(root, "size");
    const cJSON *dims = cJSON_GetObjectItemCaseSensitive(root, "dimension");
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(root, "value");
    const cJSON *role = cJSON_GetObjectItemCaseSensitive(root, "role");
    if (!cJSON_IsArray(ids) || !cJSON_IsArray(sizes) || !cJSON_IsObject(dims) ||
        !(cJSON_IsArray(values) || cJSON_IsObject(values))) {
        IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0,
                     "expected \"id\", \"size\", \"dimension\" and \"value\" (JSON-stat 2 dataset)");
        return;
    }
    jdim d[MAX_DIMS];
    memset(d, 0, sizeof d);
    size_t nd = 0, total = 1;
    const cJSON *id = ids->child, *sz = sizes->child;
    for (; id && sz; id = id->next, sz = sz->next) {
        if (nd >= MAX_DIMS) {
            IMPORT_ERROR(&pi->txn, BENCH_ELIMIT, 0, 0, "more than %d dimensions", MAX_DIMS);
            goto done;
        }
        if (!cJSON_IsString(id) || !cJSON_IsNumber(sz) || sz->valuedouble < 1 || sz->valuedouble > 1e7 ||
            sz->valuedouble != floor(sz->valuedouble)) {
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0,
                         "id[%zu]/size[%zu]: expected a dimension name and a size from 1 to 10 000 000", nd, nd);
            goto done;
        }
        d[nd].size = (size_t)sz->valuedouble;
        if (total > (size_t)1e8 / d[nd].size) {
            IMPORT_ERROR(&pi->txn, BENCH_ELIMIT, 0, 0, "the table claims more than 100 000 000 cells");
            goto done;
        }
        total *= d[nd].size;
        const cJSON *dim = cJSON_GetObjectItemCaseSensitive(dims, id->valuestring);
        if (!cJSON_IsObject(dim)) {
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "dimension.%s: missing", id->valuestring);
            goto done;
        }
        d[nd].role = role_of(id->valuestring, NULL);
        if (role && in_list(cJSON_GetObjectItemCaseSensitive(role, "time"), id->valuestring))
            d[nd].role = D_PERIOD;
        if (role && in_list(cJSON_GetObjectItemCaseSensitive(role, "metric"), id->valuestring))
            d[nd].role = D_MEASURE;
        for (size_t k = 0; k < nd; k++) {
            const char *other = d[k].id;
            if (strcmp(other, id->valuestring) == 0 || (d[k].role == d[nd].role && d[k].role != D_SUM)) {
                IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0,
                             "id[%zu]: the dimension \"%.40s\" %s \"%.40s\" (id[%zu]): each cell would be given twice",
                             nd, id->valuestring, strcmp(other, id->valuestring) == 0 ? "repeats" : "means the same as",
                             other, k);
                goto done;
            }
        }
        d[nd].id = id->valuestring;
        if (!read_categories(pi, dim, id->valuestring, &d[nd])) {
            nd++;
            goto done;
        }
        nd++;
    }
    if (id || sz) {
        IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "\"id\" and \"size\" differ in length");
        goto done;
    }
    size_t pos[MAX_DIMS] = { 0 };
    if (cJSON_IsArray(values)) {
        size_t i = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, values)
        {
            if (i >= total) {
                IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "value: more than the %zu cells the sizes give", total);
                goto done;
            }
            cell c = { 0 };
            c.pos = i;
            for (size_t k = 0; k < nd; k++)
                set_role(&c, d[k].role, d[k].codes[pos[k]]);
            char where[48];
            snprintf(where, sizeof where, "value[%zu]", i);
            double value;
            uint8_t status;
            if (!cell_value(pi, v, &value, &status, where) || !add_cell(pi, &c, value, status, where))
                goto done;
            for (size_t k = nd; k-- > 0;) { /* row-major: the last dimension varies fastest */
                if (++pos[k] < d[k].size)
                    break;
                pos[k] = 0;
            }
            i++;
        }
        if (i != total)
            IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "value: %zu cells, the sizes give %zu", i, total);
    } else { /* sparse: {"index": value} */
        const cJSON *v;
        cJSON_ArrayForEach(v, values)
        {
            char *end = v->string;
            unsigned long long idx = 0;
            if (*v->string >= '0' && *v->string <= '9') /* digits only: no sign, space or hex */
                idx = strtoull(v->string, &end, 10);
            if (*end || end == v->string || idx >= total) {
                IMPORT_ERROR(&pi->txn, BENCH_EPARSE, 0, 0, "value.%.20s: expected a cell index below %zu", v->string,
                             total);
                goto done;
            }
            cell c = { 0 };
            c.pos = (size_t)idx;
            c.key = v->string;
            for (size_t k = 0, rest = (size_t)idx, div = total; k < nd; k++) { /* in dimension order */
                div /= d[k].size;
                set_role(&c, d[k].role, d[k].codes[rest / div]);
                rest %= div;
            }
            char where[48];
            snprintf(where, sizeof where, "value.%.20s", v->string);
            double value;
            uint8_t status;
            if (!cell_value(pi, v, &value, &status, where) || !add_cell(pi, &c, value, status, where))
                goto done;
        }
    }
done:
    for (size_t k = 0; k < nd; k++)
        bench_free(d[k].codes);
}

/* ---- driver ------------------------------------------------------------------ */

/* Where K and M exist but T does not, T = K + M. */
static bench_status add_totals(accumulator *a)
{
    for (size_t i = 0; i < a->index.n; i++) { /* the totals added on the way are T: passed over */
        uint64_t key = a->keys[i];
        if (((key - 1) & 0xff) != BENCH_GENDER_K)
            continue;
        uint64_t base = key - BENCH_GENDER_K;
        int64_t m = acc_find(a, base + BENCH_GENDER_M);
        if (m < 0 || acc_find(a, base + BENCH_GENDER_T) >= 0)
            continue;
        double sum = a->sum[i] + a->sum[m];
        uint8_t status = a->status[i] ? a->status[i] : a->status[m];
        bench_status st = acc_add(a, base + BENCH_GENDER_T, sum, status);
        if (st)
            return st;
    }
    return BENCH_OK;
}

bench_status bench_import_population_buffer(bench_import_report *out, bench_db *db, const char *data, size_t len,
                                            const char *name, const bench_population_options *opts)
{
    IMPORT_CALL_BEGIN(out, db);
    bench_population_options defaults = BENCH_POPULATION_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    CHECK_VERSION(db, opts, BENCH_POPULATION_OPTIONS_VERSION, BENCH_POPULATION_OPTIONS_VERSION,
                  "bench_population_options");
    if (!data && len)
        return DB_FAIL(db, BENCH_EINVAL, "bench_import_population_buffer: data is NULL");
    pop_import pi;
    memset(&pi, 0, sizeof pi);
    pi.db = db;
    pi.opts = opts;
    pool_init(&pi.cells, UINT32_MAX);
    obs_columns staged = { 0 };
    if (!import_begin(&pi.txn, db, name, len, opts->source, &pi.source)) {
        json_failure fail;
        cJSON *root = json_parse(&data, &len, db->opts.max_json_depth, db->opts.max_rows, &fail);
        if (!root) {
            if (len)
                IMPORT_ERROR(&pi.txn, fail.code, fail.line, fail.column, "%s", fail.what);
            else
                IMPORT_ERROR(&pi.txn, BENCH_EPARSE, 1, 1, "the file is empty: expected a JSON object");
        } else if (!cJSON_IsObject(root)) {
            IMPORT_ERROR(&pi.txn, BENCH_EPARSE, 1, 1,
                         "expected a JSON object (a PxWeb v1 response or a JSON-stat 2 dataset)");
        } else if (cJSON_GetObjectItemCaseSensitive(root, "columns")) {
            read_v1(&pi, root);
        } else if (cJSON_GetObjectItemCaseSensitive(root, "dimension")) {
            read_jsonstat(&pi, root);
        } else {
            IMPORT_ERROR(
                &pi.txn, BENCH_EPARSE, 1, 1,
                "neither a PxWeb v1 response (\"columns\", \"data\") nor a JSON-stat 2 dataset (\"dimension\")");
        }
        cJSON_Delete(root);
    }
    if (!pi.txn.failed) {
        bench_status st = add_totals(&pi.acc);
        for (size_t i = 0; !st && i < pi.acc.index.n; i++) {
            uint64_t key = pi.acc.keys[i] - 1;
            uint8_t status = pi.acc.status[i];
            st = obs_append(&staged, (uint32_t)(key >> 40), (uint32_t)(key >> 24) & 0xffff,
                            (uint32_t)(key >> 8) & 0xffff, pi.source, (int)(key & 0xff), BENCH_KIND_UTFALL,
                            status ? NAN : pi.acc.sum[i], status ? 0 : 1, status);
            pi.txn.rep.missing += status != BENCH_OBS_OK;
        }
        if (st)
            IMPORT_ERROR(&pi.txn, st, 0, 0, "cannot store the values: %s", bench_strerror(st));
        else
            import_merge(&pi.txn, &staged, NULL, NULL);
    }
    acc_free(&pi.acc);
    pool_free(&pi.cells);
    bench_free(pi.cell_pos);
    bench_free(pi.cell_key);
    obs_free(&staged);
    return import_end(out, &pi.txn);
}

static bench_status population_buffer(bench_import_report *out, bench_db *db, const char *data, size_t len,
                                      const char *name, const void *opts)
{
    return bench_import_population_buffer(out, db, data, len, name, opts);
}

bench_status bench_import_population_file(bench_import_report *out, bench_db *db, const char *path,
                                          const bench_population_options *opts)
{
    return import_file(out, db, path, opts, population_buffer, "bench_import_population_file");
}
