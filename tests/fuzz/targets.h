/* targets.h -- the fuzz targets, shared by the libFuzzer binaries and the replay runner. */
#ifndef BENCH_FUZZ_TARGETS_H
#define BENCH_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

typedef struct fuzz_target {
    const char *name;
    int (*run)(const uint8_t *data, size_t len);
} fuzz_target;

/* {name, function} pairs, ended by {NULL, NULL} */
extern const fuzz_target fuzz_targets[];

int fuzz_csv(const uint8_t *data, size_t len);
int fuzz_json(const uint8_t *data, size_t len);
int fuzz_population(const uint8_t *data, size_t len);
int fuzz_snapshot(const uint8_t *data, size_t len);

#endif
