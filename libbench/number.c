/* number.c -- Swedish numbers and missing-value markers; genders and kinds from text. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Length of a space-like separator at s (ASCII space, U+00A0, U+202F), else 0. */
static size_t space_at(const char *s, size_t len)
{
    if (len >= 1 && (s[0] == ' ' || s[0] == '\t'))
        return 1;
    if (len >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if (len >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0xAF)
        return 3;
    return 0;
}

/* Length of a minus sign at s ('-', U+2212 minus, U+2013 en dash), else 0. */
static size_t minus_at(const char *s, size_t len)
{
    if (len >= 1 && s[0] == '-')
        return 1;
    if (len >= 3 && (unsigned char)s[0] == 0xE2 &&
        (((unsigned char)s[1] == 0x88 && (unsigned char)s[2] == 0x92) ||
         ((unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x93)))
        return 3;
    return 0;
}

static void trim_spaces(const char **s, size_t *len)
{
    size_t k;
    while (*len && (k = space_at(*s, *len)) != 0) {
        *s += k;
        *len -= k;
    }
    for (;;) {
        if (*len >= 1 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
            *len -= 1;
        else if (*len >= 2 && space_at(*s + *len - 2, 2) == 2)
            *len -= 2;
        else if (*len >= 3 && space_at(*s + *len - 3, 3) == 3)
            *len -= 3;
        else
            break;
    }
}


static bool ends_with_ci(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Exact conversion of normalized ASCII "[-]digits[.digits][e[-]digits]". */
static bench_status to_double(double *out, const char *buf, size_t len, uint64_t mantissa,
                              int ndigits, int exp10, bool negative)
{
    /* Clinger's fast path: both operands exact, so one rounding. */
    if (ndigits <= 19 && mantissa < (1ull << 53) && exp10 >= -22 && exp10 <= 22) {
        double v = (double)mantissa;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
        *out = negative ? -v : v;
        return BENCH_OK;
    }
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c)
        return BENCH_ENOMEM;
    char tmp[512];
    if (len >= sizeof tmp) {
        freelocale(c);
        return BENCH_EPARSE;
    }
    memcpy(tmp, buf, len);
    tmp[len] = '\0';
    errno = 0;
    char *end;
    double v = strtod_l(tmp, &end, c);
    int e = errno;
    freelocale(c);
    if (end != tmp + len || e == ERANGE || !isfinite(v))
        return BENCH_EPARSE;
    *out = v;
    return BENCH_OK;
}

bench_status bench_parse_number(double *out_value, bench_unit *out_unit, const char *text,
                                size_t len)
{
    if (!out_value || (!text && len))
        return BENCH_EINVAL;
    const char *s = text;
    trim_spaces(&s, &len);
    bench_unit unit = BENCH_UNIT_NONE;
    static const struct { const char *suffix; bench_unit unit; } units[] = {
        {"mnkr", BENCH_UNIT_MNKR}, {"mkr", BENCH_UNIT_MNKR}, {"tkr", BENCH_UNIT_TKR},
        {"kr", BENCH_UNIT_KR},     {"%", BENCH_UNIT_PERCENT}};
    bool suffix = len && (s[len - 1] == '%' || s[len - 1] == 'r' || s[len - 1] == 'R');
    for (size_t i = 0; suffix && i < sizeof units / sizeof units[0]; i++) {
        if (ends_with_ci(s, len, units[i].suffix)) {
            unit = units[i].unit;
            len -= strlen(units[i].suffix);
            trim_spaces(&s, &len);
            break;
        }
    }
    bool negative = false;
    size_t k = minus_at(s, len);
    if (k) {
        negative = true;
        s += k;
        len -= k;
    } else if (len && s[0] == '+') {
        s++;
        len--;
    }
    if (!len)
        return BENCH_EPARSE;

    /* Find the decimal separator: the last of ',' and '.', unless that kind
     * repeats (then it groups thousands, as in 1.234.567 or 1,234,567). */
    size_t n_comma = 0, n_dot = 0, last_comma = 0, last_dot = 0;
    size_t mant_end = len;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == 'e' || s[i] == 'E') {
            mant_end = i;
            break;
        }
        if (s[i] == ',') { n_comma++; last_comma = i; }
        if (s[i] == '.') { n_dot++; last_dot = i; }
    }
    char decimal = 0;
    if (n_comma && n_dot)
        decimal = last_comma > last_dot ? ',' : '.';
    else if (n_comma == 1)
        decimal = ',';
    else if (n_dot == 1)
        decimal = '.';
    if ((decimal == ',' && n_comma > 1) || (decimal == '.' && n_dot > 1))
        return BENCH_EPARSE;
    char group = 0; /* a ',' or '.' used to group thousands */
    if (n_comma && decimal != ',')
        group = ',';
    else if (n_dot && decimal != '.')
        group = '.';

    char buf[400];
    size_t b = 0;
    if (negative)
        buf[b++] = '-';
    uint64_t mantissa = 0;
    int ndigits = 0, frac_digits = 0, group_digits = -1, int_digits = 0;
    bool in_frac = false, any_digit = false;
    for (size_t i = 0; i < mant_end;) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (b + 2 >= sizeof buf)
                return BENCH_EPARSE;
            buf[b++] = c;
            any_digit = true;
            if (ndigits || c != '0' || in_frac) {
                if (ndigits < 19)
                    mantissa = mantissa * 10 + (uint64_t)(c - '0');
                ndigits++;
            }
            if (in_frac)
                frac_digits++;
            else {
                int_digits++;
                if (group_digits >= 0)
                    group_digits++;
            }
            i++;
            continue;
        }
        size_t sp = space_at(s + i, mant_end - i);
        if ((sp || c == group) && !in_frac) {
            /* a thousands separator: 1-3 digits before the first, 3 between */
            if (!int_digits || (group_digits < 0 ? int_digits > 3 : group_digits != 3))
                return BENCH_EPARSE;
            group_digits = 0;
            i += sp ? sp : 1;
            if (i >= mant_end || s[i] < '0' || s[i] > '9')
                return BENCH_EPARSE;
            continue;
        }
        if (c == decimal && !in_frac) {
            if (group_digits >= 0 && group_digits != 3)
                return BENCH_EPARSE;
            in_frac = true;
            buf[b++] = '.';
            i++;
            continue;
        }
        return BENCH_EPARSE;
    }
    if (!any_digit || (group_digits >= 0 && !in_frac && group_digits != 3))
        return BENCH_EPARSE;
    if (ndigits > 19) /* the mantissa kept 19 digits; strtod reads them all */
        mantissa = UINT64_MAX;
    int exp10 = 0;
    if (mant_end < len) {
        size_t i = mant_end + 1;
        bool eneg = false;
        buf[b++] = 'e';
        if (i < len && (s[i] == '-' || s[i] == '+')) {
            eneg = s[i] == '-';
            buf[b++] = s[i++];
        }
        if (i >= len)
            return BENCH_EPARSE;
        for (; i < len; i++) {
            if (s[i] < '0' || s[i] > '9' || b + 2 >= sizeof buf)
                return BENCH_EPARSE;
            buf[b++] = s[i];
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (s[i] - '0');
        }
        if (eneg)
            exp10 = -exp10;
        mantissa = UINT64_MAX; /* exponents take the exact slow path */
    }
    double v;
    bench_status st = to_double(&v, buf, b, mantissa, ndigits, exp10 - frac_digits, negative);
    if (st)
        return st;
    *out_value = v;
    if (out_unit)
        *out_unit = unit;
    return BENCH_OK;
}

