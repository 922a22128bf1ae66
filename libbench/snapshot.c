/* snapshot.c -- save the database to one binary file and map it back, checking everything. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char MAGIC[8] = { 'K', 'B', 'S', 'N', 'A', 'P', '\r', '\n' };
#define BYTE_ORDER_MARK 0x01020304u
#define HEADER_SIZE 64
#define MAX_SECTIONS 64
#define ALIGN 64

enum section_kind {
    S_POOL_IND = 1,
    S_POOL_AREA,
    S_POOL_PERIOD,
    S_POOL_SOURCE,
    S_PERIOD_KEYS,
    S_AREA_META,
    S_IND_META,
    S_SOURCE_SEQ,
    S_COL_IND = 10,
    S_COL_AREA,
    S_COL_PERIOD,
    S_COL_SOURCE,
    S_COL_GENDER,
    S_COL_KIND,
    S_COL_STATUS,
    S_COL_VALUE,
    S_COL_COUNT
};

typedef struct header {
    char magic[8];
    uint32_t version, byte_order, header_size, n_sections;
    uint64_t file_size, n_obs, checksum, reserved[2];
} header;

typedef struct section {
    uint32_t kind, reserved;
    uint64_t offset, length;
} section;

_Static_assert(sizeof(header) == HEADER_SIZE, "snapshot header is 64 bytes");
_Static_assert(sizeof(section) == 24, "section entries are 24 bytes");

/* ---- checksum: four independent 64-bit lanes, so it runs near memory speed ---- */

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t checksum(uint64_t seed, const void *data, size_t len)
{
    const unsigned char *p = data;
    const uint64_t P1 = 0x9E3779B185EBCA87ull, P2 = 0xC2B2AE3D27D4EB4Full;
    uint64_t lane[4] = { seed ^ P1, seed ^ P2, seed + P1, seed - P2 };
    size_t i = 0;
    for (; i + 32 <= len; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * k, 8);
            lane[k] = rotl(lane[k] + w * P2, 31) * P1;
        }
    uint64_t h = rotl(lane[0], 1) ^ rotl(lane[1], 7) ^ rotl(lane[2], 12) ^ rotl(lane[3], 18);
    for (; i < len; i++)
        h = (h ^ p[i]) * P1;
    h ^= len;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    return h;
}

/* ---- writing ------------------------------------------------------------------ */

typedef struct writer {
    FILE *f;
    uint64_t pos;
    bool failed;
} writer;

static void put(writer *w, const void *data, size_t len)
{
    if (w->failed || !len)
        return;
    if (fwrite(data, 1, len, w->f) != len)
        w->failed = true;
    w->pos += len;
}

static void pad_to(writer *w, uint64_t align)
{
    static const char zeros[ALIGN];
    size_t n = (size_t)((align - w->pos % align) % align);
    put(w, zeros, n);
}

typedef struct buffer {
    char *data;
    size_t len, cap;
    bool failed;
} buffer;

static void buf_put(buffer *b, const void *data, size_t len)
{
    if (b->failed || !len) /* nothing to add (data may then be NULL) */
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len)
            cap *= 2;
        char *d = bench_realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void buf_u32(buffer *b, uint32_t v) { buf_put(b, &v, 4); }

static void buf_str(buffer *b, const char *s)
{
    uint32_t len = s ? (uint32_t)strlen(s) : 0;
    buf_u32(b, len);
    buf_put(b, s, len);
}

static void pool_blob(buffer *b, const pool *p)
{
    buf_u32(b, p->n);
    for (uint32_t i = 0; i < p->n; i++) {
        buf_u32(b, p->lens[i]);
        buf_put(b, p->strs[i], p->lens[i]);
    }
}

/* The target of a save is absent or a regular file: a FIFO, a device, a directory or a symbolic
 * link is refused (replacing it would destroy what it is, and writing through it blocks or
 * writes elsewhere). */
