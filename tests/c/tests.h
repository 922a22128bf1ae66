/* tests.h -- shared declarations of the CUnit suites. */
#ifndef BENCH_TESTS_H
#define BENCH_TESTS_H

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#ifndef SHARED_DATA
#define SHARED_DATA "../shared/data"
#endif
#define KOLADA_DDF SHARED_DATA "/kolada-ddf-dump"

/* each suite file defines one of these */
int register_number_suite(void);
int register_csv_suite(void);
int register_store_suite(void);
int register_catalogue_suite(void);
int register_normalize_suite(void);
int register_compare_suite(void);
int register_json_suite(void);
int register_alloc_suite(void);
int register_real_data_suite(void);
int register_files_suite(void);
int register_cells_suite(void);
int register_deflate_suite(void);
int register_import_cells_suite(void);
int register_uncertainty_suite(void);

/* helpers (tests/c/helpers.c) */
typedef struct fingerprint {
    size_t count, areas, indicators;
    unsigned long long hash;
} fingerprint;
fingerprint take_fingerprint(bench_db *db); /* counts and a hash of every observation */
int same_fingerprint(fingerprint a, fingerprint b);
bench_db *new_db(void); /* a Database with the catalogue; fails the test if not */
bench_status import_text(bench_db *db, const char *csv, bench_csv_options *opts, bench_import_report *rep);
double value_of(bench_db *db, const char *indicator, const char *area, const char *period, int gender);
int file_exists(const char *path);

/* one observation as bench_values shows it */
typedef struct observation {
    double value;
    int32_t count;
    int status;
    char source[128];
} observation;
/* Rows for (indicator, area, period, gender, kind) across sources (-1 on error); *out gets the last one. */
int lookup(bench_db *db, const char *indicator, const char *area, const char *period, int gender, int kind,
           observation *out);
/* Every observation as text ("ind|area|period|g|kind|value|count|status|source" lines); caller frees. */
char *dump_values(bench_db *db);
/* Typed cells of a frame ("<bad code column>", -3e300 or INT32_MIN when the column is not of that type). */
const char *code_at(const bench_frame *f, size_t col, size_t row);
double f64_at(const bench_frame *f, size_t col, size_t row);
int32_t i32_at(const bench_frame *f, size_t col, size_t row);
/* bench_obs_status of a status name, -1 if none */
int status_code(const char *name);
/* A private temporary directory (removed at exit when empty) and files in it. */
const char *temp_dir(void);
int write_temp_file(char *path, size_t size, const char *base, const char *data, size_t len);
/* test-only allocation hook (libbench/error.c, built with -DBENCH_ALLOC_HOOK) */
extern long bench_alloc_fail_at;
extern long bench_alloc_calls;
/* libbench's own (internal.h): a changed snapshot's checksum made to agree again */
bool snapshot_reseal(char *data, size_t len);

#endif
