/* test_compare.c -- ranks, ties, percentiles, KKiK colours, statistics and compare_all. */
#include "tests.h"

/* Import values v[i] for the first n kommuner of `codes` (NAN = missing) as indicator X 2022. */
static void put_values(bench_db *db, const char *const *codes, const double *v, size_t n, const char *source)
{
    char *csv = malloc(64 + n * 40);
    size_t len = (size_t)sprintf(csv, "kpi,municipality,period,value\n");
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            len += (size_t)sprintf(csv + len, "X,%s,2022,..\n", codes[i]);
        else
            len += (size_t)sprintf(csv + len, "X,%s,2022,%.17g\n", codes[i], v[i]);
    }
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source = source;
    CU_ASSERT_EQUAL(bench_import_csv_buffer(NULL, db, csv, len, "values", &o), BENCH_OK);
    free(csv);
}

static const char *K[] = {"0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128", "0136"};

typedef struct result {
    size_t rows;
    char area[16][8];
    double value[16];
    int rank[16];
    double pct[16];
    char colour[16][8];
    bench_compare_stats stats;
} result;

static int run(bench_db *db, size_t n_areas, int direction, result *out)
{
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    o.areas = K;
    o.n_areas = n_areas;
    o.direction = direction;
    bench_frame *f;
    int st = bench_compare(&f, &out->stats, db, &o);
    if (st)
        return st;
    const uint32_t *a, *c;
    const double *v, *p;
    const int32_t *r;
    const char *const *da, *const *dc;
    bench_frame_column(NULL, NULL, (const void **)&a, f, 0);
    bench_frame_column(NULL, NULL, (const void **)&v, f, 1);
    bench_frame_column(NULL, NULL, (const void **)&r, f, 2);
    bench_frame_column(NULL, NULL, (const void **)&p, f, 3);
    bench_frame_column(NULL, NULL, (const void **)&c, f, 4);
    bench_frame_dictionary(&da, NULL, f, 0);
    bench_frame_dictionary(&dc, NULL, f, 4);
    out->rows = bench_frame_rows(f);
    for (size_t i = 0; i < out->rows && i < 16; i++) {
        snprintf(out->area[i], 8, "%s", da[a[i]]);
        out->value[i] = v[i];
        out->rank[i] = r[i];
        out->pct[i] = p[i];
        snprintf(out->colour[i], 8, "%s", dc[c[i]]);
    }
    bench_frame_free(f);
    return BENCH_OK;
}

