/* file.c -- a whole regular file: mapped for the length of an import, or read into memory.
 *
 * A snapshot is read, not mapped: a mapping shares its pages with the file, so another program
 * truncating or rewriting the file in place (cp, rsync --inplace) would turn later reads by an
 * open Database into SIGBUS or into other data.  A private copy keeps answering with what was
 * read.  An import maps its file only while it runs (page cache, not heap: a 1 GiB file with a
 * limit hit early costs little memory).
 * Anything but a regular file (a FIFO, a device, a socket, a directory) is refused from its
 * stat() before it is opened, and opened with O_NONBLOCK in case it was swapped in between,
 * so a FIFO never blocks the caller. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static bench_status not_regular(bench_error *err, const char *path, mode_t mode)
{
    const char *what = S_ISDIR(mode)    ? "a directory"
                       : S_ISFIFO(mode) ? "a FIFO (named pipe)"
                       : S_ISCHR(mode)  ? "a character device"
                       : S_ISBLK(mode)  ? "a block device"
                       : S_ISSOCK(mode) ? "a socket"
                                        : "a special file";
    error_set(err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "not a regular file: it is %s", what);
    return BENCH_EIO;
}

static bench_status check_path(bench_error *err, const char *path)
{
    if (!path || !*path) {
        error_set(err, BENCH_EINVAL, path ? path : "", 0, 0, __FILE__, __LINE__, "the path is empty");
        return BENCH_EINVAL;
    }
    return BENCH_OK;
}

/* Files this large are read on two threads. */
#define PARALLEL_READ_BYTES ((size_t)16 << 20)

typedef struct read_job {
    int fd;
    char *data;
    size_t from, to; /* the bytes of the file this job reads */
    size_t got;      /* read from `from` on, up to the end of the file or `to` */
    int error;       /* errno of a failed read, else 0 */
} read_job;

static void *read_range(void *arg)
{
    read_job *j = arg;
    while (j->from + j->got < j->to) {
        ssize_t k = pread(j->fd, j->data + j->from + j->got, j->to - j->from - j->got, (off_t)(j->from + j->got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            j->error = k < 0 ? errno : 0;
            break;
        }
        j->got += (size_t)k;
    }
    return NULL;
}

bench_status file_load(const char **out_data, size_t *out_len, bench_error *err, const char *path, size_t max_bytes,
                       bool copy)
{
    *out_data = NULL;
    *out_len = 0;
    bench_status st = check_path(err, path);
    if (st)
        return st;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        error_set(err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "cannot open: %s", strerror(errno));
        return BENCH_EIO;
    }
    if (!S_ISREG(sb.st_mode))
        return not_regular(err, path, sb.st_mode);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        error_set(err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "cannot open: %s", strerror(errno));
        return BENCH_EIO;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) { /* swapped for something else meanwhile */
        close(fd);
        return not_regular(err, path, sb.st_mode);
    }
    if ((uint64_t)sb.st_size > max_bytes) {
        close(fd);
        *out_len = (size_t)sb.st_size; /* the caller reports the limit */
        return BENCH_ELIMIT;
    }
    size_t len = (size_t)sb.st_size;
    if (len == 0) {
        close(fd);
        *out_data = "";
        return BENCH_OK;
    }
    if (!copy) {
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
    char *data = bench_malloc(len);
    if (!data) {
        close(fd);
        error_set(err, BENCH_ENOMEM, path, 0, 0, __FILE__, __LINE__, "out of memory reading %zu bytes", len);
        return BENCH_ENOMEM;
    }
    /* a large file in two halves on two threads: the kernel's zeroing of the fresh pages and
     * its copy into them are most of the cost of reading from the page cache */
    size_t half = len >= PARALLEL_READ_BYTES ? len / 2 : len;
    read_job jobs[2] = { { fd, data, 0, half, 0, 0 }, { fd, data, half, len, 0, 0 } };
    run_pair(read_range, &jobs[0], &jobs[1], half < len);
    close(fd);
    int e = jobs[0].error ? jobs[0].error : jobs[1].error;
    if (e) {
        bench_free(data);
        error_set(err, BENCH_EIO, path, 0, 0, __FILE__, __LINE__, "cannot read: %s", strerror(e));
        return BENCH_EIO;
    }
    /* shortened while being read: what was read (up to the first gap) is checked like any input */
    size_t got = jobs[0].got < half ? jobs[0].got : half + jobs[1].got;
    if (got == 0) {
        bench_free(data);
        *out_data = "";
        return BENCH_OK;
    }
    *out_data = data;
    *out_len = got;
    return BENCH_OK;
}

void file_release(const char *data, size_t len, bool copy)
{
    if (data && len) {
        if (copy)
            bench_free((void *)data);
        else
            munmap((void *)data, len);
    }
}
