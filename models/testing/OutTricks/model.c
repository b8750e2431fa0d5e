/* Hostile test FMU: manipulates the supervisor's out/ directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "model.h"

typedef struct {
    Model *m;
    int first_errno;
} Ctx;

static int fail(Ctx *c, const char *what, const char *path)
{
    int e = errno;
    if (!c->first_errno) c->first_errno = e;
    core_log_always(c->m, ST_WARNING, "logModel", "OutTricks: %s %s failed: %s", what, path, strerror(e));
    return -1;
}

static void path_in(Model *m, char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", S(out_dir), name);
}

static int make_fifo(Ctx *c, const char *name)
{
    char p[PATH_MAX];
    path_in(c->m, p, sizeof(p), name);
    unlink(p);
    if (mkfifo(p, 0666) != 0) return fail(c, "mkfifo", p);
    core_log_always(c->m, ST_WARNING, "logModel", "OutTricks: %s is now a FIFO", p);
    return 0;
}

static int make_link(Ctx *c, const char *name, const char *target)
{
    char p[PATH_MAX];
    path_in(c->m, p, sizeof(p), name);
    unlink(p);
    if (symlink(target, p) != 0) return fail(c, "symlink", p);
    core_log_always(c->m, ST_WARNING, "logModel", "OutTricks: %s -> %s", p, target);
    return 0;
}

static int big_file(Ctx *c, const char *name, long mb)
{
    static const char zeros[1 << 16];
    char p[PATH_MAX];
    long total = 0, want;
    int fd;
    if (mb < 0) mb = 0;
    if (mb > 4096) mb = 4096;
    want = mb << 20;
    path_in(c->m, p, sizeof(p), name);
    unlink(p);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail(c, "open", p);
    while (total < want) {
        ssize_t r = write(fd, zeros, sizeof(zeros));
        if (r <= 0) {
            fail(c, "write", p);
            break;
        }
        total += r;
    }
    close(fd);
    core_log_always(c->m, ST_WARNING, "logModel", "OutTricks: wrote %ld bytes of zeros to %s", total, p);
    return 0;
}

static int many_files(Ctx *c, long n)
{
    Model *m = c->m;
    char p[PATH_MAX], name[64];
    long i, made = 0;
    if (n < 0) n = 0;
    if (n > 1000000) n = 1000000;
    for (i = 0; i < n; i++) {
        int fd;
        snprintf(name, sizeof(name), "fmugw-%06ld", i);
        path_in(c->m, p, sizeof(p), name);
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            fail(c, "open", p);
            break;
        }
        if (write(fd, "x\n", 2) == 2) made++;
        close(fd);
    }
    core_log_always(c->m, ST_WARNING, "logModel", "OutTricks: created %ld files in %s", made, S(out_dir));
    return 0;
}

static int replace_out(Ctx *c)
{
    Model *m = c->m;
    char moved[PATH_MAX];
    snprintf(moved, sizeof(moved), "%s.fmugw-moved", S(out_dir));
    if (rename(S(out_dir), moved) != 0) return fail(c, "rename", S(out_dir));
    if (symlink("/", S(out_dir)) != 0) return fail(c, "symlink", S(out_dir));
    core_log_always(c->m, ST_WARNING, "logModel", "OutTricks: moved %s to %s, %s -> /", S(out_dir), moved,
                    S(out_dir));
    return 0;
}

static void play(Model *m)
{
    Ctx c;
    int trick = (int)V(trick), exit_code = -1;
    c.m = m;
    c.first_errno = 0;
    core_log_always(m, ST_WARNING, "logModel", "OutTricks: trick %d on %s at t=%g", trick, S(out_dir), TIME);
    switch (trick) {
    case 1:
        make_fifo(&c, "progress");
        break;
    case 2:
        make_fifo(&c, "result.npy");
        make_fifo(&c, "outcome.json");
        exit_code = 0;
        break;
    case 3:
        make_link(&c, "result.npy", "/etc/shadow");
        make_link(&c, "outcome.json", "/etc/passwd");
        exit_code = 0;
        break;
    case 4:
        big_file(&c, "result.npy", (long)V(big_mb));
        exit_code = 0;
        break;
    case 5:
        make_link(&c, "error.json", "/etc/shadow");
        exit_code = 3;
        break;
    case 6:
        replace_out(&c);
        exit_code = 0;
        break;
    case 7:
        many_files(&c, (long)V(n_files));
        break;
    default:
        core_log_always(m, ST_WARNING, "logModel", "OutTricks: unknown trick %d, doing nothing", trick);
        return;
    }
    V(trick_done) = 1;
    V(trick_errno) = c.first_errno;
    if (exit_code >= 0) {
        core_log_always(m, ST_WARNING, "logModel", "OutTricks: trick %d done, _exit(%d)", trick, exit_code);
        _exit(exit_code);
    }
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        V(done) = 1;
        play(m);
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
