/*
 * bench.h -- the public API of libbench, the C core of kommunbench.
 *
 * libbench keeps observations of municipal indicators (Kolada, KKiK, SCB,
 * a nämnd's own report tables) in a columnar store, normalizes them per
 * invånare and compares areas.  This header is the whole public API; read it
 * top to bottom like a manual.
 *
 * Conventions
 *   - Every fallible function returns a bench_status (BENCH_OK = 0, errors
 *     are negative).  Detail of the last error is kept in the handle:
 *     bench_db_last_error().  The first error of a call wins.
 *   - Out-parameters come first and are named `out`.
 *   - Ownership is stated at each declaration.  Every _free(NULL) is a no-op.
 *   - Codes are strings: "0138" is Tyresö, never the integer 138.
 *   - Missing is never zero: a missing value is NaN with a status telling why.
 *   - Threads: a bench_db may be used from one thread at a time, reads
 *     included (callers serialize access: the Python binding holds a lock
 *     per Database); distinct handles are independent and may be used in
 *     parallel, also when several are opened from the same snapshot file.
 *     There is no global mutable state.  A bench_frame is immutable once
 *     returned, does not depend on its database (it may outlive it) and may
 *     be read from any number of threads.  Inside a call the library may use
 *     a second thread of its own (a CSV import of more than 8 MB,
 *     bench_compare_all over more than a million rows); it has ended when the
 *     call returns.  tests/c/test_store.c and tests/python/test_threads.py
 *     hold these rules.
 *   - Limits: every importer keeps to the limits of its database (field
 *     length, columns, rows, input size, JSON depth; bench_db_options) and
 *     refuses more with BENCH_ELIMIT in memory bounded by them.
 */
#ifndef BENCH_H
#define BENCH_H

#include <math.h> /* NAN in BENCH_COMPARE_INIT */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(BENCH_SHARED)
#define BENCH_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define BENCH_EXPORT __attribute__((visibility("default")))
#else
#define BENCH_EXPORT
#endif

/* ------------------------------------------------------------------ */
/* Version                                                              */
/* ------------------------------------------------------------------ */

#define BENCH_VERSION_MAJOR 0
#define BENCH_VERSION_MINOR 1
#define BENCH_VERSION_PATCH 0
#define BENCH_VERSION "0.1.0"
#define BENCH_VERSION_NUMBER 100 /* major * 10000 + minor * 100 + patch */

/** The library's version string at run time (static, never freed). */
BENCH_EXPORT const char *bench_version(void);

/** The library's version number at run time (BENCH_VERSION_NUMBER). */
BENCH_EXPORT int bench_version_number(void);

/* ------------------------------------------------------------------ */
/* Status codes and errors                                              */
/* ------------------------------------------------------------------ */

typedef enum bench_status {
    BENCH_OK = 0,         /**< success */
    BENCH_ENOMEM = -1,    /**< out of memory; nothing was changed */
    BENCH_EINVAL = -2,    /**< invalid argument (NULL, bad option) */
    BENCH_EIO = -3,       /**< file cannot be opened or read */
    BENCH_EPARSE = -4,    /**< malformed input; see file, line, column */
    BENCH_ENOTFOUND = -5, /**< an indicator, area or column is unknown */
    BENCH_ELIMIT = -6,    /**< a size limit was exceeded */
    BENCH_ECORRUPT = -7,  /**< a snapshot file is damaged or foreign */
    BENCH_EVERSION = -8   /**< a snapshot of an unsupported version */
} bench_status;

/** Static English text for a status code (never NULL, never freed). */
BENCH_EXPORT const char *bench_strerror(int status);

#define BENCH_ERROR_MESSAGE_SIZE 320
#define BENCH_ERROR_FILE_SIZE 256

/**
 * Detail of an error.  `line` and `column` are 1-based positions in the data
 * file (0 when unknown); `column` counts fields in CSV, bytes in JSON.
 * `source_file`/`source_line` name the C code that raised it.
 */
typedef struct bench_error {
    int code;                               /**< a bench_status */
    char message[BENCH_ERROR_MESSAGE_SIZE]; /**< "file:line:column: what was expected" */
    char text[BENCH_ERROR_MESSAGE_SIZE];    /**< "what was expected": the message without
                                                   its "file:line:column: " */
    char file[BENCH_ERROR_FILE_SIZE];       /**< data file name or buffer name, "" if none */
    long line;
    long column;
    const char *source_file; /**< __FILE__ of the raiser (static) */
    int source_line;         /**< __LINE__ of the raiser */
} bench_error;

/* ------------------------------------------------------------------ */
/* Enumerations shared by the store, importers and frames              */
/* ------------------------------------------------------------------ */

/** Gender of a series; totalt, kvinnor and män are separate series. */
typedef enum bench_gender {
    BENCH_GENDER_T = 0, /**< totalt */
    BENCH_GENDER_K = 1, /**< kvinnor */
    BENCH_GENDER_M = 2  /**< män */
} bench_gender;

/** What a value is: an outcome, a target, a budget or a forecast. */
typedef enum bench_kind {
    BENCH_KIND_UTFALL = 0,
    BENCH_KIND_MALVARDE = 1,
    BENCH_KIND_BUDGET = 2,
    BENCH_KIND_PROGNOS = 3
} bench_kind;

/** Why a value is (or is not) there.  Only BENCH_OBS_OK carries a number. */
typedef enum bench_obs_status {
    BENCH_OBS_OK = 0,              /**< a value */
    BENCH_OBS_MISSING = 1,         /**< empty, "NA" or null: no value */
    BENCH_OBS_BORTFALL = 2,        /**< "-": bortfall, no answer */
    BENCH_OBS_EJ_TILLAMPLIG = 3,   /**< ".": not applicable */
    BENCH_OBS_SEKRETESS = 4,       /**< "..": suppressed for secrecy */
    BENCH_OBS_NO_DENOMINATOR = 5,  /**< normalized: the denominator is missing */
    BENCH_OBS_ZERO_DENOMINATOR = 6 /**< normalized: the denominator is 0 */
} bench_obs_status;

/*
 * The words of these enumerations are the library's one vocabulary: the
 * importers read genders and kinds with bench_gender_parse() and
 * bench_kind_parse(), and the Python binding asks these functions rather
 * than keeping lists of its own.
 */

/** Static name of a gender ("T", "K", "M"), or NULL when out of range. */
BENCH_EXPORT const char *bench_gender_name(int gender);
/** Static Swedish word of a gender for captions ("totalt", "kvinnor",
 *  "män"), or NULL when out of range. */
BENCH_EXPORT const char *bench_gender_word(int gender);
/**
 * Read a gender: "T", "K", "M" or the words "totalt", "total", "alla",
 * "kvinnor", "kvinna", "män", "man" (case ignored, also for Ä; surrounding
 * spaces and tabs ignored).  `len` bytes of `text` are read (no NUL needed).
 * Returns the bench_gender, or -1 when the text is none of these (or NULL).
 */
BENCH_EXPORT int bench_gender_parse(const char *text, size_t len);
/** Static name of a kind ("utfall", "målvärde", "budget", "prognos"), or NULL. */
BENCH_EXPORT const char *bench_kind_name(int kind);
/**
 * Read a kind: "utfall" (also "bokslut", the accounts' outcome), "målvärde"
 * (also "malvarde", "mål", "mal"), "budget" or "prognos", case ignored (also
 * for Å, Ä, Ö), surrounding spaces and tabs ignored; `len` bytes of `text`.
 * Returns the bench_kind, or -1 when the text is none of these (or NULL).
 */
BENCH_EXPORT int bench_kind_parse(const char *text, size_t len);
/** Static name of an observation status ("ok", "missing", "bortfall",
 *  "ej_tillämplig", "sekretess", "no_denominator", "zero_denominator"), or NULL. */
BENCH_EXPORT const char *bench_obs_status_name(int status);

/* ------------------------------------------------------------------ */
/* Numbers                                                              */
/* ------------------------------------------------------------------ */

/** Unit suffix found after a number. */
typedef enum bench_unit {
    BENCH_UNIT_NONE = 0,
    BENCH_UNIT_PERCENT = 1, /**< "%" */
    BENCH_UNIT_KR = 2,      /**< "kr" */
    BENCH_UNIT_TKR = 3,     /**< "tkr": thousands of kronor */
    BENCH_UNIT_MNKR = 4     /**< "mnkr" or "mkr": millions of kronor */
} bench_unit;

