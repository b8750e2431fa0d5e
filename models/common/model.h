/*
 * FMU Gateway model framework.
 *
 * A model is a table of variables (generated into model_config.h by
 * models/build.py from models/<Name>/model.json) plus a handful of hooks
 * implemented in models/<Name>/model.c.  The glue files fmi2_glue.c and
 * fmi3_glue.c implement the FMI 2.0 / FMI 3.0 C APIs (Model Exchange and
 * Co-Simulation) on top of the generic core in model_core.c.
 *
 * All numeric values are stored in one double array m->v (Int32 and Boolean
 * values are stored exactly as doubles); variable `name` starts at OFF_name.
 * FMI 3 array variables (Float64, fixed dimensions) occupy NEL_name
 * consecutive doubles in row-major order; they are accessed with A(name)[i].
 * String variables live in instance-owned, heap-allocated slots (one per
 * String variable, SI_<name>), at most FMUGW_STRING_MAX bytes including the
 * terminating NUL; longer values are truncated (at a UTF-8 boundary).
 */
#ifndef FMUGW_MODEL_H
#define FMUGW_MODEL_H

#include <stddef.h>
#include <stdbool.h>
#include "model_config.h"

#define NS_ALLOC (N_STATES > 0 ? N_STATES : 1)
#define NZ_ALLOC (N_EVENT_INDICATORS > 0 ? N_EVENT_INDICATORS : 1)
#define NSTR_ALLOC (N_STRINGS > 0 ? N_STRINGS : 1)

/* maximum size of a String value in bytes, including the terminating NUL */
#define FMUGW_STRING_MAX 4096

typedef enum { VT_FLOAT64, VT_INT32, VT_BOOLEAN, VT_STRING } VarType;
typedef enum { CAUS_PARAMETER, CAUS_CALCULATED_PARAMETER, CAUS_INPUT,
               CAUS_OUTPUT, CAUS_LOCAL, CAUS_INDEPENDENT } Causality;
typedef enum { VAR_CONSTANT, VAR_FIXED, VAR_TUNABLE, VAR_DISCRETE,
               VAR_CONTINUOUS } Variability;

typedef struct {
    const char *name;
    VarType type;
    Causality causality;
    Variability variability;
    double start;
    int hasStart;       /* initial = exact/approx (may be set before init) */
    double nominal;
    const char *sstart; /* String variables: start value (NULL otherwise) */
    int slot;           /* String variables: index into Model.str (-1 otherwise) */
    int offset;         /* first element in Model.v */
    int nelem;          /* number of elements (1 for scalars) */
} VarInfo;

/* FMI status codes (identical numbering in FMI 2 and FMI 3) */
enum { ST_OK = 0, ST_WARNING = 1, ST_DISCARD = 2, ST_ERROR = 3, ST_FATAL = 4 };

typedef enum {
    PH_INSTANTIATED, PH_INIT, PH_EVENT, PH_CONT, PH_STEP, PH_TERMINATED, PH_ERROR
} Phase;

struct Model;
typedef void (*ModelLogFn)(struct Model *m, int status, const char *category,
                           const char *message);

typedef struct Model {
    double v[N_VALUES];           /* all numeric values, variable name at OFF_name */
    char *str[NSTR_ALLOC];        /* String variables, index == SI_<name> */
    char *instanceName;
    int fmiVersion;               /* 2 or 3 */
    bool isCS;                    /* instantiated for Co-Simulation */
    Phase phase;
    bool loggingOn;
    ModelLogFn logfn;             /* set by the glue */
    void *glue;                   /* glue private data (callbacks) */
    bool dirty;                   /* outputs/derivatives need re-evaluation */

    /* event handling, written by model_event_update() */
    bool nextEventTimeDefined;
    double nextEventTime;
    bool newDiscreteStatesNeeded;
    bool terminateSimulation;
    bool valuesOfContinuousStatesChanged;
    bool nominalsChanged;

    double zprev[NZ_ALLOC];       /* CS: event indicators at last accepted point */
    double startTime;
    double stopTime;
    bool stopTimeDefined;
    void *user;                   /* per-model private data */
} Model;

/* variable access by name, e.g. V(h) inside a hook with a Model *m */
#define V(name) (m->v[OFF_##name])
/* array variables: A(name) points to the first of NEL_name elements */
#define A(name) (&m->v[OFF_##name])
#define TIME (m->v[OFF_time])

