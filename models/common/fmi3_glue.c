/* FMU Gateway model framework: FMI 3.0 API (Model Exchange + Co-Simulation). */
#include <stdlib.h>
#include <string.h>

#include "fmi3Functions.h"
#include "model.h"

typedef struct {
    fmi3InstanceEnvironment env;
    fmi3LogMessageCallback logMessage;
    bool eventModeUsed;
    bool terminated;
} Glue3;

#define M ((Model *)instance)
#define G ((Glue3 *)M->glue)
#define ALL_PHASES 0xFFFFu
#define PH_ANY_BUT_ERROR (ALL_PHASES & ~PH_MASK(PH_ERROR))

static void glue_log(Model *m, int status, const char *category, const char *message)
{
    Glue3 *g = (Glue3 *)m->glue;
    if (g && g->logMessage) g->logMessage(g->env, (fmi3Status)status, category, message);
}

static fmi3Status err_state(fmi3Instance instance, int st)
{
    if (st >= ST_ERROR && instance) M->phase = PH_ERROR;
    return (fmi3Status)st;
}

static fmi3Status unsupported(fmi3Instance instance, const char *fn)
{
    if (instance) core_log(M, ST_ERROR, "logStatusError", "%s is not supported.", fn);
    return fmi3Error;
}

const char *fmi3GetVersion(void) { return fmi3Version; }

fmi3Status fmi3SetDebugLogging(fmi3Instance instance, fmi3Boolean loggingOn, size_t nCategories,
                               const fmi3String categories[])
{
    (void)nCategories; (void)categories;
    if (!instance) return fmi3Error;
    M->loggingOn = loggingOn ? true : false;
    return fmi3OK;
}

static fmi3Instance instantiate(fmi3String instanceName, fmi3String token, bool isCS,
                                fmi3Boolean loggingOn, bool eventModeUsed,
                                fmi3InstanceEnvironment env, fmi3LogMessageCallback logMessage)
{
    Glue3 *g;
    Model *m;
    if (!instanceName || !instanceName[0]) {
        if (logMessage) logMessage(env, fmi3Error, "logStatusError", "Missing instance name.");
        return NULL;
    }
    if (!token || strcmp(token, MODEL_GUID) != 0) {
        if (logMessage) logMessage(env, fmi3Error, "logStatusError", "Wrong instantiationToken.");
        return NULL;
    }
    g = (Glue3 *)calloc(1, sizeof(Glue3));
    if (!g) return NULL;
    g->env = env;
    g->logMessage = logMessage;
    g->eventModeUsed = eventModeUsed;
    m = core_instantiate(instanceName, 3, isCS, loggingOn ? true : false, glue_log, g);
    if (!m) { free(g); return NULL; }
    return (fmi3Instance)m;
}

fmi3Instance fmi3InstantiateModelExchange(fmi3String instanceName, fmi3String instantiationToken,
                                          fmi3String resourcePath, fmi3Boolean visible,
                                          fmi3Boolean loggingOn,
                                          fmi3InstanceEnvironment instanceEnvironment,
                                          fmi3LogMessageCallback logMessage)
{
    (void)resourcePath; (void)visible;
    return instantiate(instanceName, instantiationToken, false, loggingOn, false,
                       instanceEnvironment, logMessage);
}

fmi3Instance fmi3InstantiateCoSimulation(fmi3String instanceName, fmi3String instantiationToken,
                                         fmi3String resourcePath, fmi3Boolean visible,
                                         fmi3Boolean loggingOn, fmi3Boolean eventModeUsed,
                                         fmi3Boolean earlyReturnAllowed,
                                         const fmi3ValueReference requiredIntermediateVariables[],
                                         size_t nRequiredIntermediateVariables,
                                         fmi3InstanceEnvironment instanceEnvironment,
                                         fmi3LogMessageCallback logMessage,
                                         fmi3IntermediateUpdateCallback intermediateUpdate)
{
    (void)resourcePath; (void)visible; (void)earlyReturnAllowed;
    (void)requiredIntermediateVariables; (void)nRequiredIntermediateVariables;
    (void)intermediateUpdate;
    if (eventModeUsed) {
        if (logMessage)
            logMessage(instanceEnvironment, fmi3Error, "logStatusError",
                       "Event mode in Co-Simulation is not supported (hasEventMode=false).");
        return NULL;
    }
    return instantiate(instanceName, instantiationToken, true, loggingOn, false,
                       instanceEnvironment, logMessage);
}

