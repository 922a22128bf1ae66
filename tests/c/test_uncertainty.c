/* test_uncertainty.c -- Kolada's osäkerhetstal paired with their measures by title (bench_uncertainty_pair). */
#include "tests.h"

#include "internal.h" /* title_normalize */

/* M1 and S1 differ in case, doubled and trailing spaces and a space before the comma; M2 carries
 * Kolada's survey prefix "NTU - "; S3 has no measure; S4's measure has no values; S5 has two. */
static const char *DATA =
    "kpi,municipality,period,gender,value,title,unit\n"
    "M1,1490,2022,T,40,\"Invånare 16-84 år med fetma, andel (%)\",%\n"
    "M1,0138,2022,T,30,,\nM1,0180,2022,T,..,,\nM1,1490,2022,K,42,,\nM1,1490,2021,T,38,,\nM1,1490,2022-T1,T,41,,\n"
    "S1,1490,2022,T,4,\"Osäkerhetstal -  INVÅNARE 16-84 år med fetma , andel (%) \",%\n"
    "S1,0138,2022,T,3.5,,\nS1,0180,2022,T,5,,\nS1,1490,2022,K,..,,\n"
    "M2,1490,2022,T,50,\"NTU - Oro för att utsättas för misshandel, andel (%)\",%\n"
    "S2,1490,2022,T,6,\"Osäkerhetstal - Oro för att utsättas för misshandel, andel (%)\",%\n"
    "S3,1490,2022,T,2,\"Osäkerhetstal - Något som inte finns, andel (%)\",%\n"
    "S4,1490,2022,T,2,\"Osäkerhetstal - Trygghet, andel (%)\",%\n"
    "A1,1490,2022,T,10,\"Hemtjänst - Svåra besvär, andel (%)\",%\n"
    "A2,1490,2022,T,12,\"Särskilt boende - Svåra besvär, andel (%)\",%\n"
    "S5,1490,2022,T,1,\"Osäkerhetstal - Svåra besvär, andel (%)\",%\n";

static bench_db *pair_db(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db, DATA, NULL, NULL), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_indicator_set(db, "M4", "Trygghet, andel (%)", "%", BENCH_DIRECTION_DEFAULT), BENCH_OK);
    return db;
}

static int status_of(bench_db *db, const char *indicator, const char *area, const char *period, int gender)
{
    observation o;
    return lookup(db, indicator, area, period, gender, BENCH_KIND_UTFALL, &o) == 1 ? o.status : -1;
}

static void test_normalize(void)
{
    char out[128];
    const char *in = "  Osäkerhetstal -\t INVÅNARE\r\n16-84 år\xc2\xa0\xc2\xa0med ÅÄÖ×É ,, andel ( % )  ";
    size_t n = title_normalize(out, in, strlen(in));
    CU_ASSERT_STRING_EQUAL(out, "osäkerhetstal - invånare 16-84 år med åäö×é, andel( %)");
    CU_ASSERT_EQUAL(n, strlen(out));
    CU_ASSERT_EQUAL(title_normalize(out, "   ", 3), 0);
    CU_ASSERT_STRING_EQUAL(out, "");
    char other[128];
    title_normalize(out, "Trygg, andel(%)", strlen("Trygg, andel(%)"));
    title_normalize(other, "Trygg,, andel  (%)", strlen("Trygg,, andel  (%)"));
    CU_ASSERT_STRING_EQUAL(out, other);
    /* a dash is not a hyphen, a word is not dropped */
    title_normalize(out, "A – b", strlen("A – b"));
    CU_ASSERT_STRING_EQUAL(out, "a – b");
}

