/* hello.c -- import a Kolada wide CSV and print Borås's values.
 *   cc examples/hello.c -Iinclude build/libbench.a -lcsv -lcjson -lm -o hello
 *   ./hello ../shared/data/kolada-ddf-dump/datapoints--by--geo--year/ddf--datapoints--u33401--by--geo--year.csv */
#include <bench.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.csv\n", argv[0]);
        return 2;
    }
    bench_db *db;
    bench_error err;
    if (bench_db_new(&db, NULL, &err) != BENCH_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    bench_csv_options opts = BENCH_CSV_OPTIONS_INIT;
    opts.layout = BENCH_CSV_WIDE;
    bench_import_report rep;
    if (bench_import_csv_file(&rep, db, argv[1], &opts) != BENCH_OK) {
        fprintf(stderr, "%s\n", bench_db_last_error(db)->message); /* file:line:column: ... */
        bench_db_free(db);
        return 1;
    }
    printf("%zu rows read, %zu observations\n", rep.rows_read, rep.accepted);

    const char *areas[] = { "1490" };
    bench_query q = BENCH_QUERY_INIT;
    q.areas = areas;
    q.n_areas = 1;
    bench_frame *f;
    if (bench_values(&f, db, &q) == BENCH_OK) {
        const uint32_t *period;
        const double *value;
        const char *const *labels;
        bench_frame_column(NULL, NULL, (const void **)&period, f, 2);
        bench_frame_column(NULL, NULL, (const void **)&value, f, 5);
        bench_frame_dictionary(&labels, NULL, f, 2);
        for (size_t i = 0; i < bench_frame_rows(f); i++)
            printf("Borås %s: %g\n", labels[period[i]], value[i]);
        bench_frame_free(f);
    }
    bench_db_free(db);
    return 0;
}
