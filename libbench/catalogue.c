/* catalogue.c -- areas (kommuner, regions, Riket, groups) and indicators, and the embedded catalogue. */
#include "internal.h"

#include <csv.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

extern const unsigned char bench_dataset_areas[];
extern const size_t bench_dataset_areas_len;
extern const unsigned char bench_dataset_indicators[];
extern const size_t bench_dataset_indicators_len;
extern const unsigned char bench_dataset_seed_figures[];
extern const size_t bench_dataset_seed_figures_len;
extern const unsigned char bench_dataset_price_index[];
extern const size_t bench_dataset_price_index_len;

bench_status bench_dataset(const char **out_data, size_t *out_len, const char *name)
{
    if (!out_data || !out_len || !name)
        return BENCH_EINVAL;
    if (strcmp(name, "areas") == 0) {
        *out_data = (const char *)bench_dataset_areas;
        *out_len = bench_dataset_areas_len;
    } else if (strcmp(name, "indicators") == 0) {
        *out_data = (const char *)bench_dataset_indicators;
        *out_len = bench_dataset_indicators_len;
    } else if (strcmp(name, "seed_figures") == 0) {
        *out_data = (const char *)bench_dataset_seed_figures;
        *out_len = bench_dataset_seed_figures_len;
    } else if (strcmp(name, "price_index") == 0) {
        *out_data = (const char *)bench_dataset_price_index;
        *out_len = bench_dataset_price_index_len;
    } else {
        return BENCH_ENOTFOUND;
    }
    return BENCH_OK;
}

/* Copies of two optional texts (NULL stays NULL); false, with neither kept, when out of memory.
 * Copied first, interned last: a failure leaves the catalogue as it was. */
static bool copy_optional(char **a, const char *text_a, char **b, const char *text_b)
{
    *a = *b = NULL;
    if ((text_a && !(*a = bench_strndup(text_a, strlen(text_a)))) ||
        (text_b && !(*b = bench_strndup(text_b, strlen(text_b))))) {
        bench_free(*a);
        *a = NULL;
        return false;
    }
    return true;
}

/* Intern a code; on failure the catalogue is put back and the two copies freed. */
static bench_status intern_or_undo(bench_db *db, bench_status (*intern)(bench_db *, const char *, size_t, uint32_t *),
                                   const char *code, size_t len, uint32_t *out, char *copy_a, char *copy_b)
{
    db_mark mark = db_mark_take(db);
    bench_status st = intern(db, code, len, out);
    if (st) {
        db_mark_rollback(db, mark);
        bench_free(copy_a);
        bench_free(copy_b);
    }
    return st;
}

bench_status bench_area_set(bench_db *db, const char *code, bench_area_type type, const char *name, const char *lan,
                            const char *kommungrupp)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    char buf[33];
    size_t len;
    if (!code || !area_code_normalize(code, strlen(code), buf, &len))
        return DB_FAIL(db, BENCH_EINVAL, "bad area code \"%s\": expected letters and digits such as 0138 or G92790",
                       code ? code : "(null)");
    if ((unsigned)type > BENCH_AREA_GROUP)
        return DB_FAIL(db, BENCH_EINVAL, "bad area type %d", (int)type);
    if (lan && strlen(lan) > 2)
        return DB_FAIL(db, BENCH_EINVAL, "bad län code \"%s\": expected two digits such as 14", lan);
    if ((name && !utf8_valid_multiline(name, strlen(name))) ||
        (kommungrupp && !utf8_valid_text(kommungrupp, strlen(kommungrupp))))
        return DB_FAIL(db, BENCH_EINVAL, "area %s: name or group is not valid UTF-8 text", buf);
    char *name_copy, *group_copy;
    if (!copy_optional(&name_copy, name, &group_copy, kommungrupp))
        return DB_FAIL(db, BENCH_ENOMEM, "out of memory");
    uint32_t k;
    bench_status st = intern_or_undo(db, db_intern_area, buf, len, &k, name_copy, group_copy);
    if (st)
        return DB_FAIL(db, st, "cannot add area %s: %s", buf, bench_strerror(st));
    area_meta *m = &db->area_meta[k];
    m->type = (uint8_t)type;
    if (name_copy) {
        bench_free(m->name);
        m->name = name_copy;
    }
    if (group_copy) {
        bench_free(m->kommungrupp);
        m->kommungrupp = group_copy;
    }
    if (lan)
        snprintf(m->lan, sizeof m->lan, "%s", lan);
    return BENCH_OK;
}

