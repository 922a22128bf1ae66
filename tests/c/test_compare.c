/* test_compare.c -- ranks, ties, percentiles, KKiK colours, statistics, area sets, source precedence
 * and compare_all, against the rules written in bench.h (Comparison). */
#include "tests.h"

/* ---- helpers ------------------------------------------------------------------------ */

static const char *K[] = { "0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128", "0136",
                           "0138", "0139", "0140", "0160", "0162", "0163", "0180", "0181", "0182", "0183" };

/* Import v[i] for codes[i] (NAN = "..", sekretess) as `indicator` 2022, T, from `source`. */
static void put(bench_db *db, const char *indicator, const char *const *codes, const double *v, size_t n,
                const char *source)
{
    char *csv = malloc(64 + n * 64);
    size_t len = (size_t)sprintf(csv, "kpi,municipality,period,value\n");
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            len += (size_t)sprintf(csv + len, "%s,%s,2022,..\n", indicator, codes[i]);
        else
            len += (size_t)sprintf(csv + len, "%s,%s,2022,%.17g\n", indicator, codes[i], v[i]);
    }
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source = source;
    CU_ASSERT_EQUAL(bench_import_csv_buffer(NULL, db, csv, len, "values", &o), BENCH_OK);
    free(csv);
}

static void put_values(bench_db *db, const double *v, size_t n) { put(db, "X", K, v, n, "s"); }

typedef struct result {
    size_t rows;
    char area[300][8];
    double value[300];
    int rank[300];
    double pct[300];
    char colour[300][8];
    bench_compare_stats stats;
} result;

