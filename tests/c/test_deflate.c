/* test_deflate.c -- fixed prices: value × index[base] / index[year] (bench_deflate). */
#include "tests.h"

/* SCB's KPI (1980=100), annual averages, as datasets/price_index.csv ships them */
static const char *YEARS[] = { "2020", "2021", "2022" };
static const double KPI[] = { 335.92, 343.19, 371.91 };

static bench_db *cost_db(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,gender,value,title,unit\n"
                                      "C,1490,2020,T,1000,Kostnad,kr/inv\nC,1490,2021,T,1100,,\n"
                                      "C,1490,2022,T,1200,,\nC,0138,2022,T,..,,\nC,0138,2021,T,500,,\n"
                                      "C,0138,2019,T,400,,\nC,1490,2022-T1,T,300,,\n"
                                      "IX,0000,2021,T,110,Eget index,index\nIX,0000,2022,T,120,,\n"
                                      "IX,1490,2022,T,999,,\n",
                                      NULL, NULL),
                          BENCH_OK);
    return db;
}

static bench_deflate_options series_options(const char *base)
{
    bench_deflate_options o = BENCH_DEFLATE_INIT;
    o.indicator = "C";
    o.index_periods = YEARS;
    o.index_values = KPI;
    o.n_index = 3;
    o.index_label = "KPI";
    o.base = base;
    return o;
}

/* the row of one area and period in a deflate frame, or -1 */
static long row_of(const bench_frame *f, const char *area, const char *period)
{
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        if (!strcmp(code_at(f, 1, r), area) && !strcmp(code_at(f, 2, r), period))
            return (long)r;
    return -1;
}

static void test_rule(void)
{
    bench_db *db = cost_db();
    bench_deflate_options o = series_options("2022");
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_deflate(&f, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 7);
    long r = row_of(f, "1490", "2020");
    CU_ASSERT_FATAL(r >= 0);
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 4, r), 1000, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 5, r), 335.92, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 6, r), 1000 * 371.91 / 335.92, 1e-9);
    CU_ASSERT_STRING_EQUAL(code_at(f, 7, r), "ok");
    /* the base year itself is unchanged */
    r = row_of(f, "1490", "2022");
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 6, r), 1200, 1e-9);
    /* a tertial uses its year's index */
    r = row_of(f, "1490", "2022-T1");
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 6, r), 300, 1e-9);
    /* missing stays missing, with its own status, never 0 */
    r = row_of(f, "0138", "2022");
    CU_ASSERT_TRUE(isnan(f64_at(f, 6, r)));
    CU_ASSERT_STRING_EQUAL(code_at(f, 7, r), "sekretess");
    /* no index for the year: no_denominator, result NaN */
    r = row_of(f, "0138", "2019");
    CU_ASSERT_TRUE(isnan(f64_at(f, 5, r)));
    CU_ASSERT_TRUE(isnan(f64_at(f, 6, r)));
    CU_ASSERT_STRING_EQUAL(code_at(f, 7, r), "no_denominator");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), "fasta priser (2022), KPI");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "base"), "2022");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "index"), "KPI");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "derived"), "C × KPI(2022) / KPI(år), fasta priser (2022)");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "title"), "Kostnad, fasta priser (2022)");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "unit"), "kr/inv");
    CU_ASSERT_DOUBLE_EQUAL(atof(bench_frame_meta(f, "base_index")), 371.91, 1e-12);
    bench_frame_free(f);
    bench_db_free(db);
}

