/* test_number.c -- Swedish numbers, missing markers, periods (also through the importer),
 * status texts, enum names and versions. */
#include "tests.h"

/* Parse `s`; returns the value, or -12345 (the untouched output) when refused. */
static double parse(const char *s, int *ok, bench_unit *unit)
{
    double v = -12345;
    *ok = bench_parse_number(&v, unit, s, strlen(s)) == BENCH_OK;
    return v;
}

static void test_swedish_numbers(void)
{
    struct {
        const char *text;
        double value;
        bench_unit unit;
    } good[] = {
        { "7,1", 7.1, BENCH_UNIT_NONE },
        { "73", 73.0, BENCH_UNIT_NONE },
        { "1 533", 1533, BENCH_UNIT_NONE },
        { "1\xc2\xa0"
          "533,5",
          1533.5, BENCH_UNIT_NONE }, /* no-break space U+00A0 */
        { "1\xe2\x80\xaf"
          "533",
          1533, BENCH_UNIT_NONE }, /* narrow no-break space U+202F */
        { "12\xe2\x80\xaf"
          "345\xe2\x80\xaf"
          "678,5",
          12345678.5, BENCH_UNIT_NONE },
        { "\xe2\x88\x92"
          "12,5",
          -12.5, BENCH_UNIT_NONE }, /* minus sign U+2212 */
        { "-3", -3, BENCH_UNIT_NONE },
        { "+4", 4, BENCH_UNIT_NONE },
        { "1.234,5", 1234.5, BENCH_UNIT_NONE },
        { "1,234.5", 1234.5, BENCH_UNIT_NONE },
        { "1.234.567", 1234567, BENCH_UNIT_NONE },
        { "1,234,567", 1234567, BENCH_UNIT_NONE },
        { "1.234.567,89", 1234567.89, BENCH_UNIT_NONE },
        { "12 %", 12, BENCH_UNIT_PERCENT },
        { "12%", 12, BENCH_UNIT_PERCENT },
        { "95,5 %", 95.5, BENCH_UNIT_PERCENT },
        { "350 tkr", 350, BENCH_UNIT_TKR },
        { "4,5 mnkr", 4.5, BENCH_UNIT_MNKR },
        { "4,5 mkr", 4.5, BENCH_UNIT_MNKR },
        { "120 kr", 120, BENCH_UNIT_KR },
        { "-1 200 kr", -1200, BENCH_UNIT_KR },
        { "1e3", 1000, BENCH_UNIT_NONE },
        { "1,5e-3", 0.0015, BENCH_UNIT_NONE },
        { "2E2", 200, BENCH_UNIT_NONE },
        { "  0,1  ", 0.1, BENCH_UNIT_NONE },
        { "\xc2\xa0"
          "42\xc2\xa0",
          42, BENCH_UNIT_NONE },
        { "12 345 678,25", 12345678.25, BENCH_UNIT_NONE },
        { "0.000001", 1e-6, BENCH_UNIT_NONE },
        { "0", 0, BENCH_UNIT_NONE },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int ok;
        bench_unit unit = (bench_unit)99;
        double v = parse(good[i].text, &ok, &unit);
        CU_ASSERT_TRUE(ok);
        CU_ASSERT_EQUAL(v, good[i].value); /* exact: one correctly rounded conversion */
        CU_ASSERT_EQUAL(unit, good[i].unit);
        if (!ok || v != good[i].value || unit != good[i].unit)
            fprintf(stderr, "\n  number \"%s\" -> ok %d value %.17g unit %d\n", good[i].text, ok, v, (int)unit);
    }
}

