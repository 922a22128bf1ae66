/* test_normalize.c -- per invånare, per 1 000 / 10 000 / 100 000, shares of an age band, missing and
 * zero denominators, and the errors of bench_per_capita. */
#include "tests.h"

static bench_db *population_db(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,gender,value\n"
                                      "N01951,1490,2022,T,100000\nN01951,1490,2022,K,50000\nN01951,1490,2022,M,40000\n"
                                      "N01951,0138,2022,T,0\n"
                                      "N01951,0180,2021,T,..\n"
                                      "N01951,1490,2021,T,98000\n"
                                      "N01952,1490,2022,T,7000\nN01953,1490,2022,T,11000\nN01954,1490,2022,T,4000\n"
                                      "N01952,0138,2022,T,3000\nN01953,0138,2022,T,5000\n"
                                      "N01952,0180,2022,T,0\nN01953,0180,2022,T,0\nN01954,0180,2022,T,0\n"
                                      "X,1490,2022,T,250\nX,1490,2022,K,100\nX,1490,2022,M,120\n"
                                      "X,0138,2022,T,30\nX,0180,2022,T,40\nX,0180,2021,T,41\n"
                                      "X,1490,2021,T,..\nX,1490,2020,T,-\n",
                                      NULL, NULL),
                          BENCH_OK);
    /* a target is no utfall: it is not normalized */
    CU_ASSERT_EQUAL_FATAL(import_text(db, "kpi,municipality,period,kind,value\nX,1490,2022,målvärde,200\n", NULL, NULL),
                          BENCH_OK);
    return db;
}

typedef struct pc_row {
    double value, denominator, result;
    int status;
} pc_row;

/* The row of area/period/gender in a per-capita frame; 0 when there is none. */
static int find(bench_frame *f, const char *area, const char *period, const char *gender, pc_row *out)
{
    int found = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        if (!strcmp(code_at(f, 1, r), area) && !strcmp(code_at(f, 2, r), period) && !strcmp(code_at(f, 3, r), gender)) {
            out->value = f64_at(f, 4, r);
            out->denominator = f64_at(f, 5, r);
            out->result = f64_at(f, 6, r);
            out->status = status_code(code_at(f, 7, r));
            found++;
        }
    return found;
}

static bench_frame *per_capita(bench_db *db, const char *indicator, const char *const *pop, size_t npop, double scale,
                               const char *label)
{
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = indicator;
    o.population = pop;
    o.n_population = npop;
    o.scale = scale;
    o.population_label = label;
    bench_frame *f = NULL;
    int st = bench_per_capita(&f, db, &o);
    CU_ASSERT_EQUAL(st, BENCH_OK);
    if (st)
        fprintf(stderr, "\n  per_capita: %s\n", bench_db_last_error(db)->message);
    return f;
}

