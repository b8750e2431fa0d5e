/* Van der Pol oscillator: der(x0) = x1, der(x1) = mu*(1 - x0^2)*x1 - x0 */
#include "model.h"

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x0) = V(x1);
    V(der_x1) = V(mu) * (1.0 - V(x0) * V(x0)) * V(x1) - V(x0);
}

void model_event_update(Model *m) { m->nextEventTimeDefined = false; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
