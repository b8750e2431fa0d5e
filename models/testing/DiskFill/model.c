/* Hostile test FMU: writes a file until the write fails. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "model.h"

#define FILL_NAME "fmu_gateway_diskfill.bin"
#define BLOCK (1024 * 1024)

static int open_target(char *path, size_t n)
{
    const char *dirs[3];
    int i, fd;
    dirs[0] = ".";
    dirs[1] = getenv("TMPDIR");
    dirs[2] = "/tmp";
    for (i = 0; i < 3; i++) {
        if (!dirs[i] || !dirs[i][0]) continue;
        snprintf(path, n, "%s/%s", dirs[i], FILL_NAME);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) return fd;
    }
    return -1;
}

static void fill(Model *m)
{
    static char block[BLOCK];
    char path[4096];
    long limit = (long)V(limit_mb), mb = 0;
    int fd;
    memset(block, 'F', sizeof(block));
    fd = open_target(path, sizeof(path));
    if (fd < 0) {
        core_log_always(m, ST_WARNING, "logModel", "DiskFill: cannot create a file: %s", strerror(errno));
        return;
    }
    core_log_always(m, ST_WARNING, "logModel", "DiskFill: writing to %s at t=%g", path, TIME);
    while (limit <= 0 || mb < limit) {
        size_t off = 0;
        while (off < sizeof(block)) {
            ssize_t w = write(fd, block + off, sizeof(block) - off);
            if (w <= 0) goto done;
            off += (size_t)w;
        }
        mb++;
        V(written_mb) = (double)mb;
    }
done:
    core_log_always(m, ST_WARNING, "logModel", "DiskFill: stopped after %ld MiB: %s", mb,
                    (limit > 0 && mb >= limit) ? "limit reached" : strerror(errno));
    close(fd);
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        V(done) = 1;
        fill(m);
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