static void test_exactness(void)
{
    int ok;
    /* "0,1" is exactly the double nearest 0.1, "73" exactly 73.0 */
    CU_ASSERT_TRUE(parse("0,1", &ok, NULL) == 0.1 && ok);
    CU_ASSERT_TRUE(parse("73", &ok, NULL) == 73.0 && ok);
    CU_ASSERT_TRUE(parse("0,3", &ok, NULL) == 0.3 && ok);
    CU_ASSERT_TRUE(parse("100,7", &ok, NULL) == 100.7 && ok);
    /* 17 significant digits and more: as strtod in the C locale reads the same digits */
    struct {
        const char *swedish, *c;
    } long_numbers[] = {
        { "12345678901234567", "12345678901234567" },
        { "0,30000000000000004", "0.30000000000000004" },
        { "1234567890123456,7", "1234567890123456.7" },
        { "3,14159265358979323846", "3.14159265358979323846" },
        { "9007199254740993", "9007199254740993" },
        { "1,2345678901234567e-5", "1.2345678901234567e-5" },
        { "123 456 789 012 345 678", "123456789012345678" },
        { "0,1e-22", "0.1e-22" },
        { "1,7976931348623157e308", "1.7976931348623157e308" },
    };
    for (size_t i = 0; i < sizeof long_numbers / sizeof long_numbers[0]; i++) {
        double v = parse(long_numbers[i].swedish, &ok, NULL);
        CU_ASSERT_TRUE(ok);
        CU_ASSERT_EQUAL(v, strtod(long_numbers[i].c, NULL));
        if (!ok || v != strtod(long_numbers[i].c, NULL))
            fprintf(stderr, "\n  \"%s\" -> %.17g, strtod %.17g\n", long_numbers[i].swedish, v,
                    strtod(long_numbers[i].c, NULL));
    }
    /* only `len` bytes are read: no NUL needed */
    double v = 0;
    bench_unit unit = (bench_unit)99;
    CU_ASSERT_EQUAL(bench_parse_number(&v, &unit, "7,1xyz", 3), BENCH_OK);
    CU_ASSERT_EQUAL(v, 7.1);
    CU_ASSERT_EQUAL(unit, BENCH_UNIT_NONE);
    CU_ASSERT_EQUAL(bench_parse_number(&v, NULL, "12 %%%", 4), BENCH_OK);
    CU_ASSERT_EQUAL(v, 12);
    CU_ASSERT_EQUAL(bench_parse_number(&v, NULL, "1 2", 1), BENCH_OK);
    CU_ASSERT_EQUAL(v, 1);
}

static void test_numbers_refused(void)
{
    const char *bad[] = { "12 34", /* a group of 2 digits */
                          "1,2,3", "NaN",  "nan", "inf",         "-inf",      "Infinity", "1e400",  "-1e400",   "abc",
                          "",      ",",    ".",   "-",           "+",         "1..2",     "1 2345", "1234 567", "12a",
                          "--1",   "+-1",  "1e",  "1e+",         "1 000 00",  "%",        "kr",     "1,5,",     "7,1,2",
                          "0x10",  "1 ,5", "- 5", "1 000.000.0", "1.2.3,4,5", "12 34 %" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int ok;
        bench_unit unit = (bench_unit)77;
        double v = parse(bad[i], &ok, &unit);
        CU_ASSERT_FALSE(ok);
        CU_ASSERT_EQUAL(v, -12345); /* the outputs are untouched on failure */
        CU_ASSERT_EQUAL(unit, (bench_unit)77);
        if (ok)
            fprintf(stderr, "\n  accepted \"%s\" as %.17g\n", bad[i], v);
    }
    double v;
    CU_ASSERT_EQUAL(bench_parse_number(NULL, NULL, "1", 1), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_parse_number(&v, NULL, NULL, 3), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_parse_number(&v, NULL, NULL, 0), BENCH_EPARSE); /* no text: nothing to read */
}

static void test_missing_markers(void)
{
    struct {
        const char *text;
        int status;
    } cases[] = { { "", BENCH_OBS_MISSING },
                  { "  ", BENCH_OBS_MISSING },
                  { "NA", BENCH_OBS_MISSING },
                  { "na", BENCH_OBS_MISSING },
                  { "n/a", BENCH_OBS_MISSING },
                  { "N/A", BENCH_OBS_MISSING },
                  { "NaN", BENCH_OBS_MISSING },
                  { "nan", BENCH_OBS_MISSING },
                  { "null", BENCH_OBS_MISSING },
                  { "NULL", BENCH_OBS_MISSING },
                  { " NA ", BENCH_OBS_MISSING },
                  { "..", BENCH_OBS_SEKRETESS },
                  { " .. ", BENCH_OBS_SEKRETESS },
                  { ".", BENCH_OBS_EJ_TILLAMPLIG },
                  { "-", BENCH_OBS_BORTFALL },
                  { "\xe2\x88\x92", BENCH_OBS_BORTFALL }, /* U+2212 */
                  { "\xe2\x80\x93", BENCH_OBS_BORTFALL }, /* U+2013 */
                  { " - ", BENCH_OBS_BORTFALL },
                  { "5", -1 },
                  { "0", -1 },
                  { "...", -1 },
                  { "--", -1 },
                  { "-5", -1 },
                  { "x", -1 },
                  { "NAN5", -1 } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = bench_missing_marker(cases[i].text, strlen(cases[i].text));
        CU_ASSERT_EQUAL(got, cases[i].status);
        if (got != cases[i].status)
            fprintf(stderr, "\n  marker \"%s\" -> %d, expected %d\n", cases[i].text, got, cases[i].status);
    }
    /* only len bytes count */
    CU_ASSERT_EQUAL(bench_missing_marker("..5", 2), BENCH_OBS_SEKRETESS);
    CU_ASSERT_EQUAL(bench_missing_marker("NAx", 2), BENCH_OBS_MISSING);
    CU_ASSERT_EQUAL(bench_missing_marker(NULL, 0), BENCH_OBS_MISSING);
}

