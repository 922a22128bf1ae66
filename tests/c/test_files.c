/* test_files.c -- the file system under the library: snapshots changed while open, racing saves,
 * FIFOs and other special files, source labels that must survive a snapshot. */
#include "tests.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static bench_db *small_db(const char *csv)
{
    bench_db *db = new_db();
    CU_ASSERT_EQUAL_FATAL(import_text(db, csv, NULL, NULL), BENCH_OK);
    return db;
}

static const char *CSV_A = "kpi,municipality,period,gender,value\n"
                           "U1,1490,2023,T,1\nU1,0138,2023,T,2\nU1,1490,2024,T,3\nU2,0180,2024,K,4\n";
static const char *CSV_B = "kpi,municipality,period,gender,value\n"
                           "U9,0114,2001,M,99\nU9,0115,2001,M,98\n";

/* A snapshot truncated, rewritten in place with other data or removed while a Database has it
 * open: the Database keeps answering with what it opened. */
static void test_snapshot_changed_under_open_db(void)
{
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/a.kbsnap", temp_dir());
    snprintf(b, sizeof b, "%s/b.kbsnap", temp_dir());
    bench_db *da = small_db(CSV_A), *dbb = small_db(CSV_B);
    CU_ASSERT_EQUAL_FATAL(bench_db_save(da, a), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(bench_db_save(dbb, b), BENCH_OK);
    char *want = dump_values(da);
    for (int how = 0; how < 4; how++) {
        CU_ASSERT_EQUAL_FATAL(bench_db_save(da, a), BENCH_OK);
        bench_db *open = NULL;
        bench_error err;
        CU_ASSERT_EQUAL_FATAL(bench_db_open(&open, a, &err), BENCH_OK);
        if (how == 0) { /* truncated to nothing */
            CU_ASSERT_EQUAL(truncate(a, 0), 0);
        } else if (how == 1) { /* truncated half-way */
            struct stat sb;
            CU_ASSERT_EQUAL(stat(a, &sb), 0);
            CU_ASSERT_EQUAL(truncate(a, sb.st_size / 2), 0);
        } else if (how == 2) { /* rewritten in place (cp b a, rsync --inplace): same inode, other bytes */
            FILE *in = fopen(b, "rb"), *out = fopen(a, "r+b");
            CU_ASSERT_PTR_NOT_NULL_FATAL(in);
            CU_ASSERT_PTR_NOT_NULL_FATAL(out);
            char buf[4096];
            size_t k;
            while ((k = fread(buf, 1, sizeof buf, in)) > 0)
                CU_ASSERT_EQUAL(fwrite(buf, 1, k, out), k);
            fclose(in);
            CU_ASSERT_EQUAL(ftruncate(fileno(out), ftell(out)), 0);
            fclose(out);
        } else { /* removed */
            CU_ASSERT_EQUAL(remove(a), 0);
        }
        char *got = dump_values(open);
        CU_ASSERT_STRING_EQUAL(got, want);
        free(got);
        CU_ASSERT_EQUAL(value_of(open, "U1", "1490", "2024", BENCH_GENDER_T), 3);
        bench_frame *f = NULL;
        CU_ASSERT_EQUAL(bench_compare_all(&f, open, NULL, 0, BENCH_DIRECTION_DEFAULT), BENCH_OK);
        bench_frame_free(f);
        /* and it can still be changed and saved */
        CU_ASSERT_EQUAL(import_text(open, "kpi,municipality,period,value\nU1,1490,2025,9\n", NULL, NULL), BENCH_OK);
        CU_ASSERT_EQUAL(bench_db_save(open, a), BENCH_OK);
        bench_db_free(open);
    }
    free(want);
    remove(a);
    remove(b);
    bench_db_free(da);
    bench_db_free(dbb);
}

/* ---- two saves to one path ---------------------------------------------------------------- */

typedef struct save_job {
    bench_db *db;
    const char *path;
    pthread_barrier_t *start;
    int status;
} save_job;

static void *save_thread(void *arg)
{
    save_job *j = arg;
    pthread_barrier_wait(j->start);
    j->status = bench_db_save(j->db, j->path);
    return NULL;
}

static void test_racing_saves(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/race.kbsnap", temp_dir());
    enum {
        N = 4
    };
    bench_db *dbs[N];
    char *dumps[N];
    for (int i = 0; i < N; i++) {
        dbs[i] = small_db(i % 2 ? CSV_A : CSV_B);
        dumps[i] = dump_values(dbs[i]);
    }
    for (int round = 0; round < 20; round++) {
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, N);
        pthread_t t[N];
        save_job jobs[N];
        for (int i = 0; i < N; i++) {
            jobs[i] = (save_job){ dbs[i], path, &start, -1 };
            CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, save_thread, &jobs[i]), 0);
        }
        int ok = 0;
        for (int i = 0; i < N; i++) {
            pthread_join(t[i], NULL);
            ok += jobs[i].status == BENCH_OK;
        }
        pthread_barrier_destroy(&start);
        CU_ASSERT(ok >= 1);
        /* whoever won, the file opens and is one database's complete contents */
        bench_db *back = NULL;
        bench_error err;
        CU_ASSERT_EQUAL_FATAL(bench_db_open(&back, path, &err), BENCH_OK);
        char *got = dump_values(back);
        int same = 0;
        for (int i = 0; i < N; i++)
            same |= strcmp(got, dumps[i]) == 0;
        CU_ASSERT(same);
        free(got);
        bench_db_free(back);
    }
    /* no temporary files are left behind */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", temp_dir());
    CU_ASSERT_NOT_EQUAL(system(cmd), 0);
    remove(path);
    for (int i = 0; i < N; i++) {
        free(dumps[i]);
        bench_db_free(dbs[i]);
    }
}

