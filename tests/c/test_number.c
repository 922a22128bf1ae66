/* test_number.c -- Swedish numbers, missing markers, periods, names and versions. */
#include "tests.h"

static double parse(const char *s, int *ok, bench_unit *unit)
{
    double v = -12345;
    *ok = bench_parse_number(&v, unit, s, strlen(s)) == BENCH_OK;
    return v;
}

static void test_swedish_numbers(void)
{
    struct { const char *text; double value; bench_unit unit; } good[] = {
        {"7,1", 7.1, BENCH_UNIT_NONE},           {"73", 73, BENCH_UNIT_NONE},
        {"1 533", 1533, BENCH_UNIT_NONE},        {"1\xc2\xa0" "533,5", 1533.5, BENCH_UNIT_NONE},
        {"1\xe2\x80\xaf" "000", 1000, BENCH_UNIT_NONE}, {"\xe2\x88\x92" "12,5", -12.5, BENCH_UNIT_NONE},
        {"-3", -3, BENCH_UNIT_NONE},             {"+4", 4, BENCH_UNIT_NONE},
        {"1.234,5", 1234.5, BENCH_UNIT_NONE},    {"1,234.5", 1234.5, BENCH_UNIT_NONE},
        {"1.234.567", 1234567, BENCH_UNIT_NONE}, {"12 %", 12, BENCH_UNIT_PERCENT},
        {"350 tkr", 350, BENCH_UNIT_TKR},        {"4,5 mnkr", 4.5, BENCH_UNIT_MNKR},
        {"120 kr", 120, BENCH_UNIT_KR},          {"1e3", 1000, BENCH_UNIT_NONE},
        {"1,5e-3", 0.0015, BENCH_UNIT_NONE},     {"  0,1  ", 0.1, BENCH_UNIT_NONE},
        {"12 345 678,25", 12345678.25, BENCH_UNIT_NONE}, {"0.000001", 1e-6, BENCH_UNIT_NONE},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int ok;
        bench_unit unit = (bench_unit)99;
        double v = parse(good[i].text, &ok, &unit);
        CU_ASSERT_TRUE(ok);
        CU_ASSERT_EQUAL(v, good[i].value); /* exact: one correctly rounded conversion */
        CU_ASSERT_EQUAL(unit, good[i].unit);
        if (!ok || v != good[i].value)
            fprintf(stderr, "\n  number \"%s\" -> %d %.17g\n", good[i].text, ok, v);
    }
    int ok;
    double v = parse("3.14159265358979323846", &ok, NULL);
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(v, strtod("3.14159265358979323846", NULL));
}

static void test_numbers_refused(void)
{
    const char *bad[] = {"12 34", "1,2,3", "NaN", "inf", "-inf", "1e400", "abc", "", ",", "1..2",
                         "1 2345", "12a", "--1", "1e", "1 000 00", "%", "1,5,"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int ok;
        double v = parse(bad[i], &ok, NULL);
        CU_ASSERT_FALSE(ok);
        CU_ASSERT_EQUAL(v, -12345); /* the output is untouched on failure */
        if (ok)
            fprintf(stderr, "\n  accepted \"%s\" as %g\n", bad[i], v);
    }
    double v;
    CU_ASSERT_EQUAL(bench_parse_number(NULL, NULL, "1", 1), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_parse_number(&v, NULL, NULL, 3), BENCH_EINVAL);
}