static void test_frame_shape(void)
{
    bench_db *db = population_db();
    bench_frame *f = per_capita(db, "X", NULL, 0, 1000, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 8); /* the 8 utfall rows of X, not the målvärde */
    CU_ASSERT_TRUE(bench_frame_columns(f) >= 8);
    const char *names[] = { "indicator", "area", "period", "gender", "value", "denominator", "result", "status" };
    bench_column_type types[] = { BENCH_COLUMN_CODE, BENCH_COLUMN_CODE, BENCH_COLUMN_CODE, BENCH_COLUMN_CODE,
                                  BENCH_COLUMN_F64,  BENCH_COLUMN_F64,  BENCH_COLUMN_F64,  BENCH_COLUMN_CODE };
    for (size_t c = 0; c < 8; c++) {
        const char *name;
        bench_column_type type;
        CU_ASSERT_EQUAL(bench_frame_column(&name, &type, NULL, f, c), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(name, names[c]);
        CU_ASSERT_EQUAL(type, types[c]);
    }
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        CU_ASSERT_STRING_EQUAL(code_at(f, 0, r), "X");
    /* ordered by area, period (in time), gender */
    CU_ASSERT_STRING_EQUAL(code_at(f, 1, 0), "0138");
    CU_ASSERT_STRING_EQUAL(code_at(f, 1, 7), "1490");
    CU_ASSERT_STRING_EQUAL(code_at(f, 2, 3), "2020");
    CU_ASSERT_STRING_EQUAL(code_at(f, 3, 5), "T");
    CU_ASSERT_STRING_EQUAL(code_at(f, 3, 6), "K");
    CU_ASSERT_STRING_EQUAL(code_at(f, 3, 7), "M");
    /* never infinite, never 0 in place of a missing result */
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        double res = f64_at(f, 6, r);
        CU_ASSERT_FALSE(isinf(res));
        if (strcmp(code_at(f, 7, r), "ok") != 0) {
            CU_ASSERT_TRUE(isnan(res));
        } else {
            CU_ASSERT_TRUE(isfinite(res));
        }
    }
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_scales_and_method(void)
{
    bench_db *db = population_db();
    struct {
        double scale;
        double result;
        const char *method;
        const char *scale_text;
    } cases[] = { { 1, 0.0025, "per invånare (N01951)", "1" },
                  { 100, 0.25, "andel (%) av invånare (N01951)", "100" },
                  { 1000, 2.5, "per 1 000 invånare (N01951)", "1000" },
                  { 10000, 25, "per 10 000 invånare (N01951)", "10000" },
                  { 100000, 250, "per 100 000 invånare (N01951)", "100000" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bench_frame *f = per_capita(db, "X", NULL, 0, cases[i].scale, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        pc_row row;
        CU_ASSERT_EQUAL(find(f, "1490", "2022", "T", &row), 1);
        CU_ASSERT_EQUAL(row.value, 250);
        CU_ASSERT_EQUAL(row.denominator, 100000);
        CU_ASSERT_EQUAL(row.result, 250.0 / 100000.0 * cases[i].scale); /* value / denominator * scale */
        CU_ASSERT_DOUBLE_EQUAL(row.result, cases[i].result, 1e-12);
        CU_ASSERT_EQUAL(row.status, BENCH_OBS_OK);
        CU_ASSERT_PTR_NOT_NULL(bench_frame_meta(f, "method"));
        CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), cases[i].method);
        CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "population"), "N01951");
        CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "scale"), cases[i].scale_text);
        CU_ASSERT_PTR_NULL(bench_frame_meta(f, "nope"));
        /* the same from an explicit population list */
        const char *pop[] = { "N01951" };
        bench_frame *g = per_capita(db, "X", pop, 1, cases[i].scale, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(g);
        CU_ASSERT_EQUAL(find(g, "1490", "2022", "T", &row), 1);
        CU_ASSERT_EQUAL(row.result, 250.0 / 100000.0 * cases[i].scale);
        CU_ASSERT_STRING_EQUAL(bench_frame_meta(g, "method"), cases[i].method);
        bench_frame_free(g);
        bench_frame_free(f);
    }
    /* a label names the population in the method */
    bench_frame *f = per_capita(db, "X", NULL, 0, 1000, "invånare totalt");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), "per 1 000 invånare totalt");
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_gender_matching(void)
{
    bench_db *db = population_db();
    bench_frame *f = per_capita(db, "X", NULL, 0, 1000, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    pc_row row;
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "K", &row), 1); /* K numerator, K population */
    CU_ASSERT_EQUAL(row.denominator, 50000);
    CU_ASSERT_EQUAL(row.result, 100.0 / 50000.0 * 1000);
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "M", &row), 1);
    CU_ASSERT_EQUAL(row.denominator, 40000);
    CU_ASSERT_EQUAL(row.result, 120.0 / 40000.0 * 1000);
    /* periods match too: 2021 uses the 2021 population */
    CU_ASSERT_EQUAL(find(f, "0180", "2021", "T", &row), 1);
    CU_ASSERT_TRUE(isnan(row.result)); /* the 2021 population of 0180 is secret */
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_NO_DENOMINATOR);
    bench_frame_free(f);
    /* a K value without a K population has no denominator, never the T one */
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,gender,value\nX,0138,2022,K,10\n", NULL, NULL), BENCH_OK);
    f = per_capita(db, "X", NULL, 0, 1000, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(find(f, "0138", "2022", "K", &row), 1);
    CU_ASSERT_TRUE(isnan(row.denominator));
    CU_ASSERT_TRUE(isnan(row.result));
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_NO_DENOMINATOR);
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_missing_and_zero_denominators(void)
{
    bench_db *db = population_db();
    bench_frame *f = per_capita(db, "X", NULL, 0, 1000, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    pc_row row;
    CU_ASSERT_EQUAL(find(f, "0138", "2022", "T", &row), 1); /* population 0 */
    CU_ASSERT_EQUAL(row.denominator, 0);
    CU_ASSERT_TRUE(isnan(row.result));
    CU_ASSERT_FALSE(isinf(row.result));
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_ZERO_DENOMINATOR);
    CU_ASSERT_EQUAL(row.value, 30);
    CU_ASSERT_EQUAL(find(f, "0180", "2022", "T", &row), 1); /* no population row */
    CU_ASSERT_TRUE(isnan(row.result) && isnan(row.denominator));
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_NO_DENOMINATOR);
    CU_ASSERT_EQUAL(row.value, 40);
    /* a missing numerator keeps its own status */
    CU_ASSERT_EQUAL(find(f, "1490", "2021", "T", &row), 1);
    CU_ASSERT_TRUE(isnan(row.result));
    CU_ASSERT_TRUE(isnan(row.value));
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_SEKRETESS);
    CU_ASSERT_EQUAL(row.denominator, 98000);
    CU_ASSERT_EQUAL(find(f, "1490", "2020", "T", &row), 1);
    CU_ASSERT_TRUE(isnan(row.result));
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_BORTFALL);
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_age_band_sum(void)
{
    bench_db *db = population_db();
    const char *band[] = { "N01952", "N01953", "N01954" };
    bench_frame *f = per_capita(db, "X", band, 3, 100, "invånare 0-19 år");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    pc_row row;
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.denominator, 22000); /* 7000 + 11000 + 4000 */
    CU_ASSERT_EQUAL(row.result, 250.0 / 22000.0 * 100);
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_OK);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), "andel (%) av invånare 0-19 år");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "population"), "N01952+N01953+N01954");
    /* 16-19 missing for 0138: no smaller sum, the denominator is missing */
    CU_ASSERT_EQUAL(find(f, "0138", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_NO_DENOMINATOR);
    CU_ASSERT_TRUE(isnan(row.denominator));
    CU_ASSERT_TRUE(isnan(row.result));
    /* every term 0: a zero denominator */
    CU_ASSERT_EQUAL(find(f, "0180", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.denominator, 0);
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_ZERO_DENOMINATOR);
    CU_ASSERT_TRUE(isnan(row.result));
    /* K has no band population */
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "K", &row), 1);
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_NO_DENOMINATOR);
    bench_frame_free(f);
    /* without a label the method names the terms */
    f = per_capita(db, "X", band, 3, 1000, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), "per 1 000 invånare (N01952+N01953+N01954)");
    bench_frame_free(f);
    /* a term given twice counts twice */
    const char *twice[] = { "N01952", "N01952" };
    f = per_capita(db, "X", twice, 2, 1, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.denominator, 14000);
    bench_frame_free(f);
    bench_db_free(db);
}

/* Two sources for one population key: the one imported last is the denominator (normalize.c:
 * "with several sources for one key, the one imported last wins"; bench.h's rule for compare).
 * BUG (found by this suite; fixed in b321957): denom_build() (libbench/normalize.c) took the highest
 * row as the latest import, but a re-import from an earlier source replaces its value in place
 * (db_merge, libbench/store.c), in a lower row: after A, B, A again the denominator was B's. */
