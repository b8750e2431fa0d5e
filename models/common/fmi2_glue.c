/* FMU Gateway model framework: FMI 2.0 API (Model Exchange + Co-Simulation). */
#include <stdlib.h>
#include <string.h>

#include "fmi2Functions.h"
#include "model.h"

typedef struct {
    fmi2CallbackFunctions cb;
    fmi2Type type;
    double lastSuccessfulTime;
    bool terminated;
} Glue2;

#define M ((Model *)c)
#define G ((Glue2 *)M->glue)

#define ALL_PHASES 0xFFFFu
#define PH_ANY_BUT_ERROR (ALL_PHASES & ~PH_MASK(PH_ERROR))

static void glue_log(Model *m, int status, const char *category, const char *message)
{
    Glue2 *g = (Glue2 *)m->glue;
    char buf[2048];
    const char *msg = message;
    size_t n = strlen(message);
    if (!g || !g->cb.logger) return;
    /* the FMI 2 logger takes a printf format: neutralise '%' in short messages */
    if (strchr(message, '%') && n < sizeof(buf)) {
        size_t i;
        for (i = 0; i <= n; i++) buf[i] = message[i] == '%' ? '#' : message[i];
        msg = buf;
    } else if (strchr(message, '%')) {
        msg = "(message with format characters suppressed)";
    }
    g->cb.logger(g->cb.componentEnvironment, m->instanceName, (fmi2Status)status,
                 category, msg);
}

static fmi2Status err_state(fmi2Component c, int st)
{
    if (st >= ST_ERROR && c) M->phase = PH_ERROR;
    return (fmi2Status)st;
}

const char *fmi2GetTypesPlatform(void) { return fmi2TypesPlatform; }
const char *fmi2GetVersion(void) { return fmi2Version; }

fmi2Status fmi2SetDebugLogging(fmi2Component c, fmi2Boolean loggingOn, size_t nCategories,
                               const fmi2String categories[])
{
    (void)nCategories; (void)categories;
    if (!c) return fmi2Error;
    M->loggingOn = loggingOn ? true : false;
    return fmi2OK;
}

fmi2Component fmi2Instantiate(fmi2String instanceName, fmi2Type fmuType, fmi2String fmuGUID,
                              fmi2String fmuResourceLocation,
                              const fmi2CallbackFunctions *functions, fmi2Boolean visible,
                              fmi2Boolean loggingOn)
{
    Glue2 *g;
    Model *m;
    (void)fmuResourceLocation; (void)visible;
    if (!functions || !functions->logger) return NULL;
    if (!instanceName || !instanceName[0]) {
        functions->logger(functions->componentEnvironment, "?", fmi2Error, "logStatusError",
                          "Missing instance name.");
        return NULL;
    }
    if (!fmuGUID || strcmp(fmuGUID, MODEL_GUID) != 0) {
        functions->logger(functions->componentEnvironment, instanceName, fmi2Error,
                          "logStatusError", "Wrong GUID.");
        return NULL;
    }
    g = (Glue2 *)calloc(1, sizeof(Glue2));
    if (!g) return NULL;
    g->cb = *functions;
    g->type = fmuType;
    m = core_instantiate(instanceName, 2, fmuType == fmi2CoSimulation, loggingOn ? true : false,
                         glue_log, g);
    if (!m) { free(g); return NULL; }
    return (fmi2Component)m;
}

void fmi2FreeInstance(fmi2Component c)
{
    Glue2 *g;
    if (!c) return;
    g = G;
    core_free(M);
    free(g);
}

fmi2Status fmi2SetupExperiment(fmi2Component c, fmi2Boolean toleranceDefined, fmi2Real tolerance,
                               fmi2Real startTime, fmi2Boolean stopTimeDefined, fmi2Real stopTime)
{
    (void)toleranceDefined; (void)tolerance;
    if (!c || core_check_phase(M, "fmi2SetupExperiment", PH_MASK(PH_INSTANTIATED))) return fmi2Error;
    M->v[OFF_time] = startTime;
    M->startTime = startTime;
    M->stopTimeDefined = stopTimeDefined ? true : false;
    M->stopTime = stopTime;
    return fmi2OK;
}

fmi2Status fmi2EnterInitializationMode(fmi2Component c)
{
    if (!c) return fmi2Error;
    return err_state(c, core_enter_init(M, M->startTime, M->stopTimeDefined, M->stopTime));
}

fmi2Status fmi2ExitInitializationMode(fmi2Component c)
{
    if (!c) return fmi2Error;
    return err_state(c, core_exit_init(M));
}

