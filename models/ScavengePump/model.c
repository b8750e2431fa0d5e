/* Scavenge pump and sump tank.
 *   A_tank*der(h) = Q_in - Q_pump,  Q_pump = Q_cap * s(h)
 * s rises smoothly from 0 at the pick-up to 1 at h_pickup + h_transition. */
#include "model.h"

#define LPM 1.0 / 60000.0 /* L/min -> m3/s */

static double supply_fraction(Model *m)
{
    double w = V(h_transition) > 1e-6 ? V(h_transition) : 1e-6;
    double xi = (V(h) - V(h_pickup)) / w;
    if (xi <= 0) return 0.0;
    if (xi >= 1) return 1.0;
    return xi * xi * (3.0 - 2.0 * xi);
}

void model_initialize(Model *m)
{
    V(h) = V(h0);
    V(starved) = V(h) < V(h_pickup) + V(h_transition) ? 1.0 : 0.0;
}

void model_evaluate(Model *m)
{
    double s = supply_fraction(m);
    double area = V(A_tank) > 1e-9 ? V(A_tank) : 1e-9;
    double qcap = V(displacement) * V(pump_speed) * V(eta_v) / 1000.0; /* cm3*rpm -> L/min */
    if (qcap < 0) qcap = 0;
    V(Q_cap) = qcap;
    V(Q_pump) = qcap * s;
    V(air_fraction) = 1.0 - s;
    V(volume) = area * V(h) * 1000.0;
    V(der_h) = (V(Q_in) - V(Q_pump)) * (LPM) / area;
    V(z_starve) = V(h) - (V(h_pickup) + V(h_transition));
}

void model_event_update(Model *m)
{
    /* the integrator locates the crossing only approximately (z may be a
     * tiny bit on the old side): toggle within a small band around 0 */
    const double eps = 1e-9 * (1.0 + V(h_pickup));
    bool was = V(starved) != 0;
    bool starved = was ? V(z_starve) < -eps : V(z_starve) < eps;
    if (starved != was) {
        V(starved) = starved ? 1.0 : 0.0;
        core_log(m, ST_OK, "logEvents", "t=%g: pump %s", TIME, starved ? "starts ingesting air" : "fully submerged");
    }
    m->nextEventTimeDefined = false;
}

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
