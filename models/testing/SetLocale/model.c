/* Fidelity test FMU: setlocale() in instantiate and in doStep. */
#include <locale.h>
#include <string.h>
#include "model.h"

static void numeric_c(Model *m)
{
    if (setlocale(LC_NUMERIC, "C")) V(setlocale_calls) += 1;
}

void model_instantiate(Model *m)
{
    const char *prev = setlocale(LC_ALL, NULL);
    S_SET(previous_locale, prev ? prev : "<null>");
    if (setlocale(LC_ALL, "C")) V(setlocale_calls) += 1;
    core_log_always(m, ST_OK, "logModel", "SetLocale: setlocale(LC_ALL, \"C\"), previous locale %s",
                    S(previous_locale));
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    if (m->phase == PH_CONT && V(done) == 0) {
        V(done) = 1;
        numeric_c(m);
    }
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h)
{
    (void)t; (void)h;
    numeric_c(m);
    return 0;
}

void model_cleanup(Model *m) { (void)m; }
