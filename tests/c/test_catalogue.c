/* test_catalogue.c -- the embedded catalogue, areas, indicators, groups, catalogue frames, datasets. */
#include "tests.h"

/* Number of rows of the areas frame whose `type` column says `type`. */
static size_t count_type(bench_db *db, const char *type)
{
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_areas_frame(&f, db), BENCH_OK);
    size_t n = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        n += strcmp(code_at(f, 2, r), type) == 0;
    bench_frame_free(f);
    return n;
}

/* Row of the areas frame with code `code`, or -1. */
static long area_row(bench_frame *f, const char *code)
{
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        if (strcmp(code_at(f, 0, r), code) == 0)
            return (long)r;
    return -1;
}

static void test_embedded_areas(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL(count_type(db, "kommun"), 290);
    CU_ASSERT_EQUAL(count_type(db, "region"), 21);
    CU_ASSERT_EQUAL(count_type(db, "riket"), 1);
    CU_ASSERT_EQUAL(count_type(db, "kommungrupp"), 9);
    CU_ASSERT_EQUAL(bench_area_count(db), 290 + 21 + 1 + 9 + 1); /* and G2328, alla kommuner */
    bench_area_type t;
    const char *name, *lan, *group;
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, &lan, &group, db, "0138"), BENCH_OK);
    CU_ASSERT_EQUAL(t, BENCH_AREA_KOMMUN);
    CU_ASSERT_STRING_EQUAL(name, "Tyresö");
    CU_ASSERT_STRING_EQUAL(lan, "01");
    CU_ASSERT_STRING_EQUAL(group, "G92793");
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, &lan, &group, db, "1490"), BENCH_OK);
    CU_ASSERT_EQUAL(t, BENCH_AREA_KOMMUN);
    CU_ASSERT_STRING_EQUAL(name, "Borås");
    CU_ASSERT_STRING_EQUAL(lan, "14");
    CU_ASSERT_STRING_EQUAL(group, "G92790");
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, &lan, &group, db, "0000"), BENCH_OK);
    CU_ASSERT_EQUAL(t, BENCH_AREA_RIKET);
    CU_ASSERT_STRING_EQUAL(name, "Riket");
    CU_ASSERT_STRING_EQUAL(lan, "");
    CU_ASSERT_STRING_EQUAL(group, "");
    CU_ASSERT_EQUAL(bench_area_info(&t, NULL, &lan, NULL, db, "0014"), BENCH_OK);
    CU_ASSERT_EQUAL(t, BENCH_AREA_REGION);
    CU_ASSERT_STRING_EQUAL(lan, "14");
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, NULL, NULL, db, "G92790"), BENCH_OK);
    CU_ASSERT_EQUAL(t, BENCH_AREA_KOMMUNGRUPP);
    CU_ASSERT_STRING_EQUAL(name, "Större stad");
    /* codes of 1-3 digits are padded, as in the data */
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, NULL, NULL, db, "138"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "Tyresö");
    /* all out-pointers may be NULL */
    CU_ASSERT_EQUAL(bench_area_info(NULL, NULL, NULL, NULL, db, "2584"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_area_info(NULL, NULL, NULL, NULL, db, "0114"), BENCH_OK);
    /* unknown codes */
    t = (bench_area_type)77;
    CU_ASSERT_EQUAL(bench_area_info(&t, NULL, NULL, NULL, db, "9999"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(t, (bench_area_type)77);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->code, BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "9999"));
    CU_ASSERT_EQUAL(bench_area_info(&t, NULL, NULL, NULL, db, "Borås"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_area_info(&t, NULL, NULL, NULL, db, NULL), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_area_info(&t, NULL, NULL, NULL, NULL, "1490"), BENCH_EINVAL);
    /* every kommun has a name, a län and a kommungrupp */
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_areas_frame(&f, db), BENCH_OK);
    size_t complete = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        if (!strcmp(code_at(f, 2, r), "kommun"))
            complete += code_at(f, 1, r)[0] && strlen(code_at(f, 3, r)) == 2 && code_at(f, 4, r)[0] == 'G';
    CU_ASSERT_EQUAL(complete, 290);
    bench_frame_free(f);
    bench_db_free(db);
}

static void test_embedded_indicators(void)
{
    bench_db *db = new_db();
    bench_direction d;
    const char *title, *unit;
    CU_ASSERT_EQUAL(bench_indicator_info(&title, &unit, &d, db, "U33401"), BENCH_OK);
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_LOWER);
    CU_ASSERT_STRING_EQUAL(unit, "dagar");
    CU_ASSERT_PTR_NOT_NULL(strstr(title, "Utredningstid"));
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, &unit, &d, db, "N01994"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(unit, "%");
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_NONE);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "N01951"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "n01951"), BENCH_OK); /* Kolada ids in any case */
    bench_db_free(db);
}

