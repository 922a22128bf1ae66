/* frame.c -- result tables: typed columns owned by C, viewed by Python without a copy. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

bench_status frame_new(bench_frame **out, size_t ncols, size_t rows)
{
    bench_frame *f = bench_calloc(1, sizeof *f);
    if (!f)
        return BENCH_ENOMEM;
    f->cols = bench_calloc(ncols, sizeof *f->cols);
    if (!f->cols) {
        bench_free(f);
        return BENCH_ENOMEM;
    }
    f->ncols = ncols;
    f->rows = rows;
    *out = f;
    return BENCH_OK;
}

void bench_frame_free(bench_frame *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->ncols; i++) {
        bench_free(f->cols[i].name);
        bench_free(f->cols[i].data);
        bench_free(f->cols[i].dict);
        bench_free(f->cols[i].dict_blob);
    }
    for (size_t i = 0; i < f->nmeta * 2; i++)
        bench_free(f->meta[i]);
    bench_free(f->meta);
    bench_free(f->cols);
    bench_free(f);
}

void *frame_add(bench_frame *f, size_t i, const char *name, bench_column_type type)
{
    frame_col *c = &f->cols[i];
    c->name = bench_strndup(name, strlen(name));
    if (!c->name)
        return NULL;
    size_t width = type == BENCH_COLUMN_F64 ? sizeof(double) : sizeof(uint32_t);
    /* 64-byte alignment suits numpy and Arrow views */
    size_t bytes = f->rows * width;
    if (f->rows && bytes / width != f->rows)
        return NULL;
    bytes = (bytes + 63) & ~(size_t)63;
    c->data = bench_aligned_alloc(bytes);
    c->type = type;
    return c->data;
}

const int64_t enum_rank[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

typedef struct rank_ctx {
    const int64_t *rank;
    const char *(*text)(const void *, uint32_t);
    const void *ctx;
} rank_ctx;

static int by_rank(const void *a, const void *b, void *arg)
{
    const rank_ctx *r = arg;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (r->rank)
        return (r->rank[x] > r->rank[y]) - (r->rank[x] < r->rank[y]);
    return strcmp(r->text(r->ctx, x), r->text(r->ctx, y));
}

bench_status frame_compact_codes(bench_frame *f, size_t i, size_t n_universe,
                                 const char *(*text)(const void *ctx, uint32_t code), const void *ctx,
                                 const int64_t *rank)
{
    frame_col *c = &f->cols[i];
    uint32_t *codes = c->data;
    uint32_t *remap = bench_calloc(n_universe ? n_universe : 1, sizeof *remap);
    if (!remap)
        return BENCH_ENOMEM;
    /* remap[u] = 1 marks a used code; later it holds the new code + 1 */
    for (size_t r = 0; r < f->rows; r++)
        remap[codes[r]] = 1;
    size_t nused = 0;
    for (size_t u = 0; u < n_universe; u++)
        nused += remap[u] != 0;
    uint32_t *used = bench_malloc((nused ? nused : 1) * sizeof *used);
    char **dict = bench_malloc((nused ? nused : 1) * sizeof *dict);
    if (!used || !dict) {
        bench_free(remap);
        bench_free(used);
        bench_free(dict);
        return BENCH_ENOMEM;
    }
    size_t k = 0, blob_len = 0;
    for (size_t u = 0; u < n_universe; u++)
        if (remap[u]) {
            used[k++] = (uint32_t)u;
            blob_len += strlen(text(ctx, (uint32_t)u)) + 1;
        }
    rank_ctx rc = { rank, text, ctx };
    qsort_r(used, nused, sizeof *used, by_rank, &rc);
    char *blob = bench_malloc(blob_len ? blob_len : 1);
    if (!blob) {
        bench_free(remap);
        bench_free(used);
        bench_free(dict);
        return BENCH_ENOMEM;
    }
    /* Equal texts share one entry, so the dictionary holds distinct strings. */
    char *p = blob;
    size_t ndict = 0;
    for (size_t j = 0; j < nused; j++) {
        const char *t = text(ctx, used[j]);
        if (!ndict || strcmp(dict[ndict - 1], t) != 0) {
            size_t len = strlen(t) + 1;
            memcpy(p, t, len);
            dict[ndict++] = p;
            p += len;
        }
        remap[used[j]] = (uint32_t)(ndict - 1);
    }
    for (size_t r = 0; r < f->rows; r++)
        codes[r] = remap[codes[r]];
    bench_free(remap);
    bench_free(used);
    c->dict = dict;
    c->dict_blob = blob;
    c->ndict = ndict;
    return BENCH_OK;
}

typedef struct compact_job {
    bench_frame *f;
    const frame_codes *columns;
    size_t n, first; /* this job's columns: first, first + 2, ... */
    bench_status status;
} compact_job;

static void *compact_some(void *arg)
{
    compact_job *j = arg;
    for (size_t k = j->first; k < j->n && !j->status; k += 2) {
        const frame_codes *c = &j->columns[k];
        j->status = frame_compact_codes(j->f, c->column, c->n_universe, c->text, c->ctx, c->rank);
    }
    return NULL;
}

bench_status frame_compact_columns(bench_frame *f, const frame_codes *columns, size_t n)
{
    /* each column is two passes over its rows and a small table: independent of the others */
    compact_job jobs[2] = { { f, columns, n, 0, BENCH_OK }, { f, columns, n, 1, BENCH_OK } };
    run_pair(compact_some, &jobs[0], &jobs[1], f->rows >= PARALLEL_MIN_ROWS && n > 1);
    return jobs[0].status ? jobs[0].status : jobs[1].status;
}

bench_status frame_set_meta(bench_frame *f, const char *key, const char *value)
{
    char **meta = bench_reallocarray(f->meta, (f->nmeta + 1) * 2, sizeof *meta);
    if (!meta)
        return BENCH_ENOMEM;
    f->meta = meta;
    char *k = bench_strndup(key, strlen(key));
    char *v = bench_strndup(value, strlen(value));
    if (!k || !v) {
        bench_free(k);
        bench_free(v);
        return BENCH_ENOMEM;
    }
    meta[f->nmeta * 2] = k;
    meta[f->nmeta * 2 + 1] = v;
    f->nmeta++;
    return BENCH_OK;
}

size_t bench_frame_rows(const bench_frame *f) { return f ? f->rows : 0; }
size_t bench_frame_columns(const bench_frame *f) { return f ? f->ncols : 0; }

bench_status bench_frame_column(const char **out_name, bench_column_type *out_type, const void **out_data,
                                const bench_frame *f, size_t index)
{
    if (!f || index >= f->ncols)
        return BENCH_EINVAL;
    if (out_name)
        *out_name = f->cols[index].name;
    if (out_type)
        *out_type = f->cols[index].type;
    if (out_data)
        *out_data = f->cols[index].data;
    return BENCH_OK;
}

bench_status bench_frame_dictionary(const char *const **out_strings, size_t *out_count, const bench_frame *f,
                                    size_t index)
{
    if (!f || index >= f->ncols || f->cols[index].type != BENCH_COLUMN_CODE)
        return BENCH_EINVAL;
    if (out_strings)
        *out_strings = (const char *const *)f->cols[index].dict;
    if (out_count)
        *out_count = f->cols[index].ndict;
    return BENCH_OK;
}

const char *bench_frame_meta(const bench_frame *f, const char *key)
{
    if (!f || !key)
        return NULL;
    for (size_t i = 0; i < f->nmeta; i++)
        if (strcmp(f->meta[i * 2], key) == 0)
            return f->meta[i * 2 + 1];
    return NULL;
}
