/* internal.h -- shared declarations of libbench's modules; not installed. */
#ifndef BENCH_INTERNAL_H
#define BENCH_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "bench.h"

#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- allocation (alloc.c: one place, so a test hook can make it fail) ---------- */

void *bench_malloc(size_t size);
void *bench_calloc(size_t n, size_t size);
void *bench_realloc(void *ptr, size_t size);
/* realloc of n elements of size `size`, refusing on overflow */
void *bench_reallocarray(void *ptr, size_t n, size_t size);
char *bench_strndup(const char *s, size_t len);
/* 64-byte aligned block of `bytes` (a multiple of 64), freed with bench_free */
void *bench_aligned_alloc(size_t bytes);
void bench_free(void *ptr);
/* Make (*array)[i] exist, for an array (passed as the address of its pointer) of *cap elements
 * of `size` bytes: doubled as needed, new elements zero.  False when out of memory. */
bool grow_array(void *array, size_t *cap, size_t i, size_t size);

/* ---- errors ------------------------------------------------------------ */

void error_clear(bench_error *err);
/* Fill `err` unless it already holds an error (first error wins). */
void error_setv(bench_error *err, int code, const char *file, long line, long column, const char *src_file,
                int src_line, const char *fmt, va_list ap);
void error_set(bench_error *err, int code, const char *file, long line, long column, const char *src_file, int src_line,
               const char *fmt, ...) __attribute__((format(printf, 8, 9)));

#define DB_FAIL(db, code, ...) \
    (error_set(&(db)->err, (code), "", 0, 0, __FILE__, __LINE__, __VA_ARGS__), (bench_status)(code))

/* BENCH_EINVAL unless opts->version is one this library reads, `oldest` to `current`. */
#define CHECK_VERSION(db, opts, oldest, current, struct_name)                                                         \
    do {                                                                                                              \
        if ((opts)->version < (oldest) || (opts)->version > (current))                                                \
            return DB_FAIL(db, BENCH_EINVAL, "%s.version is %u, expected %u", struct_name, (unsigned)(opts)->version, \
                           (unsigned)(current));                                                                      \
    } while (0)

/* *out = the code of `text` (CODE_INDICATOR, CODE_AREA, CODE_PERIOD) as db_find finds it; when
 * there is none, BENCH_ENOTFOUND: '<what> "<text>" is not in the database'. */
#define DB_REQUIRE(out, db, kind, text, what)                                                                        \
    do {                                                                                                             \
        const char *text_ = (text);                                                                                  \
        int64_t code_ = db_find(db, kind, text_);                                                                    \
        if (code_ < 0)                                                                                               \
            return DB_FAIL(db, BENCH_ENOTFOUND, "%s \"%s\" is not in the database", what, text_ ? text_ : "(null)"); \
        *(out) = (uint32_t)code_;                                                                                    \
    } while (0)

/* The start of every import call: the report zeroed; without a database BENCH_EINVAL (there is
 * no handle to hold an error), else its error cleared. */
#define IMPORT_CALL_BEGIN(out, db)           \
    do {                                     \
        if (out)                             \
            memset((out), 0, sizeof *(out)); \
        if (!(db))                           \
            return BENCH_EINVAL;             \
        error_clear(&(db)->err);             \
    } while (0)

/* The start of every call that answers with a frame: without a database BENCH_EINVAL (there is
 * no handle to hold an error), else its error cleared, `out` and `opts` required, *out NULL. */
#define FRAME_CALL_BEGIN(db, out, opts, function)                                        \
    do {                                                                                 \
        if (!(db))                                                                       \
            return BENCH_EINVAL;                                                         \
        error_clear(&(db)->err);                                                         \
        if (!(out) || !(opts))                                                           \
            return DB_FAIL(db, BENCH_EINVAL, "%s: out and opts are required", function); \
        *(out) = NULL;                                                                   \
    } while (0)

/* ---- the hash index (hash.c): 64-bit keys to 32-bit entries ------------------------------ */