bench_status bench_group_set(bench_db *db, const char *id, const char *title, const char *const *members,
                             size_t n_members)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    char buf[33];
    size_t len;
    if (!id || !area_code_normalize(id, strlen(id), buf, &len))
        return DB_FAIL(db, BENCH_EINVAL, "bad group id \"%s\": expected letters and digits such as G36468",
                       id ? id : "(null)");
    if (!members && n_members)
        return DB_FAIL(db, BENCH_EINVAL, "bench_group_set: members is NULL");
    if (title && !utf8_valid_multiline(title, strlen(title)))
        return DB_FAIL(db, BENCH_EINVAL, "group %s: title is not valid UTF-8 text", buf);
    if (n_members > UINT16_MAX)
        return DB_FAIL(db, BENCH_ELIMIT, "group %s: more than %u members", buf, UINT16_MAX);
    int64_t existing = pool_find(&db->areas, buf, len);
    if (existing >= 0 && db->area_meta[existing].type >= BENCH_AREA_RIKET &&
        db->area_meta[existing].type <= BENCH_AREA_KOMMUN)
        return DB_FAIL(db, BENCH_EINVAL, "group id %s is the code of %s %s, not a group", buf,
                       db->area_meta[existing].type == BENCH_AREA_KOMMUN ? "the kommun" : "the region",
                       db->area_meta[existing].name ? db->area_meta[existing].name : buf);
    db_mark mark = db_mark_take(db);
    uint16_t *codes = bench_malloc((n_members ? n_members : 1) * sizeof *codes);
    char *t = title ? bench_strndup(title, strlen(title)) : NULL;
    uint32_t k;
    bench_status st = codes && (t || !title) ? BENCH_OK : BENCH_ENOMEM;
    for (size_t i = 0; !st && i < n_members; i++) {
        char mbuf[33];
        size_t mlen;
        uint32_t a;
        if (!members[i] || !area_code_normalize(members[i], strlen(members[i]), mbuf, &mlen)) {
            db_mark_rollback(db, mark);
            bench_free(codes);
            bench_free(t);
            return DB_FAIL(db, BENCH_EINVAL, "group %s: member %zu \"%s\" is no area code", buf, i,
                           members[i] ? members[i] : "(null)");
        }
        st = db_intern_area(db, mbuf, mlen, &a);
        if (!st)
            codes[i] = (uint16_t)a;
    }
    if (!st)
        st = db_intern_area(db, buf, len, &k);
    if (st) {
        db_mark_rollback(db, mark);
        bench_free(codes);
        bench_free(t);
        return DB_FAIL(db, st, "cannot add group %s: %s", buf, bench_strerror(st));
    }
    area_meta *m = &db->area_meta[k];
    if (m->type != BENCH_AREA_KOMMUNGRUPP)
        m->type = BENCH_AREA_GROUP;
    if (t) {
        bench_free(m->name);
        m->name = t;
    }
    bench_free(m->members);
    m->members = codes;
    m->n_members = (uint32_t)n_members;
    return BENCH_OK;
}

