/* test_real_data.c -- integration on the real Kolada DDF files in ../shared/data.  Each test is
 * skipped, with the reason printed, only when a file it needs is absent. */
#include "tests.h"

#define DDF_T KOLADA_DDF "/datapoints--by--geo--year/ddf--datapoints--"
#define DDF_KM KOLADA_DDF "/datapoints--by--geo--gender--year/ddf--datapoints--"
#define U33401_T DDF_T "u33401--by--geo--year.csv"
#define N01951_T DDF_T "n01951--by--geo--year.csv"
#define N01952_T DDF_T "n01952--by--geo--year.csv"
#define N01953_T DDF_T "n01953--by--geo--year.csv"
#define N01954_T DDF_T "n01954--by--geo--year.csv"
#define N01994_T DDF_T "n01994--by--geo--year.csv"
#define N01951_KM DDF_KM "n01951--by--geo--gender--year.csv"
#define U33401_RAW KOLADA_DDF "/raw-2024-08-30/datapoints--by--geo--year/ddf--datapoints--u33401--by--geo--year.csv"

static int have(const char *path)
{
    if (file_exists(path))
        return 1;
    printf("\n  SKIPPED: %s is absent (the real data in ../shared/data is needed for this test)\n", path);
    CU_PASS("skipped: shared data absent");
    return 0;
}

static bench_status import_wide(bench_db *db, const char *path, bench_import_report *rep)
{
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.layout = BENCH_CSV_WIDE;
    bench_status st = bench_import_csv_file(rep, db, path, &o);
    if (st)
        fprintf(stderr, "\n  import %s: %s\n", path, bench_db_last_error(db)->message);
    return st;
}

/* The rows of a geo,year,<kpi> file as (geo, year, value text); CR stripped.  Caller frees. */
typedef struct ddf_row {
    char geo[8];
    char year[8];
    char value[32];
} ddf_row;

static ddf_row *read_ddf(const char *path, size_t *n_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    ddf_row *rows = malloc(cap * sizeof *rows);
    char line[256];
    int header = 1;
    while (rows && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (header) {
            header = 0;
            continue;
        }
        if (n == cap) {
            ddf_row *grown = realloc(rows, (cap *= 2) * sizeof *rows);
            if (!grown) {
                free(rows);
                rows = NULL;
                break;
            }
            rows = grown;
        }
        char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c2)
            continue;
        *c1 = *c2 = '\0';
        size_t geo_len = strlen(line);
        if (geo_len >= sizeof rows[n].geo) /* not a region code */
            continue;
        memcpy(rows[n].geo, line, geo_len + 1);
        snprintf(rows[n].year, sizeof rows[n].year, "%s", c1 + 1);
        snprintf(rows[n].value, sizeof rows[n].value, "%s", c2 + 1);
        n++;
    }
    fclose(f);
    *n_out = n;
    return rows;
}

