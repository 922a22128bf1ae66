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

/* A fingerprint of everything a query can see: counts and a hash of all observations. */
fingerprint take_fingerprint(bench_db *db)
{
    fingerprint fp = {bench_db_count(db), bench_area_count(db), 0, 0};
    bench_frame *f = NULL;
    bench_frame *ind = NULL;
    if (bench_indicators_frame(&ind, db) == BENCH_OK)
        fp.indicators = bench_frame_rows(ind);
    bench_frame_free(ind);
    bench_query q = BENCH_QUERY_INIT;
    if (bench_values(&f, db, &q) != BENCH_OK)
        return fp;
    uint64_t h = 1469598103934665603ull;
    for (size_t c = 0; c < bench_frame_columns(f); c++) {
        bench_column_type type;
        const void *data;
        bench_frame_column(NULL, &type, &data, f, c);
        size_t width = type == BENCH_COLUMN_F64 ? 8 : 4;
        const unsigned char *p = data;
        for (size_t i = 0; i < bench_frame_rows(f) * width; i++)
            h = (h ^ p[i]) * 1099511628211ull;
        if (type == BENCH_COLUMN_CODE) {
            const char *const *dict;
            size_t n;
            bench_frame_dictionary(&dict, &n, f, c);
            for (size_t i = 0; i < n; i++)
                for (const char *s = dict[i]; *s; s++)
                    h = (h ^ (unsigned char)*s) * 1099511628211ull;
        }
    }
    bench_frame_free(f);
    fp.hash = h;
    return fp;
}

int same_fingerprint(fingerprint a, fingerprint b)
{
    return a.count == b.count && a.areas == b.areas && a.indicators == b.indicators && a.hash == b.hash;
}
