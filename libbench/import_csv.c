/* import_csv.c -- CSV import (libcsv): Kolada long layout and wide layouts, all or nothing. */
#include "internal.h"

#include <csv.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum role {
    R_IGNORE,
    R_INDICATOR,
    R_AREA,
    R_PERIOD,
    R_GENDER,
    R_KIND,
    R_VALUE,
    R_COUNT,
    R_STATUS,
    R_SOURCE,
    R_TITLE,
    R_UNIT,
    R_WIDE
};

/* The text of a bench_unit: in messages, and (from "%" on) as an indicator's catalogue unit. */
static const char *const unit_text[] = { "no unit", "%", "kr", "tkr", "mnkr" };

/* The last text seen in a code column and the code it gave: files repeat the same
 * area, period and indicator row after row, and a byte compare is cheaper than a lookup. */
typedef struct code_cache {
    char text[48];
    size_t len;
    int code; /* -1: empty */
} code_cache;

/* The codes a part of a file read on a second thread interns: kept apart from the database's
 * pools while both parts are read, then added to them in order (so codes come out as a
 * sequential import would give them). */
typedef struct local_codes {
    pool indicators, areas, periods, sources;
    int64_t *period_keys;
    size_t keys_cap;
} local_codes;

typedef struct csv_import {
    import_txn txn; /* its errors go to the db's error, or (a part) to the part's own */
    bench_db *db;
    local_codes *local; /* NULL: codes go straight into the database */
    char eol;           /* '\n', or '\r' in a file of CR-only line ends */
    const bench_csv_options *opts;
    struct csv_parser parser;
    long line; /* physical line being read, 1-based (a part: from its own start) */
    /* A part read on a second thread counts lines from its own start: the lines of the text
     * before it are counted only if a message needs them (line_base), else the join adds the
     * first half's count. */
    const char *uncounted;
    size_t uncounted_len;
    long line_base;
    long rec_line; /* line where the current record began */
    /* fields of the current record, copied into one buffer */
    char *buf;
    size_t buf_len, buf_cap;
    char shown[320]; /* a field quoted for an error message */
    size_t *offs, *lens;
    size_t nf, nf_cap;
    /* the header */
    bool have_header;
    size_t ncols;
    char **header;
    uint8_t *role;
    uint16_t *wide_ind; /* indicator code of each WIDE value column */
    int col[R_WIDE];    /* column of each role, -1 if absent */
    uint16_t source;
    uint8_t *unit_seen; /* per indicator code: bench_unit + 1, 0 if none yet */
    size_t unit_seen_cap;
    char **titles, **units; /* per indicator code: from title/unit columns, or NULL */
    size_t titles_cap;
    obs_columns staged;
    uint32_t *lines; /* the line of each staged row (for a repeated key) */
    long (*sep)[4];  /* per column: first line reading '.' as decimal, '.' as group,
                                    ',' as decimal, ',' as group (0: not yet) */
    size_t sep_cap;
    size_t lines_cap;
    code_cache cache[R_WIDE]; /* per role */
    /* a table given cell by cell (bench_import_cells), else cells is NULL */
    const bench_cell *cells;
    size_t *field_cell; /* per field of the current record: its cell, or NO_CELL */
    size_t field_cell_cap;
    size_t nf_cells; /* the fields of the current record that field_cell holds */
    size_t rec_cell; /* the first cell of the current record */
} csv_import;

#define NO_CELL SIZE_MAX

/* The record's buffer keeps this many bytes past its last field, so that 8 bytes can be read at
 * any field's start (cached). */
#define FIELD_SLACK 8

static inline uint64_t load8(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline bool cached(csv_import *ci, enum role r, size_t c, uint32_t *code)
{
    const code_cache *k = &ci->cache[r];
    if (k->code < 0 || k->len != ci->lens[c])
        return false;
    const char *s = ci->buf + ci->offs[c];
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (k->len <= 8) { /* a code of a few bytes: one 8-byte compare of its bytes alone */
        uint64_t mask = k->len == 8 ? ~0ull : (1ull << (8 * k->len)) - 1;
        if ((load8(k->text) ^ load8(s)) & mask)
            return false;
        *code = (uint32_t)k->code;
        return true;
    }
#endif
    if (memcmp(k->text, s, k->len) != 0)
        return false;
    *code = (uint32_t)k->code;
    return true;
}

static void remember(csv_import *ci, enum role r, size_t c, uint32_t code)
{
    code_cache *k = &ci->cache[r];
    k->code = -1;
    if (ci->lens[c] <= sizeof k->text) {
        memcpy(k->text, ci->buf + ci->offs[c], ci->lens[c]);
        k->len = ci->lens[c];
        k->code = (int)code;
    }
}

#define OOM(ci) IMPORT_ERROR(&(ci)->txn, BENCH_ENOMEM, (ci)->rec_line, 0, "out of memory")

/* The lines before this reader's text: 0 for the first half, counted once for a part. */
static long line_base(csv_import *ci)
{
    for (const char *p = ci->uncounted, *end = p + ci->uncounted_len; p && (p = memchr(p, ci->eol, (size_t)(end - p)));
         p++)
        ci->line_base++;
    ci->uncounted = NULL;
    return ci->line_base;
}

/* A part's errors name the line in the whole file (its transaction's place hook). */
static void part_place(long *line, long *column, const void *payload)
{
    (void)column;
    if (*line > 0)
        *line += line_base((csv_import *)payload);
}

/* ---- collecting fields ----------------------------------------------------- */

/* A record (all its fields) may hold four times the longest field. */
static size_t record_limit(const csv_import *ci) { return 4 * ci->db->opts.max_field_bytes; }

/* No valid line is longer than a record with its quotes and delimiters. */
static size_t line_limit(const csv_import *ci) { return record_limit(ci) + 3 * ci->db->opts.max_columns + 2; }

/* The field kept: its bytes after the record's others, NUL-terminated. */
static inline void keep_field(csv_import *ci, const void *data, size_t len)
{
    char *to = ci->buf + ci->buf_len;
    if (len) /* an empty field may come without a buffer */
        memcpy(to, data, len);
    to[len] = '\0';
    ci->offs[ci->nf] = ci->buf_len;
    ci->lens[ci->nf] = len;
    ci->buf_len += len + 1;
    ci->nf++;
}

static void on_field(void *data, size_t len, void *arg)
{
    csv_import *ci = arg;
    if (ci->txn.stop)
        return;
    if (len > ci->db->opts.max_field_bytes) {
        IMPORT_ERROR(&ci->txn, BENCH_ELIMIT, ci->rec_line, (long)ci->nf + 1,
                     "field of %zu bytes is longer than the limit of %zu", len, ci->db->opts.max_field_bytes);
        return;
    }
    if (ci->buf_len + len > record_limit(ci)) {
        IMPORT_ERROR(&ci->txn, BENCH_ELIMIT, ci->rec_line, (long)ci->nf + 1,
                     "record longer than the limit of %zu bytes (4 x max_field_bytes)", record_limit(ci));
        return;
    }
    if (ci->nf >= ci->db->opts.max_columns) {
        IMPORT_ERROR(&ci->txn, BENCH_ELIMIT, ci->rec_line, (long)ci->nf + 1, "more than %zu columns",
                     ci->db->opts.max_columns);
        return;
    }
    if (ci->nf == ci->nf_cap) {
        size_t cap = ci->nf_cap ? ci->nf_cap * 2 : 16;
        size_t *o = bench_reallocarray(ci->offs, cap, sizeof *o);
        if (!o) {
            OOM(ci);
            return;
        }
        ci->offs = o;
        size_t *l = bench_reallocarray(ci->lens, cap, sizeof *l);
        if (!l) {
            OOM(ci);
            return;
        }
        ci->lens = l;
        ci->nf_cap = cap;
    }
    if (ci->buf_len + len + 1 + FIELD_SLACK > ci->buf_cap) {
        size_t cap = ci->buf_cap ? ci->buf_cap : 256;
        while (cap < ci->buf_len + len + 1 + FIELD_SLACK)
            cap *= 2;
        char *b = bench_realloc(ci->buf, cap);
        if (!b) {
            OOM(ci);
            return;
        }
        ci->buf = b;
        ci->buf_cap = cap;
    }
    keep_field(ci, data, len);
}

#define FIELD(ci, i) ((ci)->buf + (ci)->offs[i])

/* ---- the header -------------------------------------------------------------- */

static bool name_in(const char *name, const char *const *names)
{
    for (; *names; names++)
        if (strcasecmp(name, *names) == 0)
            return true;
    return false;
}

static const char *const indicator_names[] = { "kpi", "kpi_id", "indicator", "indikator", NULL };
/* the first name found wins: municipality_id holds the code where rKolada
 * tables also have a municipality (name) column */
static const char *const area_names[] = { "municipality_id", "municipality", "area",   "geo",
                                          "kommun",          "kommunkod",    "region", NULL };
static const char *const period_names[] = { "period", "year", "år", "ar", "tid", NULL };
static const char *const gender_names[] = { "gender", "kön", "kon", "sex", NULL };
static const char *const kind_names[] = { "kind", "värdetyp", "vardetyp", NULL };
static const char *const value_names[] = { "value", "värde", "varde", NULL };
static const char *const count_names[] = { "count", NULL };
static const char *const status_names[] = { "status", NULL };
static const char *const title_names[] = { "title", "kpi_title", "titel", NULL };
static const char *const unit_names[] = { "unit", "enhet", NULL };
static const char *const no_names[] = { NULL };
/* descriptive columns that WIDE files carry beside the values */
static const char *const label_names[] = { "name",      "namn",  "municipality", "municipality_type",
                                           "kpi_title", "title", "titel",        NULL };

static int find_column(csv_import *ci, const char *explicit_name, const char *const *names)
{
    if (explicit_name) {
        for (size_t c = 0; c < ci->ncols; c++)
            if (strcasecmp(ci->header[c], explicit_name) == 0)
                return (int)c;
        return -2; /* named but absent */
    }
    for (const char *const *n = names; *n; n++)
        for (size_t c = 0; c < ci->ncols; c++)
            if (ci->role[c] == R_IGNORE && strcasecmp(ci->header[c], *n) == 0)
                return (int)c;
    return -1;
}

static bool assign(csv_import *ci, enum role r, const char *explicit_name, const char *const *names, bool required,
                   const char *expected)
{
    int c = find_column(ci, explicit_name, names);
    if (c == -2) {
        IMPORT_ERROR(&ci->txn, BENCH_ENOTFOUND, ci->rec_line, 0, "no column named \"%s\" in the header", explicit_name);
        return false;
    }
    if (c < 0 && required) {
        IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, 0, "the header has no %s column (expected one named %s)",
                     names[0], expected);
        return false;
    }
    ci->col[r] = c;
    if (c >= 0)
        ci->role[c] = (uint8_t)r;
    return true;
}