static void test_u33401_boras(void)
{
    if (!have(U33401_T))
        return;
    bench_db *db = new_db();
    bench_import_report rep;
    CU_ASSERT_EQUAL_FATAL(import_wide(db, U33401_T, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.rows_read, 2254);
    CU_ASSERT_EQUAL(rep.accepted, rep.rows_read);
    CU_ASSERT_EQUAL(rep.missing, 0); /* this file has no empty values */
    CU_ASSERT_EQUAL(rep.n_errors, 0);
    CU_ASSERT_EQUAL(bench_db_count(db), 2254);
    double expected[] = { 73, 78, 74, 77 };
    const char *years[] = { "2019", "2020", "2021", "2022" };
    for (int i = 0; i < 4; i++) {
        observation o;
        CU_ASSERT_EQUAL(lookup(db, "U33401", "1490", years[i], BENCH_GENDER_T, BENCH_KIND_UTFALL, &o), 1);
        CU_ASSERT_EQUAL(o.value, expected[i]);
        CU_ASSERT_EQUAL(o.status, BENCH_OBS_OK);
        CU_ASSERT_STRING_EQUAL(o.source, "ddf--datapoints--u33401--by--geo--year.csv"); /* the base name */
    }
    /* no Riket row for this survey KPI */
    CU_ASSERT_EQUAL(value_of(db, "U33401", "0000", "2022", BENCH_GENDER_T), -1e300);
    bench_db_free(db);
}

static void test_population(void)
{
    if (!have(N01951_T) || !have(N01951_KM))
        return;
    bench_db *db = new_db();
    bench_import_report rep;
    CU_ASSERT_EQUAL_FATAL(import_wide(db, N01951_T, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.accepted, 9036);
    CU_ASSERT_EQUAL_FATAL(import_wide(db, N01951_KM, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.accepted, 18072);
    CU_ASSERT_EQUAL(bench_db_count(db), 9036 + 18072);
    CU_ASSERT_EQUAL(value_of(db, "N01951", "1490", "2020", BENCH_GENDER_T), 113714);
    double k = value_of(db, "N01951", "1490", "2020", BENCH_GENDER_K);
    double m = value_of(db, "N01951", "1490", "2020", BENCH_GENDER_M);
    CU_ASSERT_TRUE(k > 50000 && m > 50000);
    CU_ASSERT_EQUAL(k + m, 113714);
    /* Riket ("0" in the dump) likewise */
    double rt = value_of(db, "N01951", "0000", "2020", BENCH_GENDER_T);
    CU_ASSERT_TRUE(rt > 10000000);
    CU_ASSERT_EQUAL(rt, value_of(db, "N01951", "0000", "2020", BENCH_GENDER_K) +
                            value_of(db, "N01951", "0000", "2020", BENCH_GENDER_M));
    /* K + M = T for every kommun in 2020 */
    bench_frame *f;
    const char *per[] = { "2020" };
    bench_query q = BENCH_QUERY_INIT;
    q.periods = per;
    q.n_periods = 1;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, &q), BENCH_OK);
    size_t checked = 0, mismatched = 0;
    for (size_t r = 0; r + 2 < bench_frame_rows(f); r++) /* ordered T, K, M within an area */
        if (!strcmp(code_at(f, 3, r), "T") && !strcmp(code_at(f, 3, r + 1), "K") &&
            !strcmp(code_at(f, 3, r + 2), "M") && !strcmp(code_at(f, 1, r), code_at(f, 1, r + 2))) {
            checked++;
            mismatched += f64_at(f, 5, r) != f64_at(f, 5, r + 1) + f64_at(f, 5, r + 2);
        }
    bench_frame_free(f);
    CU_ASSERT_TRUE(checked >= 290);
    CU_ASSERT_EQUAL(mismatched, 0);
    bench_db_free(db);
}

/* 0-19 år (N01952 0-5 + N01953 6-15 + N01954 16-19) as a share of N01951 for Borås. */
static void test_age_band_share(void)
{
    if (!have(N01951_T) || !have(N01952_T) || !have(N01953_T) || !have(N01954_T))
        return;
    bench_db *db = new_db();
    const char *files[] = { N01951_T, N01952_T, N01953_T, N01954_T };
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL_FATAL(import_wide(db, files[i], NULL), BENCH_OK);
    const char *bands[] = { "N01952", "N01953", "N01954" };
    double share = 0;
    for (int i = 0; i < 3; i++) {
        bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
        o.indicator = bands[i];
        o.scale = 100;
        bench_frame *f = NULL;
        CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), "andel (%) av invånare (N01951)");
        int found = 0;
        for (size_t r = 0; r < bench_frame_rows(f); r++)
            if (!strcmp(code_at(f, 1, r), "1490") && !strcmp(code_at(f, 2, r), "2020")) {
                double res = f64_at(f, 6, r);
                CU_ASSERT_EQUAL(f64_at(f, 5, r), 113714);
                CU_ASSERT_STRING_EQUAL(code_at(f, 7, r), "ok");
                CU_ASSERT_TRUE(res > 0 && res < 100);
                share += res;
                found++;
            }
        CU_ASSERT_EQUAL(found, 1);
        bench_frame_free(f);
    }
    CU_ASSERT_TRUE(share > 0 && share < 100);
    /* 7940 + 13996 + 5166 of 113714 */
    CU_ASSERT_DOUBLE_EQUAL(share, (7940.0 + 13996.0 + 5166.0) / 113714.0 * 100, 1e-9);
    /* Kolada's own share, N01994 Invånare 0-19 år, andel (%), agrees */
    if (have(N01994_T)) {
        CU_ASSERT_EQUAL_FATAL(import_wide(db, N01994_T, NULL), BENCH_OK);
        double kolada = value_of(db, "N01994", "1490", "2020", BENCH_GENDER_T);
        CU_ASSERT_DOUBLE_EQUAL(share, kolada, 0.05);
    }
    /* the sum of the three bands as the denominator: 0-5 år as a share of 0-19 år */
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = "N01952";
    o.population = bands;
    o.n_population = 3;
    o.scale = 100;
    o.population_label = "invånare 0-19 år";
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(bench_frame_meta(f, "method"), "andel (%) av invånare 0-19 år");
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        if (!strcmp(code_at(f, 1, r), "1490") && !strcmp(code_at(f, 2, r), "2020")) {
            CU_ASSERT_EQUAL(f64_at(f, 5, r), 7940 + 13996 + 5166);
            CU_ASSERT_DOUBLE_EQUAL(f64_at(f, 6, r), 7940.0 / 27102.0 * 100, 1e-9);
        }
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_raw_missing_values(void)
{
    if (!have(U33401_RAW))
        return;
    size_t n = 0;
    ddf_row *rows = read_ddf(U33401_RAW, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
    size_t empty = 0;
    for (size_t i = 0; i < n; i++)
        empty += rows[i].value[0] == '\0';
    CU_ASSERT_TRUE(empty > 0);
    bench_db *db = new_db();
    bench_import_report rep;
    CU_ASSERT_EQUAL_FATAL(import_wide(db, U33401_RAW, &rep), BENCH_OK);
    CU_ASSERT_EQUAL(rep.rows_read, n);
    CU_ASSERT_EQUAL(rep.accepted, n);
    CU_ASSERT_TRUE(rep.missing > 0);
    CU_ASSERT_EQUAL(rep.missing, empty);
    /* every empty value is missing, never 0; every value is as written, 0.0 included */
    size_t wrong = 0, zeros = 0;
    for (size_t i = 0; i < n; i++) {
        observation o;
        if (lookup(db, "U33401", rows[i].geo, rows[i].year, BENCH_GENDER_T, BENCH_KIND_UTFALL, &o) != 1) {
            wrong++;
            continue;
        }
        if (rows[i].value[0] == '\0') {
            wrong += !isnan(o.value) || o.status != BENCH_OBS_MISSING || o.count != 0;
        } else {
            double v = strtod(rows[i].value, NULL);
            wrong += o.value != v || o.status != BENCH_OBS_OK;
            zeros += v == 0;
        }
        if (wrong == 1 && !isnan(o.value) && rows[i].value[0] == '\0')
            fprintf(stderr, "\n  %s %s: empty in the file, %g in the store\n", rows[i].geo, rows[i].year, o.value);
    }
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT_TRUE(zeros >= 1); /* 0642 2016 is a real 0.0, kept as a value */
    /* the frame agrees: NaN exactly where the status is not ok */
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, NULL), BENCH_OK);
    size_t missing = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        int ok = !strcmp(code_at(f, 7, r), "ok");
        missing += !ok;
        CU_ASSERT_EQUAL(isnan(f64_at(f, 5, r)) != 0, !ok);
    }
    CU_ASSERT_EQUAL(missing, rep.missing);
    bench_frame_free(f);
    free(rows);
    bench_db_free(db);
}

