/* Hostile test FMU: floods the FMI logger, stdout and stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define MSG 65536

static void chatter(Model *m)
{
    static char msg[MSG + 1];
    long total = (long)V(bytes_per_step), done = 0;
    int k;
    if (total <= 0) return;
    for (k = 0; k < MSG; k++) msg[k] = (char)('a' + k % 26);
    for (k = 63; k < MSG; k += 64) msg[k] = '\n';
    msg[MSG] = 0;
    while (done < total) {
        long n = total - done < MSG ? total - done : MSG;
        char saved = msg[n];
        msg[n] = 0;
        core_log_raw(m, ST_OK, "logModel", msg);
        fwrite(msg, 1, (size_t)n, stdout);
        fwrite(msg, 1, (size_t)n, stderr);
        msg[n] = saved;
        done += n;
    }
    fflush(stdout);
    fflush(stderr);
    V(bytes_logged) += (double)done;
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    if (m->phase == PH_CONT && TIME >= V(trigger_time) && TIME >= V(t_last) + 0.1 - 1e-9) {
        V(t_last) = TIME;
        chatter(m);
    }
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h)
{
    (void)h;
    if (t >= V(trigger_time)) chatter(m);
    return 0;
}

void model_cleanup(Model *m) { (void)m; }
