/* Hostile test FMU: segfaults by writing through a NULL pointer. */
#include <signal.h>
#include "model.h"

static void crash(Model *m)
{
    volatile int *volatile p = NULL; /* both volatile: the store happens, whatever the optimiser knows */
    core_log_always(m, ST_WARNING, "logModel", "Crash: writing through a NULL pointer at t=%g", TIME);
    *p = 42;
    raise(SIGSEGV); /* in case the write was somehow survived */
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    if (m->phase == PH_CONT && TIME >= V(trigger_time)) crash(m);
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h)
{
    (void)h;
    if (t >= V(trigger_time)) crash(m);
    return 0;
}

void model_cleanup(Model *m) { (void)m; }
