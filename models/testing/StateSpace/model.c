/* Linear state-space system x' = A x + B u, y = C x + D u (FMI 3 arrays). */
#include "model.h"

#define NX NEL_x
#define NU NEL_u
#define NY NEL_y

void model_initialize(Model *m)
{
    int i;
    for (i = 0; i < NX; i++) A(x)[i] = A(x0)[i];
}

void model_evaluate(Model *m)
{
    const double *a = A(A), *b = A(B), *c = A(C), *d = A(D), *x = A(x), *u = A(u);
    double *dx = A(der_x), *y = A(y), e = 0;
    int i, j;
    for (i = 0; i < NX; i++) {
        double s = 0;
        for (j = 0; j < NX; j++) s += a[i * NX + j] * x[j];
        for (j = 0; j < NU; j++) s += b[i * NU + j] * u[j];
        dx[i] = s;
        e += x[i] * x[i];
    }
    for (i = 0; i < NY; i++) {
        double s = 0;
        for (j = 0; j < NX; j++) s += c[i * NX + j] * x[j];
        for (j = 0; j < NU; j++) s += d[i * NU + j] * u[j];
        y[i] = s;
    }
    V(energy) = e;
}

void model_event_update(Model *m) { m->nextEventTimeDefined = false; }

int model_do_step(Model *m, double t, double h) { (void)m; (void)t; (void)h; return 0; }

void model_cleanup(Model *m) { (void)m; }