/* Mark the members of group g (listed, or by kommungrupp) in set. */
static void mark_members(const bench_db *db, uint32_t g, uint8_t *set)
{
    const area_meta *m = &db->area_meta[g];
    if (m->members) {
        for (uint32_t i = 0; i < m->n_members; i++)
            set[m->members[i]] = 1;
        return;
    }
    for (uint32_t a = 0; a < db->areas.n; a++)
        if (db->area_meta[a].type == BENCH_AREA_KOMMUN && db->area_meta[a].kommungrupp &&
            strcmp(db->area_meta[a].kommungrupp, db->areas.strs[g]) == 0)
            set[a] = 1;
}

static bool is_group(const area_meta *m) { return m->members || m->type == BENCH_AREA_KOMMUNGRUPP; }

bench_status area_selection(uint8_t **out, bench_db *db, const char *const *areas, size_t n, bool strict)
{
    uint8_t *set = bench_calloc(db->areas.n ? db->areas.n : 1, 1);
    if (!set)
        return DB_FAIL(db, BENCH_ENOMEM, "out of memory");
    if (!areas) {
        for (uint32_t a = 0; a < db->areas.n; a++)
            set[a] = db->area_meta[a].type == BENCH_AREA_KOMMUN;
    }
    for (size_t i = 0; areas && i < n; i++) {
        int64_t k = db_find(db, CODE_AREA, areas[i]);
        if (k < 0 && strict) {
            bench_free(set);
            return DB_FAIL(db, BENCH_ENOTFOUND, "area \"%s\" is neither in the catalogue nor in the data",
                           areas[i] ? areas[i] : "(null)");
        }
        if (k >= 0 && is_group(&db->area_meta[k]))
            mark_members(db, (uint32_t)k, set);
        else if (k >= 0)
            set[k] = 1;
    }
    *out = set;
    return BENCH_OK;
}

/* The areas marked in set as a frame of one CODE column "code" (sorted); frees set. */
static bench_status set_frame(bench_frame **out, bench_db *db, uint8_t *set)
{
    bench_frame *f = NULL;
    size_t n = 0;
    for (uint32_t a = 0; a < db->areas.n; a++)
        n += set[a];
    bench_status st = frame_new(&f, 1, n);
    if (!st) {
        uint32_t *codes = frame_add(f, 0, "code", BENCH_COLUMN_CODE);
        if (!codes) {
            st = BENCH_ENOMEM;
        } else {
            size_t i = 0;
            for (uint32_t a = 0; a < db->areas.n; a++)
                if (set[a])
                    codes[i++] = a;
            st = frame_compact_codes(f, 0, db->areas.n, pool_text, &db->areas, NULL);
        }
    }
    bench_free(set);
    if (st) {
        bench_frame_free(f);
        return st;
    }
    *out = f;
    return BENCH_OK;
}

bench_status bench_group_members(bench_frame **out, bench_db *db, const char *id)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (!out)
        return DB_FAIL(db, BENCH_EINVAL, "bench_group_members: out is NULL");
    *out = NULL;
    int64_t k = db_find(db, CODE_AREA, id);
    if (k < 0 || !is_group(&db->area_meta[k]))
        return DB_FAIL(db, BENCH_ENOTFOUND, "\"%s\" is no group of areas", id ? id : "(null)");
    uint8_t *set = bench_calloc(db->areas.n, 1);
    bench_status st = set ? BENCH_OK : BENCH_ENOMEM;
    if (!st) {
        mark_members(db, (uint32_t)k, set);
        st = set_frame(out, db, set);
    }
    return st ? DB_FAIL(db, st, "bench_group_members: %s", bench_strerror(st)) : BENCH_OK;
}