static void test_denominator_source_precedence(void)
{
    bench_db *db = new_db();
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source = "A";
    CU_ASSERT_EQUAL(
        import_text(db, "kpi,municipality,period,value\nX,1490,2022,100\nN01951,1490,2022,1000\n", &o, NULL), BENCH_OK);
    o.source = "B";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nN01951,1490,2022,2000\n", &o, NULL), BENCH_OK);
    bench_frame *f = per_capita(db, "X", NULL, 0, 1, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    pc_row row;
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.denominator, 2000); /* B, imported last */
    bench_frame_free(f);
    o.source = "A";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nN01951,1490,2022,4000\n", &o, NULL), BENCH_OK);
    f = per_capita(db, "X", NULL, 0, 1, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.denominator, 4000); /* BUG (fixed): was 2000, source B */
    if (row.denominator != 4000)
        fprintf(stderr, "\n  BUG: A, B, then A again: the denominator is %g, not the last import's 4000\n",
                row.denominator);
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_all_indicators(void)
{
    bench_db *db = population_db();
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT; /* no indicator: all but the population */
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
    size_t x = 0, n01951 = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        x += !strcmp(code_at(f, 0, r), "X");
        n01951 += !strcmp(code_at(f, 0, r), "N01951");
    }
    CU_ASSERT_EQUAL(x, 8);
    CU_ASSERT_EQUAL(n01951, 0);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 8 + 8); /* X and the 8 band rows */
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_errors(void)
{
    bench_db *db = population_db();
    char *before = dump_values(db);
    bench_frame *f = (bench_frame *)db; /* set to NULL on failure */
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = "NOPE";
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->code, BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "NOPE"));
    o.indicator = "X";
    const char *pop[] = { "N09999" };
    o.population = pop;
    o.n_population = 1;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "N09999"));
    const char *partly[] = { "N01952", "N09999" };
    o.population = partly;
    o.n_population = 2;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_ENOTFOUND);
    const char *with_null[] = { "N01952", NULL };
    o.population = with_null;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_ENOTFOUND);
    const char *empty_pop[] = { "N01957" }; /* in the catalogue, without values */
    o.population = empty_pop;
    o.n_population = 1;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "no values"));
    o.population = NULL;
    o.n_population = 0;
    double scales[] = { 0, -1, -1000, NAN, INFINITY, -INFINITY };
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        o.scale = scales[i];
        CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
        CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "scale"));
    }
    o.scale = 1;
    /* the number of population terms */
    o.population = pop;
    o.n_population = 0;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    const char *many[200];
    for (size_t i = 0; i < 200; i++)
        many[i] = "N01951";
    o.population = many;
    o.n_population = 129;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    o.n_population = 200;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    o.n_population = 17; /* NOTE: the brief expected 17 terms to be refused; the library allows 1..128 */
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_OK);
    pc_row row;
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.denominator, 17 * 100000.0);
    bench_frame_free(f);
    o.n_population = 128;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_OK);
    bench_frame_free(f);
    /* versions and NULLs */
    o = (bench_per_capita_options)BENCH_PER_CAPITA_INIT;
    o.indicator = "X";
    o.version = 3;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "version"));
    o.version = 0;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    o.version = BENCH_PER_CAPITA_VERSION;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_per_capita(NULL, db, &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_per_capita(&f, NULL, &o), BENCH_EINVAL);
    /* nothing changed */
    char *after = dump_values(db);
    CU_ASSERT_STRING_EQUAL(after, before);
    free(after);
    free(before);
    bench_db_free(db);
}

/* Over a million rows the result is written by two threads: every row is value / population
 * x 1000 of its own kommun, year and kön, missing where the population is. */