static bool known_value_column(const bench_csv_options *o, const char *name)
{
    if (!name[0]) /* an unnamed column, as spreadsheets leave after the data */
        return false;
    if (!o->value_columns)
        return !name_in(name, label_names);
    for (size_t i = 0; i < o->n_value_columns; i++)
        if (o->value_columns[i] && strcasecmp(o->value_columns[i], name) == 0)
            return true;
    return false;
}

static void read_header(csv_import *ci)
{
    const bench_csv_options *o = ci->opts;
    ci->ncols = ci->nf;
    ci->header = bench_calloc(ci->ncols, sizeof *ci->header);
    ci->role = bench_calloc(ci->ncols, 1);
    ci->wide_ind = bench_calloc(ci->ncols, sizeof *ci->wide_ind);
    if (!ci->header || !ci->role || !ci->wide_ind) {
        OOM(ci);
        return;
    }
    for (size_t c = 0; c < ci->ncols; c++) {
        const char *s = FIELD(ci, c);
        size_t len = ci->lens[c];
        trim(&s, &len);
        if (!utf8_valid_text(s, len)) {
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                         "the header is not valid UTF-8 text (a Latin-1/Windows-1252 file? save it as UTF-8)");
            return;
        }
        if (!(ci->header[c] = bench_strndup(s, len))) {
            OOM(ci);
            return;
        }
        for (size_t d = 0; d < c && len; d++) /* unnamed columns may repeat: they are ignored */
            if (strcasecmp(ci->header[d], ci->header[c]) == 0) {
                IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                             "column \"%s\" appears twice in the header", ci->header[c]);
                return;
            }
    }
    for (int r = 0; r < R_WIDE; r++)
        ci->col[r] = -1;
    bool kolada = o->layout == BENCH_CSV_KOLADA;
    if (!assign(ci, R_AREA, o->area_column, area_names, true, "municipality, municipality_id, area or geo") ||
        !assign(ci, R_PERIOD, o->period_column, period_names, true, "period or year") ||
        !assign(ci, R_GENDER, o->gender_column, gender_names, false, "gender") ||
        !assign(ci, R_KIND, NULL, kind_names, false, "kind"))
        return;
    if (kolada) {
        if (!assign(ci, R_INDICATOR, NULL, indicator_names, true, "kpi or indicator") ||
            !assign(ci, R_VALUE, NULL, value_names, true, "value") ||
            !assign(ci, R_COUNT, NULL, count_names, false, "count") ||
            !assign(ci, R_STATUS, NULL, status_names, false, "status") ||
            !assign(ci, R_TITLE, NULL, title_names, false, "title") ||
            !assign(ci, R_UNIT, NULL, unit_names, false, "unit"))
            return;
    }
    if (o->source_column && !assign(ci, R_SOURCE, o->source_column, no_names, false, "source"))
        return;
    if (kolada)
        return;
    size_t nwide = 0;
    for (size_t c = 0; c < ci->ncols; c++)
        if (ci->role[c] == R_IGNORE && known_value_column(o, ci->header[c]))
            nwide++;
    if (nwide == 0) {
        IMPORT_ERROR(
            &ci->txn, BENCH_EPARSE, ci->rec_line, 0,
            "the header has no value column: a wide file needs one column per indicator, e.g. geo,year,u33401");
        return;
    }
    if (o->indicator && nwide != 1) {
        IMPORT_ERROR(&ci->txn, BENCH_EINVAL, ci->rec_line, 0,
                     "option indicator=\"%s\" needs exactly one value column, found %zu", o->indicator, nwide);
        return;
    }
    for (size_t c = 0; c < ci->ncols; c++) {
        if (ci->role[c] != R_IGNORE || !known_value_column(o, ci->header[c]))
            continue;
        const char *id = o->indicator ? o->indicator : ci->header[c];
        char buf[129];
        size_t len;
        uint32_t k;
        if (!indicator_id_normalize(id, strlen(id), buf, &len)) {
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1, "column \"%s\" is no indicator id",
                         ci->header[c]);
            return;
        }
        bench_status st = db_intern_indicator(ci->db, buf, len, &k);
        if (st) {
            IMPORT_ERROR(&ci->txn, st, ci->rec_line, (long)c + 1, "cannot add indicator %s: %s", buf,
                         bench_strerror(st));
            return;
        }
        ci->role[c] = R_WIDE;
        ci->wide_ind[c] = (uint16_t)k;
    }
}

/* ---- rows ---------------------------------------------------------------------- */

static const char *column_label(const csv_import *ci, size_t c)
{
    return c < ci->ncols && ci->header ? ci->header[c] : "?";
}

/* ---- codes: into the database, or into the part's own pools ---------------------- */

static bench_status intern_area(csv_import *ci, const char *s, size_t len, uint32_t *out)
{
    return ci->local ? pool_intern(&ci->local->areas, s, len, out) : db_intern_area(ci->db, s, len, out);
}

static bench_status intern_indicator(csv_import *ci, const char *s, size_t len, uint32_t *out)
{
    return ci->local ? pool_intern(&ci->local->indicators, s, len, out) : db_intern_indicator(ci->db, s, len, out);
}

static bench_status intern_source(csv_import *ci, const char *s, size_t len, uint32_t *out)
{
    return pool_intern(ci->local ? &ci->local->sources : &ci->db->sources, s, len, out);
}

