/* Common-rail fuel pressure dynamics.
 *   der(p_rail) = bulk_modulus / V_rail * (Q_pump - Q_injectors - Q_relief)
 * Injector pulses are rectangular and scheduled with time events. */
#include <math.h>
#include "model.h"

#define CM3 1e-6   /* m3 */
#define BAR 1e5    /* Pa */

/* firing period of the whole injector bank in s, or <= 0 if not firing */
static double firing_period(Model *m)
{
    double f = V(n_injectors) * V(engine_speed) / 120.0; /* 4-stroke: 1 shot / 2 rev */
    return f > 1e-9 ? 1.0 / f : -1.0;
}

void model_initialize(Model *m)
{
    double T = firing_period(m);
    V(injecting) = 0.0;
    V(t_close) = TIME;
    V(t_next_open) = TIME + (T > 0 ? 0.5 * T : 0.0);
}

void model_evaluate(Model *m)
{
    double p = V(p_rail);
    double dp = (p - V(p_back)) * BAR;
    double q_inj = 0.0, q_relief = 0.0, q_pump, T;

    q_pump = V(pump_displacement) * CM3 * V(pump_speed) / 60.0 * V(eta_v);
    if (q_pump < 0) q_pump = 0;
    if (V(injecting) != 0 && dp > 0)
        q_inj = V(Cd) * V(A_nozzle) * 1e-6 * sqrt(2.0 * dp / V(rho));
    if (p > V(p_relief)) q_relief = V(k_relief) * CM3 * (p - V(p_relief));

    V(Q_pump) = q_pump / CM3;
    V(Q_injectors) = q_inj / CM3;
    V(Q_relief) = q_relief / CM3;
    T = firing_period(m);
    V(f_injection) = T > 0 ? 1.0 / T : 0.0;
    V(der_p_rail) = V(bulk_modulus) / (V(V_rail) * CM3) * (q_pump - q_inj - q_relief) / BAR;
    V(der_V_injected) = V(Q_injectors);
}

void model_event_update(Model *m)
{
    const double eps = 1e-9;
    double T = firing_period(m);
    if (V(injecting) != 0 && TIME >= V(t_close) - eps) {
        V(injecting) = 0.0;
    }
    if (V(injecting) == 0 && T > 0) {
        if (V(t_next_open) < TIME - eps) V(t_next_open) = TIME; /* stale (engine was stopped) */
        if (TIME >= V(t_next_open) - eps) {
            double pw = V(pulse_width) * 1e-3;
            if (pw > 0.9 * T) pw = 0.9 * T;
            if (pw > 0) {
                V(injecting) = 1.0;
                V(t_close) = TIME + pw;
            }
            V(t_next_open) = TIME + T;
        }
    }
    if (V(injecting) != 0) {
        m->nextEventTimeDefined = true;
        m->nextEventTime = V(t_close);
    } else if (T > 0) {
        m->nextEventTimeDefined = true;
        m->nextEventTime = V(t_next_open);
    } else {
        m->nextEventTimeDefined = false;
    }
}

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