static void test_many_rows(void)
{
    bench_db *db = new_db();
    size_t cap = (size_t)48 << 20, len = 0;
    char *csv = malloc(cap);
    len += (size_t)sprintf(csv, "kpi,municipality,period,gender,value\n");
    for (int a = 0; a < 290; a++)
        for (int y = 0; y < 10; y++)
            for (int g = 0; g < 3; g++)
                if (a != 7 || y != 3) /* one kommun-year without a population */
                    len += (size_t)sprintf(csv + len, "N01951,%04d,%d,%c,%d\n", 114 + a, 2010 + y, "TKM"[g],
                                           1000 * (a + 1) + 10 * y + g);
    for (int i = 0; i < 140; i++)
        for (int a = 0; a < 290; a++)
            for (int y = 0; y < 10; y++)
                for (int g = 0; g < 3; g++)
                    len += (size_t)sprintf(csv + len, "X%d,%04d,%d,%c,%d\n", i, 114 + a, 2010 + y, "TKM"[g], i + a);
    CU_ASSERT_EQUAL_FATAL(bench_import_csv_buffer(NULL, db, csv, len, "many.csv", NULL), BENCH_OK);
    free(csv);
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.scale = 1000;
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
    size_t n = bench_frame_rows(f);
    CU_ASSERT_EQUAL(n, (size_t)140 * 290 * 10 * 3);
    size_t bad = 0, missing = 0;
    for (size_t r = 0; r < n; r++) {
        int a = atoi(code_at(f, 1, r)) - 114, y = atoi(code_at(f, 2, r)) - 2010, i = atoi(code_at(f, 0, r) + 1);
        int g = (int)(strchr("TKM", code_at(f, 3, r)[0]) - "TKM");
        double pop = 1000.0 * (a + 1) + 10 * y + g;
        if (a == 7 && y == 3) {
            missing += isnan(f64_at(f, 6, r)) && !strcmp(code_at(f, 7, r), "no_denominator");
            continue;
        }
        bad += f64_at(f, 4, r) != i + a || f64_at(f, 5, r) != pop || f64_at(f, 6, r) != (i + a) / pop * 1000 ||
               strcmp(code_at(f, 7, r), "ok") != 0;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(missing, (size_t)140 * 3);
    bench_frame_free(f);
    bench_db_free(db);
}

/* ---- stored results, ratio, the denominator's period ------------------------------------ */

static bench_frame *store_per_capita(bench_db *db, const char *indicator, double scale, const char *store_as, int rule,
                                     int *status)
{
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = indicator;
    o.scale = scale;
    o.store_as = store_as;
    o.population_period = rule;
    bench_frame *f = NULL;
    *status = bench_per_capita(&f, db, &o);
    return f;
}

/* The stored values of an indicator, one "area|period|g|value|status" line each (caller frees). */
static char *stored(bench_db *db, const char *id)
{
    bench_query q = BENCH_QUERY_INIT;
    const char *ids[] = { id };
    q.indicators = ids;
    q.n_indicators = 1;
    bench_frame *f = NULL;
    if (bench_values(&f, db, &q) != BENCH_OK)
        return NULL;
    size_t cap = 64 + bench_frame_rows(f) * 96, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        len += (size_t)snprintf(out + len, cap - len, "%s|%s|%s|%.6g|%s\n", code_at(f, 1, r), code_at(f, 2, r),
                                code_at(f, 3, r), f64_at(f, 5, r), code_at(f, 7, r));
    bench_frame_free(f);
    return out;
}

static void test_store_as(void)
{
    bench_db *db = population_db();
    CU_ASSERT_EQUAL(bench_indicator_set(db, "X", "Placeringar, antal", "antal", BENCH_DIRECTION_LOWER), BENCH_OK);
    int st;
    bench_frame *f = store_per_capita(db, "X", 1000, "XPC", BENCH_DENOMINATOR_SAME, &st);
    CU_ASSERT_EQUAL_FATAL(st, BENCH_OK);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "derived"), "X / N01951 × 1000");
    bench_frame_free(f);
    /* one stored value per key, missing ones with their status, never 0 or inf */
    char *got = stored(db, "XPC");
    CU_ASSERT_STRING_EQUAL(got, "0138|2022|T|nan|zero_denominator\n"
                                "0180|2021|T|nan|no_denominator\n"
                                "0180|2022|T|nan|no_denominator\n"
                                "1490|2020|T|nan|bortfall\n"
                                "1490|2021|T|nan|sekretess\n"
                                "1490|2022|T|2.5|ok\n"
                                "1490|2022|K|2|ok\n"
                                "1490|2022|M|3|ok\n");
    free(got);
    /* the catalogue: title and unit from the parts, the numerator's direction, the formula */
    const char *title, *unit;
    bench_direction dir;
    CU_ASSERT_EQUAL_FATAL(bench_indicator_info(&title, &unit, &dir, db, "XPC"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title, "Placeringar, antal, per 1 000 invånare");
    CU_ASSERT_STRING_EQUAL(unit, "per 1 000 inv");
    CU_ASSERT_EQUAL(dir, BENCH_DIRECTION_LOWER);
    CU_ASSERT_EQUAL_FATAL(bench_indicators_frame(&f, db), BENCH_OK);
    size_t found = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        const char *id = code_at(f, 0, r);
        if (!strcmp(id, "XPC")) {
            found++;
            CU_ASSERT_STRING_EQUAL(code_at(f, 6, r), "X / N01951 × 1000");
        } else if (!strcmp(id, "X")) {
            CU_ASSERT_STRING_EQUAL(code_at(f, 6, r), "");
        }
    }
    CU_ASSERT_EQUAL(found, 1);
    bench_frame_free(f);
    /* it is compared like any indicator */
    bench_compare_options co = BENCH_COMPARE_INIT;
    const char *areas[] = { "1490", "0138", "0180" };
    co.indicator = "xpc"; /* looked up as the importers read ids */
    co.period = "2022";
    co.areas = areas;
    co.n_areas = 3;
    bench_compare_stats cs;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &cs, db, &co), BENCH_OK);
    CU_ASSERT_EQUAL(cs.n, 1);
    CU_ASSERT_EQUAL(cs.unweighted_mean, 2.5);
    bench_frame_free(f);
    /* a stored result is a snapshot: re-importing a part does not change it ... */
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,gender,value\nX,1490,2022,T,500\n", NULL, NULL), BENCH_OK);
    got = stored(db, "XPC");
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "1490|2022|T|2.5|ok\n"));
    free(got);
    /* ... storing again replaces every value it had */
    f = store_per_capita(db, "X", 100000, "XPC", BENCH_DENOMINATOR_SAME, &st);
    CU_ASSERT_EQUAL_FATAL(st, BENCH_OK);
    bench_frame_free(f);
    got = stored(db, "XPC");
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "1490|2022|T|500|ok\n"));
    CU_ASSERT_PTR_NULL(strstr(got, "2.5"));
    free(got);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, &unit, NULL, db, "XPC"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(unit, "per 100 000 inv");
    bench_db_free(db);
}

