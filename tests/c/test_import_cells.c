/* test_import_cells.c -- bench_import_cells: a table given cell by cell is read as the same table
 * in CSV is, and its errors name the document's own line and column of the cell. */
#include "tests.h"

#define MAX_CELLS 64

/* A table of NULL-terminated rows (a row ends at NULL, the table at a NULL row) as cells; cell
 * (r, c) stands at line 10 + 2r, column 3 + 4c of the document.  A cell "~" is left out. */
typedef struct table {
    bench_cell cells[MAX_CELLS];
    size_t n;
} table;

static void make_table(table *t, const char *const *const *rows)
{
    t->n = 0;
    for (size_t r = 0; rows[r]; r++)
        for (size_t c = 0; rows[r][c]; c++) {
            if (strcmp(rows[r][c], "~") == 0)
                continue;
            CU_ASSERT_FATAL(t->n < MAX_CELLS);
            bench_cell *cell = &t->cells[t->n++];
            cell->text = rows[r][c];
            cell->len = strlen(rows[r][c]);
            cell->row = r;
            cell->col = c;
            cell->line = 10 + 2 * (long)r;
            cell->column = 3 + 4 * (long)c;
        }
}

static const char *const HEAD[] = { "kpi", "municipality", "period", "gender", "value", NULL };

static int import_cells(bench_db *db, const table *t, bench_import_report *rep, const bench_csv_options *o)
{
    return bench_import_cells(rep, db, t->cells, t->n, "rapport.html", o);
}

static void test_cells_read_as_csv(void)
{
    const char *const r1[] = { "U33401", "1490", "2022", "T", "72,5", NULL };
    const char *const r2[] = { "U33401", "138", "2022", "K", "..", NULL };
    const char *const r3[] = { "", " ", "", "", "", NULL }; /* blank: skipped as a blank line */
    const char *const r4[] = { "u33401", "0180", "2023-T1", "M", "1 234", NULL };
    const char *const *rows[] = { HEAD, r1, r2, r3, r4, NULL };
    table t;
    make_table(&t, rows);
    bench_db *a = new_db(), *b = new_db();
    bench_import_report rc, rv;
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source = "rapport.html";
    CU_ASSERT_EQUAL(import_cells(a, &t, &rc, &o), BENCH_OK);
    CU_ASSERT_EQUAL(import_text(b,
                                "kpi,municipality,period,gender,value\nU33401,1490,2022,T,\"72,5\"\n"
                                "U33401,138,2022,K,..\n, ,,,\nu33401,0180,2023-T1,M,1 234\n",
                                &o, &rv),
                    BENCH_OK);
    CU_ASSERT_EQUAL(rc.accepted, 3);
    CU_ASSERT_EQUAL(rc.rows_read, rv.rows_read);
    CU_ASSERT_EQUAL(rc.missing, rv.missing);
    CU_ASSERT_EQUAL(rc.skipped_blank, 1);
    CU_ASSERT_EQUAL(rc.skipped, rv.skipped);
    char *da = dump_values(a), *db_ = dump_values(b);
    CU_ASSERT_TRUE(da && db_ && strcmp(da, db_) == 0);
    free(da);
    free(db_);
    CU_ASSERT_EQUAL(value_of(a, "U33401", "0180", "2023-T1", BENCH_GENDER_M), 1234);
    bench_db_free(a);
    bench_db_free(b);
}

static void test_cells_wide_and_left_out(void)
{
    /* a wide table; a cell left out of a row is empty (missing), blank rows above the header
     * are skipped */
    const char *const blank[] = { "", "  ", NULL };
    const char *const head[] = { "geo", "year", "u33401", "n01951", NULL };
    const char *const r1[] = { "1490", "2022", "~", "113 000", NULL };
    const char *const r2[] = { "0138", "2022", "70", NULL };
    const char *const *rows[] = { blank, head, r1, r2, NULL };
    table t;
    make_table(&t, rows);
    bench_db *db = new_db();
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.layout = BENCH_CSV_WIDE;
    bench_import_report rep;
    /* the last row has three of four fields, as a CSV line of three would */
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, &o), BENCH_EPARSE);
    const bench_error *e = bench_db_last_error(db);
    CU_ASSERT_EQUAL(e->line, 16);
    CU_ASSERT_EQUAL(e->column, 0); /* about the row: no cell of its own */
    CU_ASSERT_PTR_NOT_NULL(strstr(e->text, "expected 4 fields as in the header, found 3"));
    CU_ASSERT_EQUAL(bench_db_count(db), 0);
    const char *const r2full[] = { "0138", "2022", "70", "", NULL };
    const char *const *rows2[] = { blank, head, r1, r2full, NULL };
    make_table(&t, rows2);
    CU_ASSERT_EQUAL_FATAL(import_cells(db, &t, &rep, &o), BENCH_OK);
    CU_ASSERT_EQUAL(rep.accepted, 4);
    CU_ASSERT_EQUAL(rep.missing, 2);
    observation ob;
    CU_ASSERT_EQUAL(lookup(db, "U33401", "1490", "2022", BENCH_GENDER_T, BENCH_KIND_UTFALL, &ob), 1);
    CU_ASSERT_EQUAL(ob.status, BENCH_OBS_MISSING);
    CU_ASSERT_EQUAL(value_of(db, "N01951", "1490", "2022", BENCH_GENDER_T), 113000);
    CU_ASSERT_STRING_EQUAL(ob.source, "rapport.html");
    bench_db_free(db);
}

