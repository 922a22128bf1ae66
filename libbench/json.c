/* json.c -- JSON parsing through cJSON with the place of a syntax error and a depth limit. */
#include "internal.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* 1-based line and column (in characters) of byte `offset`. */
static void place_of(const char *data, size_t offset, long *line, long *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *column = 1;
        } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
            (*column)++;
        }
    }
}

/* Offset of the first bracket that opens a level deeper than max_depth, or of the first value
 * past max_values (*too_many then true), or len if none; and whether the text ends inside a
 * string, an object or an array (*open).  Brackets inside strings do not count; a malformed text
 * is left to cJSON to report.  Values are counted as commas and opening brackets (at least one
 * per value), so cJSON, at about 64 bytes a value, is never handed more than max_values. */
enum scan_problem {
    SCAN_OK,
    SCAN_DEEP,
    SCAN_TOO_MANY,
    SCAN_NUL,
    SCAN_UNDERFLOW
};

/* A number token at data[i]: its end, and whether it underflows a double (1e-400 would become 0,
 * a silent change of value; overflow, read as infinity, is reported where the value is used).
 * strtod runs only on tokens with an exponent or of many digits, the only ones that can. */
static size_t number_end(const char *data, size_t len, size_t i, bool *underflow)
{
    size_t j = i;
    bool exponent = false;
    while (j < len && (isdigit((unsigned char)data[j]) || data[j] == '-' || data[j] == '+' || data[j] == '.' ||
                       data[j] == 'e' || data[j] == 'E')) {
        exponent |= data[j] == 'e' || data[j] == 'E';
        j++;
    }
    *underflow = false;
    if ((exponent || j - i > 300) && j - i < 512) {
        char buf[512];
        memcpy(buf, data + i, j - i);
        buf[j - i] = '\0';
        errno = 0;
        double v = strtod(buf, NULL);
        *underflow = errno == ERANGE && fabs(v) < DBL_MIN && v == 0.0;
        if (errno == ERANGE && v == 0.0) {
            /* a zero written with an exponent (0e-999) is zero, not an underflow */
            bool digit = false;
            for (size_t k = i; k < j && data[k] != 'e' && data[k] != 'E'; k++)
                digit |= data[k] >= '1' && data[k] <= '9';
            *underflow = digit;
        }
    }
    return j;
}

/* Offset of the first problem (a bracket that opens a level deeper than max_depth, a value past
 * max_values, a \u0000 in a string, a number that underflows), or len if none; and whether the
 * text ends inside a string, an object or an array (*open).  Brackets inside strings do not
 * count; a malformed text is left to cJSON to report.  Values are counted as commas and opening
 * brackets (at least one per value), so cJSON, at about 64 bytes a value, is never handed more
 * than max_values. */
