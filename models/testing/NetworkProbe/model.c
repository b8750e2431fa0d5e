/* Hostile test FMU: tries TCP connections to 1.1.1.1:53 and 127.0.0.1:5432. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "model.h"

/* returns 1 if connected, 0 otherwise; *why receives a reason */
static int try_connect(const char *ip, int port, int timeout_ms, const char **why)
{
    struct sockaddr_in addr;
    struct pollfd pfd;
    int fd, flags, r, err = 0;
    socklen_t len = sizeof(err);

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) { *why = strerror(errno); return 0; }
    flags = fcntl(fd, F_GETFL, 0);
    if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, ip, &addr.sin_addr) != 1) { close(fd); *why = "bad address"; return 0; }
    r = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
    if (r == 0) { close(fd); *why = "connected"; return 1; }
    if (errno != EINPROGRESS) { *why = strerror(errno); close(fd); return 0; }
    pfd.fd = fd;
    pfd.events = POLLOUT;
    pfd.revents = 0;
    r = poll(&pfd, 1, timeout_ms);
    if (r == 0) { close(fd); *why = "timeout"; return 0; }
    if (r < 0) { *why = strerror(errno); close(fd); return 0; }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    close(fd);
    if (err != 0) { *why = strerror(err); return 0; }
    *why = "connected";
    return 1;
}

static void probe(Model *m)
{
    static const char *ips[] = {"1.1.1.1", "127.0.0.1"};
    static const int ports[] = {53, 5432};
    int i, timeout = (int)V(timeout_ms);
    if (timeout <= 0) timeout = 500;
    for (i = 0; i < 2; i++) {
        const char *why = "";
        int ok = try_connect(ips[i], ports[i], timeout, &why);
        V(attempts) += 1;
        V(connected) += ok;
        core_log_always(m, ok ? ST_WARNING : ST_OK, "logModel",
                        "NetworkProbe: connect %s:%d -> %s (%s)", ips[i], ports[i],
                        ok ? "CONNECTED" : "failed", why);
    }
}

static void maybe(Model *m)
{
    if (V(done) == 0 && TIME >= V(trigger_time)) {
        V(done) = 1;
        probe(m);
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
