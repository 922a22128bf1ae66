/* test_store.c -- queries (filters, order, dictionaries), frames, snapshots and the handle's error paths. */
#include "tests.h"

#include <pthread.h>

static bench_db *sample(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,gender,kind,value\n"
                                      "U2,1490,2024,T,utfall,4\n"
                                      "U1,1490,2023,T,utfall,1\n"
                                      "U1,1490,2023-T2,T,utfall,2\n"
                                      "U1,1490,2023-T1,T,utfall,3\n"
                                      "U1,0138,2023,M,målvärde,6\n"
                                      "U1,0138,2023,K,utfall,5\n"
                                      "U1,0138,2023,T,utfall,7\n"
                                      "U1,0138,2023,M,utfall,8\n"
                                      "U1,1490,2024,T,utfall,9\n",
                                      NULL, NULL),
                          BENCH_OK);
    return db;
}

static size_t rows_for(bench_db *db, const bench_query *q)
{
    bench_frame *f = NULL;
    int st = bench_values(&f, db, q);
    CU_ASSERT_EQUAL(st, BENCH_OK);
    size_t n = st == BENCH_OK ? bench_frame_rows(f) : (size_t)-1;
    bench_frame_free(f);
    return n;
}

static void test_columns_and_order(void)
{
    bench_db *db = sample();
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 9);
    CU_ASSERT_EQUAL_FATAL(bench_frame_columns(f), 9);
    const char *names[] = { "indicator", "area", "period", "gender", "kind", "value", "count", "status", "source" };
    bench_column_type types[] = { BENCH_COLUMN_CODE, BENCH_COLUMN_CODE, BENCH_COLUMN_CODE,
                                  BENCH_COLUMN_CODE, BENCH_COLUMN_CODE, BENCH_COLUMN_F64,
                                  BENCH_COLUMN_I32,  BENCH_COLUMN_CODE, BENCH_COLUMN_CODE };
    for (size_t c = 0; c < 9; c++) {
        const char *name = NULL;
        bench_column_type type = (bench_column_type)99;
        const void *data = NULL;
        CU_ASSERT_EQUAL(bench_frame_column(&name, &type, &data, f, c), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(name, names[c]);
        CU_ASSERT_EQUAL(type, types[c]);
        CU_ASSERT_PTR_NOT_NULL(data);
        CU_ASSERT_EQUAL(((uintptr_t)data) % 64, 0); /* aligned for numpy and Arrow */
    }
    /* ordered by indicator, area, period in time (2023-T1 < 2023-T2 < 2023 < 2024), gender T, K, M, kind */
    struct {
        const char *ind, *area, *period, *gender, *kind;
        double value;
    } expected[] = { { "U1", "0138", "2023", "T", "utfall", 7 },    { "U1", "0138", "2023", "K", "utfall", 5 },
                     { "U1", "0138", "2023", "M", "utfall", 8 },    { "U1", "0138", "2023", "M", "målvärde", 6 },
                     { "U1", "1490", "2023-T1", "T", "utfall", 3 }, { "U1", "1490", "2023-T2", "T", "utfall", 2 },
                     { "U1", "1490", "2023", "T", "utfall", 1 },    { "U1", "1490", "2024", "T", "utfall", 9 },
                     { "U2", "1490", "2024", "T", "utfall", 4 } };
    for (size_t r = 0; r < 9; r++) {
        CU_ASSERT_STRING_EQUAL(code_at(f, 0, r), expected[r].ind);
        CU_ASSERT_STRING_EQUAL(code_at(f, 1, r), expected[r].area);
        CU_ASSERT_STRING_EQUAL(code_at(f, 2, r), expected[r].period);
        CU_ASSERT_STRING_EQUAL(code_at(f, 3, r), expected[r].gender);
        CU_ASSERT_STRING_EQUAL(code_at(f, 4, r), expected[r].kind);
        CU_ASSERT_EQUAL(f64_at(f, 5, r), expected[r].value);
        CU_ASSERT_EQUAL(i32_at(f, 6, r), 1);
        CU_ASSERT_STRING_EQUAL(code_at(f, 7, r), "ok");
        CU_ASSERT_STRING_EQUAL(code_at(f, 8, r), "test.csv");
    }
    CU_ASSERT_PTR_NULL(bench_frame_meta(f, "method"));
    CU_ASSERT_PTR_NULL(bench_frame_meta(f, NULL));
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_order_by_source(void)
{
    bench_db *db = new_db();
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source = "b-rapport";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nX,1490,2022,1\n", &o, NULL), BENCH_OK);
    o.source = "a-rapport";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nX,1490,2022,2\n", &o, NULL), BENCH_OK);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, NULL), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_frame_rows(f), 2);
    CU_ASSERT_STRING_EQUAL(code_at(f, 8, 0), "a-rapport");
    CU_ASSERT_STRING_EQUAL(code_at(f, 8, 1), "b-rapport");
    CU_ASSERT_EQUAL(f64_at(f, 5, 0), 2);
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_dictionaries(void)
{
    bench_db *db = sample();
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, NULL), BENCH_OK);
    const char *const *dict;
    size_t n;
    struct {
        size_t col;
        size_t n;
        const char *entries[5];
    } expected[] = { { 0, 2, { "U1", "U2" } },
                     { 1, 2, { "0138", "1490" } },
                     { 2, 4, { "2023-T1", "2023-T2", "2023", "2024" } }, /* chronological */
                     { 3, 3, { "T", "K", "M" } },
                     { 4, 2, { "utfall", "målvärde" } },
                     { 7, 1, { "ok" } },
                     { 8, 1, { "test.csv" } } };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        CU_ASSERT_EQUAL(bench_frame_dictionary(&dict, &n, f, expected[i].col), BENCH_OK);
        CU_ASSERT_EQUAL(n, expected[i].n); /* distinct codes only, of the rows returned */
        for (size_t k = 0; k < n && k < expected[i].n; k++)
            CU_ASSERT_STRING_EQUAL(dict[k], expected[i].entries[k]);
    }
    CU_ASSERT_EQUAL(bench_frame_dictionary(NULL, NULL, f, 0), BENCH_OK); /* out-pointers may be NULL */
    /* not CODE columns, and out of range */
    CU_ASSERT_EQUAL(bench_frame_dictionary(&dict, &n, f, 5), BENCH_EINVAL); /* F64 */
    CU_ASSERT_EQUAL(bench_frame_dictionary(&dict, &n, f, 6), BENCH_EINVAL); /* I32 */
    CU_ASSERT_EQUAL(bench_frame_dictionary(&dict, &n, f, 9), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_frame_dictionary(&dict, &n, NULL, 0), BENCH_EINVAL);
    const char *name = "untouched";
    CU_ASSERT_EQUAL(bench_frame_column(&name, NULL, NULL, f, 9), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_frame_column(&name, NULL, NULL, f, (size_t)-1), BENCH_EINVAL);
    CU_ASSERT_STRING_EQUAL(name, "untouched");
    CU_ASSERT_EQUAL(bench_frame_column(&name, NULL, NULL, NULL, 0), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_frame_column(NULL, NULL, NULL, f, 8), BENCH_OK);
    bench_frame_free(f);
    /* a filtered frame has the dictionary of its own rows */
    const char *ind[] = { "U2" };
    bench_query q = BENCH_QUERY_INIT;
    q.indicators = ind;
    q.n_indicators = 1;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, &q), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_dictionary(&dict, &n, f, 2), BENCH_OK);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_STRING_EQUAL(dict[0], "2024");
    bench_frame_free(f);
    /* frames with no rows */
    q.indicators = (const char *[]){ "NOPE" };
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, &q), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 0);
    CU_ASSERT_EQUAL(bench_frame_columns(f), 9);
    CU_ASSERT_EQUAL(bench_frame_dictionary(&dict, &n, f, 0), BENCH_OK);
    CU_ASSERT_EQUAL(n, 0);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(bench_frame_rows(NULL), 0);
    CU_ASSERT_EQUAL(bench_frame_columns(NULL), 0);
    CU_ASSERT_PTR_NULL(bench_frame_meta(NULL, "method"));
    bench_frame_free(NULL);
    bench_db_free(NULL);
    bench_db_free(db);
}

