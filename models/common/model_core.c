/* FMU Gateway model framework: version independent core. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

const VarInfo MODEL_VARS[N_VARS] = MODEL_VAR_TABLE;
const unsigned STATE_OFFSETS[NS_ALLOC] = MODEL_STATE_OFFSETS;
const unsigned DERIVATIVE_OFFSETS[NS_ALLOC] = MODEL_DERIVATIVE_OFFSETS;
const double STATE_NOMINALS[NS_ALLOC] = MODEL_STATE_NOMINALS;
const unsigned EVENT_INDICATOR_OFFSETS[NZ_ALLOC] = MODEL_EVENT_INDICATOR_OFFSETS;
static const double START_VALUES[N_VALUES] = MODEL_START_VALUES;

/* maximum internal sub-step of the Co-Simulation solver */
#ifndef CS_MAX_SUBSTEP
#define CS_MAX_SUBSTEP 1e-3
#endif
#define MAX_EVENT_ITERATIONS 100

static char *copy_string(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *c = (char *)malloc(n);
    if (c) memcpy(c, s ? s : "", n);
    return c;
}

/* length of the longest prefix of s that fits into FMUGW_STRING_MAX bytes
 * (with the NUL) and does not end inside a UTF-8 sequence; *truncated is set
 * when s is longer */
static size_t capped_length(const char *s, int *truncated)
{
    const char *nul = (const char *)memchr(s, 0, FMUGW_STRING_MAX);
    size_t n;
    *truncated = 0;
    if (nul) return (size_t)(nul - s);
    *truncated = 1;
    n = FMUGW_STRING_MAX - 1;
    /* s[n] is the first byte cut off: if it continues a multi-byte sequence,
     * cut before that sequence's lead byte */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n;
}

/* replace a string slot by a copy of value; returns 1 if truncated,
 * -1 if out of memory (the slot then keeps its old value) */
static int store_string(Model *m, int slot, const char *value)
{
    int truncated;
    size_t n;
    char *c;
    if (slot < 0 || slot >= N_STRINGS) return -1;
    if (!value) value = "";
    n = capped_length(value, &truncated);
    c = (char *)malloc(n + 1);
    if (!c) return -1;
    memcpy(c, value, n);
    c[n] = 0;
    free(m->str[slot]);
    m->str[slot] = c;
    return truncated;
}

const char *core_str(Model *m, int slot)
{
    if (!m || slot < 0 || slot >= N_STRINGS || !m->str[slot]) return "";
    return m->str[slot];
}

void core_str_set(Model *m, int slot, const char *value)
{
    if (m) (void)store_string(m, slot, value);
}

