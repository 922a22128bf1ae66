/* fuzz_main.c -- the libFuzzer entry point of one target, chosen at build time with
 * -DFUZZ_TARGET=fuzz_csv (fuzz_json, fuzz_population, fuzz_snapshot). */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) { return FUZZ_TARGET(data, len); }
