/* number.c -- Swedish numbers and missing-value markers. */
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
    if (len >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xAF)
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

static const double pow10_exact[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* Exact conversion of normalized ASCII "[-]digits[.digits][e[-]digits]". */
static bench_status to_double(double *out, const char *buf, size_t len, uint64_t mantissa, int ndigits, int exp10,
                              bool negative)
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

/* A unit written after the number ("12 kr", "3,5 %", "1 200 tkr"): removed from the text. */
static bench_unit strip_unit(const char **s, size_t *len)
{
    static const struct {
        const char *suffix;
        bench_unit unit;
    } units[] = { { "mnkr", BENCH_UNIT_MNKR },
                  { "mkr", BENCH_UNIT_MNKR },
                  { "tkr", BENCH_UNIT_TKR },
                  { "kr", BENCH_UNIT_KR },
                  { "%", BENCH_UNIT_PERCENT } };
    char last = *len ? (*s)[*len - 1] : 0;
    if (last != '%' && last != 'r' && last != 'R')
        return BENCH_UNIT_NONE;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (ends_with_ci(*s, *len, units[i].suffix)) {
            *len -= strlen(units[i].suffix);
            trim_spaces(s, len);
            return units[i].unit;
        }
    }
    return BENCH_UNIT_NONE;
}

/* A leading sign: true for a minus (any of the minus signs), removed with a '+'. */
static bool strip_sign(const char **s, size_t *len)
{
    size_t k = minus_at(*s, *len);
    if (k) {
        *s += k;
        *len -= k;
        return true;
    }
    if (*len && **s == '+') {
        (*s)++;
        (*len)--;
    }
    return false;
}

/* The end of the mantissa (an 'e' or 'E', else len) and its separators: the decimal one is the
 * last of ',' and '.', unless that kind repeats (then it groups thousands, as in 1.234.567 or
 * 1,234,567).  False when the decimal separator repeats. */
static bool find_separators(const char *s, size_t len, size_t *end, char *decimal, char *group)
{
    size_t n_comma = 0, n_dot = 0, last_comma = 0, last_dot = 0, i = 0;
    for (; i < len && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == ',') {
            n_comma++;
            last_comma = i;
        }
        if (s[i] == '.') {
            n_dot++;
            last_dot = i;
        }
    }
    *end = i;
    *decimal = 0;
    if (n_comma && n_dot)
        *decimal = last_comma > last_dot ? ',' : '.';
    else if (n_comma == 1)
        *decimal = ',';
    else if (n_dot == 1)
        *decimal = '.';
    if ((*decimal == ',' && n_comma > 1) || (*decimal == '.' && n_dot > 1))
        return false;
    *group = 0; /* a ',' or '.' used to group thousands */
    if (n_comma && *decimal != ',')
        *group = ',';
    else if (n_dot && *decimal != '.')
        *group = '.';
    return true;
}

unsigned number_separator_roles(const char *s, size_t len)
{
    size_t end;
    char decimal, group;
    find_separators(s, len, &end, &decimal, &group);
    return (decimal == '.' ? 1u : 0u) | (group == '.' ? 2u : 0u) | (decimal == ',' ? 4u : 0u) |
           (group == ',' ? 8u : 0u);
}

/* The number as plain ASCII for strtod ("-1234.5e3") and as a mantissa for the fast path. */
typedef struct plain_number {
    char buf[400];
    size_t b;
    uint64_t mantissa; /* the first 19 significant digits, or UINT64_MAX for the slow path */
    int ndigits;       /* significant digits */
    int frac_digits;
    int exp10; /* the written exponent */
} plain_number;

/* The digits of s[0..end) with their thousands groups (1-3 digits before the first separator,
 * 3 between) and decimal part. */
