/* targets.c -- fuzz targets of the parsers: CSV, Kolada JSON, SCB population and snapshot load.
 *
 * Each target runs one input against a fresh database and checks what must hold whatever the
 * input: an import either succeeds or fails with an error that names a place, a failed import
 * leaves the store as it was, and whatever was stored can be read, normalized and compared.
 * A broken rule aborts, which libFuzzer and the replay runner both report as a crash.
 * The same functions are linked into libFuzzer binaries (fuzz_main.c) and into the replay
 * runner of `make test` (replay.c). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "targets.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define REQUIRE(cond)                                                               \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: rule broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                \
        }                                                                           \
    } while (0)

/* The base every import lands on: the catalogue and a few known values, so that a fuzzed
 * file can replace, add to and be compared with real observations. */
static const char BASE[] = "kpi,municipality,period,gender,value\n"
                           "N01951,1490,2022,T,115000\nN01951,0138,2022,T,49000\n"
                           "U33401,1490,2022,T,77\nU33401,0138,2022,T,95.5\nU33401,0180,2022,K,..\n";

/* The base is built once and kept as a snapshot in an unlinked file; each input opens it anew
 * (mapped, copied on first change), which is far cheaper than loading the catalogue. */
static int base_fd = -1;

static bench_db *open_memory_file(int fd, bench_error *err)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    bench_db *db = NULL;
    bench_status st = bench_db_open(&db, path, err);
    return st == BENCH_OK ? db : NULL;
}

static bench_db *base_db(void)
{
    if (base_fd < 0) {
        bench_db *db = NULL;
        REQUIRE(bench_db_new(&db, NULL, NULL) == BENCH_OK);
        REQUIRE(bench_import_csv_buffer(NULL, db, BASE, sizeof BASE - 1, "base.csv", NULL) == BENCH_OK);
        /* saved atomically (a rename), so to a real file, kept open and unlinked at once */
        char path[] = "/tmp/kommunbench-fuzz-base-XXXXXX";
        int fd = mkstemp(path);
        REQUIRE(fd >= 0);
        close(fd);
        REQUIRE(bench_db_save(db, path) == BENCH_OK);
        base_fd = open(path, O_RDONLY | O_CLOEXEC);
        REQUIRE(base_fd >= 0);
        unlink(path);
        bench_db_free(db);
    }
    bench_db *db = open_memory_file(base_fd, NULL);
    REQUIRE(db != NULL);
    bench_db_options o = BENCH_DB_OPTIONS_INIT;
    o.max_field_bytes = 4096; /* small limits reach the limit paths with small inputs */
    o.max_columns = 64;
    o.max_rows = 5000;
    o.max_json_depth = 16;
    REQUIRE(bench_db_set_limits(db, &o) == BENCH_OK);
    return db;
}

/* A cheap fingerprint of the store: count, bytes and a hash of every value frame cell. */
static unsigned long long fingerprint(bench_db *db)
{
    bench_frame *f = NULL;
    REQUIRE(bench_values(&f, db, NULL) == BENCH_OK);
    unsigned long long h = 1469598103934665603ull ^ bench_db_count(db);
    for (size_t c = 0; c < bench_frame_columns(f); c++) {
        const void *data = NULL;
        bench_column_type type;
        REQUIRE(bench_frame_column(NULL, &type, &data, f, c) == BENCH_OK);
        const char *const *dict = NULL;
        size_t n_dict = 0;
        if (type == BENCH_COLUMN_CODE)
            REQUIRE(bench_frame_dictionary(&dict, &n_dict, f, c) == BENCH_OK);
        for (size_t r = 0; r < bench_frame_rows(f); r++) {
            const unsigned char *p;
            size_t n;
            if (type == BENCH_COLUMN_CODE) { /* codes by their text: indices may shift */
                uint32_t code = ((const uint32_t *)data)[r];
                REQUIRE(code < n_dict);
                p = (const unsigned char *)dict[code];
                n = strlen(dict[code]);
            } else {
                p = (const unsigned char *)data + r * (type == BENCH_COLUMN_F64 ? 8 : 4);
                n = type == BENCH_COLUMN_F64 ? 8 : 4;
            }
            for (size_t i = 0; i < n; i++)
                h = (h ^ p[i]) * 1099511628211ull;
            h = (h ^ 0xff) * 1099511628211ull;
        }
    }
    bench_frame_free(f);
    return h;
}

/* The last error must say where and what. */
static void check_error(bench_db *db, bench_status st)
{
    const bench_error *e = bench_db_last_error(db);
    REQUIRE(e->code == st);
    REQUIRE(e->message[0] != '\0');
    REQUIRE(e->line >= 0 && e->column >= 0);
}

