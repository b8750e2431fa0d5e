/* Hostile test FMU: leaves files in /tmp, /dev/shm, $TMPDIR and the cwd. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define LITTER_NAME "fmu_gateway_litter"

static int litter_path(int i, char *path, size_t n)
{
    const char *dirs[4];
    int j;
    dirs[0] = "/tmp";
    dirs[1] = "/dev/shm";
    dirs[2] = getenv("TMPDIR");
    dirs[3] = ".";
    if (!dirs[i] || !dirs[i][0]) return 0;
    for (j = 0; j < i; j++)
        if (dirs[j] && strcmp(dirs[j], dirs[i]) == 0) return 0; /* same directory twice */
    snprintf(path, n, "%s/%s", dirs[i], LITTER_NAME);
    return 1;
}

static void litter(Model *m)
{
    char path[4096];
    int i;
    /* first look for leftovers of an earlier run, then write */
    for (i = 0; i < 4; i++) {
        FILE *f;
        if (!litter_path(i, path, sizeof(path))) continue;
        f = fopen(path, "rb");
        if (f) {
            fclose(f);
            V(found_previous) = 1;
            core_log_always(m, ST_WARNING, "logModel", "Litter: found leftover %s", path);
        }
    }
    for (i = 0; i < 4; i++) {
        FILE *f;
        if (!litter_path(i, path, sizeof(path))) continue;
        f = fopen(path, "wb");
        if (!f) {
            core_log_always(m, ST_OK, "logModel", "Litter: cannot write %s", path);
            continue;
        }
        fprintf(f, "left behind by the Litter test FMU at model time %g\n", TIME);
        fclose(f);
        V(files_written) += 1;
        core_log_always(m, ST_OK, "logModel", "Litter: wrote %s", path);
    }
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        V(done) = 1;
        litter(m);
    }
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    if (m->phase == PH_CONT) maybe(m);
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h) { (void)t; (void)h; maybe(m); return 0; }

void model_cleanup(Model *m) { (void)m; }