static bench_status intern_period(csv_import *ci, const char *s, size_t len, int64_t key, uint32_t *out)
{
    if (!ci->local)
        return db_intern_period(ci->db, s, len, key, out);
    local_codes *l = ci->local;
    bench_status st = pool_intern(&l->periods, s, len, out);
    if (!st && !grow_array(&l->period_keys, &l->keys_cap, *out, sizeof *l->period_keys))
        st = BENCH_ENOMEM;
    if (!st)
        l->period_keys[*out] = key;
    return st;
}

/* Field c quoted for an error message (at most 40 bytes of it): control bytes as \xNN, and a
 * word on the invisible troubles that make a good-looking value wrong. */
static const char *shown(csv_import *ci, size_t c)
{
    const unsigned char *f = (const unsigned char *)FIELD(ci, c);
    size_t len = ci->lens[c], o = 0;
    char *out = ci->shown;
    bool nul = false, control = false, bom = false;
    out[o++] = '"';
    for (size_t i = 0; i < len && i < 40; i++) {
        if (f[i] < 0x20 || f[i] == 0x7f) {
            nul |= f[i] == 0;
            control = true;
            o += (size_t)snprintf(out + o, 6, "\\x%02X", f[i]);
        } else if (i + 2 < len && f[i] == 0xEF && f[i + 1] == 0xBB && f[i + 2] == 0xBF) {
            bom = true;
            o += (size_t)snprintf(out + o, 9, "<U+FEFF>");
            i += 2;
        } else {
            out[o++] = (char)f[i];
        }
    }
    out[o++] = '"';
    out[o] = '\0';
    const char *why = nul       ? " (a NUL byte, U+0000: binary data or a damaged file)"
                      : control ? " (a control character: a damaged file?)"
                      : bom     ? " (a byte order mark, U+FEFF, inside the file: files joined together? remove it)"
                                : "";
    snprintf(out + o, sizeof ci->shown - o, "%s", why);
    return out;
}

/* unit_seen[ind] exists (zeroed when new); false when out of memory. */
static bool unit_slot(csv_import *ci, uint32_t ind)
{
    /* once per row: the common case without a call */
    return ind < ci->unit_seen_cap || grow_array(&ci->unit_seen, &ci->unit_seen_cap, ind, sizeof *ci->unit_seen);
}

/* titles[ind] and units[ind] exist (NULL when new); false when out of memory. */
static bool label_slots(csv_import *ci, uint32_t ind)
{
    size_t titles_cap = ci->titles_cap, units_cap = ci->titles_cap;
    if (!grow_array(&ci->titles, &titles_cap, ind, sizeof *ci->titles) ||
        !grow_array(&ci->units, &units_cap, ind, sizeof *ci->units))
        return false; /* a grown titles array with the old count is still right */
    ci->titles_cap = titles_cap;
    return true;
}

static const char *const SEP_ROLE[4] = { "'.' as the decimal point", "'.' as a thousands separator",
                                         "',' as the decimal comma", "',' as a thousands separator" };

/* One reading of '.' and ',' per column: 1.234 beside 1.234.567 would be read as 1,234 and as
 * 1 234 567; the column is refused instead, naming the line that read it the other way. */
static bool one_reading(csv_import *ci, size_t c, const char *s, size_t len)
{
    unsigned roles = number_separator_roles(s, len);
    if (!roles)
        return true;
    if (c >= ci->sep_cap && !grow_array(&ci->sep, &ci->sep_cap, c, sizeof *ci->sep)) {
        OOM(ci);
        return false;
    }
    for (int r = 0; r < 4; r++) {
        if (!(roles & (1u << r)))
            continue;
        long other = ci->sep[c][r ^ 1];
        if (other) {
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                         "column %s: %s reads %s, but line %ld of this column reads %s: one column, one "
                         "reading (write 1234 or 1 234)",
                         column_label(ci, c), shown(ci, c), SEP_ROLE[r], other + line_base(ci), SEP_ROLE[r ^ 1]);
            return false;
        }
        if (!ci->sep[c][r])
            ci->sep[c][r] = ci->rec_line;
    }
    return true;
}

/* The value of field c: a number, or NaN with a missing status. */
static bool read_value(csv_import *ci, size_t c, uint32_t indicator, double *value, uint8_t *status)
{
    const char *s = FIELD(ci, c);
    size_t len = ci->lens[c];
    bench_unit unit;
    bool number = bench_parse_number(value, &unit, s, len) == BENCH_OK;
    int marker = number ? -1 : bench_missing_marker(s, len);
    if (marker >= 0) {
        *value = NAN;
        *status = (uint8_t)marker;
        return true;
    }
    if (!number) {
        IMPORT_ERROR(
            &ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
            "column %s: expected a number such as 12,5 or 1 234 or a missing marker (empty, NA, .., ., -), found %s",
            column_label(ci, c), shown(ci, c));
        return false;
    }
    *status = BENCH_OBS_OK;
    if (!one_reading(ci, c, s, len))
        return false;
    if (!unit_slot(ci, indicator)) {
        OOM(ci);
        return false;
    }
    /* one unit per indicator in a file: "12 %" beside "13" is refused, in either order,
     * rather than guessing what the bare number means */
    uint8_t seen = ci->unit_seen[indicator];
    if (seen && seen != unit + 1) {
        IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                     "column %s: unit %s differs from %s earlier in the file for the same indicator",
                     column_label(ci, c), unit_text[unit], unit_text[seen - 1]);
        return false;
    }
    ci->unit_seen[indicator] = (uint8_t)(unit + 1);
    return true;
}

static uint8_t status_from_text(const char *s, size_t len, uint8_t fallback)
{
    trim(&s, &len);
    int m = len ? bench_missing_marker(s, len) : -1;
    if (m > 0)
        return (uint8_t)m;
    if (len >= 8 && strncasecmp(s, "bortfall", 8) == 0)
        return BENCH_OBS_BORTFALL;
    if (len >= 9 && strncasecmp(s, "sekretess", 9) == 0)
        return BENCH_OBS_SEKRETESS;
    if (len >= 3 && strncasecmp(s, "ej ", 3) == 0)
        return BENCH_OBS_EJ_TILLAMPLIG;
    return fallback;
}

/* The row's own source when the file has a source column, else the import's. */
static bool row_source(csv_import *ci, uint16_t *out)
{
    *out = ci->source;
    if (ci->col[R_SOURCE] < 0)
        return true;
    size_t c = (size_t)ci->col[R_SOURCE];
    const char *s = FIELD(ci, c);
    size_t len = ci->lens[c];
    trim(&s, &len);
    if (!len)
        return true;
    if (!utf8_valid_text(s, len)) {
        IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1, "column %s: not valid UTF-8 text",
                     column_label(ci, c));
        return false;
    }
    if (len > IMPORT_SOURCE_MAX) { /* a snapshot keeps labels up to this length */
        IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                     "column %s: a source label longer than %d bytes", column_label(ci, c), IMPORT_SOURCE_MAX);
        return false;
    }
    uint32_t k;
    bench_status st = intern_source(ci, s, len, &k);
    if (st) {
        IMPORT_ERROR(&ci->txn, st, ci->rec_line, (long)c + 1, "cannot add source: %s", bench_strerror(st));
        return false;
    }
    *out = (uint16_t)k;
    return true;
}

/* Keep the first title and unit given for an indicator; they fill the catalogue on success. */
static bool row_labels(csv_import *ci, uint32_t ind)
{
    if (ci->col[R_TITLE] < 0 && ci->col[R_UNIT] < 0)
        return true;
    if (!label_slots(ci, ind)) {
        OOM(ci);
        return false;
    }
    char **slots[2] = { &ci->titles[ind], &ci->units[ind] };
    int cols[2] = { ci->col[R_TITLE], ci->col[R_UNIT] };
    for (int i = 0; i < 2; i++) {
        if (cols[i] < 0 || *slots[i])
            continue;
        const char *s = FIELD(ci, cols[i]);
        size_t len = ci->lens[cols[i]];
        trim(&s, &len);
        if (!len)
            continue;
        if (!utf8_valid_multiline(s, len)) {
            const char *nul = memchr(s, '\0', len);
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, cols[i] + 1, "column %s: %s",
                         column_label(ci, (size_t)cols[i]),
                         nul ? "a NUL byte (U+0000) in the text: binary data or a damaged file"
                             : "not valid UTF-8 text (a Latin-1 file? save it as UTF-8)");
            return false;
        }
        if (!(*slots[i] = bench_strndup(s, len))) {
            OOM(ci);
            return false;
        }
    }
    return true;
}