static void test_compare_u33401_2022(void)
{
    if (!have(U33401_T))
        return;
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_wide(db, U33401_T, NULL), BENCH_OK);
    /* the kommuner with a 2022 value, counted from the file */
    size_t nrows = 0, with_value = 0;
    ddf_row *rows = read_ddf(U33401_T, &nrows);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
    for (size_t i = 0; i < nrows; i++) {
        bench_area_type t;
        if (!strcmp(rows[i].year, "2022") && rows[i].value[0] &&
            bench_area_info(&t, NULL, NULL, NULL, db, rows[i].geo) == BENCH_OK && t == BENCH_AREA_KOMMUN)
            with_value++;
    }
    free(rows);
    CU_ASSERT_TRUE(with_value > 200 && with_value < 290);
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "U33401";
    o.period = "2022";
    o.direction = BENCH_DIRECTION_LOWER;
    bench_frame *f;
    bench_compare_stats st;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(st.n, with_value);
    CU_ASSERT_EQUAL(st.n, 216);
    CU_ASSERT_EQUAL(st.n_areas, 290);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 290);
    CU_ASSERT_TRUE(isnan(st.weighted_mean));
    CU_ASSERT_TRUE(st.min <= st.q1 && st.q1 <= st.median && st.median <= st.q3 && st.q3 <= st.max);
    /* ranks consistent with the values: rank = 1 + the number of strictly lower values; best first;
     * rows without a value last with rank 0 and grey */
    size_t n = st.n, inconsistent = 0, green = 0, red = 0;
    const double *v;
    const int32_t *rank;
    bench_frame_column(NULL, NULL, (const void **)&v, f, 1);
    bench_frame_column(NULL, NULL, (const void **)&rank, f, 2);
    double sum = 0;
    for (size_t i = 0; i < bench_frame_rows(f); i++) {
        if (i >= n) {
            inconsistent += rank[i] != 0 || !isnan(v[i]) || strcmp(code_at(f, 4, i), "grey") != 0;
            continue;
        }
        size_t better = 0;
        for (size_t j = 0; j < n; j++)
            better += v[j] < v[i];
        inconsistent += (size_t)rank[i] != better + 1 || isnan(v[i]);
        if (i > 0)
            inconsistent += v[i] < v[i - 1] || rank[i] < rank[i - 1];
        green += !strcmp(code_at(f, 4, i), "green");
        red += !strcmp(code_at(f, 4, i), "red");
        sum += v[i];
    }
    CU_ASSERT_EQUAL(inconsistent, 0);
    CU_ASSERT_EQUAL(rank[0], 1);
    CU_ASSERT_TRUE(green >= 54 && green <= 216 / 4 + 20);
    CU_ASSERT_TRUE(red >= 54 && red <= 216 / 4 + 20);
    CU_ASSERT_DOUBLE_EQUAL(st.unweighted_mean, sum / (double)n, 1e-9);
    /* KKiK 2022: Borås 77 days, 17th of 216, among the best 25 %, ovägt medel about 100 days
     * (Borås IFO kvalitetsberättelse 2022) */
    CU_ASSERT_EQUAL((int)(st.unweighted_mean + 0.5), 100);
    int found = 0;
    for (size_t i = 0; i < bench_frame_rows(f); i++)
        if (!strcmp(code_at(f, 0, i), "1490")) {
            CU_ASSERT_EQUAL(v[i], 77);
            CU_ASSERT_EQUAL(rank[i], 17);
            CU_ASSERT_STRING_EQUAL(code_at(f, 4, i), "green");
            found = 1;
        }
    CU_ASSERT_TRUE(found);
    bench_frame_free(f);
    /* compare_all gives the same ranks for the group */
    CU_ASSERT_EQUAL_FATAL(bench_compare_all(&f, db, NULL, 0, BENCH_DIRECTION_LOWER), BENCH_OK);
    for (size_t i = 0; i < bench_frame_rows(f); i++)
        if (!strcmp(code_at(f, 1, i), "2022") && !strcmp(code_at(f, 3, i), "1490")) {
            CU_ASSERT_EQUAL(i32_at(f, 5, i), 17);
            CU_ASSERT_EQUAL(i32_at(f, 6, i), 216);
        }
    bench_frame_free(f);
    bench_db_free(db);
}