/**
 * Parse one number as Swedish and Kolada files write it: decimal comma or
 * point; space, no-break space (U+00A0) or narrow no-break space (U+202F) as
 * thousands separator; '-', '+' or the minus sign U+2212; an exponent; an
 * optional unit suffix (%, kr, tkr, mnkr, mkr).  When both ',' and '.' occur,
 * the last one is the decimal separator.  "NaN", "inf" and out-of-range
 * values are refused.  `len` bytes of `text` are read (no NUL needed).
 * On success *out_value is finite and *out_unit (may be NULL) the suffix.
 * Returns BENCH_OK; BENCH_EPARSE when the text is no such number;
 * BENCH_EINVAL when out_value is NULL, or text is NULL with len > 0;
 * BENCH_ENOMEM when the C locale for a long or exponent form cannot be had.
 * No error detail is kept (there is no handle).
 */
BENCH_EXPORT bench_status bench_parse_number(double *out_value, bench_unit *out_unit, const char *text, size_t len);

/**
 * Classify a missing-value marker (surrounding spaces ignored, case
 * ignored): "", "NA", "N/A", "NaN", "null" -> BENCH_OBS_MISSING (pandas and R
 * write NaN and NA for missing); "-" or a dash U+2013/U+2212 alone ->
 * BENCH_OBS_BORTFALL; "." -> BENCH_OBS_EJ_TILLAMPLIG; ".." ->
 * BENCH_OBS_SEKRETESS.  Returns the status, or -1 when the text is no marker.
 */
BENCH_EXPORT int bench_missing_marker(const char *text, size_t len);

#define BENCH_PERIOD_LABEL_SIZE 16

/**
 * Read a period: a year ("2022"), a tertial ("2024-T1", "2024T1", "T1 2024"),
 * a quarter ("2024-Q3", "2024K3") or a month ("2024-03").  Writes the
 * canonical label ("2024-T1") into out_label (BENCH_PERIOD_LABEL_SIZE bytes)
 * and a key that sorts periods in time: by the month they end, and among
 * periods ending together month < quarter < tertial < year.  Either output
 * may be NULL.  Returns BENCH_OK or BENCH_EPARSE.
 */
BENCH_EXPORT bench_status bench_period_parse(char *out_label, int64_t *out_key, const char *text);

/* ------------------------------------------------------------------ */
/* Database                                                             */
/* ------------------------------------------------------------------ */

/** An in-memory database of observations and catalogues.  Opaque. */
typedef struct bench_db bench_db;

#define BENCH_DB_OPTIONS_VERSION 2

/**
 * Options for bench_db_new(), and the limits every importer of the database
 * keeps to.  A limit of 0 takes its default.  Input beyond a limit is refused
 * with BENCH_ELIMIT, in memory bounded by the limit, and the database stays as
 * it was.  Version 1 (the first four fields) is still accepted.
 */
typedef struct bench_db_options {
    unsigned int version;   /**< BENCH_DB_OPTIONS_VERSION */
    int load_catalogue;     /**< 1: load the embedded areas and indicators (default) */
    size_t max_field_bytes; /**< longest field an importer accepts (default 1 MiB;
                                      at most SIZE_MAX / 8, else BENCH_EINVAL) */
    size_t max_columns;     /**< most columns in a CSV file (default 4096) */
    /* version 2 */
    size_t max_rows;        /**< most data rows one import reads: CSV records, Kolada
                                      value entries, population cells (default 200 000 000) */
    size_t max_input_bytes; /**< largest file or buffer an importer reads (default 8 GiB) */
    int max_json_depth;     /**< deepest JSON nesting of arrays and objects (default 64,
                                      at most 1000) */
} bench_db_options;

#define BENCH_DB_OPTIONS_INIT                                                      \
    {                                                                              \
        BENCH_DB_OPTIONS_VERSION, 1, 1048576, 4096, 200000000, (size_t)8 << 30, 64 \
    }

/**
 * The limits of `db` (a copy of its options, with defaults filled in) into *out.
 */
BENCH_EXPORT void bench_db_limits(bench_db_options *out, const bench_db *db);

/**
 * Change the limits of `db` for the imports that follow.  Fields left 0 keep
 * their current value; load_catalogue is ignored.  BENCH_EINVAL for a wrong
 * version or a JSON depth beyond 1000.
 */
BENCH_EXPORT bench_status bench_db_set_limits(bench_db *db, const bench_db_options *opts);

/**
 * Create a database.  `opts` may be NULL for the defaults.  On failure
 * *out is NULL and `err` (may be NULL) tells why.
 * The caller owns *out and releases it with bench_db_free().
 */
BENCH_EXPORT bench_status bench_db_new(bench_db **out, const bench_db_options *opts, bench_error *err);

/** Release a database and everything it owns.  NULL is a no-op. */
BENCH_EXPORT void bench_db_free(bench_db *db);

/**
 * The last error on `db`.  Owned by `db`; valid until the next call on `db`.
 * After a successful call its code is BENCH_OK and its message empty.
 */
BENCH_EXPORT const bench_error *bench_db_last_error(const bench_db *db);

/** Number of observations in the store. */
BENCH_EXPORT size_t bench_db_count(const bench_db *db);

/**
 * Bytes the store holds for its observations (the nine columns, 23 bytes per
 * observation, plus any spare capacity); catalogues and code pools are not
 * counted.  An opened snapshot counts the bytes read from its file until it
 * is first changed.
 */
BENCH_EXPORT size_t bench_db_memory(const bench_db *db);

/* ------------------------------------------------------------------ */
/* Catalogue: areas and indicators                                      */
/* ------------------------------------------------------------------ */

/** What an area is. */
typedef enum bench_area_type {
    BENCH_AREA_UNKNOWN = 0,     /**< seen in data, not in the catalogue */
    BENCH_AREA_RIKET = 1,       /**< 0000 */
    BENCH_AREA_REGION = 2,      /**< 0001..0025 */
    BENCH_AREA_KOMMUN = 3,      /**< 0114..2584 */
    BENCH_AREA_KOMMUNGRUPP = 4, /**< SKR kommungrupp, G92786..G92794 */
    BENCH_AREA_GROUP = 5        /**< any other group of areas (G...) */
} bench_area_type;

/** Which way is better for an indicator. */
typedef enum bench_direction {
    BENCH_DIRECTION_DEFAULT = -1, /**< as a request: the direction the call would choose itself --
                                      the catalogue's (bench_compare), the numerator's (a stored
                                      result), the one held (bench_indicator_set) */
    BENCH_DIRECTION_NONE = 0,     /**< unknown or neutral: ranks, but no colours */
    BENCH_DIRECTION_HIGHER = 1,   /**< higher is better */
    BENCH_DIRECTION_LOWER = 2     /**< lower is better */
} bench_direction;

/** Static name of an area type ("unknown", "riket", "region", "kommun",
 *  "kommungrupp", "group"), or NULL when out of range. */
BENCH_EXPORT const char *bench_area_type_name(int type);
/** Read an area type name (as bench_area_type_name() writes it, case ignored);
 *  `len` bytes of `text`.  Returns the bench_area_type, or -1. */
BENCH_EXPORT int bench_area_type_parse(const char *text, size_t len);
/** Static name of a direction ("none", "higher", "lower"), or NULL when out
 *  of range. */
BENCH_EXPORT const char *bench_direction_name(int direction);
/**
 * Read a direction: "higher", "lower" or "none" (case ignored, surrounding
 * spaces and tabs ignored); `len` bytes of `text`.  Returns the
 * bench_direction, or -1 when the text is none of these (or NULL).
 */
BENCH_EXPORT int bench_direction_parse(const char *text, size_t len);

#define BENCH_AREA_CODE_SIZE 33

/**
 * An area code as the library stores it, into out_code
 * (BENCH_AREA_CODE_SIZE bytes): surrounding spaces trimmed, 1 to 3 digits
 * padded with zeros to 4 ("138" -> "0138", spreadsheets drop the zeros), a
 * group or unit id (a "G" or "V" and more ASCII letters and digits) kept.
 * Every call that takes an area code reads it this way.  Returns BENCH_OK,
 * or BENCH_EPARSE for what is no area code (a name, five digits, "G" alone,
 * more than 32 bytes, NULL); no error detail is kept (no handle).
 */
BENCH_EXPORT bench_status bench_area_code_normalize(char *out_code, const char *text);