static void test_pairing(void)
{
    bench_db *db = pair_db();
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_uncertainty_pair(&f, db), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_frame_rows(f), 5);
    static const char *const unc[] = { "S1", "S2", "S3", "S4", "S5" };
    static const char *const mea[] = { "M1", "M2", "", "M4", "" };
    static const char *const status[] = { "paired", "paired", "no_measure", "measure_without_values", "ambiguous" };
    static const int32_t rows[] = { 6, 1, 0, 0, 0 }, ok[] = { 2, 1, 0, 0, 0 };
    for (size_t i = 0; i < 5; i++) {
        CU_ASSERT_STRING_EQUAL(code_at(f, 0, i), unc[i]);
        CU_ASSERT_STRING_EQUAL(code_at(f, 1, i), mea[i]);
        CU_ASSERT_STRING_EQUAL(code_at(f, 2, i), status[i]);
        CU_ASSERT_EQUAL(i32_at(f, 3, i), rows[i]);
        CU_ASSERT_EQUAL(i32_at(f, 4, i), ok[i]);
    }
    bench_frame_free(f);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M1:ci_low", "1490", "2022", BENCH_GENDER_T), 36, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M1:ci_high", "1490", "2022", BENCH_GENDER_T), 44, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M1:ci_low", "0138", "2022", BENCH_GENDER_T), 26.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M1:ci_high", "0138", "2022", BENCH_GENDER_T), 33.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M2:ci_low", "1490", "2022", BENCH_GENDER_T), 44, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M2:ci_high", "1490", "2022", BENCH_GENDER_T), 56, 1e-12);
    /* a missing value keeps its status; a missing margin, or one of another period, gives missing bounds */
    CU_ASSERT_EQUAL(status_of(db, "M1:ci_low", "0180", "2022", BENCH_GENDER_T), BENCH_OBS_SEKRETESS);
    CU_ASSERT_EQUAL(status_of(db, "M1:ci_high", "1490", "2022", BENCH_GENDER_K), BENCH_OBS_MISSING);
    CU_ASSERT_EQUAL(status_of(db, "M1:ci_low", "1490", "2021", BENCH_GENDER_T), BENCH_OBS_MISSING);
    CU_ASSERT_EQUAL(status_of(db, "M1:ci_low", "1490", "2022-T1", BENCH_GENDER_T), BENCH_OBS_MISSING);
    CU_ASSERT_TRUE(isnan(value_of(db, "M1:ci_low", "1490", "2022-T1", BENCH_GENDER_T)));
    /* the bounds' catalogue entries; the measure is as it was */
    const char *title, *unit;
    bench_direction d;
    CU_ASSERT_EQUAL_FATAL(bench_indicator_info(&title, &unit, &d, db, "M1:ci_low"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title, "Invånare 16-84 år med fetma, andel (%), nedre gräns (± osäkerhetstal S1)");
    CU_ASSERT_STRING_EQUAL(unit, "%");
    CU_ASSERT_EQUAL_FATAL(bench_indicator_info(&title, &unit, &d, db, "M2:ci_high"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title,
                           "NTU - Oro för att utsättas för misshandel, andel (%), övre gräns (± osäkerhetstal S2)");
    CU_ASSERT_EQUAL_FATAL(bench_indicator_info(&title, &unit, &d, db, "M1"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title, "Invånare 16-84 år med fetma, andel (%)");
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M1", "1490", "2022", BENCH_GENDER_T), 40, 1e-12);
    observation o;
    CU_ASSERT_EQUAL(lookup(db, "M1:ci_low", "1490", "2022", BENCH_GENDER_T, BENCH_KIND_UTFALL, &o), 1);
    CU_ASSERT_STRING_EQUAL(o.source, "Bearbetning: M1 ± S1 (Kolada osäkerhetstal)");
    /* nothing is paired for the others */
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "M4:ci_low"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "A1:ci_low"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "A2:ci_high"), BENCH_ENOTFOUND);
    /* pairing again changes nothing; out may be NULL */
    char *before = dump_values(db);
    CU_ASSERT_EQUAL(bench_uncertainty_pair(NULL, db), BENCH_OK);
    char *after = dump_values(db);
    CU_ASSERT_TRUE(before && after && strcmp(before, after) == 0);
    free(before);
    free(after);
    bench_db_free(db);
}

/* the most recent source of the margin (and of the value) wins; the bounds follow a re-import */
static void test_most_recent(void)
{
    bench_db *db = pair_db();
    CU_ASSERT_EQUAL(bench_uncertainty_pair(NULL, db), BENCH_OK);
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source = "rättelse";
    CU_ASSERT_EQUAL_FATAL(
        import_text(db, "kpi,municipality,period,gender,value\nS1,1490,2022,T,10\nM1,0138,2022,T,31\n", &o, NULL),
        BENCH_OK);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M1:ci_low", "1490", "2022", BENCH_GENDER_T), 36, 1e-12); /* until paired */
    CU_ASSERT_EQUAL(bench_uncertainty_pair(NULL, db), BENCH_OK);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M1:ci_low", "1490", "2022", BENCH_GENDER_T), 30, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M1:ci_high", "1490", "2022", BENCH_GENDER_T), 50, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M1:ci_high", "0138", "2022", BENCH_GENDER_T), 34.5, 1e-12);
    bench_db_free(db);
}

