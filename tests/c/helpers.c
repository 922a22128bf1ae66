/* helpers.c -- small helpers shared by the suites. */
#include <unistd.h>

#include "tests.h"

bench_db *new_db(void)
{
    bench_db *db = NULL;
    bench_error err;
    CU_ASSERT_EQUAL_FATAL(bench_db_new(&db, NULL, &err), BENCH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    return db;
}

bench_status import_text(bench_db *db, const char *csv, bench_csv_options *opts, bench_import_report *rep)
{
    return bench_import_csv_buffer(rep, db, csv, strlen(csv), "test.csv", opts);
}

/* The stored value for one key (utfall), NaN when absent or missing; -1e300 when the key is absent. */
double value_of(bench_db *db, const char *indicator, const char *area, const char *period, int gender)
{
    const char *ind[] = {indicator}, *ar[] = {area}, *per[] = {period};
    bench_query q = BENCH_QUERY_INIT;
    q.indicators = ind;
    q.n_indicators = 1;
    q.areas = ar;
    q.n_areas = 1;
    q.periods = per;
    q.n_periods = 1;
    q.gender_mask = 1u << gender;
    q.kind_mask = 1u << BENCH_KIND_UTFALL;
    bench_frame *f = NULL;
    if (bench_values(&f, db, &q) != BENCH_OK)
        return -2e300;
    double v = -1e300;
    if (bench_frame_rows(f) >= 1) {
        const void *data;
        bench_frame_column(NULL, NULL, &data, f, 5);
        v = ((const double *)data)[bench_frame_rows(f) - 1];
    }
    bench_frame_free(f);
    return v;
}

int file_exists(const char *path) { return access(path, R_OK) == 0; }
