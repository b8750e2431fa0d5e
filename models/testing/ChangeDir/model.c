/* Fidelity test FMU: chdir() in instantiate (and after initialization). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "model.h"

static void cwd_into(Model *m, int slot)
{
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof(buf))) core_str_set(m, slot, buf);
    else core_str_setf(m, slot, "<error: %s>", strerror(errno));
}

static void change(Model *m)
{
    V(chdir_result) = chdir(S(dir)) == 0 ? 0 : -errno;
    cwd_into(m, SI_cwd_after);
    core_log_always(m, ST_WARNING, "logModel", "ChangeDir: chdir(%s) = %d, cwd was %s, is %s", S(dir),
                    (int)V(chdir_result), S(cwd_before), S(cwd_after));
}

void model_instantiate(Model *m)
{
    cwd_into(m, SI_cwd_before);
    change(m);
}

void model_initialize(Model *m)
{
    /* dir may have been set after instantiation: follow it */
    if (strcmp(S(dir), S(cwd_after)) != 0) change(m);
}

void model_evaluate(Model *m) { V(der_x) = 1.0; }

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
