/* test_json.c -- Kolada JSON (data v2/v3, metadata) and SCB population tables. */
#include "tests.h"
#include "internal.h"

static int json(bench_db *db, const char *text, bench_import_report *rep)
{
    return bench_import_kolada_json_buffer(rep, db, text, strlen(text), "k.json", NULL);
}

static void test_kolada_data(void)
{
    bench_db *db = new_db();
    bench_import_report rep;
    const char *v3 = "{\"values\":[{\"kpi\":\"U33401\",\"municipality\":\"1490\",\"period\":2022,\"values\":["
                     "{\"gender\":\"T\",\"count\":1,\"status\":\"\",\"value\":77,\"isdeleted\":false},"
                     "{\"gender\":\"K\",\"count\":1,\"status\":\"\",\"value\":null},"
                     "{\"gender\":\"M\",\"count\":1,\"value\":75,\"isdeleted\":true}]},"
                     "{\"kpi\":\"U33401\",\"municipality\":\"G92790\",\"period\":\"2022\",\"values\":["
                     "{\"gender\":\"T\",\"count\":18,\"value\":96.8}]}],\"count\":2,\"next_url\":null}";
    CU_ASSERT_EQUAL_FATAL(json(db, v3, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.rows_read, 4);
    CU_ASSERT_EQUAL(rep.accepted, 3);
    CU_ASSERT_EQUAL(rep.skipped_deleted, 1);
    CU_ASSERT_EQUAL(rep.missing, 1);
    CU_ASSERT_EQUAL(value_of(db, "U33401", "1490", "2022", BENCH_GENDER_T), 77);
    CU_ASSERT_TRUE(isnan(value_of(db, "U33401", "1490", "2022", BENCH_GENDER_K)));
    CU_ASSERT_EQUAL(value_of(db, "U33401", "1490", "2022", BENCH_GENDER_M), -1e300);
    CU_ASSERT_EQUAL(value_of(db, "U33401", "G92790", "2022", BENCH_GENDER_T), 96.8);
    /* v2: is_deleted 0/1 on the row, next_page */
    const char *v2 = "{\"count\":1,\"values\":[{\"kpi\":\"N00945\",\"municipality\":\"1860\",\"period\":2009,"
                     "\"is_deleted\":0,\"values\":[{\"count\":1,\"gender\":\"T\",\"status\":\"\",\"value\":1.5}]}],"
                     "\"next_page\":\"http://api.kolada.se/v2/data?page=2\"}";
    CU_ASSERT_EQUAL(json(db, v2, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "N00945", "1860", "2009", BENCH_GENDER_T), 1.5);
    bench_json_options o = BENCH_JSON_OPTIONS_INIT;
    o.include_deleted = 1;
    CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(&rep, db, v3, strlen(v3), "k.json", &o), BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "U33401", "1490", "2022", BENCH_GENDER_M), 75);
    bench_db_free(db);
}

