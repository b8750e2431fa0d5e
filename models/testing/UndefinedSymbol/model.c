/* Fidelity test FMU: references a symbol nobody defines. */
#include "model.h"

int fmugw_not_defined(void); /* defined nowhere */

/* an absolute relocation in initialised data: resolved when the library is
 * loaded, also with RTLD_LAZY */
static int (*volatile not_defined_ptr)(void) = fmugw_not_defined;

void model_initialize(Model *m) { V(answer) = not_defined_ptr(); }

void model_evaluate(Model *m) { V(der_x) = 1.0; }

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