static bench_status save_target_check(bench_db *db, const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT)
            return BENCH_OK;
        return (error_set(&db->err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "cannot write: %s", strerror(errno)),
                BENCH_EIO);
    }
    if (S_ISREG(sb.st_mode))
        return BENCH_OK;
    return (error_set(&db->err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__,
                      "cannot write: the target exists and is not a regular file (%s)",
                      S_ISLNK(sb.st_mode)    ? "a symbolic link"
                      : S_ISDIR(sb.st_mode)  ? "a directory"
                      : S_ISFIFO(sb.st_mode) ? "a FIFO"
                                             : "a device or socket"),
            BENCH_EIO);
}

/* A new temporary file beside `path`, its name unique to this process, this database and this
 * moment (O_EXCL: two saves to one path never share one). */
static bench_status open_temp(bench_db *db, const char *path, char *tmp, size_t size, int *out_fd)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t salt = (uint64_t)(uintptr_t)db ^ ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec;
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        salt = salt * 6364136223846793005ull + 1442695040888963407ull;
        if (snprintf(tmp, size, "%s.tmp%ld.%016llx", path, (long)getpid(), (unsigned long long)salt) >= (int)size)
            return DB_FAIL(db, BENCH_EINVAL, "bench_db_save: the path is too long");
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd >= 0) {
            *out_fd = fd;
            return BENCH_OK;
        }
        if (errno != EEXIST)
            break;
    }
    return (error_set(&db->err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "cannot write: %s", strerror(errno)),
            BENCH_EIO);
}

/* After the rename: the directory entry is made durable too (best effort). */
static void sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if (snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path) >= (int)sizeof dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

