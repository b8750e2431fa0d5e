"""Leases of claimed jobs, from the side of a dispatcher that looks for lost ones: a job whose worker stopped
renewing its lease (or, on this host, whose process is dead) is queued again once, else failed and refunded;
the jobs others still hold are tracked until their leases are due. (The dispatcher renews the leases of its
own jobs while they run.)"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fmu_gateway_api.context import Context
from fmu_gateway_api.fmus import ingests
from fmu_gateway_api.fmus.repository import IngestRepository
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.runners.scaffold import pid_alive
from fmu_gateway_api.simulations.execution import settle
from fmu_gateway_api.simulations.repository import SimulationRepository
from fmu_gateway_api.tables import utcnow

log = logging.getLogger("fmu_gateway_api.simulations.dispatcher")  # the dispatcher's lines, wherever the code lives
MAX_ATTEMPTS = 2


def reap(ctx: Context, worker_id: str, at_start: bool, wake_at: Callable[[datetime], None]) -> dict[str, float]:
    """Jobs whose worker is gone (its lease passed unrenewed, or, on this host, its process is dead):
    queued again once, else failed and refunded. The jobs others still hold are returned, each with when its
    lease is due to be looked at (monotonic clock), for the dispatcher to track."""
    now = utcnow()
    tracked: dict[str, float] = {}
    with unit_of_work(ctx.sessions) as session:
        repo = SimulationRepository(session)
        requeued = False
        for sim in repo.running_jobs():
            mine = sim.worker == worker_id
            if mine and not at_start:
                continue
            lease = aware(sim.lease_expires_at)
            dead_here = bool(sim.worker) and dead_on_this_host(sim.worker or "", worker_id)
            if not dead_here and lease is not None and lease > now:
                tracked[sim.id] = time.monotonic() + (lease - now).total_seconds() + 0.5
                continue
            if sim.attempts < MAX_ATTEMPTS:
                log.warning("requeueing %s: its worker %s stopped renewing it", sim.id, sim.worker)
                if repo.requeue(sim.id, worker=sim.worker):
                    requeued = True
            else:
                values: dict[str, Any] = {
                    "status": "failed", "finished_at": now,
                    "error": {"type": "worker-lost", "detail": "the worker running this simulation stopped twice; "
                              "it was not run again", "platform": True}}
                if repo.finish(sim.id, worker=sim.worker, **values):
                    settle(ctx, session, sim, values, refund=True)
        ingest_repo = IngestRepository(session)
        for row in ingest_repo.running():
            lease = aware(row.lease_expires_at)
            dead_here = bool(row.worker) and dead_on_this_host(row.worker or "", worker_id)
            if row.worker == worker_id and not at_start:
                continue
            if not dead_here and lease is not None and lease > now:
                tracked[f"ingest:{row.sha256}"] = time.monotonic() + (lease - now).total_seconds() + 0.5
                continue
            if ingest_repo.requeue(row.sha256):
                requeued = True
                ctx.bus.publish(session, "jobs", ingests.INGEST_JOB)
        if requeued:
            ctx.bus.publish(session, "jobs")
        if at_start and (due := aware(repo.next_not_before())) is not None:
            wake_at(due)  # jobs put off by an earlier process: someone has to look again
    return tracked


def aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=utcnow().tzinfo)
    return moment


def dead_on_this_host(worker: str, me: str) -> bool:
    """The worker id names a process on this host that no longer exists (its jobs need no lease to pass)."""
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or worker == me:
        return False
    if int(pid) == os.getpid():
        return True  # an earlier dispatcher of this very process (its jobs died with it)
    return not pid_alive(int(pid))