static void test_store_as_refusals(void)
{
    bench_db *db = population_db();
    char *before = dump_values(db);
    int st;
    const char *bad[] = { "X", "N01951", "x", "N01952" /* imported values */, " ", NULL };
    for (size_t i = 0; i < 5; i++) {
        bench_frame *f = store_per_capita(db, "X", 1000, bad[i], BENCH_DENOMINATOR_SAME, &st);
        CU_ASSERT_EQUAL(st, BENCH_EINVAL);
        CU_ASSERT_PTR_NULL(f);
        CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "store"));
    }
    /* every indicator at once cannot be stored under one id */
    bench_frame *f = store_per_capita(db, NULL, 1000, "ALL", BENCH_DENOMINATOR_SAME, &st);
    CU_ASSERT_EQUAL(st, BENCH_EINVAL);
    /* a bad period rule and direction */
    f = store_per_capita(db, "X", 1000, "XPC", 7, &st);
    CU_ASSERT_EQUAL(st, BENCH_EINVAL);
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = "X";
    o.store_as = "XPC";
    o.direction = 9;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    char *after = dump_values(db);
    CU_ASSERT_STRING_EQUAL(after, before);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "XPC"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "ALL"), BENCH_ENOTFOUND);
    free(after);
    free(before);
    /* version 1 options are still read (no store_as there) */
    o = (bench_per_capita_options)BENCH_PER_CAPITA_INIT;
    o.version = 1;
    o.indicator = "X";
    o.store_as = "IGNORED";
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_OK);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "IGNORED"), BENCH_ENOTFOUND);
    bench_db_free(db);
}