static void test_kolada_metadata(void)
{
    bench_db *db = new_db();
    bench_import_report rep;
    CU_ASSERT_EQUAL(json(db,
                         "{\"values\":[{\"id\":\"U99999\",\"title\":\"Något, andel (%)\","
                         "\"is_divided_by_gender\":1,\"municipality_type\":\"K\",\"operating_area\":\"IFO\"}]}",
                         &rep),
                    BENCH_OK);
    const char *title, *unit;
    CU_ASSERT_EQUAL(bench_indicator_info(&title, &unit, NULL, db, "U99999"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(unit, "%");
    CU_ASSERT_EQUAL(json(db, "{\"values\":[{\"id\":\"9990\",\"title\":\"Testby\",\"type\":\"K\"}]}", &rep), BENCH_OK);
    const char *name;
    CU_ASSERT_EQUAL(bench_area_info(NULL, &name, NULL, NULL, db, "9990"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "Testby");
    CU_ASSERT_EQUAL(
        json(db,
             "{\"values\":[{\"id\":\"G36468\",\"title\":\"Liknande kommuner IFO, Borås, 2024\","
             "\"members\":[{\"id\":\"0126\",\"title\":\"Huddinge\"},{\"id\":\"0136\",\"title\":\"Haninge\"}]}]}",
             &rep),
        BENCH_OK);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_group_members(&f, db, "G36468"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 2);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(
        json(db, "{\"values\":[{\"id\":\"GK1\",\"title\":\"KKiK\",\"members\":[{\"member_id\":\"U33401\"}]}]}", &rep),
        BENCH_OK);
    CU_ASSERT_EQUAL(rep.skipped, 1);
    /* a bad item anywhere changes no catalogue entry */
    fingerprint before = take_fingerprint(db);
    CU_ASSERT_EQUAL(json(db,
                         "{\"values\":[{\"id\":\"0138\",\"title\":\"Changed\",\"type\":\"K\"},{\"id\":\"0139\","
                         "\"title\":\"x\",\"type\":\"Q\"}]}",
                         &rep),
                    BENCH_EPARSE);
    CU_ASSERT_EQUAL(bench_area_info(NULL, &name, NULL, NULL, db, "0138"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "Tyresö");
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    bench_db_free(db);
}

static void test_kolada_errors(void)
{
    struct {
        const char *text;
        long line, column;
        const char *needle;
    } cases[] = {
        { "{\"values\":[1,2", 1, 15, "the file ends inside a string, object or array (truncated?)" },
        { "{\"values\":[1,2\n  ", 2, 3, "the file ends inside" },
        { "{\"values\":\n[\n{\"kpi\": }]}", 3, 9, "malformed JSON: found \"}]}\", expected a value" },
        { "\xFF\xFE{\0}\0", 1, 1, "UTF-16" },
        { "", 1, 1, "empty" },
        { "[1]x", 1, 4, "malformed JSON" },
        { "{\"count\":3}", 1, 1, "values" },
        { "{\"values\":[{\"kpi\":\"U1\",\"municipality\":\"1490\",\"period\":2022,\"values\":[{\"gender\":\"T\","
          "\"value\":\"abc\"}]}]}",
          0, 0, "values[0].values[0].value" },
        { "{\"values\":[{\"kpi\":\"U1\",\"municipality\":\"Borås\",\"period\":2022,\"values\":[]}]}", 0, 0,
          "municipality" },
        { "{\"values\":[{\"kpi\":\"U1\",\"municipality\":\"1490\",\"period\":\"x\",\"values\":[]}]}", 0, 0, "period" },
        { "{\"values\":[{\"kpi\":\"U1\",\"municipality\":\"1490\",\"period\":2022,\"values\":[{\"gender\":\"Q\","
          "\"value\":1}]}]}",
          0, 0, "gender" },
        { "{\"values\":[{\"kpi\":\"U1\",\"municipality\":\"1490\",\"period\":2022,\"values\":[{\"gender\":\"T\","
          "\"value\":1,\"count\":-1}]}]}",
          0, 0, "count" },
        { "{\"values\":[{\"kpi\":\"U1\",\"municipality\":\"1490\",\"period\":2022,\"values\":{}}]}", 0, 0, "array" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bench_db *db = new_db();
        CU_ASSERT_EQUAL(json(db,
                             "{\"values\":[{\"kpi\":\"U0\",\"municipality\":\"1490\",\"period\":2020,\"values\":[{"
                             "\"gender\":\"T\",\"value\":1}]}]}",
                             NULL),
                        BENCH_OK);
        fingerprint before = take_fingerprint(db);
        bench_import_report rep;
        CU_ASSERT_EQUAL(json(db, cases[i].text, &rep), BENCH_EPARSE);
        const bench_error *e = bench_db_last_error(db);
        if (e->line != cases[i].line || e->column != cases[i].column || !strstr(e->message, cases[i].needle))
            fprintf(stderr, "\n  json case %zu: %ld:%ld %s\n", i, e->line, e->column, e->message);
        CU_ASSERT_EQUAL(e->line, cases[i].line);
        CU_ASSERT_EQUAL(e->column, cases[i].column);
        CU_ASSERT_PTR_NOT_NULL(strstr(e->message, cases[i].needle));
        CU_ASSERT_EQUAL(rep.accepted, 0);
        CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
        bench_db_free(db);
    }
    /* one key in two entries: the same value is a repeat, another value an error naming both */
    {
        bench_db *db = new_db();
        bench_import_report rep;
        const char *same = "{\"values\":[{\"kpi\":\"U1\",\"municipality\":\"1490\",\"period\":2022,\"values\":"
                           "[{\"gender\":\"T\",\"value\":5}]},{\"kpi\":\"U1\",\"municipality\":\"1490\",\"period\":"
                           "\"2022\",\"values\":[{\"gender\":\"T\",\"value\":5}]}]}";
        CU_ASSERT_EQUAL(json(db, same, &rep), BENCH_OK);
        CU_ASSERT_EQUAL(rep.replaced, 1);
        fingerprint before = take_fingerprint(db);
        const char *other = "{\"values\":[{\"kpi\":\"U2\",\"municipality\":\"1490\",\"period\":2022,\"values\":"
                            "[{\"gender\":\"K\",\"value\":5}]},{\"kpi\":\"U2\",\"municipality\":\"0138\",\"period\":"
                            "2022,\"values\":[]},{\"kpi\":\"U2\",\"municipality\":\"1490\",\"period\":2022,\"values\":"
                            "[{\"gender\":\"K\",\"value\":6}]}]}";
        CU_ASSERT_EQUAL(json(db, other, &rep), BENCH_EPARSE);
        CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "values[2]: the same kpi, municipality, "
                                                                        "period and gender as values[0]"));
        CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
        bench_db_free(db);
    }
    /* 10 000-deep nesting is refused by depth (max_json_depth), before cJSON builds a tree */
    char *deep = malloc(20001);
    memset(deep, '[', 10000);
    memset(deep + 10000, ']', 10000);
    deep[20000] = '\0';
    bench_db *db = new_db();
    CU_ASSERT_EQUAL(json(db, deep, NULL), BENCH_ELIMIT);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->line, 1);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->column, 65);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "deeper than 64 levels"));
    free(deep);
    CU_ASSERT_EQUAL(bench_import_kolada_json_file(NULL, db, "/nonexistent.json", NULL), BENCH_EIO);
    bench_json_options o = BENCH_JSON_OPTIONS_INIT;
    o.version = 0;
    CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(NULL, db, "{}", 2, "x", &o), BENCH_EINVAL);
    bench_db_free(db);
}