/* Mark the areas one name of a selection stands for (see bench_area_set_resolve). */
static bench_status mark_selection(bench_db *db, const char *name, uint8_t *set)
{
    static const char *const all_kommuner[] = { "kommuner", "alla kommuner", "all" };
    const char *s = name;
    size_t len = strlen(s);
    trim(&s, &len);
    for (size_t w = 0; w < sizeof all_kommuner / sizeof all_kommuner[0]; w++)
        if (same_ignoring_case(s, len, all_kommuner[w], strlen(all_kommuner[w]))) {
            for (uint32_t a = 0; a < db->areas.n; a++)
                set[a] |= db->area_meta[a].type == BENCH_AREA_KOMMUN;
            return BENCH_OK;
        }
    for (uint32_t g = 0; g < db->areas.n; g++) {
        const area_meta *m = &db->area_meta[g];
        if (is_group(m) && m->name && same_ignoring_case(s, len, m->name, strlen(m->name))) {
            mark_members(db, g, set);
            return BENCH_OK;
        }
    }
    if ((len == 1 || len == 2) && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[len - 1])) {
        char lan[3] = { len == 1 ? '0' : s[0], s[len - 1], '\0' };
        bool any = false;
        for (uint32_t a = 0; a < db->areas.n; a++)
            if (db->area_meta[a].type == BENCH_AREA_KOMMUN && strcmp(db->area_meta[a].lan, lan) == 0) {
                set[a] = 1;
                any = true;
            }
        if (any)
            return BENCH_OK;
    }
    int64_t k = db_find(db, CODE_AREA, name);
    if (k < 0)
        return DB_FAIL(db, BENCH_ENOTFOUND,
                       "area \"%s\" is no area code, group, kommungrupp, län "
                       "code or \"kommuner\" known to the catalogue or the data",
                       name);
    if (is_group(&db->area_meta[k]))
        mark_members(db, (uint32_t)k, set);
    else
        set[k] = 1;
    return BENCH_OK;
}

bench_status bench_area_set_resolve(bench_frame **out, bench_db *db, const char *const *names, size_t n)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (!out)
        return DB_FAIL(db, BENCH_EINVAL, "bench_area_set_resolve: out is NULL");
    *out = NULL;
    if (!names && n)
        return DB_FAIL(db, BENCH_EINVAL, "bench_area_set_resolve: names is NULL");
    for (size_t i = 0; i < n; i++)
        if (!names[i])
            return DB_FAIL(db, BENCH_EINVAL, "bench_area_set_resolve: name %zu is NULL", i);
    uint8_t *set = bench_calloc(db->areas.n ? db->areas.n : 1, 1);
    if (!set)
        return DB_FAIL(db, BENCH_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        bench_status st = mark_selection(db, names[i], set);
        if (st) {
            bench_free(set);
            return st;
        }
    }
    bench_status st = set_frame(out, db, set);
    return st ? DB_FAIL(db, st, "bench_area_set_resolve: %s", bench_strerror(st)) : BENCH_OK;
}

size_t bench_area_count(const bench_db *db) { return db ? db->areas.n : 0; }

bench_status bench_area_info(bench_area_type *out_type, const char **out_name, const char **out_lan,
                             const char **out_kommungrupp, bench_db *db, const char *code)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    int64_t k = db_find(db, CODE_AREA, code);
    if (k < 0)
        return DB_FAIL(db, BENCH_ENOTFOUND, "area \"%s\" is not in the catalogue", code ? code : "(null)");
    const area_meta *m = &db->area_meta[k];
    if (out_type)
        *out_type = (bench_area_type)m->type;
    if (out_name)
        *out_name = m->name ? m->name : "";
    if (out_lan)
        *out_lan = m->lan;
    if (out_kommungrupp)
        *out_kommungrupp = m->kommungrupp ? m->kommungrupp : "";
    return BENCH_OK;
}

/* The unit a Kolada title announces, or NULL. */
static const char *unit_from_title(const char *title)
{
    static const struct {
        const char *needle;
        const char *unit;
    } rules[] = { { "(%)", "%" },       { "kr/inv", "kr/inv" }, { ", antal", "antal" }, { "antal personal", "antal" },
                  { "dagar", "dagar" }, { "index", "index" } };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcasestr(title, rules[i].needle))
            return rules[i].unit;
    return NULL;
}

