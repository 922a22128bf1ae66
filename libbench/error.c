/* error.c -- status texts, error records, names of enums, version, allocation. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *bench_version(void) { return BENCH_VERSION; }
int bench_version_number(void) { return BENCH_VERSION_NUMBER; }

const char *bench_strerror(int status)
{
    switch (status) {
    case BENCH_OK: return "success";
    case BENCH_ENOMEM: return "out of memory";
    case BENCH_EINVAL: return "invalid argument";
    case BENCH_EIO: return "cannot read file";
    case BENCH_EPARSE: return "malformed input";
    case BENCH_ENOTFOUND: return "not found";
    case BENCH_ELIMIT: return "limit exceeded";
    case BENCH_ECORRUPT: return "corrupt or foreign snapshot";
    case BENCH_EVERSION: return "unsupported snapshot version";
    default: return "unknown status";
    }
}

void error_clear(bench_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
}

void error_setv(bench_error *err, int code, const char *file, long line, long column,
                const char *src_file, int src_line, const char *fmt, va_list ap)
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
        snprintf(err->message, sizeof err->message, "%s:%ld:%ld: %s", shown, line, column, what);
    else if (err->file[0] && line > 0)
        snprintf(err->message, sizeof err->message, "%s:%ld: %s", shown, line, what);
    else if (err->file[0])
        snprintf(err->message, sizeof err->message, "%s: %s", shown, what);
    else
        snprintf(err->message, sizeof err->message, "%s", what);
}

void error_set(bench_error *err, int code, const char *file, long line, long column,
               const char *src_file, int src_line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_setv(err, code, file, line, column, src_file, src_line, fmt, ap);
    va_end(ap);
}

static const char *const gender_names[] = {"T", "K", "M"};
static const char *const kind_names[] = {"utfall", "målvärde", "budget", "prognos"};
static const char *const status_names[] = {"ok", "missing", "bortfall", "ej_tillämplig",
                                           "sekretess", "no_denominator", "zero_denominator"};

#define NAME_OF(table, i) \
    ((i) >= 0 && (size_t)(i) < sizeof(table) / sizeof(table[0]) ? table[i] : NULL)

const char *bench_gender_name(int gender) { return NAME_OF(gender_names, gender); }
const char *bench_kind_name(int kind) { return NAME_OF(kind_names, kind); }
const char *bench_obs_status_name(int status) { return NAME_OF(status_names, status); }

const char *gender_text(const void *unused, uint32_t code) { (void)unused; return bench_gender_name((int)code); }
const char *kind_text(const void *unused, uint32_t code) { (void)unused; return bench_kind_name((int)code); }
const char *status_text(const void *unused, uint32_t code) { (void)unused; return bench_obs_status_name((int)code); }

/* Allocation goes through here so that tests can make the n-th call fail. */
#ifdef BENCH_ALLOC_HOOK
long bench_alloc_fail_at = 0; /* test-only: fail the n-th allocation (1-based), 0 = never */
long bench_alloc_calls = 0;
static int alloc_should_fail(void)
{
    bench_alloc_calls++;
    return bench_alloc_fail_at > 0 && bench_alloc_calls == bench_alloc_fail_at;
}
#else
static int alloc_should_fail(void) { return 0; }
#endif

void *bench_malloc(size_t size) { return alloc_should_fail() ? NULL : malloc(size ? size : 1); }
void *bench_calloc(size_t n, size_t size) { return alloc_should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1); }
void *bench_realloc(void *ptr, size_t size) { return alloc_should_fail() ? NULL : realloc(ptr, size ? size : 1); }
void *bench_reallocarray(void *ptr, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return bench_realloc(ptr, n * size);
}
char *bench_strndup(const char *s, size_t len)
{
    char *d = bench_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}
void *bench_aligned_alloc(size_t bytes)
{
    return alloc_should_fail() ? NULL : aligned_alloc(64, bytes ? bytes : 64);
}
void bench_free(void *ptr) { free(ptr); }