/** Number of areas in the catalogue (catalogued and seen in data). */
BENCH_EXPORT size_t bench_area_count(const bench_db *db);

/**
 * Describe one area by code.  Strings are owned by `db` and valid until the
 * next call that changes `db`.  `out_name`, `out_lan` (2-digit county code
 * or "") and `out_kommungrupp` ("G92790" or "") may each be NULL.
 * Returns BENCH_ENOTFOUND for an unknown code.
 */
BENCH_EXPORT bench_status bench_area_info(bench_area_type *out_type, const char **out_name, const char **out_lan,
                                          const char **out_kommungrupp, bench_db *db, const char *code);

/**
 * Set (or add) an area's catalogue entry.  `name`, `lan` and `kommungrupp`
 * may be NULL to leave them as they are.  Strings are copied.
 */
BENCH_EXPORT bench_status bench_area_set(bench_db *db, const char *code, bench_area_type type, const char *name,
                                         const char *lan, const char *kommungrupp);

/**
 * Set an indicator's catalogue entry; `title` and `unit` may be NULL to
 * keep them, `direction` BENCH_DIRECTION_DEFAULT to keep it.  When the
 * indicator has no unit and none is given, it is read from the title's
 * conventions: "andel (%)" -> "%", "kr/inv", ", antal" -> "antal",
 * "dagar", "Index" -> "index".  Strings are copied.  The indicator need not
 * have values yet.
 */
BENCH_EXPORT bench_status bench_indicator_set(bench_db *db, const char *id, const char *title, const char *unit,
                                              bench_direction direction);

/**
 * Link an own indicator to the Kolada KPI it corresponds to (e.g. a report's
 * "utredningstid barn och unga" to U33401), or unlink it with kolada_id NULL.
 * The link is kept in the catalogue (and in snapshots) so the two can be
 * shown side by side; values stay under their own ids.
 */
BENCH_EXPORT bench_status bench_indicator_link(bench_db *db, const char *id, const char *kolada_id);

/**
 * Make `source` the most recently imported source, so that comparisons and
 * per-capita use its values where several sources give the same key.
 * Returns BENCH_ENOTFOUND for a source that gave no values.
 */
BENCH_EXPORT bench_status bench_source_prefer(bench_db *db, const char *source);

/**
 * Define a group of areas (e.g. "G36468", "Liknande kommuner IFO, Borås,
 * 2024") with its members.  Member codes are checked like area codes.  A
 * group replaces its earlier members.  Wherever a set of areas is asked
 * for, a group code stands for its members; a kommungrupp without listed
 * members stands for the kommuner of that kommungrupp in the catalogue.
 */
BENCH_EXPORT bench_status bench_group_set(bench_db *db, const char *id, const char *title, const char *const *members,
                                          size_t n_members);

/**
 * Describe one indicator.  Strings are owned by `db` and valid until the
 * next call that changes `db`; a field never set is "".  Any out-pointer may
 * be NULL.  Returns BENCH_ENOTFOUND for an unknown id.
 */
BENCH_EXPORT bench_status bench_indicator_info(const char **out_title, const char **out_unit,
                                               bench_direction *out_direction, bench_db *db, const char *id);

/* ------------------------------------------------------------------ */
/* Frames: result tables                                                */
/* ------------------------------------------------------------------ */

/** A table of typed columns owned by C.  Immutable once returned.  Opaque. */
typedef struct bench_frame bench_frame;

/** Column types.  A CODE column holds uint32 indices into its dictionary. */
typedef enum bench_column_type {
    BENCH_COLUMN_F64 = 0, /**< double; NaN only where the value is missing */
    BENCH_COLUMN_I32 = 1, /**< int32_t */
    BENCH_COLUMN_CODE = 2 /**< uint32_t index into the column's dictionary */
} bench_column_type;

/** Release a frame.  NULL is a no-op. */
BENCH_EXPORT void bench_frame_free(bench_frame *frame);

/** Number of rows. */
BENCH_EXPORT size_t bench_frame_rows(const bench_frame *frame);

/** Number of columns. */
BENCH_EXPORT size_t bench_frame_columns(const bench_frame *frame);

/**
 * Describe column `index`: its name, type and data.  `*out_data` points at
 * bench_frame_rows() elements of the type.  All are owned by `frame` and
 * valid until bench_frame_free(frame).  Any out-pointer may be NULL.
 * Returns BENCH_EINVAL when `index` is out of range.
 */
BENCH_EXPORT bench_status bench_frame_column(const char **out_name, bench_column_type *out_type, const void **out_data,
                                             const bench_frame *frame, size_t index);

/**
 * The dictionary of CODE column `index`: *out_strings[i] is the text of
 * code i, in the dictionary's order (periods chronological, other codes
 * sorted).  Owned by `frame`; valid until bench_frame_free(frame).
 * Returns BENCH_EINVAL when the column is not a CODE column.
 */
BENCH_EXPORT bench_status bench_frame_dictionary(const char *const **out_strings, size_t *out_count,
                                                 const bench_frame *frame, size_t index);

/**
 * Frame-level text metadata, e.g. "method" on a normalized frame ("per 1 000
 * invånare (N01951)").  Owned by `frame`; NULL when the key is not set.
 */
BENCH_EXPORT const char *bench_frame_meta(const bench_frame *frame, const char *key);

/** The catalogue of areas as a frame (code, name, type, lan, kommungrupp).
 *  The caller owns *out and releases it with bench_frame_free(). */
BENCH_EXPORT bench_status bench_areas_frame(bench_frame **out, bench_db *db);

/** The catalogue of indicators as a frame (id, title, unit, direction, n, link,
 *  derived: how a stored result was made, "" for imported indicators).
 *  The caller owns *out and releases it with bench_frame_free(). */
BENCH_EXPORT bench_status bench_indicators_frame(bench_frame **out, bench_db *db);

/**
 * The members of a group (or of a kommungrupp by the catalogue) as a frame
 * with one CODE column "code".  BENCH_ENOTFOUND when `id` is no group.
 * The caller owns *out and releases it with bench_frame_free().
 */
BENCH_EXPORT bench_status bench_group_members(bench_frame **out, bench_db *db, const char *id);

/**
 * The areas of a selection as a frame with one CODE column "code" (sorted,
 * each area once).  Each of the `n` names is one of, in this order:
 *   - "kommuner", "alla kommuner" or "all": the kommuner of the catalogue;
 *   - the name of a group or kommungrupp ("Större stad", case ignored): its
 *     members;
 *   - a group or kommungrupp id ("G92790", "G2328"): its members (a
 *     kommungrupp without listed members: the kommuner of that kommungrupp);
 *   - a län code of one or two digits ("14", "1"): the kommuner of that län
 *     (the region itself is "0014");
 *   - an area code, read as bench_area_code_normalize() reads it: that area.
 * The set is the union of them.  names may be NULL when n is 0 (an empty
 * set).  BENCH_ENOTFOUND names the first name that is none of these (an
 * unknown code included); BENCH_EINVAL for a NULL name.  bench_compare()
 * and the other calls that take a list of areas take the codes this returns.
 * The caller owns *out and releases it with bench_frame_free().
 */
BENCH_EXPORT bench_status bench_area_set_resolve(bench_frame **out, bench_db *db, const char *const *names, size_t n);

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

#define BENCH_QUERY_VERSION 1

/**
 * Which observations to return.  A NULL list (or count 0) means "all".
 * Codes are read as the importers read them ("138" is 0138, "u33401" is
 * U33401, "2023T1" is 2023-T1); codes that are not in the database match
 * nothing.  Masks are bit sets:
 * bit (1 << BENCH_GENDER_T) etc.; 0 means all.
 */
typedef struct bench_query {
    unsigned int version; /**< BENCH_QUERY_VERSION */
    const char *const *indicators;
    size_t n_indicators;
    const char *const *areas;
    size_t n_areas;
    const char *const *periods;
    size_t n_periods;
    unsigned int gender_mask;
    unsigned int kind_mask;
} bench_query;

#define BENCH_QUERY_INIT                                     \
    {                                                        \
        BENCH_QUERY_VERSION, NULL, 0, NULL, 0, NULL, 0, 0, 0 \
    }

/**
 * Select observations as a frame with columns indicator, area, period
 * (CODE), gender, kind (CODE), value (F64), count (I32), status (CODE),
 * source (CODE), ordered by indicator, area, period, gender, kind, source.
 * `query` may be NULL for everything.
 * The caller owns *out and releases it with bench_frame_free().
 */