/* an imported indicator as the index: Riket's yearly values */
static void test_index_indicator(void)
{
    bench_db *db = cost_db();
    bench_deflate_options o = BENCH_DEFLATE_INIT;
    o.indicator = "C";
    o.index = "IX";
    o.base = "2021";
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_deflate(&f, db, &o), BENCH_OK);
    long r = row_of(f, "1490", "2022");
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 5, r), 120, 1e-12); /* Riket's, not 1490's own 999 */
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 6, r), 1200 * 110.0 / 120, 1e-9);
    r = row_of(f, "1490", "2020");
    CU_ASSERT_STRING_EQUAL(code_at(f, 7, r), "no_denominator");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "index"), "IX");
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_store_as(void)
{
    bench_db *db = cost_db();
    bench_deflate_options o = series_options("2022");
    o.store_as = "CFP";
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_deflate(&f, db, &o), BENCH_OK);
    bench_frame_free(f);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "CFP", "1490", "2021", BENCH_GENDER_T), 1100 * 371.91 / 343.19, 1e-9);
    CU_ASSERT_TRUE(isnan(value_of(db, "CFP", "0138", "2022", BENCH_GENDER_T)));
    observation ob;
    CU_ASSERT_EQUAL(lookup(db, "CFP", "0138", "2022", BENCH_GENDER_T, BENCH_KIND_UTFALL, &ob), 1);
    CU_ASSERT_EQUAL(ob.status, BENCH_OBS_SEKRETESS);
    CU_ASSERT_STRING_EQUAL(ob.source, "Bearbetning: C × KPI(2022) / KPI(år), fasta priser (2022)");
    const char *title = NULL, *unit = NULL;
    CU_ASSERT_EQUAL(bench_indicator_info(&title, &unit, NULL, db, "CFP"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title, "Kostnad, fasta priser (2022)");
    CU_ASSERT_STRING_EQUAL(unit, "kr/inv");
    /* an ordinary indicator: compared, saved and opened */
    bench_compare_options c = BENCH_COMPARE_INIT;
    c.indicator = "CFP";
    c.period = "2021";
    bench_compare_stats stats;
    CU_ASSERT_EQUAL(bench_compare(&f, &stats, db, &c), BENCH_OK);
    CU_ASSERT_EQUAL(stats.n, 2);
    bench_frame_free(f);
    char path[512];
    snprintf(path, sizeof path, "%s/deflated.kbsnap", temp_dir());
    CU_ASSERT_EQUAL_FATAL(bench_db_save(db, path), BENCH_OK);
    bench_db *back = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_db_open(&back, path, NULL), BENCH_OK);
    CU_ASSERT_DOUBLE_EQUAL(value_of(back, "CFP", "1490", "2020", BENCH_GENDER_T), 1000 * 371.91 / 335.92, 1e-9);
    bench_db_free(back);
    remove(path);
    /* storing again (another base) replaces every value */
    o = series_options("2020");
    o.store_as = "CFP";
    CU_ASSERT_EQUAL(bench_deflate(&f, db, &o), BENCH_OK);
    bench_frame_free(f);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "CFP", "1490", "2020", BENCH_GENDER_T), 1000, 1e-9);
    bench_db_free(db);
}

/* a result stored before with intervals under the same id: the intervals go */
static void test_store_over_intervals(void)
{
    bench_db *db = cost_db();
    CU_ASSERT_EQUAL_FATAL(
        import_text(db, "kpi,municipality,period,gender,value\nN01951,1490,2021,T,100000\n", NULL, NULL), BENCH_OK);
    bench_per_capita_options p = BENCH_PER_CAPITA_INIT;
    p.indicator = "C";
    p.scale = 1000;
    p.store_as = "CS";
    p.ci = 0.95;
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &p), BENCH_OK);
    bench_frame_free(f);
    observation ob;
    CU_ASSERT_EQUAL(lookup(db, "CS:ci_low", "1490", "2021", BENCH_GENDER_T, BENCH_KIND_UTFALL, &ob), 1);
    bench_deflate_options o = series_options("2022");
    o.store_as = "CS";
    CU_ASSERT_EQUAL_FATAL(bench_deflate(&f, db, &o), BENCH_OK);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(lookup(db, "CS:ci_low", "1490", "2021", BENCH_GENDER_T, BENCH_KIND_UTFALL, &ob), 0);
    CU_ASSERT_EQUAL(lookup(db, "CS:ci_high", "1490", "2021", BENCH_GENDER_T, BENCH_KIND_UTFALL, &ob), 0);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "CS", "1490", "2021", BENCH_GENDER_T), 1100 * 371.91 / 343.19, 1e-9);
    bench_db_free(db);
}

static void expect(bench_db *db, bench_deflate_options *o, int code, const char *in_message)
{
    bench_frame *f = (bench_frame *)db;
    CU_ASSERT_EQUAL(bench_deflate(&f, db, o), code);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->code, code);
    if (in_message && !strstr(bench_db_last_error(db)->message, in_message)) {
        fprintf(stderr, "\n  message: %s\n", bench_db_last_error(db)->message);
        CU_FAIL("the message does not say why");
    }
}

