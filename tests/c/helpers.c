/* helpers.c -- small helpers shared by the suites. */
#include <unistd.h>

#include "tests.h"

bench_db *new_db(void)
{
    bench_db *db = NULL;
    bench_error err;
    CU_ASSERT_EQUAL_FATAL(bench_db_new(&db, NULL, &err), BENCH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    return db;
}

bench_status import_text(bench_db *db, const char *csv, bench_csv_options *opts, bench_import_report *rep)
{
    return bench_import_csv_buffer(rep, db, csv, strlen(csv), "test.csv", opts);
}

/* The stored value for one key (utfall): NaN when it is missing, -1e300 when the key is
 * absent, -2e300 when the query fails. */
double value_of(bench_db *db, const char *indicator, const char *area, const char *period, int gender)
{
    observation o;
    int n = lookup(db, indicator, area, period, gender, BENCH_KIND_UTFALL, &o);
    return n < 0 ? -2e300 : n == 0 ? -1e300 : o.value;
}

int file_exists(const char *path) { return access(path, R_OK) == 0; }

/* A fingerprint of everything a query can see: counts and a hash of all observations. */
fingerprint take_fingerprint(bench_db *db)
{
    fingerprint fp = { bench_db_count(db), bench_area_count(db), 0, 0 };
    bench_frame *f = NULL;
    bench_frame *ind = NULL;
    if (bench_indicators_frame(&ind, db) == BENCH_OK)
        fp.indicators = bench_frame_rows(ind);
    bench_frame_free(ind);
    bench_query q = BENCH_QUERY_INIT;
    if (bench_values(&f, db, &q) != BENCH_OK)
        return fp;
    uint64_t h = 1469598103934665603ull;
    for (size_t c = 0; c < bench_frame_columns(f); c++) {
        bench_column_type type;
        const void *data;
        bench_frame_column(NULL, &type, &data, f, c);
        size_t width = type == BENCH_COLUMN_F64 ? 8 : 4;
        const unsigned char *p = data;
        for (size_t i = 0; i < bench_frame_rows(f) * width; i++)
            h = (h ^ p[i]) * 1099511628211ull;
        if (type == BENCH_COLUMN_CODE) {
            const char *const *dict;
            size_t n;
            bench_frame_dictionary(&dict, &n, f, c);
            for (size_t i = 0; i < n; i++)
                for (const char *s = dict[i]; *s; s++)
                    h = (h ^ (unsigned char)*s) * 1099511628211ull;
        }
    }
    bench_frame_free(f);
    fp.hash = h;
    return fp;
}

int same_fingerprint(fingerprint a, fingerprint b)
{
    return a.count == b.count && a.areas == b.areas && a.indicators == b.indicators && a.hash == b.hash;
}

/* ---- frames ------------------------------------------------------------------ */

const char *code_at(const bench_frame *f, size_t col, size_t row)
{
    const uint32_t *codes = NULL;
    const char *const *dict = NULL;
    size_t n = 0;
    bench_column_type type;
    if (bench_frame_column(NULL, &type, (const void **)&codes, f, col) != BENCH_OK || type != BENCH_COLUMN_CODE ||
        bench_frame_dictionary(&dict, &n, f, col) != BENCH_OK || row >= bench_frame_rows(f) || codes[row] >= n)
        return "<bad code column>";
    return dict[codes[row]];
}

double f64_at(const bench_frame *f, size_t col, size_t row)
{
    const double *data = NULL;
    bench_column_type type;
    if (bench_frame_column(NULL, &type, (const void **)&data, f, col) != BENCH_OK || type != BENCH_COLUMN_F64 ||
        row >= bench_frame_rows(f))
        return -3e300;
    return data[row];
}

int32_t i32_at(const bench_frame *f, size_t col, size_t row)
{
    const int32_t *data = NULL;
    bench_column_type type;
    if (bench_frame_column(NULL, &type, (const void **)&data, f, col) != BENCH_OK || type != BENCH_COLUMN_I32 ||
        row >= bench_frame_rows(f))
        return INT32_MIN;
    return data[row];
}

int status_code(const char *name)
{
    for (int s = 0; bench_obs_status_name(s); s++)
        if (strcmp(bench_obs_status_name(s), name) == 0)
            return s;
    return -1;
}

int lookup(bench_db *db, const char *indicator, const char *area, const char *period, int gender, int kind,
           observation *out)
{
    const char *ind[] = { indicator }, *ar[] = { area }, *per[] = { period };
    bench_query q = BENCH_QUERY_INIT;
    q.indicators = ind;
    q.n_indicators = 1;
    q.areas = ar;
    q.n_areas = 1;
    q.periods = per;
    q.n_periods = 1;
    q.gender_mask = 1u << gender;
    q.kind_mask = 1u << kind;
    bench_frame *f = NULL;
    if (bench_values(&f, db, &q) != BENCH_OK)
        return -1;
    size_t n = bench_frame_rows(f);
    if (n && out) {
        out->value = f64_at(f, 5, n - 1);
        out->count = i32_at(f, 6, n - 1);
        out->status = status_code(code_at(f, 7, n - 1));
        snprintf(out->source, sizeof out->source, "%s", code_at(f, 8, n - 1));
    }
    bench_frame_free(f);
    return (int)n;
}

/* Every observation as text, one line each, in query order; the caller frees it. */
char *dump_values(bench_db *db)
{
    bench_frame *f = NULL;
    if (bench_values(&f, db, NULL) != BENCH_OK)
        return NULL;
    size_t rows = bench_frame_rows(f), cap = 256 + rows * 128, len = 0;
    char *out = malloc(cap);
    if (!out) {
        bench_frame_free(f);
        return NULL;
    }
    len += (size_t)snprintf(out, cap, "rows=%zu\n", rows);
    for (size_t r = 0; r < rows; r++) {
        char line[1024];
        int n = snprintf(line, sizeof line, "%s|%s|%s|%s|%s|%.17g|%d|%s|%s\n", code_at(f, 0, r), code_at(f, 1, r),
                         code_at(f, 2, r), code_at(f, 3, r), code_at(f, 4, r), f64_at(f, 5, r), (int)i32_at(f, 6, r),
                         code_at(f, 7, r), code_at(f, 8, r));
        if (len + (size_t)n + 1 > cap) {
            cap = (cap + (size_t)n) * 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                bench_frame_free(f);
                return NULL;
            }
            out = grown;
        }
        memcpy(out + len, line, (size_t)n + 1);
        len += (size_t)n;
    }
    bench_frame_free(f);
    return out;
}

/* ---- temporary files ------------------------------------------------------------ */

static char temp_dir_path[64];

static void remove_temp_dir(void)
{
    if (temp_dir_path[0])
        rmdir(temp_dir_path);
}

const char *temp_dir(void)
{
    if (!temp_dir_path[0]) {
        snprintf(temp_dir_path, sizeof temp_dir_path, "/tmp/kommunbench-test.XXXXXX");
        if (!mkdtemp(temp_dir_path)) {
            temp_dir_path[0] = '\0';
            return "/tmp";
        }
        atexit(remove_temp_dir);
    }
    return temp_dir_path;
}

int write_temp_file(char *path, size_t size, const char *base, const char *data, size_t len)
{
    snprintf(path, size, "%s/%s", temp_dir(), base);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t written = fwrite(data, 1, len, f);
    return fclose(f) == 0 && written == len ? 0 : -1;
}