static void test_missing_markers(void)
{
    struct { const char *text; int status; } cases[] = {
        {"", BENCH_OBS_MISSING},   {"  ", BENCH_OBS_MISSING},      {"NA", BENCH_OBS_MISSING},
        {"n/a", BENCH_OBS_MISSING}, {"NaN", BENCH_OBS_MISSING},    {"null", BENCH_OBS_MISSING},
        {"..", BENCH_OBS_SEKRETESS}, {".", BENCH_OBS_EJ_TILLAMPLIG}, {"-", BENCH_OBS_BORTFALL},
        {"\xe2\x88\x92", BENCH_OBS_BORTFALL}, {"\xe2\x80\x93", BENCH_OBS_BORTFALL}, {"5", -1},
        {"0", -1}, {"...", -1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CU_ASSERT_EQUAL(bench_missing_marker(cases[i].text, strlen(cases[i].text)), cases[i].status);
    CU_ASSERT_EQUAL(bench_missing_marker(NULL, 0), BENCH_OBS_MISSING);
}

static void test_periods(void)
{
    struct { const char *text; const char *label; } good[] = {
        {"2022", "2022"}, {"2024-T1", "2024-T1"}, {"2024T1", "2024-T1"}, {"T1 2024", "2024-T1"},
        {"2024-Q3", "2024-Q3"}, {"2024K3", "2024-Q3"}, {"2024-03", "2024-03"}, {"2022.0", "2022"}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char label[BENCH_PERIOD_LABEL_SIZE];
        int64_t key;
        CU_ASSERT_EQUAL(bench_period_parse(label, &key, good[i].text), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(label, good[i].label);
    }
    const char *bad[] = {"2024-T4", "2024-13", "20x4", "2022.5", "", "T5 2024", "2024-Q0", "99"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_EQUAL(bench_period_parse(NULL, NULL, bad[i]), BENCH_EPARSE);
    CU_ASSERT_EQUAL(bench_period_parse(NULL, NULL, NULL), BENCH_EPARSE);
    /* chronological: 2023-03 < 2023-Q1 < 2023-T1 < 2023-T2 < 2023 < 2024-T1 */
    const char *order[] = {"2023-03", "2023-Q1", "2023-T1", "2023-T2", "2023", "2024-T1"};
    int64_t prev = INT64_MIN;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        int64_t key;
        CU_ASSERT_EQUAL(bench_period_parse(NULL, &key, order[i]), BENCH_OK);
        CU_ASSERT_TRUE(key > prev);
        prev = key;
    }
}

static void test_names_and_version(void)
{
    for (int s = BENCH_OK; s >= BENCH_EVERSION; s--)
        CU_ASSERT_STRING_NOT_EQUAL(bench_strerror(s), "unknown status");
    CU_ASSERT_STRING_EQUAL(bench_strerror(-99), "unknown status");
    CU_ASSERT_STRING_EQUAL(bench_gender_name(BENCH_GENDER_K), "K");
    CU_ASSERT_PTR_NULL(bench_gender_name(3));
    CU_ASSERT_PTR_NULL(bench_gender_name(-1));
    CU_ASSERT_STRING_EQUAL(bench_kind_name(BENCH_KIND_MALVARDE), "målvärde");
    CU_ASSERT_PTR_NULL(bench_kind_name(4));
    CU_ASSERT_STRING_EQUAL(bench_obs_status_name(BENCH_OBS_SEKRETESS), "sekretess");
    CU_ASSERT_PTR_NULL(bench_obs_status_name(7));
    CU_ASSERT_STRING_EQUAL(bench_version(), BENCH_VERSION);
    CU_ASSERT_EQUAL(bench_version_number(), BENCH_VERSION_NUMBER);
    CU_ASSERT_EQUAL(BENCH_VERSION_NUMBER,
                    BENCH_VERSION_MAJOR * 10000 + BENCH_VERSION_MINOR * 100 + BENCH_VERSION_PATCH);
}

int register_number_suite(void)
{
    CU_pSuite s = CU_add_suite("number", NULL, NULL);
    return !s || !CU_add_test(s, "Swedish numbers", test_swedish_numbers) ||
           !CU_add_test(s, "numbers refused", test_numbers_refused) ||
           !CU_add_test(s, "missing markers", test_missing_markers) ||
           !CU_add_test(s, "periods", test_periods) ||
           !CU_add_test(s, "names and version", test_names_and_version);
}