static void test_ties_and_percentiles(void)
{
    bench_db *db = new_db();
    double v[] = {10, 20, 20, 40, NAN};
    put_values(db, K, v, 5, "s");
    result r;
    CU_ASSERT_EQUAL_FATAL(run(db, 6, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.rows, 6); /* 4 ranked, 1 missing, 1 area without a row */
    int ranks[] = {1, 2, 2, 4, 0, 0};
    double pct[] = {100, 100.0 / 3, 100.0 / 3, 0};
    for (int i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(r.rank[i], ranks[i]);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_DOUBLE_EQUAL(r.pct[i], pct[i], 1e-12);
    CU_ASSERT_STRING_EQUAL(r.colour[0], "green");
    CU_ASSERT_STRING_EQUAL(r.colour[1], "yellow");
    CU_ASSERT_STRING_EQUAL(r.colour[3], "red");
    CU_ASSERT_STRING_EQUAL(r.colour[4], "grey");
    CU_ASSERT_STRING_EQUAL(r.colour[5], "grey");
    CU_ASSERT_TRUE(isnan(r.value[4]));
    CU_ASSERT_STRING_EQUAL(r.area[4], "0123"); /* missing rows by code */
    CU_ASSERT_STRING_EQUAL(r.area[5], "0125");
    CU_ASSERT_EQUAL(r.stats.n, 4);
    CU_ASSERT_EQUAL(r.stats.n_areas, 6);
    CU_ASSERT_DOUBLE_EQUAL(r.stats.unweighted_mean, 22.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r.stats.median, 20, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r.stats.q1, 17.5, 1e-12); /* numpy type 7 */
    CU_ASSERT_DOUBLE_EQUAL(r.stats.q3, 25, 1e-12);
    CU_ASSERT_EQUAL(r.stats.min, 10);
    CU_ASSERT_EQUAL(r.stats.max, 40);
    CU_ASSERT_TRUE(isnan(r.stats.weighted_mean));
    /* higher is better reverses the order */
    CU_ASSERT_EQUAL_FATAL(run(db, 5, BENCH_DIRECTION_HIGHER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.value[0], 40);
    CU_ASSERT_EQUAL(r.rank[1], 2);
    CU_ASSERT_EQUAL(r.rank[2], 2);
    CU_ASSERT_EQUAL(r.rank[3], 4);
    /* no direction: ranks, no colours */
    CU_ASSERT_EQUAL_FATAL(run(db, 5, BENCH_DIRECTION_NONE, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.rank[0], 1);
    CU_ASSERT_STRING_EQUAL(r.colour[0], "");
    CU_ASSERT_STRING_EQUAL(r.colour[4], "grey");
    bench_db_free(db);
}

static void test_colours_small_sets(void)
{
    /* green when b < n/4, red when w < n/4: n = 1: yellow; 2: green, red; 3: green, yellow, red;
     * 4: g y y r; 5: g g y r r (b = 1 < 1.25); 8: g g y y y y r r */
    const char *expected[][8] = {{"yellow"}, {"green", "red"}, {"green", "yellow", "red"},
                                 {"green", "yellow", "yellow", "red"},
                                 {"green", "green", "yellow", "red", "red"}};
    size_t sizes[] = {1, 2, 3, 4, 5};
    for (size_t c = 0; c < 5; c++) {
        bench_db *db = new_db();
        double v[8];
        for (size_t i = 0; i < sizes[c]; i++)
            v[i] = (double)i;
        put_values(db, K, v, sizes[c], "s");
        result r;
        CU_ASSERT_EQUAL_FATAL(run(db, sizes[c], BENCH_DIRECTION_LOWER, &r), BENCH_OK);
        for (size_t i = 0; i < sizes[c]; i++)
            CU_ASSERT_STRING_EQUAL(r.colour[i], expected[c][i]);
        bench_db_free(db);
    }
    bench_db *db = new_db();
    double v8[] = {1, 2, 3, 4, 5, 6, 7, 8};
    put_values(db, K, v8, 8, "s");
    result r;
    CU_ASSERT_EQUAL_FATAL(run(db, 8, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    const char *e8[] = {"green", "green", "yellow", "yellow", "yellow", "yellow", "red", "red"};
    for (size_t i = 0; i < 8; i++)
        CU_ASSERT_STRING_EQUAL(r.colour[i], e8[i]);
    bench_db_free(db);
    /* a tie at the cut-off takes the better colour; all equal is all yellow */
    db = new_db();
    double tie[] = {1, 2, 2, 3, 4, 5, 6, 7};
    put_values(db, K, tie, 8, "s");
    CU_ASSERT_EQUAL_FATAL(run(db, 8, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(r.colour[1], "green");
    CU_ASSERT_STRING_EQUAL(r.colour[2], "green");
    CU_ASSERT_STRING_EQUAL(r.colour[3], "yellow");
    bench_db_free(db);
    db = new_db();
    double same[] = {5, 5, 5, 5, 5};
    put_values(db, K, same, 5, "s");
    CU_ASSERT_EQUAL_FATAL(run(db, 5, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    for (size_t i = 0; i < 5; i++) {
        CU_ASSERT_STRING_EQUAL(r.colour[i], "yellow");
        CU_ASSERT_EQUAL(r.rank[i], 1);
    }
    bench_db_free(db);
}

static void test_all_kommuner_quartiles(void)
{
    /* 290 distinct values over all kommuner: 73 green and 73 red (b < 72.5, w < 72.5) */
    bench_db *db = new_db();
    bench_frame *areas;
    CU_ASSERT_EQUAL_FATAL(bench_areas_frame(&areas, db), BENCH_OK);
    const uint32_t *codes, *types;
    const char *const *dcode, *const *dtype;
    bench_frame_column(NULL, NULL, (const void **)&codes, areas, 0);
    bench_frame_column(NULL, NULL, (const void **)&types, areas, 2);
    bench_frame_dictionary(&dcode, NULL, areas, 0);
    bench_frame_dictionary(&dtype, NULL, areas, 2);
    char *csv = malloc(300 * 40);
    size_t len = (size_t)sprintf(csv, "kpi,municipality,period,value\n");
    int i = 0;
    for (size_t r = 0; r < bench_frame_rows(areas); r++)
        if (!strcmp(dtype[types[r]], "kommun"))
            len += (size_t)sprintf(csv + len, "X,%s,2022,%d\n", dcode[codes[r]], i++);
    bench_frame_free(areas);
    CU_ASSERT_EQUAL(i, 290);
    CU_ASSERT_EQUAL_FATAL(bench_import_csv_buffer(NULL, db, csv, len, "all", NULL), BENCH_OK);
    free(csv);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "X", NULL, NULL, BENCH_DIRECTION_HIGHER), BENCH_OK);
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    bench_frame *f;
    bench_compare_stats st;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(st.n, 290);
    const uint32_t *c;
    const char *const *dc;
    bench_frame_column(NULL, NULL, (const void **)&c, f, 4);
    bench_frame_dictionary(&dc, NULL, f, 4);
    int green = 0, red = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        green += !strcmp(dc[c[r]], "green");
        red += !strcmp(dc[c[r]], "red");
    }
    CU_ASSERT_EQUAL(green, 73);
    CU_ASSERT_EQUAL(red, 73);
    bench_frame_free(f);
    /* compare_all gives the same for the group */
    CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, NULL, 0, BENCH_DIRECTION_FROM_CATALOGUE), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 290);
    const int32_t *rank, *n;
    const double *value;
    bench_frame_column(NULL, NULL, (const void **)&value, f, 4);
    bench_frame_column(NULL, NULL, (const void **)&rank, f, 5);
    bench_frame_column(NULL, NULL, (const void **)&n, f, 6);
    for (size_t r = 0; r < 290; r++) {
        CU_ASSERT_EQUAL(n[r], 290);
        CU_ASSERT_EQUAL(rank[r], 290 - (int)value[r]);
    }
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_weighted_mean_and_sources(void)
{
    bench_db *db = new_db();
    double v[] = {10, 20};
    put_values(db, K, v, 2, "old");
    double newer[] = {30};
    put_values(db, K, newer, 1, "new"); /* a second source for 0114: imported last, used */
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nN01951,0114,2022,1000\nN01951,0115,2022,3000\n",
                                NULL, NULL), BENCH_OK);
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    o.areas = K;
    o.n_areas = 2;
    o.weight = "N01951";
    o.direction = BENCH_DIRECTION_LOWER;
    bench_frame *f;
    bench_compare_stats st;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(st.n, 2);
    CU_ASSERT_DOUBLE_EQUAL(st.unweighted_mean, 25, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(st.weighted_mean, (30 * 1000 + 20 * 3000) / 4000.0, 1e-12);
    bench_frame_free(f);
    /* errors */
    o.indicator = "NOPE";
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    o.indicator = "X";
    o.period = "1999";
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    o.period = "2022";
    o.weight = "NOPE";
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    o.weight = NULL;
    const char *unknown[] = {"9999"};
    o.areas = unknown;
    o.n_areas = 1;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    o.areas = NULL;
    o.n_areas = 0;
    o.direction = 5;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_EINVAL);
    o.direction = BENCH_DIRECTION_FROM_CATALOGUE;
    o.version = 0;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_compare(NULL, &st, db, &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_compare_all(&f, db, NULL, 0, 9), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_compare_all(NULL, db, NULL, 0, 0), BENCH_EINVAL);
    bench_db_free(db);
}

static void test_groups_as_sets(void)
{
    bench_db *db = new_db();
    double v[] = {3, 1, 2};
    put_values(db, K, v, 3, "s");
    const char *members[] = {"0114", "0115", "0117"};
    CU_ASSERT_EQUAL(bench_group_set(db, "GTRE", "Tre", members, 3), BENCH_OK);
    const char *set[] = {"GTRE"};
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    o.areas = set;
    o.n_areas = 1;
    o.direction = BENCH_DIRECTION_LOWER;
    bench_frame *f;
    bench_compare_stats st;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(st.n_areas, 3);
    CU_ASSERT_EQUAL(st.n, 3);
    bench_frame_free(f);
    bench_db_free(db);
}

int register_compare_suite(void)
{
    CU_pSuite s = CU_add_suite("compare", NULL, NULL);
    return !s || !CU_add_test(s, "ties and percentiles", test_ties_and_percentiles) ||
           !CU_add_test(s, "colours of small sets", test_colours_small_sets) ||
           !CU_add_test(s, "all kommuner: quartiles", test_all_kommuner_quartiles) ||
           !CU_add_test(s, "weighted mean, sources, errors", test_weighted_mean_and_sources) ||
           !CU_add_test(s, "groups as sets", test_groups_as_sets);
}
