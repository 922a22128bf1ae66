/* replay.c -- run every file of the given folders through a fuzz target, as `make test` does
 * with the seed corpora and the regression files of crashes found by fuzzing.
 *
 *   replay TARGET DIR...     exit status 0 when every file ran (a broken rule aborts)
 */
#include "targets.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_file(const fuzz_target *t, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0; /* a sub-folder or a vanished file */
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "replay: out of memory reading %s\n", path);
        exit(2);
    }
    t->run(buf, len);
    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: replay TARGET DIR...\n");
        return 2;
    }
    const fuzz_target *t = fuzz_targets;
    while (t->name && strcmp(t->name, argv[1]) != 0)
        t++;
    if (!t->name) {
        fprintf(stderr, "replay: no target %s\n", argv[1]);
        return 2;
    }
    int files = 0;
    for (int a = 2; a < argc; a++) {
        DIR *d = opendir(argv[a]);
        if (!d)
            continue; /* a folder not made yet (no regression found) */
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[a], e->d_name);
            files += run_file(t, path);
        }
        closedir(d);
    }
    printf("replay %s: %d files, no rule broken\n", t->name, files);
    return 0;
}