/* ---- Kolada's own per-capita KPIs, reproduced from their counts ------------------------------ */

/* Published rows of a geo,[gender,]year,<kpi> file: (geo, gender, year, value text). */
typedef struct published {
    char geo[8];
    char gender;
    char year[8];
    char value[32];
} published;

static size_t read_published(const char *path, int with_gender, published *rows, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char line[256];
    size_t n = 0;
    int header = 1;
    while (n < cap && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (header) {
            header = 0;
            continue;
        }
        char *field[4] = { line, NULL, NULL, NULL };
        int k = 1;
        for (char *p = line; *p && k < 4; p++)
            if (*p == ',') {
                *p = '\0';
                field[k++] = p + 1;
            }
        if (k != (with_gender ? 4 : 3))
            continue;
        published *r = &rows[n++];
        snprintf(r->geo, sizeof r->geo, "%s", field[0]);
        r->gender = with_gender ? (char)(field[1][0] == 'k' ? 'K' : 'M') : 'T';
        snprintf(r->year, sizeof r->year, "%s", field[with_gender ? 2 : 1]);
        snprintf(r->value, sizeof r->value, "%s", field[with_gender ? 3 : 2]);
    }
    fclose(f);
    return n;
}

/* One unit in the last decimal Kolada published ("4.053174": 1e-6, "12.3": 0.1). */
static double last_decimal(const char *text)
{
    const char *dot = strchr(text, '.');
    return dot ? pow(10, -(double)strlen(dot + 1)) : 1;
}

