/* test_cells.c -- one SCB cell named two ways is an error naming both, never a sum; Kolada
 * metadata responses are all or nothing. */
#include "tests.h"

#define V1_HEAD "{\"columns\":[{\"code\":\"Region\",\"type\":\"d\"},{\"code\":\"Kon\",\"type\":\"d\"}," \
                "{\"code\":\"Tid\",\"type\":\"t\"},{\"code\":\"BE0101N1\",\"type\":\"c\"}],\"data\":["
#define JS_HEAD(region, kon) \
    "{\"class\":\"dataset\",\"id\":[\"Region\",\"Kon\",\"ContentsCode\",\"Tid\"],\"size\":[1,2,1,1]," \
    "\"dimension\":{\"Region\":{\"category\":{\"index\":{\"" region "\":0}}}," \
    "\"Kon\":{\"category\":{\"index\":" kon "}}," \
    "\"ContentsCode\":{\"category\":{\"index\":{\"BE0101N1\":0}}},\"Tid\":{\"category\":{\"index\":{\"2024\":0}}}}," \
    "\"value\":"

static void expect_twice(const char *json, const char *first, const char *second)
{
    bench_db *db = new_db();
    fingerprint before = take_fingerprint(db);
    bench_import_report rep;
    int st = bench_import_population(&rep, db, json, strlen(json), "scb.json", NULL);
    CU_ASSERT_EQUAL(st, BENCH_EPARSE);
    const char *msg = bench_db_last_error(db)->message;
    if (st != BENCH_EPARSE || !strstr(msg, first) || !strstr(msg, second))
        fprintf(stderr, "\n  expected an error naming %s and %s: %s (%d)\n", first, second, msg, st);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, first));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, second));
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    bench_db_free(db);
}

