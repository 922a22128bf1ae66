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

/* A label read back by bench_db_open: 1 to 4 096 bytes of UTF-8 text without control characters. */
static bool label_valid(const char *s, size_t len)
{
    return len > 0 && len <= IMPORT_SOURCE_MAX && utf8_valid_text(s, len);
}

/* A file's base name as a label: bytes that are not UTF-8 text (a tab, a newline, Latin-1 from an old
 * file system) become U+FFFD, it is cut to 4 096 bytes at a character, and an empty name is
 * "<unnamed>".  The label says where figures came from; the file's own name is in errors. */
static size_t label_from_name(char *out, const char *s)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t k = 1;
        while (k <= 4 && i + k <= len && !utf8_valid_text(s + i, k))
            k++;
        const char *piece = s + i;
        size_t plen = k;
        if (k > 4 || i + k > len) { /* no valid character starts here */
            piece = "\xEF\xBF\xBD";
            plen = 3;
            k = 1;
        }
        if (n + plen > IMPORT_SOURCE_MAX)
            break;
        memcpy(out + n, piece, plen);
        n += plen;
        i += k;
    }
    if (!n) {
        memcpy(out, "<unnamed>", 9);
        n = 9;
    }
    out[n] = '\0';
    return n;
}

bench_status import_source(bench_db *db, const char *option, const char *name, uint16_t *out)
{
    uint32_t code = 0;
    bench_status st;
    *out = 0;
    if (option) {
        if (!label_valid(option, strlen(option)))
            return BENCH_EINVAL;
        st = pool_intern(&db->sources, option, strlen(option), &code);
    } else {
        const char *src = name ? name : "";
        const char *slash = strrchr(src, '/');
        if (slash && slash[1])
            src = slash + 1; /* a file's base name */
        char *label = bench_malloc(IMPORT_SOURCE_MAX + 1);
        if (!label)
            return BENCH_ENOMEM;
        size_t len = label_from_name(label, src);
        st = pool_intern(&db->sources, label, len, &code);
        bench_free(label);
    }
    *out = (uint16_t)code;
    return st;
}

const char *import_source_problem(bench_status st)
{
    return st == BENCH_EINVAL ? "the source label must be 1 to 4096 bytes of UTF-8 text without tabs, "
                                "newlines or other control characters"
                              : bench_strerror(st);
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
    bench_status st = file_load(&data, &len, &db->err, path, db->opts.max_input_bytes, false);
    if (st == BENCH_ELIMIT) /* refused from its size, before a byte is read */
        return import_check_size(out ? out : &(bench_import_report){0}, db, path, len);
    if (st)
        return st;
    st = importer(out, db, data, len, path, opts);
    file_release(data, len, false);
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
