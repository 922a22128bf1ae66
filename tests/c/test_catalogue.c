/* test_catalogue.c -- the embedded catalogue, areas, indicators, groups, datasets. */
#include "tests.h"

static size_t count_type(bench_db *db, const char *type)
{
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_areas_frame(&f, db), BENCH_OK);
    const uint32_t *codes;
    const char *const *dict;
    size_t n = 0;
    bench_frame_column(NULL, NULL, (const void **)&codes, f, 2);
    bench_frame_dictionary(&dict, NULL, f, 2);
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        n += strcmp(dict[codes[r]], type) == 0;
    bench_frame_free(f);
    return n;
}

static void test_embedded_catalogue(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL(count_type(db, "kommun"), 290);
    CU_ASSERT_EQUAL(count_type(db, "region"), 21);
    CU_ASSERT_EQUAL(count_type(db, "riket"), 1);
    CU_ASSERT_EQUAL(count_type(db, "kommungrupp"), 9);
    bench_area_type t;
    const char *name, *lan, *group;
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, &lan, &group, db, "0138"), BENCH_OK);
    CU_ASSERT_EQUAL(t, BENCH_AREA_KOMMUN);
    CU_ASSERT_STRING_EQUAL(name, "Tyresö");
    CU_ASSERT_STRING_EQUAL(lan, "01");
    CU_ASSERT_STRING_EQUAL(group, "G92793");
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, &lan, &group, db, "1490"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "Borås");
    CU_ASSERT_STRING_EQUAL(lan, "14");
    CU_ASSERT_STRING_EQUAL(group, "G92790");
    CU_ASSERT_EQUAL(bench_area_info(&t, NULL, NULL, NULL, db, "0000"), BENCH_OK);
    CU_ASSERT_EQUAL(t, BENCH_AREA_RIKET);
    CU_ASSERT_EQUAL(bench_area_info(&t, NULL, NULL, NULL, db, "9999"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_area_info(&t, NULL, NULL, NULL, db, NULL), BENCH_ENOTFOUND);
    /* KKiK directions and units from titles */
    bench_direction d;
    const char *unit;
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, &unit, &d, db, "U33401"), BENCH_OK);
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_LOWER);
    CU_ASSERT_STRING_EQUAL(unit, "dagar");
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, &unit, &d, db, "N01994"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(unit, "%");
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_NONE);
    bench_db_free(db);

    bench_db_options o = BENCH_DB_OPTIONS_INIT;
    o.load_catalogue = 0;
    CU_ASSERT_EQUAL_FATAL(bench_db_new(&db, &o, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_area_count(db), 0);
    bench_db_free(db);
}

static void test_set_areas_and_indicators(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL(bench_area_set(db, "9901", BENCH_AREA_KOMMUN, "Nya kommunen", "14", "G92790"), BENCH_OK);
    const char *name;
    CU_ASSERT_EQUAL(bench_area_info(NULL, &name, NULL, NULL, db, "9901"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "Nya kommunen");
    CU_ASSERT_EQUAL(bench_area_set(db, "Bo rås", BENCH_AREA_KOMMUN, NULL, NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(db, "9902", (bench_area_type)99, NULL, NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(db, "9902", BENCH_AREA_KOMMUN, NULL, "123", NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(db, "9902", BENCH_AREA_KOMMUN, "\xe5", NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(NULL, "9902", BENCH_AREA_KOMMUN, NULL, NULL, NULL), BENCH_EINVAL);

    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", "Andel aktualiserade, andel (%)", NULL, BENCH_DIRECTION_HIGHER),
                    BENCH_OK);
    const char *title, *unit;
    bench_direction d;
    CU_ASSERT_EQUAL(bench_indicator_info(&title, &unit, &d, db, "OWN"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(unit, "%");
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_HIGHER);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", NULL, "st", BENCH_DIRECTION_KEEP), BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_info(&title, &unit, &d, db, "OWN"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(unit, "st");
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_HIGHER);
    CU_ASSERT_STRING_EQUAL(title, "Andel aktualiserade, andel (%)");
    CU_ASSERT_EQUAL(bench_indicator_set(db, "", NULL, NULL, 0), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", NULL, NULL, 7), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "NOPE"), BENCH_ENOTFOUND);
    bench_frame *f;
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nOWN,1490,2022,1\nOWN,0138,2022,2\n", NULL, NULL),
                    BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_indicators_frame(&f, db), BENCH_OK);
    const uint32_t *ids;
    const int32_t *n;
    const char *const *dict;
    bench_frame_column(NULL, NULL, (const void **)&ids, f, 0);
    bench_frame_column(NULL, NULL, (const void **)&n, f, 4);
    bench_frame_dictionary(&dict, NULL, f, 0);
    int found = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        if (strcmp(dict[ids[r]], "OWN") == 0) {
            CU_ASSERT_EQUAL(n[r], 2);
            found = 1;
        }
    CU_ASSERT_TRUE(found);
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_groups_and_datasets(void)
{
    bench_db *db = new_db();
    const char *members[] = {"0126", "0136", "1290"};
    CU_ASSERT_EQUAL(bench_group_set(db, "G36468", "Liknande kommuner IFO, Borås, 2024", members, 3), BENCH_OK);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_group_members(&f, db, "G36468"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 3);
    bench_frame_free(f);
    CU_ASSERT_EQUAL_FATAL(bench_group_members(&f, db, "G92790"), BENCH_OK); /* kommungrupp by catalogue */
    CU_ASSERT_EQUAL(bench_frame_rows(f), 23);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(bench_group_members(&f, db, "1490"), BENCH_ENOTFOUND);
    const char *bad[] = {"0126", "x y"};
    size_t areas = bench_area_count(db);
    CU_ASSERT_EQUAL(bench_group_set(db, "GNEW", NULL, bad, 2), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_count(db), areas);
    CU_ASSERT_EQUAL(bench_group_set(db, "GNEW", NULL, NULL, 2), BENCH_EINVAL);
    const char *data;
    size_t len;
    CU_ASSERT_EQUAL(bench_dataset(&data, &len, "areas"), BENCH_OK);
    CU_ASSERT_TRUE(len > 1000 && strncmp(data, "code,name,type,lan,kommungrupp", 30) == 0);
    CU_ASSERT_EQUAL(bench_dataset(&data, &len, "indicators"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_dataset(&data, &len, "seed_figures"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_dataset(&data, &len, "nope"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_dataset(NULL, &len, "areas"), BENCH_EINVAL);
    bench_db_free(db);
}

int register_catalogue_suite(void)
{
    CU_pSuite s = CU_add_suite("catalogue", NULL, NULL);
    return !s || !CU_add_test(s, "embedded catalogue", test_embedded_catalogue) ||
           !CU_add_test(s, "areas and indicators", test_set_areas_and_indicators) ||
           !CU_add_test(s, "groups and datasets", test_groups_and_datasets);
}