BENCH_EXPORT bench_status bench_values(bench_frame **out, bench_db *db, const bench_query *query);

/* ------------------------------------------------------------------ */
/* Import                                                               */
/* ------------------------------------------------------------------ */

#define BENCH_IMPORT_MAX_ERRORS 10

/**
 * What an import did.  Filled by the importers when the caller passes one.
 * An import is all or nothing: when it fails, accepted is 0 and the store
 * is exactly as it was; `errors` holds the first problems found.
 */
typedef struct bench_import_report {
    size_t rows_read;        /**< data rows read (header and blank lines excluded) */
    size_t accepted;         /**< observations stored (new or replacing) */
    size_t replaced;         /**< of those, how many replaced an earlier value */
    size_t skipped;          /**< rows skipped by choice, by the reasons below */
    size_t skipped_blank;    /**< blank lines */
    size_t skipped_filtered; /**< rows outside the import's gender/area filter */
    size_t skipped_deleted;  /**< Kolada rows flagged deleted (is_deleted / isdeleted) */
    size_t missing;          /**< observations stored without a value */
    size_t n_errors;         /**< problems found (may exceed BENCH_IMPORT_MAX_ERRORS) */
    bench_error errors[BENCH_IMPORT_MAX_ERRORS];
} bench_import_report;

/** CSV layouts. */
typedef enum bench_csv_layout {
    BENCH_CSV_KOLADA = 0, /**< long: kpi, municipality, period, gender, value, count, status */
    BENCH_CSV_WIDE = 1    /**< one column per indicator beside area/period(/gender) columns */
} bench_csv_layout;

#define BENCH_CSV_OPTIONS_VERSION 1

/**
 * Options for the CSV importer.  Column names are matched case-insensitively.
 *
 * Layout KOLADA: the columns are found by name: indicator = kpi | indicator;
 * area = municipality_id | municipality | area | geo | kommun; period =
 * period | year | år; gender = gender | kön (optional, default T); value;
 * count (optional); status (optional); kind (optional); title and unit
 * (optional: they fill the indicator catalogue where it has no entry yet).
 * Other columns are ignored.
 *
 * Layout WIDE: area, period and gender columns as above (or named in the
 * options); every other column is an indicator whose id is the column name
 * in upper case ("u33401" -> "U33401"), unless `value_columns` lists them.
 * With exactly one value column, `indicator` renames it.
 *
 * Area codes of 1 to 3 digits are padded with zeros to 4 ("0" -> "0000"
 * Riket, "14" -> "0014"), since spreadsheets and the Kolada DDF dump drop
 * leading zeros.  Gender is T, K or M in either case (also "totalt",
 * "kvinnor", "män").
 */
typedef struct bench_csv_options {
    unsigned int version; /**< BENCH_CSV_OPTIONS_VERSION */
    bench_csv_layout layout;
    char delimiter;            /**< ',', ';', '\t' or 0 to detect from the header */
    const char *source;        /**< source label (1-4096 bytes of UTF-8 text, no control
                                      characters; else BENCH_EINVAL); NULL: the file's base name,
                                      its tabs, control and non-UTF-8 bytes as U+FFFD */
    const char *area_column;   /**< NULL: found by name */
    const char *period_column; /**< NULL: found by name */
    const char *gender_column; /**< NULL: found by name; absent means all T */
    const char *const *value_columns;
    size_t n_value_columns;    /**< WIDE: NULL = all others */
    const char *indicator;     /**< WIDE with one value column: its indicator id */
    bench_kind kind;           /**< kind when there is no kind column */
    unsigned int gender_mask;  /**< genders to keep (bits); 0 = all; others are skipped */
    const char *source_column; /**< a column naming each row's source; NULL: none */
} bench_csv_options;

#define BENCH_CSV_OPTIONS_INIT                                                                                       \
    {                                                                                                                \
        BENCH_CSV_OPTIONS_VERSION, BENCH_CSV_KOLADA, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, BENCH_KIND_UTFALL, 0, \
            NULL                                                                                                     \
    }

/**
 * Import a CSV file (UTF-8 with or without BOM; LF, CRLF or CR; quoted
 * fields).  `out` (may be NULL) receives the report.  `opts` may be NULL
 * (KOLADA layout).  On error the store is unchanged and the db's last error
 * names file, line and column.  A key given twice in the file with another
 * value is an error at the later line naming the earlier (an identical repeat
 * counts as replaced).  A file of more than 8 MB is read in two halves on two
 * threads when it can be split at a line end between records.
 */
BENCH_EXPORT bench_status bench_import_csv_file(bench_import_report *out, bench_db *db, const char *path,
                                                const bench_csv_options *opts);

/**
 * Import CSV text from memory; `name` labels it in errors and as default
 * source.  Otherwise as bench_import_csv_file().  `data` is not retained.
 */
BENCH_EXPORT bench_status bench_import_csv_buffer(bench_import_report *out, bench_db *db, const char *data, size_t len,
                                                  const char *name, const bench_csv_options *opts);

/**
 * One cell of a table read from a document (an HTML table, a sheet, a
 * tab-separated report) for bench_import_cells(): its text, its place in the
 * table and its place in the document.
 */
typedef struct bench_cell {
    const char *text; /**< UTF-8, `len` bytes (no NUL needed); may be NULL when len is 0 */
    size_t len;
    size_t row;  /**< row in the table, 0-based */
    size_t col;  /**< column in the table, 0-based */
    long line;   /**< where the cell stands in the document: line, 1-based (0: unknown) */
    long column; /**< and column, 1-based, as the document counts them (0: unknown) */
} bench_cell;

/**
 * Import a table given cell by cell, read as bench_import_csv_buffer() reads
 * CSV text: the same layouts and options (opts->delimiter is not used), the
 * same columns, checks, messages and limits, one all-or-nothing import.  The
 * cells come in reading order: by row and, within a row, by column, each
 * (row, col) once; a column left out of a row is an empty cell, a row left
 * out is no row, and the first row that is not empty is the header.  An
 * error names `name` and the `line` and `column` of the cell it is about (of
 * the row's first cell when it is about a whole row); a key given twice
 * names both cells' lines.  max_input_bytes bounds the sum of the cells'
 * lengths.  `cells` and their texts are not retained.  BENCH_EINVAL (before
 * anything is read) when cells are out of order or a text is NULL with a
 * length.  `out` (may be NULL) receives the report; `opts` may be NULL.
 */
BENCH_EXPORT bench_status bench_import_cells(bench_import_report *out, bench_db *db, const bench_cell *cells,
                                             size_t n_cells, const char *name, const bench_csv_options *opts);

/**
 * A dataset embedded in the library: "areas" (the area catalogue),
 * "indicators" (title, unit and direction of known Kolada KPIs),
 * "seed_figures" (figures transcribed from Borås and Tyresö reports, in the
 * KOLADA CSV layout with title, unit and source columns) or "price_index"
 * (price index series by year, CSV: series, period, value, base, as_of,
 * source; SCB's KPI 1980=100, annual averages).  *out_data is
 * static, never freed, and NUL-terminated.  BENCH_ENOTFOUND for other names.
 */
BENCH_EXPORT bench_status bench_dataset(const char **out_data, size_t *out_len, const char *name);

/* ------------------------------------------------------------------ */
/* Kolada JSON                                                          */
/* ------------------------------------------------------------------ */

#define BENCH_JSON_OPTIONS_VERSION 1

/** Options for the Kolada JSON importer. */
typedef struct bench_json_options {
    unsigned int version; /**< BENCH_JSON_OPTIONS_VERSION */
    const char *source;   /**< source label, as in bench_csv_options; NULL: the file name */
    int include_deleted;  /**< 1: keep rows flagged deleted; default 0 skips and counts them */
} bench_json_options;

#define BENCH_JSON_OPTIONS_INIT             \
    {                                       \
        BENCH_JSON_OPTIONS_VERSION, NULL, 0 \
    }