static bool read_mantissa(plain_number *p, const char *s, size_t end, char decimal, char group)
{
    /* in locals, not through p: every byte written to p->buf could alias p's other fields */
    char *buf = p->buf;
    size_t b = p->b;
    uint64_t mantissa = 0;
    int ndigits = 0, frac_digits = 0, group_digits = -1, int_digits = 0;
    bool in_frac = false, any_digit = false;
    for (size_t i = 0; i < end;) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (b + 2 >= sizeof p->buf)
                return false;
            buf[b++] = c;
            any_digit = true;
            if (ndigits || c != '0' || in_frac) {
                if (ndigits < 19)
                    mantissa = mantissa * 10 + (uint64_t)(c - '0');
                ndigits++;
            }
            if (in_frac) {
                frac_digits++;
            } else {
                int_digits++;
                if (group_digits >= 0)
                    group_digits++;
            }
            i++;
            continue;
        }
        size_t sp = space_at(s + i, end - i);
        if ((sp || c == group) && !in_frac) {
            if (!int_digits || (group_digits < 0 ? int_digits > 3 : group_digits != 3))
                return false;
            group_digits = 0;
            i += sp ? sp : 1;
            if (i >= end || s[i] < '0' || s[i] > '9')
                return false;
            continue;
        }
        if (c == decimal && !in_frac) {
            if (group_digits >= 0 && group_digits != 3)
                return false;
            in_frac = true;
            buf[b++] = '.';
            i++;
            continue;
        }
        return false;
    }
    if (!any_digit || (group_digits >= 0 && !in_frac && group_digits != 3))
        return false;
    p->b = b;
    p->ndigits = ndigits;
    p->frac_digits = frac_digits;
    p->mantissa = ndigits > 19 ? UINT64_MAX : mantissa; /* 19 digits kept; strtod reads them all */
    return true;
}

/* The exponent after 'e' or 'E' in s[0..len): [+-]digits. */
static bool read_exponent(plain_number *p, const char *s, size_t len)
{
    size_t i = 0;
    bool negative = false;
    p->buf[p->b++] = 'e';
    if (i < len && (s[i] == '-' || s[i] == '+')) {
        negative = s[i] == '-';
        p->buf[p->b++] = s[i++];
    }
    if (i >= len)
        return false;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || p->b + 2 >= sizeof p->buf)
            return false;
        p->buf[p->b++] = s[i];
        if (p->exp10 < 100000)
            p->exp10 = p->exp10 * 10 + (s[i] - '0');
    }
    if (negative)
        p->exp10 = -p->exp10;
    p->mantissa = UINT64_MAX; /* exponents take the exact slow path */
    return true;
}

/* The common case in one pass: [-]digits with at most one '.' or ',' as the decimal separator,
 * at most 18 digits and nothing else (no spaces, units, groups or exponent).  Anything else is
 * left to the general reading, which gives these the same value (the same fast path of
 * to_double, as one separator of either kind is the decimal one). */
static bool parse_plain(double *out, const char *s, size_t len)
{
    bool negative = len && s[0] == '-';
    uint64_t mantissa = 0;
    int digits = 0, frac = -1;
    for (size_t i = negative; i < len; i++) {
        unsigned d = (unsigned)((unsigned char)s[i] - '0');
        if (d <= 9) {
            mantissa = mantissa * 10 + d;
            digits++;
            frac += frac >= 0;
        } else if ((s[i] == '.' || s[i] == ',') && frac < 0) {
            frac = 0;
        } else {
            return false;
        }
    }
    if (!digits || digits > 18 || mantissa >= (1ull << 53))
        return false;
    double v = frac > 0 ? (double)mantissa / pow10_exact[frac] : (double)mantissa;
    *out = negative ? -v : v;
    return true;
}

bench_status bench_parse_number(double *out_value, bench_unit *out_unit, const char *text, size_t len)
{
    if (!out_value || (!text && len))
        return BENCH_EINVAL;
    if (parse_plain(out_value, text, len)) {
        if (out_unit)
            *out_unit = BENCH_UNIT_NONE;
        return BENCH_OK;
    }
    const char *s = text;
    trim_spaces(&s, &len);
    bench_unit unit = strip_unit(&s, &len);
    bool negative = strip_sign(&s, &len);
    if (!len)
        return BENCH_EPARSE;
    size_t mant_end;
    char decimal, group;
    plain_number p;
    p.b = 0;
    p.exp10 = 0;
    if (negative)
        p.buf[p.b++] = '-';
    if (!find_separators(s, len, &mant_end, &decimal, &group) || !read_mantissa(&p, s, mant_end, decimal, group) ||
        (mant_end < len && !read_exponent(&p, s + mant_end + 1, len - mant_end - 1)))
        return BENCH_EPARSE;
    double v;
    bench_status st = to_double(&v, p.buf, p.b, p.mantissa, p.ndigits, p.exp10 - p.frac_digits, negative);
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
    static const char *const missing[] = { "NA", "N/A", "NaN", "null", "None", "#N/A" };
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
