/* Test FMU: a run that takes wall time, not CPU time (it sleeps in every step). */
#define _POSIX_C_SOURCE 199309L
#include <time.h>
#include "model.h"

static void wait_a_while(double seconds)
{
    struct timespec left;
    if (!(seconds > 0.0)) return;
    if (seconds > 60.0) seconds = 60.0;
    left.tv_sec = (time_t)seconds;
    left.tv_nsec = (long)((seconds - (double)left.tv_sec) * 1e9);
    while (nanosleep(&left, &left) != 0) {
        /* interrupted: sleep what is left */
    }
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m) { V(der_x) = 1.0; }

void model_event_update(Model *m) { wait_a_while(V(sleep_per_step)); }

int model_do_step(Model *m, double t, double h)
{
    (void)t;
    (void)h;
    wait_a_while(V(sleep_per_step));
    return 0;
}

void model_cleanup(Model *m) { (void)m; }