/* One data page of the transaction tests: kpi TX, kommun `area`, 2022, T = value. */
static char *page(char *buf, size_t size, const char *area, int value)
{
    snprintf(buf, size,
             "{\"values\":[{\"kpi\":\"TX\",\"municipality\":\"%s\",\"period\":2022,\"values\":"
             "[{\"gender\":\"T\",\"value\":%d,\"count\":1}]}],\"next_url\":null}",
             area, value);
    return buf;
}

static int add_page(bench_import *imp, const char *area, int value, const char *name)
{
    char buf[512];
    page(buf, sizeof buf, area, value);
    return bench_import_add_kolada_json(imp, buf, strlen(buf), name);
}

static void test_import_transaction(void)
{
    bench_db *db = new_db();
    char buf[512];
    bench_import_report rep;
    CU_ASSERT_EQUAL(json(db, page(buf, sizeof buf, "1490", 1), NULL), BENCH_OK);
    fingerprint before = take_fingerprint(db);
    char *dump_before = dump_values(db);
    const char *areas[] = { "0114", "0115", "0117", "0120", "0123" };
    /* three pages committed: one import, counted over all parts */
    bench_import *imp = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_import_begin(&imp, db, "Kolada API", NULL), BENCH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(imp);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(add_page(imp, areas[i], 10 + i, "p"), BENCH_OK);
    CU_ASSERT_EQUAL(take_fingerprint(db).count, before.count); /* values are stored by the commit */
    CU_ASSERT_EQUAL(bench_import_commit(&rep, imp), BENCH_OK);
    CU_ASSERT_EQUAL(rep.rows_read, 3);
    CU_ASSERT_EQUAL(rep.accepted, 3);
    CU_ASSERT_EQUAL(value_of(db, "TX", "0117", "2022", BENCH_GENDER_T), 12);
    observation o;
    CU_ASSERT_EQUAL(lookup(db, "TX", "0115", "2022", BENCH_GENDER_T, BENCH_KIND_UTFALL, &o), 1);
    CU_ASSERT_STRING_EQUAL(o.source, "Kolada API");
    bench_db_free(db);

    /* a failure on a late page: the first pages, a metadata page and new codes are all undone */
    db = new_db();
    CU_ASSERT_EQUAL(json(db, page(buf, sizeof buf, "1490", 1), NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "TX", "Gammal titel", NULL, BENCH_DIRECTION_DEFAULT), BENCH_OK);
    before = take_fingerprint(db);
    free(dump_before);
    dump_before = dump_values(db);
    CU_ASSERT_EQUAL_FATAL(bench_import_begin(&imp, db, "Kolada API", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(add_page(imp, "9901", 5, "page 1"), BENCH_OK);
    const char *meta = "{\"values\":[{\"id\":\"TX\",\"title\":\"Ny titel\"}]}";
    CU_ASSERT_EQUAL(bench_import_add_kolada_json(imp, meta, strlen(meta), "page 2"), BENCH_OK);
    const char *bad =
        "{\"values\":[\n{\"kpi\":\"TX\",\"municipality\":\"0114\",\"period\":2022,\"values\":[{\"gender\":\"Q\"}]}]}";
    CU_ASSERT_EQUAL(bench_import_add_kolada_json(imp, bad, strlen(bad), "page 3"), BENCH_EPARSE);
    const bench_error *e = bench_db_last_error(db);
    CU_ASSERT_STRING_EQUAL(e->file, "page 3");
    CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "values[0].values[0].gender"));
    /* later parts are refused with the first error; the commit rolls back */
    CU_ASSERT_EQUAL(add_page(imp, "0115", 5, "page 4"), BENCH_EPARSE);
    CU_ASSERT_STRING_EQUAL(bench_db_last_error(db)->file, "page 3");
    CU_ASSERT_EQUAL(bench_import_commit(&rep, imp), BENCH_EPARSE);
    CU_ASSERT_EQUAL(rep.accepted, 0);
    CU_ASSERT_TRUE(rep.n_errors >= 1);
    CU_ASSERT_STRING_EQUAL(bench_db_last_error(db)->file, "page 3");
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    char *dump_after = dump_values(db);
    CU_ASSERT_STRING_EQUAL(dump_before, dump_after);
    free(dump_after);
    const char *title = NULL;
    CU_ASSERT_EQUAL(bench_indicator_info(&title, NULL, NULL, db, "TX"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title ? title : "", "Gammal titel"); /* the metadata page is undone */

    /* a rollback undoes committed-looking parts too */
    CU_ASSERT_EQUAL_FATAL(bench_import_begin(&imp, db, "Kolada API", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(add_page(imp, "0120", 5, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_import_add_kolada_json(imp, meta, strlen(meta), NULL), BENCH_OK);
    bench_import_rollback(imp);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    bench_import_rollback(NULL);

    /* one transaction at a time: while one is open, every other import is refused and changes
     * nothing; after its rollback imports work again */
    CU_ASSERT_EQUAL_FATAL(bench_import_begin(&imp, db, "Kolada API", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(add_page(imp, "0120", 5, NULL), BENCH_OK);
    bench_import *second = (bench_import *)db;
    CU_ASSERT_EQUAL(bench_import_begin(&second, db, "other", NULL), BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(second);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "an import transaction"));
    const char *csv = "kpi,municipality,period,value\nTY,0114,2022,1\n";
    CU_ASSERT_EQUAL(bench_import_csv_buffer(&rep, db, csv, strlen(csv), "t.csv", NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(json(db, page(buf, sizeof buf, "0123", 7), NULL), BENCH_EINVAL);
    bench_import_rollback(imp);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    CU_ASSERT_EQUAL(bench_import_csv_buffer(&rep, db, csv, strlen(csv), "t.csv", NULL), BENCH_OK);
    before = take_fingerprint(db);

    /* one key on two pages with different values: refused at the commit, naming both parts */
    CU_ASSERT_EQUAL_FATAL(bench_import_begin(&imp, db, "Kolada API", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(add_page(imp, "0120", 5, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(add_page(imp, "0123", 5, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(add_page(imp, "0120", 6, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_import_commit(&rep, imp), BENCH_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "part 3, values[0]: the same kpi, municipality, "
                                                                    "period and gender as part 1, values[0]"));
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));

    /* argument errors */
    CU_ASSERT_EQUAL(bench_import_begin(NULL, db, "x", NULL), BENCH_EINVAL);
    imp = (bench_import *)db;
    CU_ASSERT_EQUAL(bench_import_begin(&imp, NULL, "x", NULL), BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(imp);
    bench_json_options opts = BENCH_JSON_OPTIONS_INIT;
    opts.version = 99;
    CU_ASSERT_EQUAL(bench_import_begin(&imp, db, "x", &opts), BENCH_EINVAL);
    opts.version = BENCH_JSON_OPTIONS_VERSION;
    opts.source = "a\tb"; /* a label with a control character */
    CU_ASSERT_EQUAL(bench_import_begin(&imp, db, "x", &opts), BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(imp);
    CU_ASSERT_EQUAL(bench_import_add_kolada_json(NULL, "{}", 2, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_import_commit(&rep, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_import_begin(&imp, db, "x", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_import_add_kolada_json(imp, NULL, 5, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_import_commit(NULL, imp), BENCH_EINVAL);
    /* a part larger than max_input_bytes */
    bench_db_options lim = BENCH_DB_OPTIONS_INIT;
    lim.max_input_bytes = 20;
    CU_ASSERT_EQUAL(bench_db_set_limits(db, &lim), BENCH_OK);
    CU_ASSERT_EQUAL(bench_import_begin(&imp, db, "x", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(add_page(imp, "0120", 5, "big"), BENCH_ELIMIT);
    CU_ASSERT_EQUAL(bench_import_commit(&rep, imp), BENCH_ELIMIT);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    free(dump_before);
    bench_db_free(db);
}

static bool count_rows(void *payload, const struct cJSON *row, size_t i)
{
    (void)row;
    size_t *n = payload;
    CU_ASSERT_EQUAL(i, *n);
    (*n)++;
    return true;
}

/* json_stream_values takes well-formed responses only, leaving everything else to json_parse */
static void test_stream_values(void)
{
    struct {
        const char *text;
        bool ok;
        size_t rows;
    } cases[] = {
        { "{\"values\":[]}", true, 0 },
        { " [ ] ", true, 0 },
        { "\xEF\xBB\xBF[{\"a\":1}, 2 ,\"x\"]\n", true, 3 },
        { "{\"count\":2,\"next\":{\"a\":[1,\"]}\"]},\"values\":[{},{}],\"x\":null}", true, 2 },
        { "{\"\\u0076alues\":[{}]}", true, 1 },
        { "{\"values\":[1,]}", false, 0 },
        { "{\"values\":[{}] , }", false, 0 },
        { "{}", false, 0 },
        { "[]x", false, 0 },
        { "{\"a\":1,\"a\":2,\"values\":[]}", false, 0 },
        { "{\"values\":[1 2]}", false, 0 },
        { "{\"values\":{}}", false, 0 },
        { "{\"count\":1}", false, 0 },
        { "{\"values\":[1],\"next\":tru}", false, 0 },
        { "{\"values\":[1,2", false, 0 },
        { "", false, 0 },
        { "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
          "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
          false, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = 0;
        bool ok = json_stream_values(cases[i].text, strlen(cases[i].text), 64, 1000, count_rows, &n);
        if (ok != cases[i].ok)
            fprintf(stderr, "\n  stream case %zu: %d\n", i, ok);
        CU_ASSERT_EQUAL(ok, cases[i].ok);
        if (ok)
            CU_ASSERT_EQUAL(n, cases[i].rows);
    }
}

/* Rows read one at a time give what the whole tree gave; a problem anywhere is reported as before */
static void test_kolada_rows_streamed(void)
{
    enum {
        N = 5000
    };
    size_t size = 64 + (size_t)N * 160;
    char *big = malloc(size), *p = big;
    p += sprintf(p, "{\"count\":%d,\"next_url\":null,\"values\":[", N);
    for (int i = 0; i < N; i++)
        p += sprintf(p,
                     "%s\n{\"kpi\":\"N%05d\",\"municipality\":\"1490\",\"period\":%d,\"values\":[{\"gender\":\"T\","
                     "\"value\":%d.5,\"count\":1},{\"gender\":\"K\",\"value\":null,\"status\":\"..\"}]}",
                     i ? "," : "", 10000 + i % 100, 1990 + i / 100, i);
    p += sprintf(p, "],\"x\":[\"]\"]}");
    bench_db *db = new_db();
    bench_import_report rep;
    CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(&rep, db, big, strlen(big), "big.json", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(rep.rows_read, 2 * N);
    CU_ASSERT_EQUAL(rep.accepted, 2 * N);
    CU_ASSERT_EQUAL(rep.missing, N);
    CU_ASSERT_EQUAL(value_of(db, "N10007", "1490", "2021", BENCH_GENDER_T), 3107.5);
    observation o;
    CU_ASSERT_EQUAL(lookup(db, "N10007", "1490", "2021", BENCH_GENDER_K, BENCH_KIND_UTFALL, &o), 1);
    CU_ASSERT_EQUAL(o.status, status_code("sekretess"));
    bench_db_free(db);

    /* a bad row early and malformed JSON later: the syntax error is reported, at its place */
    db = new_db();
    fingerprint before = take_fingerprint(db);
    char *gender = strstr(big, "\"gender\":\"T\"");
    gender[10] = 'Q';
    char *late = strstr(big + strlen(big) / 2, "\"count\":1}");
    memcpy(late, "\"count\":1 ", 10);
    CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(&rep, db, big, strlen(big), "big.json", NULL), BENCH_EPARSE);
    const bench_error *e = bench_db_last_error(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "malformed JSON"));
    CU_ASSERT_TRUE(e->line > N / 2);
    CU_ASSERT_EQUAL(rep.accepted, 0);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    /* the bad row alone: its path */
    memcpy(late, "\"count\":1}", 10);
    CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(&rep, db, big, strlen(big), "big.json", NULL), BENCH_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "values[0].values[0].gender"));
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    /* a top-level key given twice after the rows */
    gender[10] = 'T';
    strcpy(big + strlen(big) - 1, ",\"count\":3}");
    CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(&rep, db, big, strlen(big), "big.json", NULL), BENCH_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "the top-level key \"count\" appears twice"));
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    free(big);
    bench_db_free(db);
}

static void test_population(void)
{
    bench_db *db = new_db();
    bench_import_report rep;
    const char *v1 =
        "{\"columns\":[{\"code\":\"Region\",\"text\":\"region\",\"type\":\"d\"},"
        "{\"code\":\"Civilstand\",\"text\":\"civilstånd\",\"type\":\"d\"},"
        "{\"code\":\"Alder\",\"text\":\"ålder\",\"type\":\"d\"},{\"code\":\"Kon\",\"text\":\"kön\",\"type\":\"d\"},"
        "{\"code\":\"Tid\",\"text\":\"år\",\"type\":\"t\"},{\"code\":\"BE0101N1\",\"text\":\"Folkmängd\",\"type\":"
        "\"c\"}],"
        "\"data\":[{\"key\":[\"1490\",\"OG\",\"17\",\"1\",\"2022\"],\"values\":[\"700\"]},"
        "{\"key\":[\"1490\",\"G\",\"17\",\"1\",\"2022\"],\"values\":[\"1\"]},"
        "{\"key\":[\"1490\",\"OG\",\"17\",\"2\",\"2022\"],\"values\":[\"650\"]},"
        "{\"key\":[\"14\",\"OG\",\"tot\",\"2\",\"2022\"],\"values\":[\"..\"]}]}";
    CU_ASSERT_EQUAL_FATAL(bench_import_population_buffer(&rep, db, v1, strlen(v1), "scb.json", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1:17", "1490", "2022", BENCH_GENDER_M), 701); /* civilstånd summed */
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1:17", "1490", "2022", BENCH_GENDER_K), 650);
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1:17", "1490", "2022", BENCH_GENDER_T), 1351); /* T = K + M */
    CU_ASSERT_TRUE(isnan(value_of(db, "BE0101N1", "0014", "2022", BENCH_GENDER_K)));
    const char *js =
        "{\"class\":\"dataset\",\"id\":[\"Region\",\"Alder\",\"Kon\",\"ContentsCode\",\"Tid\"],"
        "\"size\":[1,2,1,1,2],\"role\":{\"time\":[\"Tid\"],\"metric\":[\"ContentsCode\"]},"
        "\"dimension\":{\"Region\":{\"category\":{\"index\":{\"00\":0}}},"
        "\"Alder\":{\"category\":{\"index\":{\"0\":0,\"1\":1}}},\"Kon\":{\"category\":{\"index\":{\"1\":0}}},"
        "\"ContentsCode\":{\"category\":{\"index\":{\"BE0101N1\":0}}},"
        "\"Tid\":{\"category\":{\"index\":[\"2023\",\"2024\"]}}},\"value\":[10,11,20,null]}";
    CU_ASSERT_EQUAL_FATAL(bench_import_population_buffer(&rep, db, js, strlen(js), "scb2.json", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(rep.rows_read, 4);
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1:0", "0000", "2024", BENCH_GENDER_M), 11);
    CU_ASSERT_EQUAL(value_of(db, "BE0101N1:1", "0000", "2023", BENCH_GENDER_M), 20);
    CU_ASSERT_TRUE(isnan(value_of(db, "BE0101N1:1", "0000", "2024", BENCH_GENDER_M)));
    /* errors */
    fingerprint before = take_fingerprint(db);
    const char *bad[] = { "{\"columns\":[],\"data\":[]}",
                          "{\"class\":\"dataset\",\"id\":[\"Tid\"],\"size\":[2],"
                          "\"dimension\":{\"Tid\":{\"category\":{\"index\":[\"2023\",\"2024\"]}}},\"value\":[1]}",
                          "{\"x\":1}",
                          "[1,2]",
                          "{\"columns\":[{\"code\":\"Tid\",\"type\":\"t\"},{\"code\":\"A\",\"type\":\"c\"}],"
                          "\"data\":[{\"key\":[\"2022\"],\"values\":[\"abc\"]}]}",
                          "{\"class\":\"dataset\",\"id\":[\"Tid\"],\"size\":[1e12],\"dimension\":{},\"value\":[]}" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_NOT_EQUAL(bench_import_population_buffer(&rep, db, bad[i], strlen(bad[i]), "bad.json", NULL),
                            BENCH_OK);
        CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    }
    char path[512];
    snprintf(path, sizeof path, "%s/scb-pxweb-examples/v1_BefolkningNy-21059a-POST.json", SHARED_DATA);
    if (file_exists(path)) {
        CU_ASSERT_EQUAL(bench_import_population_file(&rep, db, path, NULL), BENCH_OK);
        /* Sweden 31 Dec 2017: 5347489 + 3358397 + 978713 + 435643 */
        CU_ASSERT_EQUAL(value_of(db, "BE0101N1", "0000", "2017", BENCH_GENDER_T), 10120242);
    } else {
        printf("\n  skipped the SCB file: %s is absent\n", path);
    }
    bench_db_free(db);
}

int register_json_suite(void)
{
    CU_pSuite s = CU_add_suite("json", NULL, NULL);
    return !s || !CU_add_test(s, "Kolada data v3 and v2", test_kolada_data) ||
           !CU_add_test(s, "Kolada metadata", test_kolada_metadata) ||
           !CU_add_test(s, "Kolada errors", test_kolada_errors) ||
           !CU_add_test(s, "import transaction of many parts", test_import_transaction) ||
           !CU_add_test(s, "json_stream_values", test_stream_values) ||
           !CU_add_test(s, "Kolada rows read one at a time", test_kolada_rows_streamed) ||
           !CU_add_test(s, "SCB population", test_population);
}
