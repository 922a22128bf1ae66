/* test_csv.c -- the CSV importer: layouts, Swedish input, reports, and every error leaving the store as it was. */
#include "tests.h"

static bench_db *db_with_data(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,gender,value\nU33401,1490,2021,T,74\nU33401,1490,2022,T,77\n",
                                NULL, NULL), BENCH_OK);
    return db;
}

static void test_kolada_layout(void)
{
    bench_db *db = new_db();
    bench_import_report rep;
    const char *csv = "kpi,municipality,period,gender,value,count,status\n"
                      "U33401,1490,2022,T,77,1,\n"
                      "u33401,0138,2022,K,\"95,5\",1,\n"
                      "U33401,G92790,2022,T,96.8,18,\n"
                      "U33401,0180,2022,T,..,0,\n";
    CU_ASSERT_EQUAL_FATAL(import_text(db, csv, NULL, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.rows_read, 4);
    CU_ASSERT_EQUAL(rep.accepted, 4);
    CU_ASSERT_EQUAL(rep.missing, 1);
    CU_ASSERT_EQUAL(rep.skipped, 0);
    CU_ASSERT_EQUAL(value_of(db, "U33401", "1490", "2022", BENCH_GENDER_T), 77);
    CU_ASSERT_EQUAL(value_of(db, "U33401", "0138", "2022", BENCH_GENDER_K), 95.5);
    CU_ASSERT_EQUAL(value_of(db, "U33401", "G92790", "2022", BENCH_GENDER_T), 96.8);
    CU_ASSERT_TRUE(isnan(value_of(db, "U33401", "0180", "2022", BENCH_GENDER_T))); /* missing, not 0 */
    CU_ASSERT_EQUAL(value_of(db, "U33401", "0138", "2022", BENCH_GENDER_T), -1e300); /* T is not K */
    bench_db_free(db);
}

static void test_rkolada_columns(void)
{
    bench_db *db = new_db();
    const char *csv = "\"gender\",\"count\",\"status\",\"value\",\"kpi\",\"year\",\"municipality_id\",\"municipality\",\"municipality_type\"\n"
                      "\"T\",1,\"\",31.32959689,\"N00945\",2000,\"0180\",\"Stockholm\",\"K\"\n";
    CU_ASSERT_EQUAL_FATAL(import_text(db, csv, NULL, NULL), BENCH_OK);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "N00945", "0180", "2000", BENCH_GENDER_T), 31.32959689, 1e-12);
    bench_db_free(db);
}