/* lines[row] exists; false when out of memory. */
static bool line_slot(csv_import *ci, size_t row)
{
    return row < ci->lines_cap || grow_array(&ci->lines, &ci->lines_cap, row, sizeof *ci->lines);
}

/* The tag of a row staged from field vc, for a key given twice: its line, or (cells) its cell. */
static uint32_t row_tag(const csv_import *ci, size_t vc)
{
    if (!ci->cells)
        return (uint32_t)ci->rec_line;
    size_t k = vc < ci->nf_cells ? ci->field_cell[vc] : NO_CELL;
    return (uint32_t)(k != NO_CELL ? k : ci->rec_cell);
}

/* Stage the value read from field vc. */
static bool stage(csv_import *ci, size_t vc, uint32_t ind, uint32_t area, uint32_t period, int gender, int kind,
                  double value, int32_t count, uint8_t status)
{
    uint16_t source;
    if (!row_source(ci, &source) || !row_labels(ci, ind))
        return false;
    if (!line_slot(ci, ci->staged.n) ||
        obs_append(&ci->staged, ind, area, period, source, gender, kind, value, count, status)) {
        OOM(ci);
        return false;
    }
    ci->lines[ci->staged.n - 1] = row_tag(ci, vc);
    if (status != BENCH_OBS_OK)
        ci->txn.rep.missing++;
    return true;
}

static bool intern_or_fail(csv_import *ci, bench_status st, size_t c, const char *what)
{
    if (st)
        IMPORT_ERROR(&ci->txn, st, ci->rec_line, (long)c + 1, "cannot add %s: %s", what, bench_strerror(st));
    return st == BENCH_OK;
}

static void read_row(csv_import *ci)
{
    bool blank = true;
    for (size_t c = 0; c < ci->nf && blank; c++) {
        const char *s = FIELD(ci, c);
        size_t len = ci->lens[c];
        trim(&s, &len);
        blank = len == 0;
    }
    if (blank) { /* an empty line, or only delimiters as spreadsheets leave them */
        ci->txn.rep.skipped_blank++;
        return;
    }
    if (++ci->txn.rep.rows_read > ci->db->opts.max_rows) {
        IMPORT_ERROR(&ci->txn, BENCH_ELIMIT, ci->rec_line, 0, "more than %zu data rows (max_rows)",
                     ci->db->opts.max_rows);
        return;
    }
    if (ci->nf != ci->ncols) {
        IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)(ci->nf < ci->ncols ? ci->nf : ci->ncols) + 1,
                     "expected %zu fields as in the header, found %zu", ci->ncols, ci->nf);
        return;
    }
    char buf[129];
    size_t len;
    int64_t pkey;
    uint32_t area, period, ind = 0;
    size_t c = (size_t)ci->col[R_AREA];
    if (!cached(ci, R_AREA, c, &area)) {
        if (!area_code_normalize(FIELD(ci, c), ci->lens[c], buf, &len)) {
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                         "column %s: expected an area code such as 0138, 1490 or G92790, found %s", column_label(ci, c),
                         shown(ci, c));
            return;
        }
        if (!intern_or_fail(ci, intern_area(ci, buf, len, &area), c, "area"))
            return;
        remember(ci, R_AREA, c, area);
    }
    c = (size_t)ci->col[R_PERIOD];
    if (!cached(ci, R_PERIOD, c, &period)) {
        if (!period_parse(FIELD(ci, c), ci->lens[c], buf, &len, &pkey)) {
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                         "column %s: expected a period such as 2022, 2024-T1, 2024-Q3 or 2024-03, found %s",
                         column_label(ci, c), shown(ci, c));
            return;
        }
        if (!intern_or_fail(ci, intern_period(ci, buf, len, pkey, &period), c, "period"))
            return;
        remember(ci, R_PERIOD, c, period);
    }
    /* gender changes from row to row (T, K, M): read each time, not cached */
    int gender = BENCH_GENDER_T;
    if (ci->col[R_GENDER] >= 0) {
        c = (size_t)ci->col[R_GENDER];
        if ((gender = bench_gender_parse(FIELD(ci, c), ci->lens[c])) < 0) {
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                         "column %s: expected gender T, K or M, found %s", column_label(ci, c), shown(ci, c));
            return;
        }
    }
    if (ci->opts->gender_mask && !(ci->opts->gender_mask >> gender & 1)) {
        ci->txn.rep.skipped_filtered++;
        return;
    }
    int kind = (int)ci->opts->kind;
    if (ci->col[R_KIND] >= 0) {
        c = (size_t)ci->col[R_KIND];
        if ((kind = bench_kind_parse(FIELD(ci, c), ci->lens[c])) < 0) {
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                         "column %s: expected utfall, målvärde, budget or prognos, found %s", column_label(ci, c),
                         shown(ci, c));
            return;
        }
    }
    if (ci->opts->layout == BENCH_CSV_WIDE) {
        for (c = 0; c < ci->ncols; c++) {
            if (ci->role[c] != R_WIDE)
                continue;
            double v;
            uint8_t status;
            if (!read_value(ci, c, ci->wide_ind[c], &v, &status) ||
                !stage(ci, c, ci->wide_ind[c], area, period, gender, kind, v, status ? 0 : 1, status))
                return;
        }
        return;
    }
    c = (size_t)ci->col[R_INDICATOR];
    if (!cached(ci, R_INDICATOR, c, &ind)) {
        if (!indicator_id_normalize(FIELD(ci, c), ci->lens[c], buf, &len)) {
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                         "column %s: expected an indicator id such as U33401, found %s", column_label(ci, c),
                         shown(ci, c));
            return;
        }
        if (!intern_or_fail(ci, intern_indicator(ci, buf, len, &ind), c, "indicator"))
            return;
        remember(ci, R_INDICATOR, c, ind);
    }
    double v;
    uint8_t status;
    if (!read_value(ci, (size_t)ci->col[R_VALUE], ind, &v, &status))
        return;
    if (status != BENCH_OBS_OK && ci->col[R_STATUS] >= 0) {
        c = (size_t)ci->col[R_STATUS];
        status = status_from_text(FIELD(ci, c), ci->lens[c], status);
    }
    int32_t count = status ? 0 : 1;
    if (ci->col[R_COUNT] >= 0) {
        c = (size_t)ci->col[R_COUNT];
        double n;
        if (bench_missing_marker(FIELD(ci, c), ci->lens[c]) == BENCH_OBS_MISSING) {
            /* no count given: keep the default */
        } else if (bench_parse_number(&n, NULL, FIELD(ci, c), ci->lens[c]) != BENCH_OK || n < 0 || n > INT32_MAX ||
                   n != floor(n)) {
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                         "column %s: expected a whole number of members, found %s", column_label(ci, c), shown(ci, c));
            return;
        } else {
            count = (int32_t)n;
        }
    }
    stage(ci, (size_t)ci->col[R_VALUE], ind, area, period, gender, kind, v, count, status);
}

static void on_record(int terminator, void *arg)
{
    (void)terminator;
    csv_import *ci = arg;
    if (!ci->txn.stop) {
        if (!ci->have_header) {
            ci->have_header = true;
            read_header(ci);
            if (ci->txn.failed)
                ci->txn.stop = true; /* without a usable header no row can be read */
        } else {
            read_row(ci);
        }
    }
    ci->nf = 0;
    ci->buf_len = 0;
}

/* ---- driving libcsv line by line, so every record knows its line ---------- */

static char detect_delimiter(const char *s, size_t len)
{
    size_t comma = 0, semi = 0, tab = 0;
    bool quoted = false;
    for (size_t i = 0; i < len && (quoted || s[i] != '\n'); i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && s[i] == ',')
            comma++;
        else if (!quoted && s[i] == ';')
            semi++;
        else if (!quoted && s[i] == '\t')
            tab++;
    }
    if (tab > semi && tab > comma)
        return '\t';
    if (semi > comma)
        return ';';
    return ',';
}