/* Open addressing with linear probing.  A slot holds an entry (what the caller numbers: a row,
 * a group, a cell) and 32 bits of its key's hash; the key itself is asked of the caller
 * (key_of) only when those bits match, so a slot is 8 bytes and a large table stays in cache
 * longer.  The functions are inline so that key_of, known at each call, is inlined too. */
typedef struct hash_slot {
    uint32_t tag;   /* the high 32 bits of the key's hash */
    uint32_t entry; /* entry + 1; 0 = empty */
} hash_slot;

typedef struct hash_index {
    hash_slot *slots; /* owned */
    size_t mask;      /* slots - 1, a power of two minus one */
    size_t n;         /* entries held (kept by the caller through hash_index_add) */
} hash_index;

typedef uint64_t (*hash_key_fn)(const void *ctx, uint32_t entry);

static inline uint64_t hash_of(uint64_t key)
{
    key ^= key >> 31;
    key *= 0x9E3779B97F4A7C15ull;
    return key ^ (key >> 29);
}

/* Room for n entries; BENCH_ENOMEM leaves x empty. */
bench_status hash_index_init(hash_index *x, size_t n);
void hash_index_free(hash_index *x);
/* Empty x and use as much of its slots as n entries need (x was made for at least n): one small
 * table reused, cleared only as far as it is used. */
void hash_index_reset(hash_index *x, size_t n);
/* Room for n entries, rehashing the ones held (their keys asked of key_of); on failure x is as
 * it was. */
bench_status hash_index_reserve(hash_index *x, size_t n, hash_key_fn key_of, const void *ctx);

static inline void hash_index_prefetch(const hash_index *x, uint64_t hash)
{
    __builtin_prefetch(&x->slots[hash & x->mask], 1);
}

/* The slot of `key` (whose hash is `hash`): the one holding it, else the empty slot where it goes. */
static inline hash_slot *hash_index_slot(const hash_index *x, uint64_t hash, uint64_t key, hash_key_fn key_of,
                                         const void *ctx)
{
    uint32_t tag = (uint32_t)(hash >> 32);
    size_t i = hash & x->mask;
    while (x->slots[i].entry && (x->slots[i].tag != tag || key_of(ctx, x->slots[i].entry - 1) != key))
        i = (i + 1) & x->mask;
    return &x->slots[i];
}

/* The first empty slot for a hash: for entries known to have distinct keys. */
static inline hash_slot *hash_index_empty_slot(const hash_index *x, uint64_t hash)
{
    size_t i = hash & x->mask;
    while (x->slots[i].entry)
        i = (i + 1) & x->mask;
    return &x->slots[i];
}

/* Put an entry in an empty slot found for `hash`. */
static inline void hash_index_add(hash_index *x, hash_slot *slot, uint64_t hash, uint32_t entry)
{
    slot->tag = (uint32_t)(hash >> 32);
    slot->entry = entry + 1;
    x->n++;
}

/* ---- string pools: interned codes --------------------------------------- */

/* Work over more rows than this (compare_all, per_capita, a merge) is shared between two threads. */
#define PARALLEL_MIN_ROWS 1000000
/* work(first) on this thread and work(second) on another, when `parallel` and a thread can be
 * had; else both here, one after the other.  Returns when both are done. */
void run_pair(void *(*work)(void *), void *first, void *second, bool parallel);

#define CODE_LIMIT 65535u  /* codes are stored as uint16_t */
#define SOURCE_LIMIT 4096u /* sources take 12 bits of the sort key */

typedef struct pool {
    char **strs; /* strs[i] is code i, NUL-terminated, owned */
    uint32_t *lens;
    uint32_t n, cap;
    uint32_t *slots; /* open addressing; 0 = empty, else index + 1 */
    uint32_t nslots; /* power of two, > 2 * n */
    uint32_t limit;  /* most codes this pool may hold */
} pool;