static int run_set(bench_db *db, const char *indicator, const char *const *areas, size_t n_areas, int direction,
                   result *out)
{
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = indicator;
    o.period = "2022";
    o.areas = areas;
    o.n_areas = n_areas;
    o.direction = direction;
    o.min_coverage = 0; /* the rank rules, on sets of any coverage */
    bench_frame *f = NULL;
    memset(&out->stats, 0x5A, sizeof out->stats);
    int st = bench_compare(&f, &out->stats, db, &o);
    if (st)
        return st;
    out->rows = bench_frame_rows(f);
    CU_ASSERT_EQUAL(bench_frame_columns(f), 6);
    const char *names[] = { "area", "value", "rank", "percentile", "colour", "source" };
    for (size_t c = 0; c < 6; c++) {
        const char *name;
        CU_ASSERT_EQUAL(bench_frame_column(&name, NULL, NULL, f, c), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(name, names[c]);
    }
    for (size_t i = 0; i < out->rows && i < 300; i++) {
        snprintf(out->area[i], 8, "%s", code_at(f, 0, i));
        out->value[i] = f64_at(f, 1, i);
        out->rank[i] = i32_at(f, 2, i);
        out->pct[i] = f64_at(f, 3, i);
        snprintf(out->colour[i], 8, "%s", code_at(f, 4, i));
    }
    bench_frame_free(f);
    return BENCH_OK;
}

static int run(bench_db *db, size_t n_areas, int direction, result *out)
{
    return run_set(db, "X", K, n_areas, direction, out);
}

static bool better(double a, double b, int direction) { return direction == BENCH_DIRECTION_LOWER ? a < b : a > b; }

/* The rules of bench.h computed by brute force, for the ranked rows of a result:
 * rank = 1 + #better, percentile = 100 w / (n - 1), colour by b < n/4 and w < n/4. */
static int check_rules(const result *r, int direction, const char *what)
{
    size_t n = 0;
    while (n < r->rows && r->rank[n] > 0)
        n++;
    int failures = 0;
    for (size_t i = 0; i < r->rows; i++) {
        if (i >= n) { /* no value: rank 0, grey, NaN */
            failures +=
                r->rank[i] != 0 || strcmp(r->colour[i], "grey") != 0 || !isnan(r->value[i]) || !isnan(r->pct[i]);
            continue;
        }
        size_t b = 0, w = 0;
        for (size_t j = 0; j < n; j++) {
            b += better(r->value[j], r->value[i], direction);
            w += better(r->value[i], r->value[j], direction);
        }
        double pct = n > 1 ? 100.0 * (double)w / (double)(n - 1) : 100.0;
        double quarter = (double)n / 4;
        const char *colour = direction == BENCH_DIRECTION_NONE ? ""
                             : (b < quarter && w < quarter)    ? "yellow"
                             : b < quarter                     ? "green"
                             : w < quarter                     ? "red"
                                                               : "yellow";
        int bad = r->rank[i] != (int)(b + 1) || fabs(r->pct[i] - pct) > 1e-9 || strcmp(r->colour[i], colour) != 0;
        if (i > 0) /* best first */
            bad |= r->rank[i] < r->rank[i - 1] || better(r->value[i], r->value[i - 1], direction);
        if (bad && failures < 3)
            fprintf(stderr, "\n  %s: row %zu (%s, %g): rank %d pct %g colour %s; expected %zu %g %s\n", what, i,
                    r->area[i], r->value[i], r->rank[i], r->pct[i], r->colour[i], b + 1, pct, colour);
        failures += bad;
    }
    if (r->stats.n != n) {
        fprintf(stderr, "\n  %s: stats.n %zu, ranked rows %zu\n", what, r->stats.n, n);
        failures++;
    }
    return failures;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's default quantile (type 7) of sorted a[0..n) */
static double type7(const double *a, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return a[lo] + (h - (double)lo) * (a[hi] - a[lo]);
}

/* ---- ranks, ties, percentiles --------------------------------------------------------- */

static void test_ties_and_percentiles(void)
{
    bench_db *db = new_db();
    double v[] = { 20, 10, 40, 20, NAN };
    put_values(db, v, 5);
    result r;
    /* lower is better: 10, 20, 20, 40 -> ranks 1, 2, 2, 4 */
    CU_ASSERT_EQUAL_FATAL(run(db, 6, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.rows, 6); /* 4 ranked, 1 missing, 1 area without a row */
    int ranks[] = { 1, 2, 2, 4, 0, 0 };
    double values[] = { 10, 20, 20, 40 };
    double pct[] = { 100, 100.0 / 3, 100.0 / 3, 0 };
    for (int i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(r.rank[i], ranks[i]);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(r.value[i], values[i]);
        CU_ASSERT_DOUBLE_EQUAL(r.pct[i], pct[i], 1e-12);
    }
    CU_ASSERT_STRING_EQUAL(r.area[0], "0115");
    CU_ASSERT_STRING_EQUAL(r.area[3], "0117");
    CU_ASSERT_STRING_EQUAL(r.colour[0], "green");
    CU_ASSERT_STRING_EQUAL(r.colour[1], "yellow");
    CU_ASSERT_STRING_EQUAL(r.colour[2], "yellow");
    CU_ASSERT_STRING_EQUAL(r.colour[3], "red");
    CU_ASSERT_STRING_EQUAL(r.colour[4], "grey");
    CU_ASSERT_STRING_EQUAL(r.colour[5], "grey");
    /* missing values last, never ranked; then areas of the set without any row */
    CU_ASSERT_TRUE(isnan(r.value[4]) && isnan(r.value[5]));
    CU_ASSERT_TRUE(isnan(r.pct[4]));
    CU_ASSERT_STRING_EQUAL(r.area[4], "0123");
    CU_ASSERT_STRING_EQUAL(r.area[5], "0125");
    CU_ASSERT_EQUAL(r.stats.n, 4);
    CU_ASSERT_EQUAL(r.stats.n_areas, 6);
    CU_ASSERT_EQUAL(check_rules(&r, BENCH_DIRECTION_LOWER, "lower"), 0);
    /* higher is better: 40, 20, 20, 10 -> ranks 1, 2, 2, 4 */
    CU_ASSERT_EQUAL_FATAL(run(db, 6, BENCH_DIRECTION_HIGHER, &r), BENCH_OK);
    double hvalues[] = { 40, 20, 20, 10 };
    for (int i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(r.rank[i], ranks[i]);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(r.value[i], hvalues[i]);
        CU_ASSERT_DOUBLE_EQUAL(r.pct[i], pct[i], 1e-12);
    }
    CU_ASSERT_STRING_EQUAL(r.colour[0], "green");
    CU_ASSERT_STRING_EQUAL(r.colour[3], "red");
    CU_ASSERT_EQUAL(check_rules(&r, BENCH_DIRECTION_HIGHER, "higher"), 0);
    /* no direction: ranks as higher, no colours, but grey for no value */
    CU_ASSERT_EQUAL_FATAL(run(db, 6, BENCH_DIRECTION_NONE, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.value[0], 40);
    for (int i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(r.rank[i], ranks[i]);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_STRING_EQUAL(r.colour[i], "");
    CU_ASSERT_STRING_EQUAL(r.colour[4], "grey");
    CU_ASSERT_EQUAL(check_rules(&r, BENCH_DIRECTION_NONE, "none"), 0);
    /* the statistics do not depend on the direction */
    CU_ASSERT_DOUBLE_EQUAL(r.stats.unweighted_mean, 22.5, 1e-12);
    bench_db_free(db);
}

static void test_direction_from_catalogue(void)
{
    bench_db *db = new_db();
    double v[] = { 3, 1, 2 };
    put(db, "U33401", K, v, 3, "s"); /* lower is better in the catalogue */
    put(db, "OWNX", K, v, 3, "s");   /* no direction known */
    result r;
    CU_ASSERT_EQUAL_FATAL(run_set(db, "U33401", K, 3, BENCH_DIRECTION_DEFAULT, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.value[0], 1);
    CU_ASSERT_STRING_EQUAL(r.colour[0], "green");
    CU_ASSERT_STRING_EQUAL(r.colour[2], "red");
    CU_ASSERT_EQUAL_FATAL(run_set(db, "u33401", K, 3, BENCH_DIRECTION_HIGHER, &r), BENCH_OK); /* overridden */
    CU_ASSERT_EQUAL(r.value[0], 3);
    CU_ASSERT_EQUAL_FATAL(run_set(db, "OWNX", K, 3, BENCH_DIRECTION_DEFAULT, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.value[0], 3); /* unknown direction ranks high first */
    CU_ASSERT_EQUAL(r.rank[2], 3);
    CU_ASSERT_STRING_EQUAL(r.colour[0], "");
    CU_ASSERT_STRING_EQUAL(r.colour[2], "");
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWNX", NULL, NULL, BENCH_DIRECTION_LOWER), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(run_set(db, "OWNX", K, 3, BENCH_DIRECTION_DEFAULT, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.value[0], 1);
    CU_ASSERT_STRING_EQUAL(r.colour[0], "green");
    bench_db_free(db);
}

/* ---- colours ------------------------------------------------------------------------------ */

static void test_colours_small_sets(void)
{
    /* green when b < n/4, red when w < n/4: n = 1: yellow; 2: green, red; 3: green, yellow, red;
     * 4: g y y r; 5: g g y r r (b = 1 < 1.25); 8: g g y y y y r r */
    const char *expected[][8] = { { "yellow" },
                                  { "green", "red" },
                                  { "green", "yellow", "red" },
                                  { "green", "yellow", "yellow", "red" },
                                  { "green", "green", "yellow", "red", "red" },
                                  { "green", "green", "yellow", "yellow", "yellow", "yellow", "red", "red" } };
    size_t sizes[] = { 1, 2, 3, 4, 5, 8 };
    for (size_t c = 0; c < 6; c++) {
        for (int dir = BENCH_DIRECTION_HIGHER; dir <= BENCH_DIRECTION_LOWER; dir++) {
            bench_db *db = new_db();
            double v[8];
            for (size_t i = 0; i < sizes[c]; i++)
                v[i] = (double)((i * 7) % sizes[c]) * 1.5; /* distinct, not in order */
            put_values(db, v, sizes[c]);
            result r;
            CU_ASSERT_EQUAL_FATAL(run(db, sizes[c], dir, &r), BENCH_OK);
            CU_ASSERT_EQUAL(r.rows, sizes[c]);
            int green = 0, red = 0;
            for (size_t i = 0; i < sizes[c]; i++) {
                CU_ASSERT_STRING_EQUAL(r.colour[i], expected[c][i]);
                CU_ASSERT_EQUAL(r.rank[i], (int)i + 1);
                green += !strcmp(r.colour[i], "green");
                red += !strcmp(r.colour[i], "red");
            }
            CU_ASSERT_EQUAL(green, red);
            if (sizes[c] == 1)
                CU_ASSERT_EQUAL(r.pct[0], 100);
            CU_ASSERT_EQUAL(check_rules(&r, dir, "small set"), 0);
            bench_db_free(db);
        }
    }
}

static void test_colour_ties(void)
{
    result r;
    /* a tie at the green cut-off takes the better colour: n = 8, ranks 1, 2, 2, 4, ... */
    bench_db *db = new_db();
    double tie[] = { 1, 2, 2, 3, 4, 5, 6, 7 };
    put_values(db, tie, 8);
    CU_ASSERT_EQUAL_FATAL(run(db, 8, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(r.colour[0], "green");
    CU_ASSERT_STRING_EQUAL(r.colour[1], "green");
    CU_ASSERT_STRING_EQUAL(r.colour[2], "green");
    CU_ASSERT_STRING_EQUAL(r.colour[3], "yellow");
    CU_ASSERT_EQUAL(r.rank[2], 2);
    CU_ASSERT_EQUAL(check_rules(&r, BENCH_DIRECTION_LOWER, "green cut-off"), 0);
    bench_db_free(db);
    /* the same with higher is better */
    db = new_db();
    double tie_h[] = { 9, 8, 8, 7, 6, 5, 4, 3 };
    put_values(db, tie_h, 8);
    CU_ASSERT_EQUAL_FATAL(run(db, 8, BENCH_DIRECTION_HIGHER, &r), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(r.colour[2], "green");
    CU_ASSERT_EQUAL(check_rules(&r, BENCH_DIRECTION_HIGHER, "green cut-off, higher"), 0);
    bench_db_free(db);
    /* At the red cut-off the rule as written (red when w < n/4) makes a tie red: 6, 6 at places 6-7 of 8
     * have w = 1 < 2.  SPEC: bench.h's prose says ties at a cut-off "all get the better colour of
     * their rank", which holds at the green cut-off only; the library and the pandas reference
     * (tests/python/test_compare_properties.py) follow the formula, tested here. */
    db = new_db();
    double tie_red[] = { 1, 2, 3, 4, 5, 6, 6, 8 };
    put_values(db, tie_red, 8);
    CU_ASSERT_EQUAL_FATAL(run(db, 8, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.rank[5], 6);
    CU_ASSERT_EQUAL(r.rank[6], 6);
    CU_ASSERT_STRING_EQUAL(r.colour[4], "yellow");
    CU_ASSERT_STRING_EQUAL(r.colour[5], "red");
    CU_ASSERT_STRING_EQUAL(r.colour[6], "red");
    CU_ASSERT_STRING_EQUAL(r.colour[7], "red");
    CU_ASSERT_EQUAL(check_rules(&r, BENCH_DIRECTION_LOWER, "red cut-off"), 0);
    bench_db_free(db);
    /* all equal: all rank 1, all yellow, percentile 100 */
    db = new_db();
    double same[] = { 5, 5, 5, 5, 5 };
    put_values(db, same, 5);
    CU_ASSERT_EQUAL_FATAL(run(db, 5, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    for (size_t i = 0; i < 5; i++) {
        CU_ASSERT_STRING_EQUAL(r.colour[i], "yellow");
        CU_ASSERT_EQUAL(r.rank[i], 1);
        CU_ASSERT_EQUAL(r.pct[i], 0); /* w = 0: no area is worse */
    }
    CU_ASSERT_EQUAL(check_rules(&r, BENCH_DIRECTION_LOWER, "all equal"), 0);
    bench_db_free(db);
    /* a tie group spanning the middle is yellow: 1, 2, 2, 2, 3 (n = 5) */
    db = new_db();
    double middle[] = { 1, 2, 2, 2, 3 };
    put_values(db, middle, 5);
    CU_ASSERT_EQUAL_FATAL(run(db, 5, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(r.colour[0], "green");
    CU_ASSERT_STRING_EQUAL(r.colour[1], "yellow");
    CU_ASSERT_STRING_EQUAL(r.colour[3], "yellow");
    CU_ASSERT_STRING_EQUAL(r.colour[4], "red");
    CU_ASSERT_EQUAL(check_rules(&r, BENCH_DIRECTION_LOWER, "middle tie"), 0);
    bench_db_free(db);
}

/* The 290 kommun codes of the catalogue, in code order. */
static size_t kommun_codes(bench_db *db, char codes[][8])
{
    bench_frame *areas;
    CU_ASSERT_EQUAL_FATAL(bench_areas_frame(&areas, db), BENCH_OK);
    size_t n = 0;
    for (size_t r = 0; r < bench_frame_rows(areas) && n < 300; r++)
        if (!strcmp(code_at(areas, 2, r), "kommun"))
            snprintf(codes[n++], 8, "%s", code_at(areas, 0, r));
    bench_frame_free(areas);
    return n;
}

static void test_all_kommuner(void)
{
    /* 290 distinct values over all kommuner: 73 green and 73 red (b < 72.5, w < 72.5) */
    bench_db *db = new_db();
    char codes[300][8];
    CU_ASSERT_EQUAL_FATAL(kommun_codes(db, codes), 290);
    char *csv = malloc(300 * 48);
    size_t len = (size_t)sprintf(csv, "kpi,municipality,period,value\n");
    for (int i = 0; i < 290; i++) /* a permutation of 0..289, so that order of import is not order of value */
        len += (size_t)sprintf(csv + len, "X,%s,2022,%d\n", codes[i], (i * 7) % 290);
    len += (size_t)sprintf(csv + len, "X,0000,2022,1000\nX,0014,2022,1000\n"); /* not kommuner */
    CU_ASSERT_EQUAL_FATAL(bench_import_csv_buffer(NULL, db, csv, len, "all", NULL), BENCH_OK);
    free(csv);
    static result r;
    for (int dir = BENCH_DIRECTION_HIGHER; dir <= BENCH_DIRECTION_LOWER; dir++) {
        CU_ASSERT_EQUAL_FATAL(run_set(db, "X", NULL, 0, dir, &r), BENCH_OK); /* NULL: all kommuner */
        CU_ASSERT_EQUAL(r.rows, 290);
        CU_ASSERT_EQUAL(r.stats.n, 290);
        CU_ASSERT_EQUAL(r.stats.n_areas, 290);
        int green = 0, red = 0, yellow = 0;
        for (size_t i = 0; i < r.rows; i++) {
            green += !strcmp(r.colour[i], "green");
            red += !strcmp(r.colour[i], "red");
            yellow += !strcmp(r.colour[i], "yellow");
            CU_ASSERT_STRING_NOT_EQUAL(r.area[i], "0000");
            CU_ASSERT_EQUAL(r.rank[i], (int)i + 1);
        }
        CU_ASSERT_EQUAL(green, 73);
        CU_ASSERT_EQUAL(red, 73);
        CU_ASSERT_EQUAL(yellow, 144);
        CU_ASSERT_EQUAL(r.value[0], dir == BENCH_DIRECTION_LOWER ? 0 : 289);
        CU_ASSERT_DOUBLE_EQUAL(r.stats.unweighted_mean, 144.5, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(r.stats.median, 144.5, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(r.stats.q1, 72.25, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(r.stats.q3, 216.75, 1e-9);
        CU_ASSERT_EQUAL(r.stats.min, 0);
        CU_ASSERT_EQUAL(r.stats.max, 289);
        CU_ASSERT_EQUAL(check_rules(&r, dir, "290"), 0);
    }
    /* compare_all gives the same for the group */
    CU_ASSERT_EQUAL(bench_indicator_set(db, "X", NULL, NULL, BENCH_DIRECTION_HIGHER), BENCH_OK);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, NULL, 0, BENCH_DIRECTION_DEFAULT), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 290);
    int green = 0, red = 0;
    for (size_t i = 0; i < bench_frame_rows(f); i++) {
        CU_ASSERT_EQUAL(i32_at(f, 6, i), 290);
        CU_ASSERT_EQUAL(i32_at(f, 5, i), 290 - (int)f64_at(f, 4, i));
        green += !strcmp(code_at(f, 8, i), "green");
        red += !strcmp(code_at(f, 8, i), "red");
    }
    CU_ASSERT_EQUAL(green, 73);
    CU_ASSERT_EQUAL(red, 73);
    bench_frame_free(f);
    bench_db_free(db);
}

/* Random sets with ties and missing values against the rules computed by brute force. */
static void test_rules_random(void)
{
    uint64_t seed = 12345;
    for (int round = 0; round < 60; round++) {
        bench_db *db = new_db();
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t n = 1 + (size_t)((seed >> 33) % 20);
        double v[20];
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            unsigned x = (unsigned)(seed >> 40) % 9;
            v[i] = x == 8 ? NAN : (double)(x % 5) - 1.5; /* few distinct values: many ties; negatives */
        }
        put_values(db, v, n);
        for (int dir = BENCH_DIRECTION_NONE; dir <= BENCH_DIRECTION_LOWER; dir++) {
            result r;
            CU_ASSERT_EQUAL_FATAL(run(db, n, dir, &r), BENCH_OK);
            CU_ASSERT_EQUAL(r.rows, n);
            char what[64];
            snprintf(what, sizeof what, "random round %d direction %d", round, dir);
            CU_ASSERT_EQUAL(check_rules(&r, dir, what), 0);
            /* statistics over the values present */
            double sorted[20], sum = 0;
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (!isnan(v[i])) {
                    sorted[m++] = v[i];
                    sum += v[i];
                }
            qsort(sorted, m, sizeof *sorted, cmp_double);
            CU_ASSERT_EQUAL(r.stats.n, m);
            CU_ASSERT_EQUAL(r.stats.n_areas, n);
            if (m) {
                CU_ASSERT_DOUBLE_EQUAL(r.stats.unweighted_mean, sum / (double)m, 1e-12);
                CU_ASSERT_DOUBLE_EQUAL(r.stats.median, type7(sorted, m, 0.5), 1e-12);
                CU_ASSERT_DOUBLE_EQUAL(r.stats.q1, type7(sorted, m, 0.25), 1e-12);
                CU_ASSERT_DOUBLE_EQUAL(r.stats.q3, type7(sorted, m, 0.75), 1e-12);
                CU_ASSERT_EQUAL(r.stats.min, sorted[0]);
                CU_ASSERT_EQUAL(r.stats.max, sorted[m - 1]);
            } else {
                CU_ASSERT_TRUE(isnan(r.stats.unweighted_mean) && isnan(r.stats.median) && isnan(r.stats.min));
            }
        }
        bench_db_free(db);
    }
}

/* ---- statistics ------------------------------------------------------------------------------ */

static void test_statistics(void)
{
    struct {
        double v[6];
        size_t n;
        double mean, median, q1, q3, min, max;
    } cases[] = {
        { { 20, 10, 40, 20 }, 4, 22.5, 20, 17.5, 25, 10, 40 },
        { { 3, 1, 4, 1, 5 }, 5, 2.8, 3, 1, 4, 1, 5 },
        { { 2, 7 }, 2, 4.5, 4.5, 3.25, 5.75, 2, 7 },
        { { 5 }, 1, 5, 5, 5, 5, 5, 5 },
        { { -1.5, 0, 2.5, 10, 100, 1 }, 6, 112.0 / 6, 1.75, 0.25, 8.125, -1.5, 100 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        bench_db *db = new_db();
        double v[7];
        memcpy(v, cases[c].v, sizeof cases[c].v);
        v[cases[c].n] = NAN; /* a missing value is never averaged */
        put_values(db, v, cases[c].n + 1);
        result r;
        CU_ASSERT_EQUAL_FATAL(run(db, cases[c].n + 2, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
        CU_ASSERT_EQUAL(r.stats.n, cases[c].n);
        CU_ASSERT_EQUAL(r.stats.n_areas, cases[c].n + 2);
        CU_ASSERT_DOUBLE_EQUAL(r.stats.unweighted_mean, cases[c].mean, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(r.stats.median, cases[c].median, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(r.stats.q1, cases[c].q1, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(r.stats.q3, cases[c].q3, 1e-12);
        CU_ASSERT_EQUAL(r.stats.min, cases[c].min);
        CU_ASSERT_EQUAL(r.stats.max, cases[c].max);
        CU_ASSERT_TRUE(isnan(r.stats.weighted_mean)); /* no weight asked */
        bench_db_free(db);
    }
    /* no value at all: n = 0, NaN statistics, everyone grey */
    bench_db *db = new_db();
    double none[] = { NAN, NAN };
    put_values(db, none, 2);
    result r;
    CU_ASSERT_EQUAL_FATAL(run(db, 3, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.rows, 3);
    CU_ASSERT_EQUAL(r.stats.n, 0);
    CU_ASSERT_EQUAL(r.stats.n_areas, 3);
    CU_ASSERT_TRUE(isnan(r.stats.unweighted_mean) && isnan(r.stats.weighted_mean) && isnan(r.stats.median) &&
                   isnan(r.stats.q1) && isnan(r.stats.q3) && isnan(r.stats.min) && isnan(r.stats.max));
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(r.rank[i], 0);
        CU_ASSERT_STRING_EQUAL(r.colour[i], "grey");
    }
    /* stats may be NULL */
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    bench_frame *f;
    CU_ASSERT_EQUAL(bench_compare(&f, NULL, db, &o), BENCH_OK);
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_weighted_mean(void)
{
    bench_db *db = new_db();
    double v[] = { 30, 20, 10, 50 };
    put_values(db, v, 4);
    /* 0114: 1000, 0115: 3000, 0117: none, 0120: 0 (left out); another gender and a target are not used */
    CU_ASSERT_EQUAL(import_text(db,
                                "kpi,municipality,period,gender,kind,value\n"
                                "N01951,0114,2022,T,utfall,1000\nN01951,0115,2022,T,utfall,3000\n"
                                "N01951,0120,2022,T,utfall,0\nN01951,0117,2022,K,utfall,500\n"
                                "N01951,0117,2022,T,målvärde,9999\nN01951,0114,2021,T,utfall,7\n",
                                NULL, NULL),
                    BENCH_OK);
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    o.areas = K;
    o.n_areas = 4;
    o.weight = "N01951";
    o.direction = BENCH_DIRECTION_LOWER;
    bench_frame *f;
    bench_compare_stats st;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(st.n, 4);
    CU_ASSERT_DOUBLE_EQUAL(st.unweighted_mean, 27.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(st.weighted_mean, (30 * 1000 + 20 * 3000) / 4000.0, 1e-12);
    /* no area with a population: NaN */
    o.weight = "N01952";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nN01952,0114,2021,5\n", NULL, NULL), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    bench_frame_free(f);
    CU_ASSERT_TRUE(isnan(st.weighted_mean));
    CU_ASSERT_DOUBLE_EQUAL(st.unweighted_mean, 27.5, 1e-12);
    /* an unknown weight indicator */
    o.weight = "NOPE";
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    bench_db_free(db);
}

/* ---- sources --------------------------------------------------------------------------------- */

static void test_source_precedence(void)
{
    bench_db *db = new_db();
    double a[] = { 10, 5 }, b[] = { 20 };
    put(db, "X", K, a, 2, "A");
    put(db, "X", K, b, 1, "B"); /* a second source for 0114: imported later, used */
    result r;
    CU_ASSERT_EQUAL_FATAL(run(db, 2, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.rows, 2); /* one row per area, not per source */
    CU_ASSERT_EQUAL(r.stats.n, 2);
    CU_ASSERT_STRING_EQUAL(r.area[1], "0114");
    CU_ASSERT_EQUAL(r.value[1], 20);
    CU_ASSERT_DOUBLE_EQUAL(r.stats.unweighted_mean, 12.5, 1e-12);
    /* the later source's missing value hides the earlier value: no value, grey */
    double c[] = { NAN };
    put(db, "X", K + 1, c, 1, "C");
    CU_ASSERT_EQUAL_FATAL(run(db, 2, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.stats.n, 1);
    CU_ASSERT_STRING_EQUAL(r.area[1], "0115");
    CU_ASSERT_STRING_EQUAL(r.colour[1], "grey");
    bench_db_free(db);
}

/* When A, then B, then A again give a value for one key, the last import (A's new value) is used.
 * BUG (found by this suite; fixed in b321957): compare.c source_winners() took the highest row as
 * the latest import, but db_merge() (store.c) replaces A's value in place, in its old (lower) row,
 * so B's value won. */
static void test_source_precedence_after_reimport(void)
{
    bench_db *db = new_db();
    double a[] = { 10, 5 }, b[] = { 20 }, a2[] = { 30 };
    put(db, "X", K, a, 2, "A");
    put(db, "X", K, b, 1, "B");
    put(db, "X", K, a2, 1, "A"); /* A again, latest */
    CU_ASSERT_EQUAL(lookup(db, "X", "0114", "2022", BENCH_GENDER_T, BENCH_KIND_UTFALL, NULL), 2);
    result r;
    CU_ASSERT_EQUAL_FATAL(run(db, 2, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.stats.n, 2);
    CU_ASSERT_STRING_EQUAL(r.area[1], "0114");
    CU_ASSERT_EQUAL(r.value[1], 30); /* BUG (fixed): was 20, source B */
    if (r.value[1] != 30)
        fprintf(stderr, "\n  BUG: A, B, then A again: compare uses %g, not the last import's 30\n", r.value[1]);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, K, 2, BENCH_DIRECTION_LOWER), BENCH_OK);
    for (size_t i = 0; i < bench_frame_rows(f); i++)
        if (!strcmp(code_at(f, 3, i), "0114"))
            CU_ASSERT_EQUAL(f64_at(f, 4, i), 30); /* BUG (fixed): the same in compare_all */
    bench_frame_free(f);
    bench_db_free(db);
}

/* Precedence is by source: re-importing a source makes all its values the most recent ones
 * (bench.h: "re-importing a source makes it the most recent"), and it survives a snapshot. */
static void test_source_precedence_by_source(void)
{
    bench_db *db = new_db();
    double a[] = { 10, 5 }, b[] = { 20 }, a2[] = { 6 };
    put(db, "X", K, a, 2, "A"); /* 0114: 10, 0115: 5 */
    put(db, "X", K, b, 1, "B"); /* 0114: 20, B is the most recent */
    result r;
    CU_ASSERT_EQUAL_FATAL(run(db, 2, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.value[1], 20);
    put(db, "X", K + 1, a2, 1, "A"); /* A again, for 0115 only: A is now the most recent source */
    CU_ASSERT_EQUAL_FATAL(run(db, 2, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(r.area[0], "0115");
    CU_ASSERT_EQUAL(r.value[0], 6);
    CU_ASSERT_STRING_EQUAL(r.area[1], "0114");
    CU_ASSERT_EQUAL(r.value[1], 10); /* A's value for 0114, from its first import */
    /* the weighted mean takes the population of the most recent source too */
    CU_ASSERT_EQUAL(
        import_text(db, "kpi,municipality,period,value\nN01951,0114,2022,1000\nN01951,0115,2022,1000\n", NULL, NULL),
        BENCH_OK);
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source = "SCB";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nN01951,0114,2022,3000\n", &o, NULL), BENCH_OK);
    bench_compare_options co = BENCH_COMPARE_INIT;
    co.indicator = "X";
    co.period = "2022";
    co.areas = K;
    co.n_areas = 2;
    co.weight = "N01951";
    bench_frame *f;
    bench_compare_stats st;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &co), BENCH_OK);
    bench_frame_free(f);
    CU_ASSERT_DOUBLE_EQUAL(st.weighted_mean, (10 * 3000 + 6 * 1000) / 4000.0, 1e-12);
    /* the order of sources is kept in a snapshot */
    char path[512];
    snprintf(path, sizeof path, "%s/precedence.kbsnap", temp_dir());
    CU_ASSERT_EQUAL_FATAL(bench_db_save(db, path), BENCH_OK);
    bench_db *d2 = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_db_open(&d2, path, NULL), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(run(d2, 2, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.value[0], 6);
    CU_ASSERT_EQUAL(r.value[1], 10);
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, d2, &co), BENCH_OK);
    bench_frame_free(f);
    CU_ASSERT_DOUBLE_EQUAL(st.weighted_mean, (10 * 3000 + 6 * 1000) / 4000.0, 1e-12);
    /* and a later import into the opened snapshot is more recent than those before it */
    put(d2, "X", K, b, 1, "B");
    CU_ASSERT_EQUAL_FATAL(run(d2, 2, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(r.area[1], "0114");
    CU_ASSERT_EQUAL(r.value[1], 20);
    bench_db_free(d2);
    remove(path);
    bench_db_free(db);
}

/* ---- area sets and errors ------------------------------------------------------------------- */

static void test_area_sets(void)
{
    bench_db *db = new_db();
    double v[] = { 3, 1, 2, 4 };
    put_values(db, v, 4);
    result r;
    /* a list */
    const char *list[] = { "0117", "0114", "1490" };
    CU_ASSERT_EQUAL_FATAL(run_set(db, "X", list, 3, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.rows, 3);
    CU_ASSERT_EQUAL(r.stats.n_areas, 3);
    CU_ASSERT_EQUAL(r.stats.n, 2);
    CU_ASSERT_STRING_EQUAL(r.area[0], "0117");
    CU_ASSERT_STRING_EQUAL(r.area[1], "0114");
    CU_ASSERT_STRING_EQUAL(r.area[2], "1490");
    CU_ASSERT_STRING_EQUAL(r.colour[2], "grey");
    CU_ASSERT_EQUAL(r.rank[2], 0);
    /* a code written without its leading zero */
    const char *short_code[] = { "114", "115" };
    CU_ASSERT_EQUAL_FATAL(run_set(db, "X", short_code, 2, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.stats.n, 2);
    /* a group stands for its members */
    const char *members[] = { "0114", "0115", "0117" };
    CU_ASSERT_EQUAL(bench_group_set(db, "GTRE", "Tre", members, 3), BENCH_OK);
    const char *set[] = { "GTRE" };
    CU_ASSERT_EQUAL_FATAL(run_set(db, "X", set, 1, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.stats.n_areas, 3);
    CU_ASSERT_EQUAL(r.stats.n, 3);
    CU_ASSERT_EQUAL(r.value[0], 1);
    /* a kommungrupp by the catalogue: the 23 "större städer" (Borås among them) */
    const char *kg[] = { "G92790" };
    CU_ASSERT_EQUAL_FATAL(run_set(db, "X", kg, 1, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.stats.n_areas, 23);
    CU_ASSERT_EQUAL(r.stats.n, 0);
    /* NULL: all 290 kommuner */
    CU_ASSERT_EQUAL_FATAL(run_set(db, "X", NULL, 0, BENCH_DIRECTION_LOWER, &r), BENCH_OK);
    CU_ASSERT_EQUAL(r.rows, 290);
    CU_ASSERT_EQUAL(r.stats.n_areas, 290);
    CU_ASSERT_EQUAL(r.stats.n, 4);
    CU_ASSERT_EQUAL(check_rules(&r, BENCH_DIRECTION_LOWER, "all kommuner"), 0);
    /* an unknown area in the list */
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    const char *unknown[] = { "0114", "9999" };
    o.areas = unknown;
    o.n_areas = 2;
    bench_frame *f = (bench_frame *)db;
    CU_ASSERT_EQUAL(bench_compare(&f, NULL, db, &o), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "9999"));
    const char *bad[] = { "Borås" };
    o.areas = bad;
    o.n_areas = 1;
    CU_ASSERT_EQUAL(bench_compare(&f, NULL, db, &o), BENCH_ENOTFOUND);
    bench_db_free(db);
}

static void test_genders_and_kinds(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL(import_text(db,
                                "kpi,municipality,period,gender,kind,value\n"
                                "X,0114,2022,T,utfall,5\nX,0115,2022,T,utfall,6\n"
                                "X,0114,2022,K,utfall,9\nX,0115,2022,K,utfall,1\n"
                                "X,0114,2022,T,målvärde,100\n",
                                NULL, NULL),
                    BENCH_OK);
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    o.areas = K;
    o.n_areas = 2;
    o.direction = BENCH_DIRECTION_LOWER;
    bench_frame *f;
    bench_compare_stats st;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(code_at(f, 0, 0), "0114");
    CU_ASSERT_EQUAL(f64_at(f, 1, 0), 5);
    bench_frame_free(f);
    o.gender = BENCH_GENDER_K;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(code_at(f, 0, 0), "0115");
    CU_ASSERT_EQUAL(f64_at(f, 1, 0), 1);
    bench_frame_free(f);
    o.gender = BENCH_GENDER_M; /* no M values: all grey */
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(st.n, 0);
    bench_frame_free(f);
    o.gender = BENCH_GENDER_T;
    o.kind = BENCH_KIND_MALVARDE;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(st.n, 1);
    CU_ASSERT_EQUAL(f64_at(f, 1, 0), 100);
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_errors(void)
{
    bench_db *db = new_db();
    double v[] = { 1, 2 };
    put_values(db, v, 2);
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nY,0114,2024-T1,1\n", NULL, NULL), BENCH_OK);
    char *before = dump_values(db);
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    bench_frame *f = (bench_frame *)db;
    bench_compare_stats st;
    o.indicator = "NOPE";
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "NOPE"));
    o.indicator = NULL;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    o.indicator = "X";
    o.period = "1999";
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "1999"));
    o.period = "20x2";
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    o.period = NULL;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_ENOTFOUND);
    /* a period in another spelling is found */
    o.indicator = "Y";
    o.period = "2024T1";
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    bench_frame_free(f);
    o.indicator = "X";
    o.period = "2022";
    o.direction = 5;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_EINVAL);
    o.direction = -2;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_EINVAL);
    o.direction = BENCH_DIRECTION_DEFAULT;
    o.gender = (bench_gender)3;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_EINVAL);
    o.gender = BENCH_GENDER_T;
    o.kind = (bench_kind)4;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_EINVAL);
    o.kind = BENCH_KIND_UTFALL;
    o.version = 0;
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "version"));
    o.version = BENCH_COMPARE_VERSION;
    CU_ASSERT_EQUAL(bench_compare(NULL, &st, db, &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_compare(&f, &st, NULL, &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_compare_all(&f, db, NULL, 0, 9), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_compare_all(&f, db, NULL, 0, -2), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_compare_all(NULL, db, NULL, 0, 0), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_compare_all(&f, NULL, NULL, 0, 0), BENCH_EINVAL);
    /* the store is unchanged, the last error cleared by a good call */
    CU_ASSERT_EQUAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->code, BENCH_OK);
    bench_frame_free(f);
    char *after = dump_values(db);
    CU_ASSERT_STRING_EQUAL(after, before);
    free(after);
    free(before);
    bench_db_free(db);
}

/* ---- compare_all ------------------------------------------------------------------------------ */

static void test_compare_all(void)
{
    bench_db *db = new_db();
    /* U33401 (lower is better) and OWN (higher, set below) over two periods and two genders */
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,gender,kind,value\n"
                                      "U33401,0114,2022,T,utfall,80\nU33401,0115,2022,T,utfall,70\n"
                                      "U33401,0117,2022,T,utfall,70\nU33401,0120,2022,T,utfall,..\n"
                                      "U33401,0114,2022,K,utfall,10\nU33401,0115,2022,K,utfall,20\n"
                                      "U33401,0114,2021,T,utfall,5\nU33401,0115,2021,T,utfall,6\n"
                                      "U33401,0117,2021,T,utfall,7\nU33401,0120,2021,T,utfall,8\n"
                                      "U33401,0123,2021,T,utfall,9\n"
                                      "U33401,0114,2022,T,målvärde,1\n"
                                      "OWN,0114,2022,T,utfall,1\nOWN,0115,2022,T,utfall,2\nOWN,0117,2022,T,utfall,3\n"
                                      "OWN,0000,2022,T,utfall,99\n",
                                      NULL, NULL),
                          BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", NULL, NULL, BENCH_DIRECTION_HIGHER), BENCH_OK);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, NULL, 0, BENCH_DIRECTION_DEFAULT), BENCH_OK);
    CU_ASSERT_TRUE_FATAL(bench_frame_columns(f) >= 9); /* the nine documented columns first */
    const char *names[] = { "indicator", "period", "gender", "area", "value", "rank", "n", "percentile", "colour" };
    for (size_t c = 0; c < 9; c++) {
        const char *name;
        CU_ASSERT_EQUAL(bench_frame_column(&name, NULL, NULL, f, c), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(name, names[c]);
    }
    /* utfall rows of kommuner only: 4 + 2 + 5 + 3 (not the målvärde, not Riket) */
    size_t rows = bench_frame_rows(f);
    CU_ASSERT_EQUAL(rows, 14);
    /* each group contiguous, ranked on its own and as bench_compare ranks it */
    struct {
        const char *ind, *period, *gender;
        size_t rows;
        int n;
    } groups[] = { { "U33401", "2022", "T", 4, 3 },
                   { "U33401", "2022", "K", 2, 2 },
                   { "U33401", "2021", "T", 5, 5 },
                   { "OWN", "2022", "T", 3, 3 } };
    for (size_t g = 0; g < 4; g++) {
        static result from_all;
        memset(&from_all, 0, sizeof from_all);
        size_t first = rows, count = 0;
        for (size_t i = 0; i < rows; i++)
            if (!strcmp(code_at(f, 0, i), groups[g].ind) && !strcmp(code_at(f, 1, i), groups[g].period) &&
                !strcmp(code_at(f, 2, i), groups[g].gender)) {
                if (first == rows)
                    first = i;
                CU_ASSERT_EQUAL(i, first + count); /* contiguous */
                CU_ASSERT_EQUAL(i32_at(f, 6, i), groups[g].n);
                snprintf(from_all.area[count], 8, "%s", code_at(f, 3, i));
                from_all.value[count] = f64_at(f, 4, i);
                from_all.rank[count] = i32_at(f, 5, i);
                from_all.pct[count] = f64_at(f, 7, i);
                snprintf(from_all.colour[count], 8, "%s", code_at(f, 8, i));
                count++;
            }
        CU_ASSERT_EQUAL(count, groups[g].rows);
        from_all.rows = count;
        from_all.stats.n = (size_t)groups[g].n;
        int direction = !strcmp(groups[g].ind, "OWN") ? BENCH_DIRECTION_HIGHER : BENCH_DIRECTION_LOWER;
        CU_ASSERT_EQUAL(check_rules(&from_all, direction, groups[g].ind), 0);
        /* bench_compare over the areas of this group gives the same ranks, percentiles and colours */
        const char *areas[8];
        for (size_t i = 0; i < count; i++)
            areas[i] = from_all.area[i];
        bench_compare_options o = BENCH_COMPARE_INIT;
        o.indicator = groups[g].ind;
        o.period = groups[g].period;
        o.gender = !strcmp(groups[g].gender, "K") ? BENCH_GENDER_K : BENCH_GENDER_T;
        o.areas = areas;
        o.n_areas = count;
        bench_frame *one;
        bench_compare_stats st;
        CU_ASSERT_EQUAL_FATAL(bench_compare(&one, &st, db, &o), BENCH_OK);
        CU_ASSERT_EQUAL(st.n, (size_t)groups[g].n);
        CU_ASSERT_EQUAL(bench_frame_rows(one), count);
        for (size_t i = 0; i < count && i < bench_frame_rows(one); i++)
            for (size_t j = 0; j < count; j++)
                if (!strcmp(code_at(one, 0, i), from_all.area[j])) {
                    CU_ASSERT_EQUAL(i32_at(one, 2, i), from_all.rank[j]);
                    CU_ASSERT_STRING_EQUAL(code_at(one, 4, i), from_all.colour[j]);
                    if (from_all.rank[j])
                        CU_ASSERT_DOUBLE_EQUAL(f64_at(one, 3, i), from_all.pct[j], 1e-12);
                }
        bench_frame_free(one);
    }
    bench_frame_free(f);
    /* a direction for all, and a set of areas (unknown codes ignored here) */
    const char *set[] = { "0114", "0115", "9999" };
    CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, set, 3, BENCH_DIRECTION_NONE), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 2 + 2 + 2 + 2);
    for (size_t i = 0; i < bench_frame_rows(f); i++) {
        const char *area = code_at(f, 3, i);
        CU_ASSERT_TRUE(!strcmp(area, "0114") || !strcmp(area, "0115"));
        CU_ASSERT_STRING_EQUAL(code_at(f, 8, i), "");
        if (!strcmp(code_at(f, 0, i), "U33401") && !strcmp(code_at(f, 1, i), "2021")) /* higher first */
            CU_ASSERT_EQUAL(i32_at(f, 5, i), !strcmp(area, "0115") ? 1 : 2);
    }
    bench_frame_free(f);
    /* Riket as a set */
    const char *riket[] = { "0000" };
    CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, riket, 1, BENCH_DIRECTION_DEFAULT), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 1);
    CU_ASSERT_EQUAL(i32_at(f, 5, 0), 1);
    CU_ASSERT_EQUAL(i32_at(f, 6, 0), 1);
    bench_frame_free(f);
    /* an empty database */
    bench_db *empty = new_db();
    CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, empty, NULL, 0, BENCH_DIRECTION_DEFAULT), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 0);
    bench_frame_free(f);
    bench_db_free(empty);
    bench_db_free(db);
}

/* compare_all sorts on a 30-bit prefix and finishes with an insertion sort: values that share the
 * prefix, negative values and large sets must still rank exactly as bench_compare ranks them. */
static void test_compare_all_close_values(void)
{
    bench_db *db = new_db();
    char codes[300][8];
    CU_ASSERT_EQUAL_FATAL(kommun_codes(db, codes), 290);
    char *csv = malloc(300 * 64);
    size_t len = (size_t)sprintf(csv, "kpi,municipality,period,value\n");
    for (int i = 0; i < 290; i++) {
        double v = 1000.0 + ((i * 37) % 290) * 1e-9; /* all within one 30-bit prefix */
        if (i % 50 == 0)
            v = -v;
        if (i % 61 == 0)
            len += (size_t)sprintf(csv + len, "C,%s,2022,..\n", codes[i]);
        else
            len += (size_t)sprintf(csv + len, "C,%s,2022,%.17g\n", codes[i], v);
    }
    CU_ASSERT_EQUAL_FATAL(bench_import_csv_buffer(NULL, db, csv, len, "close", NULL), BENCH_OK);
    free(csv);
    for (int dir = BENCH_DIRECTION_HIGHER; dir <= BENCH_DIRECTION_LOWER; dir++) {
        static result r;
        CU_ASSERT_EQUAL_FATAL(run_set(db, "C", NULL, 0, dir, &r), BENCH_OK);
        CU_ASSERT_EQUAL(check_rules(&r, dir, "close values"), 0);
        bench_frame *f;
        CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, NULL, 0, dir), BENCH_OK);
        CU_ASSERT_EQUAL(bench_frame_rows(f), 290);
        static result all;
        all.rows = bench_frame_rows(f);
        for (size_t i = 0; i < all.rows; i++) {
            snprintf(all.area[i], 8, "%s", code_at(f, 3, i));
            all.value[i] = f64_at(f, 4, i);
            all.rank[i] = i32_at(f, 5, i);
            all.pct[i] = f64_at(f, 7, i);
            snprintf(all.colour[i], 8, "%s", code_at(f, 8, i));
        }
        all.stats.n = (size_t)i32_at(f, 6, 0);
        CU_ASSERT_EQUAL(all.stats.n, r.stats.n);
        CU_ASSERT_EQUAL(check_rules(&all, dir, "compare_all close values"), 0);
        bench_frame_free(f);
    }
    bench_db_free(db);
}

/* Several indicators, periods and genders with ties, negatives, missing values and two sources:
 * every compare_all group against the rules and against bench_compare for that group. */
static void test_compare_all_random(void)
{
    uint64_t seed = 987654321;
    const char *inds[] = { "U33401", "N01994", "OWNA" }; /* lower, none, higher (set below) */
    const char *periods[] = { "2021", "2022", "2023-T1" };
    const char *genders = "TKM";
    for (int round = 0; round < 8; round++) {
        bench_db *db = new_db();
        CU_ASSERT_EQUAL(bench_indicator_set(db, "OWNA", NULL, NULL, BENCH_DIRECTION_HIGHER), BENCH_OK);
        for (int src = 0; src < 2; src++) {
            char *csv = malloc(200000);
            size_t len = (size_t)sprintf(csv, "kpi,municipality,period,gender,value\n");
            for (int i = 0; i < 3; i++)
                for (int p = 0; p < 3; p++)
                    for (int g = 0; g < 3; g++) {
                        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                        size_t n = (size_t)(seed >> 33) % 21; /* 0..20 areas */
                        for (size_t a = 0; a < n; a++) {
                            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                            unsigned x = (unsigned)(seed >> 40);
                            if (src == 1 && x % 3) /* the second source gives a few keys */
                                continue;
                            if (x % 11 == 0)
                                len += (size_t)sprintf(csv + len, "%s,%s,%s,%c,..\n", inds[i], K[a], periods[p],
                                                       genders[g]);
                            else
                                len += (size_t)sprintf(csv + len, "%s,%s,%s,%c,%.17g\n", inds[i], K[a], periods[p],
                                                       genders[g], (double)((int)(x % 7) - 3) * 1e5 + (x % 2) * 1e-9);
                        }
                    }
            bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
            o.source = src ? "second" : "first";
            CU_ASSERT_EQUAL(bench_import_csv_buffer(NULL, db, csv, len, "random", &o), BENCH_OK);
            free(csv);
        }
        for (int dir = BENCH_DIRECTION_DEFAULT; dir <= BENCH_DIRECTION_LOWER; dir++) {
            bench_frame *f;
            CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, K, 20, dir), BENCH_OK);
            size_t rows = bench_frame_rows(f), i = 0;
            bool has_mean = bench_frame_columns(f) >= 10;
            if (has_mean) {
                const char *name;
                bench_frame_column(&name, NULL, NULL, f, 9);
                has_mean = !strcmp(name, "mean");
            }
            while (i < rows) {
                size_t j = i;
                while (j < rows && !strcmp(code_at(f, 0, j), code_at(f, 0, i)) &&
                       !strcmp(code_at(f, 1, j), code_at(f, 1, i)) && !strcmp(code_at(f, 2, j), code_at(f, 2, i)))
                    j++;
                static result g;
                g.rows = j - i;
                for (size_t a = i; a < j; a++) {
                    snprintf(g.area[a - i], 8, "%s", code_at(f, 3, a));
                    g.value[a - i] = f64_at(f, 4, a);
                    g.rank[a - i] = i32_at(f, 5, a);
                    g.pct[a - i] = f64_at(f, 7, a);
                    snprintf(g.colour[a - i], 8, "%s", code_at(f, 8, a));
                    CU_ASSERT_EQUAL(i32_at(f, 6, a), i32_at(f, 6, i));
                }
                g.stats.n = (size_t)i32_at(f, 6, i);
                const char *ind = code_at(f, 0, i);
                int d = dir != BENCH_DIRECTION_DEFAULT ? dir
                        : !strcmp(ind, "U33401")       ? BENCH_DIRECTION_LOWER
                        : !strcmp(ind, "OWNA")         ? BENCH_DIRECTION_HIGHER
                                                       : BENCH_DIRECTION_NONE;
                char what[96];
                snprintf(what, sizeof what, "compare_all %s %s %s dir %d", ind, code_at(f, 1, i), code_at(f, 2, i),
                         dir);
                CU_ASSERT_EQUAL(check_rules(&g, d, what), 0);
                /* the same group through bench_compare */
                const char *areas[20];
                for (size_t a = 0; a < g.rows; a++)
                    areas[a] = g.area[a];
                bench_compare_options o = BENCH_COMPARE_INIT;
                o.indicator = ind;
                o.period = code_at(f, 1, i);
                o.gender = (bench_gender)(strchr(genders, code_at(f, 2, i)[0]) - genders);
                o.areas = areas;
                o.n_areas = g.rows;
                o.direction = dir;
                o.min_coverage = 0; /* as bench_compare_all */
                static result one;
                bench_frame *cf;
                CU_ASSERT_EQUAL_FATAL(bench_compare(&cf, &one.stats, db, &o), BENCH_OK);
                CU_ASSERT_EQUAL(bench_frame_rows(cf), g.rows);
                CU_ASSERT_EQUAL(one.stats.n, g.stats.n);
                for (size_t a = 0; a < bench_frame_rows(cf) && a < g.rows; a++) {
                    /* same order of ranked rows up to ties: compare by rank and value */
                    CU_ASSERT_EQUAL(i32_at(cf, 2, a), g.rank[a]);
                    if (g.rank[a]) {
                        CU_ASSERT_EQUAL(f64_at(cf, 1, a), g.value[a]);
                        CU_ASSERT_STRING_EQUAL(code_at(cf, 4, a), g.colour[a]);
                    }
                }
                if (has_mean) { /* the group's ovägt medel */
                    if (one.stats.n) {
                        CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 9, i), one.stats.unweighted_mean, 1e-6);
                    } else {
                        CU_ASSERT_TRUE(isnan(f64_at(f, 9, i)));
                    }
                }
                bench_frame_free(cf);
                i = j;
            }
            bench_frame_free(f);
        }
        bench_db_free(db);
    }
}

/* Over a million rows the groups are shared between two threads: groups on both sides of the
 * split (and at the ends) agree with bench_compare of the same indicator, period and gender. */
static void test_compare_all_two_threads(void)
{
    bench_db *db = new_db();
    size_t cap = (size_t)40 << 20, len = 0;
    char *csv = malloc(cap);
    len += (size_t)sprintf(csv, "kpi,municipality,period,gender,value\n");
    bench_frame *areas = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_areas_frame(&areas, db), BENCH_OK);
    const char *kommuner[400];
    size_t nk = 0;
    for (size_t r = 0; r < bench_frame_rows(areas) && nk < 400; r++)
        if (!strcmp(code_at(areas, 2, r), "kommun"))
            kommuner[nk++] = code_at(areas, 0, r);
    uint64_t seed = 42;
    for (int i = 0; i < 1400; i++)
        for (size_t a = 0; a < nk; a++)
            for (int g = 0; g < 3; g++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                unsigned x = (unsigned)(seed >> 40);
                if (x % 13 == 0)
                    len += (size_t)sprintf(csv + len, "X%d,%s,2022,%c,..\n", i, kommuner[a], "TKM"[g]);
                else
                    len += (size_t)sprintf(csv + len, "X%d,%s,2022,%c,%u\n", i, kommuner[a], "TKM"[g], x % 500);
            }
    CU_ASSERT_EQUAL_FATAL(bench_import_csv_buffer(NULL, db, csv, len, "many.csv", NULL), BENCH_OK);
    free(csv);
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, NULL, 0, BENCH_DIRECTION_HIGHER), BENCH_OK);
    size_t n = bench_frame_rows(f);
    CU_ASSERT_TRUE_FATAL(n > 1000000);
    size_t probes[] = { 0, n / 2 - 2000, n / 2 - 1, n / 2, n / 2 + 1, n / 2 + 2000, n - 1 };
    for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
        size_t i = probes[p];
        while (i > 0 && !strcmp(code_at(f, 0, i - 1), code_at(f, 0, probes[p])) &&
               !strcmp(code_at(f, 2, i - 1), code_at(f, 2, probes[p])))
            i--; /* the first row of the probe's group */
        bench_compare_options o = BENCH_COMPARE_INIT;
        char ind[16];
        snprintf(ind, sizeof ind, "%s", code_at(f, 0, i));
        o.indicator = ind;
        o.period = "2022";
        o.gender = (bench_gender)(strchr("TKM", code_at(f, 2, i)[0]) - "TKM");
        o.direction = BENCH_DIRECTION_HIGHER;
        bench_frame *one = NULL;
        CU_ASSERT_EQUAL_FATAL(bench_compare(&one, NULL, db, &o), BENCH_OK);
        CU_ASSERT_EQUAL(bench_frame_rows(one), nk); /* every kommun, with a value or not */
        for (size_t r = 0; r < bench_frame_rows(one); r++) {
            CU_ASSERT_STRING_EQUAL(code_at(one, 0, r), code_at(f, 3, i + r));
            CU_ASSERT_EQUAL(i32_at(one, 2, r), i32_at(f, 5, i + r));
            CU_ASSERT_STRING_EQUAL(code_at(one, 4, r), code_at(f, 8, i + r));
        }
        bench_frame_free(one);
    }
    bench_frame_free(f);
    bench_frame_free(areas);
    bench_db_free(db);
}

/* The coverage rule: too few areas with a value in the set, and nothing is ranked or coloured. */
static void test_coverage_rule(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,value\nX,1490,2022,1\nX,0138,2022,2\n"
                                      "X,0180,2022,..\nY,1490,2022,5\n",
                                      NULL, NULL),
                          BENCH_OK);
    const char *eight[] = { "1490", "0138", "0180", "0114", "0115", "0117", "0120", "0123" };
    bench_compare_options o = BENCH_COMPARE_INIT;
    CU_ASSERT_EQUAL(o.min_coverage, BENCH_MIN_COVERAGE_DEFAULT);
    o.indicator = "X";
    o.period = "2022";
    o.areas = eight;
    o.n_areas = 8;
    o.direction = BENCH_DIRECTION_LOWER;
    bench_compare_stats s;
    bench_frame *f = NULL;
    /* 2 of 8 = 25 %: ranked at the default */
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &s, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(i32_at(f, 2, 0), 1);
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 0), "green");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "ranked"), "yes");
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "coverage"), "0.25");
    bench_frame_free(f);
    /* asking for 30 %: nothing ranked or coloured, the statistics still there */
    o.min_coverage = 0.3;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &s, db, &o), BENCH_OK);
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        CU_ASSERT_EQUAL(i32_at(f, 2, r), 0);
        CU_ASSERT_STRING_EQUAL(code_at(f, 4, r), "grey");
        CU_ASSERT_TRUE(isnan(f64_at(f, 3, r)));
    }
    CU_ASSERT_EQUAL(f64_at(f, 1, 0), 1); /* values stay, best first */
    CU_ASSERT_EQUAL(s.n, 2);
    CU_ASSERT_EQUAL(s.unweighted_mean, 1.5);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "ranked"), "no");
    bench_frame_free(f);
    /* one value is never "plats 1 av 1", whatever the share */
    const char *one[] = { "1490" };
    o.indicator = "Y";
    o.areas = one;
    o.n_areas = 1;
    o.min_coverage = 0.01;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &s, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(i32_at(f, 2, 0), 0);
    CU_ASSERT_EQUAL(s.n, 1);
    bench_frame_free(f);
    o.min_coverage = 0; /* off */
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &s, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(i32_at(f, 2, 0), 1);
    bench_frame_free(f);
    o.min_coverage = 1.5;
    CU_ASSERT_EQUAL(bench_compare(&f, &s, db, &o), BENCH_EINVAL);
    o.min_coverage = NAN;
    CU_ASSERT_EQUAL(bench_compare(&f, &s, db, &o), BENCH_EINVAL);
    /* compare_all: per group over the set */
    bench_compare_all_options a = BENCH_COMPARE_ALL_INIT;
    a.areas = eight;
    a.n_areas = 8;
    a.min_coverage = 0.3;
    CU_ASSERT_EQUAL_FATAL(bench_compare_all_ext(&f, db, &a), BENCH_OK);
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        CU_ASSERT_EQUAL(i32_at(f, 5, r), 0);
        CU_ASSERT_STRING_EQUAL(code_at(f, 8, r), "grey");
    }
    bench_frame_free(f);
    a.min_coverage = 0.25; /* X ranked (2 of 8), Y not (1 of 8) */
    CU_ASSERT_EQUAL_FATAL(bench_compare_all_ext(&f, db, &a), BENCH_OK);
    size_t ranked_x = 0, ranked_y = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        ranked_x += !strcmp(code_at(f, 0, r), "X") && i32_at(f, 5, r) > 0;
        ranked_y += !strcmp(code_at(f, 0, r), "Y") && i32_at(f, 5, r) > 0;
    }
    CU_ASSERT_EQUAL(ranked_x, 2);
    CU_ASSERT_EQUAL(ranked_y, 0);
    bench_frame_free(f);
    a.version = 9;
    CU_ASSERT_EQUAL(bench_compare_all_ext(&f, db, &a), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_compare_all_ext(&f, db, NULL), BENCH_EINVAL);
    bench_db_free(db);
}