/* Store `kpi` (count) per `scale` invånare with `rule` as REPRO and compare every kommun row of
 * Kolada's published `published_kpi`; returns the share that agree within one last decimal. */
static double reproduce(const char *count, const char *published_kpi, double scale, int rule, int genders,
                        size_t *out_rows)
{
    char path[512];
    bench_db *db = new_db();
    const char *kpis[] = { count, "n01951", published_kpi };
    for (int i = 0; i < 3; i++)
        for (int g = 0; g <= genders; g++) {
            snprintf(path, sizeof path, "%s%s--by--geo%s--year.csv", g ? DDF_KM : DDF_T, kpis[i], g ? "--gender" : "");
            if (import_wide(db, path, NULL) != BENCH_OK) {
                bench_db_free(db);
                return -1;
            }
        }
    bench_per_capita_options o = BENCH_PER_CAPITA_INIT;
    o.indicator = count;
    o.scale = scale;
    o.population_period = rule;
    o.store_as = "REPRO";
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_per_capita(&f, db, &o), BENCH_OK);
    bench_frame_free(f);
    size_t cap = 200000, n = 0, agree = 0, rows = 0;
    published *pub = malloc(cap * sizeof *pub);
    for (int g = 0; g <= genders; g++) {
        snprintf(path, sizeof path, "%s%s--by--geo%s--year.csv", g ? DDF_KM : DDF_T, published_kpi,
                 g ? "--gender" : "");
        n += read_published(path, g, pub + n, cap - n);
    }
    for (size_t i = 0; i < n; i++) {
        if (strlen(pub[i].geo) != 4) /* kommuner; Riket and regions are 1-2 digits in the DDF files */
            continue;
        rows++;
        int gender = pub[i].gender == 'T' ? BENCH_GENDER_T : pub[i].gender == 'K' ? BENCH_GENDER_K : BENCH_GENDER_M;
        double ours = value_of(db, "REPRO", pub[i].geo, pub[i].year, gender);
        double theirs = strtod(pub[i].value, NULL);
        agree += fabs(ours - theirs) <= last_decimal(pub[i].value) * (1 + 1e-9);
    }
    free(pub);
    bench_db_free(db);
    *out_rows = rows;
    return rows ? (double)agree / (double)rows : 0;
}

static void test_kolada_per_capita_reproduced(void)
{
    struct {
        const char *count, *kpi;
        double scale;
        int rule, genders;
    } pairs[] = { /* asylsökande per 1 000 invånare 31/12 året före */
                  { "n01990", "n01993", 1000, BENCH_DENOMINATOR_PREVIOUS, 0 },
                  /* personlig assistans per 10 000 invånare 31/12 samma år, T, K and M */
                  { "n28811", "n28817", 10000, BENCH_DENOMINATOR_SAME, 1 }
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s--by--geo--year.csv", DDF_T, pairs[i].kpi);
        if (!have(path))
            continue;
        size_t rows = 0;
        double share = reproduce(pairs[i].count, pairs[i].kpi, pairs[i].scale, pairs[i].rule, pairs[i].genders, &rows);
        printf("\n  %s from %s / N01951 (%s year): %.2f %% of %zu kommun rows agree within Kolada's last decimal",
               pairs[i].kpi, pairs[i].count, pairs[i].rule ? "previous" : "same", share * 100, rows);
        CU_ASSERT_TRUE(rows > 1000);
        CU_ASSERT_TRUE(share >= 0.995);
        /* the other population date does not: the rule matters */
        size_t rows2 = 0;
        double other =
            reproduce(pairs[i].count, pairs[i].kpi, pairs[i].scale, !pairs[i].rule, pairs[i].genders, &rows2);
        CU_ASSERT_TRUE(other < 0.5);
    }
}

int register_real_data_suite(void)
{
    CU_pSuite s = CU_add_suite("real data", NULL, NULL);
    return !s || !CU_add_test(s, "U33401 Borås 2019-2022", test_u33401_boras) ||
           !CU_add_test(s, "N01951 Borås, T = K + M", test_population) ||
           !CU_add_test(s, "0-19 år as a share of N01951", test_age_band_share) ||
           !CU_add_test(s, "raw file: missing is not zero", test_raw_missing_values) ||
           !CU_add_test(s, "compare U33401 2022 over all kommuner", test_compare_u33401_2022) ||
           !CU_add_test(s, "Kolada's per-capita KPIs reproduced", test_kolada_per_capita_reproduced);
}
