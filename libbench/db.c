/* db.c -- the database handle: its options and limits, creation with the embedded catalogue, and
 * release. */
#include "internal.h"

#include <string.h>

/* The limits of `from` that are set (non-zero) into `to`; a version 1 struct ends at
 * max_columns. */
static void limits_take(bench_db_options *to, const bench_db_options *from)
{
    if (from->max_field_bytes)
        to->max_field_bytes = from->max_field_bytes;
    if (from->max_columns)
        to->max_columns = from->max_columns;
    if (from->version < 2)
        return;
    if (from->max_rows)
        to->max_rows = from->max_rows;
    if (from->max_input_bytes)
        to->max_input_bytes = from->max_input_bytes;
    if (from->max_json_depth)
        to->max_json_depth = from->max_json_depth;
}

void bench_db_limits(bench_db_options *out, const bench_db *db)
{
    if (!out)
        return;
    bench_db_options defaults = BENCH_DB_OPTIONS_INIT;
    *out = db ? db->opts : defaults;
}

bench_status bench_db_set_limits(bench_db *db, const bench_db_options *opts)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (!opts)
        return DB_FAIL(db, BENCH_EINVAL, "bench_db_set_limits: opts is NULL");
    CHECK_VERSION(db, opts, 1, BENCH_DB_OPTIONS_VERSION, "bench_db_options");
    if (opts->version >= 2 && (opts->max_json_depth < 0 || opts->max_json_depth > JSON_DEPTH_LIMIT))
        return DB_FAIL(db, BENCH_EINVAL, "max_json_depth is %d, expected 1..%d", opts->max_json_depth,
                       JSON_DEPTH_LIMIT);
    /* a record may hold 4 x max_field_bytes: larger would wrap to a small limit */
    if (opts->max_field_bytes > SIZE_MAX / 8)
        return DB_FAIL(db, BENCH_EINVAL, "max_field_bytes is %zu, expected at most %zu", opts->max_field_bytes,
                       SIZE_MAX / 8);
    limits_take(&db->opts, opts);
    return BENCH_OK;
}

bench_status bench_db_new(bench_db **out, const bench_db_options *opts, bench_error *err)
{
    if (err)
        error_clear(err);
    if (!out) {
        error_set(err, BENCH_EINVAL, "", 0, 0, __FILE__, __LINE__, "bench_db_new: out is NULL");
        return BENCH_EINVAL;
    }
    *out = NULL;
    bench_db *db = bench_calloc(1, sizeof *db);
    if (!db) {
        error_set(err, BENCH_ENOMEM, "", 0, 0, __FILE__, __LINE__, "out of memory");
        return BENCH_ENOMEM;
    }
    db->opts = (bench_db_options)BENCH_DB_OPTIONS_INIT;
    if (opts) {
        bench_status st = bench_db_set_limits(db, opts);
        if (st) {
            if (err)
                *err = db->err;
            bench_free(db);
            return st;
        }
        db->opts.load_catalogue = opts->load_catalogue;
    }
    pool_init(&db->indicators, CODE_LIMIT);
    pool_init(&db->areas, CODE_LIMIT);
    pool_init(&db->periods, CODE_LIMIT);
    pool_init(&db->sources, SOURCE_LIMIT);
    if (db->opts.load_catalogue) {
        bench_status st = catalogue_load_embedded(db);
        if (st) {
            if (err)
                *err = db->err;
            bench_db_free(db);
            return st;
        }
    }
    *out = db;
    return BENCH_OK;
}

void bench_db_free(bench_db *db)
{
    if (!db)
        return;
    /* the side arrays may be shorter than the pools when growing them failed */
    for (uint32_t i = 0; i < db->areas.n && i < db->area_meta_cap; i++)
        area_meta_clear(&db->area_meta[i]);
    for (uint32_t i = 0; i < db->indicators.n && i < db->ind_meta_cap; i++)
        indicator_meta_clear(&db->ind_meta[i]);
    bench_free(db->area_meta);
    bench_free(db->ind_meta);
    bench_free(db->period_keys);
    bench_free(db->source_seq);
    pool_free(&db->indicators);
    pool_free(&db->areas);
    pool_free(&db->periods);
    pool_free(&db->sources);
    if (db->map)
        file_release(db->map, db->map_len, true); /* the columns live in the mapping */
    else
        obs_free(&db->obs);
    bench_free(db);
}

const bench_error *bench_db_last_error(const bench_db *db) { return db ? &db->err : NULL; }

size_t bench_db_count(const bench_db *db) { return db ? db->obs.n : 0; }

size_t bench_db_memory(const bench_db *db)
{
    if (!db)
        return 0;
    if (db->map)
        return db->map_len; /* the columns are read in place */
    /* the rows held: spare capacity past them is address space, its pages given back (obs_release_spare) */
    size_t per_row = 4 * sizeof(uint16_t) + 3 * sizeof(uint8_t) + sizeof(double) + sizeof(int32_t);
    return db->obs.n * per_row;
}