static void test_ratio(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,gender,value,title,unit\n"
                                      "KOST,1490,2022,T,900000,Kostnad ekonomiskt bistånd,kr\n"
                                      "KOST,0138,2022,T,50000,,\nKOST,0180,2022,T,..,,\nKOST,0114,2022,T,10,,\n"
                                      "BRUK,1490,2022,T,300,\"Brukare, antal\",antal\n"
                                      "BRUK,0138,2022,T,0,,\nBRUK,0180,2022,T,5,,\n",
                                      NULL, NULL),
                          BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "KOST", NULL, NULL, BENCH_DIRECTION_LOWER), BENCH_OK);
    bench_ratio_options o = BENCH_RATIO_INIT;
    o.numerator = "KOST";
    o.denominator = "BRUK";
    o.store_as = "KOSTBRUK";
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_ratio(&f, db, &o), BENCH_OK);
    pc_row row;
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.result, 3000);
    CU_ASSERT_EQUAL(find(f, "0138", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_ZERO_DENOMINATOR);
    CU_ASSERT_EQUAL(find(f, "0180", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_SEKRETESS);
    CU_ASSERT_EQUAL(find(f, "0114", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_NO_DENOMINATOR);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), "per Brukare, antal");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "derived"), "KOST / BRUK");
    CU_ASSERT_PTR_NULL(bench_frame_meta(f, "warning")); /* only per capita warns */
    bench_frame_free(f);
    const char *title, *unit;
    bench_direction dir;
    CU_ASSERT_EQUAL_FATAL(bench_indicator_info(&title, &unit, &dir, db, "KOSTBRUK"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title, "Kostnad ekonomiskt bistånd, per Brukare, antal");
    CU_ASSERT_STRING_EQUAL(unit, "kr/st");
    CU_ASSERT_EQUAL(dir, BENCH_DIRECTION_LOWER);
    /* a share in %, with a title, unit and direction given */
    o.scale = 100;
    o.store_as = "ANDEL";
    o.title = "Andel";
    o.unit = "procent";
    o.direction = BENCH_DIRECTION_HIGHER;
    CU_ASSERT_EQUAL_FATAL(bench_ratio(&f, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "T", &row), 1);
    CU_ASSERT_EQUAL(row.result, 900000.0 / 300 * 100);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), "andel (%) av Brukare, antal");
    bench_frame_free(f);
    CU_ASSERT_EQUAL_FATAL(bench_indicator_info(&title, &unit, &dir, db, "ANDEL"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title, "Andel");
    CU_ASSERT_STRING_EQUAL(unit, "procent");
    CU_ASSERT_EQUAL(dir, BENCH_DIRECTION_HIGHER);
    /* errors */
    char *before = dump_values(db);
    o = (bench_ratio_options)BENCH_RATIO_INIT;
    o.numerator = "KOST";
    o.denominator = "NOPE";
    CU_ASSERT_EQUAL(bench_ratio(&f, db, &o), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "denominator"));
    CU_ASSERT_EQUAL(bench_indicator_set(db, "EMPTY", "Inga värden", NULL, BENCH_DIRECTION_DEFAULT), BENCH_OK);
    o.denominator = "EMPTY";
    CU_ASSERT_EQUAL(bench_ratio(&f, db, &o), BENCH_ENOTFOUND);
    o.denominator = NULL;
    CU_ASSERT_EQUAL(bench_ratio(&f, db, &o), BENCH_EINVAL);
    o.denominator = "BRUK";
    o.scale = 0;
    CU_ASSERT_EQUAL(bench_ratio(&f, db, &o), BENCH_EINVAL);
    o.scale = 1;
    o.version = 2;
    CU_ASSERT_EQUAL(bench_ratio(&f, db, &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_ratio(&f, db, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_ratio(NULL, db, &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_ratio(&f, NULL, &o), BENCH_EINVAL);
    char *after = dump_values(db);
    CU_ASSERT_STRING_EQUAL(after, before);
    free(after);
    free(before);
    bench_db_free(db);
}

static void test_denominator_period(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,gender,value\n"
                                      "N01951,1490,2021,T,1000\nN01951,1490,2022,T,2000\nN01951,1490,2023,T,4000\n"
                                      "N01951,1490,2024,T,8000\n"
                                      "A,1490,2022,T,100\nA,1490,2021,T,100\nA,1490,2020,T,100\n"
                                      "A,1490,2024-T1,T,100\nA,1490,2024-03,T,100\nA,1490,2025-Q1,T,100\n"
                                      "TERT,1490,2024-T1,T,50\nTERT,1490,2024,T,25\n",
                                      NULL, NULL),
                          BENCH_OK);
    int st;
    bench_frame *f = store_per_capita(db, "A", 1, NULL, BENCH_DENOMINATOR_SAME, &st);
    CU_ASSERT_EQUAL_FATAL(st, BENCH_OK);
    pc_row row;
    struct {
        const char *period;
        double same, previous;
    } cases[] = { { "2022", 2000, 1000 },    { "2021", 1000, NAN },     { "2020", NAN, NAN },
                  { "2024-T1", 8000, 4000 }, { "2024-03", 8000, 4000 }, { "2025-Q1", NAN, 8000 } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CU_ASSERT_EQUAL(find(f, "1490", cases[i].period, "T", &row), 1);
        if (isnan(cases[i].same)) {
            CU_ASSERT_EQUAL(row.status, BENCH_OBS_NO_DENOMINATOR);
        } else {
            CU_ASSERT_EQUAL(row.denominator, cases[i].same);
        }
    }
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "denominator_period"), "same");
    bench_frame_free(f);
    f = store_per_capita(db, "A", 1000, "APREV", BENCH_DENOMINATOR_PREVIOUS, &st);
    CU_ASSERT_EQUAL_FATAL(st, BENCH_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CU_ASSERT_EQUAL(find(f, "1490", cases[i].period, "T", &row), 1);
        if (isnan(cases[i].previous)) {
            CU_ASSERT_EQUAL(row.status, BENCH_OBS_NO_DENOMINATOR);
        } else {
            CU_ASSERT_EQUAL(row.denominator, cases[i].previous);
            CU_ASSERT_EQUAL(row.result, 100 / cases[i].previous * 1000);
        }
    }
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "denominator_period"), "previous");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), "per 1 000 invånare (N01951) (31/12 året före)");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "derived"), "A / N01951 × 1000, nämnare 31/12 året före");
    bench_frame_free(f);
    /* a denominator with the value's own tertial uses it; its year otherwise */
    bench_ratio_options o = BENCH_RATIO_INIT;
    o.numerator = "A";
    o.denominator = "TERT";
    CU_ASSERT_EQUAL_FATAL(bench_ratio(&f, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(find(f, "1490", "2024-T1", "T", &row), 1);
    CU_ASSERT_EQUAL(row.denominator, 50);
    CU_ASSERT_EQUAL(find(f, "1490", "2024-03", "T", &row), 1);
    CU_ASSERT_EQUAL(row.denominator, 25);
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_rate_warning(void)
{
    bench_db *db = population_db();
    int st;
    bench_frame *f = store_per_capita(db, "X", 1000, NULL, BENCH_DENOMINATOR_SAME, &st);
    CU_ASSERT_PTR_NULL(bench_frame_meta(f, "warning")); /* a count: fine */
    bench_frame_free(f);
    const char *rates[][2] = { { "Utredningstid, medelvärde", "dagar" },
                               { "Andel behöriga (%)", NULL },
                               { "Kostnad", "kr/inv" },
                               { "Asylsökande, antal/1000 inv", "antal" } };
    for (size_t i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "R%zu", i);
        char csv[128];
        snprintf(csv, sizeof csv, "kpi,municipality,period,value\n%s,1490,2022,5\n", id);
        CU_ASSERT_EQUAL(import_text(db, csv, NULL, NULL), BENCH_OK);
        CU_ASSERT_EQUAL(bench_indicator_set(db, id, rates[i][0], rates[i][1], BENCH_DIRECTION_DEFAULT), BENCH_OK);
        f = store_per_capita(db, id, 1000, NULL, BENCH_DENOMINATOR_SAME, &st);
        CU_ASSERT_EQUAL(st, BENCH_OK); /* said, not refused */
        CU_ASSERT_PTR_NOT_NULL(bench_frame_meta(f, "warning"));
        bench_frame_free(f);
    }
    /* a stored per-capita result is itself a rate */
    f = store_per_capita(db, "X", 1000, "XPC", BENCH_DENOMINATOR_SAME, &st);
    bench_frame_free(f);
    f = store_per_capita(db, "XPC", 1000, NULL, BENCH_DENOMINATOR_SAME, &st);
    CU_ASSERT_PTR_NOT_NULL(bench_frame_meta(f, "warning"));
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_stored_in_snapshot(void)
{
    bench_db *db = population_db();
    int st;
    bench_frame *f = store_per_capita(db, "X", 1000, "XPC", BENCH_DENOMINATOR_PREVIOUS, &st);
    CU_ASSERT_EQUAL_FATAL(st, BENCH_OK);
    bench_frame_free(f);
    char path[512];
    snprintf(path, sizeof path, "%s/derived.kbsnap", temp_dir());
    CU_ASSERT_EQUAL_FATAL(bench_db_save(db, path), BENCH_OK);
    bench_db *back = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_db_open(&back, path, NULL), BENCH_OK);
    char *a = stored(db, "XPC"), *b = stored(back, "XPC");
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_PTR_NOT_NULL(strstr(b, "1490|2022|T|2.55102|ok\n")); /* 250 / 98 000 (2021) x 1000 */
    free(a);
    free(b);
    CU_ASSERT_EQUAL_FATAL(bench_indicators_frame(&f, back), BENCH_OK);
    size_t found = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        found +=
            !strcmp(code_at(f, 0, r), "XPC") && !strcmp(code_at(f, 6, r), "X / N01951 × 1000, nämnare 31/12 året före");
    CU_ASSERT_EQUAL(found, 1);
    bench_frame_free(f);
    /* storing again in the opened snapshot replaces it there */
    f = store_per_capita(back, "X", 1, "XPC", BENCH_DENOMINATOR_SAME, &st);
    CU_ASSERT_EQUAL(st, BENCH_OK);
    bench_frame_free(f);
    b = stored(back, "XPC");
    CU_ASSERT_PTR_NOT_NULL(strstr(b, "1490|2022|T|0.0025|ok\n"));
    free(b);
    bench_db_free(back);
    remove(path);
    bench_db_free(db);
}

static void test_weighted_mean_weights(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,value\n"
                                      "V,1490,2022,10\nV,0138,2022,20\n"
                                      "P1,1490,2022,1\nP2,1490,2022,2\nP1,0138,2022,3\nP2,0138,2022,3\n"
                                      "P1,1490,2021,1\nP2,1490,2021,1\nP1,0138,2021,2\n",
                                      NULL, NULL),
                          BENCH_OK);
    const char *areas[] = { "1490", "0138" };
    const char *weights[] = { "P1", "P2" };
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "V";
    o.period = "2022";
    o.areas = areas;
    o.n_areas = 2;
    o.weights = weights;
    o.n_weights = 2;
    bench_compare_stats s;
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &s, db, &o), BENCH_OK);
    CU_ASSERT_DOUBLE_EQUAL(s.weighted_mean, (10 * 3 + 20 * 6) / 9.0, 1e-12); /* sums 3 and 6 */
    bench_frame_free(f);
    /* the year before: 0138 lacks P2 in 2021, so only 1490 weighs */
    o.weight_period = BENCH_DENOMINATOR_PREVIOUS;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &s, db, &o), BENCH_OK);
    CU_ASSERT_DOUBLE_EQUAL(s.weighted_mean, 10, 1e-12);
    bench_frame_free(f);
    /* `weight` (one indicator) goes before `weights` */
    o.weight_period = BENCH_DENOMINATOR_SAME;
    o.weight = "P1";
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &s, db, &o), BENCH_OK);
    CU_ASSERT_DOUBLE_EQUAL(s.weighted_mean, (10 * 1 + 20 * 3) / 4.0, 1e-12);
    bench_frame_free(f);
    /* errors */
    o.weight = NULL;
    const char *unknown[] = { "P1", "NOPE" };
    o.weights = unknown;
    CU_ASSERT_EQUAL(bench_compare(&f, &s, db, &o), BENCH_ENOTFOUND);
    o.weights = weights;
    o.weight_period = 5;
    CU_ASSERT_EQUAL(bench_compare(&f, &s, db, &o), BENCH_EINVAL);
    /* version 1 options still work */
    o = (bench_compare_options)BENCH_COMPARE_INIT;
    o.version = 1;
    o.indicator = "V";
    o.period = "2022";
    o.areas = areas;
    o.n_areas = 2;
    o.weight = "P1";
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &s, db, &o), BENCH_OK);
    CU_ASSERT_DOUBLE_EQUAL(s.weighted_mean, 70 / 4.0, 1e-12);
    bench_frame_free(f);
    bench_db_free(db);
}

