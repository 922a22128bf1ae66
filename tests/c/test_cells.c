/* test_cells.c -- one SCB cell named two ways is an error naming both, never a sum; Kolada
 * metadata responses are all or nothing. */
#include "tests.h"

#define V1_HEAD                                                                             \
    "{\"columns\":[{\"code\":\"Region\",\"type\":\"d\"},{\"code\":\"Kon\",\"type\":\"d\"}," \
    "{\"code\":\"Tid\",\"type\":\"t\"},{\"code\":\"BE0101N1\",\"type\":\"c\"}],\"data\":["
#define JS_HEAD(region, kon)                                                                                         \
    "{\"class\":\"dataset\",\"id\":[\"Region\",\"Kon\",\"ContentsCode\",\"Tid\"],\"size\":[1,2,1,1],"                \
    "\"dimension\":{\"Region\":{\"category\":{\"index\":{\"" region "\":0}}},"                                       \
    "\"Kon\":{\"category\":{\"index\":" kon "}},"                                                                    \
    "\"ContentsCode\":{\"category\":{\"index\":{\"BE0101N1\":0}}},\"Tid\":{\"category\":{\"index\":{\"2024\":0}}}}," \
    "\"value\":"

static void expect_twice(const char *json, const char *first, const char *second)
{
    bench_db *db = new_db();
    fingerprint before = take_fingerprint(db);
    bench_import_report rep;
    int st = bench_import_population_buffer(&rep, db, json, strlen(json), "scb.json", NULL);
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
    expect_twice(
        "{\"class\":\"dataset\",\"id\":[\"Region\",\"Region\",\"ContentsCode\",\"Tid\"],\"size\":[1,1,1,1],"
        "\"dimension\":{\"Region\":{\"category\":{\"index\":{\"0138\":0}}},"
        "\"ContentsCode\":{\"category\":{\"index\":{\"BE0101N1\":0}}},\"Tid\":{\"category\":{\"index\":{\"2024\":0}}}},"
        "\"value\":[1]}",
        "id[1]", "id[0]");
    /* a summed dimension (civilstånd) with one code at two positions */
    expect_twice(
        "{\"class\":\"dataset\",\"id\":[\"Region\",\"Civilstand\",\"ContentsCode\",\"Tid\"],\"size\":[1,2,1,1],"
        "\"dimension\":{\"Region\":{\"category\":{\"index\":{\"0138\":0}}},"
        "\"Civilstand\":{\"category\":{\"index\":[\"OG\",\"OG\"]}},"
        "\"ContentsCode\":{\"category\":{\"index\":{\"BE0101N1\":0}}},\"Tid\":{\"category\":{\"index\":{\"2024\":0}}}},"
        "\"value\":[1, 2]}",
        "value[1]", "value[0]");
    /* a negative population */
    {
        const char *neg = V1_HEAD "{\"key\":[\"0138\",\"1\",\"2024\"],\"values\":[\"-25000\"]}]}";
        bench_db *d = new_db();
        bench_import_report r;
        CU_ASSERT_EQUAL(bench_import_population_buffer(&r, d, neg, strlen(neg), "scb.json", NULL), BENCH_EPARSE);
        CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(d)->message, "negative"));
        bench_db_free(d);
    }
    /* an index with a sign or a space is no index */
    const char *odd[] = { JS_HEAD("0138", "{\"1\":0,\"2\":1}") "{\"+1\": 100}}",
                          JS_HEAD("0138", "{\"1\":0,\"2\":1}") "{\" 1\": 100}}" };
    for (size_t i = 0; i < 2; i++) {
        bench_db *db = new_db();
        bench_import_report rep;
        CU_ASSERT_EQUAL(bench_import_population_buffer(&rep, db, odd[i], strlen(odd[i]), "scb.json", NULL),
                        BENCH_EPARSE);
        bench_db_free(db);
    }
    /* summed dimensions still sum (civilstånd OG + G), and distinct cells stay distinct */
    bench_db *db = new_db();
    const char *ok =
        "{\"class\":\"dataset\",\"id\":[\"Region\",\"Civilstand\",\"Kon\",\"ContentsCode\",\"Tid\"],"
        "\"size\":[1,2,2,1,1],\"dimension\":{\"Region\":{\"category\":{\"index\":{\"0138\":0}}},"
        "\"Civilstand\":{\"category\":{\"index\":[\"OG\",\"G\"]}},\"Kon\":{\"category\":{\"index\":[\"1\",\"2\"]}},"
        "\"ContentsCode\":{\"category\":{\"index\":{\"BE0101N1\":0}}},\"Tid\":{\"category\":{\"index\":{\"2024\":0}}}},"
        "\"value\":{\"0\": 1, \"1\": 2, \"2\": 10, \"3\": 20}}";
    bench_import_report rep;
    CU_ASSERT_EQUAL(bench_import_population_buffer(&rep, db, ok, strlen(ok), "scb.json", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1", "0138", "2024", BENCH_GENDER_M), 11);
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1", "0138", "2024", BENCH_GENDER_K), 22);
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1", "0138", "2024", BENCH_GENDER_T), 33);
    bench_db_free(db);
}

/* ---- Kolada metadata: all or nothing ------------------------------------------------- */

/* The whole catalogue as text: areas (code, name, type, län, kommungrupp, members) and indicators. */
static char *catalogue_text(bench_db *db)
{
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    bench_frame *f = NULL;
    for (int which = 0; which < 2; which++) {
        CU_ASSERT_EQUAL_FATAL(which ? bench_indicators_frame(&f, db) : bench_areas_frame(&f, db), BENCH_OK);
        for (size_t r = 0; r < bench_frame_rows(f); r++)
            for (size_t c = 0; c < bench_frame_columns(f); c++) {
                const char *name;
                bench_column_type type;
                const void *data;
                bench_frame_column(&name, &type, &data, f, c);
                if (type == BENCH_COLUMN_CODE)
                    len += (size_t)snprintf(text + len, cap - len, "%s|", code_at(f, c, r));
                else if (type == BENCH_COLUMN_I32)
                    len += (size_t)snprintf(text + len, cap - len, "%d|", i32_at(f, c, r));
            }
        bench_frame_free(f);
    }
    const char *groups[] = { "G92790", "GTWO" };
    for (int g = 0; g < 2; g++) {
        if (bench_group_members(&f, db, groups[g]) != BENCH_OK)
            continue;
        for (size_t r = 0; r < bench_frame_rows(f); r++)
            len += (size_t)snprintf(text + len, cap - len, "%s:%s|", groups[g], code_at(f, 0, r));
        bench_frame_free(f);
    }
    return text;
}

static void expect_meta_unchanged(bench_db *db, const char *json, int code)
{
    char *before = catalogue_text(db);
    bench_import_report rep;
    int st = bench_import_kolada_json_buffer(&rep, db, json, strlen(json), "meta.json", NULL);
    CU_ASSERT_EQUAL(st, code);
    CU_ASSERT_EQUAL(rep.accepted, 0);
    char *after = catalogue_text(db);
    CU_ASSERT_STRING_EQUAL(after, before);
    free(after);
    free(before);
}

static bench_db *groups_db(void)
{
    bench_db *db = new_db();
    bench_import_report rep;
    const char *groups =
        "{\"values\":[{\"id\":\"GTWO\",\"title\":\"Två\",\"members\":[{\"id\":\"0180\"},{\"id\":\"1480\"}]}]}";
    CU_ASSERT_EQUAL_FATAL(bench_import_kolada_json_buffer(&rep, db, groups, strlen(groups), "g.json", NULL), BENCH_OK);
    return db;
}

/* Every allocation of a metadata import fails in turn: the catalogue is exactly as it was. */
static void walk_meta(const char *json)
{
    int done = 0;
    long refusals = 0;
    for (long k = 1; k < 100000 && !done; k++) {
        bench_db *db = groups_db();
        char *before = catalogue_text(db);
        bench_alloc_calls = 0;
        bench_alloc_fail_at = k;
        bench_import_report rep;
        int st = bench_import_kolada_json_buffer(&rep, db, json, strlen(json), "meta.json", NULL);
        long calls = bench_alloc_calls;
        bench_alloc_fail_at = 0;
        if (st == BENCH_OK) {
            done = calls < k;
        } else {
            refusals++;
            CU_ASSERT_EQUAL(st, BENCH_ENOMEM);
            char *after = catalogue_text(db);
            CU_ASSERT_STRING_EQUAL(after, before);
            free(after);
        }
        free(before);
        bench_db_free(db);
    }
    CU_ASSERT_TRUE(done);
    CU_ASSERT_TRUE(refusals > 0);
}

static void test_kolada_metadata_all_or_nothing(void)
{
    bench_db *db = groups_db();
    /* a group cut to one member, then an entry that cannot be applied (a kommun's code as a group id) */
    expect_meta_unchanged(db,
                          "{\"values\":[{\"id\":\"GTWO\",\"title\":\"cut\",\"members\":[{\"id\":\"0180\"}]},"
                          "{\"id\":\"G1\",\"title\":\"new\",\"members\":[{\"id\":\"0114\"}]},"
                          "{\"id\":\"1490\",\"title\":\"Borås as a group\",\"members\":[{\"id\":\"0114\"}]}]}",
                          BENCH_EPARSE);
    const char *name = NULL;
    bench_area_type type;
    CU_ASSERT_EQUAL(bench_area_info(&type, &name, NULL, NULL, db, "1490"), BENCH_OK);
    CU_ASSERT_EQUAL(type, BENCH_AREA_KOMMUN);
    CU_ASSERT_STRING_EQUAL(name, "Borås");
    /* over max_rows: refused before the first entry is applied */
    bench_db_options lim;
    bench_db_limits(&lim, db);
    lim.max_rows = 2;
    CU_ASSERT_EQUAL(bench_db_set_limits(db, &lim), BENCH_OK);
    expect_meta_unchanged(db,
                          "{\"values\":[{\"id\":\"1490\",\"title\":\"Renamed\",\"type\":\"K\"},"
                          "{\"id\":\"0138\",\"title\":\"Renamed too\",\"type\":\"K\"},"
                          "{\"id\":\"0180\",\"title\":\"And this\",\"type\":\"K\"}]}",
                          BENCH_ELIMIT);
    expect_meta_unchanged(
        db,
        "{\"values\":[{\"id\":\"U33401\",\"title\":\"Overwritten\"},{\"id\":\"N01951\",\"title\":\"x\"},"
        "{\"id\":\"U00002\",\"title\":\"y\"}]}",
        BENCH_ELIMIT);
    expect_meta_unchanged(db,
                          "{\"values\":[{\"id\":\"GTWO\",\"title\":\"cut\",\"members\":[{\"id\":\"0180\"}]},"
                          "{\"id\":\"G2\",\"members\":[]},{\"id\":\"G3\",\"members\":[]}]}",
                          BENCH_ELIMIT);
    /* a bad entry late in the list */
    lim.max_rows = 1000000;
    CU_ASSERT_EQUAL(bench_db_set_limits(db, &lim), BENCH_OK);
    expect_meta_unchanged(db,
                          "{\"values\":[{\"id\":\"1490\",\"title\":\"Renamed\",\"type\":\"K\"},"
                          "{\"id\":\"0138\",\"title\":\"x\",\"type\":\"Q\"}]}",
                          BENCH_EPARSE);
    bench_db_free(db);
    /* an allocation failing anywhere while the entries are applied: all put back */
    walk_meta(
        "{\"values\":[{\"id\":\"1490\",\"title\":\"Omdöpt\",\"type\":\"K\"},"
        "{\"id\":\"0138\",\"title\":\"Ny\",\"type\":\"K\"},{\"id\":\"9990\",\"title\":\"Nyby\",\"type\":\"K\"}]}");
    walk_meta("{\"values\":[{\"id\":\"GTWO\",\"title\":\"cut\",\"members\":[{\"id\":\"0180\"}]},"
              "{\"id\":\"GNEW\",\"title\":\"Ny\",\"members\":[{\"id\":\"0114\"},{\"id\":\"9991\"}]}]}");
    walk_meta(
        "{\"values\":[{\"id\":\"U33401\",\"title\":\"Overwritten, dagar\"},{\"id\":\"UNEW1\",\"title\":\"Ny, %\"}]}");
}

/* ---- limits bound memory: max_rows is applied before cJSON builds its nodes ---------------- */

static void test_json_values_bounded_by_max_rows(void)
{
    size_t n = 300000, len = 0;
    char *zeros = malloc(2 * n + 16);
    zeros[len++] = '[';
    for (size_t i = 0; i < n; i++) {
        zeros[len++] = '0';
        zeros[len++] = i + 1 < n ? ',' : ']';
    }
    bench_db *db = new_db();
    bench_db_options lim;
    bench_db_limits(&lim, db);
    lim.max_rows = 10;
    CU_ASSERT_EQUAL(bench_db_set_limits(db, &lim), BENCH_OK);
    fingerprint before = take_fingerprint(db);
    bench_import_report rep;
    CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(&rep, db, zeros, len, "zeros.json", NULL), BENCH_ELIMIT);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "max_rows"));
    CU_ASSERT_EQUAL(bench_db_last_error(db)->line, 1);
    CU_ASSERT(bench_db_last_error(db)->column > 1 && bench_db_last_error(db)->column < 2 * 70000);
    CU_ASSERT_EQUAL(bench_import_population_buffer(&rep, db, zeros, len, "zeros.json", NULL), BENCH_ELIMIT);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "max_rows"));
    /* within the limit it is read (and refused for what it is) */
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    lim.max_rows = 1000000;
    CU_ASSERT_EQUAL(bench_db_set_limits(db, &lim), BENCH_OK);
    CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(&rep, db, zeros, len, "zeros.json", NULL), BENCH_EPARSE);
    /* a real response of 3 rows passes with max_rows = 3 */
    lim.max_rows = 3;
    CU_ASSERT_EQUAL(bench_db_set_limits(db, &lim), BENCH_OK);
    const char *ok = "{\"values\":[{\"kpi\":\"N01951\",\"municipality\":\"1490\",\"period\":2024,\"values\":["
                     "{\"gender\":\"T\",\"status\":\"\",\"value\":1},{\"gender\":\"K\",\"status\":\"\",\"value\":2},"
                     "{\"gender\":\"M\",\"status\":\"\",\"value\":3}]}]}";
    CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(&rep, db, ok, strlen(ok), "ok.json", NULL), BENCH_OK);
    free(zeros);
    bench_db_free(db);
}