static void test_without_catalogue(void)
{
    bench_db_options o = BENCH_DB_OPTIONS_INIT;
    o.load_catalogue = 0;
    bench_db *db = NULL;
    bench_error err;
    CU_ASSERT_EQUAL_FATAL(bench_db_new(&db, &o, &err), BENCH_OK);
    CU_ASSERT_EQUAL(bench_area_count(db), 0);
    CU_ASSERT_EQUAL(bench_area_info(NULL, NULL, NULL, NULL, db, "1490"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "U33401"), BENCH_ENOTFOUND);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_areas_frame(&f, db), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 0);
    bench_frame_free(f);
    CU_ASSERT_EQUAL_FATAL(bench_indicators_frame(&f, db), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 0);
    bench_frame_free(f);
    /* areas seen in data are known, of unknown type */
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nU33401,1490,2022,77\n", NULL, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_area_count(db), 1);
    bench_area_type t;
    const char *name;
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, NULL, NULL, db, "1490"), BENCH_OK);
    CU_ASSERT_EQUAL(t, BENCH_AREA_UNKNOWN);
    CU_ASSERT_STRING_EQUAL(name, "");
    bench_direction d;
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, &d, db, "U33401"), BENCH_OK);
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_NONE);
    bench_db_free(db);
    /* a wrong options version */
    o.version = 3;
    db = (bench_db *)&err;
    CU_ASSERT_EQUAL(bench_db_new(&db, &o, &err), BENCH_EINVAL);
    CU_ASSERT_PTR_NULL(db);
    CU_ASSERT_EQUAL(err.code, BENCH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "bench_db_options.version"));
    CU_ASSERT_STRING_EQUAL(err.file, "");
}

