/* test_alloc.c -- every allocation of an operation fails in turn: the call reports out of
 * memory, leaks nothing (valgrind, make memcheck) and leaves the database as it was. */
#include "tests.h"

static const char *CSV = "kpi,municipality,period,gender,value\n"
                         "NEWX,1490,2021,T,1\nNEWX,0138,2021,T,2\nNEWX,9901,2021,K,3\nN01951,9901,2021,K,400\n";

static bench_db *base_db(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,gender,value\nX,1490,2022,T,5\nX,0138,2022,T,7\n"
                                    "N01951,1490,2022,T,100\nN01951,0138,2022,T,200\n",
                                NULL, NULL), BENCH_OK);
    return db;
}

typedef int (*operation)(bench_db *db);

static int op_import(bench_db *db) { return import_text(db, CSV, NULL, NULL); }

static int op_per_capita(bench_db *db)
{
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = "X";
    o.scale = 1000;
    bench_frame *f = NULL;
    int st = bench_per_capita(&f, db, &o);
    CU_ASSERT_TRUE(st == BENCH_OK ? f != NULL : f == NULL);
    bench_frame_free(f);
    return st;
}

static int op_compare(bench_db *db)
{
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    o.weight = "N01951";
    bench_frame *f = NULL;
    int st = bench_compare(&f, NULL, db, &o);
    bench_frame_free(f);
    return st;
}

static int op_compare_all(bench_db *db)
{
    bench_frame *f = NULL;
    int st = bench_compare_all(&f, db, NULL, 0, BENCH_DIRECTION_FROM_CATALOGUE);
    bench_frame_free(f);
    return st;
}

static int op_values(bench_db *db)
{
    bench_frame *f = NULL;
    int st = bench_values(&f, db, NULL);
    bench_frame_free(f);
    return st;
}

static int op_json(bench_db *db)
{
    const char *json = "{\"values\":[{\"kpi\":\"NEWJ\",\"municipality\":\"9903\",\"period\":2022,"
                       "\"values\":[{\"gender\":\"T\",\"value\":1.5,\"count\":1}]}]}";
    return bench_import_kolada_json(NULL, db, json, strlen(json), "j", NULL);
}

static int op_population(bench_db *db)
{
    const char *json = "{\"columns\":[{\"code\":\"Region\",\"type\":\"d\"},{\"code\":\"Kon\",\"type\":\"d\"},"
                       "{\"code\":\"Tid\",\"type\":\"t\"},{\"code\":\"BE0101N1\",\"type\":\"c\"}],"
                       "\"data\":[{\"key\":[\"1490\",\"1\",\"2022\"],\"values\":[\"57000\"]},"
                       "{\"key\":[\"1490\",\"2\",\"2022\"],\"values\":[\"58000\"]}]}";
    return bench_import_population(NULL, db, json, strlen(json), "p", NULL);
}

static int op_snapshot_open(bench_db *db)
{
    bench_db *d2 = NULL;
    int st = bench_db_open(&d2, "build/alloc.kbsnap", NULL);
    CU_ASSERT_TRUE(st == BENCH_OK ? d2 != NULL : d2 == NULL);
    if (d2) {
        long fail_at = bench_alloc_fail_at;
        bench_alloc_fail_at = 0; /* the comparison itself must not fail */
        CU_ASSERT_TRUE(same_fingerprint(take_fingerprint(db), take_fingerprint(d2)));
        bench_alloc_fail_at = fail_at;
    }
    bench_db_free(d2);
    return st;
}

static void walk(const char *name, operation op)
{
    int succeeded = 0;
    for (long k = 1; k < 100000 && !succeeded; k++) {
        bench_db *db = base_db();
        fingerprint before = take_fingerprint(db);
        bench_alloc_calls = 0;
        bench_alloc_fail_at = k;
        int st = op(db);
        long calls = bench_alloc_calls;
        bench_alloc_fail_at = 0;
        if (st == BENCH_OK) {
            /* done when no allocation was refused; a refusal can also be survived (libcsv
             * retries a failed buffer growth with a smaller block): then walk on */
            succeeded = calls < k;
        } else {
            CU_ASSERT_EQUAL(st, BENCH_ENOMEM);
            if (st != BENCH_ENOMEM)
                fprintf(stderr, "\n  %s: allocation %ld: status %d: %s\n", name, k, st,
                        bench_db_last_error(db)->message);
            CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
            /* still usable */
            CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nY,1490,2022,1\n", NULL, NULL), BENCH_OK);
        }
        bench_db_free(db);
    }
    CU_ASSERT_TRUE(succeeded);
}

static void test_import_csv(void) { walk("import_csv", op_import); }
static void test_per_capita(void) { walk("per_capita", op_per_capita); }
static void test_compare(void) { walk("compare", op_compare); }
static void test_compare_all(void) { walk("compare_all", op_compare_all); }
static void test_values(void) { walk("values", op_values); }
static void test_json(void) { walk("import_kolada_json", op_json); }
static void test_population(void) { walk("import_population", op_population); }

static void test_snapshot_open(void)
{
    bench_db *db = base_db();
    CU_ASSERT_EQUAL_FATAL(bench_db_save(db, "build/alloc.kbsnap"), BENCH_OK);
    bench_db_free(db);
    walk("db_open", op_snapshot_open);
    remove("build/alloc.kbsnap");
}

static void test_db_new(void)
{
    for (long k = 1; k < 100000; k++) {
        bench_db *db = (bench_db *)&k;
        bench_error err;
        bench_alloc_calls = 0;
        bench_alloc_fail_at = k;
        int st = bench_db_new(&db, NULL, &err);
        bench_alloc_fail_at = 0;
        if (st == BENCH_OK) {
            CU_ASSERT_EQUAL(bench_area_count(db), 290 + 21 + 1 + 9 + 1);
            bench_db_free(db);
            return;
        }
        CU_ASSERT_EQUAL(st, BENCH_ENOMEM);
        CU_ASSERT_PTR_NULL(db);
        CU_ASSERT_EQUAL(err.code, BENCH_ENOMEM);
    }
    CU_FAIL("bench_db_new never succeeded");
}

int register_alloc_suite(void)
{
    CU_pSuite s = CU_add_suite("allocation failure", NULL, NULL);
    return !s || !CU_add_test(s, "bench_db_new", test_db_new) || !CU_add_test(s, "import_csv", test_import_csv) ||
           !CU_add_test(s, "per_capita", test_per_capita) || !CU_add_test(s, "compare", test_compare) ||
           !CU_add_test(s, "compare_all", test_compare_all) || !CU_add_test(s, "values", test_values) ||
           !CU_add_test(s, "import_kolada_json", test_json) || !CU_add_test(s, "import_population", test_population) ||
           !CU_add_test(s, "snapshot open", test_snapshot_open);
}