bench_status bench_indicator_set(bench_db *db, const char *id, const char *title, const char *unit,
                                 bench_direction direction)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    char buf[129];
    size_t len;
    if (!id || !indicator_id_normalize(id, strlen(id), buf, &len))
        return DB_FAIL(db, BENCH_EINVAL, "bad indicator id: expected text such as U33401");
    if (direction != BENCH_DIRECTION_DEFAULT && (direction < 0 || direction > BENCH_DIRECTION_LOWER))
        return DB_FAIL(db, BENCH_EINVAL, "bad direction %d", direction);
    if ((title && !utf8_valid_multiline(title, strlen(title))) || (unit && !utf8_valid_multiline(unit, strlen(unit))))
        return DB_FAIL(db, BENCH_EINVAL, "indicator %s: title or unit is not valid UTF-8 text", buf);
    int64_t known = indicator_find(db, buf, len);
    if (!unit && title && (known < 0 || !db->ind_meta[known].unit))
        unit = unit_from_title(title);
    char *t, *u;
    if (!copy_optional(&t, title, &u, unit))
        return DB_FAIL(db, BENCH_ENOMEM, "out of memory");
    uint32_t k;
    bench_status st = intern_or_undo(db, db_intern_indicator, buf, len, &k, t, u);
    if (st)
        return DB_FAIL(db, st, "cannot add indicator %s: %s", buf, bench_strerror(st));
    indicator_meta *m = &db->ind_meta[k];
    if (t) {
        bench_free(m->title);
        m->title = t;
    }
    if (u) {
        bench_free(m->unit);
        m->unit = u;
    }
    if (direction != BENCH_DIRECTION_DEFAULT)
        m->direction = (uint8_t)direction;
    return BENCH_OK;
}

bench_status bench_indicator_link(bench_db *db, const char *id, const char *kolada_id)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    char kbuf[129];
    size_t klen;
    uint32_t k;
    DB_REQUIRE(&k, db, CODE_INDICATOR, id, "indicator");
    char *copy = NULL;
    if (kolada_id) {
        if (!indicator_id_normalize(kolada_id, strlen(kolada_id), kbuf, &klen))
            return DB_FAIL(db, BENCH_EINVAL, "bad Kolada id \"%s\": expected e.g. U33401", kolada_id);
        if (!(copy = bench_strndup(kbuf, klen)))
            return DB_FAIL(db, BENCH_ENOMEM, "out of memory");
    }
    bench_free(db->ind_meta[k].link);
    db->ind_meta[k].link = copy;
    return BENCH_OK;
}

bench_status bench_source_prefer(bench_db *db, const char *source)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    int64_t k = source ? pool_find(&db->sources, source, strlen(source)) : -1;
    if (k < 0)
        return DB_FAIL(db, BENCH_ENOTFOUND, "no values come from a source named \"%s\"", source ? source : "(null)");
    db->source_seq[k] = ++db->import_seq;
    return BENCH_OK;
}

bench_status bench_indicator_info(const char **out_title, const char **out_unit, bench_direction *out_direction,
                                  bench_db *db, const char *id)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    uint32_t k;
    DB_REQUIRE(&k, db, CODE_INDICATOR, id, "indicator");
    const indicator_meta *m = &db->ind_meta[k];
    if (out_title)
        *out_title = m->title ? m->title : "";
    if (out_unit)
        *out_unit = m->unit ? m->unit : "";
    if (out_direction)
        *out_direction = (bench_direction)m->direction;
    return BENCH_OK;
}

/* ---- the embedded catalogue (datasets/areas.csv, datasets/indicators.csv) ---- */

enum {
    MAX_FIELDS = 5
};

typedef struct catalogue_reader {
    bench_db *db;
    size_t want; /* fields per row */
    bench_status (*apply)(bench_db *db, char **fields);
    char *fields[MAX_FIELDS];
    size_t nfields;
    long row;
    bench_status st;
} catalogue_reader;

static const char *area_type_text(const void *db_ptr, uint32_t code)
{
    const bench_db *db = db_ptr;
    const char *name = bench_area_type_name(db->area_meta[code].type);
    return name ? name : "unknown";
}