/* ---- Kolada JSON: the smaller cases ------------------------------------------------------ */

static int kolada_json(bench_db *db, const char *json)
{
    bench_import_report rep;
    return bench_import_kolada_json_buffer(&rep, db, json, strlen(json), "k.json", NULL);
}

#define ROW(kpi, value, extra) \
    "{\"kpi\":\"" kpi          \
    "\",\"municipality\":\"1490\",\"period\":2022,\"values\":[{\"gender\":\"T\",\"value\":" value extra "}]}"

static void test_kolada_json_smaller_cases(void)
{
    bench_db *db = new_db();
    fingerprint before = take_fingerprint(db);
    /* a second top-level "values" key */
    CU_ASSERT_EQUAL(kolada_json(db, "{\"values\":[" ROW("U1", "1", "") "],\"values\":[" ROW("U2", "2", "") "]}"),
                    BENCH_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "\"values\" appears twice"));
    /* \u0000 in a code (cJSON would cut "U33\u000001" to "U33") */
    CU_ASSERT_EQUAL(kolada_json(db, "{\"values\":[" ROW("U33\\u000001", "1", "") "]}"), BENCH_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "NUL"));
    CU_ASSERT_EQUAL(bench_db_last_error(db)->line, 1);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->column, 23);
    /* 1e-400 underflows to 0: refused, as in CSV; 0e-999 and 1e-300 are numbers */
    CU_ASSERT_EQUAL(kolada_json(db, "{\"values\":[" ROW("U1", "1e-400", "") "]}"), BENCH_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "too small"));
    CU_ASSERT_EQUAL(kolada_json(db, "{\"values\":[" ROW("U1", "-2.5E-999", "") "]}"), BENCH_EPARSE);
    const char *pop =
        "{\"columns\":[{\"code\":\"Region\",\"type\":\"d\"},{\"code\":\"Tid\",\"type\":\"t\"},"
        "{\"code\":\"BE0101N1\",\"type\":\"c\"}],\"data\":[{\"key\":[\"1490\",\"2024\"],\"values\":[1e-400]}]}";
    bench_import_report rep;
    CU_ASSERT_EQUAL(bench_import_population_buffer(&rep, db, pop, strlen(pop), "p.json", NULL), BENCH_EPARSE);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    CU_ASSERT_EQUAL(kolada_json(db, "{\"values\":[" ROW("U1", "0e-999", "") "," ROW("U2", "1e-300", "") "]}"),
                    BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "U1", "1490", "2022", BENCH_GENDER_T), 0);
    CU_ASSERT_EQUAL(value_of(db, "U2", "1490", "2022", BENCH_GENDER_T), 1e-300);
    /* "isdeleted": "true" as text is honoured like true */
    CU_ASSERT_EQUAL(kolada_json(db, "{\"values\":[" ROW("U3", "1", ",\"isdeleted\":\"true\"") "," ROW(
                                        "U4", "1", ",\"isdeleted\":\"false\"") "]}"),
                    BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "U3", "1490", "2022", BENCH_GENDER_T), -1e300); /* absent: skipped */
    CU_ASSERT_EQUAL(value_of(db, "U4", "1490", "2022", BENCH_GENDER_T), 1);
    /* a row of 160 000 keys, one given twice: found (by sorting, not pair by pair) */
    size_t n = 160000, cap = n * 16 + 256, len = 0;
    char *big = malloc(cap);
    len += (size_t)snprintf(big + len, cap - len,
                            "{\"values\":[{\"kpi\":\"U5\",\"municipality\":\"1490\",\"period\":2022,");
    for (size_t k = 0; k < n; k++)
        len += (size_t)snprintf(big + len, cap - len, "\"k%zu\":0,", k);
    len += (size_t)snprintf(big + len, cap - len, "\"k77\":1,\"values\":[]}]}");
    CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(&rep, db, big, len, "big.json", NULL), BENCH_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "\"k77\" appears twice"));
    free(big);
    bench_db_free(db);
}