fmi3Instance fmi3InstantiateScheduledExecution(fmi3String instanceName, fmi3String instantiationToken,
                                               fmi3String resourcePath, fmi3Boolean visible,
                                               fmi3Boolean loggingOn,
                                               fmi3InstanceEnvironment instanceEnvironment,
                                               fmi3LogMessageCallback logMessage,
                                               fmi3ClockUpdateCallback clockUpdate,
                                               fmi3LockPreemptionCallback lockPreemption,
                                               fmi3UnlockPreemptionCallback unlockPreemption)
{
    (void)instanceName; (void)instantiationToken; (void)resourcePath; (void)visible;
    (void)loggingOn; (void)clockUpdate; (void)lockPreemption; (void)unlockPreemption;
    if (logMessage)
        logMessage(instanceEnvironment, fmi3Error, "logStatusError",
                   "Scheduled Execution is not supported.");
    return NULL;
}

void fmi3FreeInstance(fmi3Instance instance)
{
    Glue3 *g;
    if (!instance) return;
    g = G;
    core_free(M);
    free(g);
}

fmi3Status fmi3EnterInitializationMode(fmi3Instance instance, fmi3Boolean toleranceDefined,
                                       fmi3Float64 tolerance, fmi3Float64 startTime,
                                       fmi3Boolean stopTimeDefined, fmi3Float64 stopTime)
{
    (void)toleranceDefined; (void)tolerance;
    if (!instance) return fmi3Error;
    return err_state(instance, core_enter_init(M, startTime, stopTimeDefined ? true : false, stopTime));
}

fmi3Status fmi3ExitInitializationMode(fmi3Instance instance)
{
    if (!instance) return fmi3Error;
    return err_state(instance, core_exit_init(M));
}

fmi3Status fmi3EnterEventMode(fmi3Instance instance)
{
    if (!instance || core_check_phase(M, "fmi3EnterEventMode", PH_MASK(PH_EVENT) | PH_MASK(PH_CONT)))
        return fmi3Error;
    M->phase = PH_EVENT;
    return fmi3OK;
}

fmi3Status fmi3Terminate(fmi3Instance instance)
{
    if (!instance || core_check_phase(M, "fmi3Terminate",
                                      PH_MASK(PH_EVENT) | PH_MASK(PH_CONT) | PH_MASK(PH_STEP)))
        return fmi3Error;
    M->phase = PH_TERMINATED;
    return fmi3OK;
}

fmi3Status fmi3Reset(fmi3Instance instance)
{
    if (!instance) return fmi3Error;
    core_reset(M);
    G->terminated = false;
    return fmi3OK;
}

/* ---- getters / setters ---- */
#define SETTER_PHASES (PH_MASK(PH_INSTANTIATED) | PH_MASK(PH_INIT) | PH_MASK(PH_EVENT) | \
                       PH_MASK(PH_CONT) | PH_MASK(PH_STEP))

/* FMI 3 getters/setters: array variables contribute all their elements
 * (row-major), so nValues must be the total number of elements */
static int count_values(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                        size_t nValues, const char *fn)
{
    size_t i, n = 0;
    for (i = 0; i < nvr; i++) {
        size_t k = core_nelem(vr[i]);
        if (k == 0) {
            core_log(M, ST_ERROR, "logStatusError", "%s: unknown value reference %u.", fn, vr[i]);
            return ST_ERROR;
        }
        n += k;
    }
    if (n != nValues) {
        core_log(M, ST_ERROR, "logStatusError",
                 "%s: nValues = %u, but the %u variables have %u elements.", fn, (unsigned)nValues,
                 (unsigned)nvr, (unsigned)n);
        return ST_ERROR;
    }
    return ST_OK;
}