static void expect_cell_error(const char *const *const *rows, const bench_csv_options *o, int status, long line,
                              long column, const char *said)
{
    table t;
    make_table(&t, rows);
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db, "kpi,municipality,period,value\nX,1490,2022,1\n", NULL, NULL), BENCH_OK);
    fingerprint before = take_fingerprint(db);
    bench_import_report rep;
    int st = import_cells(db, &t, &rep, o);
    const bench_error *e = bench_db_last_error(db);
    CU_ASSERT_EQUAL(st, status);
    CU_ASSERT_STRING_EQUAL(e->file, "rapport.html");
    CU_ASSERT_EQUAL(e->line, line);
    CU_ASSERT_EQUAL(e->column, column);
    CU_ASSERT_PTR_NOT_NULL(strstr(e->text, said));
    char prefix[64];
    if (column)
        snprintf(prefix, sizeof prefix, "rapport.html:%ld:%ld: ", line, column);
    else
        snprintf(prefix, sizeof prefix, "rapport.html:%ld: ", line);
    CU_ASSERT_TRUE(strncmp(e->message, prefix, strlen(prefix)) == 0);
    CU_ASSERT_STRING_EQUAL(e->message + strlen(prefix), e->text);
    if (st != status || e->line != line || e->column != column || !strstr(e->text, said))
        fprintf(stderr, "\n  expected %d at %ld:%ld (%s): %d %s\n", status, line, column, said, st, e->message);
    CU_ASSERT_TRUE(rep.n_errors >= 1);
    CU_ASSERT_EQUAL(rep.errors[0].line, e->line);
    CU_ASSERT_EQUAL(rep.errors[0].column, e->column);
    CU_ASSERT_EQUAL(rep.accepted, 0);
    /* raised where the CSV importer reads rows */
    CU_ASSERT_PTR_NOT_NULL(e->source_file ? strstr(e->source_file, "import_csv.c") : NULL);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    bench_db_free(db);
}

static void test_cell_errors_name_the_cell(void)
{
    const char *const good[] = { "U33401", "1490", "2022", "T", "12", NULL };
    /* a bad value: the cell's line and column, the CSV importer's message */
    const char *const bad_value[] = { "U33401", "1490", "2023", "T", "tolv", NULL };
    const char *const *rows1[] = { HEAD, good, bad_value, NULL };
    expect_cell_error(rows1, NULL, BENCH_EPARSE, 14, 19,
                      "column value: expected a number such as 12,5 or 1 234 or a missing marker");
    /* a bad period, a bad gender */
    const char *const bad_period[] = { "U33401", "1490", "20x3", "T", "12", NULL };
    const char *const *rows2[] = { HEAD, bad_period, NULL };
    expect_cell_error(rows2, NULL, BENCH_EPARSE, 12, 11, "expected a period such as 2022");
    const char *const bad_gender[] = { "U33401", "1490", "2023", "Q", "12", NULL };
    const char *const *rows3[] = { HEAD, good, bad_gender, NULL };
    expect_cell_error(rows3, NULL, BENCH_EPARSE, 14, 15, "expected gender T, K or M");
    /* one key twice with another value: the later cell, naming the earlier's line */
    const char *const other[] = { "U33401", "1490", "2022", "T", "13", NULL };
    const char *const *rows5[] = { HEAD, good, other, NULL };
    expect_cell_error(rows5, NULL, BENCH_EPARSE, 14, 19, "as line 12, with another value");
    /* the header: no value column; a column named twice (at its second cell) */
    const char *const head_novalue[] = { "kpi", "municipality", "period", NULL };
    const char *const *rows6[] = { head_novalue, good, NULL };
    expect_cell_error(rows6, NULL, BENCH_EPARSE, 10, 0, "the header has no value column");
    const char *const head_twice[] = { "kpi", "municipality", "period", "Period", "value", NULL };
    const char *const *rows7[] = { head_twice, good, NULL };
    expect_cell_error(rows7, NULL, BENCH_EPARSE, 10, 15, "column \"Period\" appears twice in the header");
    /* more fields than the header: at the first cell beyond it, as CSV names the first field */
    const char *const long_row[] = { "U33401", "1490", "2022", "T", "12", "99", NULL };
    const char *const *rows8[] = { HEAD, long_row, NULL };
    expect_cell_error(rows8, NULL, BENCH_EPARSE, 12, 23, "expected 5 fields as in the header, found 6");
    /* an empty table */
    const char *const blank[] = { "", NULL };
    const char *const *rows9[] = { blank, NULL };
    bench_db *db = new_db();
    table t;
    make_table(&t, rows9);
    bench_import_report rep;
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, NULL), BENCH_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->text, "the table is empty"));
    CU_ASSERT_EQUAL(bench_import_cells(&rep, db, NULL, 0, "x", NULL), BENCH_EPARSE);
    bench_db_free(db);
    /* a field longer than max_field_bytes: the cell's place */
    db = new_db();
    bench_db_options lim = BENCH_DB_OPTIONS_INIT;
    lim.max_field_bytes = 3;
    CU_ASSERT_EQUAL_FATAL(bench_db_set_limits(db, &lim), BENCH_OK);
    const char *const shorthead[] = { "kpi", "geo", "år", "x", NULL };
    const char *const *rows10[] = { shorthead, NULL };
    make_table(&t, rows10);
    t.cells[0].text = "indicator";
    t.cells[0].len = 9;
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, NULL), BENCH_ELIMIT);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->line, 10);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->column, 3);
    bench_db_free(db);
}