static void test_periods(void)
{
    struct {
        const char *text;
        const char *label;
    } good[] = { { "2022", "2022" },       { "2024-T1", "2024-T1" }, { "2024T1", "2024-T1" }, { "T1 2024", "2024-T1" },
                 { "2024-T3", "2024-T3" }, { "2024-Q3", "2024-Q3" }, { "2024K3", "2024-Q3" }, { "2024-03", "2024-03" },
                 { "2024-12", "2024-12" }, { "2022.0", "2022" },     { " 2022 ", "2022" } };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char label[BENCH_PERIOD_LABEL_SIZE] = "";
        int64_t key;
        CU_ASSERT_EQUAL(bench_period_parse(label, &key, good[i].text), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(label, good[i].label);
        CU_ASSERT_EQUAL(bench_period_parse(NULL, NULL, good[i].text), BENCH_OK); /* outputs may be NULL */
    }
    const char *bad[] = { "2024-T4", "2024-T0", "2024-13", "2024-00", "20x4",  "2022.5", "",     "T5 2024",
                          "2024-Q0", "2024-Q5", "99",      "2024-",   "2024T", "T1",     "abcd", "2024-T1x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char label[BENCH_PERIOD_LABEL_SIZE] = "untouched";
        CU_ASSERT_EQUAL(bench_period_parse(label, NULL, bad[i]), BENCH_EPARSE);
        CU_ASSERT_STRING_EQUAL(label, "untouched");
    }
    CU_ASSERT_EQUAL(bench_period_parse(NULL, NULL, NULL), BENCH_EPARSE);
    /* chronological: by end month, then month < quarter < tertial < year */
    const char *order[] = { "2022",    "2023-01", "2023-03", "2023-Q1", "2023-04", "2023-T1",
                            "2023-T2", "2023-12", "2023-Q4", "2023-T3", "2023",    "2024-T1" };
    int64_t prev = INT64_MIN;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        int64_t key;
        CU_ASSERT_EQUAL(bench_period_parse(NULL, &key, order[i]), BENCH_OK);
        CU_ASSERT_TRUE(key > prev);
        if (!(key > prev))
            fprintf(stderr, "\n  period %s is not after %s\n", order[i], order[i - 1]);
        prev = key;
    }
}

/* Period labels read by the CSV importer: stored canonical, refused with the column named. */
static void test_periods_through_the_importer(void)
{
    bench_db *db = new_db();
    bench_import_report rep;
    const char *csv = "kpi,municipality,period,value\n"
                      "P1,1490,2022,1\nP1,1490,2024-T1,2\nP1,1490,2024T2,3\nP1,1490,T3 2024,4\n"
                      "P1,1490,2024-Q3,5\nP1,1490,2024K4,6\nP1,1490,2024-03,7\n";
    CU_ASSERT_EQUAL_FATAL(import_text(db, csv, NULL, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.accepted, 7);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, NULL), BENCH_OK);
    const char *const *dict;
    size_t n;
    CU_ASSERT_EQUAL(bench_frame_dictionary(&dict, &n, f, 2), BENCH_OK);
    /* chronological dictionary of canonical labels */
    const char *expected[] = { "2022", "2024-03", "2024-T1", "2024-T2", "2024-Q3", "2024-Q4", "2024-T3" };
    CU_ASSERT_EQUAL_FATAL(n, 7);
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_STRING_EQUAL(dict[i], expected[i]);
    /* rows in the same order, with their values */
    double values[] = { 1, 7, 2, 3, 5, 6, 4 };
    for (size_t r = 0; r < 7; r++) {
        CU_ASSERT_STRING_EQUAL(code_at(f, 2, r), expected[r]);
        CU_ASSERT_EQUAL(f64_at(f, 5, r), values[r]);
    }
    bench_frame_free(f);
    CU_ASSERT_EQUAL(value_of(db, "P1", "1490", "2024-T2", BENCH_GENDER_T), 3);
    CU_ASSERT_EQUAL(value_of(db, "P1", "1490", "2024-T3", BENCH_GENDER_T), 4);

    const char *bad[] = { "2024-T4", "2024-13", "20x4", "2022.5" };
    for (size_t i = 0; i < 4; i++) {
        char text[256];
        snprintf(text, sizeof text, "kpi,municipality,period,value\nP2,1490,2022,1\nP2,1490,%s,2\n", bad[i]);
        size_t count = bench_db_count(db);
        CU_ASSERT_EQUAL(bench_import_csv_buffer(&rep, db, text, strlen(text), "p.csv", NULL), BENCH_EPARSE);
        const bench_error *e = bench_db_last_error(db);
        CU_ASSERT_EQUAL(e->line, 3);
        CU_ASSERT_EQUAL(e->column, 3);
        CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "p.csv:3:3"));
        CU_ASSERT_PTR_NOT_NULL(strstr(e->message, bad[i]));
        CU_ASSERT_EQUAL(rep.accepted, 0);
        CU_ASSERT_EQUAL(bench_db_count(db), count);
    }
    bench_db_free(db);
}

