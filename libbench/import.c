/* import.c -- what every importer shares: one all-or-nothing transaction and its errors, the source
 * label, reading a file. */
#include "internal.h"

#include <string.h>

/* ---- one transaction ------------------------------------------------------------------- */

bench_status import_begin(import_txn *t, bench_db *db, const char *name, size_t len, const char *source,
                          uint16_t *out_source)
{
    memset(t, 0, sizeof *t);
    t->db = db;
    t->err = &db->err;
    t->name = name ? name : "<buffer>";
    t->mark = db_mark_take(db);
    if (db->import_open) { /* its rollback would undo this import's codes, its commit miss them */
        IMPORT_ERROR(t, BENCH_EINVAL, 0, 0,
                     "an import transaction (bench_import_begin) is open on this database: commit it or "
                     "roll it back first");
        return BENCH_EINVAL;
    }
    bench_status st = import_check_size(t, len);
    if (!st && out_source) {
        *out_source = 0;
        st = import_source(db, source, t->name, out_source);
        if (st)
            IMPORT_ERROR(t, st, 0, 0, "cannot add source: %s", import_source_problem(st));
    }
    return st;
}

bench_status import_check_size(import_txn *t, size_t len)
{
    if (len <= t->db->opts.max_input_bytes)
        return BENCH_OK;
    IMPORT_ERROR(t, BENCH_ELIMIT, 0, 0, "the input is %zu bytes, more than the limit of %zu (max_input_bytes)", len,
                 t->db->opts.max_input_bytes);
    return BENCH_ELIMIT;
}

bench_status import_keep_catalogue(import_txn *t)
{
    if (t->have_copy)
        return BENCH_OK;
    bench_status st = db_catalogue_copy_take(t->db, &t->copy);
    if (st)
        IMPORT_ERROR(t, st, 0, 0, "cannot keep the catalogue: %s", bench_strerror(st));
    else
        t->have_copy = true;
    return st;
}

void import_error_at(import_txn *t, const char *src_file, int src_line, int code, long line, long column,
                     const char *fmt, ...)
{
    va_list ap;
    if (t->place)
        t->place(&line, &column, t->place_payload);
    size_t k = t->rep.n_errors++;
    if (k < BENCH_IMPORT_MAX_ERRORS) {
        va_start(ap, fmt);
        error_setv(&t->rep.errors[k], code, t->name, line, column, src_file, src_line, fmt, ap);
        va_end(ap);
    }
    va_start(ap, fmt);
    error_setv(t->err, code, t->name, line, column, src_file, src_line, fmt, ap);
    va_end(ap);
    if (!t->failed)
        t->code = code;
    t->failed = true;
    if (code != BENCH_EPARSE || t->rep.n_errors >= BENCH_IMPORT_MAX_ERRORS)
        t->stop = true;
}

bench_status import_merge(import_txn *t, obs_columns *staged, uint32_t *tags, merge_conflict *conflict)
{
    if (t->failed)
        return (bench_status)t->code;
    size_t n = staged->n; /* the merge may take the staged columns */
    bench_status st = n ? db_merge(t->db, staged, tags, &t->rep.replaced, conflict) : BENCH_OK;
    if (st == BENCH_EPARSE && conflict)
        return st; /* the importer names the two rows */
    if (st)
        IMPORT_ERROR(t, st, 0, 0, "cannot store the values: %s", bench_strerror(st));
    else
        t->rep.accepted += n;
    return st;
}

void import_rollback(import_txn *t)
{
    if (t->have_copy)
        db_catalogue_copy_restore(t->db, &t->copy);
    t->have_copy = false;
    db_mark_rollback(t->db, t->mark);
}

bench_status import_end(bench_import_report *out, import_txn *t)
{
    bench_status st = BENCH_OK;
    if (t->failed) {
        st = t->code ? (bench_status)t->code : BENCH_EPARSE;
        import_rollback(t);
        t->rep.accepted = 0;
        t->rep.missing = 0;
    } else if (t->have_copy) {
        db_catalogue_copy_free(&t->copy);
        t->have_copy = false;
    }
    t->rep.skipped = t->rep.skipped_blank + t->rep.skipped_filtered + t->rep.skipped_deleted;
    if (out)
        *out = t->rep;
    return st;
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
    IMPORT_CALL_BEGIN(out, db);
    if (!path)
        return DB_FAIL(db, BENCH_EINVAL, "%s: path is NULL", function);
    const char *data;
    size_t len;
    bench_status st = file_load(&data, &len, &db->err, path, db->opts.max_input_bytes, false);
    if (st == BENCH_ELIMIT) { /* refused from its size, before a byte is read */
        import_txn t;
        import_begin(&t, db, path, len, NULL, NULL);
        return import_end(out, &t);
    }
    if (st)
        return st;
    st = importer(out, db, data, len, path, opts);
    file_release(data, len, false);
    return st;
}
