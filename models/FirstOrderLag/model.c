/* First-order lag: T*der(y) = K*u - y, y(0) = y0 */
#include "model.h"

void model_initialize(Model *m) { V(y) = V(y0); }

void model_evaluate(Model *m)
{
    double T = V(T) > 1e-9 ? V(T) : 1e-9;
    V(der_y) = (V(K) * V(u) - V(y)) / T;
}

void model_event_update(Model *m) { m->nextEventTimeDefined = false; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