static void test_filters(void)
{
    bench_db *db = sample();
    bench_query q = BENCH_QUERY_INIT;
    CU_ASSERT_EQUAL(rows_for(db, &q), 9);
    CU_ASSERT_EQUAL(rows_for(db, NULL), 9);
    /* indicators */
    const char *u1[] = { "U1" }, *u1_nope[] = { "U1", "NOPE" }, *nope[] = { "NOPE" };
    q.indicators = u1;
    q.n_indicators = 1;
    CU_ASSERT_EQUAL(rows_for(db, &q), 8);
    q.indicators = u1_nope;
    q.n_indicators = 2;
    CU_ASSERT_EQUAL(rows_for(db, &q), 8); /* an unknown code matches nothing */
    q.indicators = nope;
    q.n_indicators = 1;
    CU_ASSERT_EQUAL(rows_for(db, &q), 0);
    q.n_indicators = 0; /* a count of 0 means all */
    CU_ASSERT_EQUAL(rows_for(db, &q), 9);
    q = (bench_query)BENCH_QUERY_INIT;
    /* areas */
    const char *boras[] = { "1490" }, *unknown_area[] = { "9999" }, *both[] = { "0138", "1490", "9999" };
    q.areas = boras;
    q.n_areas = 1;
    CU_ASSERT_EQUAL(rows_for(db, &q), 5);
    q.areas = unknown_area;
    CU_ASSERT_EQUAL(rows_for(db, &q), 0);
    q.areas = both;
    q.n_areas = 3;
    CU_ASSERT_EQUAL(rows_for(db, &q), 9);
    q = (bench_query)BENCH_QUERY_INIT;
    /* periods */
    const char *y2023[] = { "2023" }, *tertials[] = { "2023-T1", "2023-T2" }, *no_period[] = { "1999" };
    q.periods = y2023;
    q.n_periods = 1;
    CU_ASSERT_EQUAL(rows_for(db, &q), 5);
    q.periods = tertials;
    q.n_periods = 2;
    CU_ASSERT_EQUAL(rows_for(db, &q), 2);
    q.periods = no_period;
    q.n_periods = 1;
    CU_ASSERT_EQUAL(rows_for(db, &q), 0);
    q = (bench_query)BENCH_QUERY_INIT;
    /* genders */
    q.gender_mask = 1u << BENCH_GENDER_T;
    CU_ASSERT_EQUAL(rows_for(db, &q), 6);
    q.gender_mask = 1u << BENCH_GENDER_K;
    CU_ASSERT_EQUAL(rows_for(db, &q), 1);
    q.gender_mask = 1u << BENCH_GENDER_M;
    CU_ASSERT_EQUAL(rows_for(db, &q), 2);
    q.gender_mask = 1u << BENCH_GENDER_K | 1u << BENCH_GENDER_M;
    CU_ASSERT_EQUAL(rows_for(db, &q), 3);
    q.gender_mask = 0;
    /* kinds */
    q.kind_mask = 1u << BENCH_KIND_UTFALL;
    CU_ASSERT_EQUAL(rows_for(db, &q), 8);
    q.kind_mask = 1u << BENCH_KIND_MALVARDE;
    CU_ASSERT_EQUAL(rows_for(db, &q), 1);
    q.kind_mask = 1u << BENCH_KIND_BUDGET | 1u << BENCH_KIND_PROGNOS;
    CU_ASSERT_EQUAL(rows_for(db, &q), 0);
    /* everything at once: U1, 0138, 2023, T or M, utfall */
    const char *tyreso[] = { "0138" };
    q.indicators = u1;
    q.n_indicators = 1;
    q.areas = tyreso;
    q.n_areas = 1;
    q.periods = y2023;
    q.n_periods = 1;
    q.gender_mask = 1u << BENCH_GENDER_T | 1u << BENCH_GENDER_M;
    q.kind_mask = 1u << BENCH_KIND_UTFALL;
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, &q), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_frame_rows(f), 2);
    CU_ASSERT_EQUAL(f64_at(f, 5, 0), 7);
    CU_ASSERT_EQUAL(f64_at(f, 5, 1), 8);
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_query_errors(void)
{
    bench_db *db = sample();
    bench_frame *f = (bench_frame *)db; /* must be reset to NULL on failure */
    bench_query q = BENCH_QUERY_INIT;
    q.version = 7;
    CU_ASSERT_EQUAL(bench_values(&f, db, &q), BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->code, BENCH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "version"));
    q.version = 0;
    CU_ASSERT_EQUAL(bench_values(&f, db, &q), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_values(NULL, db, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->code, BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_values(&f, NULL, NULL), BENCH_EINVAL);
    /* a successful call clears the last error */
    CU_ASSERT_EQUAL(bench_values(&f, db, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->code, BENCH_OK);
    CU_ASSERT_STRING_EQUAL(bench_db_last_error(db)->message, "");
    bench_frame_free(f);
    CU_ASSERT_EQUAL(bench_db_count(db), 9);
    bench_db_free(db);
}

static void test_db_new_errors(void)
{
    bench_error err;
    bench_db *db = (bench_db *)&err;
    bench_db_options o = BENCH_DB_OPTIONS_INIT;
    o.version = 42;
    CU_ASSERT_EQUAL(bench_db_new(&db, &o, &err), BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_EQUAL(err.code, BENCH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "version"));
    CU_ASSERT_PTR_NOT_NULL(err.source_file);
    CU_ASSERT_EQUAL(bench_db_new(&db, &o, NULL), BENCH_EINVAL); /* err may be NULL */
    CU_ASSERT_EQUAL(bench_db_new(NULL, NULL, &err), BENCH_EINVAL);
    CU_ASSERT_EQUAL(err.code, BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(bench_db_last_error(NULL));
    CU_ASSERT_EQUAL(bench_db_count(NULL), 0);
    CU_ASSERT_EQUAL(bench_area_count(NULL), 0);
    /* zero limits mean the defaults */
    o = (bench_db_options)BENCH_DB_OPTIONS_INIT;
    o.max_field_bytes = 0;
    o.max_columns = 0;
    CU_ASSERT_EQUAL_FATAL(bench_db_new(&db, &o, &err), BENCH_OK);
    CU_ASSERT_EQUAL(err.code, BENCH_OK);
    CU_ASSERT_EQUAL(bench_db_count(db), 0);
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nU1,1490,2022,5\n", NULL, NULL), BENCH_OK);
    bench_db_free(db);
}

static void test_snapshot_round_trip(void)
{
    bench_db *db = sample();
    const char *groups[] = { "1490", "0138" };
    CU_ASSERT_EQUAL(bench_group_set(db, "GX", "two", groups, 2), BENCH_OK);
    fingerprint before = take_fingerprint(db);
    char *dump = dump_values(db);
    char path[512], bad[512];
    snprintf(path, sizeof path, "%s/test.kbsnap", temp_dir());
    snprintf(bad, sizeof bad, "%s/bad.kbsnap", temp_dir());
    CU_ASSERT_EQUAL_FATAL(bench_db_save(db, path), BENCH_OK);
    bench_db *d2 = NULL;
    bench_error err;
    CU_ASSERT_EQUAL_FATAL(bench_db_open(&d2, path, &err), BENCH_OK);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(d2)));
    char *dump2 = dump_values(d2);
    CU_ASSERT_STRING_EQUAL(dump2, dump);
    free(dump2);
    const char *name = "";
    CU_ASSERT_EQUAL(bench_area_info(NULL, &name, NULL, NULL, d2, "1490"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "Borås");
    bench_frame *f;
    CU_ASSERT_EQUAL(bench_group_members(&f, d2, "GX"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 2);
    bench_frame_free(f);
    /* a mapped database can be changed */
    CU_ASSERT_EQUAL(import_text(d2, "kpi,municipality,period,value\nU1,1490,2025,9\n", NULL, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_db_count(d2), bench_db_count(db) + 1);
    bench_db_free(d2);
    /* damaged files: truncated, flipped byte, not a snapshot, missing */
    FILE *in = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    static char buf[65536];
    size_t len = fread(buf, 1, sizeof buf, in);
    fclose(in);
    CU_ASSERT_TRUE_FATAL(len > 64 && len < sizeof buf);
    struct {
        size_t len;
        size_t flip;
        int code;
    } cases[] = { { len / 2, 0, BENCH_ECORRUPT },
                  { len, len - 5, BENCH_ECORRUPT },
                  { len, 1, BENCH_ECORRUPT },
                  { 10, 0, BENCH_ECORRUPT },
                  { len, 8, BENCH_EVERSION } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static char copy[65536];
        memcpy(copy, buf, len);
        if (cases[i].flip)
            copy[cases[i].flip] ^= (char)0x5A;
        CU_ASSERT_EQUAL_FATAL(write_temp_file(bad, sizeof bad, "bad.kbsnap", copy, cases[i].len), 0);
        d2 = (bench_db *)&err;
        CU_ASSERT_EQUAL(bench_db_open(&d2, bad, &err), cases[i].code);
        CU_ASSERT_PTR_NULL(d2);
        CU_ASSERT_STRING_EQUAL(err.file, bad);
    }
    remove(bad);
    snprintf(bad, sizeof bad, "%s/none.kbsnap", temp_dir());
    CU_ASSERT_EQUAL(bench_db_open(&d2, bad, &err), BENCH_EIO);
    CU_ASSERT_EQUAL(bench_db_open(NULL, "x", &err), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_db_save(db, "/nonexistent/dir/x.kbsnap"), BENCH_EIO);
    CU_ASSERT_EQUAL(bench_db_save(db, NULL), BENCH_EINVAL);
    remove(path);
    free(dump);
    bench_db_free(db);
}

/* The bytes of column `kind` (a section kind of snapshot.c: 11 area, 15 status, 16 value). */
static char *snapshot_column(char *data, int kind)
{
    uint32_t n_sections;
    memcpy(&n_sections, data + 20, 4);
    for (uint32_t i = 0; i < n_sections; i++) {
        uint32_t k;
        uint64_t offset;
        memcpy(&k, data + 64 + 24 * i, 4);
        memcpy(&offset, data + 64 + 24 * i + 8, 8);
        if (k == (uint32_t)kind)
            return data + offset;
    }
    return NULL;
}

/* A snapshot large enough to be read and checked on two threads (over 16 MB): damage in its
 * second half is found, and a code, status or value out of range is found even in a file whose
 * checksum was made to agree. */
static void test_snapshot_large(void)
{
    size_t cap = (size_t)30 * 290 * 30 * 3 * 32 + 64, len = 0;
    char *csv = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    len += (size_t)sprintf(csv, "kpi,municipality,period,gender,value\n");
    for (int k = 0; k < 30; k++)
        for (int a = 0; a < 290; a++)
            for (int y = 1995; y < 2025; y++)
                for (int g = 0; g < 3; g++)
                    len += (size_t)sprintf(csv + len, "U%05d,%04d,%d,%c,%d.%d\n", 10000 + k, 114 + a, y, "TKM"[g],
                                           (k * 7 + y) % 1000, a % 10);
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(bench_import_csv_buffer(NULL, db, csv, len, "big.csv", NULL), BENCH_OK);
    free(csv);
    char path[512], bad[512];
    snprintf(path, sizeof path, "%s/large.kbsnap", temp_dir());
    snprintf(bad, sizeof bad, "%s/large-bad.kbsnap", temp_dir());
    CU_ASSERT_EQUAL_FATAL(bench_db_save(db, path), BENCH_OK);
    bench_db *d2 = NULL;
    bench_error err;
    CU_ASSERT_EQUAL_FATAL(bench_db_open(&d2, path, &err), BENCH_OK);
    CU_ASSERT_EQUAL(bench_db_count(d2), 783000);
    CU_ASSERT_TRUE(same_fingerprint(take_fingerprint(db), take_fingerprint(d2)));
    bench_db_free(d2);
    bench_db_free(db);
    FILE *in = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    fseek(in, 0, SEEK_END);
    size_t size = (size_t)ftell(in);
    rewind(in);
    char *file = malloc(size), *copy = malloc(size);
    CU_ASSERT_FATAL(file && copy && fread(file, 1, size, in) == size);
    fclose(in);
    CU_ASSERT_TRUE(size > (16u << 20));
    double nan_value = NAN;
    for (int damage = 0; damage < 4; damage++) {
        memcpy(copy, file, size);
        char *area = snapshot_column(copy, 11), *status = snapshot_column(copy, 15), *value = snapshot_column(copy, 16);
        CU_ASSERT_FATAL(area && status && value);
        if (damage == 0) /* a byte of the second half: the checksum */
            copy[size * 3 / 4] ^= 0x10;
        else if (damage == 1) /* the last row's area: a code past the area pool */
            memset(area + 2 * (783000 - 1), 0xFF, 2);
        else if (damage == 2) /* a status past the last one */
            status[700000] = 99;
        else /* a value marked OK that is NaN */
            memcpy(value + 8 * (size_t)(status[1] == 0 ? 1 : 2), &nan_value, 8);
        if (damage > 0)
            CU_ASSERT_TRUE(snapshot_reseal(copy, size));
        CU_ASSERT_EQUAL_FATAL(write_temp_file(bad, sizeof bad, "large-bad.kbsnap", copy, size), 0);
        d2 = NULL;
        CU_ASSERT_EQUAL(bench_db_open(&d2, bad, &err), BENCH_ECORRUPT);
        CU_ASSERT_PTR_NULL(d2);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, damage == 0 ? "checksum mismatch" : "out of range"));
    }
    /* resealed but unchanged: it opens */
    memcpy(copy, file, size);
    CU_ASSERT_TRUE(snapshot_reseal(copy, size));
    CU_ASSERT_EQUAL(memcmp(copy, file, size), 0);
    remove(bad);
    remove(path);
    free(file);
    free(copy);
}

/* ---- threads: the rules of bench.h ------------------------------------------------------ */

typedef struct thread_job {
    int k;                    /* which thread */
    const bench_frame *frame; /* shared, read only */
    const char *snapshot;     /* shared file, opened by each thread */
    int ok;                   /* set by the thread: every call behaved */
    double sum;               /* a result to compare */
} thread_job;

static double value_sum(const bench_frame *f)
{
    const void *data = NULL;
    double sum = 0;
    for (size_t c = 0; c < bench_frame_columns(f); c++) {
        const char *name;
        bench_frame_column(&name, NULL, &data, f, c);
        if (strcmp(name, "value") == 0)
            for (size_t r = 0; r < bench_frame_rows(f); r++)
                if (!isnan(((const double *)data)[r]))
                    sum += ((const double *)data)[r];
    }
    return sum;
}

/* Each thread its own database: import, normalize, compare, query. */
static void *own_database(void *arg)
{
    thread_job *job = arg;
    bench_db *db = NULL;
    char csv[4096];
    size_t len = (size_t)sprintf(csv, "kpi,municipality,period,value\n");
    for (int i = 0; i < 40; i++)
        len += (size_t)sprintf(csv + len, "U1,%04d,2022,%d\nN01951,%04d,2022,%d\n", 114 + i, job->k * 100 + i, 114 + i,
                               1000 + i);
    job->ok = bench_db_new(&db, NULL, NULL) == BENCH_OK &&
              bench_import_csv_buffer(NULL, db, csv, len, "t.csv", NULL) == BENCH_OK;
    for (int round = 0; job->ok && round < 20; round++) {
        bench_frame *f = NULL;
        bench_per_capita_options pc = BENCH_PER_CAPITA_INIT;
        pc.indicator = "U1";
        job->ok = bench_per_capita(&f, db, &pc) == BENCH_OK && bench_frame_rows(f) == 40;
        bench_frame_free(f);
        f = NULL;
        job->ok = job->ok && bench_compare_all(&f, db, NULL, 0, BENCH_DIRECTION_DEFAULT) == BENCH_OK;
        bench_frame_free(f);
        f = NULL;
        const char *ind[] = { "U1" };
        bench_query q = BENCH_QUERY_INIT;
        q.indicators = ind;
        q.n_indicators = 1;
        job->ok = job->ok && bench_values(&f, db, &q) == BENCH_OK;
        if (job->ok)
            job->sum = value_sum(f);
        bench_frame_free(f);
    }
    bench_db_free(db);
    return NULL;
}

/* Many threads read one frame. */
static void *read_frame(void *arg)
{
    thread_job *job = arg;
    job->ok = 1;
    for (int round = 0; round < 200; round++) {
        for (size_t c = 0; c < bench_frame_columns(job->frame); c++) {
            const char *const *dict;
            size_t n;
            bench_column_type type;
            job->ok &= bench_frame_column(NULL, &type, NULL, job->frame, c) == BENCH_OK;
            if (type == BENCH_COLUMN_CODE)
                job->ok &= bench_frame_dictionary(&dict, &n, job->frame, c) == BENCH_OK && n > 0;
        }
        job->sum = value_sum(job->frame);
    }
    return NULL;
}

/* Many threads open the same snapshot, each its own handle. */
static void *open_snapshot(void *arg)
{
    thread_job *job = arg;
    bench_db *db = NULL;
    bench_frame *f = NULL;
    job->ok = bench_db_open(&db, job->snapshot, NULL) == BENCH_OK && bench_values(&f, db, NULL) == BENCH_OK;
    if (job->ok)
        job->sum = value_sum(f);
    bench_frame_free(f);
    bench_db_free(db);
    return NULL;
}

static void run_threads(void *(*fn)(void *), thread_job *jobs, int n)
{
    pthread_t t[8];
    for (int i = 0; i < n; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, fn, &jobs[i]), 0);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
}

