/* Hostile test FMU: allocates and touches memory until malloc fails. */
#include <stdlib.h>
#include <string.h>
#include "model.h"

/* returns 0 if it (unexpectedly) survived: all memory is released again */
static int hog(Model *m)
{
    size_t chunk = (size_t)(V(chunk_mb) > 0 ? V(chunk_mb) : 64) * 1024u * 1024u;
    void **head = NULL;
    long n = 0;
    core_log_always(m, ST_WARNING, "logModel", "MemoryHog: allocating %lu MiB blocks at t=%g",
                    (unsigned long)(chunk >> 20), TIME);
    for (;;) {
        void **block = (void **)malloc(chunk);
        if (!block) break;
        memset(block, 0xA5, chunk); /* touch every page */
        block[0] = (void *)head;    /* keep it reachable */
        head = block;
        n++;
        V(allocated_mb) = (double)(n * (long)(chunk >> 20));
    }
    core_log_always(m, ST_ERROR, "logStatusError", "MemoryHog: malloc failed after %ld MiB",
                    n * (long)(chunk >> 20));
    while (head) {
        void **next = (void **)head[0];
        free(head);
        head = next;
    }
    return -1;
}

void model_initialize(Model *m) { (void)m; }

void model_evaluate(Model *m)
{
    V(der_x) = 1.0;
    if (m->phase == PH_CONT && TIME >= V(trigger_time)) {
        hog(m);
        m->phase = PH_ERROR; /* subsequent calls fail */
    }
}

void model_event_update(Model *m) { (void)m; }

int model_do_step(Model *m, double t, double h)
{
    (void)h;
    if (t >= V(trigger_time) && hog(m) != 0) return 100 + ST_ERROR;
    return 0;
}

void model_cleanup(Model *m) { (void)m; }
