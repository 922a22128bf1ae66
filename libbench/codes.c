/* codes.c -- codes as the store keeps them: area, indicator and period codes read and found as the
 * importers read them, interned with their catalogue side arrays, and undone after a failed change;
 * and the words of the enumerations (genders, kinds, statuses, area types, directions), read and written. */
#include "internal.h"

#include <ctype.h>
#include <string.h>

bool area_code_normalize(const char *s, size_t len, char *buf, size_t *out_len)
{
    trim(&s, &len);
    if (len == 0 || len > 32)
        return false;
    bool digits = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isascii(c) || !isalnum(c))
            return false;
        digits = digits && isdigit(c);
    }
    /* a kommun, region or Riket is four digits (fewer are padded: spreadsheets drop zeros); a
     * group or unit id is a letter and more ("G92790", "GTRE", "V15E144001301"); a name
     * ("Boras"), a lone "G" or five digits ("01380") is no code, so its values cannot vanish
     * from comparisons as an area of their own */
    if (digits ? len > 4 : (len < 2 || !isupper((unsigned char)s[0]) || !strchr("GV", s[0])))
        return false;
    size_t pad = digits && len < 4 ? 4 - len : 0;
    memset(buf, '0', pad);
    memcpy(buf + pad, s, len);
    buf[pad + len] = '\0';
    *out_len = pad + len;
    return true;
}

bool indicator_id_normalize(const char *s, size_t len, char *buf, size_t *out_len)
{
    trim(&s, &len);
    if (len == 0 || len > 128 || !utf8_valid_text(s, len))
        return false;
    bool kolada = len == 6 && isalpha((unsigned char)s[0]);
    for (size_t i = 1; kolada && i < 6; i++)
        kolada = isdigit((unsigned char)s[i]);
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (kolada)
        buf[0] = (char)toupper((unsigned char)buf[0]);
    *out_len = len;
    return true;
}

