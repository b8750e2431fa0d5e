/* Hostile test FMU: NaN / +Inf / -Inf outputs. */
#include <math.h>
#include "model.h"

static void outputs(Model *m)
{
    if (TIME >= V(trigger_time)) {
        V(nan_out) = NAN;
        V(pinf_out) = INFINITY;
        V(ninf_out) = -INFINITY;
        if (V(done) == 0) {
            V(done) = 1;
            core_log_always(m, ST_WARNING, "logModel",
                            "NonFinite: outputs are NaN, +Inf and -Inf from t=%g on", TIME);
        }
    } else {
        V(nan_out) = 0.0;
        V(pinf_out) = 0.0;
        V(ninf_out) = 0.0;
    }
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    outputs(m);
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