/* code,name,type,lan,kommungrupp */
static bench_status apply_area(bench_db *db, char **f)
{
    int type = bench_area_type_parse(f[2], strlen(f[2]));
    return bench_area_set(db, f[0], type < 0 ? BENCH_AREA_UNKNOWN : (bench_area_type)type, f[1], f[3],
                          f[4][0] ? f[4] : NULL);
}

/* id,title,unit,direction */
static bench_status apply_indicator(bench_db *db, char **f)
{
    int d = bench_direction_parse(f[3], strlen(f[3]));
    return bench_indicator_set(db, f[0], f[1], f[2][0] ? f[2] : NULL, d < 0 ? BENCH_DIRECTION_NONE : d);
}

static void catalogue_field(void *data, size_t len, void *arg)
{
    catalogue_reader *r = arg;
    if (r->st || r->nfields >= r->want) {
        r->nfields++;
        return;
    }
    if (!(r->fields[r->nfields++] = bench_strndup(data ? data : "", data ? len : 0)))
        r->st = BENCH_ENOMEM;
}

static void catalogue_row(int c, void *arg)
{
    (void)c;
    catalogue_reader *r = arg;
    if (!r->st && r->row++ > 0) /* row 0 is the header */
        r->st = r->nfields != r->want ? BENCH_ECORRUPT : r->apply(r->db, r->fields);
    for (size_t i = 0; i < r->want && i < r->nfields; i++) {
        bench_free(r->fields[i]);
        r->fields[i] = NULL;
    }
    r->nfields = 0;
}

static bench_status load_table(bench_db *db, const unsigned char *data, size_t len, size_t want,
                               bench_status (*apply)(bench_db *, char **))
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return BENCH_ENOMEM;
    csv_set_realloc_func(&p, bench_realloc);
    csv_set_free_func(&p, bench_free);
    catalogue_reader r = { .db = db, .want = want, .apply = apply };
    if (csv_parse(&p, data, len, catalogue_field, catalogue_row, &r) != len)
        r.st = csv_error(&p) == CSV_ENOMEM ? BENCH_ENOMEM : BENCH_ECORRUPT;
    else if (csv_fini(&p, catalogue_field, catalogue_row, &r) != 0 && !r.st)
        r.st = BENCH_ECORRUPT;
    csv_free(&p);
    for (size_t i = 0; i < MAX_FIELDS; i++)
        bench_free(r.fields[i]);
    return r.st;
}

bench_status catalogue_load_embedded(bench_db *db)
{
    bench_status st = load_table(db, bench_dataset_areas, bench_dataset_areas_len, 5, apply_area);
    if (!st)
        st = load_table(db, bench_dataset_indicators, bench_dataset_indicators_len, 4, apply_indicator);
    /* Kolada's G2328 "Alla kommuner (ovägt medel)" has the 290 kommuner as members */
    int64_t all = pool_find(&db->areas, "G2328", 5);
    if (!st && all >= 0) {
        uint16_t *members = bench_malloc(db->areas.n * sizeof *members);
        uint32_t n = 0;
        for (uint32_t a = 0; members && a < db->areas.n; a++)
            if (db->area_meta[a].type == BENCH_AREA_KOMMUN)
                members[n++] = (uint16_t)a;
        if (!members)
            st = BENCH_ENOMEM;
        else {
            db->area_meta[all].members = members;
            db->area_meta[all].n_members = n;
        }
    }
    if (st) {
        error_clear(&db->err);
        return DB_FAIL(db, st, "embedded catalogue: %s", bench_strerror(st));
    }
    return BENCH_OK;
}

/* ---- catalogue frames ------------------------------------------------------ */