void pool_init(pool *p, uint32_t limit);
void pool_free(pool *p);
/* Index of the code, or -1 if absent. */
int64_t pool_find(const pool *p, const char *s, size_t len);
/* Intern; BENCH_OK, BENCH_ENOMEM or BENCH_ELIMIT. */
bench_status pool_intern(pool *p, const char *s, size_t len, uint32_t *out);
/* Forget the codes from index n on (rollback of a failed import). */
void pool_truncate(pool *p, uint32_t n);

/* How a number read by bench_parse_number used '.' and ',' (number.c): bit 0 '.' decimal, 1 '.'
 * group, 2 ',' decimal, 3 ',' group, by the same rule (the last of the two is the decimal
 * separator unless it repeats). */
unsigned number_separator_roles(const char *s, size_t len);

/* ---- periods (period.c), genders and kinds (number.c), text (text.c) ----------- */

/* Canonical period label into buf (>= 16 bytes) and a chronological key.
 * Accepts 2022, 2024-T1, 2024T1, 2024-Q3, 2024-03.  Returns false if not a period. */
bool period_parse(const char *s, size_t len, char *buf, size_t *out_len, int64_t *out_key);
/* Whether a[0..alen) and b[0..blen) are the same text without regard to case (ASCII letters
 * and the Latin-1 letters of UTF-8: "MÄN" is "män"). */
bool same_ignoring_case(const char *a, size_t alen, const char *b, size_t blen);
/* Trim ASCII spaces and tabs. */
void trim(const char **s, size_t *len);
/* true if s[0..len) is valid UTF-8 without control characters (multiline:
 * tab, CR and LF allowed, as in titles and names) */
bool utf8_valid(const char *s, size_t len, bool newlines);
bool utf8_valid_text(const char *s, size_t len);
bool utf8_valid_multiline(const char *s, size_t len);
/* Whether text starts with a UTF-16 byte order mark (either byte order). */
bool utf16_bom(const char *s, size_t len);
/* printf into buf: text longer than `size` is cut at a UTF-8 character boundary (a name or
 * title in a message, a caption).  True when all of it fit. */