bench_status bench_db_save(bench_db *db, const char *path)
{
    if (!db)
        return BENCH_EINVAL;
    error_clear(&db->err);
    if (!path)
        return DB_FAIL(db, BENCH_EINVAL, "bench_db_save: path is NULL");
    /* the small sections are built in memory first */
    enum {
        NMETA = 8
    };
    buffer meta[NMETA] = { { 0 } };
    pool_blob(&meta[0], &db->indicators);
    pool_blob(&meta[1], &db->areas);
    pool_blob(&meta[2], &db->periods);
    pool_blob(&meta[3], &db->sources);
    buf_put(&meta[4], db->period_keys, db->periods.n * sizeof *db->period_keys);
    for (uint32_t a = 0; a < db->areas.n; a++) {
        const area_meta *m = &db->area_meta[a];
        buf_put(&meta[5], &m->type, 1);
        buf_put(&meta[5], m->lan, 2);
        buf_str(&meta[5], m->name);
        buf_str(&meta[5], m->kommungrupp);
        buf_u32(&meta[5], m->n_members);
        buf_put(&meta[5], m->members, m->n_members * sizeof *m->members);
    }
    for (uint32_t k = 0; k < db->indicators.n; k++) {
        const indicator_meta *m = &db->ind_meta[k];
        buf_put(&meta[6], &m->direction, 1);
        buf_str(&meta[6], m->title);
        buf_str(&meta[6], m->unit);
        buf_str(&meta[6], m->link);
        buf_str(&meta[6], m->derived);
    }
    buf_put(&meta[7], db->source_seq, db->sources.n * sizeof *db->source_seq);
    bench_status st = BENCH_OK;
    for (int i = 0; i < NMETA; i++)
        if (meta[i].failed)
            st = BENCH_ENOMEM;
    const obs_columns *o = &db->obs;
    size_t n = o->n;
    struct {
        uint32_t kind;
        const void *data;
        size_t width;
    } cols[] = { { S_COL_IND, o->indicator, 2 }, { S_COL_AREA, o->area, 2 },     { S_COL_PERIOD, o->period, 2 },
                 { S_COL_SOURCE, o->source, 2 }, { S_COL_GENDER, o->gender, 1 }, { S_COL_KIND, o->kind, 1 },
                 { S_COL_STATUS, o->status, 1 }, { S_COL_VALUE, o->value, 8 },   { S_COL_COUNT, o->count, 4 } };
    enum {
        NCOLS = sizeof cols / sizeof cols[0],
        NSEC = NMETA + NCOLS
    };
    section table[NSEC];
    uint64_t pos = HEADER_SIZE + sizeof table;
    for (int i = 0; i < NSEC; i++) {
        pos = (pos + ALIGN - 1) / ALIGN * ALIGN;
        table[i].kind = i < NMETA ? (uint32_t)(S_POOL_IND + i) : cols[i - NMETA].kind;
        table[i].reserved = 0;
        table[i].offset = pos;
        table[i].length = i < NMETA ? meta[i].len : n * cols[i - NMETA].width;
        pos += table[i].length;
    }
    header h = { { 0 }, BENCH_SNAPSHOT_VERSION, BYTE_ORDER_MARK, HEADER_SIZE, NSEC, pos, n, 0, { 0, 0 } };
    memcpy(h.magic, MAGIC, sizeof MAGIC);
    uint64_t sum = checksum(0, table, sizeof table);
    for (int i = 0; i < NSEC; i++)
        sum = checksum(sum, i < NMETA ? (const void *)meta[i].data : cols[i - NMETA].data, table[i].length);
    h.checksum = sum;

    char tmp[4096];
    writer w = { 0 };
    int fd = -1;
    if (!st)
        st = save_target_check(db, path);
    if (!st)
        st = open_temp(db, path, tmp, sizeof tmp, &fd);
    if (!st && !(w.f = fdopen(fd, "wb"))) {
        close(fd);
        unlink(tmp);
        st = (error_set(&db->err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "cannot write: %s", strerror(errno)),
              BENCH_EIO);
    }
    if (!st) {
        put(&w, &h, sizeof h);
        put(&w, table, sizeof table);
        for (int i = 0; i < NSEC; i++) {
            pad_to(&w, ALIGN);
            put(&w, i < NMETA ? (const void *)meta[i].data : cols[i - NMETA].data, table[i].length);
        }
        int e = 0;
        if (fflush(w.f) != 0 || fsync(fileno(w.f)) != 0)
            w.failed = true, e = errno;
        if (fclose(w.f) != 0 && !e)
            w.failed = true, e = errno;
        /* the target is checked again just before the rename: a FIFO or link put there meanwhile stays */
        if (!w.failed && save_target_check(db, path) != BENCH_OK) {
            unlink(tmp);
            st = BENCH_EIO;
        } else if (w.failed || rename(tmp, path) != 0) {
            if (!e)
                e = errno;
            unlink(tmp);
            st = (error_set(&db->err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "cannot write: %s", strerror(e)),
                  BENCH_EIO);
        } else
            sync_dir(path);
    }
    if (st) {
        for (int i = 0; i < NMETA; i++)
            bench_free(meta[i].data);
        return db->err.code ? st : DB_FAIL(db, st, "bench_db_save: %s", bench_strerror(st));
    }
    for (int i = 0; i < NMETA; i++)
        bench_free(meta[i].data);
    if (st)
        return DB_FAIL(db, st, "bench_db_save: %s", bench_strerror(st));
    return BENCH_OK;
}

/* ---- reading: nothing is trusted -------------------------------------------------- */

typedef struct reader {
    const unsigned char *p;
    size_t len, pos;
    bool bad;
} reader;

static bool take(reader *r, void *out, size_t n)
{
    if (r->bad || n > r->len - r->pos) {
        r->bad = true;
        return false;
    }
    memcpy(out, r->p + r->pos, n);
    r->pos += n;
    return true;
}

/* A length-prefixed string: *out points into the mapping (not NUL-terminated). */
static bool take_str(reader *r, const char **out, uint32_t *len)
{
    if (!take(r, len, 4) || *len > r->len - r->pos) {
        r->bad = true;
        return false;
    }
    *out = (const char *)r->p + r->pos;
    r->pos += *len;
    return true;
}

typedef struct snap {
    const char *path;
    bench_error *err;
    const char *data;
    size_t len;
    const section *sec[S_COL_COUNT + 1];
    uint32_t version; /* the file's format: 1 has no "derived" in the indicator catalogue */
} snap;