/* Whatever is stored can be read, normalized and compared. */
static void use(bench_db *db)
{
    bench_frame *f = NULL;
    REQUIRE(bench_values(&f, db, NULL) == BENCH_OK);
    REQUIRE(bench_frame_rows(f) == bench_db_count(db));
    bench_frame_free(f);
    f = NULL;
    bench_per_capita_options pc = BENCH_PER_CAPITA_INIT;
    pc.scale = 1000;
    bench_status st = bench_per_capita(&f, db, &pc);
    REQUIRE(st == BENCH_OK || st == BENCH_ENOTFOUND);
    bench_frame_free(f);
    f = NULL;
    REQUIRE(bench_compare_all(&f, db, NULL, 0, BENCH_DIRECTION_DEFAULT) == BENCH_OK);
    bench_frame_free(f);
    f = NULL;
    bench_compare_options co = BENCH_COMPARE_INIT;
    co.indicator = "U33401";
    co.period = "2022";
    st = bench_compare(&f, NULL, db, &co);
    REQUIRE(st == BENCH_OK || st == BENCH_ENOTFOUND);
    bench_frame_free(f);
}

typedef bench_status (*importer)(bench_import_report *rep, bench_db *db, const char *data, size_t len,
                                 const void *opts);

static void run_import(const uint8_t *data, size_t len, importer import, const void *opts)
{
    bench_db *db = base_db();
    unsigned long long before = fingerprint(db);
    bench_import_report rep;
    bench_status st = import(&rep, db, (const char *)data, len, opts);
    if (st == BENCH_OK) {
        REQUIRE(rep.n_errors == 0);
        use(db);
    } else {
        check_error(db, st);
        REQUIRE(rep.accepted == 0);
        REQUIRE(fingerprint(db) == before);
    }
    bench_db_free(db);
}

static bench_status csv_import(bench_import_report *rep, bench_db *db, const char *data, size_t len, const void *opts)
{
    return bench_import_csv_buffer(rep, db, data, len, "fuzz.csv", opts);
}

int fuzz_csv(const uint8_t *data, size_t len)
{
    /* the first byte picks the options: layout, delimiter, gender filter, a source column */
    static const char delimiters[] = { 0, ',', ';', '\t' };
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    if (len) {
        o.layout = data[0] & 1 ? BENCH_CSV_WIDE : BENCH_CSV_KOLADA;
        o.delimiter = delimiters[(data[0] >> 1) & 3];
        o.gender_mask = (data[0] >> 3) & 7;
        o.source_column = data[0] & 0x40 ? "source" : NULL;
        o.indicator = data[0] & 0x80 ? "U33401" : NULL;
        data++;
        len--;
    }
    run_import(data, len, csv_import, &o);
    return 0;
}

static bench_status json_import(bench_import_report *rep, bench_db *db, const char *data, size_t len, const void *opts)
{
    return bench_import_kolada_json_buffer(rep, db, data, len, "fuzz.json", opts);
}

int fuzz_json(const uint8_t *data, size_t len)
{
    run_import(data, len, json_import, NULL);
    return 0;
}

static bench_status population_import(bench_import_report *rep, bench_db *db, const char *data, size_t len,
                                      const void *opts)
{
    return bench_import_population_buffer(rep, db, data, len, "fuzz-scb.json", opts);
}

int fuzz_population(const uint8_t *data, size_t len)
{
    run_import(data, len, population_import, NULL);
    return 0;
}

/* The input is a snapshot file: it is opened through a memory file, so the loader maps it
 * as it maps a file on disk. */
int fuzz_snapshot(const uint8_t *data, size_t len)
{
    int fd = memfd_create("fuzz-snapshot", MFD_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, data, len) == (ssize_t)len);
    bench_error err;
    bench_db *db = open_memory_file(fd, &err);
    close(fd);
    if (!db) {
        REQUIRE(err.code < 0 && err.message[0]);
        return 0;
    }
    use(db);
    /* the first change copies the mapped columns */
    REQUIRE(bench_import_csv_buffer(NULL, db, BASE, sizeof BASE - 1, "again.csv", NULL) == BENCH_OK);
    use(db);
    bench_db_free(db);
    return 0;
}

const fuzz_target fuzz_targets[] = {
    { "csv", fuzz_csv },           { "json", fuzz_json }, { "population", fuzz_population },
    { "snapshot", fuzz_snapshot }, { NULL, NULL },
};
