/* tests.h -- shared declarations of the CUnit suites. */
#ifndef BENCH_TESTS_H
#define BENCH_TESTS_H

#include <CUnit/CUnit.h>
#include <math.h>
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

/* helpers (tests/c/helpers.c) */
typedef struct fingerprint { size_t count, areas, indicators; unsigned long long hash; } fingerprint;
fingerprint take_fingerprint(bench_db *db);   /* counts and a hash of every observation */
int same_fingerprint(fingerprint a, fingerprint b);
bench_db *new_db(void);                       /* a Database with the catalogue; fails the test if not */
bench_status import_text(bench_db *db, const char *csv, bench_csv_options *opts, bench_import_report *rep);
double value_of(bench_db *db, const char *indicator, const char *area, const char *period, int gender);
int file_exists(const char *path);
/* test-only allocation hook (libbench/error.c, built with -DBENCH_ALLOC_HOOK) */
extern long bench_alloc_fail_at;
extern long bench_alloc_calls;

#endif
