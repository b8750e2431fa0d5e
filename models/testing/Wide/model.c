/* Wide: 2,000 scalar outputs y_i = k * i * time (repeat family y, NEL_y members). */
#include "model.h"

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    double *y = A(y), kt = V(k) * TIME;
    int i;
    for (i = 0; i < NEL_y; i++) y[i] = kt * (i + 1);
}

void model_event_update(Model *m) { m->nextEventTimeDefined = false; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
