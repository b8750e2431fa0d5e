/* Fidelity test FMU: umask(0777) at instantiation. */
#include <sys/stat.h>
#include <sys/types.h>
#include "model.h"

static int g_previous = -1;

void model_instantiate(Model *m)
{
    g_previous = (int)umask(0777);
    V(previous_umask) = g_previous;
    core_log_always(m, ST_WARNING, "logModel", "Umask: umask(0777), previous umask 0%o", (unsigned)g_previous);
}

void model_initialize(Model *m) { V(previous_umask) = g_previous; }

void model_evaluate(Model *m) { V(der_x) = 1.0; }

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
