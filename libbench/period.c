/* period.c -- period labels (2022, 2024-T1, 2024-Q3, 2024-03) and their chronological keys. */
#include "internal.h"

#include <string.h>

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
static int64_t period_key(int year, int end_month, int type) { return (int64_t)year * 10000 + end_month * 100 + type; }

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
        if (i < len && strchr("TtQqKkMm", s[i]) && all_digits(s + i + 1, len - i - 1) && len - i - 1 <= 2) {
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
    case 'T':
    case 't':
        if (sub < 1 || sub > 3)
            return false;
        memcpy(o + 4, "-T", 2);
        o[6] = (char)('0' + sub);
        o[7] = '\0';
        *out_len = 7;
        *out_key = period_key(year, sub * 4, 3);
        return true;
    case 'Q':
    case 'q':
    case 'K':
    case 'k':
        if (sub < 1 || sub > 4)
            return false;
        memcpy(o + 4, "-Q", 2);
        o[6] = (char)('0' + sub);
        o[7] = '\0';
        *out_len = 7;
        *out_key = period_key(year, sub * 3, 2);
        return true;
    default: /* month */
        if (sub < 1 || sub > 12)
            return false;
        o[4] = '-';
        o[5] = (char)('0' + sub / 10);
        o[6] = (char)('0' + sub % 10);
        o[7] = '\0';
        *out_len = 7;
        *out_key = period_key(year, sub, 1);
        return true;
    }
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