/* Likhetsutsökning on a hand-computed case: A = (1, 10), z over five areas. */
static void test_similar(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,value\n"
                                      "A,1490,2022,1\nA,0138,2022,2\nA,0180,2022,3\nA,0114,2022,4\nA,0115,2022,5\n"
                                      "B,1490,2022,10\nB,0138,2022,10\nB,0180,2022,10\nB,0114,2022,10\nB,0115,2022,10\n"
                                      "A,0117,2022,9\nB,0117,2022,..\n",
                                      NULL, NULL),
                          BENCH_OK);
    const char *inds[] = { "A", "B" };
    bench_similar_options o = BENCH_SIMILAR_INIT;
    o.focus = "0180";
    o.indicators = inds;
    o.n_indicators = 2;
    o.period = "2022";
    o.k = 3;
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_similar(&f, db, &o), BENCH_OK);
    /* A over the five candidates (0117 lacks B): mean 3, sd sqrt(2); B is equal for all: z 0 */
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "candidates"), "5");
    CU_ASSERT_EQUAL_FATAL(bench_frame_rows(f), 3);
    CU_ASSERT_STRING_EQUAL(code_at(f, 0, 0), "0114"); /* ties: by code, 0114 before 0138 */
    CU_ASSERT_STRING_EQUAL(code_at(f, 0, 1), "0138");
    CU_ASSERT_STRING_EQUAL(code_at(f, 0, 2), "0115");
    double one = sqrt(0.5 * (1 / sqrt(2.0)) * (1 / sqrt(2.0))); /* weight 1/2, |dz| = 1/sqrt(2) */
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 1, 0), one, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 1, 2), 2 * one, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 2, 0), 1.0, 1e-12); /* all of the distance is A's */
    CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 3, 0), 0.0, 1e-12);
    const char *name;
    CU_ASSERT_EQUAL(bench_frame_column(&name, NULL, NULL, f, 3), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "B");
    bench_frame_free(f);
    /* weights and errors */
    double w[] = { 0, 1 };
    o.weights = w;
    CU_ASSERT_EQUAL_FATAL(bench_similar(&f, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(f64_at(f, 1, 0), 0); /* only B, equal everywhere: distance 0, share = weight */
    CU_ASSERT_EQUAL(f64_at(f, 3, 0), 1);
    bench_frame_free(f);
    double zero[] = { 0, 0 }, negative[] = { -1, 1 };
    o.weights = zero;
    CU_ASSERT_EQUAL(bench_similar(&f, db, &o), BENCH_EINVAL);
    o.weights = negative;
    CU_ASSERT_EQUAL(bench_similar(&f, db, &o), BENCH_EINVAL);
    o.weights = NULL;
    o.focus = "0117"; /* no B */
    CU_ASSERT_EQUAL(bench_similar(&f, db, &o), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "no value of B"));
    o.focus = "9999";
    CU_ASSERT_EQUAL(bench_similar(&f, db, &o), BENCH_ENOTFOUND);
    o.focus = "0180";
    const char *twice[] = { "A", "a" };
    o.indicators = twice;
    CU_ASSERT_EQUAL(bench_similar(&f, db, &o), BENCH_EINVAL);
    o.indicators = inds;
    o.period = "1999";
    CU_ASSERT_EQUAL(bench_similar(&f, db, &o), BENCH_ENOTFOUND);
    o.period = "2022";
    o.n_indicators = 0;
    CU_ASSERT_EQUAL(bench_similar(&f, db, &o), BENCH_EINVAL);
    o.n_indicators = 2;
    o.version = 0;
    CU_ASSERT_EQUAL(bench_similar(&f, db, &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_similar(&f, db, NULL), BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(f);
    bench_db_free(db);
}

/* A mean of finite values is finite: no inf from a sum that overflows. */
static void test_mean_does_not_overflow(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,value\nX,1490,2022,1.5e308\nX,0138,2022,1.7e308\n"
                                      "N01951,1490,2022,1e308\nN01951,0138,2022,1e308\n",
                                      NULL, NULL),
                          BENCH_OK);
    const char *two[] = { "1490", "0138" };
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    o.areas = two;
    o.n_areas = 2;
    o.weight = "N01951";
    bench_compare_stats s;
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &s, db, &o), BENCH_OK);
    CU_ASSERT_TRUE(isfinite(s.unweighted_mean));
    CU_ASSERT_DOUBLE_EQUAL(s.unweighted_mean, 1.6e308, 1e294);
    CU_ASSERT_TRUE(isnan(s.weighted_mean) || isfinite(s.weighted_mean)); /* the weights' sum overflows: none */
    bench_frame_free(f);
    CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, two, 2, BENCH_DIRECTION_DEFAULT), BENCH_OK);
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        CU_ASSERT_TRUE(isfinite(f64_at(f, 9, r)));
    bench_frame_free(f);
    bench_db_free(db);
}

