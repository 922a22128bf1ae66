/* test_store.c -- queries, ordering, frames, snapshots and the handle's error paths. */
#include "tests.h"

static bench_db *sample(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,gender,kind,value\n"
                                    "U2,1490,2024,T,utfall,4\nU1,1490,2023,T,utfall,1\nU1,1490,2023-T2,T,utfall,2\n"
                                    "U1,1490,2023-T1,T,utfall,3\nU1,0138,2023,K,utfall,5\nU1,0138,2023,M,målvärde,6\n"
                                    "U1,0138,2023,T,utfall,7\n",
                                NULL, NULL), BENCH_OK);
    return db;
}

static const char *text_at(bench_frame *f, size_t col, size_t row)
{
    const uint32_t *codes;
    const char *const *dict;
    bench_frame_column(NULL, NULL, (const void **)&codes, f, col);
    bench_frame_dictionary(&dict, NULL, f, col);
    return dict[codes[row]];
}

static void test_order_and_dictionaries(void)
{
    bench_db *db = sample();
    bench_frame *f;
    bench_query q = BENCH_QUERY_INIT;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, &q), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 7);
    CU_ASSERT_EQUAL(bench_frame_columns(f), 9);
    const char *expected[][4] = {{"U1", "0138", "2023", "T"}, {"U1", "0138", "2023", "K"},
                                 {"U1", "0138", "2023", "M"}, {"U1", "1490", "2023-T1", "T"},
                                 {"U1", "1490", "2023-T2", "T"}, {"U1", "1490", "2023", "T"},
                                 {"U2", "1490", "2024", "T"}};
    for (size_t r = 0; r < 7; r++)
        for (size_t c = 0; c < 4; c++)
            CU_ASSERT_STRING_EQUAL(text_at(f, c, r), expected[r][c]);
    const char *names[] = {"indicator", "area", "period", "gender", "kind", "value", "count", "status", "source"};
    for (size_t c = 0; c < 9; c++) {
        const char *name;
        CU_ASSERT_EQUAL(bench_frame_column(&name, NULL, NULL, f, c), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(name, names[c]);
    }
    const char *const *dict;
    size_t n;
    CU_ASSERT_EQUAL(bench_frame_dictionary(&dict, &n, f, 2), BENCH_OK);
    CU_ASSERT_EQUAL(n, 4); /* distinct, chronological */
    CU_ASSERT_STRING_EQUAL(dict[0], "2023-T1");
    CU_ASSERT_STRING_EQUAL(dict[3], "2024");
    CU_ASSERT_EQUAL(bench_frame_column(NULL, NULL, NULL, f, 9), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_frame_dictionary(&dict, &n, f, 5), BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(bench_frame_meta(f, "method"));
    bench_frame_free(f);
    bench_frame_free(NULL);
    bench_db_free(NULL);
    bench_db_free(db);
}

static void test_filters(void)
{
    bench_db *db = sample();
    bench_frame *f;
    const char *ind[] = {"U1", "NOPE"}, *areas[] = {"138"}, *periods[] = {"2023"};
    bench_query q = BENCH_QUERY_INIT;
    q.indicators = ind;
    q.n_indicators = 2;
    q.areas = areas; /* "138" does not match: codes are exact after normalization */
    q.n_areas = 0;
    q.periods = periods;
    q.n_periods = 1;
    q.gender_mask = 1u << BENCH_GENDER_T | 1u << BENCH_GENDER_K;
    q.kind_mask = 1u << BENCH_KIND_UTFALL;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, &q), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 3); /* 0138 T, 0138 K, 1490 T (2023) */
    bench_frame_free(f);
    const char *none[] = {"9999"};
    q.areas = none;
    q.n_areas = 1;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, &q), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 0);
    bench_frame_free(f);
    q.version = 7;
    CU_ASSERT_EQUAL(bench_values(&f, db, &q), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_values(NULL, db, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_values(&f, NULL, NULL), BENCH_EINVAL);
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
    CU_ASSERT_EQUAL(bench_db_new(NULL, NULL, &err), BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(bench_db_last_error(NULL));
    CU_ASSERT_EQUAL(bench_db_count(NULL), 0);
}

static void test_snapshot_round_trip(void)
{
    bench_db *db = sample();
    const char *groups[] = {"1490", "0138"};
    CU_ASSERT_EQUAL(bench_group_set(db, "GX", "two", groups, 2), BENCH_OK);
    fingerprint before = take_fingerprint(db);
    CU_ASSERT_EQUAL_FATAL(bench_db_save(db, "build/test.kbsnap"), BENCH_OK);
    bench_db *d2 = NULL;
    bench_error err;
    CU_ASSERT_EQUAL_FATAL(bench_db_open(&d2, "build/test.kbsnap", &err), BENCH_OK);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(d2)));
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
    FILE *in = fopen("build/test.kbsnap", "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    char buf[65536];
    size_t len = fread(buf, 1, sizeof buf, in);
    fclose(in);
    struct { size_t len; size_t flip; int code; } cases[] = {
        {len / 2, 0, BENCH_ECORRUPT}, {len, len - 5, BENCH_ECORRUPT}, {len, 1, BENCH_ECORRUPT},
        {10, 0, BENCH_ECORRUPT}, {len, 8, BENCH_EVERSION}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char copy[65536];
        memcpy(copy, buf, len);
        if (cases[i].flip)
            copy[cases[i].flip] ^= (char)0x5A;
        FILE *out = fopen("build/bad.kbsnap", "wb");
        fwrite(copy, 1, cases[i].len, out);
        fclose(out);
        d2 = (bench_db *)&err;
        CU_ASSERT_EQUAL(bench_db_open(&d2, "build/bad.kbsnap", &err), cases[i].code);
        CU_ASSERT_PTR_NULL(d2);
        CU_ASSERT_STRING_EQUAL(err.file, "build/bad.kbsnap");
    }
    CU_ASSERT_EQUAL(bench_db_open(&d2, "build/none.kbsnap", &err), BENCH_EIO);
    CU_ASSERT_EQUAL(bench_db_open(NULL, "x", &err), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_db_save(db, "/nonexistent/dir/x.kbsnap"), BENCH_EIO);
    CU_ASSERT_EQUAL(bench_db_save(db, NULL), BENCH_EINVAL);
    remove("build/test.kbsnap");
    remove("build/bad.kbsnap");
    bench_db_free(db);
}

int register_store_suite(void)
{
    CU_pSuite s = CU_add_suite("store", NULL, NULL);
    return !s || !CU_add_test(s, "order and dictionaries", test_order_and_dictionaries) ||
           !CU_add_test(s, "filters", test_filters) || !CU_add_test(s, "bench_db_new errors", test_db_new_errors) ||
           !CU_add_test(s, "snapshot round trip and damage", test_snapshot_round_trip);
}