/* ---- CSV: one reading of '.' and ',' per column ------------------------------------------- */

static void test_one_separator_reading_per_column(void)
{
    bench_db *db = new_db();
    fingerprint before = take_fingerprint(db);
    bench_import_report rep;
    CU_ASSERT_EQUAL(import_text(db,
                                "kpi,municipality,period,value\nU1,1490,2022,\"1.234\"\nU1,0138,2022,\"1.234.567\"\n",
                                NULL, &rep),
                    BENCH_EPARSE);
    const bench_error *e = bench_db_last_error(db);
    CU_ASSERT_EQUAL(e->line, 3);
    CU_ASSERT_EQUAL(e->column, 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "line 2"));
    /* the other order too, and with the comma */
    CU_ASSERT_EQUAL(
        import_text(db, "kpi;municipality;period;value\nU1;1490;2022;1,234,567\nU1;0138;2022;7,5\n", NULL, &rep),
        BENCH_EPARSE);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->line, 3);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    /* consistent columns are read: '.' groups and ',' is the decimal, or '.' is the decimal throughout */
    CU_ASSERT_EQUAL(import_text(db,
                                "kpi;municipality;period;value\nU1;1490;2022;1.234.567\nU1;0138;2022;7,5\n"
                                "U1;0180;2022;1.234,5\n",
                                NULL, &rep),
                    BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "U1", "0180", "2022", BENCH_GENDER_T), 1234.5);
    CU_ASSERT_EQUAL(
        import_text(db, "kpi,municipality,period,value\nU2,1490,2022,1.5\nU2,0138,2022,\"1,234.5\"\n", NULL, &rep),
        BENCH_OK);
    /* a file read in two halves: the second half reads '.' the other way */
    size_t rows = 400000, cap = rows * 40 + 128, len = 0;
    char *big = malloc(cap);
    len += (size_t)snprintf(big + len, cap - len, "kpi,municipality,period,value\n");
    for (size_t r = 0; r < rows; r++)
        len += (size_t)snprintf(big + len, cap - len, "U%05zu,1490,%zu,%s\n", r / 30, 1990 + r % 30,
                                r + 10 < rows ? "\"1.234\"" : "\"1.234.567\"");
    CU_ASSERT_TRUE(len > (9u << 20));
    CU_ASSERT_EQUAL(bench_import_csv_buffer(&rep, db, big, len, "big.csv", NULL), BENCH_EPARSE);
    e = bench_db_last_error(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "one reading"));
    /* both lines counted in the whole file: the error's own (the first "1.234.567", on line
     * rows - 8) and the earlier one it names, a "1.234" line of the second half */
    CU_ASSERT_EQUAL(e->line, (long)rows - 8);
    const char *named = strstr(e->message, "but line ");
    long other = named ? strtol(named + 9, NULL, 10) : 0;
    CU_ASSERT_TRUE(other > (long)rows / 4 && other < e->line);
    const char *at = big;
    for (long k = 1; k < other && at; k++)
        at = strchr(at, '\n') ? strchr(at, '\n') + 1 : NULL;
    CU_ASSERT_TRUE(at && strncmp(strchr(at, '"'), "\"1.234\"\n", 8) == 0);
    free(big);
    bench_db_free(db);
}

int register_cells_suite(void)
{
    CU_pSuite s = CU_add_suite("cells", NULL, NULL);
    return !s || !CU_add_test(s, "an SCB cell given twice is an error naming both", test_scb_cell_given_twice) ||
           !CU_add_test(s, "Kolada metadata is all or nothing", test_kolada_metadata_all_or_nothing) ||
           !CU_add_test(s, "JSON values bounded by max_rows before parsing", test_json_values_bounded_by_max_rows) ||
           !CU_add_test(s, "Kolada JSON: values twice, NUL, 1e-400, isdeleted text, many keys",
                        test_kolada_json_smaller_cases) ||
           !CU_add_test(s, "CSV: one reading of '.' and ',' per column", test_one_separator_reading_per_column);
}
