/* Fidelity test FMU: closes / redirects / writes stdout and stderr. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "model.h"

static void play(Model *m)
{
    int mode = (int)V(mode), i, r = 0;
    core_log_always(m, ST_WARNING, "logModel", "StdioGames: mode %d at t=%g", mode, TIME);
    switch (mode) {
    case 1:
        fflush(stdout);
        fflush(stderr);
        if (close(1) != 0) r = -errno;
        if (close(2) != 0 && !r) r = -errno;
        break;
    case 2: {
        int fd = open("/dev/null", O_WRONLY);
        if (fd < 0) { r = -errno; break; }
        fflush(stdout);
        fflush(stderr);
        if (dup2(fd, 1) < 0) r = -errno;
        if (dup2(fd, 2) < 0 && !r) r = -errno;
        if (fd > 2) close(fd);
        break;
    }
    case 3:
        for (i = 0; i < 10; i++) {
            printf("StdioGames: stdout line %d at t=%g\n", i + 1, TIME);
            fprintf(stderr, "StdioGames: stderr line %d at t=%g\n", i + 1, TIME);
            V(lines_printed) += 1;
        }
        if (fflush(stdout) != 0) r = -errno;
        if (fflush(stderr) != 0 && !r) r = -errno;
        break;
    default:
        break;
    }
    V(stdio_result) = r;
    core_log_always(m, ST_WARNING, "logModel", "StdioGames: mode %d done, result %d", mode, r);
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    if (m->phase == PH_CONT && V(done) == 0) {
        V(done) = 1;
        play(m);
    }
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h)
{
    (void)t; (void)h;
    if (V(done) == 0) {
        V(done) = 1;
        play(m);
    }
    return 0;
}

void model_cleanup(Model *m) { (void)m; }