/**
 * Import a Kolada API response (v2 or v3), or a JSON array of its rows:
 *   data:   {values: [{kpi, municipality, period, values: [{gender, value|null,
 *            count, status}]}], count?, next_page? | next_url?, ...};
 *           group rows (municipality "G...") keep their count; the deleted
 *           flag is is_deleted (0/1, v2) or isdeleted (bool, v3), on the row
 *           or on a value;
 *   /kpi:   {values: [{id, title, description, is_divided_by_gender, ...}]}
 *           -> the indicator catalogue (title; unit read from the title);
 *   /municipality: {values: [{id, title, type: K|L}]} -> the area catalogue;
 *   /municipality_groups: {values: [{id, title, members: [{id, title}]}]}
 *           -> groups usable as area sets;
 *   /kpi_groups: {values: [{id, title, members: [{member_id, ...}]}]}: read
 *           and counted as skipped (indicator groups are not kept).
 * All or nothing, as the CSV importer; errors name line and column for
 * syntax and a JSON path (values[3].values[0].value) for content.
 */
BENCH_EXPORT bench_status bench_import_kolada_json_buffer(bench_import_report *out, bench_db *db, const char *data,
                                                          size_t len, const char *name, const bench_json_options *opts);

/** As bench_import_kolada_json_buffer(), reading the file at `path`. */
BENCH_EXPORT bench_status bench_import_kolada_json_file(bench_import_report *out, bench_db *db, const char *path,
                                                        const bench_json_options *opts);

/**
 * An import of many parts in one all-or-nothing transaction: the pages of a
 * Kolada download, imported as each arrives, so that only one page is held
 * in memory besides the staged observations (about 30 bytes each).
 *
 *     bench_import *imp;
 *     bench_import_begin(&imp, db, "Kolada API", &opts);
 *     for each page: if (bench_import_add_kolada_json(imp, page, len, "page 3")) break;
 *     bench_import_commit(&report, imp);    (or bench_import_rollback(imp))
 *
 * Metadata parts (/kpi, /municipality, /municipality_groups) edit the
 * catalogue when added; data parts are staged and stored by the commit.  A
 * rollback, or a commit after a failed part, leaves the database exactly as
 * it was before bench_import_begin().  The report counts over all parts; a
 * key given twice with different values in two parts is refused at the
 * commit, naming both parts.  While a transaction is open, `db` must not be
 * changed by other calls (reading it is fine).  One transaction per database
 * at a time: while one is open, every other import into `db` (another
 * transaction, a CSV, cell, Kolada JSON or SCB import) is refused with
 * BENCH_EINVAL and changes nothing.
 */
typedef struct bench_import bench_import;

/**
 * Begin a Kolada JSON import of many parts on `db`.  `name` labels the import
 * in errors and, unless opts->source is given, as the source of its values
 * (NULL: "<buffer>").  `opts` may be NULL; it is not retained.
 * The caller owns *out (NULL on failure) and ends it with
 * bench_import_commit() or bench_import_rollback(); `db` must outlive it.
 */
BENCH_EXPORT bench_status bench_import_begin(bench_import **out, bench_db *db, const char *name,
                                             const bench_json_options *opts);

/**
 * Add one part: a whole Kolada response as bench_import_kolada_json_buffer() reads
 * it (max_input_bytes bounds each part; max_rows all of them together).
 * `name` labels this part in errors (NULL: the import's name); `data` is not
 * retained.  On failure the transaction is failed: the database's last error
 * names the part, line and column; later parts are refused with the same
 * status and the commit rolls everything back.
 */
BENCH_EXPORT bench_status bench_import_add_kolada_json(bench_import *imp, const char *data, size_t len,
                                                       const char *name);

/**
 * Store the staged values and end the transaction: BENCH_OK and the report,
 * or (after a failed part, or when the values cannot be stored) the first
 * error, with the database as it was before bench_import_begin().  `out`
 * (may be NULL) receives the report.  `imp` is released in every case
 * (NULL: BENCH_EINVAL).
 */
BENCH_EXPORT bench_status bench_import_commit(bench_import_report *out, bench_import *imp);

/**
 * Undo every part and release `imp`: the database is as it was before
 * bench_import_begin().  bench_import_rollback(NULL) does nothing.
 */
BENCH_EXPORT void bench_import_rollback(bench_import *imp);

/* ------------------------------------------------------------------ */
/* Population tables from SCB                                           */
/* ------------------------------------------------------------------ */

#define BENCH_POPULATION_OPTIONS_VERSION 1

/** Options for the SCB population importer. */
typedef struct bench_population_options {
    unsigned int version;  /**< BENCH_POPULATION_OPTIONS_VERSION */
    const char *source;    /**< source label, as in bench_csv_options; NULL: the file name */
    const char *indicator; /**< base indicator id; NULL: the table's ContentsCode (BE0101N1) */
} bench_population_options;

#define BENCH_POPULATION_OPTIONS_INIT                \
    {                                                \
        BENCH_POPULATION_OPTIONS_VERSION, NULL, NULL \
    }

/**
 * Import an SCB PxWeb response: API v1 JSON ({columns, data, metadata}) or
 * API v2 JSON-stat 2 ({class: "dataset", id, size, dimension, value}).
 * Dimensions are read by code: Region -> area ("00" -> "0000" Riket, "14" ->
 * "0014", kommun codes as they are; absent: Riket), Tid -> period, Kon ->
 * gender ("1" män, "2" kvinnor; absent: T), Alder -> age, ContentsCode ->
 * the indicator.  Any other dimension (e.g. Civilstand) is summed over.  A
 * single-year age a is stored as indicator "<id>:<a>" ("BE0101N1:17",
 * "BE0101N1:100+"); the total ("tot") or no age dimension as "<id>".  Where
 * a table has K and M but no T, T = K + M is added.  A sum with a missing
 * term is missing, never a smaller number.  All or nothing, as the CSV
 * importer; JSON syntax errors name line and column.
 */
BENCH_EXPORT bench_status bench_import_population_buffer(bench_import_report *out, bench_db *db, const char *data,
                                                         size_t len, const char *name,
                                                         const bench_population_options *opts);

/** As bench_import_population_buffer(), reading the file at `path`. */
BENCH_EXPORT bench_status bench_import_population_file(bench_import_report *out, bench_db *db, const char *path,
                                                       const bench_population_options *opts);

/* ------------------------------------------------------------------ */
/* Normalization                                                        */
/* ------------------------------------------------------------------ */

/**
 * Which period's denominator a value is divided by.  A value of a tertial,
 * quarter or month is divided by the same period of the denominator when the
 * denominator has that period, else by the denominator of the period's year
 * (population counts are given for 31 December).
 */
typedef enum bench_denominator_period {
    BENCH_DENOMINATOR_SAME = 0,    /**< the same period (or its year): "invånare 31/12 år T" */
    BENCH_DENOMINATOR_PREVIOUS = 1 /**< the year before the period's year: "invånare 31/12 år T-1",
                                         as Kolada divides e.g. N01993 asylsökande per 1 000 inv */
} bench_denominator_period;

#define BENCH_PER_CAPITA_VERSION 2

/**
 * How to normalize: result = value / denominator * scale, matched on area,
 * period (see bench_denominator_period) and gender.  The denominator is the
 * sum of the population indicators listed (e.g. N01952 + N01953 + N01954 for
 * 0-19 år); a term missing for a key makes the denominator missing.  Only
 * utfall values are normalized.  Version 1 (the first six fields) is still
 * accepted.
 *
 * With `store_as`, the result is also stored as an indicator of that id (see
 * "Stored results" below).
 */
typedef struct bench_per_capita_options {
    unsigned int version;  /**< BENCH_PER_CAPITA_VERSION */
    const char *indicator; /**< the numerator; NULL: every indicator but the population */
    const char *const *population;
    size_t n_population;          /**< NULL: {"N01951"}; 1 to 128 terms */
    double scale;                 /**< 1, 100 (%), 1000, 10000, 100000 */
    const char *population_label; /**< e.g. "invånare 0-19 år"; NULL: derived */
    /* version 2 */
    int population_period;     /**< a bench_denominator_period */
    const char *store_as;      /**< store the result under this id; NULL: do not store */
    const char *title;         /**< stored title; NULL: made from the parts */
    const char *unit;          /**< stored unit; NULL: made from the parts */
    bench_direction direction; /**< BENCH_DIRECTION_DEFAULT: the numerator's */
    double ci;                 /**< confidence level of intervals, e.g. 0.95; 0: none */
} bench_per_capita_options;

#define BENCH_PER_CAPITA_INIT                                                                         \
    {                                                                                                 \
        BENCH_PER_CAPITA_VERSION, NULL, NULL, 0, 1.0, NULL, BENCH_DENOMINATOR_SAME, NULL, NULL, NULL, \
            BENCH_DIRECTION_DEFAULT, 0                                                                \
    }

