/* Hostile test FMU: burns CPU, then _exit(code). */
#define _POSIX_C_SOURCE 200809L
#include <time.h>
#include <unistd.h>
#include "model.h"

static double cpu_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return -1;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void burn_and_exit(Model *m)
{
    double burn = V(burn_s), t0 = cpu_seconds(), t = t0;
    volatile unsigned long spin = 0;
    int code = (int)V(code);
    if (!(burn >= 0)) burn = 0;   /* NaN, negative */
    if (burn > 3600) burn = 3600;
    core_log_always(m, ST_WARNING, "logModel", "ExitCode: burning %g s of CPU, then _exit(%d) at t=%g",
                    burn, code, TIME);
    if (t0 >= 0) {
        while (t - t0 < burn) {
            unsigned i;
            for (i = 0; i < 100000; i++) spin++;
            t = cpu_seconds();
            if (t < 0) break;
        }
    }
    V(burned_s) = t - t0;
    core_log_always(m, ST_WARNING, "logModel", "ExitCode: burned %.3f s, calling _exit(%d)", t - t0, code);
    _exit(code);
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        V(done) = 1;
        burn_and_exit(m);
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