/* an osäkerhetstal without values pairs nothing; a measure's bounds holding imported values stay */
static void test_not_paired(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,gender,value,title\n"
                                      "M,1490,2022,T,40,\"Nöjd, andel (%)\"\n"
                                      "M:ci_low,1490,2022,T,1,Egen gräns\n"
                                      "N,1490,2022,T,40,\"Trygg, andel (%)\"\n",
                                      NULL, NULL),
                          BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(
        bench_indicator_set(db, "S", "Osäkerhetstal - Nöjd, andel (%)", NULL, BENCH_DIRECTION_DEFAULT), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(
        bench_indicator_set(db, "T", "Osäkerhetstal - Trygg, andel (%)", NULL, BENCH_DIRECTION_DEFAULT), BENCH_OK);
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_uncertainty_pair(&f, db), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 0); /* neither has values */
    bench_frame_free(f);
    CU_ASSERT_EQUAL_FATAL(import_text(db, "kpi,municipality,period,gender,value\nS,1490,2022,T,3\n", NULL, NULL),
                          BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_uncertainty_pair(&f, db), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_frame_rows(f), 1);
    CU_ASSERT_STRING_EQUAL(code_at(f, 2, 0), "bounds_imported");
    bench_frame_free(f);
    CU_ASSERT_DOUBLE_EQUAL(value_of(db, "M:ci_low", "1490", "2022", BENCH_GENDER_T), 1, 1e-12);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "M:ci_high"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_uncertainty_pair(NULL, NULL), BENCH_EINVAL);
    bench_db_free(db);
}

/* two osäkerhetstal titled alike claim one measure: neither pairs */
static void test_claimed_twice(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db,
                                      "kpi,municipality,period,gender,value,title\n"
                                      "M,1490,2022,T,40,\"Nöjd, andel (%)\"\n"
                                      "S,1490,2022,T,3,\"Osäkerhetstal - Nöjd, andel (%)\"\n"
                                      "S2,1490,2022,T,3,\"osäkerhetstal - nöjd, andel (%)\"\n",
                                      NULL, NULL),
                          BENCH_OK);
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_uncertainty_pair(&f, db), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_frame_rows(f), 2);
    CU_ASSERT_STRING_EQUAL(code_at(f, 2, 0), "ambiguous");
    CU_ASSERT_STRING_EQUAL(code_at(f, 2, 1), "ambiguous");
    bench_frame_free(f);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "M:ci_low"), BENCH_ENOTFOUND);
    bench_db_free(db);
}

/* significance colours read the paired bounds */
static void test_significance(void)
{
    bench_db *db = pair_db();
    CU_ASSERT_EQUAL_FATAL(bench_uncertainty_pair(NULL, db), BENCH_OK);
    const char *areas[] = { "1490", "0138", "0180" };
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "M1";
    o.period = "2022";
    o.areas = areas;
    o.n_areas = 3;
    o.colours = BENCH_COLOURS_SIGNIFICANCE;
    o.reference = 35;
    o.direction = BENCH_DIRECTION_LOWER;
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, NULL, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_frame_rows(f), 3);
    CU_ASSERT_STRING_EQUAL(code_at(f, 0, 0), "0138"); /* [26.5, 33.5] below 35, lower is better */
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 0), "green");
    CU_ASSERT_STRING_EQUAL(code_at(f, 0, 1), "1490"); /* [36, 44] above */
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 1), "red");
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 2), "grey"); /* 0180: no value */
    bench_frame_free(f);
    o.reference = 40; /* both intervals hold 40? 1490's does, 0138's lies below */
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, NULL, db, &o), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 0), "green");
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, 1), "yellow");
    bench_frame_free(f);
    bench_db_free(db);
}

int register_uncertainty_suite(void)
{
    CU_pSuite s = CU_add_suite("uncertainty (osäkerhetstal)", NULL, NULL);
    return !s || !CU_add_test(s, "title normalization", test_normalize) ||
           !CU_add_test(s, "pairing by title", test_pairing) ||
           !CU_add_test(s, "most recent source", test_most_recent) ||
           !CU_add_test(s, "not paired: no values, imported bounds", test_not_paired) ||
           !CU_add_test(s, "a measure claimed twice", test_claimed_twice) ||
           !CU_add_test(s, "significance colours", test_significance);
}