bool text_format(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- the observation store ---------------------------------------------- */

typedef struct obs_columns {
    uint16_t *indicator, *area, *period, *source;
    uint8_t *gender, *kind, *status;
    double *value;
    int32_t *count;
    size_t n, cap;
    bool borrowed; /* the arrays are a window of another obs_columns' (obs_window): never freed
                      or grown here; growing copies the rows out to arrays of their own */
} obs_columns;

/* A window of `cap` rows of c's arrays from row `from` on, empty, for another writer. */
obs_columns obs_window(const obs_columns *c, size_t from, size_t cap);

bench_status obs_reserve(obs_columns *c, size_t cap);
/* Give the pages of spare capacity (rows n to cap) back to the system.  The capacity stays: the
 * next import appends into it rather than moving the columns (growing a large column that lies
 * in the heap copies all of it). */
void obs_release_spare(obs_columns *c);
void obs_free(obs_columns *c);
bench_status obs_append(obs_columns *c, uint32_t indicator, uint32_t area, uint32_t period, uint32_t source, int gender,
                        int kind, double value, int32_t count, uint8_t status);

typedef struct area_meta {
    char *name;        /* owned; NULL when not catalogued */
    char lan[3];       /* "14" or "" */
    char *kommungrupp; /* owned group code, or NULL */
    uint16_t *members; /* owned: member area codes of a group, or NULL */
    uint32_t n_members;
    uint8_t type; /* bench_area_type */
} area_meta;

typedef struct indicator_meta {
    char *title;       /* owned or NULL */
    char *unit;        /* owned or NULL */
    char *link;        /* owned: the Kolada id an own indicator corresponds to, or NULL */
    char *derived;     /* owned: the formula of a stored result (bench_ratio), or NULL */
    uint8_t direction; /* bench_direction */
} indicator_meta;

struct bench_db {
    bench_error err;
    bench_db_options opts;
    pool indicators, areas, periods, sources;
    int64_t *period_keys;     /* chronological key per period code */
    area_meta *area_meta;     /* parallel to areas, areas.cap entries */
    indicator_meta *ind_meta; /* parallel to indicators */
    size_t area_meta_cap, ind_meta_cap, period_keys_cap, source_seq_cap;
    uint32_t *source_seq; /* per source: when it was last imported (higher = later) */
    uint32_t import_seq;  /* the last number given out */
    obs_columns obs;
    const char *map; /* a snapshot read by bench_db_open: obs columns point into it */
    size_t map_len;
    bool import_open; /* a transaction of bench_import_begin() is open: no other import begins */
};

/* Write into a snapshot's header the checksum of its bytes as they stand: for tests that change
 * a file and keep it sealed.  False when its header or section table cannot be read. */
bool snapshot_reseal(char *data, size_t len);
/* Copy mapped snapshot columns to the heap before the first change. */
bench_status db_own_columns(bench_db *db);

/* Grow the meta arrays after interning (zero-filled). */
bench_status db_sync_meta(bench_db *db);
/* Intern a period label; sets its chronological key. */
bench_status db_intern_period(bench_db *db, const char *label, size_t len, int64_t key, uint32_t *out);

/* State to undo a failed import: pool sizes at its start. */
typedef struct db_mark {
    uint32_t n_ind, n_area, n_period, n_source;
} db_mark;
db_mark db_mark_take(const bench_db *db);
void db_mark_rollback(bench_db *db, db_mark m);

/* A copy of the catalogue entries (names, types, members, titles, units, links) that exist now, so
 * an import that edits them can put every one back when it fails part-way.  Entries added later
 * are undone by db_mark_rollback(). */
typedef struct db_catalogue_copy {
    area_meta *areas;
    indicator_meta *indicators;
    uint32_t n_areas, n_indicators;
} db_catalogue_copy;
bench_status db_catalogue_copy_take(const bench_db *db, db_catalogue_copy *out);
void db_catalogue_copy_restore(bench_db *db, db_catalogue_copy *copy); /* and frees it */
void db_catalogue_copy_free(db_catalogue_copy *copy);

/* Two rows of one import with the same key and different values, by their tags. */
typedef struct merge_conflict {
    uint32_t earlier, later;
} merge_conflict;

/* Merge staged observations into the store; later rows win on equal keys, and the
 * sources of the staged rows become the most recently imported, in the order they first
 * appear.  Cannot fail half-way: all memory is reserved first.  An empty store takes the
 * staged columns themselves (staged is then left empty).  With `conflict` (and `tags`, one
 * per staged row: a line or an entry number), two staged rows with one key and different
 * values are refused with BENCH_EPARSE and their tags, the store unchanged; identical
 * repeats are counted as replaced. */
bench_status db_merge(bench_db *db, obs_columns *staged, uint32_t *tags, size_t *out_replaced,
                      merge_conflict *conflict);
/* The one rule for two values of one key from different sources: the source imported most
 * recently wins.  Whether a value from source a replaces one from source b. */
static inline bool source_newer(const bench_db *db, uint16_t a, uint16_t b)
{
    return db->source_seq[a] > db->source_seq[b];
}
/* Whether row r of the store replaces row `current` (-1: none yet) as its key's value. */
static inline bool row_wins(const bench_db *db, size_t r, int64_t current)
{
    return current < 0 || source_newer(db, db->obs.source[r], db->obs.source[current]);
}

/* Release the strings of one indicator's catalogue entry and zero it. */
void indicator_meta_clear(indicator_meta *m);

/* Replace every observation of the `n` indicators `inds` by the rows of `adds[i]` (their
 * indicator column already inds[i]).  All memory is reserved first: on failure nothing changed. */
bench_status db_replace_indicators(bench_db *db, const uint32_t *inds, const obs_columns *adds, size_t n);

/* ---- intervals (interval.c) ------------------------------------------------------------ */

/* The p-quantile of Gamma(shape a, scale 1), and of the standard normal. */
double gamma_quantile(double p, double a);
double normal_quantile(double p);
/* The `level` (e.g. 0.95) confidence interval of count / denominator * scale: Wilson's score
 * interval when `share` and count <= denominator, else the exact Poisson (Garwood) one.  False
 * (and NaN) for a negative count or a denominator that is not positive. */
bool interval_of(double *lo, double *hi, double count, double denominator, double scale, double level, bool share);

/* ---- denominators (normalize.c): sums of terms by area, period and gender ------------ */

typedef struct denominator {
    hash_index index;    /* (area, period, gender) -> an entry */
    uint64_t *keys;      /* per entry: its key */
    uint32_t *rows;      /* entries * nterms: row + 1 of each term's value, 0 = none */
    uint32_t *period_of; /* per period code of a value: the denominator's period, or UINT32_MAX */
    size_t nterms;
} denominator;

/* Index the utfall values of `terms` (with several sources for a key, the most recent
 * wins) and map each period to the denominator's period by `rule` (bench_denominator_period). */
bench_status denominator_build(denominator *d, const bench_db *db, const uint32_t *terms, size_t nterms, int rule);
/* The sum of the terms for a value's area, period and gender; NaN when a term is missing
 * or not ok. */
double denominator_of(const denominator *d, const bench_db *db, uint32_t area, uint32_t period, int gender);
void denominator_free(denominator *d);

/* ---- catalogue ------------------------------------------------------------ */

bench_status catalogue_load_embedded(bench_db *db);
/* set[a] = 1 for each area of a selection: NULL = all kommuner; a group code
 * stands for its members.  strict: unknown codes are BENCH_ENOTFOUND. */
bench_status area_selection(uint8_t **out, bench_db *db, const char *const *areas, size_t n, bool strict);
void area_meta_clear(area_meta *m);
/* Area code as stored: trimmed, 1-3 digits padded to 4, ASCII letters and
 * digits only, at most 32 bytes.  buf holds >= 33 bytes. */
bool area_code_normalize(const char *s, size_t len, char *buf, size_t *out_len);
/* Indicator id as stored: trimmed; Kolada ids (a letter and 5 digits) upper
 * case; otherwise UTF-8 text, at most 128 bytes.  buf holds >= 129 bytes. */
bool indicator_id_normalize(const char *s, size_t len, char *buf, size_t *out_len);
bench_status db_intern_area(bench_db *db, const char *code, size_t len, uint32_t *out);
/* An indicator id (normalized) as stored: the same bytes, else the same without regard to case
 * (ASCII and Latin-1 letters: "mypop" finds "MyPop"); -1 when there is none. */
int64_t indicator_find(const bench_db *db, const char *id, size_t len);
/* Intern an indicator id; an id differing only in case is the same indicator. */
bench_status db_intern_indicator(bench_db *db, const char *id, size_t len, uint32_t *out);

/* ---- frames ----------------------------------------------------------------- */

typedef struct frame_col {
    char *name;
    bench_column_type type;
    void *data;
    char **dict; /* CODE only: pointers into dict_blob */
    char *dict_blob;
    size_t ndict;
} frame_col;

struct bench_frame {
    size_t rows, ncols;
    frame_col *cols;
    char **meta; /* key, value, key, value ... */
    size_t nmeta;
};

bench_status frame_new(bench_frame **out, size_t ncols, size_t rows);
/* Allocate column i's data; returns the data pointer or NULL (ENOMEM). */
void *frame_add(bench_frame *f, size_t i, const char *name, bench_column_type type);
/* Turn column i (already holding uint32 "universe" codes < n_universe) into a
 * compact dictionary of the codes used, ordered by rank[] (NULL: by text). */
bench_status frame_compact_codes(bench_frame *f, size_t i, size_t n_universe,
                                 const char *(*text)(const void *ctx, uint32_t code), const void *ctx,
                                 const int64_t *rank);
/* One code column of a frame to compact, as frame_compact_codes() takes it. */
typedef struct frame_codes {
    size_t column, n_universe;
    const char *(*text)(const void *ctx, uint32_t code);
    const void *ctx;
    const int64_t *rank;
} frame_codes;
/* frame_compact_codes() for each of `n` columns, the columns shared between two threads for a
 * frame of a million rows or more; the first failure is returned. */
bench_status frame_compact_columns(bench_frame *f, const frame_codes *columns, size_t n);
/* rank of an enum code is the code itself (T, K, M order) */
extern const int64_t enum_rank[8];
bench_status frame_set_meta(bench_frame *f, const char *key, const char *value);

const char *pool_text(const void *pool_ptr, uint32_t code);
const char *gender_text(const void *unused, uint32_t code);
const char *kind_text(const void *unused, uint32_t code);
const char *status_text(const void *unused, uint32_t code);

/* Find a code as the importers store it ("138" -> 0138, "u33401" -> U33401,
 * "2023T1" -> 2023-T1): its index, or -1 when `text` is NULL, no such code or
 * not in the database. */
enum code_kind {
    CODE_INDICATOR,
    CODE_AREA,
    CODE_PERIOD
};
int64_t db_find(const bench_db *db, enum code_kind kind, const char *text);

/* rank of each code in output order: ids and areas by text, periods by time */
typedef struct ranks_t {
    int64_t *ind, *area, *period, *source;
} ranks_t;
bench_status ranks_make(ranks_t *r, const bench_db *db);
void ranks_free(ranks_t *r);

/* ---- stored results (stored.c) --------------------------------------------------------- */

/* A stored result's parts: the result, and with intervals its lower and upper bounds as the
 * indicators "<id>:ci_low" and "<id>:ci_high". */
enum {
    PART_RESULT,
    PART_LOW,
    PART_HIGH,
    MAX_PARTS
};
#define MAX_DERIVED (128 * 130 + 256) /* the longest formula a result's "derived" text holds */

/* What a result is stored as. */
typedef struct stored_result {
    const char *id; /* normalized indicator id */
    size_t id_len;
    const char *title, *unit; /* unit may be NULL */
    const char *derived;      /* the formula; the rows' source is "Bearbetning: " and it */
    bench_direction direction;
    double ci;             /* the intervals' level when there are three parts, else 0 */
    const char *ci_method; /* "Garwood" or "Wilson" with intervals */
    const char *interval;  /* or how the bounds' titles name an interval without a stated level
                                  ("± osäkerhetstal N01453"); NULL: by ci */
    bool bounds_only;      /* store the bounds alone: `id` is an imported measure, its rows and
                                  catalogue entry stay as they are (three parts) */
} stored_result;

/* The rows of a result: per key the row of the value's most recent source (the rows sorted so
 * that the rows of one key are together).  `values` are the results (or an interval's bounds);
 * a row whose status is ok but has no such value is missing.  The caller frees *out. */
bench_status stage_result(obs_columns *out, const bench_db *db, const uint32_t *rows, size_t n, const double *values,
                          const uint32_t *status);
/* Store the staged parts (1, or 3 with intervals) as indicator r->id and its companions, with
 * their catalogue entries, replacing what was stored under the id before (intervals included);
 * all or nothing. */
bench_status store_result(bench_db *db, const stored_result *r, obs_columns *staged, size_t nparts);
/* The same for `nresults` results in one transaction: result i's parts are staged[i * MAX_PARTS + p];
 * all are stored, or none. */
bench_status store_results(bench_db *db, const stored_result *r, size_t nresults, obs_columns *staged, size_t nparts);
/* The CODE columns of a computed result's frame (indicator, area, period, gender at 0-3,
 * status and source at 7 and 8, as per_capita, ratio and deflate lay it out) as dictionaries. */
bench_status result_frame_codes(bench_frame *f, const bench_db *db, const ranks_t *rk);
/* The utfall rows of a computed result, in output order (indicator, area, period, gender,
 * source): of `indicator`, or when it is -1 of every indicator but those marked in `skip`
 * (may be NULL).  The caller frees *out_rows. */
bench_status result_rows(uint32_t **out_rows, size_t *out_n, const bench_db *db, const ranks_t *rk, int64_t indicator,
                         const uint8_t *skip);
/* A computed result's frame of n rows: indicator, area, period, gender, value, `middle` (the
 * denominator, the index), result, status, source, and with intervals ci_low and ci_high. */
typedef struct result_columns {
    uint32_t *indicator, *area, *period, *gender, *status, *source;
    double *value, *middle, *result, *low, *high;
} result_columns;
bench_status result_frame_new(bench_frame **out, result_columns *c, size_t n, const char *middle, bool intervals);

/* ---- Kolada's osäkerhetstal (uncertainty.c) --------------------------------------------- */

/* A title as pairing compares it (the rule in bench.h): runs of spaces, tabs, line breaks and no-break
 * spaces as one space, none at either end nor before ",", "(" or ")", a run of commas as one, ASCII and
 * Latin-1 capitals in lower case.
 * `out` holds len + 1 bytes; returns the length written (NUL-terminated). */
size_t title_normalize(char *out, const char *s, size_t len);

/* ---- sorting ------------------------------------------------------------- */

/* Sort n (key, row) pairs by key, stable (LSD radix). */
bench_status sort_pairs(uint64_t *keys, uint32_t *rows, size_t n);

/* ---- what the importers share (import.c) ---------------------------------------- */

/* One import, all or nothing.  Every importer runs the same sequence: check its options,
 * import_begin() (size, mark, source), read and stage its rows (errors through IMPORT_ERROR),
 * import_merge() the staged rows, import_end().  A failed transaction's end puts the database
 * back as it was at its beginning (codes, and the catalogue when import_keep_catalogue() kept
 * it) and fills the report.  The Kolada JSON transaction of many parts (bench_import_begin)
 * holds one open across calls. */
typedef struct import_txn {
    bench_db *db;
    bench_error *err; /* where the first error goes: the db's (a CSV part read on a second
                                  thread: its own, joined later) */
    const char *name; /* the file, buffer or document named in errors */
    bench_import_report rep;
    db_mark mark;           /* the codes at the beginning */
    db_catalogue_copy copy; /* the catalogue before the import first edited it */
    bool have_copy;
    bool failed; /* an error was recorded: the end rolls back */
    bool stop;   /* reading on is pointless: an error other than malformed input, or
                                  BENCH_IMPORT_MAX_ERRORS of them */
    int code;    /* the first error's status */
    /* NULL, or where an error's position (line, column as the importer counts them) stands in
     * the document: the cell import turns a field of a record into the cell's own place */
    void (*place)(long *line, long *column, const void *payload);
    const void *place_payload;
} import_txn;

/* Begin a transaction on `db`: the codes are marked; `len` bytes (the input's size) beyond
 * max_input_bytes are refused (BENCH_ELIMIT); with `out_source`, the source label (`source`, or
 * from `name` as import_source() makes it) is interned.  A failure is recorded in the
 * transaction and returned; end the transaction with import_end() in every case. */
bench_status import_begin(import_txn *t, bench_db *db, const char *name, size_t len, const char *source,
                          uint16_t *out_source);
/* BENCH_ELIMIT (recorded) when `len` exceeds max_input_bytes: one more part of an import. */
bench_status import_check_size(import_txn *t, size_t len);
/* Keep a copy of the catalogue, once, before the import edits entries that exist; a failed
 * import puts every one back.  BENCH_ENOMEM is recorded. */
bench_status import_keep_catalogue(import_txn *t);
/* Record an error: in the report (the first BENCH_IMPORT_MAX_ERRORS) and where t->err points
 * (the first of the call wins), raised at src_file:src_line.  The transaction has failed. */
void import_error_at(import_txn *t, const char *src_file, int src_line, int code, long line, long column,
                     const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* The one way an importer records an error, naming the C line that raised it. */
#define IMPORT_ERROR(t, code, line, column, ...) \
    import_error_at((t), __FILE__, __LINE__, (code), (line), (column), __VA_ARGS__)
/* Store the staged rows, unless the transaction failed (its first status is returned).  A key
 * staged twice with different values (with `tags` and `conflict`, see db_merge) returns
 * BENCH_EPARSE with *conflict, and the importer records the error naming both rows; any other
 * failure is recorded here.  On success the staged rows count as accepted. */
bench_status import_merge(import_txn *t, obs_columns *staged, uint32_t *tags, merge_conflict *conflict);
/* End the transaction: when it failed, the database as it was at import_begin() (accepted and
 * missing 0) and its first status returned; else BENCH_OK.  `out` (may be NULL) gets the report,
 * its `skipped` the sum of the reasons. */
bench_status import_end(bench_import_report *out, import_txn *t);
/* Undo everything since import_begin() without a report. */
void import_rollback(import_txn *t);
/* The import's source label: opts->source when given (BENCH_EINVAL unless 1 to IMPORT_SOURCE_MAX
 * bytes of UTF-8 text without control characters, so every label survives a snapshot), else the
 * base name of `name` made into such text. */
#define IMPORT_SOURCE_MAX 4096
bench_status import_source(bench_db *db, const char *option, const char *name, uint16_t *out);
const char *import_source_problem(bench_status st); /* the reason, for the error message */
/* Read the file at `path` and run a buffer importer on its bytes. */
typedef bench_status (*buffer_importer)(bench_import_report *out, bench_db *db, const char *data, size_t len,
                                        const char *name, const void *opts);
bench_status import_file(bench_import_report *out, bench_db *db, const char *path, const void *opts,
                         buffer_importer importer, const char *function);

/* ---- JSON ------------------------------------------------------------------ */

/* The deepest nesting any database may allow: cJSON's own compile-time limit. */
#define JSON_DEPTH_LIMIT 1000

struct cJSON;
/* Why a JSON text was refused, and where. */
typedef struct json_failure {
    int code;          /* BENCH_EPARSE (syntax) or BENCH_ELIMIT (nesting) */
    long line, column; /* 1-based */
    char what[96];
} json_failure;
/* Parse JSON text (a UTF-8 BOM is skipped: *data and *len are moved past it).
 * Nesting deeper than max_depth is refused before cJSON builds anything, so
 * hostile input costs one pass and no memory.  On failure returns NULL and
 * fills *fail.  The caller frees the tree with cJSON_Delete(). */
/* max_rows bounds the values parsed (JSON_VALUES_PER_ROW a row, plus 65 536): memory is bounded
 * before cJSON builds a node per value. */
#define JSON_VALUES_PER_ROW 64
struct cJSON *json_parse(const char **data, size_t *len, int max_depth, size_t max_rows, json_failure *fail);
/* The rows of a large response without its whole tree: each element of the top-level "values"
 * array (or of a top-level array) parsed by cJSON on its own and handed to row(payload, element,
 * index), in order.  True when every row was taken and the whole text is well-formed JSON within
 * the limits of json_parse; false when a row returned false or the text is anything else (then
 * json_parse on the same text finds the problem and its place, as it would have). */
typedef bool (*json_row_fn)(void *payload, const struct cJSON *row, size_t index);
bool json_stream_values(const char *data, size_t len, int max_depth, size_t max_rows, json_row_fn row, void *payload);

/* ---- files -------------------------------------------------------------- */

/* A whole regular file: copy = true reads it into memory (a file changed later does not change
 * what was read: snapshots), false maps it (for the length of one import).  *out_data owned by
 * the caller: file_release() with the same `copy`.  Not a regular file: refused before it is
 * opened.  Larger than max_bytes: BENCH_ELIMIT with *out_len its size and no error set (the
 * caller reports it). */
bench_status file_load(const char **out_data, size_t *out_len, bench_error *err, const char *path, size_t max_bytes,
                       bool copy);
void file_release(const char *data, size_t len, bool copy);

#endif