fmi2Status fmi2Terminate(fmi2Component c)
{
    if (!c || core_check_phase(M, "fmi2Terminate",
                               PH_MASK(PH_EVENT) | PH_MASK(PH_CONT) | PH_MASK(PH_STEP)))
        return fmi2Error;
    M->phase = PH_TERMINATED;
    return fmi2OK;
}

fmi2Status fmi2Reset(fmi2Component c)
{
    if (!c) return fmi2Error;
    core_reset(M);
    G->terminated = false;
    G->lastSuccessfulTime = 0;
    return fmi2OK;
}

/* ---- getters / setters ---- */
#define GETTER_PHASES (PH_ANY_BUT_ERROR)

fmi2Status fmi2GetReal(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, fmi2Real value[])
{
    size_t i;
    if (!c || (nvr > 0 && (!vr || !value))) return fmi2Error;
    if (core_check_phase(M, "fmi2GetReal", GETTER_PHASES)) return fmi2Error;
    for (i = 0; i < nvr; i++)
        if (core_get(M, vr[i], VT_FLOAT64, &value[i])) return fmi2Error;
    return fmi2OK;
}

fmi2Status fmi2GetInteger(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, fmi2Integer value[])
{
    size_t i;
    double d;
    if (!c || (nvr > 0 && (!vr || !value))) return fmi2Error;
    if (core_check_phase(M, "fmi2GetInteger", GETTER_PHASES)) return fmi2Error;
    for (i = 0; i < nvr; i++) {
        if (core_get(M, vr[i], VT_INT32, &d)) return fmi2Error;
        value[i] = (fmi2Integer)d;
    }
    return fmi2OK;
}

fmi2Status fmi2GetBoolean(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, fmi2Boolean value[])
{
    size_t i;
    double d;
    if (!c || (nvr > 0 && (!vr || !value))) return fmi2Error;
    if (core_check_phase(M, "fmi2GetBoolean", GETTER_PHASES)) return fmi2Error;
    for (i = 0; i < nvr; i++) {
        if (core_get(M, vr[i], VT_BOOLEAN, &d)) return fmi2Error;
        value[i] = d != 0 ? fmi2True : fmi2False;
    }
    return fmi2OK;
}

fmi2Status fmi2GetString(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, fmi2String value[])
{
    size_t i;
    if (!c || (nvr > 0 && (!vr || !value))) return fmi2Error;
    if (core_check_phase(M, "fmi2GetString", GETTER_PHASES)) return fmi2Error;
    /* the pointers stay valid until the variable is set again or the instance is freed */
    for (i = 0; i < nvr; i++)
        if (core_get_string(M, vr[i], &value[i])) return fmi2Error;
    return fmi2OK;
}

#define SETTER_PHASES (PH_MASK(PH_INSTANTIATED) | PH_MASK(PH_INIT) | PH_MASK(PH_EVENT) | \
                       PH_MASK(PH_CONT) | PH_MASK(PH_STEP))

fmi2Status fmi2SetReal(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, const fmi2Real value[])
{
    size_t i;
    if (!c || (nvr > 0 && (!vr || !value))) return fmi2Error;
    if (core_check_phase(M, "fmi2SetReal", SETTER_PHASES)) return fmi2Error;
    for (i = 0; i < nvr; i++)
        if (core_set(M, vr[i], VT_FLOAT64, value[i])) return fmi2Error;
    return fmi2OK;
}

fmi2Status fmi2SetInteger(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, const fmi2Integer value[])
{
    size_t i;
    if (!c || (nvr > 0 && (!vr || !value))) return fmi2Error;
    if (core_check_phase(M, "fmi2SetInteger", SETTER_PHASES)) return fmi2Error;
    for (i = 0; i < nvr; i++)
        if (core_set(M, vr[i], VT_INT32, (double)value[i])) return fmi2Error;
    return fmi2OK;
}

fmi2Status fmi2SetBoolean(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, const fmi2Boolean value[])
{
    size_t i;
    if (!c || (nvr > 0 && (!vr || !value))) return fmi2Error;
    if (core_check_phase(M, "fmi2SetBoolean", SETTER_PHASES)) return fmi2Error;
    for (i = 0; i < nvr; i++)
        if (core_set(M, vr[i], VT_BOOLEAN, value[i] ? 1.0 : 0.0)) return fmi2Error;
    return fmi2OK;
}

fmi2Status fmi2SetString(fmi2Component c, const fmi2ValueReference vr[], size_t nvr, const fmi2String value[])
{
    size_t i;
    int st = ST_OK, r;
    if (!c || (nvr > 0 && (!vr || !value))) return fmi2Error;
    if (core_check_phase(M, "fmi2SetString", SETTER_PHASES)) return fmi2Error;
    for (i = 0; i < nvr; i++) {
        r = core_set_string(M, vr[i], value[i]);
        if (r >= ST_ERROR) return fmi2Error;
        if (r > st) st = r;
    }
    return (fmi2Status)st;
}