/* One byte (or the second byte of a Latin-1 letter: Å, Ä, Ö, É ...) in lower case. */
static unsigned char fold_byte(const unsigned char *s, size_t i)
{
    unsigned char c = s[i];
    if (c >= 'A' && c <= 'Z')
        return (unsigned char)(c + 32);
    if (i > 0 && s[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
        return (unsigned char)(c + 32);
    return c;
}

bool same_ignoring_case(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (fold_byte((const unsigned char *)a, i) != fold_byte((const unsigned char *)b, i))
            return false;
    return true;
}

/* ---- the vocabulary ------------------------------------------------------ */

typedef struct word {
    const char *text;
    size_t len; /* strlen(text): the lookup, once per row of an import, compares lengths first */
    int value;
} word;

#define WORD(text, value)            \
    {                                \
        text, sizeof text - 1, value \
    }

#define N_OF(table) (sizeof(table) / sizeof(table[0]))

/* The value of the word s[0..len) (trimmed, case ignored) in a table, or -1. */
static int word_find(const word *table, size_t n, const char *s, size_t len)
{
    if (!s)
        return -1;
    trim(&s, &len);
    for (size_t i = 0; i < n; i++)
        if (table[i].len == len && same_ignoring_case(s, len, table[i].text, len))
            return table[i].value;
    return -1;
}

static const word gender_words[] = { WORD("T", BENCH_GENDER_T),      WORD("totalt", BENCH_GENDER_T),
                                     WORD("total", BENCH_GENDER_T),  WORD("alla", BENCH_GENDER_T),
                                     WORD("K", BENCH_GENDER_K),      WORD("kvinnor", BENCH_GENDER_K),
                                     WORD("kvinna", BENCH_GENDER_K), WORD("M", BENCH_GENDER_M),
                                     WORD("män", BENCH_GENDER_M),    WORD("man", BENCH_GENDER_M) };
static const char *const gender_captions[] = { "totalt", "kvinnor", "män" };

static const word kind_words[] = { WORD("utfall", BENCH_KIND_UTFALL),     WORD("bokslut", BENCH_KIND_UTFALL),
                                   WORD("målvärde", BENCH_KIND_MALVARDE), WORD("malvarde", BENCH_KIND_MALVARDE),
                                   WORD("mål", BENCH_KIND_MALVARDE),      WORD("mal", BENCH_KIND_MALVARDE),
                                   WORD("budget", BENCH_KIND_BUDGET),     WORD("prognos", BENCH_KIND_PROGNOS) };

static const char *const area_type_names[] = { "unknown", "riket", "region", "kommun", "kommungrupp", "group" };
static const char *const direction_names[] = { "none", "higher", "lower" };
static const char *const gender_names[] = { "T", "K", "M" };
static const char *const kind_names[] = { "utfall", "målvärde", "budget", "prognos" };
static const char *const status_names[] = { "ok",        "missing",        "bortfall",        "ej_tillämplig",
                                            "sekretess", "no_denominator", "zero_denominator" };

#define NAME_OF(table, i) ((i) >= 0 && (size_t)(i) < N_OF(table) ? table[i] : NULL)

const char *bench_gender_name(int gender) { return NAME_OF(gender_names, gender); }
const char *bench_kind_name(int kind) { return NAME_OF(kind_names, kind); }
const char *bench_obs_status_name(int status) { return NAME_OF(status_names, status); }

const char *gender_text(const void *unused, uint32_t code)
{
    (void)unused;
    return bench_gender_name((int)code);
}
const char *kind_text(const void *unused, uint32_t code)
{
    (void)unused;
    return bench_kind_name((int)code);
}
const char *status_text(const void *unused, uint32_t code)
{
    (void)unused;
    return bench_obs_status_name((int)code);
}

/* The index of s[0..len) among names (trimmed, case ignored), or -1. */
static int name_find(const char *const *names, size_t n, const char *s, size_t len)
{
    if (!s)
        return -1;
    trim(&s, &len);
    for (size_t i = 0; i < n; i++)
        if (same_ignoring_case(s, len, names[i], strlen(names[i])))
            return (int)i;
    return -1;
}

int bench_gender_parse(const char *text, size_t len)
{
    if (len == 1 && text) /* Kolada's own letters, once per row of a file: before the word list */
        switch (text[0]) {
        case 'T':
            return BENCH_GENDER_T;
        case 'K':
            return BENCH_GENDER_K;
        case 'M':
            return BENCH_GENDER_M;
        }
    return word_find(gender_words, N_OF(gender_words), text, len);
}

const char *bench_gender_word(int gender)
{
    return gender >= 0 && (size_t)gender < N_OF(gender_captions) ? gender_captions[gender] : NULL;
}

int bench_kind_parse(const char *text, size_t len) { return word_find(kind_words, N_OF(kind_words), text, len); }

const char *bench_area_type_name(int type)
{
    return type >= 0 && (size_t)type < N_OF(area_type_names) ? area_type_names[type] : NULL;
}

int bench_area_type_parse(const char *text, size_t len)
{
    return name_find(area_type_names, N_OF(area_type_names), text, len);
}

const char *bench_direction_name(int direction)
{
    return direction >= 0 && (size_t)direction < N_OF(direction_names) ? direction_names[direction] : NULL;
}

int bench_direction_parse(const char *text, size_t len)
{
    return name_find(direction_names, N_OF(direction_names), text, len);
}

bench_status bench_area_code_normalize(char *out_code, const char *text)
{
    size_t len;
    if (!out_code || !text)
        return BENCH_EPARSE;
    return area_code_normalize(text, strlen(text), out_code, &len) ? BENCH_OK : BENCH_EPARSE;
}

int64_t indicator_find(const bench_db *db, const char *id, size_t len)
{
    int64_t k = pool_find(&db->indicators, id, len);
    /* ids are matched without regard to case (as Kolada's are): the first spelling stays */
    for (uint32_t i = 0; k < 0 && i < db->indicators.n; i++)
        if (same_ignoring_case(db->indicators.strs[i], db->indicators.lens[i], id, len))
            k = i;
    return k;
}

bench_status db_intern_area(bench_db *db, const char *code, size_t len, uint32_t *out)
{
    bench_status st = pool_intern(&db->areas, code, len, out);
    return st ? st : db_sync_meta(db);
}

bench_status db_intern_indicator(bench_db *db, const char *id, size_t len, uint32_t *out)
{
    int64_t k = indicator_find(db, id, len);
    if (k >= 0) {
        *out = (uint32_t)k;
        return BENCH_OK;
    }
    bench_status st = pool_intern(&db->indicators, id, len, out);
    return st ? st : db_sync_meta(db);
}

void area_meta_clear(area_meta *m)
{
    bench_free(m->name);
    bench_free(m->kommungrupp);
    bench_free(m->members);
    memset(m, 0, sizeof *m);
}

/* Grow a zero-filled array to hold `need` elements. */
static bench_status grow_zeroed(void *arr, size_t *cap, size_t need, size_t size)
{
    return !need || grow_array(arr, cap, need - 1, size) ? BENCH_OK : BENCH_ENOMEM;
}

bench_status db_sync_meta(bench_db *db)
{
    bench_status st = grow_zeroed(&db->area_meta, &db->area_meta_cap, db->areas.n, sizeof *db->area_meta);
    if (!st)
        st = grow_zeroed(&db->ind_meta, &db->ind_meta_cap, db->indicators.n, sizeof *db->ind_meta);
    if (!st)
        st = grow_zeroed(&db->period_keys, &db->period_keys_cap, db->periods.n, sizeof *db->period_keys);
    if (!st)
        st = grow_zeroed(&db->source_seq, &db->source_seq_cap, db->sources.n, sizeof *db->source_seq);
    return st;
}

bench_status db_intern_period(bench_db *db, const char *label, size_t len, int64_t key, uint32_t *out)
{
    bench_status st = pool_intern(&db->periods, label, len, out);
    if (!st)
        st = db_sync_meta(db);
    if (!st)
        db->period_keys[*out] = key;
    return st;
}

db_mark db_mark_take(const bench_db *db)
{
    db_mark m = { db->indicators.n, db->areas.n, db->periods.n, db->sources.n };
    return m;
}

void db_mark_rollback(bench_db *db, db_mark m)
{
    /* Codes interned by a failed import carry no catalogue data: only the
     * import interns them, and it sets no names (areas) or titles. */
    for (uint32_t i = m.n_area; i < db->areas.n && i < db->area_meta_cap; i++)
        area_meta_clear(&db->area_meta[i]);
    for (uint32_t i = m.n_ind; i < db->indicators.n && i < db->ind_meta_cap; i++)
        indicator_meta_clear(&db->ind_meta[i]);
    pool_truncate(&db->indicators, m.n_ind);
    pool_truncate(&db->areas, m.n_area);
    pool_truncate(&db->periods, m.n_period);
    pool_truncate(&db->sources, m.n_source);
}

void indicator_meta_clear(indicator_meta *m)
{
    bench_free(m->title);
    bench_free(m->unit);
    bench_free(m->link);
    bench_free(m->derived);
    memset(m, 0, sizeof *m);
}

/* A filter set over a pool: NULL means everything passes. */
int64_t db_find(const bench_db *db, enum code_kind kind, const char *s)
{
    char buf[160];
    size_t len;
    int64_t key;
    if (!s)
        return -1;
    switch (kind) { /* each normalizer checks its own length; buf holds the longest (128) */
    case CODE_INDICATOR:
        return indicator_id_normalize(s, strlen(s), buf, &len) ? indicator_find(db, buf, len) : -1;
    case CODE_AREA:
        return area_code_normalize(s, strlen(s), buf, &len) ? pool_find(&db->areas, buf, len) : -1;
    default:
        return period_parse(s, strlen(s), buf, &len, &key) ? pool_find(&db->periods, buf, len) : -1;
    }
}