static int space_only(unsigned char c) { return c == ' '; }

/* White space only; before the header also a line of only delimiters (spreadsheet rows
 * left empty above a table). */
static bool blank_line(const char *s, size_t len, char delimiter)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' && s[i] != delimiter)
            return false;
    return true;
}

/* libcsv collects a field whole before it calls on_field: lines are fed in pieces of this
 * size and the field being collected is measured between them, so a 1 GB line is refused
 * after a piece, not after a 1 GB buffer. */
#define FEED_PIECE ((size_t)1 << 16)

/* Feed one physical line to libcsv; false when the import must stop. */
static bool feed_line(csv_import *ci, const char *p, size_t n)
{
    for (size_t done = 0; done < n;) {
        size_t k = n - done < FEED_PIECE ? n - done : FEED_PIECE;
        if (csv_parse(&ci->parser, p + done, k, on_field, on_record, ci) != k) {
            if (csv_error(&ci->parser) == CSV_ENOMEM)
                OOM(ci);
            else
                IMPORT_ERROR(
                    &ci->txn, BENCH_EPARSE, ci->rec_line, (long)ci->nf + 1,
                    "misplaced quote: a field with a quote must be enclosed in quotes, with inner quotes doubled");
            return false;
        }
        done += k;
        if (ci->txn.stop)
            return false;
        if (ci->parser.entry_pos > ci->db->opts.max_field_bytes) {
            IMPORT_ERROR(&ci->txn, BENCH_ELIMIT, ci->rec_line, (long)ci->nf + 1,
                         "field longer than the limit of %zu bytes (max_field_bytes)", ci->db->opts.max_field_bytes);
            return false;
        }
    }
    return true;
}

enum parse_mode {
    TO_HEADER, /* stop after the line that completes the header */
    TO_SPLIT,  /* read the data, leaving the parser as it stands at its end */
    TO_END     /* read the data and finish the parser: the end of the file */
};

/* Read lines of data as `mode` says.  Returns the bytes read. */
static size_t parse_lines(csv_import *ci, const char *data, size_t len, enum parse_mode mode)
{
    const char *p = data, *end = data + len;
    /* a line longer than any valid one is refused without reading it to its end (a 1 GB
     * line costs a few megabytes) */
    size_t limit = line_limit(ci);
    while (p < end && !ci->txn.stop) {
        size_t avail = (size_t)(end - p), window = avail < limit ? avail : limit;
        const char *nl = memchr(p, ci->eol, window);
        if (!nl && window < avail) {
            ci->line++;
            if (ci->parser.pstate == 0)
                ci->rec_line = ci->line;
            if (feed_line(ci, p, window))
                IMPORT_ERROR(&ci->txn, BENCH_ELIMIT, ci->rec_line, (long)ci->nf + 1,
                             "line longer than the limit of %zu bytes", limit);
            return len;
        }
        const char *next = nl ? nl + 1 : end;
        size_t n = (size_t)(next - p);
        ci->line++;
        if (ci->parser.pstate == 0) { /* between records */
            if (blank_line(p, n, ci->have_header ? ' ' : (char)csv_get_delim(&ci->parser))) {
                if (ci->have_header)
                    ci->txn.rep.skipped_blank++;
                p = next;
                continue;
            }
            ci->rec_line = ci->line;
        }
        if (!feed_line(ci, p, n))
            return len;
        p = next;
        if (mode == TO_HEADER && ci->have_header && ci->parser.pstate == 0)
            return (size_t)(p - data);
    }
    if (ci->txn.stop || mode != TO_END)
        return len;
    if (csv_fini(&ci->parser, on_field, on_record, ci) != 0) {
        if (csv_error(&ci->parser) == CSV_ENOMEM)
            OOM(ci);
        else
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)ci->nf + 1,
                         "a quoted field is not closed before the end of the file");
    }
    return len;
}

/* ---- two cores: the second half of a file on a second thread --------------------- */

static void import_free(csv_import *ci);

/* Files smaller than this are read on one thread: a thread costs more than it saves. */
#define PARALLEL_MIN_BYTES ((size_t)8 << 20)

/* Where the second half of data may start: just after a line end near the middle, or 0 for
 * a small file or no line end in reach.  A quoted field may span that line end; the first
 * half's parser tells at the split (parse_body), and then the second half is read again. */
static size_t split_point(const csv_import *ci, const char *data, size_t len)
{
    if (len < PARALLEL_MIN_BYTES)
        return 0;
    size_t reach = line_limit(ci), rest = len - len / 2;
    const char *nl = memchr(data + len / 2, ci->eol, rest < reach ? rest : reach);
    return nl && nl + 1 < data + len ? (size_t)(nl + 1 - data) : 0;
}

typedef struct part_job {
    csv_import *ci;
    const char *before; /* the data before the part, whose lines are counted first */
    size_t before_len;
    const char *data;
    size_t len;
} part_job;

static void *read_part(void *arg)
{
    part_job *job = arg;
    job->ci->uncounted = job->before;
    job->ci->uncounted_len = job->before_len;
    job->ci->txn.place = part_place;
    job->ci->txn.place_payload = job->ci;
    parse_lines(job->ci, job->data, job->len, TO_END);
    return NULL;
}

static void local_free(local_codes *l)
{
    pool_free(&l->indicators);
    pool_free(&l->areas);
    pool_free(&l->periods);
    pool_free(&l->sources);
    bench_free(l->period_keys);
}

/* A second reader of the same file: the header and options of `ci`, its own parser, codes and
 * error.  The header arrays stay owned by `ci`. */