static void test_status_texts(void)
{
    int codes[] = { BENCH_OK,        BENCH_ENOMEM, BENCH_EINVAL,   BENCH_EIO,     BENCH_EPARSE,
                    BENCH_ENOTFOUND, BENCH_ELIMIT, BENCH_ECORRUPT, BENCH_EVERSION };
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *t = bench_strerror(codes[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT_TRUE(strlen(t) > 0);
        CU_ASSERT_STRING_NOT_EQUAL(t, "unknown status");
        for (size_t j = 0; j < i; j++) /* each status has its own text */
            CU_ASSERT_STRING_NOT_EQUAL(t, bench_strerror(codes[j]));
    }
    CU_ASSERT_STRING_EQUAL(bench_strerror(BENCH_OK), "success");
    CU_ASSERT_STRING_EQUAL(bench_strerror(BENCH_ENOMEM), "out of memory");
    CU_ASSERT_STRING_EQUAL(bench_strerror(-99), "unknown status");
    CU_ASSERT_STRING_EQUAL(bench_strerror(1), "unknown status");
    CU_ASSERT_STRING_EQUAL(bench_strerror(-9), "unknown status");
}

static void test_enum_names(void)
{
    const char *genders[] = { "T", "K", "M" };
    for (int g = 0; g < 3; g++)
        CU_ASSERT_STRING_EQUAL(bench_gender_name(g), genders[g]);
    CU_ASSERT_PTR_NULL(bench_gender_name(3));
    CU_ASSERT_PTR_NULL(bench_gender_name(-1));
    const char *kinds[] = { "utfall", "målvärde", "budget", "prognos" };
    for (int k = 0; k < 4; k++)
        CU_ASSERT_STRING_EQUAL(bench_kind_name(k), kinds[k]);
    CU_ASSERT_PTR_NULL(bench_kind_name(4));
    CU_ASSERT_PTR_NULL(bench_kind_name(-1));
    const char *statuses[] = { "ok",        "missing",        "bortfall",        "ej_tillämplig",
                               "sekretess", "no_denominator", "zero_denominator" };
    for (int s = 0; s < 7; s++)
        CU_ASSERT_STRING_EQUAL(bench_obs_status_name(s), statuses[s]);
    CU_ASSERT_PTR_NULL(bench_obs_status_name(7));
    CU_ASSERT_PTR_NULL(bench_obs_status_name(-1));
    CU_ASSERT_PTR_NULL(bench_obs_status_name(1000));
}

static void test_version(void)
{
    CU_ASSERT_STRING_EQUAL(bench_version(), BENCH_VERSION);
    CU_ASSERT_EQUAL(bench_version_number(), BENCH_VERSION_NUMBER);
    CU_ASSERT_EQUAL(BENCH_VERSION_NUMBER,
                    BENCH_VERSION_MAJOR * 10000 + BENCH_VERSION_MINOR * 100 + BENCH_VERSION_PATCH);
    char text[32];
    snprintf(text, sizeof text, "%d.%d.%d", BENCH_VERSION_MAJOR, BENCH_VERSION_MINOR, BENCH_VERSION_PATCH);
    CU_ASSERT_STRING_EQUAL(bench_version(), text);
}

int register_number_suite(void)
{
    CU_pSuite s = CU_add_suite("number", NULL, NULL);
    return !s || !CU_add_test(s, "Swedish numbers", test_swedish_numbers) ||
           !CU_add_test(s, "exact conversion", test_exactness) ||
           !CU_add_test(s, "numbers refused", test_numbers_refused) ||
           !CU_add_test(s, "missing markers", test_missing_markers) || !CU_add_test(s, "periods", test_periods) ||
           !CU_add_test(s, "periods through the importer", test_periods_through_the_importer) ||
           !CU_add_test(s, "status texts", test_status_texts) || !CU_add_test(s, "enum names", test_enum_names) ||
           !CU_add_test(s, "version", test_version);
}
