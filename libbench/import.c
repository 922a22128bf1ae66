/* import.c -- what every importer shares: recording errors, the source label, reading a file. */
#include "internal.h"

#include <string.h>

void import_errorv(bench_import_report *rep, bench_error *db_err, const char *name, int code, long line,
                   long column, const char *fmt, va_list ap)
{
    va_list again;
    size_t k = rep->n_errors++;
    if (k < BENCH_IMPORT_MAX_ERRORS) {
        va_copy(again, ap);
        error_setv(&rep->errors[k], code, name, line, column, __FILE__, __LINE__, fmt, again);
        va_end(again);
    }
    error_setv(db_err, code, name, line, column, __FILE__, __LINE__, fmt, ap);
}

void import_errorf(bench_import_report *rep, bench_error *db_err, const char *name, int code, long line,
                   long column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    import_errorv(rep, db_err, name, code, line, column, fmt, ap);
    va_end(ap);
}

bench_status import_source(bench_db *db, const char *option, const char *name, uint16_t *out)
{
    const char *src = option ? option : name;
    const char *slash = strrchr(src, '/');
    if (!option && slash && slash[1])
        src = slash + 1; /* a file's base name */
    uint32_t code;
    bench_status st = pool_intern(&db->sources, src, strlen(src), &code);
    *out = (uint16_t)code;
    return st;
}

bench_status import_file(bench_import_report *out, bench_db *db, const char *path, const void *opts,
                         buffer_importer importer, const char *function)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (!path)
        return DB_FAIL(db, BENCH_EINVAL, "%s: path is NULL", function);
    const char *data;
    size_t len;
    bench_status st = file_load(&data, &len, &db->err, path);
    if (st)
        return st;
    st = importer(out, db, data, len, path, opts);
    file_release(data, len);
    return st;
}

bench_status import_check_size(bench_import_report *rep, bench_db *db, const char *name, size_t len)
{
    if (len <= db->opts.max_input_bytes)
        return BENCH_OK;
    import_errorf(rep, &db->err, name, BENCH_ELIMIT, 0, 0,
                  "the input is %zu bytes, more than the limit of %zu (max_input_bytes)", len,
                  db->opts.max_input_bytes);
    return BENCH_ELIMIT;
}

/* Make (*array)[i] exist, for an array of *cap elements of `size` bytes: doubled as needed,
 * new elements zero.  False when out of memory (the array is then as it was). */
bool grow_array(void *array, size_t *cap, size_t i, size_t size)
{
    if (i < *cap)
        return true;
    size_t n = *cap ? *cap : 64;
    while (n <= i)
        n *= 2;
    char *a = bench_reallocarray(*(void **)array, n, size);
    if (!a)
        return false;
    memset(a + *cap * size, 0, (n - *cap) * size);
    *(void **)array = a;
    *cap = n;
    return true;
}