static bench_status part_init(csv_import *part, local_codes *local, bench_error *err, const csv_import *ci)
{
    memset(part, 0, sizeof *part);
    memset(local, 0, sizeof *local);
    pool_init(&local->indicators, CODE_LIMIT);
    pool_init(&local->areas, CODE_LIMIT);
    pool_init(&local->periods, CODE_LIMIT);
    pool_init(&local->sources, SOURCE_LIMIT);
    error_clear(err);
    part->db = ci->db;
    part->txn.err = err;
    part->local = local;
    part->eol = ci->eol;
    part->opts = ci->opts;
    part->txn.name = ci->txn.name;
    part->have_header = true;
    part->ncols = ci->ncols;
    part->header = ci->header;
    part->role = ci->role;
    memcpy(part->col, ci->col, sizeof part->col);
    for (int r = 0; r < R_WIDE; r++)
        part->cache[r].code = -1;
    uint32_t code;
    /* local code 0 is the import's own source, as ci->source is in the database */
    const pool *sources = &ci->db->sources;
    bench_status st = pool_intern(&local->sources, sources->strs[ci->source], sources->lens[ci->source], &code);
    part->source = 0;
    /* the indicators of a wide file's columns, in local codes */
    part->wide_ind = st ? NULL : bench_calloc(ci->ncols ? ci->ncols : 1, sizeof *part->wide_ind);
    if (!st && !part->wide_ind)
        st = BENCH_ENOMEM;
    for (size_t c = 0; !st && c < ci->ncols; c++) {
        if (ci->role[c] != R_WIDE)
            continue;
        const pool *ind = &ci->db->indicators;
        st = pool_intern(&local->indicators, ind->strs[ci->wide_ind[c]], ind->lens[ci->wide_ind[c]], &code);
        part->wide_ind[c] = (uint16_t)code;
    }
    if (!st && csv_init(&part->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        st = BENCH_ENOMEM;
    if (!st) {
        unsigned char delim = ci->parser.delim_char;
        csv_set_delim(&part->parser, delim);
        if (delim == '\t')
            csv_set_space_func(&part->parser, space_only);
        csv_set_realloc_func(&part->parser, bench_realloc);
        csv_set_free_func(&part->parser, bench_free);
    }
    return st;
}

/* Local codes of `l` as database codes, into remap tables (caller frees). */
static bench_status remap_codes(bench_db *db, const local_codes *l, uint32_t *maps[4])
{
    const pool *pools[4] = { &l->indicators, &l->areas, &l->periods, &l->sources };
    for (int k = 0; k < 4; k++)
        if (!(maps[k] = bench_malloc((pools[k]->n ? pools[k]->n : 1) * sizeof *maps[k])))
            return BENCH_ENOMEM;
    bench_status st = BENCH_OK;
    for (uint32_t i = 0; !st && i < l->indicators.n; i++)
        st = db_intern_indicator(db, l->indicators.strs[i], l->indicators.lens[i], &maps[0][i]);
    for (uint32_t i = 0; !st && i < l->areas.n; i++)
        st = db_intern_area(db, l->areas.strs[i], l->areas.lens[i], &maps[1][i]);
    for (uint32_t i = 0; !st && i < l->periods.n; i++)
        st = db_intern_period(db, l->periods.strs[i], l->periods.lens[i], l->period_keys[i], &maps[2][i]);
    for (uint32_t i = 0; !st && i < l->sources.n; i++)
        st = pool_intern(&db->sources, l->sources.strs[i], l->sources.lens[i], &maps[3][i]);
    return st;
}

/* The second part's rows after the first's, in database codes: the code columns and lines by one
 * thread (half 0), the others by another. */
typedef struct join_job {
    csv_import *ci;
    const csv_import *part;
    uint32_t *const *maps; /* indicator, area, period, source: local code -> database code */
    long base;             /* the lines of the first half: the part's lines counted from its start */
    int half;
} join_job;

/* `to` may lie at or below `from` in one array: each row is read before it can be written over. */
static void remap_column(uint16_t *to, const uint16_t *from, size_t n, const uint32_t *map)
{
    for (size_t r = 0; r < n; r++)
        to[r] = (uint16_t)map[from[r]];
}

static void *append_columns(void *arg)
{
    const join_job *j = arg;
    obs_columns *to = &j->ci->staged;
    const obs_columns *from = &j->part->staged;
    size_t at = to->n, n = from->n;
    if (j->half == 0) {
        remap_column(to->indicator + at, from->indicator, n, j->maps[0]);
        remap_column(to->area + at, from->area, n, j->maps[1]);
        remap_column(to->period + at, from->period, n, j->maps[2]);
        remap_column(to->source + at, from->source, n, j->maps[3]);
        uint32_t *lines = j->ci->lines + at, base = (uint32_t)j->base;
        for (size_t r = 0; r < n; r++)
            lines[r] = j->part->lines[r] + base;
    } else {
        memmove(to->gender + at, from->gender, n);
        memmove(to->kind + at, from->kind, n);
        memmove(to->status + at, from->status, n);
        memmove(to->value + at, from->value, n * sizeof *to->value);
        memmove(to->count + at, from->count, n * sizeof *to->count);
    }
    return NULL;
}

/* Join the part read on the second thread to `ci`: errors in line order, counts, and (when
 * both parts are clean) its rows, titles and units in database codes. */
static void join_part(csv_import *ci, csv_import *part)
{
    bench_import_report *a = &ci->txn.rep, *b = &part->txn.rep;
    for (size_t i = 0; i < b->n_errors && i < BENCH_IMPORT_MAX_ERRORS; i++)
        if (a->n_errors + i < BENCH_IMPORT_MAX_ERRORS)
            a->errors[a->n_errors + i] = b->errors[i];
    if (!a->n_errors && b->n_errors)
        *ci->txn.err = *part->txn.err;
    if (b->n_errors && !ci->txn.failed) {
        ci->txn.failed = true;
        ci->txn.code = part->txn.code;
    }
    ci->txn.stop |= part->txn.stop;
    a->n_errors += b->n_errors;
    a->rows_read += b->rows_read;
    a->skipped_blank += b->skipped_blank;
    a->skipped_filtered += b->skipped_filtered;
    a->missing += b->missing;
    if (a->n_errors)
        return;
    if (a->rows_read > ci->db->opts.max_rows) {
        IMPORT_ERROR(&ci->txn, BENCH_ELIMIT, ci->rec_line, 0, "more than %zu data rows (max_rows)",
                     ci->db->opts.max_rows);
        return;
    }
    /* the part counted its lines from its own start: the first half's lines come before them */
    long base = ci->line;
    uint32_t *maps[4] = { NULL, NULL, NULL, NULL };
    bench_status st = remap_codes(ci->db, part->local, maps);
    const obs_columns *s = &part->staged;
    if (!st)
        st = obs_reserve(&ci->staged, ci->staged.n + s->n);
    if (!st && !line_slot(ci, ci->staged.n + s->n))
        st = BENCH_ENOMEM;
    if (!st && s->n) {
        /* the copy is mostly the kernel faulting in the columns' new pages: both threads */
        join_job jobs[2] = { { ci, part, maps, base, 0 }, { ci, part, maps, base, 1 } };
        run_pair(append_columns, &jobs[0], &jobs[1], s->n >= PARALLEL_MIN_ROWS / 2);
        ci->staged.n += s->n;
    }
    for (uint32_t k = 0; !st && k < part->local->indicators.n && !ci->txn.stop; k++) {
        uint32_t ind = maps[0][k];
        if (k < part->titles_cap && (part->titles[k] || part->units[k])) {
            if (!label_slots(ci, ind)) {
                st = BENCH_ENOMEM;
                break;
            }
            for (int i = 0; i < 2; i++) {
                char **mine = i ? &ci->units[ind] : &ci->titles[ind], **theirs = i ? &part->units[k] : &part->titles[k];
                if (!*mine) {
                    *mine = *theirs;
                    *theirs = NULL;
                }
            }
        }
        uint8_t seen = k < part->unit_seen_cap ? part->unit_seen[k] : 0;
        if (!seen)
            continue;
        if (!unit_slot(ci, ind)) {
            st = BENCH_ENOMEM;
            break;
        }
        if (ci->unit_seen[ind] && ci->unit_seen[ind] != seen)
            IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, 0,
                         "indicator %s: unit %s in the second half of the file differs from %s in the first",
                         ci->db->indicators.strs[ind], unit_text[seen - 1], unit_text[ci->unit_seen[ind] - 1]);
        ci->unit_seen[ind] = seen;
    }
    for (size_t c = 0; !st && c < part->sep_cap && !ci->txn.stop; c++)
        for (int r = 0; r < 4 && !ci->txn.stop; r++) {
            if (!part->sep[c][r])
                continue;
            part->sep[c][r] += base;
            if (!grow_array(&ci->sep, &ci->sep_cap, c, sizeof *ci->sep)) {
                st = BENCH_ENOMEM;
                break;
            }
            if (ci->sep[c][r ^ 1]) {
                ci->rec_line = part->sep[c][r];
                IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, (long)c + 1,
                             "column %s: this line reads %s, but line %ld of this column reads %s: one column, "
                             "one reading (write 1234 or 1 234)",
                             column_label(ci, c), SEP_ROLE[r], ci->sep[c][r ^ 1], SEP_ROLE[r ^ 1]);
            } else if (!ci->sep[c][r])
                ci->sep[c][r] = part->sep[c][r];
        }
    for (int k = 0; k < 4; k++)
        bench_free(maps[k]);
    if (st)
        IMPORT_ERROR(&ci->txn, st, ci->rec_line, 0, "cannot join the two halves of the file: %s", bench_strerror(st));
}

/* The mean length of a line among the first 64 KiB of a long-layout file, by which its rows are
 * guessed (rows_in); 0 for a wide file or no line end there.  A wrong guess costs little: rows
 * beyond it grow the columns as before, and room never written is never faulted in. */
static size_t line_length(const csv_import *ci, const char *data, size_t len)
{
    if (ci->opts->layout != BENCH_CSV_KOLADA)
        return 0;
    size_t sample = len < 65536 ? len : 65536, lines = 0;
    for (const char *p = data, *end = data + sample; (p = memchr(p, ci->eol, (size_t)(end - p))); p++)
        lines++;
    return lines ? sample / lines : 0;
}

/* The rows guessed in `len` bytes of lines of `line` bytes, with a sixteenth to spare. */
static size_t rows_in(size_t len, size_t line)
{
    size_t rows = len / line + 1024;
    return rows + rows / 16;
}

/* Room for the tags of `rows` rows, not zeroed (each is written with its row): its pages are
 * faulted in as the rows are read, by the thread reading them.  Without the room, lines grow as
 * rows come. */