/* Intervals: Garwood's exact Poisson interval for a rate, Wilson's for a share. */
static void test_intervals(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,value\n"
                                      "N01951,1490,2022,1000\nN01951,0138,2022,10\nN01951,0180,2022,0\n"
                                      "C,1490,2022,10\nC,0138,2022,5\nC,0180,2022,3\nC,0114,2022,0\n"
                                      "N01951,0114,2022,500\n",
                                      NULL, NULL),
                          BENCH_OK);
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = "C";
    o.scale = 1000;
    o.ci = 0.95;
    o.store_as = "CPC";
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_frame_columns(f), 11);
    const char *name;
    CU_ASSERT_EQUAL(bench_frame_column(&name, NULL, NULL, f, 9), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "ci_low");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "ci_method"), "Garwood");
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        const char *a = code_at(f, 1, r);
        double lo = f64_at(f, 9, r), hi = f64_at(f, 10, r);
        if (!strcmp(a, "1490")) { /* 10 of 1 000: chi2 quantiles / 2, per 1 000 (scipy) */
            CU_ASSERT_DOUBLE_EQUAL(lo, 4.7953886961324335, 1e-9);
            CU_ASSERT_DOUBLE_EQUAL(hi, 18.39035604201778, 1e-9);
        } else if (!strcmp(a, "0114")) { /* 0 of 500: lower 0, upper 3.6889 / 500 x 1000 */
            CU_ASSERT_EQUAL(lo, 0);
            CU_ASSERT_DOUBLE_EQUAL(hi, 3.6888794541139354 * 2, 1e-9);
        } else if (!strcmp(a, "0180")) { /* zero denominator: no interval */
            CU_ASSERT_TRUE(isnan(lo) && isnan(hi));
        }
    }
    bench_frame_free(f);
    /* stored beside the result */
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "CPC:ci_low", "1490", "2022", BENCH_GENDER_T), 4.7953886961324335, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "CPC:ci_high", "1490", "2022", BENCH_GENDER_T), 18.39035604201778, 1e-9);
    const char *title;
    CU_ASSERT_EQUAL(bench_indicator_info(&title, NULL, NULL, db, "CPC:ci_high"), BENCH_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(title, "övre gräns (95 % konfidensintervall)"));
    /* a share: Wilson; 5 of 10 at 95 %: 0.5 ± ..., i.e. 23.66 % to 76.34 % */
    o.scale = 100;
    o.store_as = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "ci_method"), "Wilson");
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        if (!strcmp(code_at(f, 1, r), "0138")) {
            double z = 1.959963984540054, n = 10, p = 0.5;
            double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
            double half = z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
            CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 9, r), (centre - half) * 100, 1e-9);
            CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 10, r), (centre + half) * 100, 1e-9);
        }
    bench_frame_free(f);
    /* storing again without intervals empties the old ones */
    o.ci = 0;
    o.scale = 1000;
    o.store_as = "CPC";
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(value_of(db, "CPC:ci_low", "1490", "2022", BENCH_GENDER_T), -1e300);
    /* bad levels */
    o.ci = 1;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    o.ci = -0.5;
    CU_ASSERT_EQUAL(bench_per_capita(&f, db, &o), BENCH_EINVAL);
    bench_ratio_options ro = BENCH_RATIO_INIT;
    ro.numerator = "C";
    ro.denominator = "N01951";
    ro.ci = 0.9;
    CU_ASSERT_EQUAL_FATAL(bench_ratio(&f, db, &ro), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "ci"), "0.9");
    bench_frame_free(f);
    bench_db_free(db);
}

