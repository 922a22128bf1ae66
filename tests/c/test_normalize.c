/* test_normalize.c -- per invånare, per 1 000, shares, missing and zero denominators. */
#include "tests.h"

static bench_db *population_db(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,gender,value\n"
                                    "N01951,1490,2022,T,100000\nN01951,1490,2022,K,50000\nN01951,1490,2022,M,50000\n"
                                    "N01951,0138,2022,T,0\n"
                                    "N01952,1490,2022,T,7000\nN01953,1490,2022,T,11000\nN01954,1490,2022,T,4000\n"
                                    "N01952,0138,2022,T,3000\nN01953,0138,2022,T,5000\n"
                                    "X,1490,2022,T,250\nX,1490,2022,K,100\nX,0138,2022,T,30\nX,0180,2022,T,40\n"
                                    "X,1490,2021,T,..\n",
                                NULL, NULL), BENCH_OK);
    return db;
}

/* Row of `area`/`gender` in a per-capita frame: result, denominator and status name. */
static int find(bench_frame *f, const char *area, const char *period, const char *gender, double *result,
                double *denominator, const char **status)
{
    const uint32_t *a, *p, *g, *s;
    const double *res, *den;
    const char *const *da, *const *dp, *const *dg, *const *ds;
    bench_frame_column(NULL, NULL, (const void **)&a, f, 1);
    bench_frame_column(NULL, NULL, (const void **)&p, f, 2);
    bench_frame_column(NULL, NULL, (const void **)&g, f, 3);
    bench_frame_column(NULL, NULL, (const void **)&den, f, 5);
    bench_frame_column(NULL, NULL, (const void **)&res, f, 6);
    bench_frame_column(NULL, NULL, (const void **)&s, f, 7);
    bench_frame_dictionary(&da, NULL, f, 1);
    bench_frame_dictionary(&dp, NULL, f, 2);
    bench_frame_dictionary(&dg, NULL, f, 3);
    bench_frame_dictionary(&ds, NULL, f, 7);
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        if (!strcmp(da[a[r]], area) && !strcmp(dp[p[r]], period) && !strcmp(dg[g[r]], gender)) {
            *result = res[r];
            *denominator = den[r];
            *status = ds[s[r]];
            return 1;
        }
    return 0;
}

static void test_scales_and_method(void)
{
    bench_db *db = population_db();
    struct { double scale; double result; const char *method; } cases[] = {
        {1, 0.0025, "per invånare (N01951)"},       {100, 0.25, "andel (%) av invånare (N01951)"},
        {1000, 2.5, "per 1 000 invånare (N01951)"}, {10000, 25, "per 10 000 invånare (N01951)"},
        {100000, 250, "per 100 000 invånare (N01951)"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
        o.indicator = "X";
        o.scale = cases[i].scale;
        bench_frame *f;
        CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
        double r, d;
        const char *st;
        CU_ASSERT_TRUE(find(f, "1490", "2022", "T", &r, &d, &st));
        CU_ASSERT_DOUBLE_EQUAL(r, cases[i].result, 1e-12);
        CU_ASSERT_EQUAL(d, 100000);
        CU_ASSERT_STRING_EQUAL(st, "ok");
        CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), cases[i].method);
        CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "population"), "N01951");
        /* K uses the K population */
        CU_ASSERT_TRUE(find(f, "1490", "2022", "K", &r, &d, &st));
        CU_ASSERT_EQUAL(d, 50000);
        bench_frame_free(f);
    }
    bench_db_free(db);
}

static void test_missing_and_zero_denominators(void)
{
    bench_db *db = population_db();
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = "X";
    o.scale = 1000;
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
    double r, d;
    const char *st;
    CU_ASSERT_TRUE(find(f, "0138", "2022", "T", &r, &d, &st)); /* population 0 */
    CU_ASSERT_TRUE(isnan(r));
    CU_ASSERT_STRING_EQUAL(st, "zero_denominator");
    CU_ASSERT_TRUE(find(f, "0180", "2022", "T", &r, &d, &st)); /* no population */
    CU_ASSERT_TRUE(isnan(r) && isnan(d));
    CU_ASSERT_STRING_EQUAL(st, "no_denominator");
    CU_ASSERT_TRUE(find(f, "1490", "2021", "T", &r, &d, &st)); /* the value itself is secret */
    CU_ASSERT_TRUE(isnan(r));
    CU_ASSERT_STRING_EQUAL(st, "sekretess");
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_age_band_sum(void)
{
    bench_db *db = population_db();
    const char *band[] = {"N01952", "N01953", "N01954"};
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = "X";
    o.population = band;
    o.n_population = 3;
    o.scale = 100;
    o.population_label = "invånare 0-19 år";
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
    double r, d;
    const char *st;
    CU_ASSERT_TRUE(find(f, "1490", "2022", "T", &r, &d, &st));
    CU_ASSERT_EQUAL(d, 22000);
    CU_ASSERT_DOUBLE_EQUAL(r, 250.0 / 22000 * 100, 1e-12);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), "andel (%) av invånare 0-19 år");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "population"), "N01952+N01953+N01954");
    CU_ASSERT_TRUE(find(f, "0138", "2022", "T", &r, &d, &st)); /* 16-19 missing: no smaller sum */
    CU_ASSERT_STRING_EQUAL(st, "no_denominator");
    CU_ASSERT_TRUE(isnan(d));
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_errors(void)
{
    bench_db *db = population_db();
    bench_frame *f = NULL;
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = "NOPE";
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_ENOTFOUND);
    o.indicator = "X";
    const char *pop[] = {"N09999"};
    o.population = pop;
    o.n_population = 1;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_ENOTFOUND);
    const char *empty_pop[] = {"N01957"}; /* in the catalogue, without values */
    o.population = empty_pop;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "no values"));
    o.population = NULL;
    o.n_population = 0;
    double scales[] = {0, -1, NAN, INFINITY};
    for (size_t i = 0; i < 4; i++) {
        o.scale = scales[i];
        CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    }
    o.scale = 1;
    o.population = pop;
    o.n_population = 0;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    o.n_population = 200;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    o = (bench_per_capita_options)BENCH_PER_CAPITA_INIT;
    o.version = 3;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, NULL), BENCH_EINVAL);
    o = (bench_per_capita_options)BENCH_PER_CAPITA_INIT; /* all indicators but N01951 */
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 5 + 5); /* X and the three band indicators */
    bench_frame_free(f);
    f = NULL;
    CU_ASSERT_PTR_NULL(f);
    bench_db_free(db);
}

int register_normalize_suite(void)
{
    CU_pSuite s = CU_add_suite("normalize", NULL, NULL);
    return !s || !CU_add_test(s, "scales and method", test_scales_and_method) ||
           !CU_add_test(s, "missing and zero denominators", test_missing_and_zero_denominators) ||
           !CU_add_test(s, "age band sum", test_age_band_sum) || !CU_add_test(s, "errors", test_errors);
}