static void reserve_lines(csv_import *ci, size_t rows)
{
    uint32_t *lines = rows > ci->lines_cap ? bench_reallocarray(ci->lines, rows, sizeof *lines) : NULL;
    if (lines) {
        ci->lines = lines;
        ci->lines_cap = rows;
    }
}

/* The first half's rows, written in a window at the start of `block`, become its own with all of
 * the block's room (when the first half outgrew its window, it has arrays of its own instead and
 * the block stays with the caller). */
static void take_block(csv_import *ci, obs_columns *block)
{
    if (ci->staged.borrowed && block->cap) {
        size_t n = ci->staged.n;
        ci->staged = *block;
        ci->staged.n = n;
        memset(block, 0, sizeof *block);
    }
}

/* Read the rows after the header: in two halves on two threads when the file allows.  The rows
 * of a large file go into one block made for all of them, guessed from its size: the first half
 * writes its start and the second half from the first half's guessed end, so that joining them
 * moves rows within pages already written rather than copying the second half into new ones
 * (fresh pages, zeroed by the kernel, are most of the cost of a copy this size). */
static void parse_body(csv_import *ci, const char *data, const char *rest, size_t rest_len)
{
    size_t split = split_point(ci, rest, rest_len);
    csv_import part;
    local_codes local;
    bench_error part_err;
    pthread_t thread;
    bool started = false;
    obs_columns block = { 0 };
    size_t line = rest_len >= PARALLEL_MIN_BYTES ? line_length(ci, rest, rest_len) : 0;
    if (line && obs_reserve(&block, rows_in(rest_len, line)) == BENCH_OK) /* else rows grow the columns */
        reserve_lines(ci, rows_in(rest_len, line));
    if (split && part_init(&part, &local, &part_err, ci) == BENCH_OK) {
        size_t first = block.cap ? rows_in(split, line) : 0;
        if (first && first < block.cap) {
            ci->staged = obs_window(&block, 0, first);
            part.staged = obs_window(&block, first, block.cap - first);
        }
        if (line)
            reserve_lines(&part, rows_in(rest_len - split, line));
        part_job job = { &part, data, (size_t)(rest + split - data), rest + split, rest_len - split };
        started = pthread_create(&thread, NULL, read_part, &job) == 0;
        if (started) {
            parse_lines(ci, rest, split, TO_SPLIT);
            pthread_join(thread, NULL);
        }
        take_block(ci, &block);
        /* the second half began at a record's start only if the first half ends between
         * records; else (a quoted line end at the split) it is read again, in order */
        if (started && ci->parser.pstate == 0 && ci->nf == 0)
            join_part(ci, &part);
        else if (started && !ci->txn.stop)
            parse_lines(ci, rest + split, rest_len - split, TO_END);
    }
    take_block(ci, &block); /* not split: all of it is the first half's */
    if (!ci->staged.cap && block.cap) {
        ci->staged = block;
        memset(&block, 0, sizeof block);
    }
    if (split) {
        part.header = NULL; /* borrowed from ci */
        part.role = NULL;
        import_free(&part);
        local_free(&local);
    }
    obs_free(&block); /* when the first half outgrew its window: the second half's rows were in it */
    if (!started)
        parse_lines(ci, rest, rest_len, TO_END);
}

static void import_free(csv_import *ci)
{
    csv_free(&ci->parser);
    bench_free(ci->buf);
    bench_free(ci->offs);
    bench_free(ci->lens);
    for (size_t c = 0; ci->header && c < ci->ncols; c++)
        bench_free(ci->header[c]);
    bench_free(ci->header);
    bench_free(ci->role);
    bench_free(ci->wide_ind);
    bench_free(ci->unit_seen);
    for (size_t k = 0; k < ci->titles_cap; k++) {
        bench_free(ci->titles[k]);
        bench_free(ci->units[k]);
    }
    bench_free(ci->titles);
    bench_free(ci->units);
    obs_free(&ci->staged);
    bench_free(ci->lines);
    bench_free(ci->sep);
    bench_free(ci->field_cell);
}

/* Units found in the file (a unit column, else number suffixes) become the
 * unit of indicators that have none.  The strings are made before the merge
 * so that nothing can fail after it. */
static bench_status take_units(csv_import *ci, char **units)
{
    for (size_t k = 0; k < ci->db->indicators.n; k++) {
        if (ci->db->ind_meta[k].unit)
            continue;
        if (k < ci->titles_cap && ci->units[k]) {
            units[k] = ci->units[k];
            ci->units[k] = NULL;
        } else if (k < ci->unit_seen_cap && ci->unit_seen[k] > 1) {
            const char *u = unit_text[ci->unit_seen[k] - 1];
            if (!(units[k] = bench_strndup(u, strlen(u))))
                return BENCH_ENOMEM;
        }
    }
    return BENCH_OK;
}

/* Begin reading an import of `len` bytes into db: the transaction begun (size, source). */
static bench_status reader_begin(csv_import *ci, bench_db *db, size_t len, const char *name,
                                 const bench_csv_options *opts)
{
    memset(ci, 0, sizeof *ci);
    ci->db = db;
    ci->opts = opts;
    for (int r = 0; r < R_WIDE; r++)
        ci->cache[r].code = -1;
    return import_begin(&ci->txn, db, name, len, opts->source, &ci->source);
}

static void name_conflict(csv_import *ci, const merge_conflict *twice);

/* The end of a CSV or cell import: the staged rows merged, the units and titles found given to
 * the catalogue, the transaction ended and the reader released. */
static bench_status reader_end(bench_import_report *out, csv_import *ci)
{
    bench_db *db = ci->db;
    char **units = NULL;
    size_t n_units = 0; /* entries of units: the indicator count before any rollback */
    if (!ci->txn.failed) {
        n_units = db->indicators.n;
        units = bench_calloc(n_units ? n_units : 1, sizeof *units);
        bench_status st = units ? take_units(ci, units) : BENCH_ENOMEM;
        if (st)
            OOM(ci);
        merge_conflict twice;
        if (import_merge(&ci->txn, &ci->staged, ci->lines, &twice) == BENCH_EPARSE && !ci->txn.failed)
            name_conflict(ci, &twice);
    }
    if (!ci->txn.failed) {
        for (size_t k = 0; k < db->indicators.n; k++) {
            if (units[k]) {
                db->ind_meta[k].unit = units[k];
                units[k] = NULL;
            }
            if (k < ci->titles_cap && ci->titles[k] && !db->ind_meta[k].title) {
                db->ind_meta[k].title = ci->titles[k];
                ci->titles[k] = NULL;
            }
        }
    }
    for (size_t k = 0; units && k < n_units; k++)
        bench_free(units[k]);
    bench_free(units);
    bench_status st = import_end(out, &ci->txn);
    import_free(ci);
    return st;
}

/* Two rows of the import with one key and different values: an error at the later naming the
 * earlier. */
static void name_conflict(csv_import *ci, const merge_conflict *twice)
{
    if (ci->cells) { /* the tags are cells: their places are the document's */
        const bench_cell *later = &ci->cells[twice->later], *earlier = &ci->cells[twice->earlier];
        ci->txn.place = NULL;
        IMPORT_ERROR(&ci->txn, BENCH_EPARSE, later->line, later->column,
                     "the same indicator, area, period, gender and kind as line %ld, with another value: "
                     "which one is meant? (a table gives each key once)",
                     earlier->line);
        return;
    }
    ci->rec_line = twice->later;
    IMPORT_ERROR(&ci->txn, BENCH_EPARSE, ci->rec_line, ci->col[R_VALUE] + 1,
                 "the same indicator, area, period, gender and kind as line %u, with another value: "
                 "which one is meant? (a file gives each key once)",
                 (unsigned)twice->earlier);
}