#define DEFINE_GET(NAME, CTYPE, VT, CONV)                                                    \
    fmi3Status fmi3Get##NAME(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr, \
                             CTYPE values[], size_t nValues)                                  \
    {                                                                                         \
        size_t i, j, k = 0;                                                                   \
        double d;                                                                             \
        if (!instance || (nvr > 0 && (!vr || !values))) return fmi3Error;                     \
        if (core_check_phase(M, "fmi3Get" #NAME, PH_ANY_BUT_ERROR)) return fmi3Error;         \
        if (count_values(instance, vr, nvr, nValues, "fmi3Get" #NAME)) return fmi3Error;      \
        for (i = 0; i < nvr; i++) {                                                           \
            size_t n = core_nelem(vr[i]);                                                     \
            for (j = 0; j < n; j++) {                                                         \
                if (core_get_elem(M, vr[i], VT, j, &d)) return fmi3Error;                     \
                values[k++] = CONV(d);                                                        \
            }                                                                                 \
        }                                                                                     \
        return fmi3OK;                                                                        \
    }

#define DEFINE_SET(NAME, CTYPE, VT, CONV)                                                    \
    fmi3Status fmi3Set##NAME(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr, \
                             const CTYPE values[], size_t nValues)                            \
    {                                                                                         \
        size_t i, j, k = 0;                                                                   \
        if (!instance || (nvr > 0 && (!vr || !values))) return fmi3Error;                     \
        if (core_check_phase(M, "fmi3Set" #NAME, SETTER_PHASES)) return fmi3Error;            \
        if (count_values(instance, vr, nvr, nValues, "fmi3Set" #NAME)) return fmi3Error;      \
        for (i = 0; i < nvr; i++) {                                                           \
            size_t n = core_nelem(vr[i]);                                                     \
            for (j = 0; j < n; j++)                                                           \
                if (core_set_elem(M, vr[i], VT, j, CONV(values[k++]))) return fmi3Error;      \
        }                                                                                     \
        return fmi3OK;                                                                        \
    }

#define TO_F64(d) ((fmi3Float64)(d))
#define TO_I32(d) ((fmi3Int32)(d))
#define TO_BOOL(d) ((d) != 0 ? fmi3True : fmi3False)
#define FROM_NUM(x) ((double)(x))
#define FROM_BOOL(x) ((x) ? 1.0 : 0.0)

DEFINE_GET(Float64, fmi3Float64, VT_FLOAT64, TO_F64)
DEFINE_GET(Int32, fmi3Int32, VT_INT32, TO_I32)
DEFINE_GET(Boolean, fmi3Boolean, VT_BOOLEAN, TO_BOOL)
DEFINE_SET(Float64, fmi3Float64, VT_FLOAT64, FROM_NUM)
DEFINE_SET(Int32, fmi3Int32, VT_INT32, FROM_NUM)
DEFINE_SET(Boolean, fmi3Boolean, VT_BOOLEAN, FROM_BOOL)

fmi3Status fmi3GetString(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                         fmi3String values[], size_t nValues)
{
    size_t i;
    if (!instance || (nvr > 0 && (!vr || !values))) return fmi3Error;
    if (core_check_phase(M, "fmi3GetString", PH_ANY_BUT_ERROR)) return fmi3Error;
    if (nValues != nvr) {
        core_log(M, ST_ERROR, "logStatusError", "fmi3GetString: nValues != nValueReferences (String arrays are not supported).");
        return fmi3Error;
    }
    /* the pointers stay valid until the variable is set again or the instance is freed */
    for (i = 0; i < nvr; i++)
        if (core_get_string(M, vr[i], &values[i])) return fmi3Error;
    return fmi3OK;
}

fmi3Status fmi3SetString(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                         const fmi3String values[], size_t nValues)
{
    size_t i;
    int st = ST_OK, r;
    if (!instance || (nvr > 0 && (!vr || !values))) return fmi3Error;
    if (core_check_phase(M, "fmi3SetString", SETTER_PHASES)) return fmi3Error;
    if (nValues != nvr) {
        core_log(M, ST_ERROR, "logStatusError", "fmi3SetString: nValues != nValueReferences (String arrays are not supported).");
        return fmi3Error;
    }
    for (i = 0; i < nvr; i++) {
        r = core_set_string(M, vr[i], values[i]);
        if (r >= ST_ERROR) return fmi3Error;
        if (r > st) st = r;
    }
    return (fmi3Status)st;
}

/* types the framework does not use: any non-empty access is an error */
#define DEFINE_NO_GET(NAME, CTYPE)                                                             \
    fmi3Status fmi3Get##NAME(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,   \
                             CTYPE values[], size_t nValues)                                    \
    {                                                                                           \
        (void)vr; (void)values; (void)nValues;                                                  \
        if (!instance) return fmi3Error;                                                        \
        if (nvr == 0) return fmi3OK;                                                            \
        core_log(M, ST_ERROR, "logStatusError", "fmi3Get" #NAME ": model has no variables of this type."); \
        return fmi3Error;                                                                       \
    }
#define DEFINE_NO_SET(NAME, CTYPE)                                                             \
    fmi3Status fmi3Set##NAME(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,   \
                             const CTYPE values[], size_t nValues)                              \
    {                                                                                           \
        (void)vr; (void)values; (void)nValues;                                                  \
        if (!instance) return fmi3Error;                                                        \
        if (nvr == 0) return fmi3OK;                                                            \
        core_log(M, ST_ERROR, "logStatusError", "fmi3Set" #NAME ": model has no variables of this type."); \
        return fmi3Error;                                                                       \
    }

DEFINE_NO_GET(Float32, fmi3Float32)
DEFINE_NO_GET(Int8, fmi3Int8)
DEFINE_NO_GET(UInt8, fmi3UInt8)
DEFINE_NO_GET(Int16, fmi3Int16)
DEFINE_NO_GET(UInt16, fmi3UInt16)
DEFINE_NO_GET(UInt32, fmi3UInt32)
DEFINE_NO_GET(Int64, fmi3Int64)
DEFINE_NO_GET(UInt64, fmi3UInt64)
DEFINE_NO_SET(Float32, fmi3Float32)
DEFINE_NO_SET(Int8, fmi3Int8)
DEFINE_NO_SET(UInt8, fmi3UInt8)
DEFINE_NO_SET(Int16, fmi3Int16)
DEFINE_NO_SET(UInt16, fmi3UInt16)
DEFINE_NO_SET(UInt32, fmi3UInt32)
DEFINE_NO_SET(Int64, fmi3Int64)
DEFINE_NO_SET(UInt64, fmi3UInt64)

fmi3Status fmi3GetBinary(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                         size_t valueSizes[], fmi3Binary values[], size_t nValues)
{
    (void)vr; (void)valueSizes; (void)values; (void)nValues;
    if (!instance) return fmi3Error;
    return nvr == 0 ? fmi3OK : unsupported(instance, "fmi3GetBinary");
}

fmi3Status fmi3SetBinary(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                         const size_t valueSizes[], const fmi3Binary values[], size_t nValues)
{
    (void)vr; (void)valueSizes; (void)values; (void)nValues;
    if (!instance) return fmi3Error;
    return nvr == 0 ? fmi3OK : unsupported(instance, "fmi3SetBinary");
}

fmi3Status fmi3GetClock(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                        fmi3Clock values[])
{
    (void)vr; (void)values;
    if (!instance) return fmi3Error;
    return nvr == 0 ? fmi3OK : unsupported(instance, "fmi3GetClock");
}

fmi3Status fmi3SetClock(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                        const fmi3Clock values[])
{
    (void)vr; (void)values;
    if (!instance) return fmi3Error;
    return nvr == 0 ? fmi3OK : unsupported(instance, "fmi3SetClock");
}

/* ---- dependencies, FMU state, derivatives: not supported ---- */
fmi3Status fmi3GetNumberOfVariableDependencies(fmi3Instance instance, fmi3ValueReference vr,
                                               size_t *nDependencies)
{ (void)vr; (void)nDependencies; return unsupported(instance, "fmi3GetNumberOfVariableDependencies"); }

fmi3Status fmi3GetVariableDependencies(fmi3Instance instance, fmi3ValueReference dependent,
                                       size_t elementIndicesOfDependent[],
                                       fmi3ValueReference independents[],
                                       size_t elementIndicesOfIndependents[],
                                       fmi3DependencyKind dependencyKinds[], size_t nDependencies)
{
    (void)dependent; (void)elementIndicesOfDependent; (void)independents;
    (void)elementIndicesOfIndependents; (void)dependencyKinds; (void)nDependencies;
    return unsupported(instance, "fmi3GetVariableDependencies");
}

fmi3Status fmi3GetFMUState(fmi3Instance instance, fmi3FMUState *s)
{ (void)s; return unsupported(instance, "fmi3GetFMUState"); }
fmi3Status fmi3SetFMUState(fmi3Instance instance, fmi3FMUState s)
{ (void)s; return unsupported(instance, "fmi3SetFMUState"); }
fmi3Status fmi3FreeFMUState(fmi3Instance instance, fmi3FMUState *s)
{ (void)s; return unsupported(instance, "fmi3FreeFMUState"); }
fmi3Status fmi3SerializedFMUStateSize(fmi3Instance instance, fmi3FMUState s, size_t *size)
{ (void)s; (void)size; return unsupported(instance, "fmi3SerializedFMUStateSize"); }
fmi3Status fmi3SerializeFMUState(fmi3Instance instance, fmi3FMUState s, fmi3Byte b[], size_t size)
{ (void)s; (void)b; (void)size; return unsupported(instance, "fmi3SerializeFMUState"); }
fmi3Status fmi3DeserializeFMUState(fmi3Instance instance, const fmi3Byte b[], size_t size,
                                   fmi3FMUState *s)
{ (void)s; (void)b; (void)size; return unsupported(instance, "fmi3DeserializeFMUState"); }

fmi3Status fmi3GetDirectionalDerivative(fmi3Instance instance, const fmi3ValueReference unknowns[],
                                        size_t nUnknowns, const fmi3ValueReference knowns[],
                                        size_t nKnowns, const fmi3Float64 seed[], size_t nSeed,
                                        fmi3Float64 sensitivity[], size_t nSensitivity)
{
    (void)unknowns; (void)nUnknowns; (void)knowns; (void)nKnowns; (void)seed; (void)nSeed;
    (void)sensitivity; (void)nSensitivity;
    return unsupported(instance, "fmi3GetDirectionalDerivative");
}

fmi3Status fmi3GetAdjointDerivative(fmi3Instance instance, const fmi3ValueReference unknowns[],
                                    size_t nUnknowns, const fmi3ValueReference knowns[],
                                    size_t nKnowns, const fmi3Float64 seed[], size_t nSeed,
                                    fmi3Float64 sensitivity[], size_t nSensitivity)
{
    (void)unknowns; (void)nUnknowns; (void)knowns; (void)nKnowns; (void)seed; (void)nSeed;
    (void)sensitivity; (void)nSensitivity;
    return unsupported(instance, "fmi3GetAdjointDerivative");
}

fmi3Status fmi3EnterConfigurationMode(fmi3Instance instance)
{ return unsupported(instance, "fmi3EnterConfigurationMode"); }
fmi3Status fmi3ExitConfigurationMode(fmi3Instance instance)
{ return unsupported(instance, "fmi3ExitConfigurationMode"); }

fmi3Status fmi3GetIntervalDecimal(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                                  fmi3Float64 intervals[], fmi3IntervalQualifier qualifiers[])
{ (void)vr; (void)nvr; (void)intervals; (void)qualifiers; return unsupported(instance, "fmi3GetIntervalDecimal"); }
fmi3Status fmi3GetIntervalFraction(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                                   fmi3UInt64 counters[], fmi3UInt64 resolutions[],
                                   fmi3IntervalQualifier qualifiers[])
{ (void)vr; (void)nvr; (void)counters; (void)resolutions; (void)qualifiers; return unsupported(instance, "fmi3GetIntervalFraction"); }
fmi3Status fmi3GetShiftDecimal(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                               fmi3Float64 shifts[])
{ (void)vr; (void)nvr; (void)shifts; return unsupported(instance, "fmi3GetShiftDecimal"); }
fmi3Status fmi3GetShiftFraction(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                                fmi3UInt64 counters[], fmi3UInt64 resolutions[])
{ (void)vr; (void)nvr; (void)counters; (void)resolutions; return unsupported(instance, "fmi3GetShiftFraction"); }
fmi3Status fmi3SetIntervalDecimal(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                                  const fmi3Float64 intervals[])
{ (void)vr; (void)nvr; (void)intervals; return unsupported(instance, "fmi3SetIntervalDecimal"); }
fmi3Status fmi3SetIntervalFraction(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                                   const fmi3UInt64 counters[], const fmi3UInt64 resolutions[])
{ (void)vr; (void)nvr; (void)counters; (void)resolutions; return unsupported(instance, "fmi3SetIntervalFraction"); }
fmi3Status fmi3SetShiftDecimal(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                               const fmi3Float64 shifts[])
{ (void)vr; (void)nvr; (void)shifts; return unsupported(instance, "fmi3SetShiftDecimal"); }
fmi3Status fmi3SetShiftFraction(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                                const fmi3UInt64 counters[], const fmi3UInt64 resolutions[])
{ (void)vr; (void)nvr; (void)counters; (void)resolutions; return unsupported(instance, "fmi3SetShiftFraction"); }

fmi3Status fmi3EvaluateDiscreteStates(fmi3Instance instance)
{ return unsupported(instance, "fmi3EvaluateDiscreteStates"); }

fmi3Status fmi3UpdateDiscreteStates(fmi3Instance instance, fmi3Boolean *discreteStatesNeedUpdate,
                                    fmi3Boolean *terminateSimulation,
                                    fmi3Boolean *nominalsOfContinuousStatesChanged,
                                    fmi3Boolean *valuesOfContinuousStatesChanged,
                                    fmi3Boolean *nextEventTimeDefined, fmi3Float64 *nextEventTime)
{
    if (!instance || core_check_phase(M, "fmi3UpdateDiscreteStates", PH_MASK(PH_EVENT)))
        return fmi3Error;
    core_update_discrete(M);
    if (discreteStatesNeedUpdate) *discreteStatesNeedUpdate = M->newDiscreteStatesNeeded;
    if (terminateSimulation) *terminateSimulation = M->terminateSimulation;
    if (nominalsOfContinuousStatesChanged) *nominalsOfContinuousStatesChanged = M->nominalsChanged;
    if (valuesOfContinuousStatesChanged) *valuesOfContinuousStatesChanged = M->valuesOfContinuousStatesChanged;
    if (nextEventTimeDefined) *nextEventTimeDefined = M->nextEventTimeDefined;
    if (nextEventTime) *nextEventTime = M->nextEventTimeDefined ? M->nextEventTime : 0.0;
    return fmi3OK;
}

/* ---- Model Exchange ---- */
fmi3Status fmi3EnterContinuousTimeMode(fmi3Instance instance)
{
    if (!instance || core_check_phase(M, "fmi3EnterContinuousTimeMode", PH_MASK(PH_EVENT)))
        return fmi3Error;
    M->phase = PH_CONT;
    return fmi3OK;
}

fmi3Status fmi3CompletedIntegratorStep(fmi3Instance instance, fmi3Boolean noSetFMUStatePriorToCurrentPoint,
                                       fmi3Boolean *enterEventMode, fmi3Boolean *terminateSimulation)
{
    (void)noSetFMUStatePriorToCurrentPoint;
    if (!instance || core_check_phase(M, "fmi3CompletedIntegratorStep", PH_MASK(PH_CONT)))
        return fmi3Error;
    if (enterEventMode) *enterEventMode = fmi3False;
    if (terminateSimulation) *terminateSimulation = fmi3False;
    return fmi3OK;
}

fmi3Status fmi3SetTime(fmi3Instance instance, fmi3Float64 time)
{
    if (!instance || core_check_phase(M, "fmi3SetTime", PH_MASK(PH_EVENT) | PH_MASK(PH_CONT)))
        return fmi3Error;
    return (fmi3Status)core_set_time(M, time);
}

fmi3Status fmi3SetContinuousStates(fmi3Instance instance, const fmi3Float64 x[], size_t nx)
{
    if (!instance || core_check_phase(M, "fmi3SetContinuousStates", PH_MASK(PH_CONT)))
        return fmi3Error;
    return (fmi3Status)core_set_states(M, x, nx);
}

#define EVAL_PHASES (PH_MASK(PH_INIT) | PH_MASK(PH_EVENT) | PH_MASK(PH_CONT) | PH_MASK(PH_TERMINATED))

fmi3Status fmi3GetContinuousStateDerivatives(fmi3Instance instance, fmi3Float64 derivatives[], size_t nx)
{
    if (!instance || core_check_phase(M, "fmi3GetContinuousStateDerivatives", EVAL_PHASES))
        return fmi3Error;
    return (fmi3Status)core_get_derivatives(M, derivatives, nx);
}

fmi3Status fmi3GetEventIndicators(fmi3Instance instance, fmi3Float64 eventIndicators[], size_t ni)
{
    if (!instance || core_check_phase(M, "fmi3GetEventIndicators", EVAL_PHASES)) return fmi3Error;
    return (fmi3Status)core_get_event_indicators(M, eventIndicators, ni);
}

fmi3Status fmi3GetContinuousStates(fmi3Instance instance, fmi3Float64 x[], size_t nx)
{
    if (!instance || core_check_phase(M, "fmi3GetContinuousStates", EVAL_PHASES)) return fmi3Error;
    return (fmi3Status)core_get_states(M, x, nx);
}

fmi3Status fmi3GetNominalsOfContinuousStates(fmi3Instance instance, fmi3Float64 nominals[], size_t nx)
{
    if (!instance || core_check_phase(M, "fmi3GetNominalsOfContinuousStates", PH_ANY_BUT_ERROR))
        return fmi3Error;
    return (fmi3Status)core_get_nominals(M, nominals, nx);
}

fmi3Status fmi3GetNumberOfEventIndicators(fmi3Instance instance, size_t *n)
{
    if (!instance || !n) return fmi3Error;
    *n = N_EVENT_INDICATORS;
    return fmi3OK;
}

fmi3Status fmi3GetNumberOfContinuousStates(fmi3Instance instance, size_t *n)
{
    if (!instance || !n) return fmi3Error;
    *n = N_STATES;
    return fmi3OK;
}

/* ---- Co-Simulation ---- */
fmi3Status fmi3EnterStepMode(fmi3Instance instance)
{
    if (!instance || core_check_phase(M, "fmi3EnterStepMode", PH_MASK(PH_EVENT) | PH_MASK(PH_STEP)))
        return fmi3Error;
    if (!M->isCS) return unsupported(instance, "fmi3EnterStepMode (Model Exchange instance)");
    M->phase = PH_STEP;
    return fmi3OK;
}

fmi3Status fmi3GetOutputDerivatives(fmi3Instance instance, const fmi3ValueReference vr[], size_t nvr,
                                    const fmi3Int32 orders[], fmi3Float64 values[], size_t nValues)
{
    (void)vr; (void)nvr; (void)orders; (void)values; (void)nValues;
    return unsupported(instance, "fmi3GetOutputDerivatives");
}

fmi3Status fmi3DoStep(fmi3Instance instance, fmi3Float64 currentCommunicationPoint,
                      fmi3Float64 communicationStepSize, fmi3Boolean noSetFMUStatePriorToCurrentPoint,
                      fmi3Boolean *eventHandlingNeeded, fmi3Boolean *terminateSimulation,
                      fmi3Boolean *earlyReturn, fmi3Float64 *lastSuccessfulTime)
{
    int st;
    (void)noSetFMUStatePriorToCurrentPoint;
    if (!instance) return fmi3Error;
    if (eventHandlingNeeded) *eventHandlingNeeded = fmi3False;
    if (earlyReturn) *earlyReturn = fmi3False;
    if (terminateSimulation) *terminateSimulation = fmi3False;
    if (G->terminated) {
        core_log(M, ST_ERROR, "logStatusError", "fmi3DoStep: simulation was terminated by the model.");
        return fmi3Error;
    }
    st = core_do_step(M, currentCommunicationPoint, communicationStepSize);
    if (lastSuccessfulTime) *lastSuccessfulTime = M->v[OFF_time];
    if (st >= ST_ERROR) return err_state(instance, st);
    if (M->terminateSimulation) {
        G->terminated = true;
        if (terminateSimulation) *terminateSimulation = fmi3True;
    }
    return (fmi3Status)st;
}

fmi3Status fmi3ActivateModelPartition(fmi3Instance instance, fmi3ValueReference clockReference,
                                      fmi3Float64 activationTime)
{
    (void)clockReference; (void)activationTime;
    return unsupported(instance, "fmi3ActivateModelPartition");
}