static void test_threads(void)
{
    thread_job jobs[8];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < 8; i++)
        jobs[i].k = i;
    run_threads(own_database, jobs, 8);
    for (int i = 0; i < 8; i++) {
        CU_ASSERT_TRUE(jobs[i].ok);
        CU_ASSERT_EQUAL(jobs[i].sum, 40 * 100.0 * i + 780); /* k*100+i summed over i < 40 */
    }

    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,value\nU1,1490,2022,5\nU1,0138,2022,7.5\n"
                                      "U1,0180,2022,..\n",
                                      NULL, NULL),
                          BENCH_OK);
    bench_frame *frame = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_values(&frame, db, NULL), BENCH_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/threads.kbsnap", temp_dir());
    CU_ASSERT_EQUAL_FATAL(bench_db_save(db, path), BENCH_OK);
    bench_db_free(db); /* the frame does not depend on the database */
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < 8; i++) {
        jobs[i].frame = frame;
        jobs[i].snapshot = path;
    }
    run_threads(read_frame, jobs, 8);
    for (int i = 0; i < 8; i++) {
        CU_ASSERT_TRUE(jobs[i].ok);
        CU_ASSERT_EQUAL(jobs[i].sum, 12.5);
    }
    run_threads(open_snapshot, jobs, 8);
    for (int i = 0; i < 8; i++) {
        CU_ASSERT_TRUE(jobs[i].ok);
        CU_ASSERT_EQUAL(jobs[i].sum, 12.5);
    }
    bench_frame_free(frame);
    remove(path);
}

int register_store_suite(void)
{
    CU_pSuite s = CU_add_suite("store", NULL, NULL);
    return !s || !CU_add_test(s, "columns and order", test_columns_and_order) ||
           !CU_add_test(s, "order by source", test_order_by_source) ||
           !CU_add_test(s, "dictionaries and frame errors", test_dictionaries) ||
           !CU_add_test(s, "filters", test_filters) || !CU_add_test(s, "query errors", test_query_errors) ||
           !CU_add_test(s, "bench_db_new errors", test_db_new_errors) ||
           !CU_add_test(s, "snapshot round trip and damage", test_snapshot_round_trip) ||
           !CU_add_test(s, "a large snapshot: two threads, damage in either half", test_snapshot_large) ||
           !CU_add_test(s, "threads: own databases, a shared frame, a shared snapshot", test_threads);
}
