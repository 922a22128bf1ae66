/* test_real_data.c -- integration on the real Kolada files in ../shared/data. */
#include "tests.h"

static int have(const char *path)
{
    if (file_exists(path))
        return 1;
    printf("\n  skipped: %s is absent (../shared/data is needed for this test)\n", path);
    return 0;
}

#define U33401_T KOLADA_DDF "/datapoints--by--geo--year/ddf--datapoints--u33401--by--geo--year.csv"
#define N01951_T KOLADA_DDF "/datapoints--by--geo--year/ddf--datapoints--n01951--by--geo--year.csv"
#define N01951_KM KOLADA_DDF "/datapoints--by--geo--gender--year/ddf--datapoints--n01951--by--geo--gender--year.csv"
#define U33401_RAW KOLADA_DDF "/raw-2024-08-30/datapoints--by--geo--year/ddf--datapoints--u33401--by--geo--year.csv"

static void test_u33401_boras(void)
{
    if (!have(U33401_T))
        return;
    bench_db *db = new_db();
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.layout = BENCH_CSV_WIDE;
    bench_import_report rep;
    CU_ASSERT_EQUAL_FATAL(bench_import_csv(&rep, db, U33401_T, &o), BENCH_OK);
    CU_ASSERT_EQUAL(rep.rows_read, rep.accepted);
    double expected[] = {73, 78, 74, 77};
    const char *years[] = {"2019", "2020", "2021", "2022"};
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(value_of(db, "U33401", "1490", years[i], BENCH_GENDER_T), expected[i]);
    /* KKiK 2022: Borås among the best 25 %, ovägt medel 100 days (Borås kvalitetsberättelse 2022) */
    bench_compare_options c = BENCH_COMPARE_INIT;
    c.indicator = "U33401";
    c.period = "2022";
    bench_frame *f;
    bench_compare_stats st;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &st, db, &c), BENCH_OK);
    CU_ASSERT_EQUAL(st.n, 216);
    CU_ASSERT_EQUAL((int)(st.unweighted_mean + 0.5), 100);
    const uint32_t *area, *colour;
    const int32_t *rank;
    const char *const *da, *const *dc;
    bench_frame_column(NULL, NULL, (const void **)&area, f, 0);
    bench_frame_column(NULL, NULL, (const void **)&rank, f, 2);
    bench_frame_column(NULL, NULL, (const void **)&colour, f, 4);
    bench_frame_dictionary(&da, NULL, f, 0);
    bench_frame_dictionary(&dc, NULL, f, 4);
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        if (!strcmp(da[area[r]], "1490")) {
            CU_ASSERT_EQUAL(rank[r], 17);
            CU_ASSERT_STRING_EQUAL(dc[colour[r]], "green");
        }
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_population(void)
{
    if (!have(N01951_T) || !have(N01951_KM))
        return;
    bench_db *db = new_db();
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.layout = BENCH_CSV_WIDE;
    CU_ASSERT_EQUAL_FATAL(bench_import_csv(NULL, db, N01951_T, &o), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_import_csv(NULL, db, N01951_KM, &o), BENCH_OK);
    CU_ASSERT_EQUAL(value_of(db, "N01951", "1490", "2020", BENCH_GENDER_T), 113714);
    double k = value_of(db, "N01951", "1490", "2020", BENCH_GENDER_K);
    double m = value_of(db, "N01951", "1490", "2020", BENCH_GENDER_M);
    CU_ASSERT_EQUAL(k + m, 113714);
    CU_ASSERT_EQUAL(value_of(db, "N01951", "0000", "2020", BENCH_GENDER_T),
                    value_of(db, "N01951", "0000", "2020", BENCH_GENDER_K) +
                        value_of(db, "N01951", "0000", "2020", BENCH_GENDER_M));
    bench_db_free(db);
}

static void test_raw_missing_values(void)
{
    if (!have(U33401_RAW))
        return;
    bench_db *db = new_db();
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.layout = BENCH_CSV_WIDE;
    bench_import_report rep;
    CU_ASSERT_EQUAL_FATAL(bench_import_csv(&rep, db, U33401_RAW, &o), BENCH_OK);
    CU_ASSERT_TRUE(rep.missing > 0);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_values(&f, db, NULL), BENCH_OK);
    const double *v;
    const uint32_t *s;
    const char *const *ds;
    bench_frame_column(NULL, NULL, (const void **)&v, f, 5);
    bench_frame_column(NULL, NULL, (const void **)&s, f, 7);
    bench_frame_dictionary(&ds, NULL, f, 7);
    size_t missing = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        if (strcmp(ds[s[r]], "ok") != 0) {
            missing++;
            CU_ASSERT_TRUE(isnan(v[r])); /* never 0 */
        }
    }
    CU_ASSERT_EQUAL(missing, rep.missing);
    bench_frame_free(f);
    bench_db_free(db);
}

int register_real_data_suite(void)
{
    CU_pSuite s = CU_add_suite("real data", NULL, NULL);
    return !s || !CU_add_test(s, "U33401 Borås and KKiK 2022", test_u33401_boras) ||
           !CU_add_test(s, "N01951 Borås, T = K + M", test_population) ||
           !CU_add_test(s, "raw file: missing is not zero", test_raw_missing_values);
}
