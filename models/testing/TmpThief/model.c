/* Hostile test FMU: looks for marker files / shared memory of other runs and plants its own. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>
#include "model.h"

#define PREFIX "fmugw-marker-"
#define SYSV_KEY ((key_t)0x464D5547) /* "FMUG" */
#define SHM_SIZE 4096
#define MAX_DIRS 7
#define FOUND_CAP 3000

typedef struct {
    char path[MAX_DIRS][PATH_MAX];
    int n;
} Dirs;

static void add_dir(Dirs *d, const char *path)
{
    char real[PATH_MAX];
    int i;
    if (!path || !path[0] || d->n >= MAX_DIRS) return;
    if (!realpath(path, real)) return;
    for (i = 0; i < d->n; i++)
        if (strcmp(d->path[i], real) == 0) return;
    snprintf(d->path[d->n++], PATH_MAX, "%s", real);
}

static void collect_dirs(Dirs *d)
{
    d->n = 0;
    add_dir(d, "/tmp");
    add_dir(d, "/dev/shm");
    add_dir(d, "/var/tmp");
    add_dir(d, getenv("TMPDIR"));
    add_dir(d, ".");
    add_dir(d, "..");
    add_dir(d, "../..");
}

/* marker sanitised for file names: [A-Za-z0-9._-], at most 64 characters */
static void clean_marker(const char *in, char *out, size_t n)
{
    size_t i;
    for (i = 0; in[i] && i < 64 && i + 1 < n; i++) {
        char c = in[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        out[i] = ok ? c : '_';
    }
    out[i] = 0;
    if (i == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0) snprintf(out, n, "default");
}

static int readable(const char *path)
{
    char c;
    ssize_t r;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    r = read(fd, &c, 1);
    close(fd);
    return r >= 0;
}

static void look(Model *m, const Dirs *d)
{
    char found[FOUND_CAP + 1], path[PATH_MAX + 300], clean[PATH_MAX + 300];
    size_t used = 0;
    int i, count = 0, any_readable = 0, searched = 0, id;
    found[0] = 0;
    for (i = 0; i < d->n; i++) {
        struct dirent *e;
        long seen = 0;
        DIR *dir = opendir(d->path[i]);
        if (!dir) continue;
        searched++;
        while ((e = readdir(dir)) != NULL && seen++ < 1000000) {
            size_t j, len;
            int r;
            if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0) continue;
            count++;
            snprintf(path, sizeof(path), "%s/%s", d->path[i], e->d_name);
            r = readable(path);
            if (r) any_readable = 1;
            len = strlen(path);
            for (j = 0; j < len; j++) { /* printable, no separators / format characters */
                unsigned char c = (unsigned char)path[j];
                clean[j] = (c >= 32 && c < 127 && c != ';' && c != '%') ? (char)c : '?';
            }
            clean[len] = 0;
            if (used + len + 1 < FOUND_CAP) {
                if (used) found[used++] = ';';
                memcpy(found + used, clean, len + 1);
                used += len;
            }
            core_log_always(m, ST_WARNING, "logModel", "TmpThief: found %s (readable=%d)", clean, r);
        }
        closedir(dir);
    }
    V(found_count) = count;
    V(found_readable) = any_readable;
    V(dirs_searched) = searched;
    S_SET(found, found);
    id = shmget(SYSV_KEY, 0, 0);
    V(sysv_found) = id >= 0;
    core_log_always(m, ST_WARNING, "logModel",
                    "TmpThief: searched %d directories, found %d marker(s), any readable=%d, SysV key 0x%x %s",
                    searched, count, any_readable, (unsigned)SYSV_KEY, id >= 0 ? "EXISTS" : "absent");
}

static long write_big(const char *path, long bytes)
{
    static const char zeros[65536];
    long total = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    while (total < bytes) {
        size_t n = sizeof(zeros);
        ssize_t r;
        if ((long)n > bytes - total) n = (size_t)(bytes - total);
        r = write(fd, zeros, n);
        if (r <= 0) break;
        total += r;
    }
    close(fd);
    return total;
}

static void plant(Model *m, const Dirs *d, const char *marker)
{
    char path[PATH_MAX + 300], text[256], name[128];
    int i, written = 0, fd, id, big_done = 0;
    long big_mb = (long)V(big_mb);
    snprintf(text, sizeof(text), "planted by the TmpThief test FMU (pid %ld, marker %s)\n", (long)getpid(),
             marker);
    for (i = 0; i < d->n; i++) {
        ssize_t r;
        snprintf(path, sizeof(path), "%s/%s%s", d->path[i], PREFIX, marker);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            core_log_always(m, ST_OK, "logModel", "TmpThief: cannot write %s: %s", path, strerror(errno));
            continue;
        }
        r = write(fd, text, strlen(text));
        close(fd);
        if (r < 0) continue;
        written++;
        core_log_always(m, ST_WARNING, "logModel", "TmpThief: wrote %s", path);
        if (!big_done && big_mb > 0) {
            long n;
            if (big_mb > 1024) big_mb = 1024;
            snprintf(path, sizeof(path), "%s/%s%s-big", d->path[i], PREFIX, marker);
            n = write_big(path, big_mb << 20);
            big_done = 1;
            V(big_bytes) = n > 0 ? (double)n : 0;
            core_log_always(m, ST_WARNING, "logModel", "TmpThief: wrote %ld bytes to %s", n, path);
        }
    }
    V(written_count) = written;

    snprintf(name, sizeof(name), "/%s%s", PREFIX, marker);
    fd = shm_open(name, O_RDWR | O_CREAT, 0644);
    if (fd >= 0) {
        if (ftruncate(fd, SHM_SIZE) == 0) {
            void *p = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            if (p != MAP_FAILED) {
                memcpy(p, text, strlen(text) + 1);
                munmap(p, SHM_SIZE);
                V(shm_posix_ok) = 1;
            }
        }
        close(fd);
    }
    core_log_always(m, ST_WARNING, "logModel", "TmpThief: POSIX shm %s: %s", name,
                    V(shm_posix_ok) ? "created" : strerror(errno));

    id = shmget(SYSV_KEY, SHM_SIZE, IPC_CREAT | 0644);
    if (id >= 0) {
        void *p = shmat(id, NULL, 0);
        if (p != (void *)-1) {
            memcpy(p, text, strlen(text) + 1);
            shmdt(p);
            V(shm_sysv_ok) = 1;
        }
    }
    core_log_always(m, ST_WARNING, "logModel", "TmpThief: SysV shm key 0x%x: %s", (unsigned)SYSV_KEY,
                    V(shm_sysv_ok) ? "created/attached" : strerror(errno));
}

static void steal(Model *m)
{
    Dirs *d = (Dirs *)calloc(1, sizeof(Dirs));
    char marker[80];
    if (!d) return;
    clean_marker(S(marker), marker, sizeof(marker));
    collect_dirs(d);
    look(m, d);
    if ((int)V(mode) == 0) plant(m, d, marker);
    free(d);
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        V(done) = 1;
        steal(m);
    }
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    if (m->phase == PH_CONT) maybe(m);
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h) { (void)t; (void)h; maybe(m); return 0; }

void model_cleanup(Model *m) { (void)m; }