static void test_errors(void)
{
    bench_db *db = cost_db();
    fingerprint before = take_fingerprint(db);
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL(bench_deflate(&f, NULL, NULL), BENCH_EINVAL);
    bench_deflate_options o = series_options("2022");
    CU_ASSERT_EQUAL(bench_deflate(NULL, db, &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_deflate(&f, db, NULL), BENCH_EINVAL);
    o.version = 99;
    expect(db, &o, BENCH_EINVAL, "version");
    o = series_options("2022");
    o.indicator = "NOPE";
    expect(db, &o, BENCH_ENOTFOUND, "NOPE");
    o = series_options("2022");
    o.indicator = NULL;
    expect(db, &o, BENCH_EINVAL, "indicator");
    o = series_options("2019"); /* no index for the base year */
    expect(db, &o, BENCH_ENOTFOUND, "base year 2019");
    o = series_options("2022-T1");
    expect(db, &o, BENCH_EINVAL, "base");
    o = series_options(NULL);
    expect(db, &o, BENCH_EINVAL, "base");
    o = series_options("2022");
    o.index = "IX"; /* both */
    expect(db, &o, BENCH_EINVAL, "not both");
    o = series_options("2022");
    o.n_index = 0; /* neither */
    expect(db, &o, BENCH_EINVAL, "index is required");
    const char *bad_years[] = { "2020", "2021-T1", "2022" };
    o = series_options("2022");
    o.index_periods = bad_years;
    expect(db, &o, BENCH_EINVAL, "2021-T1");
    const char *twice[] = { "2020", "2022", "2022" };
    o.index_periods = twice;
    expect(db, &o, BENCH_EINVAL, "twice");
    const double bad_values[] = { 335.92, 0, 371.91 };
    o = series_options("2022");
    o.index_values = bad_values;
    expect(db, &o, BENCH_EINVAL, "positive");
    const double nan_values[] = { 335.92, NAN, 371.91 };
    o.index_values = nan_values;
    expect(db, &o, BENCH_EINVAL, "positive");
    o = (bench_deflate_options)BENCH_DEFLATE_INIT;
    o.indicator = "C";
    o.index = "NOINDEX";
    o.base = "2022";
    expect(db, &o, BENCH_ENOTFOUND, "NOINDEX");
    o.index = "N01951"; /* in the catalogue, no Riket values */
    expect(db, &o, BENCH_ENOTFOUND, "Riket");
    o.index = "C"; /* its own index: C has no Riket values either, so ENOTFOUND comes first */
    expect(db, &o, BENCH_ENOTFOUND, NULL);
    o = series_options("2022");
    o.direction = 7;
    expect(db, &o, BENCH_EINVAL, "direction");
    o = series_options("2022");
    o.title = "\xff\xfe";
    expect(db, &o, BENCH_EINVAL, "UTF-8");
    /* store_as refusals: a part, an imported indicator, not an id */
    o = series_options("2022");
    o.store_as = "C";
    expect(db, &o, BENCH_EINVAL, "a part");
    o.store_as = "IX";
    expect(db, &o, BENCH_EINVAL, "imported values");
    o.store_as = "";
    expect(db, &o, BENCH_EINVAL, "store_as");
    o = (bench_deflate_options)BENCH_DEFLATE_INIT;
    o.indicator = "C";
    o.index = "IX";
    o.base = "2022";
    o.store_as = "ix"; /* the index, in another case */
    expect(db, &o, BENCH_EINVAL, "a part");
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, ""), BENCH_ENOTFOUND);
    bench_db_free(db);
}

/* the shipped KPI series is there, with its source */
static void test_shipped_kpi(void)
{
    const char *data = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL_FATAL(bench_dataset(&data, &len, "price_index"), BENCH_OK);
    CU_ASSERT_EQUAL(strlen(data), len);
    CU_ASSERT_PTR_NOT_NULL(strstr(data, "series,period,value,base,as_of,source\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(data, "KPI,2022,371.91,1980=100,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(data, "scb.se"));
}

/* Kolada's n31001 (kr/inv, current prices) in 2022's prices with the shipped KPI */
static void test_real_kr_series(void)
{
    const char *path = KOLADA_DDF "/datapoints--by--geo--year/ddf--datapoints--n31001--by--geo--year.csv";
    if (!file_exists(path)) {
        fprintf(stderr, "\n  skipped: %s is absent\n", path);
        return;
    }
    bench_db *db = new_db();
    bench_csv_options c = BENCH_CSV_OPTIONS_INIT;
    c.layout = BENCH_CSV_WIDE;
    CU_ASSERT_EQUAL_FATAL(bench_import_csv_file(NULL, db, path, &c), BENCH_OK);
    const char *years[] = { "2012", "2022" };
    const double kpi[] = { 314.20, 371.91 };
    bench_deflate_options o = BENCH_DEFLATE_INIT;
    o.indicator = "N31001";
    o.index_periods = years;
    o.index_values = kpi;
    o.n_index = 2;
    o.base = "2022";
    o.store_as = "N31001_FP";
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_deflate(&f, db, &o), BENCH_OK);
    bench_frame_free(f);
    double v = value_of(db, "N31001", "1490", "2012", BENCH_GENDER_T);
    CU_ASSERT_TRUE(v > 0);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "N31001_FP", "1490", "2012", BENCH_GENDER_T), v * 371.91 / 314.20, 1e-9);
    CU_ASSERT_TRUE(isnan(value_of(db, "N31001_FP", "1490", "2011", BENCH_GENDER_T))); /* no index for 2011 */
    bench_db_free(db);
}

int register_deflate_suite(void)
{
    CU_pSuite s = CU_add_suite("deflate", NULL, NULL);
    return !s || !CU_add_test(s, "value x index[base] / index[year]", test_rule) ||
           !CU_add_test(s, "an imported index (Riket)", test_index_indicator) ||
           !CU_add_test(s, "store_as: an ordinary indicator", test_store_as) ||
           !CU_add_test(s, "store_as over a result with intervals", test_store_over_intervals) ||
           !CU_add_test(s, "errors", test_errors) || !CU_add_test(s, "shipped KPI", test_shipped_kpi) ||
           !CU_add_test(s, "Kolada n31001 in fixed prices", test_real_kr_series);
}