static void test_wide_layout(void)
{
    bench_db *db = new_db();
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.layout = BENCH_CSV_WIDE;
    bench_import_report rep;
    CU_ASSERT_EQUAL_FATAL(import_text(db, "geo,gender,year,n01951\n0,k,2020,5000000\n14,m,2020,800000\n1490,k,2020,57000\n",
                                      &o, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.accepted, 3);
    CU_ASSERT_EQUAL(value_of(db, "N01951", "0000", "2020", BENCH_GENDER_K), 5000000); /* "0" is Riket */
    CU_ASSERT_EQUAL(value_of(db, "N01951", "0014", "2020", BENCH_GENDER_M), 800000);
    CU_ASSERT_EQUAL(value_of(db, "N01951", "1490", "2020", BENCH_GENDER_K), 57000);
    /* several value columns; one value column renamed */
    CU_ASSERT_EQUAL(import_text(db, "area;year;a;b\n1490;2021;1;2\n", &o, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.accepted, 2);
    CU_ASSERT_EQUAL(value_of(db, "b", "1490", "2021", BENCH_GENDER_T), 2);
    o.indicator = "OWN1";
    CU_ASSERT_EQUAL(import_text(db, "geo,year,x\n1490,2021,3\n", &o, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "OWN1", "1490", "2021", BENCH_GENDER_T), 3);
    bench_db_free(db);
}

static void test_delimiters_bom_crlf_quotes(void)
{
    bench_db *db = new_db();
    bench_import_report rep;
    const char *csv = "\xEF\xBB\xBF" "kpi;municipality;period;value\r\n"
                      "U1;1490;2022;\"1 234,5\"\r\n"
                      "\r\n"
                      ";;;\r\n"
                      "\"U 2; x\";1490;2022;\"7,1\"\r\n";
    CU_ASSERT_EQUAL_FATAL(import_text(db, csv, NULL, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.accepted, 2);
    CU_ASSERT_EQUAL(rep.skipped_blank, 2);
    CU_ASSERT_EQUAL(rep.skipped, 2);
    CU_ASSERT_EQUAL(value_of(db, "U1", "1490", "2022", BENCH_GENDER_T), 1234.5);
    CU_ASSERT_EQUAL(value_of(db, "U 2; x", "1490", "2022", BENCH_GENDER_T), 7.1);
    CU_ASSERT_EQUAL(import_text(db, "kpi\tmunicipality\tperiod\tvalue\nU3\t1490\t2022\t5\n", NULL, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "U3", "1490", "2022", BENCH_GENDER_T), 5);
    /* a quoted field spanning lines, and a doubled quote */
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value,title\nU4,1490,2022,6,\"a \"\"b\"\"\nc\"\n", NULL, NULL),
                    BENCH_OK);
    const char *title = "";
    CU_ASSERT_EQUAL(bench_indicator_info(&title, NULL, NULL, db, "U4"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title, "a \"b\"\nc");
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.delimiter = ';';
    CU_ASSERT_EQUAL(import_text(db, "kpi;municipality;period;value\nU5;1490;2022;1,5\n", &o, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "U5", "1490", "2022", BENCH_GENDER_T), 1.5);
    bench_db_free(db);
}

static void test_missing_markers_kept(void)
{
    bench_db *db = new_db();
    bench_import_report rep;
    const char *csv = "kpi,municipality,period,value\nU1,0114,2022,\nU1,0115,2022,..\nU1,0117,2022,.\nU1,0120,2022,-\nU1,0123,2022,NA\n";
    CU_ASSERT_EQUAL_FATAL(import_text(db, csv, NULL, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.missing, 5);
    bench_frame *f;
    bench_query q = BENCH_QUERY_INIT;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, &q), BENCH_OK);
    const double *v;
    const uint32_t *status;
    const char *const *names;
    bench_frame_column(NULL, NULL, (const void **)&v, f, 5);
    bench_frame_column(NULL, NULL, (const void **)&status, f, 7);
    bench_frame_dictionary(&names, NULL, f, 7);
    const char *expected[] = {"missing", "sekretess", "ej_tillämplig", "bortfall", "missing"};
    for (size_t i = 0; i < 5; i++) {
        CU_ASSERT_TRUE(isnan(v[i]));
        CU_ASSERT_STRING_EQUAL(names[status[i]], expected[i]);
    }
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_sources_units_kinds_filters(void)
{
    bench_db *db = new_db();
    bench_import_report rep;
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source = "rapport A";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nU1,1490,2022,5 %\n", &o, NULL), BENCH_OK);
    const char *unit = "";
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, &unit, NULL, db, "U1"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(unit, "%");
    /* the same key again from the same source replaces; from another source is kept beside */
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nU1,1490,2022,6 %\n", &o, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.replaced, 1);
    CU_ASSERT_EQUAL(bench_db_count(db), 1);
    o.source = "rapport B";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nU1,1490,2022,7 %\n", &o, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.replaced, 0);
    CU_ASSERT_EQUAL(bench_db_count(db), 2);
    /* kinds, gender filter, source column */
    o.source = NULL;
    o.gender_mask = 1u << BENCH_GENDER_T;
    o.source_column = "src";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,gender,kind,value,src\n"
                                    "U2,1490,2024-T1,T,utfall,3,doc.txt:12\nU2,1490,2024-T1,T,målvärde,4,doc.txt:13\n"
                                    "U2,1490,2024-T1,K,utfall,5,doc.txt:14\n",
                                &o, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.accepted, 2);
    CU_ASSERT_EQUAL(rep.skipped_filtered, 1);
    bench_frame *f;
    bench_query q = BENCH_QUERY_INIT;
    const char *ind[] = {"U2"};
    q.indicators = ind;
    q.n_indicators = 1;
    q.kind_mask = 1u << BENCH_KIND_MALVARDE;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, &q), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 1);
    const char *const *src;
    bench_frame_dictionary(&src, NULL, f, 8);
    CU_ASSERT_STRING_EQUAL(src[0], "doc.txt:13");
    bench_frame_free(f);
    /* mixed units in one indicator are refused */
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nU9,1490,2022,5 tkr\nU9,1491,2022,5 kr\n", NULL, NULL),
                    BENCH_EPARSE);
    bench_db_free(db);
}

/* Each malformed input fails with the expected code at the expected line and column,
 * and leaves the store exactly as it was. */
