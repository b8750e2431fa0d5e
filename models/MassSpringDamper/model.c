/* Mass-spring-damper: der(x) = v, m*der(v) = F - k*x - c*v */
#include "model.h"

void model_initialize(Model *m)
{
    V(x) = V(x0);
    V(v) = V(v0);
}

void model_evaluate(Model *m)
{
    double mass = V(m) > 1e-9 ? V(m) : 1e-9;
    V(der_x) = V(v);
    V(a) = (V(F) - V(k) * V(x) - V(c) * V(v)) / mass;
    V(der_v) = V(a);
}

void model_event_update(Model *m) { m->nextEventTimeDefined = false; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
