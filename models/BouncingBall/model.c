/* BouncingBall: der(h) = v, der(v) = -g; at h = 0: v := -e*v; rests when
 * the rebound velocity is below v_min. */
#include "model.h"

void model_initialize(Model *m)
{
    (void)m; /* h, v, resting and bounces have exact start values */
}

void model_evaluate(Model *m)
{
    bool resting = V(resting) != 0;
    V(der_h) = resting ? 0.0 : V(v);
    V(der_v) = resting ? 0.0 : -V(g);
    V(z_ground) = resting ? 1.0 : V(h);
}

void model_event_update(Model *m)
{
    if (V(resting) == 0 && V(h) <= 0 && V(v) <= 0) {
        V(h) = 0.0;
        V(v) = -V(e) * V(v);
        V(bounces) += 1;
        if (V(v) < V(v_min)) {
            V(v) = 0.0;
            V(resting) = 1.0;
        }
        m->valuesOfContinuousStatesChanged = true;
        core_log(m, ST_OK, "logEvents", "bounce %d at t=%g, v=%g", (int)V(bounces), TIME, V(v));
    }
    m->nextEventTimeDefined = false;
}

int model_do_step(Model *m, double t, double h)
{
    (void)m; (void)t; (void)h;
    return 0;
}

void model_cleanup(Model *m)
{
    (void)m;
}
