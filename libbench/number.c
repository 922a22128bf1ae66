/* number.c -- Swedish numbers, missing-value markers, periods, genders and kinds. */
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

void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
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

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return len > 0;
}

static int num(const char *s, size_t len)
{
    int v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Key: year, end month of the period, then a type so that months, quarters,
 * tertials and the year that end in the same month sort in that order. */
static int64_t period_key(int year, int end_month, int type)
{
    return (int64_t)year * 10000 + end_month * 100 + type;
}

bool period_parse(const char *s, size_t len, char *buf, size_t *out_len, int64_t *out_key)
{
    trim(&s, &len);
    /* A year written as a number, "2022.0", is still a year. */
    if (len == 6 && s[4] == '.' && s[5] == '0')
        len = 4;
    char letter = 0;
    int year = 0, sub = 0;
    if (len == 4 && all_digits(s, 4)) {
        year = num(s, 4);
    } else if (len >= 6 && all_digits(s, 4)) {
        /* 2024-T1, 2024T1, 2024 T1, 2024-Q3, 2024K3, 2024-03, 2024M03 */
        size_t i = 4;
        if (s[i] == '-' || s[i] == ' ' || s[i] == ':')
            i++;
        year = num(s, 4);
        if (i < len && strchr("TtQqKkMm", s[i]) && all_digits(s + i + 1, len - i - 1) &&
            len - i - 1 <= 2) {
            letter = s[i];
            sub = num(s + i + 1, len - i - 1);
        } else if (len - i == 2 && i == 5 && s[4] == '-' && all_digits(s + i, 2)) {
            letter = 'M';
            sub = num(s + i, 2);
        } else {
            return false;
        }
    } else if (len >= 6 && strchr("TtQqKk", s[0]) && s[1] >= '1' && s[1] <= '4') {
        /* T1 2024, Q3-2024 */
        size_t i = 2;
        if (s[i] == '-' || s[i] == ' ')
            i++;
        if (len - i != 4 || !all_digits(s + i, 4))
            return false;
        letter = s[0];
        sub = s[1] - '0';
        year = num(s + i, 4);
    } else {
        return false;
    }
    if (year < 1000 || year > 9999)
        return false;
    /* written by hand: snprintf showed up in import profiles */
    char *o = buf;
    o[0] = (char)('0' + year / 1000);
    o[1] = (char)('0' + year / 100 % 10);
    o[2] = (char)('0' + year / 10 % 10);
    o[3] = (char)('0' + year % 10);
    switch (letter) {
    case 0:
        o[4] = '\0';
        *out_len = 4;
        *out_key = period_key(year, 12, 4);
        return true;
    case 'T': case 't':
        if (sub < 1 || sub > 3) return false;
        memcpy(o + 4, "-T", 2);
        o[6] = (char)('0' + sub);
        o[7] = '\0';
        *out_len = 7;
        *out_key = period_key(year, sub * 4, 3);
        return true;
    case 'Q': case 'q': case 'K': case 'k':
        if (sub < 1 || sub > 4) return false;
        memcpy(o + 4, "-Q", 2);
        o[6] = (char)('0' + sub);
        o[7] = '\0';
        *out_len = 7;
        *out_key = period_key(year, sub * 3, 2);
        return true;
    default: /* month */
        if (sub < 1 || sub > 12) return false;
        o[4] = '-';
        o[5] = (char)('0' + sub / 10);
        o[6] = (char)('0' + sub % 10);
        o[7] = '\0';
        *out_len = 7;
        *out_key = period_key(year, sub, 1);
        return true;
    }
}

bool utf8_valid_text(const char *s, size_t len) { return utf8_valid(s, len, false); }
bool utf8_valid_multiline(const char *s, size_t len) { return utf8_valid(s, len, true); }

bool utf16_bom(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    return len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF));
}

bool utf8_valid(const char *s, size_t len, bool newlines)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && !(newlines && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
                return false;
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
        else return false;
        if (i + n >= len)
            return false;
        for (size_t j = 1; j <= n; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + j] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFEFF)
            return false;
        i += n + 1;
    }
    return true;
}

bench_status bench_period_parse(char *out_label, int64_t *out_key, const char *text)
{
    char buf[BENCH_PERIOD_LABEL_SIZE];
    size_t len;
    int64_t key;
    if (!text || !period_parse(text, strlen(text), buf, &len, &key))
        return BENCH_EPARSE;
    if (out_label)
        memcpy(out_label, buf, len + 1);
    if (out_key)
        *out_key = key;
    return BENCH_OK;
}
