/* snapshot_open.c -- what bench_db_open costs: the median of 9 opens of one snapshot, then one
 * bench_values of everything.  Build and run (N indicators x 290 kommuner x 30 years x 3 genders;
 * 383 gives the 10 M observations of make bench, 38 the 1 M):
 *
 *   cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Ilibbench -o build/snapshot_open bench/snapshot_open.c \
 *      $(ls libbench/*.c) -lcsv -lcjson -lm -lpthread
 *   build/snapshot_open /tmp/s10m.kbsnap 383    # writes the snapshot first, then measures
 *   build/snapshot_open /tmp/s10m.kbsnap        # measures an existing snapshot
 */
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}
static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
int main(int argc, char **argv)
{
    const char *path = argv[1];
    int n_ind = argc > 2 ? atoi(argv[2]) : 0;
    if (n_ind) { /* make it */
        size_t cap = (size_t)n_ind * 290 * 30 * 3 * 32 + 64, len = 0;
        char *buf = malloc(cap);
        len += sprintf(buf, "kpi,municipality,period,gender,value\n");
        for (int k = 0; k < n_ind; k++)
            for (int a = 0; a < 290; a++)
                for (int y = 1995; y < 2025; y++)
                    for (int g = 0; g < 3; g++)
                        len += sprintf(buf + len, "U%05d,%04d,%d,%c,%d.%d\n", 10000 + k, 114 + a, y, "TKM"[g],
                                       (k * 7 + y) % 1000, a % 10);
        bench_db *db;
        bench_import_report rep;
        bench_db_new(&db, NULL, NULL);
        bench_db_options o = BENCH_DB_OPTIONS_INIT;
        o.load_catalogue = 0;
        bench_db_free(db);
        bench_db_new(&db, &o, NULL);
        if (bench_import_csv_buffer(&rep, db, buf, len, "gen.csv", NULL)) {
            printf("import: %s\n", bench_db_last_error(db)->message);
            return 1;
        }
        if (bench_db_save(db, path)) {
            printf("save failed\n");
            return 1;
        }
        bench_db_free(db);
        free(buf);
    }
    double o[9], v[9];
    for (int i = 0; i < 9; i++) {
        bench_db *db;
        bench_frame *f;
        bench_error e;
        double t = now();
        if (bench_db_open(&db, path, &e)) {
            printf("open: %s\n", e.message);
            return 1;
        }
        o[i] = now() - t;
        t = now();
        bench_values(&f, db, NULL);
        v[i] = now() - t;
        if (i == 0)
            printf("%zu observations\n", bench_db_count(db));
        bench_frame_free(f);
        bench_db_free(db);
    }
    qsort(o, 9, sizeof *o, cmp);
    qsort(v, 9, sizeof *v, cmp);
    printf("open median %.2f ms, then bench_values(all) median %.2f ms\n", o[4] * 1e3, v[4] * 1e3);
    return 0;
}