int register_compare_suite(void)
{
    CU_pSuite s = CU_add_suite("compare", NULL, NULL);
    return !s || !CU_add_test(s, "ties and percentiles", test_ties_and_percentiles) ||
           !CU_add_test(s, "direction from the catalogue", test_direction_from_catalogue) ||
           !CU_add_test(s, "colours of small sets", test_colours_small_sets) ||
           !CU_add_test(s, "colours with ties", test_colour_ties) ||
           !CU_add_test(s, "all kommuner: 73 green, 73 red", test_all_kommuner) ||
           !CU_add_test(s, "random sets against the rules", test_rules_random) ||
           !CU_add_test(s, "statistics", test_statistics) || !CU_add_test(s, "weighted mean", test_weighted_mean) ||
           !CU_add_test(s, "source precedence", test_source_precedence) ||
           !CU_add_test(s, "source precedence after a re-import (BUG)", test_source_precedence_after_reimport) ||
           !CU_add_test(s, "source precedence by source, in snapshots", test_source_precedence_by_source) ||
           !CU_add_test(s, "area sets", test_area_sets) ||
           !CU_add_test(s, "genders and kinds", test_genders_and_kinds) || !CU_add_test(s, "errors", test_errors) ||
           !CU_add_test(s, "compare_all", test_compare_all) ||
           !CU_add_test(s, "compare_all with close values", test_compare_all_close_values) ||
           !CU_add_test(s, "compare_all on random groups", test_compare_all_random) ||
           !CU_add_test(s, "compare_all on two threads", test_compare_all_two_threads) ||
           !CU_add_test(s, "coverage rule", test_coverage_rule) || !CU_add_test(s, "similar kommuner", test_similar) ||
           !CU_add_test(s, "a mean does not overflow", test_mean_does_not_overflow);
}