static const char *area_name_text(const void *db_ptr, uint32_t code)
{
    const bench_db *db = db_ptr;
    return db->area_meta[code].name ? db->area_meta[code].name : "";
}
static const char *area_lan_text(const void *db_ptr, uint32_t code)
{
    const bench_db *db = db_ptr;
    return db->area_meta[code].lan;
}
static const char *area_group_text(const void *db_ptr, uint32_t code)
{
    const bench_db *db = db_ptr;
    return db->area_meta[code].kommungrupp ? db->area_meta[code].kommungrupp : "";
}

/* The text columns of a catalogue frame, one row per code of `codes`: column c is named names[c]
 * and holds texts[c] of each code (column 0 the code itself); a NULL text leaves column c to
 * the caller. */
typedef const char *(*code_text_fn)(const void *ctx, uint32_t code);
static bench_status catalogue_columns(bench_frame *f, size_t ncols, const char *const *names, const code_text_fn *texts,
                                      const pool *codes, const bench_db *db)
{
    bench_status st = BENCH_OK;
    for (size_t c = 0; !st && c < ncols; c++) {
        if (!texts[c])
            continue;
        uint32_t *col = frame_add(f, c, names[c], BENCH_COLUMN_CODE);
        if (!col)
            return BENCH_ENOMEM;
        for (size_t i = 0; i < codes->n; i++)
            col[i] = (uint32_t)i;
        const void *ctx = c == 0 ? (const void *)codes : (const void *)db;
        st = frame_compact_codes(f, c, codes->n, texts[c], ctx, NULL);
    }
    return st;
}

bench_status bench_areas_frame(bench_frame **out, bench_db *db)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (!out)
        return DB_FAIL(db, BENCH_EINVAL, "bench_areas_frame: out is NULL");
    *out = NULL;
    bench_frame *f = NULL;
    size_t n = db->areas.n;
    bench_status st = frame_new(&f, 5, n);
    static const char *const names[] = { "code", "name", "type", "lan", "kommungrupp" };
    static const code_text_fn texts[] = { pool_text, area_name_text, area_type_text, area_lan_text, area_group_text };
    if (!st)
        st = catalogue_columns(f, 5, names, texts, &db->areas, db);
    if (st) {
        bench_frame_free(f);
        return DB_FAIL(db, st, "bench_areas_frame: %s", bench_strerror(st));
    }
    *out = f;
    return BENCH_OK;
}

static const char *ind_title_text(const void *db_ptr, uint32_t code)
{
    const bench_db *db = db_ptr;
    return db->ind_meta[code].title ? db->ind_meta[code].title : "";
}
static const char *ind_unit_text(const void *db_ptr, uint32_t code)
{
    const bench_db *db = db_ptr;
    return db->ind_meta[code].unit ? db->ind_meta[code].unit : "";
}
static const char *ind_link_text(const void *db_ptr, uint32_t code)
{
    const bench_db *db = db_ptr;
    return db->ind_meta[code].link ? db->ind_meta[code].link : "";
}

static const char *ind_derived_text(const void *db_ptr, uint32_t code)
{
    const bench_db *db = db_ptr;
    return db->ind_meta[code].derived ? db->ind_meta[code].derived : "";
}

static const char *ind_direction_text(const void *db_ptr, uint32_t code)
{
    const bench_db *db = db_ptr;
    uint8_t d = db->ind_meta[code].direction;
    return d == BENCH_DIRECTION_NONE ? "" : bench_direction_name(d);
}

