/* Framework test FMU: String parameters, locals and outputs. */
#include <string.h>
#include "model.h"

static void echo(Model *m)
{
    V(greeting_length) = (double)strlen(S(greeting));
    V(tag_length) = (double)strlen(S(tag));
    S_SETF(echo, "%s|%s", S(greeting), S(tag));
    if (strcmp(S(note), "evaluated") != 0) S_SET(note, "evaluated");
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    echo(m);
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
