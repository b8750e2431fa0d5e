/* Huge: 100,000 variables, cheap to run.  p_sum = sum of the NEL_p parameters p_i
 * (once, in Initialization Mode), sum = k * time, y_i = p_i * time (i = 1 .. NEL_y). */
#include "model.h"

void model_initialize(Model *m)
{
    const double *p = A(p);
    double s = 0;
    int i;
    for (i = 0; i < NEL_p; i++) s += p[i];
    V(p_sum) = s;
}

void model_evaluate(Model *m)
{
    const double *p = A(p);
    double *y = A(y);
    int i;
    V(sum) = V(k) * TIME;
    for (i = 0; i < NEL_y; i++) y[i] = p[i] * TIME;
}

void model_event_update(Model *m) { m->nextEventTimeDefined = false; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