static size_t scan(const char *data, size_t len, int max_depth, size_t max_values, bool *open,
                   enum scan_problem *problem)
{
    int depth = 0;
    size_t values = 1;
    bool in_string = false;
    *problem = SCAN_OK;
    *open = false;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (in_string) {
            if (c == '\\') {
                /* cJSON would cut the string at a \u0000: a code "U33\u000001" would read as "U33" */
                if (i + 5 < len && data[i + 1] == 'u' && memcmp(data + i + 2, "0000", 4) == 0) {
                    *problem = SCAN_NUL;
                    return i;
                }
                i++;
            } else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            bool underflow;
            size_t end = number_end(data, len, i, &underflow);
            if (underflow) {
                *problem = SCAN_UNDERFLOW;
                return i;
            }
            i = end - 1;
        } else if (c == '[' || c == '{' || c == ',') {
            if (++values > max_values) {
                *problem = SCAN_TOO_MANY;
                return i;
            }
            if (c != ',' && ++depth > max_depth) {
                *problem = SCAN_DEEP;
                return i;
            }
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    *open = in_string || depth > 0;
    return len;
}

struct cJSON *json_parse(const char **data, size_t *len, int max_depth, size_t max_rows, json_failure *fail)
{
    /* every row of a Kolada or SCB response is a few dozen values at most */
    size_t max_values =
        max_rows > (SIZE_MAX - 65536) / JSON_VALUES_PER_ROW ? SIZE_MAX : max_rows * JSON_VALUES_PER_ROW + 65536;
    if (*len >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
        *data += 3;
        *len -= 3;
    }
    fail->code = BENCH_EPARSE;
    fail->line = fail->column = 1;
    snprintf(fail->what, sizeof fail->what, "the input is empty");
    if (!*len)
        return NULL;
    if (utf16_bom(*data, *len)) {
        snprintf(fail->what, sizeof fail->what, "the file is UTF-16; save it as UTF-8");
        return NULL;
    }
    bool open;
    enum scan_problem problem;
    size_t at = scan(*data, *len, max_depth, max_values, &open, &problem);
    if (at < *len) {
        fail->code = problem == SCAN_DEEP || problem == SCAN_TOO_MANY ? BENCH_ELIMIT : BENCH_EPARSE;
        place_of(*data, at, &fail->line, &fail->column);
        if (problem == SCAN_TOO_MANY)
            snprintf(fail->what, sizeof fail->what, "more than %zu JSON values, too many for max_rows %zu", max_values,
                     max_rows);
        else if (problem == SCAN_DEEP)
            snprintf(fail->what, sizeof fail->what, "JSON nested deeper than %d levels (max_json_depth)", max_depth);
        else if (problem == SCAN_NUL)
            snprintf(fail->what, sizeof fail->what, "a \\u0000 (NUL) in a string: not text");
        else
            snprintf(fail->what, sizeof fail->what, "a number too small for a double (1e-400?): it would read as 0");
        return NULL;
    }
    /* cJSON_ParseWithLengthOpts keeps the error position in its end pointer
     * (its global error pointer is not thread-safe, so it is not used) */
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(*data, *len, &end, 0);
    if (root) {
        /* only white space may follow the value */
        const char *p = end ? end : *data + *len;
        while (p < *data + *len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        if (p == *data + *len)
            return root;
        cJSON_Delete(root);
        end = p;
    }
    size_t offset = end && end >= *data && end <= *data + *len ? (size_t)(end - *data) : *len;
    if (open && offset + 1 >= *len) { /* cJSON stops at the last byte of a cut text */
        place_of(*data, *len, &fail->line, &fail->column);
        snprintf(fail->what, sizeof fail->what,
                 "the file ends inside a string, object or array (truncated?): expected more");
        return NULL;
    }
    place_of(*data, offset, &fail->line, &fail->column);
    /* what stands there, up to the end of its line */
    size_t n = 0;
    while (offset + n < *len && n < 16 && (*data)[offset + n] != '\n' && (*data)[offset + n] != '\r')
        n++;
    snprintf(fail->what, sizeof fail->what,
             "malformed JSON: found \"%.*s\", expected a value, a comma, a colon or a closing bracket", (int)n,
             *data + offset);
    return NULL;
}

/* ---- streaming the rows of a large response ------------------------------------------------ */

static size_t skip_space(const char *d, size_t len, size_t i)
{
    while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r'))
        i++;
    return i;
}

/* One past the end of the JSON value at d[i]: a string, an object or an array (brackets counted,
 * strings skipped; which bracket closes which is left to cJSON), or a scalar (up to a comma, a
 * closing bracket or white space).  len when the text ends first. */
static size_t value_end(const char *d, size_t len, size_t i)
{
    if (i >= len)
        return len;
    if (d[i] == '"') {
        for (i++; i < len; i++) {
            if (d[i] == '\\')
                i++;
            else if (d[i] == '"')
                return i + 1;
        }
        return len;
    }
    if (d[i] == '{' || d[i] == '[') {
        long depth = 0;
        bool in_string = false;
        for (; i < len; i++) {
            char c = d[i];
            if (in_string) {
                if (c == '\\')
                    i++;
                else if (c == '"')
                    in_string = false;
            } else if (c == '"') {
                in_string = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return i + 1;
            }
        }
        return len;
    }
    while (i < len && d[i] != ',' && d[i] != ']' && d[i] != '}' && d[i] != ' ' && d[i] != '\t' && d[i] != '\n' &&
           d[i] != '\r')
        i++;
    return i;
}

/* The value d[a..b) parsed by cJSON on its own, or NULL when it is not exactly one value. */
static cJSON *parse_piece(const char *d, size_t a, size_t b)
{
    if (b <= a)
        return NULL;
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(d + a, b - a, &end, 0);
    if (v && end && skip_space(d, b, (size_t)(end - d)) == b)
        return v;
    cJSON_Delete(v);
    return NULL;
}

/* The elements of the array at d[*at] ('['), each parsed on its own and handed to `row`;
 * *at then past its ']'.  False when the text is not as expected or `row` says stop. */
static bool stream_array(const char *d, size_t len, size_t *at, json_row_fn row, void *payload)
{
    size_t i = skip_space(d, len, *at + 1);
    if (i < len && d[i] == ']') {
        *at = i + 1;
        return true;
    }
    for (size_t k = 0;; k++) {
        size_t e = value_end(d, len, i);
        cJSON *v = parse_piece(d, i, e);
        if (!v)
            return false;
        bool go_on = row(payload, v, k);
        cJSON_Delete(v);
        if (!go_on)
            return false;
        i = skip_space(d, len, e);
        if (i < len && d[i] == ']') {
            *at = i + 1;
            return true;
        }
        if (i >= len || d[i] != ',')
            return false;
        i = skip_space(d, len, i + 1);
    }
}

#define STREAM_MAX_KEYS 64 /* a response with more top-level keys is left to the tree */

bool json_stream_values(const char *data, size_t len, int max_depth, size_t max_rows, json_row_fn row, void *payload)
{
    size_t max_values =
        max_rows > (SIZE_MAX - 65536) / JSON_VALUES_PER_ROW ? SIZE_MAX : max_rows * JSON_VALUES_PER_ROW + 65536;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    if (!len || utf16_bom(data, len))
        return false;
    bool open;
    enum scan_problem problem;
    if (scan(data, len, max_depth, max_values, &open, &problem) < len || open)
        return false;
    size_t i = skip_space(data, len, 0);
    if (i < len && data[i] == '[') {
        if (!stream_array(data, len, &i, row, payload))
            return false;
        return skip_space(data, len, i) == len;
    }
    if (i >= len || data[i] != '{')
        return false;
    char *keys[STREAM_MAX_KEYS];
    size_t n_keys = 0;
    bool ok = false, found = false;
    i = skip_space(data, len, i + 1);
    while (n_keys < STREAM_MAX_KEYS) {
        if (i >= len || data[i] != '"')
            break;
        size_t e = value_end(data, len, i);
        cJSON *key = parse_piece(data, i, e);
        if (!cJSON_IsString(key)) {
            cJSON_Delete(key);
            break;
        }
        bool twice = false;
        for (size_t k = 0; k < n_keys && !twice; k++)
            twice = strcmp(keys[k], key->valuestring) == 0;
        keys[n_keys] = twice ? NULL : bench_strndup(key->valuestring, strlen(key->valuestring));
        cJSON_Delete(key);
        if (!keys[n_keys])
            break;
        bool is_values = strcmp(keys[n_keys++], "values") == 0;
        i = skip_space(data, len, e);
        if (i >= len || data[i] != ':')
            break;
        i = skip_space(data, len, i + 1);
        if (is_values) {
            if (i >= len || data[i] != '[' || !stream_array(data, len, &i, row, payload))
                break;
            found = true;
        } else {
            e = value_end(data, len, i);
            cJSON *v = parse_piece(data, i, e);
            cJSON_Delete(v);
            if (!v)
                break;
            i = e;
        }
        i = skip_space(data, len, i);
        if (i < len && data[i] == ',') {
            i = skip_space(data, len, i + 1);
            continue;
        }
        ok = found && i < len && data[i] == '}' && skip_space(data, len, i + 1) == len;
        break;
    }
    for (size_t k = 0; k < n_keys; k++)
        bench_free(keys[k]);
    return ok;
}