int bench_missing_marker(const char *text, size_t len)
{
    if (!text)
        return len ? -1 : BENCH_OBS_MISSING;
    const char *s = text;
    trim_spaces(&s, &len);
    if (len == 0)
        return BENCH_OBS_MISSING;
    static const char *const missing[] = {"NA", "N/A", "NaN", "null", "None", "#N/A"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++)
        if (len == strlen(missing[i]) && strncasecmp(s, missing[i], len) == 0)
            return BENCH_OBS_MISSING;
    if (len == 2 && s[0] == '.' && s[1] == '.')
        return BENCH_OBS_SEKRETESS;
    if (len == 1 && s[0] == '.')
        return BENCH_OBS_EJ_TILLAMPLIG;
    if (minus_at(s, len) == len)
        return BENCH_OBS_BORTFALL;
    return -1;
}

static bool word_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

int gender_parse(const char *s, size_t len)
{
    trim(&s, &len);
    if (word_is(s, len, "T") || word_is(s, len, "totalt") || word_is(s, len, "total") ||
        word_is(s, len, "alla"))
        return BENCH_GENDER_T;
    if (word_is(s, len, "K") || word_is(s, len, "kvinnor") || word_is(s, len, "kvinna"))
        return BENCH_GENDER_K;
    if (word_is(s, len, "M") || word_is(s, len, "män") || word_is(s, len, "MÄN") ||
        word_is(s, len, "Män") || word_is(s, len, "man"))
        return BENCH_GENDER_M;
    return -1;
}

int kind_parse(const char *s, size_t len)
{
    trim(&s, &len);
    if (word_is(s, len, "utfall"))
        return BENCH_KIND_UTFALL;
    if (word_is(s, len, "målvärde") || word_is(s, len, "Målvärde") || word_is(s, len, "malvarde") ||
        word_is(s, len, "mål") || word_is(s, len, "Mål") || word_is(s, len, "mal"))
        return BENCH_KIND_MALVARDE;
    if (word_is(s, len, "budget"))
        return BENCH_KIND_BUDGET;
    if (word_is(s, len, "prognos"))
        return BENCH_KIND_PROGNOS;
    return -1;
}