/* Significance colours: each interval against the ovägt medel, a value or Riket. */
static void test_significance_colours(void)
{
    bench_db *db = new_db();
    /* counts per 1 000 of 10 000 invånare: 10, 100, 110, 200 -> rates 1, 10, 11, 20; Riket 12 */
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,value\n"
                                      "N01951,1490,2022,10000\nN01951,0138,2022,10000\nN01951,0180,2022,10000\n"
                                      "N01951,0114,2022,10000\nN01951,0000,2022,100000\n"
                                      "C,1490,2022,10\nC,0138,2022,100\nC,0180,2022,110\nC,0114,2022,200\n"
                                      "C,0000,2022,1200\n",
                                      NULL, NULL),
                          BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "C", NULL, NULL, BENCH_DIRECTION_LOWER), BENCH_OK);
    bench_per_capita_options p = BENCH_PER_CAPITA_INIT;
    p.indicator = "C";
    p.scale = 1000;
    p.ci = 0.95;
    p.store_as = "CR";
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &p), BENCH_OK);
    bench_frame_free(f);
    const char *four[] = { "1490", "0138", "0180", "0114" };
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "CR";
    o.period = "2022";
    o.areas = four;
    o.n_areas = 4;
    o.colours = BENCH_COLOURS_SIGNIFICANCE;
    bench_compare_stats st;
    /* the mean is 10.5: 1 [0.48, 1.84] below (lower is better: green), 10 [8.1, 12.2] and
     * 11 [9.0, 13.2] hold it (yellow), 20 [17.3, 23.0] above (red) */
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    const char *expect[][2] = { { "1490", "green" }, { "0138", "yellow" }, { "0180", "yellow" }, { "0114", "red" } };
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_STRING_EQUAL(code_at(f, 0, i), expect[i][0]);
        CU_ASSERT_STRING_EQUAL(code_at(f, 4, i), expect[i][1]);
        CU_ASSERT_EQUAL(i32_at(f, 2, i), (int)i + 1); /* ranks as always */
    }
    bench_frame_free(f);
    /* against a value: 15 */
    o.reference = 15;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 1), "green"); /* 10 [8.1, 12.2] < 15 */
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 3), "red");
    bench_frame_free(f);
    /* against Riket's own value (12 per 1 000), outside the set */
    o.reference = NAN;
    o.reference_area = "0000";
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 2), "yellow"); /* 11 [9.0, 13.2] holds 12 */
    bench_frame_free(f);
    /* no direction: the neutral words */
    o.reference_area = NULL;
    o.direction = BENCH_DIRECTION_NONE;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 0), "higher");  /* highest first without a direction: 20 */
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 1), "similar"); /* 11 [9.0, 13.2] holds 10.5 */
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 3), "lower");   /* 1 [0.48, 1.84] */
    bench_frame_free(f);
    o.reference = 5;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 0), "higher");
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 3), "lower");
    bench_frame_free(f);
    /* errors: no intervals, a reference area without a value, a bad mode */
    o.indicator = "C";
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "confidence interval"));
    o.indicator = "CR";
    o.reference_area = "0115";
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    o.reference_area = NULL;
    o.colours = 7;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(f);
    bench_db_free(db);
}

/* A result that underflows is no value, never an ok 0. */
static void test_underflow(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,value\nX,1490,2022,1e-300\nN01951,1490,2022,1e300\n"
                                      "X,0138,2022,0\nN01951,0138,2022,5\n",
                                      NULL, NULL),
                          BENCH_OK);
    bench_frame *f = per_capita(db, "X", NULL, 0, 1, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    pc_row row;
    CU_ASSERT_EQUAL(find(f, "1490", "2022", "T", &row), 1);
    CU_ASSERT_TRUE(isnan(row.result));
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_MISSING);
    CU_ASSERT_EQUAL(find(f, "0138", "2022", "T", &row), 1); /* a true 0 stays 0 */
    CU_ASSERT_EQUAL(row.result, 0);
    CU_ASSERT_EQUAL(row.status, BENCH_OBS_OK);
    bench_frame_free(f);
    bench_db_free(db);
}

int register_normalize_suite(void)
{
    CU_pSuite s = CU_add_suite("normalize", NULL, NULL);
    return !s || !CU_add_test(s, "frame shape", test_frame_shape) ||
           !CU_add_test(s, "scales and method", test_scales_and_method) ||
           !CU_add_test(s, "gender matching", test_gender_matching) ||
           !CU_add_test(s, "missing and zero denominators", test_missing_and_zero_denominators) ||
           !CU_add_test(s, "age band sum", test_age_band_sum) ||
           !CU_add_test(s, "denominator source precedence (BUG)", test_denominator_source_precedence) ||
           !CU_add_test(s, "every indicator at once", test_all_indicators) ||
           !CU_add_test(s, "over a million rows, on two threads", test_many_rows) ||
           !CU_add_test(s, "errors", test_errors) || !CU_add_test(s, "store_as", test_store_as) ||
           !CU_add_test(s, "store_as refusals", test_store_as_refusals) || !CU_add_test(s, "ratio", test_ratio) ||
           !CU_add_test(s, "the denominator's period", test_denominator_period) ||
           !CU_add_test(s, "a rate divided again is said", test_rate_warning) ||
           !CU_add_test(s, "stored results in a snapshot", test_stored_in_snapshot) ||
           !CU_add_test(s, "weighted mean: weights summed, their period", test_weighted_mean_weights) ||
           !CU_add_test(s, "confidence intervals", test_intervals) ||
           !CU_add_test(s, "significance colours", test_significance_colours) ||
           !CU_add_test(s, "a result that underflows is no value", test_underflow);
}
