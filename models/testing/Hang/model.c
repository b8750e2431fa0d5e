/* Hostile test FMU: infinite busy loop. */
#include "model.h"

static void hang(Model *m)
{
    volatile unsigned long counter = 0;
    core_log_always(m, ST_WARNING, "logModel", "Hang: entering an infinite busy loop at t=%g", TIME);
    for (;;) counter++;
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    if (m->phase == PH_CONT && TIME >= V(trigger_time)) hang(m);
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h)
{
    (void)h;
    if (t >= V(trigger_time)) hang(m);
    return 0;
}

void model_cleanup(Model *m) { (void)m; }