static bench_status corrupt(snap *s, const char *what)
{
    error_set(s->err, BENCH_ECORRUPT, s->path, 0, 0, __FILE__, __LINE__, "not a valid kommunbench snapshot: %s", what);
    return BENCH_ECORRUPT;
}

static reader section_reader(const snap *s, int kind)
{
    reader r = { (const unsigned char *)s->data + s->sec[kind]->offset, (size_t)s->sec[kind]->length, 0, false };
    return r;
}

static bench_status load_pool(snap *s, bench_db *db, int kind, pool *p)
{
    reader r = section_reader(s, kind);
    uint32_t count;
    if (!take(&r, &count, 4) || count > p->limit)
        return corrupt(s, "a code pool is truncated or too large");
    for (uint32_t i = 0; i < count; i++) {
        const char *str;
        uint32_t len, k;
        if (!take_str(&r, &str, &len) || len == 0 || len > 4096 || !utf8_valid_text(str, len))
            return corrupt(s, "a code is not valid text");
        bench_status st = pool_intern(p, str, len, &k);
        if (st == BENCH_ENOMEM)
            return (error_set(s->err, BENCH_ENOMEM, s->path, 0, 0, __FILE__, __LINE__, "out of memory"), BENCH_ENOMEM);
        if (st || k != i)
            return corrupt(s, "a code pool repeats a code");
    }
    if (r.pos != r.len)
        return corrupt(s, "a code pool has trailing bytes");
    bench_status st = db_sync_meta(db);
    if (st)
        return (error_set(s->err, st, s->path, 0, 0, __FILE__, __LINE__, "out of memory"), st);
    return BENCH_OK;
}

static char *dup_text(reader *r, bool *bad)
{
    const char *str;
    uint32_t len;
    if (!take_str(r, &str, &len) || !utf8_valid_multiline(str, len)) {
        *bad = true;
        return NULL;
    }
    return len ? bench_strndup(str, len) : NULL;
}

static bench_status load_catalogues(snap *s, bench_db *db)
{
    reader r = section_reader(s, S_PERIOD_KEYS);
    if (r.len != (size_t)db->periods.n * sizeof(int64_t))
        return corrupt(s, "period keys do not match the periods");
    if (r.len) /* no periods: period_keys may be NULL */
        memcpy(db->period_keys, r.p, r.len);
    r = section_reader(s, S_AREA_META);
    bool bad = false;
    for (uint32_t a = 0; a < db->areas.n && !bad; a++) {
        area_meta *m = &db->area_meta[a];
        uint32_t nm;
        if (!take(&r, &m->type, 1) || m->type > BENCH_AREA_GROUP || !take(&r, m->lan, 2)) {
            bad = true;
            break;
        }
        m->lan[2] = '\0';
        m->name = dup_text(&r, &bad);
        m->kommungrupp = dup_text(&r, &bad);
        if (bad || !take(&r, &nm, 4) || nm > UINT16_MAX || (size_t)nm * 2 > r.len - r.pos) {
            bad = true;
            break;
        }
        if (nm) {
            if (!(m->members = bench_malloc(nm * sizeof *m->members)))
                return (error_set(s->err, BENCH_ENOMEM, s->path, 0, 0, __FILE__, __LINE__, "out of memory"),
                        BENCH_ENOMEM);
            take(&r, m->members, nm * sizeof *m->members);
            m->n_members = nm;
            for (uint32_t i = 0; i < nm; i++)
                if (m->members[i] >= db->areas.n)
                    bad = true;
        }
    }
    if (bad || r.bad || r.pos != r.len)
        return corrupt(s, "the area catalogue is damaged");
    r = section_reader(s, S_IND_META);
    for (uint32_t k = 0; k < db->indicators.n && !bad; k++) {
        indicator_meta *m = &db->ind_meta[k];
        if (!take(&r, &m->direction, 1) || m->direction > BENCH_DIRECTION_LOWER) {
            bad = true;
            break;
        }
        m->title = dup_text(&r, &bad);
        m->unit = dup_text(&r, &bad);
        m->link = dup_text(&r, &bad);
        if (s->version >= 2)
            m->derived = dup_text(&r, &bad);
    }
    if (bad || r.bad || r.pos != r.len)
        return corrupt(s, "the indicator catalogue is damaged");
    r = section_reader(s, S_SOURCE_SEQ);
    if (r.len != (size_t)db->sources.n * sizeof *db->source_seq)
        return corrupt(s, "the source order does not match the sources");
    if (r.len)
        memcpy(db->source_seq, r.p, r.len);
    for (uint32_t k = 0; k < db->sources.n; k++)
        if (db->source_seq[k] > db->import_seq)
            db->import_seq = db->source_seq[k];
    return BENCH_OK;
}