/* ---- FMU state: not supported (canGetAndSetFMUstate="false") ---- */
static fmi2Status unsupported(fmi2Component c, const char *fn)
{
    if (c) core_log(M, ST_ERROR, "logStatusError", "%s is not supported.", fn);
    return fmi2Error;
}

fmi2Status fmi2GetFMUstate(fmi2Component c, fmi2FMUstate *s) { (void)s; return unsupported(c, "fmi2GetFMUstate"); }
fmi2Status fmi2SetFMUstate(fmi2Component c, fmi2FMUstate s) { (void)s; return unsupported(c, "fmi2SetFMUstate"); }
fmi2Status fmi2FreeFMUstate(fmi2Component c, fmi2FMUstate *s) { (void)s; return unsupported(c, "fmi2FreeFMUstate"); }
fmi2Status fmi2SerializedFMUstateSize(fmi2Component c, fmi2FMUstate s, size_t *size)
{ (void)s; (void)size; return unsupported(c, "fmi2SerializedFMUstateSize"); }
fmi2Status fmi2SerializeFMUstate(fmi2Component c, fmi2FMUstate s, fmi2Byte b[], size_t size)
{ (void)s; (void)b; (void)size; return unsupported(c, "fmi2SerializeFMUstate"); }
fmi2Status fmi2DeSerializeFMUstate(fmi2Component c, const fmi2Byte b[], size_t size, fmi2FMUstate *s)
{ (void)s; (void)b; (void)size; return unsupported(c, "fmi2DeSerializeFMUstate"); }
fmi2Status fmi2GetDirectionalDerivative(fmi2Component c, const fmi2ValueReference u[], size_t nu,
                                        const fmi2ValueReference k[], size_t nk,
                                        const fmi2Real dk[], fmi2Real du[])
{
    (void)u; (void)nu; (void)k; (void)nk; (void)dk; (void)du;
    return unsupported(c, "fmi2GetDirectionalDerivative");
}

/* ---- Model Exchange ---- */
fmi2Status fmi2EnterEventMode(fmi2Component c)
{
    if (!c || core_check_phase(M, "fmi2EnterEventMode", PH_MASK(PH_EVENT) | PH_MASK(PH_CONT)))
        return fmi2Error;
    M->phase = PH_EVENT;
    return fmi2OK;
}

fmi2Status fmi2NewDiscreteStates(fmi2Component c, fmi2EventInfo *info)
{
    if (!c || !info || core_check_phase(M, "fmi2NewDiscreteStates", PH_MASK(PH_EVENT)))
        return fmi2Error;
    core_update_discrete(M);
    info->newDiscreteStatesNeeded = M->newDiscreteStatesNeeded;
    info->terminateSimulation = M->terminateSimulation;
    info->nominalsOfContinuousStatesChanged = M->nominalsChanged;
    info->valuesOfContinuousStatesChanged = M->valuesOfContinuousStatesChanged;
    info->nextEventTimeDefined = M->nextEventTimeDefined;
    info->nextEventTime = M->nextEventTime;
    return fmi2OK;
}

fmi2Status fmi2EnterContinuousTimeMode(fmi2Component c)
{
    if (!c || core_check_phase(M, "fmi2EnterContinuousTimeMode", PH_MASK(PH_EVENT)))
        return fmi2Error;
    M->phase = PH_CONT;
    return fmi2OK;
}

fmi2Status fmi2CompletedIntegratorStep(fmi2Component c, fmi2Boolean noSetFMUStatePriorToCurrentPoint,
                                       fmi2Boolean *enterEventMode, fmi2Boolean *terminateSimulation)
{
    (void)noSetFMUStatePriorToCurrentPoint;
    if (!c || core_check_phase(M, "fmi2CompletedIntegratorStep", PH_MASK(PH_CONT)))
        return fmi2Error;
    if (enterEventMode) *enterEventMode = fmi2False;
    if (terminateSimulation) *terminateSimulation = fmi2False;
    return fmi2OK;
}

fmi2Status fmi2SetTime(fmi2Component c, fmi2Real time)
{
    if (!c || core_check_phase(M, "fmi2SetTime", PH_MASK(PH_EVENT) | PH_MASK(PH_CONT)))
        return fmi2Error;
    return (fmi2Status)core_set_time(M, time);
}

fmi2Status fmi2SetContinuousStates(fmi2Component c, const fmi2Real x[], size_t nx)
{
    if (!c || core_check_phase(M, "fmi2SetContinuousStates", PH_MASK(PH_CONT))) return fmi2Error;
    return (fmi2Status)core_set_states(M, x, nx);
}

