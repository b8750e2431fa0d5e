/* Hostile test FMU: a library constructor starts a daemon at dlopen time. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "model.h"

#ifndef DAEMON_SECONDS
#define DAEMON_SECONDS 120
#endif

static volatile int g_constructor_ran = 0;
static volatile long g_daemon_pid = 0;

/* the daemon: only async-signal-safe calls (the loading process may have threads) */
static void daemon_main(int keep_fds)
{
    struct timespec one = {1, 0};
    int i;
    prctl(PR_SET_NAME, "fmugw-daemon", 0, 0, 0);
    if (!keep_fds) {
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
        }
        for (i = 3; i < 4096; i++) close(i);
        if (chdir("/") != 0) { /* ignore */ }
    }
    for (i = 0; i < DAEMON_SECONDS; i++) nanosleep(&one, NULL);
    _exit(0);
}

/* double fork; returns the daemon's pid or -errno */
static long spawn_daemon(int keep_fds)
{
    int p[2], status;
    long pid = -EIO;
    pid_t child;
    ssize_t got = 0;
    if (pipe2(p, O_CLOEXEC) != 0) return -errno;
    child = fork();
    if (child < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return -e;
    }
    if (child == 0) {
        long v;
        pid_t gc;
        close(p[0]);
        setsid();
        gc = fork();
        if (gc == 0) {
            close(p[1]);
            daemon_main(keep_fds);
        }
        v = gc < 0 ? -(long)errno : (long)gc;
        if (write(p[1], &v, sizeof(v)) < 0) { /* nothing to do */ }
        _exit(0);
    }
    close(p[1]);
    while (got < (ssize_t)sizeof(pid)) {
        ssize_t r = read(p[0], (char *)&pid + got, sizeof(pid) - (size_t)got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += r;
    }
    close(p[0]);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) { }
    return got == (ssize_t)sizeof(pid) ? pid : -EIO;
}

__attribute__((constructor)) static void fmugw_daemon_constructor(void)
{
    g_constructor_ran = 1;
    g_daemon_pid = spawn_daemon(0);
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        int mode = (int)V(fork_in_step);
        V(done) = 1;
        if (mode > 0) {
            V(step_daemon_pid) = (double)spawn_daemon(mode == 2);
            core_log_always(m, ST_WARNING, "logModel", "Daemon: started fmugw-daemon pid %ld at t=%g (%s)",
                            (long)V(step_daemon_pid), TIME,
                            mode == 2 ? "keeps the inherited descriptors" : "descriptors closed");
        }
    }
}

void model_initialize(Model *m)
{
    V(constructor_ran) = g_constructor_ran;
    V(daemon_pid) = (double)g_daemon_pid;
    core_log_always(m, ST_WARNING, "logModel", "Daemon: constructor ran=%d, daemon pid %ld (runs up to %d s)",
                    g_constructor_ran, (long)g_daemon_pid, DAEMON_SECONDS);
}

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    V(constructor_ran) = g_constructor_ran;
    V(daemon_pid) = (double)g_daemon_pid;
    if (m->phase == PH_CONT) maybe(m);
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h) { (void)t; (void)h; maybe(m); return 0; }

void model_cleanup(Model *m) { (void)m; }