/* The number of codes a pool section says it holds (0 when it is too short to say): the column
 * check runs before the pools are read, beside the checksum. */
static uint32_t pool_count(const snap *s, int kind)
{
    reader r = section_reader(s, kind);
    uint32_t count = 0;
    take(&r, &count, 4);
    return count;
}

/* The column checks go over blocks of a fixed length: a loop the compiler can vectorize at -O2. */
enum {
    BLOCK = 64
};

static bool any_code_from(const uint16_t *c, size_t n, uint32_t limit)
{
    unsigned bad = 0;
    size_t r = 0;
    for (; r + BLOCK <= n; r += BLOCK)
        for (size_t k = 0; k < BLOCK; k++)
            bad |= c[r + k] >= limit;
    for (; r < n; r++)
        bad |= c[r] >= limit;
    return bad;
}

static bool any_byte_above(const uint8_t *c, size_t n, uint8_t most)
{
    unsigned bad = 0;
    size_t r = 0;
    for (; r + BLOCK <= n; r += BLOCK)
        for (size_t k = 0; k < BLOCK; k++)
            bad |= c[r + k] > most;
    for (; r < n; r++)
        bad |= c[r] > most;
    return bad;
}

/* A value (status OK) is finite, any other status has NaN: by the bits, without branches. */
static inline unsigned value_wrong(uint8_t status, uint64_t bits)
{
    const uint64_t inf = 0x7ff0000000000000ull;
    bits &= 0x7fffffffffffffffull;
    return status == BENCH_OBS_OK ? bits >= inf : bits <= inf;
}

static bool any_value_wrong(const uint8_t *status, const uint64_t *bits, size_t n)
{
    unsigned bad = 0;
    size_t r = 0;
    for (; r + BLOCK <= n; r += BLOCK)
        for (size_t k = 0; k < BLOCK; k++)
            bad |= value_wrong(status[r + k], bits[r + k]);
    for (; r < n; r++)
        bad |= value_wrong(status[r], bits[r]);
    return bad;
}

/* The work of an open shared by two threads: the checksum of every section, and the check that
 * every observation's codes are in range and its value agrees with its status.  Each is a pass
 * over the whole file; written as plain loops over one column at a time so they vectorize. */
typedef struct open_job {
    int part; /* 0: the checksum, 1: the columns */
    const snap *s;
    uint32_t n_sections;
    uint64_t n_obs;
    uint64_t sum;     /* the checksum job's result */
    bool columns_bad; /* the column job's */
} open_job;

static void *sum_sections(void *arg)
{
    open_job *j = arg;
    const section *table = (const section *)(j->s->data + HEADER_SIZE);
    uint64_t sum = checksum(0, table, j->n_sections * sizeof(section));
    for (uint32_t i = 0; i < j->n_sections; i++)
        sum = checksum(sum, j->s->data + table[i].offset, (size_t)table[i].length);
    j->sum = sum;
    return NULL;
}

