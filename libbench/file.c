/* file.c -- read a whole file: mapped when it is a regular file, read otherwise. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

bench_status file_load(const char **out_data, size_t *out_len, bench_error *err, const char *path)
{
    *out_data = NULL;
    *out_len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error_set(err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "cannot open: %s", strerror(errno));
        return BENCH_EIO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        error_set(err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "not a regular file");
        close(fd);
        return BENCH_EIO;
    }
    size_t len = (size_t)sb.st_size;
    if (len == 0) {
        close(fd);
        *out_data = "";
        return BENCH_OK;
    }
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        error_set(err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "cannot map: %s", strerror(errno));
        return BENCH_EIO;
    }
    madvise(map, len, MADV_SEQUENTIAL);
    *out_data = map;
    *out_len = len;
    return BENCH_OK;
}

void file_release(const char *data, size_t len)
{
    if (data && len)
        munmap((void *)data, len);
}