static void test_area_set(void)
{
    bench_db *db = new_db();
    size_t areas = bench_area_count(db);
    /* a new area */
    CU_ASSERT_EQUAL(bench_area_set(db, "9901", BENCH_AREA_KOMMUN, "Nya kommunen", "14", "G92790"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_area_count(db), areas + 1);
    bench_area_type t;
    const char *name, *lan, *group;
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, &lan, &group, db, "9901"), BENCH_OK);
    CU_ASSERT_EQUAL(t, BENCH_AREA_KOMMUN);
    CU_ASSERT_STRING_EQUAL(name, "Nya kommunen");
    CU_ASSERT_STRING_EQUAL(lan, "14");
    CU_ASSERT_STRING_EQUAL(group, "G92790");
    /* override an embedded one; NULL keeps name, län and kommungrupp */
    CU_ASSERT_EQUAL(bench_area_set(db, "1490", BENCH_AREA_KOMMUN, "Borås Stad", NULL, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_area_count(db), areas + 1);
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, &lan, &group, db, "1490"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "Borås Stad");
    CU_ASSERT_STRING_EQUAL(lan, "14");
    CU_ASSERT_STRING_EQUAL(group, "G92790");
    CU_ASSERT_EQUAL(bench_area_set(db, "1490", BENCH_AREA_KOMMUN, NULL, "13", "G92791"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, &lan, &group, db, "1490"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "Borås Stad");
    CU_ASSERT_STRING_EQUAL(lan, "13");
    CU_ASSERT_STRING_EQUAL(group, "G92791");
    /* "14" is padded like data codes */
    CU_ASSERT_EQUAL(bench_area_set(db, "14", BENCH_AREA_REGION, "VGR", NULL, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, NULL, NULL, db, "0014"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "VGR");
    CU_ASSERT_EQUAL(bench_area_count(db), areas + 1);
    /* bad arguments change nothing */
    CU_ASSERT_EQUAL(bench_area_set(db, "Bo rås", BENCH_AREA_KOMMUN, NULL, NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "area code"));
    CU_ASSERT_EQUAL(bench_area_set(db, "Borås", BENCH_AREA_KOMMUN, NULL, NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(db, "", BENCH_AREA_KOMMUN, NULL, NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(db, NULL, BENCH_AREA_KOMMUN, NULL, NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(db, "9902", (bench_area_type)99, NULL, NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(db, "9902", (bench_area_type)-1, NULL, NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(db, "9902", BENCH_AREA_KOMMUN, NULL, "123", NULL), BENCH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "123"));
    CU_ASSERT_EQUAL(bench_area_set(db, "9902", BENCH_AREA_KOMMUN, "\xe5", NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(db, "9902", BENCH_AREA_KOMMUN, NULL, NULL, "G\xff"), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(NULL, "9902", BENCH_AREA_KOMMUN, NULL, NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set(db, "1490", (bench_area_type)99, "X", NULL, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_count(db), areas + 1);
    CU_ASSERT_EQUAL(bench_area_info(NULL, NULL, NULL, NULL, db, "9902"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, NULL, NULL, db, "1490"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(name, "Borås Stad");
    CU_ASSERT_EQUAL(t, BENCH_AREA_KOMMUN);
    /* a new kommun counts among all kommuner */
    CU_ASSERT_EQUAL(count_type(db, "kommun"), 291);
    bench_db_free(db);
}

static void test_indicator_set(void)
{
    bench_db *db = new_db();
    const char *title, *unit;
    bench_direction d;
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", "Andel aktualiserade, andel (%)", NULL, BENCH_DIRECTION_HIGHER),
                    BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_info(&title, &unit, &d, db, "OWN"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title, "Andel aktualiserade, andel (%)");
    CU_ASSERT_STRING_EQUAL(unit, "%"); /* read from the title */
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_HIGHER);
    /* KEEP keeps the direction, NULL keeps the title */
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", NULL, "st", BENCH_DIRECTION_DEFAULT), BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_info(&title, &unit, &d, db, "OWN"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(unit, "st");
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_HIGHER);
    CU_ASSERT_STRING_EQUAL(title, "Andel aktualiserade, andel (%)");
    /* a new title does not replace a unit that is set */
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", "Kostnad, kr/inv", NULL, BENCH_DIRECTION_LOWER), BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_info(&title, &unit, &d, db, "OWN"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title, "Kostnad, kr/inv");
    CU_ASSERT_STRING_EQUAL(unit, "st");
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_LOWER);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", NULL, NULL, BENCH_DIRECTION_NONE), BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, &d, db, "OWN"), BENCH_OK);
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_NONE);
    /* units from title conventions */
    struct {
        const char *title, *unit;
    } conventions[] = { { "Kostnad ekonomiskt bistånd, kr/inv", "kr/inv" },
                        { "Anmälningar, antal", "antal" },
                        { "Utredningstid, dagar", "dagar" },
                        { "Nöjd Medborgar-Index", "index" },
                        { "Något annat", "" } };
    for (size_t i = 0; i < sizeof conventions / sizeof conventions[0]; i++) {
        char id[16];
        snprintf(id, sizeof id, "CONV%zu", i);
        CU_ASSERT_EQUAL(bench_indicator_set(db, id, conventions[i].title, NULL, BENCH_DIRECTION_DEFAULT), BENCH_OK);
        CU_ASSERT_EQUAL(bench_indicator_info(NULL, &unit, &d, db, id), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(unit, conventions[i].unit);
        CU_ASSERT_EQUAL(d, BENCH_DIRECTION_NONE);
    }
    /* Kolada ids are upper-cased */
    CU_ASSERT_EQUAL(bench_indicator_set(db, "u99999", "x", NULL, BENCH_DIRECTION_LOWER), BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, &d, db, "U99999"), BENCH_OK);
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_LOWER);
    /* bad arguments */
    CU_ASSERT_EQUAL(bench_indicator_set(db, "", NULL, NULL, 0), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "   ", NULL, NULL, 0), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_set(db, NULL, NULL, NULL, 0), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "L\xe5n", NULL, NULL, 0), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", NULL, NULL, 3), BENCH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "direction"));
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", NULL, NULL, 7), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", NULL, NULL, -2), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", "\xe5", NULL, 0), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "OWN", NULL, "\xff", 0), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_set(NULL, "OWN", NULL, NULL, 0), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "NEWBAD", NULL, NULL, 9), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "NEWBAD"), BENCH_ENOTFOUND); /* not added */
    CU_ASSERT_EQUAL(bench_indicator_info(&title, &unit, &d, db, "OWN"), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(title, "Kostnad, kr/inv");
    CU_ASSERT_EQUAL(d, BENCH_DIRECTION_NONE);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, "NOPE"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->code, BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, db, NULL), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_indicator_info(NULL, NULL, NULL, NULL, "OWN"), BENCH_EINVAL);
    bench_db_free(db);
}

static void test_catalogue_frames(void)
{
    bench_db *db = new_db();
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_areas_frame(&f, db), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), bench_area_count(db));
    CU_ASSERT_EQUAL_FATAL(bench_frame_columns(f), 5);
    const char *area_cols[] = { "code", "name", "type", "lan", "kommungrupp" };
    for (size_t c = 0; c < 5; c++) {
        const char *name;
        bench_column_type type;
        CU_ASSERT_EQUAL(bench_frame_column(&name, &type, NULL, f, c), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(name, area_cols[c]);
        CU_ASSERT_EQUAL(type, BENCH_COLUMN_CODE);
    }
    long r = area_row(f, "0138");
    CU_ASSERT_TRUE_FATAL(r >= 0);
    CU_ASSERT_STRING_EQUAL(code_at(f, 1, (size_t)r), "Tyresö");
    CU_ASSERT_STRING_EQUAL(code_at(f, 2, (size_t)r), "kommun");
    CU_ASSERT_STRING_EQUAL(code_at(f, 3, (size_t)r), "01");
    CU_ASSERT_STRING_EQUAL(code_at(f, 4, (size_t)r), "G92793");
    r = area_row(f, "0000");
    CU_ASSERT_TRUE_FATAL(r >= 0);
    CU_ASSERT_STRING_EQUAL(code_at(f, 2, (size_t)r), "riket");
    bench_frame_free(f);

    /* indicators: n counts observations, missing ones included */
    CU_ASSERT_EQUAL(import_text(db,
                                "kpi,municipality,period,value\nOWN,1490,2022,1\nOWN,0138,2022,2\nOWN,0180,2022,..\n"
                                "U33401,1490,2022,77\n",
                                NULL, NULL),
                    BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_set(db, "EMPTY", "Inga värden", "st", BENCH_DIRECTION_HIGHER), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_indicators_frame(&f, db), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_frame_columns(f), 7);
    const char *ind_cols[] = { "id", "title", "unit", "direction", "n", "link" };
    for (size_t c = 0; c < 6; c++) {
        const char *name;
        bench_column_type type;
        CU_ASSERT_EQUAL(bench_frame_column(&name, &type, NULL, f, c), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(name, ind_cols[c]);
        CU_ASSERT_EQUAL(type, c == 4 ? BENCH_COLUMN_I32 : BENCH_COLUMN_CODE);
    }
    int seen = 0;
    for (size_t i = 0; i < bench_frame_rows(f); i++) {
        const char *id = code_at(f, 0, i);
        if (!strcmp(id, "OWN")) {
            CU_ASSERT_EQUAL(i32_at(f, 4, i), 3);
            seen |= 1;
        } else if (!strcmp(id, "U33401")) {
            CU_ASSERT_EQUAL(i32_at(f, 4, i), 1);
            CU_ASSERT_STRING_EQUAL(code_at(f, 3, i), "lower");
            CU_ASSERT_STRING_EQUAL(code_at(f, 2, i), "dagar");
            seen |= 2;
        } else if (!strcmp(id, "EMPTY")) {
            CU_ASSERT_EQUAL(i32_at(f, 4, i), 0);
            CU_ASSERT_STRING_EQUAL(code_at(f, 1, i), "Inga värden");
            CU_ASSERT_STRING_EQUAL(code_at(f, 2, i), "st");
            CU_ASSERT_STRING_EQUAL(code_at(f, 3, i), "higher");
            seen |= 4;
        } else if (!strcmp(id, "N01951")) {
            CU_ASSERT_EQUAL(i32_at(f, 4, i), 0);
            seen |= 8;
        }
    }
    CU_ASSERT_EQUAL(seen, 15);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(bench_areas_frame(NULL, db), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicators_frame(NULL, db), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_areas_frame(&f, NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicators_frame(&f, NULL), BENCH_EINVAL);
    bench_db_free(db);
}

static void test_groups(void)
{
    bench_db *db = new_db();
    const char *members[] = { "0126", "0136", "1290" };
    CU_ASSERT_EQUAL(bench_group_set(db, "G36468", "Liknande kommuner IFO, Borås, 2024", members, 3), BENCH_OK);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_group_members(&f, db, "G36468"), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_frame_rows(f), 3);
    for (size_t i = 0; i < 3; i++)
        CU_ASSERT_STRING_EQUAL(code_at(f, 0, i), members[i]);
    bench_frame_free(f);
    const char *name;
    bench_area_type t;
    CU_ASSERT_EQUAL(bench_area_info(&t, &name, NULL, NULL, db, "G36468"), BENCH_OK);
    CU_ASSERT_EQUAL(t, BENCH_AREA_GROUP);
    CU_ASSERT_STRING_EQUAL(name, "Liknande kommuner IFO, Borås, 2024");
    /* a group replaces its members */
    CU_ASSERT_EQUAL(bench_group_set(db, "G36468", NULL, members, 1), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_group_members(&f, db, "G36468"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 1);
    bench_frame_free(f);
    CU_ASSERT_EQUAL_FATAL(bench_group_members(&f, db, "G92790"), BENCH_OK); /* kommungrupp by catalogue */
    CU_ASSERT_EQUAL(bench_frame_rows(f), 23);
    int boras = 0;
    for (size_t i = 0; i < bench_frame_rows(f); i++)
        boras |= !strcmp(code_at(f, 0, i), "1490");
    CU_ASSERT_TRUE(boras);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(bench_group_members(&f, db, "1490"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_group_members(&f, db, "GNOPE"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_group_members(NULL, db, "G92790"), BENCH_EINVAL);
    const char *bad[] = { "0126", "x y" };
    size_t areas = bench_area_count(db);
    CU_ASSERT_EQUAL(bench_group_set(db, "GNEW", NULL, bad, 2), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_count(db), areas);
    CU_ASSERT_EQUAL(bench_group_set(db, "GNEW", NULL, NULL, 2), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_group_set(db, "G NEW", NULL, members, 1), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_group_set(NULL, "GNEW", NULL, members, 1), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_count(db), areas);
    bench_db_free(db);
}

static void test_datasets(void)
{
    const char *data = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL(bench_dataset(&data, &len, "areas"), BENCH_OK);
    CU_ASSERT_TRUE(len > 1000 && strncmp(data, "code,name,type,lan,kommungrupp", 30) == 0);
    CU_ASSERT_EQUAL(strlen(data), len); /* NUL-terminated */
    CU_ASSERT_PTR_NOT_NULL(strstr(data, "1490,Borås,kommun,14,G92790"));
    CU_ASSERT_EQUAL(bench_dataset(&data, &len, "indicators"), BENCH_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(data, "U33401"));
    CU_ASSERT_EQUAL(bench_dataset(&data, &len, "seed_figures"), BENCH_OK);
    CU_ASSERT_TRUE(len > 100);
    CU_ASSERT_EQUAL(strlen(data), len);
    CU_ASSERT_EQUAL(strncmp(data, "kpi,municipality,period", 23), 0);
    /* the seed figures import as a Kolada CSV with title, unit and source columns */
    bench_db *db = new_db();
    bench_import_report rep;
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source_column = "source";
    CU_ASSERT_EQUAL(bench_import_csv_buffer(&rep, db, data, len, "seed_figures", &o), BENCH_OK);
    CU_ASSERT_TRUE(rep.accepted > 0);
    CU_ASSERT_EQUAL(rep.n_errors, 0);
    bench_db_free(db);
    data = "untouched";
    CU_ASSERT_EQUAL(bench_dataset(&data, &len, "nope"), BENCH_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(data, "untouched");
    CU_ASSERT_EQUAL(bench_dataset(&data, &len, "Areas"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_dataset(NULL, &len, "areas"), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_dataset(&data, NULL, "areas"), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_dataset(&data, &len, NULL), BENCH_EINVAL);
}

static void test_links_and_source_preference(void)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nOWN_UTR,1490,2022,77\n", NULL, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(bench_indicator_link(db, "OWN_UTR", "u33401"), BENCH_OK);
    bench_frame *f;
    CU_ASSERT_EQUAL_FATAL(bench_indicators_frame(&f, db), BENCH_OK);
    const uint32_t *ids, *links;
    const char *const *di, *const *dl;
    bench_frame_column(NULL, NULL, (const void **)&ids, f, 0);
    bench_frame_column(NULL, NULL, (const void **)&links, f, 5);
    bench_frame_dictionary(&di, NULL, f, 0);
    bench_frame_dictionary(&dl, NULL, f, 5);
    int found = 0;
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        if (!strcmp(di[ids[r]], "OWN_UTR")) {
            CU_ASSERT_STRING_EQUAL(dl[links[r]], "U33401");
            found = 1;
        }
    CU_ASSERT_TRUE(found);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(bench_indicator_link(db, "NOPE", "U33401"), BENCH_ENOTFOUND);
    CU_ASSERT_EQUAL(bench_indicator_link(db, "OWN_UTR", "a b\n"), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_indicator_link(db, "OWN_UTR", NULL), BENCH_OK);
    /* two sources for one key: the preferred one is used */
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source = "A";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nX,1490,2022,1\n", &o, NULL), BENCH_OK);
    o.source = "B";
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nX,1490,2022,2\n", &o, NULL), BENCH_OK);
    const char *set[] = { "1490" };
    bench_compare_options c = BENCH_COMPARE_INIT;
    c.indicator = "X";
    c.period = "2022";
    c.areas = set;
    c.n_areas = 1;
    for (int round = 0; round < 2; round++) {
        CU_ASSERT_EQUAL(bench_source_prefer(db, round ? "B" : "A"), BENCH_OK);
        CU_ASSERT_EQUAL_FATAL(bench_compare(&f, NULL, db, &c), BENCH_OK);
        const double *v;
        const uint32_t *src;
        const char *const *ds;
        bench_frame_column(NULL, NULL, (const void **)&v, f, 1);
        bench_frame_column(NULL, NULL, (const void **)&src, f, 5);
        bench_frame_dictionary(&ds, NULL, f, 5);
        CU_ASSERT_EQUAL(v[0], round ? 2 : 1);
        CU_ASSERT_STRING_EQUAL(ds[src[0]], round ? "B" : "A");
        bench_frame_free(f);
    }
    CU_ASSERT_EQUAL(bench_source_prefer(db, "C"), BENCH_ENOTFOUND);
    bench_db_free(db);
}

/* Kolada's G2328 "Alla kommuner (ovägt medel)" stands for the 290 kommuner wherever areas are asked. */
static void test_all_kommuner_group(void)
{
    bench_db *db = new_db();
    bench_frame *f = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_group_members(&f, db, "G2328"), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 290);
    bench_frame_free(f);
    CU_ASSERT_EQUAL(
        import_text(db, "kpi,municipality,period,value\nX,1490,2022,1\nX,0000,2022,5\nX,0014,2022,4\n", NULL, NULL),
        BENCH_OK);
    const char *all[] = { "G2328" };
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    o.areas = all;
    o.n_areas = 1;
    bench_compare_stats s;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&f, &s, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(s.n_areas, 290); /* kommuner: not Riket, not the region */
    CU_ASSERT_EQUAL(s.n, 1);
    bench_frame_free(f);
    bench_db_free(db);
}

/* The words of genders, kinds, area types and directions: read as the importers read them,
 * written as the frames write them; every reader refuses what is no such word. */
static void test_vocabulary(void)
{
    const struct {
        const char *text;
        int gender;
    } genders[] = { { "T", BENCH_GENDER_T },
                    { "t", BENCH_GENDER_T },
                    { " totalt ", BENCH_GENDER_T },
                    { "Alla", BENCH_GENDER_T },
                    { "K", BENCH_GENDER_K },
                    { "kvinnor", BENCH_GENDER_K },
                    { "Kvinnor", BENCH_GENDER_K },
                    { "KVINNA", BENCH_GENDER_K },
                    { "M", BENCH_GENDER_M },
                    { "män", BENCH_GENDER_M },
                    { "Män", BENCH_GENDER_M },
                    { "MÄN", BENCH_GENDER_M },
                    { "man", BENCH_GENDER_M },
                    { "X", -1 },
                    { "", -1 },
                    { "kvinnorna", -1 },
                    { "mä", -1 },
                    { "TK", -1 } };
    for (size_t i = 0; i < sizeof genders / sizeof genders[0]; i++)
        CU_ASSERT_EQUAL(bench_gender_parse(genders[i].text, strlen(genders[i].text)), genders[i].gender);
    CU_ASSERT_EQUAL(bench_gender_parse("Kvinnor och män", 7), BENCH_GENDER_K); /* len bytes are read */
    CU_ASSERT_EQUAL(bench_gender_parse(NULL, 3), -1);
    const char *names[] = { "T", "K", "M" }, *words[] = { "totalt", "kvinnor", "män" };
    for (int g = 0; g < 3; g++) {
        CU_ASSERT_STRING_EQUAL(bench_gender_name(g), names[g]);
        CU_ASSERT_STRING_EQUAL(bench_gender_word(g), words[g]);
        CU_ASSERT_EQUAL(bench_gender_parse(words[g], strlen(words[g])), g);
    }
    CU_ASSERT_PTR_NULL(bench_gender_word(3));
    CU_ASSERT_PTR_NULL(bench_gender_word(-1));

    const struct {
        const char *text;
        int kind;
    } kinds[] = { { "utfall", BENCH_KIND_UTFALL },
                  { "Utfall", BENCH_KIND_UTFALL },
                  { "bokslut", BENCH_KIND_UTFALL },
                  { "målvärde", BENCH_KIND_MALVARDE },
                  { "Målvärde", BENCH_KIND_MALVARDE },
                  { "MÅLVÄRDE", BENCH_KIND_MALVARDE },
                  { "malvarde", BENCH_KIND_MALVARDE },
                  { "mål", BENCH_KIND_MALVARDE },
                  { "Mål", BENCH_KIND_MALVARDE },
                  { "mal", BENCH_KIND_MALVARDE },
                  { "budget", BENCH_KIND_BUDGET },
                  { "\tprognos ", BENCH_KIND_PROGNOS },
                  { "", -1 },
                  { "utfal", -1 },
                  { "mål 2024", -1 } };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        CU_ASSERT_EQUAL(bench_kind_parse(kinds[i].text, strlen(kinds[i].text)), kinds[i].kind);
    CU_ASSERT_EQUAL(bench_kind_parse(NULL, 0), -1);
    for (int k = 0; k < 4; k++)
        CU_ASSERT_EQUAL(bench_kind_parse(bench_kind_name(k), strlen(bench_kind_name(k))), k);
    CU_ASSERT_PTR_NULL(bench_kind_name(4));

    const char *types[] = { "unknown", "riket", "region", "kommun", "kommungrupp", "group" };
    for (int t = 0; t < 6; t++) {
        CU_ASSERT_STRING_EQUAL(bench_area_type_name(t), types[t]);
        CU_ASSERT_EQUAL(bench_area_type_parse(types[t], strlen(types[t])), t);
    }
    CU_ASSERT_EQUAL(bench_area_type_parse("Kommun", 6), BENCH_AREA_KOMMUN);
    CU_ASSERT_EQUAL(bench_area_type_parse("län", strlen("län")), -1);
    CU_ASSERT_EQUAL(bench_area_type_parse(NULL, 0), -1);
    CU_ASSERT_PTR_NULL(bench_area_type_name(6));
    CU_ASSERT_PTR_NULL(bench_area_type_name(-1));

    const char *dirs[] = { "none", "higher", "lower" };
    for (int d = 0; d < 3; d++) {
        CU_ASSERT_STRING_EQUAL(bench_direction_name(d), dirs[d]);
        CU_ASSERT_EQUAL(bench_direction_parse(dirs[d], strlen(dirs[d])), d);
    }
    CU_ASSERT_EQUAL(BENCH_DIRECTION_LOWER, 2);
    CU_ASSERT_EQUAL(bench_direction_parse(" Lower", 6), BENCH_DIRECTION_LOWER);
    CU_ASSERT_EQUAL(bench_direction_parse("", 0), -1);
    CU_ASSERT_EQUAL(bench_direction_parse("up", 2), -1);
    CU_ASSERT_EQUAL(bench_direction_parse(NULL, 0), -1);
    CU_ASSERT_PTR_NULL(bench_direction_name(3));
    CU_ASSERT_PTR_NULL(bench_direction_name(BENCH_DIRECTION_DEFAULT));
}

/* Area codes are read in one place: 1-3 digits padded, group ids kept, the rest refused. */
static void test_area_code_normalize(void)
{
    const struct {
        const char *text, *code;
    } good[] = { { "138", "0138" },
                 { "0138", "0138" },
                 { " 1490 ", "1490" },
                 { "0", "0000" },
                 { "14", "0014" },
                 { "G92790", "G92790" },
                 { "V15E144001301", "V15E144001301" } };
    char out[BENCH_AREA_CODE_SIZE];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        CU_ASSERT_EQUAL(bench_area_code_normalize(out, good[i].text), BENCH_OK);
        CU_ASSERT_STRING_EQUAL(out, good[i].code);
    }
    const char *bad[] = { "",  "  ",     "01380", "Borås", "Boras",
                          "G", "g92790", "14 90", "1490-", "G123456789012345678901234567890123" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_EQUAL(bench_area_code_normalize(out, bad[i]), BENCH_EPARSE);
    CU_ASSERT_EQUAL(bench_area_code_normalize(out, NULL), BENCH_EPARSE);
    CU_ASSERT_EQUAL(bench_area_code_normalize(NULL, "0138"), BENCH_EPARSE);
}

/* The codes of a resolved set, joined with ',' into buf. */
static const char *set_codes(char *buf, size_t size, bench_frame *f)
{
    buf[0] = '\0';
    for (size_t r = 0; r < bench_frame_rows(f); r++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", r ? "," : "", code_at(f, 0, r));
    }
    return buf;
}

static size_t resolved_rows(bench_db *db, const char *name)
{
    bench_frame *f = NULL;
    const char *names[] = { name };
    CU_ASSERT_EQUAL_FATAL(bench_area_set_resolve(&f, db, names, 1), BENCH_OK);
    size_t n = bench_frame_rows(f);
    bench_frame_free(f);
    return n;
}

/* Area sets are resolved in C: "kommuner", kommungrupp and group names and ids, län codes and
 * lists, so that a C program names them as the binding does. */
static void test_area_set_resolve(void)
{
    bench_db *db = new_db();
    bench_frame *f = NULL;
    char buf[8192];
    CU_ASSERT_EQUAL(resolved_rows(db, "kommuner"), 290);
    CU_ASSERT_EQUAL(resolved_rows(db, " Alla kommuner"), 290);
    CU_ASSERT_EQUAL(resolved_rows(db, "G2328"), 290);
    CU_ASSERT_EQUAL(resolved_rows(db, "Alla kommuner (ovägt medel)"), 290);
    /* a kommungrupp by name (any case) and by id: the kommuner the catalogue puts in it */
    size_t storre = resolved_rows(db, "Större stad");
    CU_ASSERT(storre > 10 && storre < 60);
    CU_ASSERT_EQUAL(resolved_rows(db, "STÖRRE STAD"), storre);
    CU_ASSERT_EQUAL(resolved_rows(db, "G92790"), storre);
    /* a län: its kommuner, not the region; the region by its code */
    CU_ASSERT_EQUAL(resolved_rows(db, "14"), 49);
    CU_ASSERT_EQUAL(resolved_rows(db, "1"), 26);
    CU_ASSERT_EQUAL(resolved_rows(db, "01"), 26);
    const char *region[] = { "0014" };
    CU_ASSERT_EQUAL_FATAL(bench_area_set_resolve(&f, db, region, 1), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(set_codes(buf, sizeof buf, f), "0014");
    bench_frame_free(f);
    /* a list: the union, sorted, each once; codes padded */
    const char *list[] = { "1490", "138", "0138", "Riket" };
    CU_ASSERT_EQUAL(bench_area_set_resolve(&f, db, list, 3), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(set_codes(buf, sizeof buf, f), "0138,1490");
    bench_frame_free(f);
    /* a group of one's own, by id and by title */
    const char *members[] = { "1490", "0138", "1280" };
    CU_ASSERT_EQUAL_FATAL(bench_group_set(db, "GMINA", "Mina jämförelsekommuner", members, 3), BENCH_OK);
    const char *mine[] = { "mina jämförelsekommuner", "0000" };
    CU_ASSERT_EQUAL(bench_area_set_resolve(&f, db, mine, 2), BENCH_OK);
    CU_ASSERT_STRING_EQUAL(set_codes(buf, sizeof buf, f), "0000,0138,1280,1490");
    bench_frame_free(f);
    /* an empty list is an empty set */
    CU_ASSERT_EQUAL(bench_area_set_resolve(&f, db, NULL, 0), BENCH_OK);
    CU_ASSERT_EQUAL(bench_frame_rows(f), 0);
    bench_frame_free(f);
    /* errors: the first unknown name is named, *out is NULL, the database unchanged */
    size_t before = bench_area_count(db);
    f = (bench_frame *)db;
    CU_ASSERT_EQUAL(bench_area_set_resolve(&f, db, list, 4), BENCH_ENOTFOUND);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "\"Riket\""));
    const char *unknown[] = { "9999", "99", "Borås" };
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(bench_area_set_resolve(&f, db, unknown + i, 1), BENCH_ENOTFOUND);
        CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, unknown[i]));
    }
    CU_ASSERT_EQUAL(bench_area_count(db), before);
    const char *with_null[] = { "1490", NULL };
    CU_ASSERT_EQUAL(bench_area_set_resolve(&f, db, with_null, 2), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set_resolve(&f, db, NULL, 2), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set_resolve(NULL, db, list, 1), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_area_set_resolve(&f, NULL, list, 1), BENCH_EINVAL);
    /* the codes it returns are what bench_compare takes */
    CU_ASSERT_EQUAL(import_text(db, "kpi,municipality,period,value\nX,1490,2022,1\nX,0138,2022,5\n", NULL, NULL),
                    BENCH_OK);
    const char *lan14[] = { "14" };
    CU_ASSERT_EQUAL_FATAL(bench_area_set_resolve(&f, db, lan14, 1), BENCH_OK);
    const char *const *dict;
    const uint32_t *codes;
    size_t n_dict;
    bench_frame_dictionary(&dict, &n_dict, f, 0);
    bench_frame_column(NULL, NULL, (const void **)&codes, f, 0);
    const char *area_codes[64];
    for (size_t r = 0; r < bench_frame_rows(f); r++)
        area_codes[r] = dict[codes[r]];
    bench_compare_options o = BENCH_COMPARE_INIT;
    o.indicator = "X";
    o.period = "2022";
    o.areas = area_codes;
    o.n_areas = bench_frame_rows(f);
    bench_compare_stats s;
    bench_frame *cmp = NULL;
    CU_ASSERT_EQUAL_FATAL(bench_compare(&cmp, &s, db, &o), BENCH_OK);
    CU_ASSERT_EQUAL(s.n_areas, 49);
    CU_ASSERT_EQUAL(s.n, 1); /* Borås; Tyresö is in Stockholms län */
    bench_frame_free(cmp);
    bench_frame_free(f);
    bench_db_free(db);
}

int register_catalogue_suite(void)
{
    CU_pSuite s = CU_add_suite("catalogue", NULL, NULL);
    if (s && !CU_add_test(s, "links and source preference", test_links_and_source_preference))
        return 1;
    return !s || !CU_add_test(s, "embedded areas", test_embedded_areas) ||
           !CU_add_test(s, "embedded indicators", test_embedded_indicators) ||
           !CU_add_test(s, "without catalogue, options version", test_without_catalogue) ||
           !CU_add_test(s, "bench_area_set", test_area_set) ||
           !CU_add_test(s, "bench_indicator_set", test_indicator_set) ||
           !CU_add_test(s, "areas and indicators frames", test_catalogue_frames) ||
           !CU_add_test(s, "groups", test_groups) ||
           !CU_add_test(s, "G2328 is all kommuner", test_all_kommuner_group) ||
           !CU_add_test(s, "datasets", test_datasets) || !CU_add_test(s, "vocabulary", test_vocabulary) ||
           !CU_add_test(s, "bench_area_code_normalize", test_area_code_normalize) ||
           !CU_add_test(s, "bench_area_set_resolve", test_area_set_resolve);
}