static void *check_columns(void *arg)
{
    open_job *j = arg;
    const snap *s = j->s;
    size_t n = (size_t)j->n_obs;
#define COLUMN(kind, type) ((const type *)(s->data + s->sec[kind]->offset))
    static const int code_kinds[4][2] = { { S_COL_IND, S_POOL_IND },
                                          { S_COL_AREA, S_POOL_AREA },
                                          { S_COL_PERIOD, S_POOL_PERIOD },
                                          { S_COL_SOURCE, S_POOL_SOURCE } };
    bool bad = false;
    for (int k = 0; k < 4; k++)
        bad |= any_code_from(COLUMN(code_kinds[k][0], uint16_t), n, pool_count(s, code_kinds[k][1]));
    bad |= any_byte_above(COLUMN(S_COL_GENDER, uint8_t), n, BENCH_GENDER_M);
    bad |= any_byte_above(COLUMN(S_COL_KIND, uint8_t), n, BENCH_KIND_PROGNOS);
    bad |= any_byte_above(COLUMN(S_COL_STATUS, uint8_t), n, BENCH_OBS_ZERO_DENOMINATOR);
    bad |= any_value_wrong(COLUMN(S_COL_STATUS, uint8_t), COLUMN(S_COL_VALUE, uint64_t), n);
#undef COLUMN
    j->columns_bad = bad;
    return NULL;
}

bool snapshot_reseal(char *data, size_t len)
{
    header h;
    if (len < sizeof h)
        return false;
    memcpy(&h, data, sizeof h);
    if (h.n_sections == 0 || h.n_sections > MAX_SECTIONS ||
        HEADER_SIZE + (uint64_t)h.n_sections * sizeof(section) > len)
        return false;
    const section *table = (const section *)(data + HEADER_SIZE);
    for (uint32_t i = 0; i < h.n_sections; i++)
        if (table[i].offset > len || table[i].length > len - table[i].offset)
            return false;
    snap s = { NULL, NULL, data, len, { 0 }, 0 };
    open_job job = { 0, &s, h.n_sections, 0, 0, false };
    sum_sections(&job);
    h.checksum = job.sum;
    memcpy(data, &h, sizeof h);
    return true;
}

static void *open_work(void *arg) { return ((open_job *)arg)->part ? check_columns(arg) : sum_sections(arg); }

/* Files this large are checked on two threads. */
#define PARALLEL_OPEN_BYTES ((size_t)16 << 20)

static void load_columns(snap *s, bench_db *db, uint64_t n)
{
    obs_columns *o = &db->obs;
    const char *d = s->data;
    o->indicator = (uint16_t *)(d + s->sec[S_COL_IND]->offset);
    o->area = (uint16_t *)(d + s->sec[S_COL_AREA]->offset);
    o->period = (uint16_t *)(d + s->sec[S_COL_PERIOD]->offset);
    o->source = (uint16_t *)(d + s->sec[S_COL_SOURCE]->offset);
    o->gender = (uint8_t *)(d + s->sec[S_COL_GENDER]->offset);
    o->kind = (uint8_t *)(d + s->sec[S_COL_KIND]->offset);
    o->status = (uint8_t *)(d + s->sec[S_COL_STATUS]->offset);
    o->value = (double *)(d + s->sec[S_COL_VALUE]->offset);
    o->count = (int32_t *)(d + s->sec[S_COL_COUNT]->offset);
    o->n = o->cap = (size_t)n;
}

