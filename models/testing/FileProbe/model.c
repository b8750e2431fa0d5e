/* Hostile test FMU: probes files, directories, /proc, ids and the environment. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "model.h"

#define HEAD_BYTES 64

/* printable ASCII copy of at most n bytes of s (others as '.', '%' too: log safety) */
static void printable(char *dst, size_t dstsize, const char *s, size_t n)
{
    size_t i;
    if (dstsize == 0) return;
    for (i = 0; i < n && i + 1 < dstsize; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[i] = (c >= 32 && c < 127 && c != '%') ? (char)c : '.';
    }
    dst[i] = 0;
}

/* read at most max bytes of path; returns bytes read or -1; head gets the first bytes */
static long read_file(const char *path, long max, char *head, size_t headsize)
{
    char buf[65536];
    long total = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (head && headsize) head[0] = 0;
    if (fd < 0) return -1;
    while (total < max) {
        size_t want = sizeof(buf);
        ssize_t r;
        if ((long)want > max - total) want = (size_t)(max - total);
        r = read(fd, buf, want);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            if (total == 0) { close(fd); return -1; } /* e.g. EISDIR, EACCES on read */
            break;
        }
        if (r == 0) break;
        if (total == 0 && head) printable(head, headsize, buf, (size_t)r < HEAD_BYTES ? (size_t)r : HEAD_BYTES);
        total += r;
    }
    close(fd);
    return total;
}

static int can_write(const char *path)
{
    struct stat st;
    int fd;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        char probe[4200];
        snprintf(probe, sizeof(probe), "%s/.fmugw-probe-%ld", path, (long)getpid());
        fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) return 0;
        close(fd);
        unlink(probe);
        return 1;
    }
    /* no O_CREAT, no O_TRUNC: nothing is created or changed */
    fd = open(path, O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return 0;
    close(fd);
    return 1;
}

/* number of entries (without . and ..) or -1 */
static long list_dir(const char *path, long cap)
{
    long n = 0;
    struct dirent *e;
    DIR *d = opendir(path);
    if (!d) return -1;
    while ((e = readdir(d)) != NULL && n < cap) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        n++;
    }
    closedir(d);
    return n;
}

static long count_pids(void)
{
    long n = 0;
    struct dirent *e;
    DIR *d = opendir("/proc");
    if (!d) return -1;
    while ((e = readdir(d)) != NULL) {
        const char *p = e->d_name;
        if (!*p) continue;
        while (*p >= '0' && *p <= '9') p++;
        if (*p == 0) n++;
    }
    closedir(d);
    return n;
}

static void probe_path(Model *m, int i, const char *path)
{
    char head[HEAD_BYTES + 1], shown[256];
    long max = (long)V(max_read), bytes, entries;
    int readable, writable;
    if (max < 0) max = 0;
    bytes = read_file(path, max, head, sizeof(head));
    readable = bytes >= 0;
    writable = can_write(path);
    entries = list_dir(path, 1000000);
    switch (i) {
#define SET_N(N)                                                   \
    case N:                                                        \
        V(readable_##N) = readable;                                \
        V(bytes_##N) = readable ? (double)bytes : 0;               \
        S_SET(head_##N, readable ? head : "");                     \
        V(writable_##N) = writable;                                \
        V(listable_##N) = entries >= 0;                            \
        V(entries_##N) = entries >= 0 ? (double)entries : 0;       \
        break;
    SET_N(1) SET_N(2) SET_N(3) SET_N(4)
#undef SET_N
    default: break;
    }
    printable(shown, sizeof(shown), path, strlen(path));
    core_log_always(m, ST_WARNING, "logModel",
                    "FileProbe: %s: readable=%d bytes=%ld writable=%d listable=%d entries=%ld head=%s",
                    shown, readable, readable ? bytes : 0, writable, entries >= 0,
                    entries >= 0 ? entries : 0, readable ? head : "");
}

static void set_printable(Model *m, int slot, const char *value)
{
    char buf[1024];
    printable(buf, sizeof(buf), value, strlen(value));
    core_str_set(m, slot, buf);
}

static void probe(Model *m)
{
    const char *paths[4];
    char buf[4096];
    const char *env;
    long n;
    int i;
    paths[0] = S(path1); paths[1] = S(path2); paths[2] = S(path3); paths[3] = S(path4);
    for (i = 0; i < 4; i++)
        if (paths[i][0]) probe_path(m, i + 1, paths[i]);

    n = read_file("/proc/self/environ", 1 << 20, NULL, 0);
    V(proc_self_environ_bytes) = (double)n;
    V(proc1_environ_readable) = read_file("/proc/1/environ", 4096, NULL, 0) >= 0;
    V(proc1_cmdline_readable) = read_file("/proc/1/cmdline", 4096, NULL, 0) >= 0;
    V(visible_pids) = (double)count_pids();
    V(uid) = (double)getuid();
    V(euid) = (double)geteuid();
    V(gid) = (double)getgid();
    if (gethostname(buf, sizeof(buf)) != 0) snprintf(buf, sizeof(buf), "<error: %s>", strerror(errno));
    buf[sizeof(buf) - 1] = 0;
    set_printable(m, SI_hostname, buf);
    env = getenv("HOME");
    set_printable(m, SI_home, env ? env : "<unset>");
    env = getenv("TMPDIR");
    set_printable(m, SI_tmpdir, env ? env : "<unset>");
    if (!getcwd(buf, sizeof(buf))) snprintf(buf, sizeof(buf), "<error: %s>", strerror(errno));
    set_printable(m, SI_cwd, buf);
    core_log_always(m, ST_WARNING, "logModel",
                    "FileProbe: /proc/self/environ=%ld bytes, /proc/1/environ readable=%d, "
                    "/proc/1/cmdline readable=%d, visible pids=%ld, uid=%d euid=%d gid=%d, "
                    "hostname=%s home=%s tmpdir=%s cwd=%s",
                    n, (int)V(proc1_environ_readable), (int)V(proc1_cmdline_readable),
                    (long)V(visible_pids), (int)V(uid), (int)V(euid), (int)V(gid), S(hostname), S(home),
                    S(tmpdir), S(cwd));
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        V(done) = 1;
        probe(m);
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
