/* error.c -- status texts, error records and the version. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *bench_version(void) { return BENCH_VERSION; }
int bench_version_number(void) { return BENCH_VERSION_NUMBER; }

const char *bench_strerror(int status)
{
    switch (status) {
    case BENCH_OK:
        return "success";
    case BENCH_ENOMEM:
        return "out of memory";
    case BENCH_EINVAL:
        return "invalid argument";
    case BENCH_EIO:
        return "cannot read file";
    case BENCH_EPARSE:
        return "malformed input";
    case BENCH_ENOTFOUND:
        return "not found";
    case BENCH_ELIMIT:
        return "limit exceeded";
    case BENCH_ECORRUPT:
        return "corrupt or foreign snapshot";
    case BENCH_EVERSION:
        return "unsupported snapshot version";
    default:
        return "unknown status";
    }
}

void error_clear(bench_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
}

void error_setv(bench_error *err, int code, const char *file, long line, long column, const char *src_file,
                int src_line, const char *fmt, va_list ap)
{
    if (!err || err->code != BENCH_OK)
        return; /* the first error of a call wins */
    err->code = code;
    err->line = line;
    err->column = column;
    err->source_file = src_file;
    err->source_line = src_line;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    /* long paths are cut from the left in the message: the name matters most */
    const char *shown = err->file;
    size_t flen = strlen(shown);
    if (flen > 96)
        shown += flen - 96;
    char what[BENCH_ERROR_MESSAGE_SIZE / 2 + 64];
    vsnprintf(what, sizeof what, fmt, ap);
    snprintf(err->text, sizeof err->text, "%s", what);
    if (err->file[0] && line > 0 && column > 0)
        text_format(err->message, sizeof err->message, "%s:%ld:%ld: %s", shown, line, column, what);
    else if (err->file[0] && line > 0)
        text_format(err->message, sizeof err->message, "%s:%ld: %s", shown, line, what);
    else if (err->file[0])
        text_format(err->message, sizeof err->message, "%s: %s", shown, what);
    else
        text_format(err->message, sizeof err->message, "%s", what);
}

void error_set(bench_error *err, int code, const char *file, long line, long column, const char *src_file, int src_line,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_setv(err, code, file, line, column, src_file, src_line, fmt, ap);
    va_end(ap);
}