bench_status bench_db_open(bench_db **out, const char *path, bench_error *err)
{
    if (err)
        error_clear(err);
    if (!out || !path) {
        error_set(err, BENCH_EINVAL, "", 0, 0, __FILE__, __LINE__, "bench_db_open: out and path are required");
        return BENCH_EINVAL;
    }
    *out = NULL;
    snap s = { path, err, NULL, 0, { 0 }, 0 };
    bench_status st = file_load(&s.data, &s.len, err, path, SIZE_MAX, true);
    if (st)
        return st;
    header h;
    if (s.len < sizeof h) {
        file_release(s.data, s.len, true);
        return corrupt(&s, "shorter than its header (truncated?)");
    }
    memcpy(&h, s.data, sizeof h);
    s.version = h.version;
    const char *why = NULL;
    if (memcmp(h.magic, MAGIC, sizeof MAGIC) != 0)
        why = "wrong magic number (not a snapshot)";
    else if (h.byte_order != BYTE_ORDER_MARK)
        why = "written on a machine of the other byte order";
    else if (h.version > BENCH_SNAPSHOT_VERSION) {
        file_release(s.data, s.len, true);
        error_set(err, BENCH_EVERSION, path, 0, 0, __FILE__, __LINE__,
                  "snapshot format %u is newer than this library's (%d)", h.version, BENCH_SNAPSHOT_VERSION);
        return BENCH_EVERSION;
    } else if (h.version == 0 || h.header_size != HEADER_SIZE)
        why = "bad version or header size";
    else if (h.reserved[0] || h.reserved[1]) /* not covered by the checksum: must be zero */
        why = "reserved header bytes are not zero (the header is damaged)";
    else if (h.file_size != s.len)
        why = "its length differs from the length in its header (truncated or appended to)";
    else if (h.n_sections == 0 || h.n_sections > MAX_SECTIONS ||
             HEADER_SIZE + (uint64_t)h.n_sections * sizeof(section) > s.len)
        why = "bad section table";
    const section *table = (const section *)(s.data + HEADER_SIZE);
    for (uint32_t i = 0; !why && i < h.n_sections; i++) {
        const section *sec = &table[i];
        if (sec->offset > s.len || sec->length > s.len - sec->offset || sec->offset % 8 != 0)
            why = "a section lies outside the file";
        else if (sec->kind > S_COL_COUNT || sec->kind == 0 || s.sec[sec->kind])
            why = "unknown or repeated section";
        else
            s.sec[sec->kind] = sec;
    }
    static const struct {
        int kind;
        size_t width;
    } widths[] = { { S_COL_IND, 2 },    { S_COL_AREA, 2 },   { S_COL_PERIOD, 2 },
                   { S_COL_SOURCE, 2 }, { S_COL_GENDER, 1 }, { S_COL_KIND, 1 },
                   { S_COL_STATUS, 1 }, { S_COL_VALUE, 8 },  { S_COL_COUNT, 4 } };
    for (int k = S_POOL_IND; !why && k <= S_SOURCE_SEQ; k++)
        if (!s.sec[k])
            why = "a section is missing";
    for (size_t i = 0; !why && i < sizeof widths / sizeof widths[0]; i++) {
        const section *sec = s.sec[widths[i].kind];
        if (!sec || h.n_obs > UINT32_MAX || sec->length != h.n_obs * widths[i].width)
            why = "a column is missing or has the wrong length";
    }
    /* the checksum and the column check, each a pass over the file, side by side; a damaged file
     * is reported as damaged before anything else is said of it */
    open_job jobs[2] = { { 0, &s, h.n_sections, h.n_obs, 0, false }, { 1, &s, h.n_sections, h.n_obs, 0, false } };
    if (!why)
        run_pair(open_work, &jobs[0], &jobs[1], s.len >= PARALLEL_OPEN_BYTES);
    if (!why && jobs[0].sum != h.checksum)
        why = "checksum mismatch (the file is damaged)";
    if (why) {
        file_release(s.data, s.len, true);
        return corrupt(&s, why);
    }
    bench_db_options opts = BENCH_DB_OPTIONS_INIT;
    opts.load_catalogue = 0;
    bench_db *db = NULL;
    st = bench_db_new(&db, &opts, err);
    if (!st)
        st = load_pool(&s, db, S_POOL_IND, &db->indicators);
    if (!st)
        st = load_pool(&s, db, S_POOL_AREA, &db->areas);
    if (!st)
        st = load_pool(&s, db, S_POOL_PERIOD, &db->periods);
    if (!st)
        st = load_pool(&s, db, S_POOL_SOURCE, &db->sources);
    if (!st)
        st = load_catalogues(&s, db);
    if (!st && jobs[1].columns_bad)
        st = corrupt(&s, "an observation has a code, status or value out of range");
    if (st) {
        bench_db_free(db);
        file_release(s.data, s.len, true);
        return st;
    }
    load_columns(&s, db, h.n_obs);
    db->map = s.data;
    db->map_len = s.len;
    *out = db;
    return BENCH_OK;
}
