/* Fidelity test FMU: depends on a shared library that is not shipped. */
#include "model.h"

int fmugw_missing_answer(void); /* in libfmugw_missing.so */

void model_initialize(Model *m) { V(answer) = fmugw_missing_answer(); }

void model_evaluate(Model *m) { V(der_x) = 1.0; }

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