/**
 * Normalize one indicator.  The frame has columns indicator, area, period,
 * gender (CODE), value, denominator, result (F64), status (CODE), source
 * (CODE, the numerator's): status is the value's own status when it is
 * missing, else no_denominator or zero_denominator when the denominator is
 * missing or 0 (result NaN, never infinite, never 0), and missing when
 * value / denominator underflows to 0 from a value that is not 0.  Frame meta: "method"
 * describes it (e.g. "per 1 000 invånare (N01951)"), "population" the terms,
 * "scale", "denominator_period" ("same" or "previous"), "derived" the formula
 * (as the catalogue keeps it for a stored result), and "warning" when the
 * numerator is already a rate, a share, a mean or an amount per invånare
 * (unit %, dagar, index, kr/inv, per 1 000 ...; a title with "medelvärde",
 * "andel" or "/1000 inv"): dividing it by a population is almost always a
 * mistake, so it is said, not refused.  Returns BENCH_ENOTFOUND for an
 * unknown indicator or a population without values.
 *
 * Confidence intervals (ci, here and in bench_ratio): two more F64 columns,
 * ci_low and ci_high, and meta "ci" and "ci_method".  The numerator is taken
 * as a count.  For a share (scale 100) of at most its denominator, Wilson's
 * score interval: p = x/n, z the normal quantile of 1 - (1 - ci)/2,
 * (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), clipped to 0..100.
 * Otherwise the exact Poisson (Garwood) interval of the count, scaled:
 * lower = χ²(α/2; 2x)/2 (0 for x = 0), upper = χ²(1-α/2; 2x+2)/2, α = 1 - ci.
 * Where the result is not ok, both are NaN.  A stored result keeps them as
 * the indicators "<id>:ci_low" and "<id>:ci_high" (storing again without ci
 * empties them).
 * The caller owns *out and releases it with bench_frame_free().
 */
BENCH_EXPORT bench_status bench_per_capita(bench_frame **out, bench_db *db, const bench_per_capita_options *opts);

#define BENCH_RATIO_VERSION 1

/**
 * Any indicator over any other: result = numerator / denominator * scale,
 * matched on area, period (see bench_denominator_period) and gender, e.g.
 * kronor per brukare or a count as a share (%) of another count.  Only
 * utfall values are used.
 */
typedef struct bench_ratio_options {
    unsigned int version; /**< BENCH_RATIO_VERSION */
    const char *numerator;
    const char *denominator;
    double scale;              /**< 1 (a plain quotient), 100 (%), 1000, ... */
    int denominator_period;    /**< a bench_denominator_period */
    const char *store_as;      /**< store the result under this id; NULL: do not store */
    const char *title;         /**< stored title; NULL: made from the parts */
    const char *unit;          /**< stored unit; NULL: made from the parts */
    bench_direction direction; /**< BENCH_DIRECTION_DEFAULT: the numerator's */
    double ci;                 /**< confidence level of intervals, e.g. 0.95; 0: none */
} bench_ratio_options;

#define BENCH_RATIO_INIT                                                                                           \
    {                                                                                                              \
        BENCH_RATIO_VERSION, NULL, NULL, 1.0, BENCH_DENOMINATOR_SAME, NULL, NULL, NULL, BENCH_DIRECTION_DEFAULT, 0 \
    }

/**
 * Divide one indicator by another.  The frame is as bench_per_capita()'s,
 * with meta "method" ("per <denominator title>", "andel (%) av ...").
 * BENCH_ENOTFOUND for an unknown numerator or denominator, or a denominator
 * without values.  The caller owns *out and releases it with
 * bench_frame_free().
 *
 * Stored results (store_as, here and in bench_per_capita): the result becomes
 * an indicator like any imported one -- values, comparisons, snapshots --
 * with one utfall value per area, period and gender (the numerator's most
 * recent source), missing values keeping their status (no_denominator,
 * zero_denominator, or the numerator's own).  Its title and unit are made
 * from the parts unless given ("<title>, per 1 000 invånare" and "per 1 000
 * inv"; "%" for scale 100; "kr/inv" for kronor per invånare), its direction
 * is the numerator's unless given, and the catalogue's "derived" field holds
 * the formula ("N01990 / N01951 × 1000, nämnare 31/12 året före").  The
 * rows' source is "Bearbetning: " and the formula.  A stored result is a
 * snapshot: re-importing a part later does not change it; storing again
 * under the same id replaces every value it had.  The id may not be a part
 * of the division, nor an indicator with imported values (BENCH_EINVAL).
 * All or nothing: on error the database is as it was.
 */
BENCH_EXPORT bench_status bench_ratio(bench_frame **out, bench_db *db, const bench_ratio_options *opts);

/* ------------------------------------------------------------------ */
/* Kolada's osäkerhetstal                                               */
/* ------------------------------------------------------------------ */

/*
 * Kolada publishes the uncertainty of survey measures as indicators of their
 * own (211 in the /kpi catalogue), titled "Osäkerhetstal - <the measure's
 * title>" and valued as a ± margin: "med punktskattning +- osäkerhetstalet
 * kan man med stor sannolikhet säga att det sanna medelvärdet finns inom
 * intervallet".  Kolada names no confidence level (kolada.se, "Osäkra data":
 * "med hög sannolikhet"), so the bounds are titled by the osäkerhetstal
 * ("± osäkerhetstal N01453"), never by a percentage.  Brå's margins (NTU,
 * N07648-N07695) are the larger distance from the point estimate to an
 * asymmetric interval: value ± margin covers Brå's own interval and is wider
 * than it on one side.
 *
 * The rule of pairing (tested in tests/c/test_uncertainty.c and, against
 * every title of Kolada's catalogue, tests/python/test_uncertainty.py):
 *
 *   - Titles are compared normalized: runs of spaces, tabs, line breaks and
 *     no-break spaces count as one space, none at either end nor before ",",
 *     "(" or ")" ("andel(%)" is "andel (%)"); a run of commas counts as one
 *     (",," is ","); ASCII and Latin-1 capitals (A-Z, À-Þ) as lower case.
 *     Nothing else: a word more or less ("Andel invånare ..." against
 *     "Invånare ..."), another age band or a misspelt word ("bibilotek") is
 *     not the same title.
 *   - An osäkerhetstal is an imported indicator (not a stored result) with
 *     utfall values whose normalized title begins "osäkerhetstal - "; the rest
 *     is the title X sought.
 *   - Its measure is the one other indicator of the catalogue (not an
 *     osäkerhetstal, not a stored result) titled X; else the one titled
 *     "<P> - X" with a prefix P holding no " - " itself (Kolada prefixes the
 *     survey: "NTU - ", "Medborgarundersökningen - ").  Two such titles, or a
 *     measure claimed by two osäkerhetstal, pair nothing ("ambiguous"): the
 *     whole catalogue is searched, so import the /kpi metadata before relying
 *     on a pair.
 *   - Per area, period and gender of the measure's utfall values (the most
 *     recent source of each, as everywhere): "<measure>:ci_low" = value -
 *     margin and "<measure>:ci_high" = value + margin, the margin being the
 *     osäkerhetstal's most recent value of the same key and the same period
 *     (never a year's margin for a tertial).  Where the value is missing, the
 *     bounds keep its status; where the margin is missing, not ok or negative,
 *     the bounds are missing.  They are stored results (see bench_ratio):
 *     titled "<measure's title>, nedre gräns (± osäkerhetstal N01453)" and
 *     "..., övre gräns (...)", with the measure's unit and direction, "derived"
 *     "N01452 ± N01453 (Kolada osäkerhetstal); nedre gräns" and the source
 *     "Bearbetning: N01452 ± N01453 (Kolada osäkerhetstal)".  bench_compare()
 *     with BENCH_COLOURS_SIGNIFICANCE uses them as it uses per_capita's.
 *   - The measure's own values and catalogue entry are not changed, and bounds
 *     that hold imported values are not overwritten ("bounds_imported").
 *
 * When: the C library pairs only when asked (bench_uncertainty_pair()), as the
 * importers import only what they are given.  The Python binding pairs
 * after every successful Database.import_kolada_json() and
 * import_kolada_pages() (and so after every kommunbench.kolada fetch into a
 * Database), whichever of measure, osäkerhetstal and /kpi metadata arrives
 * last; a re-import of either part is followed by new bounds.  Pairs are
 * stored like any result: a snapshot keeps them.
 */

