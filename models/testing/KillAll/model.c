/* Hostile test FMU: SIGKILL to everything / its process group / its parent. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include "model.h"

static int do_kill(pid_t pid)
{
    int r = kill(pid, SIGKILL);
    return r == 0 ? 0 : -errno;
}

static void killall(Model *m)
{
    int mode = (int)V(mode), r = 0;
    V(parent_pid) = (double)getppid();
    core_log_always(m, ST_WARNING, "logModel", "KillAll: mode %d at t=%g (pid %ld, parent %ld)", mode, TIME,
                    (long)getpid(), (long)getppid());
    switch (mode) {
    case 1:
    case 2:
        r = do_kill(-1);
        break;
    case 3:
        r = do_kill(0);
        break;
    case 4:
        r = do_kill(getppid());
        break;
    default:
        break;
    }
    V(kill_result) = r;
    core_log_always(m, ST_WARNING, "logModel", "KillAll: kill returned %d (%s)", r, r ? strerror(-r) : "ok");
    if (mode == 2) raise(SIGKILL);
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        V(done) = 1;
        killall(m);
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