/* ---- FIFOs, devices, links ---------------------------------------------------------------- */

static void test_special_files(void)
{
    char fifo[512], link_path[512], target[512];
    snprintf(fifo, sizeof fifo, "%s/pipe", temp_dir());
    snprintf(link_path, sizeof link_path, "%s/link.kbsnap", temp_dir());
    snprintf(target, sizeof target, "%s/target.kbsnap", temp_dir());
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    bench_db *db = small_db(CSV_A);
    fingerprint before = take_fingerprint(db);
    bench_import_report rep;
    /* no importer opens a FIFO for reading (that would block with no writer) */
    CU_ASSERT_EQUAL(bench_import_csv_file(&rep, db, fifo, NULL), BENCH_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "FIFO"));
    CU_ASSERT_STRING_EQUAL(bench_db_last_error(db)->file, fifo);
    CU_ASSERT_EQUAL(bench_import_kolada_json_file(&rep, db, fifo, NULL), BENCH_EIO);
    CU_ASSERT_EQUAL(bench_import_population_file(&rep, db, fifo, NULL), BENCH_EIO);
    CU_ASSERT_EQUAL(bench_import_csv_file(&rep, db, "/dev/zero", NULL), BENCH_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "character device"));
    CU_ASSERT_EQUAL(bench_import_csv_file(&rep, db, temp_dir(), NULL), BENCH_EIO);
    bench_db *other = NULL;
    bench_error err;
    CU_ASSERT_EQUAL(bench_db_open(&other, fifo, &err), BENCH_EIO);
    CU_ASSERT_PTR_NULL(other);
    CU_ASSERT_EQUAL(bench_db_open(&other, "/dev/null", &err), BENCH_EIO);
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    /* a save never replaces a FIFO, a symbolic link, a directory or a device */
    CU_ASSERT_EQUAL(bench_db_save(db, fifo), BENCH_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "not a regular file"));
    struct stat sb;
    CU_ASSERT_EQUAL(lstat(fifo, &sb), 0);
    CU_ASSERT_TRUE(S_ISFIFO(sb.st_mode));
    CU_ASSERT_EQUAL(bench_db_save(db, target), BENCH_OK);
    CU_ASSERT_EQUAL_FATAL(symlink(target, link_path), 0);
    CU_ASSERT_EQUAL(bench_db_save(db, link_path), BENCH_EIO);
    CU_ASSERT_EQUAL(lstat(link_path, &sb), 0);
    CU_ASSERT_TRUE(S_ISLNK(sb.st_mode));
    CU_ASSERT_EQUAL(bench_db_save(db, temp_dir()), BENCH_EIO);
    CU_ASSERT_EQUAL(bench_db_save(db, "/dev/null"), BENCH_EIO);
    CU_ASSERT_EQUAL(stat("/dev/null", &sb), 0);
    CU_ASSERT_TRUE(S_ISCHR(sb.st_mode));
    /* an empty path is an error, not a file named ".tmp…" */
    CU_ASSERT_NOT_EQUAL(bench_db_save(db, ""), BENCH_OK);
    CU_ASSERT_NOT_EQUAL(bench_db_open(&other, "", &err), BENCH_OK);
    remove(fifo);
    remove(link_path);
    remove(target);
    bench_db_free(db);
}

/* ---- source labels ----------------------------------------------------------------------- */