/* String variables: S(name) is the current value (never NULL, "" at worst);
 * S_SET copies value into instance memory (truncated to FMUGW_STRING_MAX - 1
 * bytes), S_SETF formats like printf.  Both bypass the causality rules
 * (the model may always write its own variables). */
#define S(name) core_str(m, SI_##name)
#define S_SET(name, value) core_str_set(m, SI_##name, (value))
#define S_SETF(name, ...) core_str_setf(m, SI_##name, __VA_ARGS__)

extern const VarInfo MODEL_VARS[N_VARS];
/* storage offsets (one per element) of the continuous states and derivatives */
extern const unsigned STATE_OFFSETS[NS_ALLOC];
extern const unsigned DERIVATIVE_OFFSETS[NS_ALLOC];
extern const double STATE_NOMINALS[NS_ALLOC];
/* event indicators are ordinary (local) variables computed by model_evaluate() */
extern const unsigned EVENT_INDICATOR_OFFSETS[NZ_ALLOC];

/* ---- optional hook ----------------------------------------------------- */
/* called at the end of fmi2Instantiate / fmi3Instantiate* with the start
 * values in place (parameters are not set yet); model_core.c provides an
 * empty weak default, a model.c may define its own */
void model_instantiate(Model *m);

/* ---- hooks every model.c implements ---------------------------------- */
/* Initialization Mode: compute calculated start values (e.g. states from
 * parameters) and schedule the first time event.  Must be idempotent. */
void model_initialize(Model *m);
/* compute outputs, locals, event indicator variables and state derivatives
 * from time, states, inputs and parameters */
void model_evaluate(Model *m);
/* Event Mode: handle state / time events (may change states; then set
 * m->valuesOfContinuousStatesChanged), set m->nextEventTime(Defined) */
void model_event_update(Model *m);
/* Co-Simulation hook called at the start of every doStep.  Return 0 to
 * integrate with the built-in solver, 1 if the hook advanced the model
 * itself, or an ST_* error code + 100 to fail the step. */
int model_do_step(Model *m, double t, double h);
/* release m->user */
void model_cleanup(Model *m);

/* ---- core API (model_core.c) ----------------------------------------- */
Model *core_instantiate(const char *instanceName, int fmiVersion, bool isCS,
                        bool loggingOn, ModelLogFn logfn, void *glue);
void core_free(Model *m);
void core_reset(Model *m);
void core_log(Model *m, int status, const char *category, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* log unconditionally (even when logging is off) */
void core_log_always(Model *m, int status, const char *category, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void core_log_raw(Model *m, int status, const char *category, const char *message);

int core_enter_init(Model *m, double startTime, bool stopDefined, double stopTime);
int core_exit_init(Model *m);
/* scalar variables (FMI 2 and FMI 3 scalars) */
int core_get(Model *m, unsigned vr, VarType type, double *value);
int core_set(Model *m, unsigned vr, VarType type, double value);
/* FMI 3: number of elements of vr (1 for scalars, 0 for an unknown vr) and
 * element-wise access (idx < core_nelem(vr)) */
size_t core_nelem(unsigned vr);
int core_get_elem(Model *m, unsigned vr, VarType type, size_t idx, double *value);
int core_set_elem(Model *m, unsigned vr, VarType type, size_t idx, double value);
/* FMI access to String variables (same phase / causality rules as core_set);
 * core_set_string returns ST_WARNING if the value had to be truncated */
int core_get_string(Model *m, unsigned vr, const char **value);
int core_set_string(Model *m, unsigned vr, const char *value);
/* model-side access to String slots (see S, S_SET, S_SETF) */
const char *core_str(Model *m, int slot);
void core_str_set(Model *m, int slot, const char *value);
void core_str_setf(Model *m, int slot, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void core_eval(Model *m);
int core_set_time(Model *m, double t);
int core_get_states(Model *m, double x[], size_t nx);
int core_set_states(Model *m, const double x[], size_t nx);
int core_get_derivatives(Model *m, double dx[], size_t nx);
int core_get_event_indicators(Model *m, double z[], size_t nz);
int core_get_nominals(Model *m, double n[], size_t nx);
/* one call of the discrete update (ME: fmi2NewDiscreteStates /
 * fmi3UpdateDiscreteStates) */
int core_update_discrete(Model *m);
/* CS: integrate from the current time over h */
int core_do_step(Model *m, double t, double h);
/* check the phase; logs and returns ST_ERROR if the function is illegal */
int core_check_phase(Model *m, const char *fn, unsigned allowedMask);
#define PH_MASK(p) (1u << (p))

#endif