static void test_errors_leave_store_unchanged(void)
{
    struct { const char *csv; int code; long line, column; const char *needle; } cases[] = {
        {"kpi,municipality,period,value\nU1,1490,2022,5\nU1,1490,2022\n", BENCH_EPARSE, 3, 4, "expected 4 fields"},
        {"kpi,municipality,period,value\nU1,Borås,2022,5\n", BENCH_EPARSE, 2, 2, "area code"},
        {"kpi,municipality,period,value\nU1,9999,2022,5\nU1,1490,20x2,5\n", BENCH_EPARSE, 3, 3, "period"},
        {"kpi,municipality,period,gender,value\nU1,1490,2022,X,5\n", BENCH_EPARSE, 2, 4, "gender"},
        {"kpi,municipality,period,kind,value\nU1,1490,2022,mål?,5\n", BENCH_EPARSE, 2, 4, "utfall"},
        {"kpi,municipality,period,value\nU1,1490,2022,\"7,1,2\"\n", BENCH_EPARSE, 2, 4, "expected a number"},
        {"kpi,municipality,period,value,count\nU1,1490,2022,5,1.5\n", BENCH_EPARSE, 2, 5, "whole number"},
        {"municipality,period,value\n1490,2022,5\n", BENCH_EPARSE, 1, 0, "kpi"},
        {"kpi,municipality,period\nU1,1490,2022\n", BENCH_EPARSE, 1, 0, "value"},
        {"kpi,municipality,value\nU1,1490,5\n", BENCH_EPARSE, 1, 0, "period"},
        {"kpi,municipality,period,value,value\nU1,1490,2022,5,6\n", BENCH_EPARSE, 1, 5, "twice"},
        {"kpi,municipality,period,value\nU1,1490,2022,\"5\n", BENCH_EPARSE, 2, 4, "not closed"},
        {"kpi,municipality,period,value\nU1,1490,2022,5\"x\n", BENCH_EPARSE, 2, 4, "quote"},
        {"", BENCH_EPARSE, 1, 0, "empty"},
        {"\xFF\xFEk\0p\0i\0", BENCH_EPARSE, 1, 1, "UTF-16"},
        {"kpi,municipality,\xe5r,value\nU1,1490,2022,5\n", BENCH_EPARSE, 1, 3, "UTF-8"},
        {"kpi,municipality,period,value\nU1,\xEF\xBB\xBF" "1490,2022,5\n", BENCH_EPARSE, 2, 2, "area code"},
        {"kpi,municipality,period,value\nU1,1490,2022,NaNa\n", BENCH_EPARSE, 2, 4, "number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bench_db *db = db_with_data();
        fingerprint before = take_fingerprint(db);
        bench_import_report rep;
        size_t len = i == 14 ? 8 : strlen(cases[i].csv);
        int st = bench_import_csv_buffer(&rep, db, cases[i].csv, len, "bad.csv", NULL);
        const bench_error *e = bench_db_last_error(db);
        CU_ASSERT_EQUAL(st, cases[i].code);
        CU_ASSERT_EQUAL(e->code, cases[i].code);
        CU_ASSERT_EQUAL(e->line, cases[i].line);
        CU_ASSERT_EQUAL(e->column, cases[i].column);
        CU_ASSERT_PTR_NOT_NULL(strstr(e->message, cases[i].needle));
        CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "bad.csv"));
        CU_ASSERT_STRING_EQUAL(e->file, "bad.csv");
        if (st != cases[i].code || e->line != cases[i].line || e->column != cases[i].column ||
            !strstr(e->message, cases[i].needle))
            fprintf(stderr, "\n  case %zu: status %d, %s\n", i, st, e->message);
        CU_ASSERT_EQUAL(rep.accepted, 0);
        CU_ASSERT_TRUE(rep.n_errors >= 1);
        CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
        bench_db_free(db);
    }
}

static void test_many_errors_listed_in_order(void)
{
    bench_db *db = db_with_data();
    bench_import_report rep;
    const char *csv = "kpi,municipality,period,value\nU1,1490,x,5\nU1,1490,2022,5\nU1,1490,2022,y\nU1,?,2022,5\n";
    CU_ASSERT_EQUAL(import_text(db, csv, NULL, &rep), BENCH_EPARSE);
    CU_ASSERT_EQUAL(rep.n_errors, 3);
    CU_ASSERT_EQUAL(rep.errors[0].line, 2);
    CU_ASSERT_EQUAL(rep.errors[1].line, 4);
    CU_ASSERT_EQUAL(rep.errors[2].line, 5);
    CU_ASSERT_EQUAL(rep.errors[2].column, 2);
    /* the db's error is the first one */
    CU_ASSERT_EQUAL(bench_db_last_error(db)->line, 2);
    bench_db_free(db);
}