/**
 * Pair every imported osäkerhetstal with its measure and store the measure's
 * bounds (the rule above), replacing bounds paired before; all or nothing:
 * on error (BENCH_ENOMEM, BENCH_ELIMIT when the ids do not fit) the database
 * is as it was.  The frame has one row per osäkerhetstal with values, by id:
 * uncertainty, measure (CODE; "" when none was found), status (CODE:
 * "paired", "no_measure", "ambiguous", "measure_without_values" or
 * "bounds_imported"), rows (I32: keys stored per bound) and intervals (I32:
 * of them, keys with both bounds).  `out` may be NULL when the frame is not
 * wanted; otherwise the caller owns *out and releases it with
 * bench_frame_free().
 */
BENCH_EXPORT bench_status bench_uncertainty_pair(bench_frame **out, bench_db *db);

/* ------------------------------------------------------------------ */
/* Snapshots                                                            */
/* ------------------------------------------------------------------ */

/*
 * A snapshot is the whole database in one binary file: a 64-byte header
 * (magic "KBSNAP\r\n", format version, byte-order mark, sizes, a 64-bit
 * checksum of everything after the header), a table of sections, the code
 * pools and catalogues, and the observation columns, each 64-byte aligned.
 * bench_db_open() reads the file into memory (it is not mapped, so a file
 * truncated or rewritten in place later does not change or crash an open
 * database) and uses the columns in place; they are copied only when the
 * database is first changed.  Every offset, length, count and code is
 * checked before use: a truncated, corrupted or foreign file gives
 * BENCH_ECORRUPT (BENCH_EVERSION for a newer format), never a crash.
 * Anything but a regular file (a FIFO, a device) is refused unopened.
 */

/* Format 2 adds how a stored result was made to the indicator catalogue; format 1
 * files are still read. */
#define BENCH_SNAPSHOT_VERSION 2

/** Write the database to `path` (replaced atomically: written to a
 *  temporary file, then renamed). */
BENCH_EXPORT bench_status bench_db_save(bench_db *db, const char *path);

/**
 * Open a snapshot.  On failure *out is NULL and `err` (may be NULL) tells
 * why.  The caller owns *out and releases it with bench_db_free().
 */
BENCH_EXPORT bench_status bench_db_open(bench_db **out, const char *path, bench_error *err);

/* ------------------------------------------------------------------ */
/* Comparison                                                           */
/* ------------------------------------------------------------------ */

/*
 * The rules (tested in tests/c/test_compare.c and tests/python/test_compare.py):
 *
 *   - Only areas with a value (status ok) are ranked, counted, averaged or
 *     coloured; an area of the set without a value gets rank 0 and colour
 *     "grey".
 *   - Rank 1 is the best by the direction: the lowest value when lower is
 *     better, the highest otherwise (also when the direction is unknown).
 *     Ties share the best rank of their group: 1, 2, 2, 4.
 *   - With n ranked areas, an area has b areas strictly better and w strictly
 *     worse.  Percentile = 100 * w / (n - 1) (100 = best; 100 when n = 1).
 *   - KKiK colour: "green" when b < n/4 (the best 25 %), "red" when w < n/4
 *     (the worst 25 %), "yellow" otherwise, and "yellow" when both hold (a tie
 *     group spanning the middle, or n = 1).  A tie group is coloured as one:
 *     a tie across the green cut-off is all green, a tie across the red
 *     cut-off all red.  n = 2 gives green and red, n = 3 green, yellow and
 *     red, n = 5 green, green, yellow, red, red.  With no known direction the
 *     colour is "" (none).
 *   - Ovägt medel is the plain mean over ranked areas.  The weighted mean
 *     weights each value by the area's population (the sum of the weight
 *     indicators for the same gender and the period chosen by weight_period,
 *     as per-capita finds its denominator); areas without a population are
 *     left out of it, and it is NaN when none has one.  It is not Kolada's
 *     "Riket": that is the national total over the national denominator,
 *     the area 0000's own value.
 *   - Median and quartiles interpolate linearly between order statistics
 *     (numpy's default, "type 7").
 *   - When several sources give a value for the same key, the source imported
 *     most recently is used (re-importing a source makes it the most recent).
 *
 * Significance colours (colours = BENCH_COLOURS_SIGNIFICANCE, the rule of
 * England's Fingertips): each value's confidence interval, read from the
 * indicators "<id>:ci_low" and "<id>:ci_high" (stored by per_capita or ratio
 * with ci, or paired from a Kolada osäkerhetstal by bench_uncertainty_pair()),
 * is held against a reference -- the ovägt medel, or `reference`,
 * or the value of `reference_area` (e.g. Riket 0000).  Green when the whole
 * interval lies on the better side, red when on the worse side, yellow when
 * it holds the reference; an indicator without a direction gets the neutral
 * "higher", "lower" and "similar" instead; a value without an interval is
 * grey.  Ranks are as above; a set too thinly covered is not coloured.
 * BENCH_ENOTFOUND when the indicator has no stored intervals or the
 * reference area no value.
 */

/** Statistics of one comparison; NaN where there is no value. */
typedef struct bench_compare_stats {
    size_t n;               /**< areas with a value */
    size_t n_areas;         /**< areas in the set */
    double unweighted_mean; /**< ovägt medel */
    double weighted_mean;   /**< population-weighted mean, or NaN */
    double median, q1, q3, min, max;
} bench_compare_stats;

#define BENCH_COMPARE_VERSION 3

/**
 * The coverage rule's default: a set is ranked and coloured only when at least
 * a quarter of its areas have a value (and at least two do).  Kolada's KKiK
 * measures are reported by 70-75 % of the kommuner in recent years and by
 * 0-22 % in their first years (U33401: 2007-2010); below a quarter a rank
 * ("plats 1 av 3") says more about who reported than about the kommun.
 */
#define BENCH_MIN_COVERAGE_DEFAULT 0.25

/** How bench_compare colours (the rule in "Significance colours" above). */
typedef enum bench_colours {
    BENCH_COLOURS_RANK = 0,        /**< KKiK: by rank, best 25 % green, worst 25 % red */
    BENCH_COLOURS_SIGNIFICANCE = 1 /**< by the confidence interval against a reference */
} bench_colours;

/** What to compare.  Versions 1 (up to `weight`) and 2 (up to `weight_period`)
 *  are still accepted; they rank whatever has a value (min_coverage 0). */
typedef struct bench_compare_options {
    unsigned int version; /**< BENCH_COMPARE_VERSION */
    const char *indicator;
    const char *period; /**< "2022", "2024-T1", ... */
    bench_gender gender;
    bench_kind kind;
    const char *const *areas;
    size_t n_areas;            /**< the set; NULL: all kommuner */
    bench_direction direction; /**< BENCH_DIRECTION_DEFAULT: the catalogue's */
    const char *weight;        /**< population indicator for the weighted mean, or NULL */
    /* version 2 */
    const char *const *weights;
    size_t n_weights;  /**< or several, summed as per-capita's terms
                                                     (used when `weight` is NULL) */
    int weight_period; /**< a bench_denominator_period for the weights */
    /* version 3 */
    double min_coverage;        /**< rank only when this share (0..1) of the set has a value,
                                        and at least two areas do; 0: always */
    int colours;                /**< BENCH_COLOURS_RANK (KKiK) or BENCH_COLOURS_SIGNIFICANCE */
    double reference;           /**< significance: the value to hold intervals against;
                                        NaN: the ovägt medel */
    const char *reference_area; /**< significance: or an area's own value, e.g. "0000" Riket */
} bench_compare_options;

#define BENCH_COMPARE_INIT                                                                                            \
    {                                                                                                                 \
        BENCH_COMPARE_VERSION, NULL, NULL, BENCH_GENDER_T, BENCH_KIND_UTFALL, NULL, 0, BENCH_DIRECTION_DEFAULT, NULL, \
            NULL, 0, BENCH_DENOMINATOR_SAME, BENCH_MIN_COVERAGE_DEFAULT, BENCH_COLOURS_RANK, NAN, NULL                \
    }

/**
 * Compare one indicator, period and gender over a set of areas.  The frame
 * has one row per area of the set, best first, areas without a value last:
 * area (CODE), value (F64), rank (I32, 0 = no value), percentile (F64),
 * colour (CODE: green, yellow, red, grey or ""), source (CODE: where the
 * value used came from, "" without a value).  `out_stats` may be NULL.
 * When the set is too thinly covered (min_coverage), no area is ranked or
 * coloured: every rank is 0, every colour "grey"; the statistics are still
 * computed.  Frame meta "coverage" is the share of the set with a value,
 * "ranked" is "yes" or "no".
 * Returns BENCH_ENOTFOUND for an unknown indicator or period.
 * The caller owns *out and releases it with bench_frame_free().
 */
