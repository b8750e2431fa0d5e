/* Hostile test FMU: forks repeatedly, the children spin. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include "model.h"

static void child_spin(double seconds)
{
    volatile unsigned long counter = 0;
    time_t end = time(NULL) + (time_t)seconds;
    for (;;) {
        counter++;
        if ((counter & 0xFFFFF) == 0 && time(NULL) >= end) _exit(0);
    }
}

static void forkbomb(Model *m)
{
    long n = 0, max = (long)V(max_children);
    double secs = V(child_seconds) > 0 ? V(child_seconds) : 60;
    core_log_always(m, ST_WARNING, "logModel", "ForkBomb: forking up to %ld children at t=%g", max, TIME);
    while (max <= 0 || n < max) {
        pid_t pid = fork();
        if (pid == 0) child_spin(secs); /* never returns */
        if (pid < 0) {
            core_log_always(m, ST_WARNING, "logModel", "ForkBomb: fork failed after %ld children: %s",
                            n, strerror(errno));
            break;
        }
        n++;
        V(children) = (double)n;
    }
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        V(done) = 1;
        forkbomb(m);
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
