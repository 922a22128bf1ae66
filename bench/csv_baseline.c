/* csv_baseline.c -- libcsv alone on one core: parse a file, count fields and rows, convert nothing.
 * The CSV target of `make bench` is kommunbench's import time divided by this. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static size_t fields, rows;
static void on_field(void *s, size_t len, void *data)
{
    (void)s;
    (void)len;
    (void)data;
    fields++;
}
static void on_row(int c, void *data)
{
    (void)c;
    (void)data;
    rows++;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 1;
    static char buf[1 << 20];
    struct csv_parser p;
    csv_init(&p, CSV_STRICT);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_row, NULL) != n)
            return 1;
    csv_fini(&p, on_field, on_row, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    csv_free(&p);
    fclose(f);
    printf("{\"seconds\": %.6f, \"rows\": %zu, \"fields\": %zu}\n",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, rows, fields);
    return 0;
}