void core_str_setf(Model *m, int slot, const char *fmt, ...)
{
    /* twice the cap: store_string then truncates at a UTF-8 boundary */
    char buf[2 * FMUGW_STRING_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    core_str_set(m, slot, buf);
}

static void free_strings(Model *m)
{
    int i;
    for (i = 0; i < NSTR_ALLOC; i++) {
        free(m->str[i]);
        m->str[i] = NULL;
    }
}

static void set_defaults(Model *m)
{
    int i;
    for (i = 0; i < N_VALUES; i++) m->v[i] = START_VALUES[i];
    for (i = 0; i < N_VARS; i++)
        if (MODEL_VARS[i].type == VT_STRING) store_string(m, MODEL_VARS[i].slot, MODEL_VARS[i].sstart);
    m->phase = PH_INSTANTIATED;
    m->dirty = true;
    m->nextEventTimeDefined = false;
    m->nextEventTime = 0;
    m->newDiscreteStatesNeeded = false;
    m->terminateSimulation = false;
    m->valuesOfContinuousStatesChanged = false;
    m->nominalsChanged = false;
    m->startTime = 0;
    m->stopTime = 0;
    m->stopTimeDefined = false;
    for (i = 0; i < NZ_ALLOC; i++) m->zprev[i] = 0;
}

#if defined(__GNUC__)
__attribute__((weak))
#endif
void model_instantiate(Model *m)
{
    (void)m;
}

Model *core_instantiate(const char *instanceName, int fmiVersion, bool isCS,
                        bool loggingOn, ModelLogFn logfn, void *glue)
{
    Model *m = (Model *)calloc(1, sizeof(Model));
    if (!m) return NULL;
    m->instanceName = copy_string(instanceName);
    m->fmiVersion = fmiVersion;
    m->isCS = isCS;
    m->loggingOn = loggingOn;
    m->logfn = logfn;
    m->glue = glue;
    m->user = NULL;
    set_defaults(m);
    core_log(m, ST_OK, "logCalls", "instantiated %s (FMI %d, %s)", MODEL_IDENTIFIER,
             fmiVersion, isCS ? "CoSimulation" : "ModelExchange");
    model_instantiate(m);
    return m;
}

void core_free(Model *m)
{
    if (!m) return;
    model_cleanup(m);
    free_strings(m);
    free(m->instanceName);
    free(m);
}

void core_reset(Model *m)
{
    model_cleanup(m);
    m->user = NULL;
    set_defaults(m);
}

void core_log_raw(Model *m, int status, const char *category, const char *message)
{
    if (m && m->logfn) m->logfn(m, status, category, message);
}

static void vlog(Model *m, int status, const char *category, const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    core_log_raw(m, status, category, buf);
}

void core_log(Model *m, int status, const char *category, const char *fmt, ...)
{
    va_list ap;
    if (!m || !m->logfn) return;
    if (!m->loggingOn && status < ST_WARNING) return;
    va_start(ap, fmt);
    vlog(m, status, category, fmt, ap);
    va_end(ap);
}

void core_log_always(Model *m, int status, const char *category, const char *fmt, ...)
{
    va_list ap;
    if (!m || !m->logfn) return;
    va_start(ap, fmt);
    vlog(m, status, category, fmt, ap);
    va_end(ap);
}

static const char *phase_name(Phase p)
{
    switch (p) {
    case PH_INSTANTIATED: return "Instantiated";
    case PH_INIT: return "Initialization Mode";
    case PH_EVENT: return "Event Mode";
    case PH_CONT: return "Continuous-Time Mode";
    case PH_STEP: return "Step Mode";
    case PH_TERMINATED: return "Terminated";
    default: return "Error";
    }
}

int core_check_phase(Model *m, const char *fn, unsigned allowedMask)
{
    if (!m) return ST_ERROR;
    if (allowedMask & PH_MASK(m->phase)) return ST_OK;
    core_log(m, ST_ERROR, "logStatusError", "%s must not be called in %s.", fn,
             phase_name(m->phase));
    return ST_ERROR;
}

void core_eval(Model *m)
{
    if (!m->dirty) return;
    if (m->phase == PH_INSTANTIATED || m->phase == PH_INIT) model_initialize(m);
    model_evaluate(m);
    m->dirty = false;
}

int core_enter_init(Model *m, double startTime, bool stopDefined, double stopTime)
{
    if (core_check_phase(m, "EnterInitializationMode", PH_MASK(PH_INSTANTIATED))) return ST_ERROR;
    m->phase = PH_INIT;
    m->startTime = startTime;
    m->stopTime = stopTime;
    m->stopTimeDefined = stopDefined;
    TIME = startTime;
    m->dirty = true;
    return ST_OK;
}

#if N_EVENT_INDICATORS > 0
static void read_z(Model *m, double z[])
{
    int i;
    core_eval(m);
    for (i = 0; i < N_EVENT_INDICATORS; i++) z[i] = m->v[EVENT_INDICATOR_OFFSETS[i]];
}
#endif

static void update_zprev(Model *m)
{
#if N_EVENT_INDICATORS > 0
    read_z(m, m->zprev);
#else
    (void)m;
#endif
}

static void event_iteration(Model *m)
{
    int k;
    for (k = 0; k < MAX_EVENT_ITERATIONS; k++) {
        core_eval(m);
        m->newDiscreteStatesNeeded = false;
        model_event_update(m);
        m->dirty = true;
        if (!m->newDiscreteStatesNeeded || m->terminateSimulation) break;
    }
    if (k == MAX_EVENT_ITERATIONS)
        core_log(m, ST_WARNING, "logEvents", "event iteration did not converge at t=%g", TIME);
    m->valuesOfContinuousStatesChanged = false;
    update_zprev(m);
}

int core_exit_init(Model *m)
{
    if (core_check_phase(m, "ExitInitializationMode", PH_MASK(PH_INIT))) return ST_ERROR;
    m->dirty = true;
    core_eval(m);           /* final model_initialize() + evaluate */
    if (m->isCS) {
        m->phase = PH_STEP;
        event_iteration(m); /* initial event: schedules first time event etc. */
    } else {
        m->phase = PH_EVENT;
        update_zprev(m);
    }
    return ST_OK;
}

static int check_vr(Model *m, unsigned vr, VarType type, const char *what)
{
    static const char *tn[] = {"Float64/Real", "Int32/Integer", "Boolean", "String"};
    if (vr >= N_VARS) {
        core_log(m, ST_ERROR, "logStatusError", "%s: unknown value reference %u.", what, vr);
        return ST_ERROR;
    }
    if (MODEL_VARS[vr].type != type) {
        core_log(m, ST_ERROR, "logStatusError", "%s: variable %s (vr %u) is not of type %s.",
                 what, MODEL_VARS[vr].name, vr, tn[type]);
        return ST_ERROR;
    }
    return ST_OK;
}

size_t core_nelem(unsigned vr)
{
    return vr < N_VARS ? (size_t)MODEL_VARS[vr].nelem : 0;
}

int core_get_elem(Model *m, unsigned vr, VarType type, size_t idx, double *value)
{
    if (check_vr(m, vr, type, "get")) return ST_ERROR;
    if (idx >= (size_t)MODEL_VARS[vr].nelem) {
        core_log(m, ST_ERROR, "logStatusError", "get: element %u of %s (vr %u) does not exist.",
                 (unsigned)idx, MODEL_VARS[vr].name, vr);
        return ST_ERROR;
    }
    if (m->phase == PH_ERROR) return ST_ERROR;
    core_eval(m);
    *value = m->v[MODEL_VARS[vr].offset + (int)idx];
    return ST_OK;
}

static int check_scalar(Model *m, unsigned vr, const char *what)
{
    if (vr < N_VARS && MODEL_VARS[vr].nelem != 1) {
        core_log(m, ST_ERROR, "logStatusError", "%s: %s (vr %u) is an array.", what,
                 MODEL_VARS[vr].name, vr);
        return ST_ERROR;
    }
    return ST_OK;
}

int core_get(Model *m, unsigned vr, VarType type, double *value)
{
    if (check_scalar(m, vr, "get")) return ST_ERROR;
    return core_get_elem(m, vr, type, 0, value);
}

/* may variable vr (already type checked) be set in the current phase? */
static int check_settable(Model *m, unsigned vr)
{
    const VarInfo *vi = &MODEL_VARS[vr];
    bool ok = false;
    if (vi->variability == VAR_CONSTANT || vi->causality == CAUS_INDEPENDENT ||
        vi->causality == CAUS_CALCULATED_PARAMETER) {
        core_log(m, ST_ERROR, "logStatusError", "Variable %s (vr %u) cannot be set.", vi->name, vr);
        return ST_ERROR;
    }
    switch (m->phase) {
    case PH_INSTANTIATED:
    case PH_INIT:
        ok = vi->hasStart || vi->causality == CAUS_INPUT;
        break;
    case PH_EVENT:
    case PH_STEP:
        ok = vi->causality == CAUS_INPUT ||
             (vi->causality == CAUS_PARAMETER && vi->variability == VAR_TUNABLE);
        break;
    case PH_CONT:
        ok = vi->causality == CAUS_INPUT && vi->variability == VAR_CONTINUOUS;
        break;
    default:
        ok = false;
    }
    if (!ok) {
        core_log(m, ST_ERROR, "logStatusError", "Variable %s (vr %u) cannot be set in %s.",
                 vi->name, vr, phase_name(m->phase));
        return ST_ERROR;
    }
    return ST_OK;
}

int core_set_elem(Model *m, unsigned vr, VarType type, size_t idx, double value)
{
    if (check_vr(m, vr, type, "set")) return ST_ERROR;
    if (idx >= (size_t)MODEL_VARS[vr].nelem) {
        core_log(m, ST_ERROR, "logStatusError", "set: element %u of %s (vr %u) does not exist.",
                 (unsigned)idx, MODEL_VARS[vr].name, vr);
        return ST_ERROR;
    }
    if (check_settable(m, vr)) return ST_ERROR;
    if (type == VT_BOOLEAN) value = value != 0 ? 1.0 : 0.0;
    m->v[MODEL_VARS[vr].offset + (int)idx] = value;
    m->dirty = true;
    return ST_OK;
}

int core_set(Model *m, unsigned vr, VarType type, double value)
{
    if (check_scalar(m, vr, "set")) return ST_ERROR;
    return core_set_elem(m, vr, type, 0, value);
}

int core_get_string(Model *m, unsigned vr, const char **value)
{
    if (check_vr(m, vr, VT_STRING, "get")) return ST_ERROR;
    if (m->phase == PH_ERROR) return ST_ERROR;
    core_eval(m);
    *value = core_str(m, MODEL_VARS[vr].slot);
    return ST_OK;
}

int core_set_string(Model *m, unsigned vr, const char *value)
{
    int r;
    if (check_vr(m, vr, VT_STRING, "set")) return ST_ERROR;
    if (check_settable(m, vr)) return ST_ERROR;
    r = store_string(m, MODEL_VARS[vr].slot, value);
    if (r < 0) {
        core_log(m, ST_ERROR, "logStatusError", "Variable %s (vr %u): out of memory.",
                 MODEL_VARS[vr].name, vr);
        return ST_ERROR;
    }
    m->dirty = true;
    if (r > 0) {
        core_log(m, ST_WARNING, "logStatusWarning",
                 "Variable %s (vr %u): value truncated to %u bytes.", MODEL_VARS[vr].name, vr,
                 (unsigned)strlen(m->str[MODEL_VARS[vr].slot]));
        return ST_WARNING;
    }
    return ST_OK;
}

int core_set_time(Model *m, double t)
{
    TIME = t;
    m->dirty = true;
    return ST_OK;
}

int core_get_states(Model *m, double x[], size_t nx)
{
    size_t i;
    if (nx != N_STATES) {
        core_log(m, ST_ERROR, "logStatusError", "expected %d continuous states, got %u",
                 N_STATES, (unsigned)nx);
        return ST_ERROR;
    }
    core_eval(m);
    for (i = 0; i < nx; i++) x[i] = m->v[STATE_OFFSETS[i]];
    return ST_OK;
}

int core_set_states(Model *m, const double x[], size_t nx)
{
    size_t i;
    if (nx != N_STATES) {
        core_log(m, ST_ERROR, "logStatusError", "expected %d continuous states, got %u",
                 N_STATES, (unsigned)nx);
        return ST_ERROR;
    }
    for (i = 0; i < nx; i++) m->v[STATE_OFFSETS[i]] = x[i];
    m->dirty = true;
    return ST_OK;
}

int core_get_derivatives(Model *m, double dx[], size_t nx)
{
    size_t i;
    if (nx != N_STATES) {
        core_log(m, ST_ERROR, "logStatusError", "expected %d derivatives, got %u",
                 N_STATES, (unsigned)nx);
        return ST_ERROR;
    }
    core_eval(m);
    for (i = 0; i < nx; i++) dx[i] = m->v[DERIVATIVE_OFFSETS[i]];
    return ST_OK;
}

int core_get_event_indicators(Model *m, double z[], size_t nz)
{
    if (nz != N_EVENT_INDICATORS) {
        core_log(m, ST_ERROR, "logStatusError", "expected %d event indicators, got %u",
                 N_EVENT_INDICATORS, (unsigned)nz);
        return ST_ERROR;
    }
#if N_EVENT_INDICATORS > 0
    read_z(m, z);
#else
    (void)z;
#endif
    return ST_OK;
}

int core_get_nominals(Model *m, double n[], size_t nx)
{
    size_t i;
    if (nx != N_STATES) {
        core_log(m, ST_ERROR, "logStatusError", "expected %d nominals, got %u",
                 N_STATES, (unsigned)nx);
        return ST_ERROR;
    }
    for (i = 0; i < nx; i++) n[i] = STATE_NOMINALS[i];
    return ST_OK;
}

int core_update_discrete(Model *m)
{
    core_eval(m);
    m->newDiscreteStatesNeeded = false;
    m->terminateSimulation = false;
    m->valuesOfContinuousStatesChanged = false;
    m->nominalsChanged = false;
    model_event_update(m);
    m->dirty = true;
    return ST_OK;
}

/* ---------------- Co-Simulation solver -------------------------------- */

static void get_x(Model *m, double x[])
{
    int i;
    for (i = 0; i < N_STATES; i++) x[i] = m->v[STATE_OFFSETS[i]];
}

static void put_x(Model *m, const double x[])
{
    int i;
    for (i = 0; i < N_STATES; i++) m->v[STATE_OFFSETS[i]] = x[i];
    m->dirty = true;
}

static void get_dx(Model *m, double dx[])
{
    int i;
    core_eval(m);
    for (i = 0; i < N_STATES; i++) dx[i] = m->v[DERIVATIVE_OFFSETS[i]];
}

/* classic Runge-Kutta step from (t0, x0) over dt; result in the model */
static void rk4(Model *m, double t0, const double x0[], double dt)
{
#if N_STATES > 0
    double k1[NS_ALLOC], k2[NS_ALLOC], k3[NS_ALLOC], k4[NS_ALLOC], xt[NS_ALLOC];
    int i;
    put_x(m, x0); TIME = t0; get_dx(m, k1);
    for (i = 0; i < N_STATES; i++) xt[i] = x0[i] + 0.5 * dt * k1[i];
    put_x(m, xt); TIME = t0 + 0.5 * dt; get_dx(m, k2);
    for (i = 0; i < N_STATES; i++) xt[i] = x0[i] + 0.5 * dt * k2[i];
    put_x(m, xt); get_dx(m, k3);
    for (i = 0; i < N_STATES; i++) xt[i] = x0[i] + dt * k3[i];
    put_x(m, xt); TIME = t0 + dt; get_dx(m, k4);
    for (i = 0; i < N_STATES; i++)
        xt[i] = x0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    put_x(m, xt);
#else
    (void)x0;
#endif
    TIME = t0 + dt;
    m->dirty = true;
}

#if N_EVENT_INDICATORS > 0
static bool crossed(const double za[], const double zb[])
{
    int i;
    for (i = 0; i < N_EVENT_INDICATORS; i++) {
        if ((za[i] > 0 && zb[i] <= 0) || (za[i] < 0 && zb[i] >= 0)) return true;
    }
    return false;
}
#endif

int core_do_step(Model *m, double t, double h)
{
    double tend, dt, tol;
    int n, r;
    if (core_check_phase(m, "DoStep", PH_MASK(PH_STEP))) return ST_ERROR;
    if (h < 0) {
        core_log(m, ST_ERROR, "logStatusError", "negative communication step size %g", h);
        return ST_ERROR;
    }
    if (fabs(t - TIME) > 1e-9 * (1.0 + fabs(t))) {
        core_log(m, ST_WARNING, "logStatusWarning",
                 "currentCommunicationPoint %.17g differs from model time %.17g", t, TIME);
    }
    TIME = t;
    m->dirty = true;
    r = model_do_step(m, t, h);
    if (r >= 100) return r - 100;
    if (r == 1) { m->dirty = true; return ST_OK; }

    tend = t + h;
    tol = 1e-12 * (1.0 + fabs(tend));
    n = (int)ceil(h / CS_MAX_SUBSTEP - 1e-9);
    if (n < 1) n = 1;
    dt = h / n;

    while (TIME < tend - tol && !m->terminateSimulation) {
        double t0 = TIME, t1 = TIME + dt, x0[NS_ALLOC];
        bool event = false;
        if (t1 > tend - tol) t1 = tend;
        if (m->nextEventTimeDefined && m->nextEventTime <= t1 + tol) {
            if (m->nextEventTime > t0) t1 = m->nextEventTime;
            else t1 = t0; /* overdue: handle now */
            event = true;
        }
        get_x(m, x0);
        if (t1 > t0) rk4(m, t0, x0, t1 - t0);
#if N_EVENT_INDICATORS > 0
        {
            double z[NZ_ALLOC];
            read_z(m, z);
            if (crossed(m->zprev, z)) {
                /* locate the state event by bisection */
                double lo = t0, hi = t1;
                int it;
                for (it = 0; it < 60 && hi - lo > 1e-12 * (1.0 + fabs(hi)); it++) {
                    double mid = 0.5 * (lo + hi);
                    rk4(m, t0, x0, mid - t0);
                    read_z(m, z);
                    if (crossed(m->zprev, z)) hi = mid; else lo = mid;
                }
                rk4(m, t0, x0, hi - t0);
                event = true;
            }
        }
#endif
        if (event) {
            core_log(m, ST_OK, "logEvents", "event at t=%.12g", TIME);
            event_iteration(m);
        } else {
            update_zprev(m);
        }
    }
    if (!m->terminateSimulation) TIME = tend;
    m->dirty = true;
    core_eval(m);
    return ST_OK;
}