static bench_status import_text(bench_import_report *out, bench_db *db, const char *data, size_t len, const char *name,
                                const bench_csv_options *opts)
{
    csv_import ci;
    if (reader_begin(&ci, db, len, name, opts))
        return reader_end(out, &ci);
    if (utf16_bom(data, len)) {
        ci.rec_line = 1;
        IMPORT_ERROR(&ci.txn, BENCH_EPARSE, ci.rec_line, 1,
                     "the file is UTF-16; save it as UTF-8 (with or without BOM)");
        return reader_end(out, &ci);
    }
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    char delim = opts->delimiter ? opts->delimiter : detect_delimiter(data, len);
    if (csv_init(&ci.parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        OOM(&ci);
        return reader_end(out, &ci);
    }
    csv_set_delim(&ci.parser, (unsigned char)delim);
    if (delim == '\t')
        csv_set_space_func(&ci.parser, space_only);
    csv_set_realloc_func(&ci.parser, bench_realloc);
    csv_set_free_func(&ci.parser, bench_free);
    /* old Mac files end lines with CR alone; libcsv reads them, and lines are counted by them */
    ci.eol = !memchr(data, '\n', len) && memchr(data, '\r', len) ? '\r' : '\n';
    size_t done = parse_lines(&ci, data, len, TO_HEADER);
    if (ci.have_header && !ci.txn.stop && done < len)
        parse_body(&ci, data, data + done, len - done);
    else
        parse_lines(&ci, data + done, len - done, TO_END);
    if (!ci.txn.failed && !ci.have_header) {
        ci.rec_line = 1;
        IMPORT_ERROR(&ci.txn, BENCH_EPARSE, ci.rec_line, 0, "the file is empty: expected a header line");
    }
    return reader_end(out, &ci);
}

/* ---- a table given cell by cell ------------------------------------------------------ */

/* Where an error about field `column` of the current record stands in the document: its cell's
 * line and column; about the whole record (or a field without a cell), the record's line. */
static void cell_place(long *line, long *column, const void *payload)
{
    const csv_import *ci = payload;
    if (*column <= 0)
        return;
    size_t f = (size_t)*column - 1, k = f < ci->nf_cells ? ci->field_cell[f] : NO_CELL;
    if (k == NO_CELL || ci->cells[k].line <= 0) {
        *column = 0;
        return;
    }
    *line = ci->cells[k].line;
    *column = ci->cells[k].column > 0 ? ci->cells[k].column : 0;
}

/* One field of the current record from `cell` (NO_CELL: an empty cell left out), read as a CSV
 * field is. */
static void add_field(csv_import *ci, const char *text, size_t len, size_t cell)
{
    if (!grow_array(&ci->field_cell, &ci->field_cell_cap, ci->nf, sizeof *ci->field_cell)) {
        OOM(ci);
        return;
    }
    ci->field_cell[ci->nf] = cell;
    ci->nf_cells = ci->nf + 1;
    on_field((void *)text, len, ci);
}

static bool blank_row(const bench_cell *cells, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        const char *s = cells[i].text;
        size_t len = cells[i].len;
        trim(&s, &len);
        if (len)
            return false;
    }
    return true;
}

static bench_status csv_options(bench_db *db, const bench_csv_options **opts, bench_csv_options *defaults);

bench_status bench_import_cells(bench_import_report *out, bench_db *db, const bench_cell *cells, size_t n_cells,
                                const char *name, const bench_csv_options *opts)
{
    IMPORT_CALL_BEGIN(out, db);
    if (!cells && n_cells)
        return DB_FAIL(db, BENCH_EINVAL, "bench_import_cells: cells is NULL");
    bench_csv_options defaults;
    bench_status st = csv_options(db, &opts, &defaults);
    if (st)
        return st;
    size_t total = 0; /* the input's size: the cells' bytes */
    for (size_t i = 0; i < n_cells; i++) {
        const bench_cell *c = &cells[i];
        if (!c->text && c->len)
            return DB_FAIL(db, BENCH_EINVAL, "bench_import_cells: cells[%zu].text is NULL", i);
        if (i && (c->row < c[-1].row || (c->row == c[-1].row && c->col <= c[-1].col)))
            return DB_FAIL(db, BENCH_EINVAL,
                           "bench_import_cells: cells[%zu] (row %zu, column %zu) is out of order: cells go by row "
                           "and, within a row, by column, each once",
                           i, c->row, c->col);
        total = total > SIZE_MAX - c->len ? SIZE_MAX : total + c->len;
    }
    csv_import ci;
    if (reader_begin(&ci, db, total, name, opts))
        return reader_end(out, &ci);
    if (n_cells > UINT32_MAX) { /* staged rows are tagged with their cell */
        IMPORT_ERROR(&ci.txn, BENCH_ELIMIT, 0, 0, "more than %u cells in one import", UINT32_MAX);
        return reader_end(out, &ci);
    }
    ci.cells = cells;
    ci.txn.place = cell_place;
    ci.txn.place_payload = &ci;
    for (size_t i = 0; i < n_cells && !ci.txn.stop;) {
        size_t end = i;
        while (end < n_cells && cells[end].row == cells[i].row)
            end++;
        if (!ci.have_header && blank_row(cells, i, end)) { /* empty rows above a table */
            i = end;
            continue;
        }
        ci.rec_cell = i;
        ci.rec_line = ci.line = cells[i].line > 0 ? cells[i].line : 0;
        for (size_t col = 0; i < end && !ci.txn.stop; i++) {
            for (; col < cells[i].col && !ci.txn.stop; col++) /* a cell left out is empty */
                add_field(&ci, "", 0, NO_CELL);
            if (!ci.txn.stop)
                add_field(&ci, cells[i].text ? cells[i].text : "", cells[i].len, i);
            col++;
        }
        on_record(0, &ci);
        ci.nf_cells = 0;
        i = end;
    }
    if (!ci.txn.failed && !ci.have_header)
        IMPORT_ERROR(&ci.txn, BENCH_EPARSE, 0, 0, "the table is empty: expected a header row");
    return reader_end(out, &ci);
}

static bench_status check_options(bench_db *db, const bench_csv_options *opts)
{
    CHECK_VERSION(db, opts, BENCH_CSV_OPTIONS_VERSION, BENCH_CSV_OPTIONS_VERSION, "bench_csv_options");
    if ((unsigned)opts->layout > BENCH_CSV_WIDE)
        return DB_FAIL(db, BENCH_EINVAL, "unknown CSV layout %d", (int)opts->layout);
    if (opts->delimiter && !strchr(",;\t|", opts->delimiter))
        return DB_FAIL(db, BENCH_EINVAL, "delimiter must be ',', ';', tab or '|'");
    if ((unsigned)opts->kind > BENCH_KIND_PROGNOS)
        return DB_FAIL(db, BENCH_EINVAL, "unknown kind %d", (int)opts->kind);
    if (opts->gender_mask > 7)
        return DB_FAIL(db, BENCH_EINVAL, "gender_mask has bits beyond T, K and M");
    return BENCH_OK;
}

/* The options given, or the defaults when NULL, checked. */
static bench_status csv_options(bench_db *db, const bench_csv_options **opts, bench_csv_options *defaults)
{
    if (!*opts) {
        *defaults = (bench_csv_options)BENCH_CSV_OPTIONS_INIT;
        *opts = defaults;
    }
    return check_options(db, *opts);
}

bench_status bench_import_csv_buffer(bench_import_report *out, bench_db *db, const char *data, size_t len,
                                     const char *name, const bench_csv_options *opts)
{
    IMPORT_CALL_BEGIN(out, db);
    if (!data && len)
        return DB_FAIL(db, BENCH_EINVAL, "bench_import_csv_buffer: data is NULL");
    bench_csv_options defaults;
    bench_status st = csv_options(db, &opts, &defaults);
    if (st)
        return st;
    return import_text(out, db, data ? data : "", len, name, opts);
}

static bench_status csv_buffer(bench_import_report *out, bench_db *db, const char *data, size_t len, const char *name,
                               const void *opts)
{
    return bench_import_csv_buffer(out, db, data, len, name, opts);
}

bench_status bench_import_csv_file(bench_import_report *out, bench_db *db, const char *path,
                                   const bench_csv_options *opts)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (db && opts) { /* bad options are reported before the file is opened */
        error_clear(&db->err);
        bench_status st = check_options(db, opts);
        if (st)
            return st;
    }
    return import_file(out, db, path, opts, csv_buffer, "bench_import_csv_file");
}