static void test_limits(void)
{
    bench_db_options opts = BENCH_DB_OPTIONS_INIT;
    opts.max_field_bytes = 16;
    opts.max_columns = 8;
    bench_db *db;
    CU_ASSERT_EQUAL_FATAL(bench_db_new(&db, &opts, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nU1,1490,2022,12345678901234567890\n", NULL, NULL),
                    BENCH_ELIMIT);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->column, 4);
    CU_ASSERT_EQUAL(import_text(db, "a,b,c,d,e,f,g,h,i,j\n", NULL, NULL), BENCH_ELIMIT);
    CU_ASSERT_EQUAL(bench_db_count(db), 0);
    bench_db_free(db);
}

static void test_files_and_options(void)
{
    bench_db *db = new_db();
    bench_import_report rep;
    CU_ASSERT_EQUAL(bench_import_csv(&rep, db, "/nonexistent/x.csv", NULL), BENCH_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "/nonexistent/x.csv"));
    CU_ASSERT_EQUAL(bench_import_csv(&rep, db, "/tmp", NULL), BENCH_EIO);
    CU_ASSERT_EQUAL(bench_import_csv(&rep, db, NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_import_csv(&rep, NULL, "x.csv", NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_import_csv_buffer(&rep, db, NULL, 5, "x", NULL), BENCH_EINVAL);
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.version = 99;
    CU_ASSERT_EQUAL(import_text(db, "a\n", &o, NULL), BENCH_EINVAL);
    o = (bench_csv_options)BENCH_CSV_OPTIONS_INIT;
    o.layout = (bench_csv_layout)7;
    CU_ASSERT_EQUAL(import_text(db, "a\n", &o, NULL), BENCH_EINVAL);
    o = (bench_csv_options)BENCH_CSV_OPTIONS_INIT;
    o.delimiter = 'x';
    CU_ASSERT_EQUAL(import_text(db, "a\n", &o, NULL), BENCH_EINVAL);
    o = (bench_csv_options)BENCH_CSV_OPTIONS_INIT;
    o.kind = (bench_kind)9;
    CU_ASSERT_EQUAL(import_text(db, "a\n", &o, NULL), BENCH_EINVAL);
    o = (bench_csv_options)BENCH_CSV_OPTIONS_INIT;
    o.gender_mask = 8;
    CU_ASSERT_EQUAL(import_text(db, "a\n", &o, NULL), BENCH_EINVAL);
    o = (bench_csv_options)BENCH_CSV_OPTIONS_INIT;
    o.area_column = "kommunkod_x";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nU1,1490,2022,5\n", &o, NULL), BENCH_ENOTFOUND);
    /* a real file: header only is fine */
    FILE *f = fopen("build/test_header_only.csv", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("kpi,municipality,period,value\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(bench_import_csv(&rep, db, "build/test_header_only.csv", NULL), BENCH_OK);
    CU_ASSERT_EQUAL(rep.rows_read, 0);
    remove("build/test_header_only.csv");
    /* interned codes of a failed import do not stay */
    size_t areas = bench_area_count(db);
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nNEWKPI,9901,2022,5\nNEWKPI,9902,2022,x\n", NULL, NULL),
                    BENCH_EPARSE);
    CU_ASSERT_EQUAL(bench_area_count(db), areas);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "NEWKPI"), BENCH_ENOTFOUND);
    bench_db_free(db);
}

int register_csv_suite(void)
{
    CU_pSuite s = CU_add_suite("import_csv", NULL, NULL);
    return !s || !CU_add_test(s, "kolada layout", test_kolada_layout) ||
           !CU_add_test(s, "rKolada columns", test_rkolada_columns) ||
           !CU_add_test(s, "wide layout", test_wide_layout) ||
           !CU_add_test(s, "delimiters, BOM, CRLF, quotes", test_delimiters_bom_crlf_quotes) ||
           !CU_add_test(s, "missing markers kept", test_missing_markers_kept) ||
           !CU_add_test(s, "sources, units, kinds, filters", test_sources_units_kinds_filters) ||
           !CU_add_test(s, "errors leave the store unchanged", test_errors_leave_store_unchanged) ||
           !CU_add_test(s, "many errors listed in order", test_many_errors_listed_in_order) ||
           !CU_add_test(s, "limits", test_limits) ||
           !CU_add_test(s, "files and options", test_files_and_options);
}