BENCH_EXPORT bench_status bench_compare(bench_frame **out, bench_compare_stats *out_stats, bench_db *db,
                                        const bench_compare_options *opts);

/**
 * Rank and colour every (indicator, period, gender) group of utfall values
 * at once over a set of areas (NULL: all kommuner), each indicator by its
 * catalogue direction unless `direction` is not BENCH_DIRECTION_DEFAULT.
 * The frame has indicator, period, gender, area (CODE), value (F64), rank,
 * n (I32), percentile (F64), colour (CODE) and mean (F64: the group's ovägt
 * medel), grouped by indicator, period and gender, best first.  Rows without
 * a value are kept (rank 0, grey).
 * The caller owns *out and releases it with bench_frame_free().
 */
BENCH_EXPORT bench_status bench_compare_all(bench_frame **out, bench_db *db, const char *const *areas, size_t n_areas,
                                            bench_direction direction);

#define BENCH_COMPARE_ALL_VERSION 1

/** What bench_compare_all_ext() ranks. */
typedef struct bench_compare_all_options {
    unsigned int version; /**< BENCH_COMPARE_ALL_VERSION */
    const char *const *areas;
    size_t n_areas;            /**< the set; NULL: all kommuner */
    bench_direction direction; /**< BENCH_DIRECTION_DEFAULT: the catalogue's */
    double min_coverage;       /**< as in bench_compare_options, per group */
} bench_compare_all_options;

#define BENCH_COMPARE_ALL_INIT                                                                  \
    {                                                                                           \
        BENCH_COMPARE_ALL_VERSION, NULL, 0, BENCH_DIRECTION_DEFAULT, BENCH_MIN_COVERAGE_DEFAULT \
    }

/**
 * As bench_compare_all() (which ranks every group, min_coverage 0), with the
 * coverage rule: a group of which fewer than min_coverage of the set (or fewer
 * than two areas) have a value is not ranked (rank 0, grey), its n and mean
 * still given.  The caller owns *out and releases it with bench_frame_free().
 */
BENCH_EXPORT bench_status bench_compare_all_ext(bench_frame **out, bench_db *db, const bench_compare_all_options *opts);

/* ------------------------------------------------------------------ */
/* Similar kommuner (likhetsutsökning)                                  */
/* ------------------------------------------------------------------ */

/*
 * The rule (the CIPFA nearest-neighbours method, published, unlike the one
 * behind Kolada's "Liknande kommuner"):
 *
 *   - Candidates are the areas of the set (and the focus) with a value (status
 *     ok, utfall, the period and gender asked) of every chosen indicator; with
 *     several sources the most recent is used.
 *   - Each indicator is standardized over the candidates: z = (x - mean) / sd,
 *     sd the population standard deviation (ddof 0); an indicator equal for
 *     every candidate (sd 0) gives z = 0 and adds nothing.
 *   - distance = sqrt(sum_i w_i (z_i - z_i,focus)^2), the weights normalized
 *     to sum to 1 (equal by default).
 *   - The k nearest, the focus left out, sorted by distance, ties by area code.
 *     Each indicator's share of the squared distance, w_i (z_i - z_i,focus)^2 /
 *     distance^2, says why an area is near; a row's shares sum to 1 (at
 *     distance 0 each share is the indicator's weight).
 */

#define BENCH_SIMILAR_VERSION 1

/** What bench_similar() looks for. */
typedef struct bench_similar_options {
    unsigned int version; /**< BENCH_SIMILAR_VERSION */
    const char *focus;    /**< the kommun, e.g. "1490" */
    const char *const *indicators;
    size_t n_indicators;   /**< 1 to 64, none twice */
    const double *weights; /**< n_indicators weights >= 0, or NULL for equal weights */
    const char *period;
    bench_gender gender;
    const char *const *areas;
    size_t n_areas; /**< the candidates' set; NULL: all kommuner */
    size_t k;       /**< how many (0: 7, as Kolada's groups) */
} bench_similar_options;

#define BENCH_SIMILAR_INIT                                                           \
    {                                                                                \
        BENCH_SIMILAR_VERSION, NULL, NULL, 0, NULL, NULL, BENCH_GENDER_T, NULL, 0, 7 \
    }

/**
 * The k areas most similar to the focus.  The frame has area (CODE), distance
 * (F64) and one F64 column per indicator, named by its id, holding its share
 * of the squared distance.  Meta "candidates" is the number of areas the
 * indicators were standardized over, "focus" the focus code.
 * BENCH_ENOTFOUND for an unknown focus, indicator, period or area, or a focus
 * without a value of every indicator; BENCH_EINVAL for bad options.
 * The caller owns *out and releases it with bench_frame_free().
 */
BENCH_EXPORT bench_status bench_similar(bench_frame **out, bench_db *db, const bench_similar_options *opts);

/* ------------------------------------------------------------------ */
/* Fixed prices                                                         */
/* ------------------------------------------------------------------ */

#define BENCH_DEFLATE_VERSION 1

/**
 * What bench_deflate() turns into fixed prices, and with which index.  The
 * index is either an indicator in the database (its utfall values for Riket,
 * area 0000, gender T, in periods that are years) or a series given here
 * (index_periods and index_values, n_index of each: year labels such as
 * "2022" and positive numbers, none twice), e.g. SCB's KPI as
 * bench_dataset("price_index") ships it.  The caller keeps the strings and
 * arrays alive for the call only.
 */
typedef struct bench_deflate_options {
    unsigned int version;             /**< BENCH_DEFLATE_VERSION */
    const char *indicator;            /**< the series in current prices, e.g. "N31001" */
    const char *index;                /**< an indicator holding the index; NULL: the series below */
    const char *const *index_periods; /**< years of a given series ("2006" ... "2023") */
    const double *index_values;       /**< its values, each > 0 */
    size_t n_index;                   /**< entries of both arrays (1 to 1000) */
    const char *index_label;          /**< how texts name the index, e.g. "KPI"; NULL: its id */
    const char *base;                 /**< the base year, e.g. "2022": results in its prices */
    const char *store_as;             /**< store the result under this id; NULL: do not store */
    const char *title;                /**< stored title; NULL: "<title>, fasta priser (<base>)" */
    const char *unit;                 /**< stored unit; NULL: the indicator's */
    bench_direction direction;        /**< BENCH_DIRECTION_DEFAULT: the numerator's */
} bench_deflate_options;

#define BENCH_DEFLATE_INIT                                                                                      \
    {                                                                                                           \
        BENCH_DEFLATE_VERSION, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, BENCH_DIRECTION_DEFAULT \
    }

/**
 * Fixed prices: result = value × index[base] / index[year], where year is the
 * year a value's period begins with (2024-T1 uses 2024's index).  Only utfall
 * values are deflated.  The frame has columns indicator, area, period, gender
 * (CODE), value, index (the index of the value's year, NaN when there is
 * none), result (F64), status (CODE), source (CODE, the value's): status is
 * the value's own status when it is missing (result NaN, never 0), else
 * no_denominator when the index has no positive value for the year.  Frame
 * meta: "method" ("fasta priser (2022), KPI"), "base", "index" (the label),
 * "base_index" (index[base]), "derived" (the formula), "title" and "unit".
 * With store_as the result is stored like bench_ratio()'s (see "Stored
 * results" there): an ordinary indicator with title "<title>, fasta priser
 * (<base>)", the indicator's unit and direction unless given, and "derived"
 * "N31001 × KPI(2022) / KPI(år), fasta priser (2022)"; intervals stored
 * before under that id ("<id>:ci_low", "<id>:ci_high") are emptied.
 * BENCH_ENOTFOUND for an unknown indicator
 * or index, an index without Riket values, or no index value for the base
 * year; BENCH_EINVAL for bad options (a given series with a period that is
 * not a year, a value that is not positive, a year twice; both or neither of
 * index and the series; a store_as that is the indicator, the index or an
 * indicator with imported values).  All or nothing.
 * The caller owns *out and releases it with bench_frame_free().
 */
BENCH_EXPORT bench_status bench_deflate(bench_frame **out, bench_db *db, const bench_deflate_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* BENCH_H */