static void test_scb_cell_given_twice(void)
{
    /* PxWeb v1: region 138 and 0138, kön 1 and "män", "1+2" and "T", the same key twice */
    expect_twice(V1_HEAD "{\"key\":[\"0138\",\"1\",\"2024\"],\"values\":[\"100\"]},"
                         "{\"key\":[\"138\",\"1\",\"2024\"],\"values\":[\"100\"]}]}",
                 "data[1].values[0]", "data[0].values[0]");
    expect_twice(V1_HEAD "{\"key\":[\"0138\",\"1\",\"2024\"],\"values\":[\"100\"]},"
                         "{\"key\":[\"0138\",\"män\",\"2024\"],\"values\":[\"100\"]}]}",
                 "data[1]", "data[0]");
    expect_twice(V1_HEAD "{\"key\":[\"0138\",\"1+2\",\"2024\"],\"values\":[\"100\"]},"
                         "{\"key\":[\"0138\",\"T\",\"2024\"],\"values\":[\"100\"]}]}",
                 "data[1]", "data[0]");
    expect_twice(V1_HEAD "{\"key\":[\"0138\",\"1\",\"2024\"],\"values\":[\"100\"]},"
                         "{\"key\":[\"0138\",\"1\",\"2024\"],\"values\":[\"100\"]}]}",
                 "data[1]", "data[0]");
    /* a column repeated, or two columns meaning the region */
    expect_twice("{\"columns\":[{\"code\":\"Region\",\"type\":\"d\"},{\"code\":\"Region\",\"type\":\"d\"},"
                 "{\"code\":\"Tid\",\"type\":\"t\"},{\"code\":\"BE0101N1\",\"type\":\"c\"}],\"data\":["
                 "{\"key\":[\"0138\",\"0138\",\"2024\"],\"values\":[\"100\"]}]}",
                 "columns[1]", "columns[0]");
    expect_twice("{\"columns\":[{\"code\":\"Region\",\"type\":\"d\"},{\"code\":\"region\",\"type\":\"d\"},"
                 "{\"code\":\"Tid\",\"type\":\"t\"},{\"code\":\"BE0101N1\",\"type\":\"c\"}],\"data\":["
                 "{\"key\":[\"0138\",\"0180\",\"2024\"],\"values\":[\"100\"]}]}",
                 "columns[1]", "columns[0]");
    /* JSON-stat 2, dense: kön "1" and "män" at two positions */
    expect_twice(JS_HEAD("0138", "{\"1\":0,\"män\":1}") "[100, 100]}", "value[1]", "value[0]");
    expect_twice(JS_HEAD("0138", "[\"1+2\",\"T\"]") "[100, 100]}", "value[1]", "value[0]");
    /* sparse: the same index written two ways is the same cell */
    expect_twice(JS_HEAD("0138", "{\"1\":0,\"2\":1}") "{\"1\": 100, \"01\": 100}}", "value.01", "value.1");
    expect_twice(JS_HEAD("0138", "{\"1\":0,\"2\":1}") "{\"0\": 100, \"00\": 100}}", "value.00", "value.0");
    /* a dimension id given twice */
    expect_twice("{\"class\":\"dataset\",\"id\":[\"Region\",\"Region\",\"ContentsCode\",\"Tid\"],\"size\":[1,1,1,1],"
                 "\"dimension\":{\"Region\":{\"category\":{\"index\":{\"0138\":0}}},"
                 "\"ContentsCode\":{\"category\":{\"index\":{\"BE0101N1\":0}}},\"Tid\":{\"category\":{\"index\":{\"2024\":0}}}},"
                 "\"value\":[1]}",
                 "id[1]", "id[0]");
    /* a summed dimension (civilstånd) with one code at two positions */
    expect_twice("{\"class\":\"dataset\",\"id\":[\"Region\",\"Civilstand\",\"ContentsCode\",\"Tid\"],\"size\":[1,2,1,1],"
                 "\"dimension\":{\"Region\":{\"category\":{\"index\":{\"0138\":0}}},"
                 "\"Civilstand\":{\"category\":{\"index\":[\"OG\",\"OG\"]}},"
                 "\"ContentsCode\":{\"category\":{\"index\":{\"BE0101N1\":0}}},\"Tid\":{\"category\":{\"index\":{\"2024\":0}}}},"
                 "\"value\":[1, 2]}",
                 "value[1]", "value[0]");
    /* an index with a sign or a space is no index */
    const char *odd[] = {JS_HEAD("0138", "{\"1\":0,\"2\":1}") "{\"+1\": 100}}",
                         JS_HEAD("0138", "{\"1\":0,\"2\":1}") "{\" 1\": 100}}"};
    for (size_t i = 0; i < 2; i++) {
        bench_db *db = new_db();
        bench_import_report rep;
        CU_ASSERT_EQUAL(bench_import_population(&rep, db, odd[i], strlen(odd[i]), "scb.json", NULL), BENCH_EPARSE);
        bench_db_free(db);
    }
    /* summed dimensions still sum (civilstånd OG + G), and distinct cells stay distinct */
    bench_db *db = new_db();
    const char *ok = "{\"class\":\"dataset\",\"id\":[\"Region\",\"Civilstand\",\"Kon\",\"ContentsCode\",\"Tid\"],"
                     "\"size\":[1,2,2,1,1],\"dimension\":{\"Region\":{\"category\":{\"index\":{\"0138\":0}}},"
                     "\"Civilstand\":{\"category\":{\"index\":[\"OG\",\"G\"]}},\"Kon\":{\"category\":{\"index\":[\"1\",\"2\"]}},"
                     "\"ContentsCode\":{\"category\":{\"index\":{\"BE0101N1\":0}}},\"Tid\":{\"category\":{\"index\":{\"2024\":0}}}},"
                     "\"value\":{\"0\": 1, \"1\": 2, \"2\": 10, \"3\": 20}}";
    bench_import_report rep;
    CU_ASSERT_EQUAL(bench_import_population(&rep, db, ok, strlen(ok), "scb.json", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1", "0138", "2024", BENCH_GENDER_M), 11);
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1", "0138", "2024", BENCH_GENDER_K), 22);
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1", "0138", "2024", BENCH_GENDER_T), 33);
    bench_db_free(db);
}

int register_cells_suite(void)
{
    CU_pSuite s = CU_add_suite("cells", NULL, NULL);
    return !s || !CU_add_test(s, "an SCB cell given twice is an error naming both", test_scb_cell_given_twice);
}