/* Import `csv` from a file called `base`, save, reopen: the label comes back as *label_out. */
static void round_trip_file_label(const char *base, const char *expected)
{
    char path[8192], snap[512];
    CU_ASSERT_EQUAL_FATAL(write_temp_file(path, sizeof path, base, CSV_A, strlen(CSV_A)), 0);
    snprintf(snap, sizeof snap, "%s/labels.kbsnap", temp_dir());
    bench_db *db = new_db();
    bench_import_report rep;
    CU_ASSERT_EQUAL_FATAL(bench_import_csv_file(&rep, db, path, NULL), BENCH_OK);
    char *want = dump_values(db);
    CU_ASSERT_EQUAL_FATAL(bench_db_save(db, snap), BENCH_OK);
    bench_db *back = NULL;
    bench_error err;
    int st = bench_db_open(&back, snap, &err);
    if (st)
        fprintf(stderr, "%s: %s\n", base, err.message);
    CU_ASSERT_EQUAL_FATAL(st, BENCH_OK);
    char *got = dump_values(back);
    CU_ASSERT_STRING_EQUAL(got, want);
    observation o;
    CU_ASSERT_EQUAL(lookup(back, "U1", "1490", "2023", BENCH_GENDER_T, BENCH_KIND_UTFALL, &o), 1);
    CU_ASSERT_STRING_EQUAL(o.source, expected);
    free(got);
    free(want);
    bench_db_free(back);
    bench_db_free(db);
    remove(path);
    remove(snap);
}

static void test_source_labels_round_trip(void)
{
    round_trip_file_label("a\tb.csv", "a\xEF\xBF\xBD"
                                      "b.csv");
    round_trip_file_label("a\nb.csv", "a\xEF\xBF\xBD"
                                      "b.csv");
    round_trip_file_label("a\x01\x7F.csv", "a\xEF\xBF\xBD\xEF\xBF\xBD.csv");
    round_trip_file_label("Bor\xE5s.csv", "Bor\xEF\xBF\xBDs.csv"); /* Latin-1 file name */
    round_trip_file_label("Borås.csv", "Borås.csv");
    /* a given label that a snapshot could not hold is refused at import, clearly */
    bench_db *db = new_db();
    fingerprint before = take_fingerprint(db);
    static char longer[5000];
    memset(longer, 'x', sizeof longer - 1);
    const char *bad[] = { "", "a\tb", "a\nb", "\x01", "Bor\xE5s", longer };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
        o.source = bad[i];
        bench_import_report rep;
        CU_ASSERT_EQUAL(import_text(db, CSV_A, &o, &rep), BENCH_EINVAL);
        CU_ASSERT_PTR_NOT_NULL(strstr(bench_db_last_error(db)->message, "source label"));
        CU_ASSERT_EQUAL(bench_import_kolada_json_buffer(&rep, db, "{\"values\": []}", 14, "x.json",
                                                        &(bench_json_options){ BENCH_JSON_OPTIONS_VERSION, bad[i], 0 }),
                        BENCH_EINVAL);
    }
    CU_ASSERT_TRUE(same_fingerprint(before, take_fingerprint(db)));
    /* a source column with a label longer than a snapshot holds */
    size_t cap = 6000;
    char *csv = malloc(cap);
    snprintf(csv, cap, "kpi,municipality,period,value,source\nU1,1490,2023,1,%s\n", longer);
    bench_csv_options o = BENCH_CSV_OPTIONS_INIT;
    o.source_column = "source";
    o.version = BENCH_CSV_OPTIONS_VERSION;
    bench_db_options lim;
    bench_db_limits(&lim, db);
    lim.max_field_bytes = 10000;
    CU_ASSERT_EQUAL(bench_db_set_limits(db, &lim), BENCH_OK);
    CU_ASSERT_EQUAL(import_text(db, csv, &o, NULL), BENCH_EPARSE);
    free(csv);
    /* the longest label that is accepted round-trips */
    longer[4096] = '\0';
    bench_csv_options ok = BENCH_CSV_OPTIONS_INIT;
    ok.source = longer;
    CU_ASSERT_EQUAL(import_text(db, CSV_A, &ok, NULL), BENCH_OK);
    char snap[512];
    snprintf(snap, sizeof snap, "%s/long.kbsnap", temp_dir());
    CU_ASSERT_EQUAL(bench_db_save(db, snap), BENCH_OK);
    bench_db *back = NULL;
    bench_error err;
    CU_ASSERT_EQUAL(bench_db_open(&back, snap, &err), BENCH_OK);
    bench_db_free(back);
    remove(snap);
    bench_db_free(db);
}

int register_files_suite(void)
{
    CU_pSuite s = CU_add_suite("files", NULL, NULL);
    return !s || !CU_add_test(s, "a snapshot changed under an open database", test_snapshot_changed_under_open_db) ||
           !CU_add_test(s, "two saves to one path", test_racing_saves) ||
           !CU_add_test(s, "FIFOs, devices, links and directories", test_special_files) ||
           !CU_add_test(s, "source labels round-trip or are refused", test_source_labels_round_trip);
}