#define EVAL_PHASES (PH_MASK(PH_INIT) | PH_MASK(PH_EVENT) | PH_MASK(PH_CONT) | PH_MASK(PH_TERMINATED))

fmi2Status fmi2GetDerivatives(fmi2Component c, fmi2Real derivatives[], size_t nx)
{
    if (!c || core_check_phase(M, "fmi2GetDerivatives", EVAL_PHASES)) return fmi2Error;
    return (fmi2Status)core_get_derivatives(M, derivatives, nx);
}

fmi2Status fmi2GetEventIndicators(fmi2Component c, fmi2Real eventIndicators[], size_t ni)
{
    if (!c || core_check_phase(M, "fmi2GetEventIndicators", EVAL_PHASES)) return fmi2Error;
    return (fmi2Status)core_get_event_indicators(M, eventIndicators, ni);
}

fmi2Status fmi2GetContinuousStates(fmi2Component c, fmi2Real x[], size_t nx)
{
    if (!c || core_check_phase(M, "fmi2GetContinuousStates", EVAL_PHASES)) return fmi2Error;
    return (fmi2Status)core_get_states(M, x, nx);
}

fmi2Status fmi2GetNominalsOfContinuousStates(fmi2Component c, fmi2Real x_nominal[], size_t nx)
{
    if (!c || core_check_phase(M, "fmi2GetNominalsOfContinuousStates", PH_ANY_BUT_ERROR))
        return fmi2Error;
    return (fmi2Status)core_get_nominals(M, x_nominal, nx);
}

/* ---- Co-Simulation ---- */
fmi2Status fmi2SetRealInputDerivatives(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                                       const fmi2Integer order[], const fmi2Real value[])
{
    (void)vr; (void)nvr; (void)order; (void)value;
    return unsupported(c, "fmi2SetRealInputDerivatives");
}

fmi2Status fmi2GetRealOutputDerivatives(fmi2Component c, const fmi2ValueReference vr[], size_t nvr,
                                        const fmi2Integer order[], fmi2Real value[])
{
    (void)vr; (void)nvr; (void)order; (void)value;
    return unsupported(c, "fmi2GetRealOutputDerivatives");
}

fmi2Status fmi2DoStep(fmi2Component c, fmi2Real currentCommunicationPoint,
                      fmi2Real communicationStepSize, fmi2Boolean noSetFMUStatePriorToCurrentPoint)
{
    int st;
    (void)noSetFMUStatePriorToCurrentPoint;
    if (!c) return fmi2Error;
    if (G->terminated) {
        core_log(M, ST_ERROR, "logStatusError", "fmi2DoStep: simulation was terminated by the model.");
        return fmi2Error;
    }
    st = core_do_step(M, currentCommunicationPoint, communicationStepSize);
    if (st >= ST_ERROR) return err_state(c, st);
    G->lastSuccessfulTime = M->v[OFF_time];
    if (M->terminateSimulation) {
        G->terminated = true;
        return fmi2Discard;
    }
    return (fmi2Status)st;
}

fmi2Status fmi2CancelStep(fmi2Component c) { return unsupported(c, "fmi2CancelStep"); }

fmi2Status fmi2GetStatus(fmi2Component c, const fmi2StatusKind s, fmi2Status *value)
{
    if (!c || !value) return fmi2Error;
    if (s == fmi2DoStepStatus) { *value = fmi2OK; return fmi2OK; }
    return fmi2Discard;
}

fmi2Status fmi2GetRealStatus(fmi2Component c, const fmi2StatusKind s, fmi2Real *value)
{
    if (!c || !value) return fmi2Error;
    if (s == fmi2LastSuccessfulTime) { *value = G->lastSuccessfulTime; return fmi2OK; }
    return fmi2Discard;
}

fmi2Status fmi2GetIntegerStatus(fmi2Component c, const fmi2StatusKind s, fmi2Integer *value)
{
    (void)s; (void)value;
    return c ? fmi2Discard : fmi2Error;
}

fmi2Status fmi2GetBooleanStatus(fmi2Component c, const fmi2StatusKind s, fmi2Boolean *value)
{
    if (!c || !value) return fmi2Error;
    if (s == fmi2Terminated) { *value = G->terminated ? fmi2True : fmi2False; return fmi2OK; }
    return fmi2Discard;
}

fmi2Status fmi2GetStringStatus(fmi2Component c, const fmi2StatusKind s, fmi2String *value)
{
    (void)s; (void)value;
    return c ? fmi2Discard : fmi2Error;
}