static void test_cells_bad_arguments_and_limits(void)
{
    const char *const r1[] = { "U33401", "1490", "2022", "T", "12", NULL };
    const char *const *rows[] = { HEAD, r1, NULL };
    table t;
    make_table(&t, rows);
    bench_db *db = new_db();
    fingerprint before = take_fingerprint(db);
    bench_import_report rep;
    /* out of order: a column twice, a column going back, a row going back */
    bench_cell c = t.cells[6];
    t.cells[6] = t.cells[7];
    t.cells[7] = c;
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, NULL), BENCH_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "cells[7]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "out of order"));
    make_table(&t, rows);
    t.cells[5].row = 0;
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, NULL), BENCH_EINVAL);
    make_table(&t, rows);
    t.cells[3].col = 2;
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, NULL), BENCH_EINVAL);
    make_table(&t, rows);
    t.cells[9].text = NULL;
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, NULL), BENCH_EINVAL);
    t.cells[9].len = 0; /* NULL with no length is an empty cell */
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, NULL), BENCH_OK);
    CU_ASSERT_EQUAL(rep.missing, 1);
    bench_db_free(db);
    db = new_db();
    CU_ASSERT_EQUAL(bench_import_cells(&rep, db, NULL, 3, "x", NULL), BENCH_EINVAL);
    CU_ASSERT_EQUAL(bench_import_cells(&rep, NULL, t.cells, t.n, "x", NULL), BENCH_EINVAL);
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.version = 99;
    CU_ASSERT_EQUAL(bench_import_cells(&rep, db, t.cells, t.n, "x", &o), BENCH_EINVAL);
    o = (bench_csv_options)BENCH_CSV_OPTIONS_INIT;
    o.source = "bad\tlabel";
    CU_ASSERT_EQUAL(bench_import_cells(&rep, db, t.cells, t.n, "x", &o), BENCH_EINVAL);
    CU_ASSERT_EQUAL(rep.n_errors, 1);
    /* limits: the input's size is the cells' bytes; rows as in CSV */
    bench_db_options lim = BENCH_DB_OPTIONS_INIT;
    lim.max_input_bytes = 20;
    CU_ASSERT_EQUAL_FATAL(bench_db_set_limits(db, &lim), BENCH_OK);
    make_table(&t, rows);
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, NULL), BENCH_ELIMIT);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->text, "max_input_bytes"));
    lim.max_input_bytes = 1000;
    lim.max_rows = 1;
    CU_ASSERT_EQUAL_FATAL(bench_db_set_limits(db, &lim), BENCH_OK);
    const char *const *rows2[] = { HEAD, r1, r1, NULL };
    make_table(&t, rows2);
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, NULL), BENCH_ELIMIT);
    CU_ASSERT_EQUAL(bench_db_last_error(db)->line, 14);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    /* a cell far to the right is refused at max_columns, not filled up to it */
    lim.max_rows = 100;
    lim.max_columns = 8;
    CU_ASSERT_EQUAL_FATAL(bench_db_set_limits(db, &lim), BENCH_OK);
    make_table(&t, rows);
    t.cells[t.n - 1].col = (size_t)1 << 60;
    CU_ASSERT_EQUAL(import_cells(db, &t, &rep, NULL), BENCH_ELIMIT);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->text, "more than 8 columns"));
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    bench_db_free(db);
}

int register_import_cells_suite(void)
{
    CU_pSuite s = CU_add_suite("import_cells", NULL, NULL);
    return !s || !CU_add_test(s, "cells are read as the same table in CSV", test_cells_read_as_csv) ||
           !CU_add_test(s, "wide cells, a cell left out, blank rows above", test_cells_wide_and_left_out) ||
           !CU_add_test(s, "errors name the cell's line and column", test_cell_errors_name_the_cell) ||
           !CU_add_test(s, "bad arguments and limits", test_cells_bad_arguments_and_limits);
}