bench_status bench_indicators_frame(bench_frame **out, bench_db *db)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (!out)
        return DB_FAIL(db, BENCH_EINVAL, "bench_indicators_frame: out is NULL");
    *out = NULL;
    bench_frame *f = NULL;
    size_t n = db->indicators.n;
    bench_status st = frame_new(&f, 7, n);
    /* id, title, unit, direction (CODE), n (I32), link, derived (CODE) */
    static const char *const names[] = { "id", "title", "unit", "direction", "", "link", "derived" };
    static const code_text_fn texts[] = { pool_text, ind_title_text, ind_unit_text,   ind_direction_text,
                                          NULL,      ind_link_text,  ind_derived_text };
    if (!st)
        st = catalogue_columns(f, 7, names, texts, &db->indicators, db);
    if (!st) {
        int32_t *count = frame_add(f, 4, "n", BENCH_COLUMN_I32);
        if (!count) {
            st = BENCH_ENOMEM;
        } else {
            memset(count, 0, n * sizeof *count);
            for (size_t r = 0; r < db->obs.n; r++)
                count[db->obs.indicator[r]]++;
        }
    }
    if (st) {
        bench_frame_free(f);
        return DB_FAIL(db, st, "bench_indicators_frame: %s", bench_strerror(st));
    }
    *out = f;
    return BENCH_OK;
}

/* ---- a copy of the catalogue, to restore after a metadata import fails half-way ---- */

static char *dup_or_null(const char *s, bool *failed)
{
    if (!s)
        return NULL;
    char *d = bench_strndup(s, strlen(s));
    if (!d)
        *failed = true;
    return d;
}

void db_catalogue_copy_free(db_catalogue_copy *c)
{
    for (uint32_t i = 0; c->areas && i < c->n_areas; i++)
        area_meta_clear(&c->areas[i]);
    for (uint32_t i = 0; c->indicators && i < c->n_indicators; i++)
        indicator_meta_clear(&c->indicators[i]);
    bench_free(c->areas);
    bench_free(c->indicators);
    memset(c, 0, sizeof *c);
}

bench_status db_catalogue_copy_take(const bench_db *db, db_catalogue_copy *out)
{
    memset(out, 0, sizeof *out);
    out->areas = bench_calloc(db->areas.n ? db->areas.n : 1, sizeof *out->areas);
    out->indicators = bench_calloc(db->indicators.n ? db->indicators.n : 1, sizeof *out->indicators);
    if (!out->areas || !out->indicators) {
        db_catalogue_copy_free(out);
        return BENCH_ENOMEM;
    }
    out->n_areas = db->areas.n;
    out->n_indicators = db->indicators.n;
    bool failed = false;
    for (uint32_t i = 0; i < db->areas.n; i++) {
        const area_meta *m = &db->area_meta[i];
        area_meta *c = &out->areas[i];
        *c = *m;
        c->name = dup_or_null(m->name, &failed);
        c->kommungrupp = dup_or_null(m->kommungrupp, &failed);
        c->members = NULL;
        if (m->n_members) {
            if ((c->members = bench_malloc(m->n_members * sizeof *c->members)))
                memcpy(c->members, m->members, m->n_members * sizeof *c->members);
            else
                failed = true, c->n_members = 0;
        }
    }
    for (uint32_t i = 0; i < db->indicators.n; i++) {
        const indicator_meta *m = &db->ind_meta[i];
        indicator_meta *c = &out->indicators[i];
        c->direction = m->direction;
        c->title = dup_or_null(m->title, &failed);
        c->unit = dup_or_null(m->unit, &failed);
        c->link = dup_or_null(m->link, &failed);
        c->derived = dup_or_null(m->derived, &failed);
    }
    if (failed) {
        db_catalogue_copy_free(out);
        return BENCH_ENOMEM;
    }
    return BENCH_OK;
}

void db_catalogue_copy_restore(bench_db *db, db_catalogue_copy *c)
{
    for (uint32_t i = 0; i < c->n_areas && i < db->areas.n; i++) {
        area_meta_clear(&db->area_meta[i]);
        db->area_meta[i] = c->areas[i];
        memset(&c->areas[i], 0, sizeof c->areas[i]); /* moved */
    }
    for (uint32_t i = 0; i < c->n_indicators && i < db->indicators.n; i++) {
        indicator_meta *m = &db->ind_meta[i];
        indicator_meta_clear(m);
        *m = c->indicators[i];
        memset(&c->indicators[i], 0, sizeof c->indicators[i]);
    }
    db_catalogue_copy_free(c);
}
