"""The one-shot migration task and the rollout of a service, watched by deployment id.

A waiter that only compares running and desired counts calls a circuit-breaker rollback a success: the
rollback ends with one deployment whose tasks all run. This watcher follows the deployment that
UpdateService started, by id, through its `rolloutState`:

  COMPLETED                  done
  FAILED                     exit 6 with `rolloutStateReason` (circuit breaker, deployment alarms) and,
                             when ECS rolls back, the deployment and task definition it rolls back to
  gone from the service      exit 6: another deployment replaced it before it completed
  IN_PROGRESS past timeout   exit 5: ECS carries on; the message says how far it got

Time comes from a `Clock`, so tests replay recorded DescribeServices sequences without sleeping.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .errors import EXIT_MIGRATION, EXIT_ROLLOUT_FAILED, EXIT_ROLLOUT_TIMEOUT, DeployError, say


class Clock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def revision_name(task_definition_arn: str) -> str:
    """arn:...:task-definition/fmu-gateway-production-api:8 -> fmu-gateway-production-api:8"""
    return task_definition_arn.rsplit("/", 1)[-1]


@dataclass
class Rollout:
    service: str
    deployment_id: str
    task_definition: str
    last_progress: str = field(default="", compare=False)


def start_rollout(ecs: Any, cluster: str, service: str, task_definition: str) -> Rollout:
    """UpdateService to `task_definition` (the desired count stays the autoscaler's) and take the id of the
    deployment it started. When the service already runs that revision ECS starts none: the primary
    deployment is then the one to watch, and it is usually COMPLETED already."""
    response = ecs.update_service(cluster=cluster, service=service, taskDefinition=task_definition)
    deployments = response["service"]["deployments"]
    primary = next(d for d in deployments if d["status"] == "PRIMARY")
    if primary["taskDefinition"] != task_definition:
        raise DeployError(
            f"{service}: UpdateService left {revision_name(primary['taskDefinition'])} primary, "
            f"not {revision_name(task_definition)}",
            EXIT_ROLLOUT_FAILED,
        )
    say(f"  {service}: deployment {primary['id']} of {revision_name(task_definition)} started")
    return Rollout(service, primary["id"], task_definition)


def _last_event(service: dict[str, Any]) -> str:
    events = service.get("events") or []
    return events[0]["message"] if events else "none"


def _check(rollout: Rollout, service: dict[str, Any]) -> bool:
    """True once the deployment completed; raises when it failed or disappeared."""
    deployments = service.get("deployments", [])
    mine = next((d for d in deployments if d["id"] == rollout.deployment_id), None)
    name = rollout.service
    if mine is None:
        primary = next((d for d in deployments if d["status"] == "PRIMARY"), None)
        now = f"{primary['id']} ({revision_name(primary['taskDefinition'])})" if primary else "no deployment"
        raise DeployError(
            f"{name}: deployment {rollout.deployment_id} was replaced by {now} before it completed; "
            f"last event: {_last_event(service)}",
            EXIT_ROLLOUT_FAILED,
        )
    state = mine.get("rolloutState")
    if state == "COMPLETED":
        say(
            f"  {name}: deployment {rollout.deployment_id} completed: {mine['runningCount']} of "
            f"{mine['desiredCount']} tasks running {revision_name(mine['taskDefinition'])}"
        )
        return True
    if state == "FAILED":
        reason = mine.get("rolloutStateReason") or "no reason given"
        rollback = next(
            (d for d in deployments if d["status"] == "PRIMARY" and d["id"] != rollout.deployment_id), None
        )
        after = (
            f"; ECS rolls back to {revision_name(rollback['taskDefinition'])} (deployment {rollback['id']})"
            if rollback
            else ""
        )
        raise DeployError(
            f"{name}: deployment {rollout.deployment_id} failed: {reason}{after}", EXIT_ROLLOUT_FAILED
        )
    progress = (
        f"{mine['runningCount']} of {mine['desiredCount']} running, {mine.get('pendingCount', 0)} pending, "
        f"{mine.get('failedTasks', 0)} failed"
    )
    if progress != rollout.last_progress:
        say(f"  {name}: {state or 'IN_PROGRESS'}: {progress}")
        rollout.last_progress = progress
    return False


def watch(
    ecs: Any, cluster: str, rollouts: list[Rollout], *, timeout_s: float, poll_s: float, clock: Clock
) -> None:
    """Poll DescribeServices until every rollout completed; raise on the first that fails or times out."""
    deadline = clock.monotonic() + timeout_s
    pending = {r.service: r for r in rollouts}
    while True:
        response = ecs.describe_services(cluster=cluster, services=sorted(pending))
        by_name = {s["serviceName"]: s for s in response["services"]}
        for name in sorted(pending):
            if name not in by_name:
                raise DeployError(f"{name}: DescribeServices does not know the service", EXIT_ROLLOUT_FAILED)
            if _check(pending[name], by_name[name]):
                del pending[name]
        if not pending:
            return
        if clock.monotonic() >= deadline:
            name = sorted(pending)[0]
            raise DeployError(
                f"{name}: deployment {pending[name].deployment_id} still in progress after {timeout_s:g} s "
                f"({pending[name].last_progress}); ECS carries on with it: watch the service, or run make "
                f"deploy again once it settled. Last event: {_last_event(by_name[name])}",
                EXIT_ROLLOUT_TIMEOUT,
            )
        clock.sleep(poll_s)


@dataclass(frozen=True)
class Migration:
    cluster: str
    task_definition: str
    subnets: list[str]
    security_groups: list[str]
    log_group: str
    container: str = "migrate"


def run_migration(
    ecs: Any, logs: Any, migration: Migration, *, timeout_s: float, poll_s: float, clock: Clock
) -> None:
    """RunTask the migration, wait until it stopped, and require exit code 0.

    A migration still running at the timeout is left alone (stopping it mid-way rolls its transaction back,
    a decision for a person): the error names its task and log stream.
    """
    response = ecs.run_task(
        cluster=migration.cluster,
        taskDefinition=migration.task_definition,
        launchType="FARGATE",
        platformVersion="1.4.0",
        count=1,
        startedBy="make-deploy",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": migration.subnets,
                "securityGroups": migration.security_groups,
                "assignPublicIp": "DISABLED",
            }
        },
    )
    if response.get("failures") or not response.get("tasks"):
        reasons = "; ".join(
            f"{f.get('arn', '')} {f.get('reason', '')}".strip() for f in response.get("failures", [])
        )
        raise DeployError(f"the migration task did not start: {reasons or 'no task'}", EXIT_MIGRATION)
    task_arn = response["tasks"][0]["taskArn"]
    task_id = task_arn.rsplit("/", 1)[-1]
    stream = f"{migration.container}/{migration.container}/{task_id}"
    say(f"  migration task {task_id} ({revision_name(migration.task_definition)}) started")
    deadline = clock.monotonic() + timeout_s
    last = ""
    while True:
        (task,) = ecs.describe_tasks(cluster=migration.cluster, tasks=[task_arn])["tasks"]
        status = task["lastStatus"]
        if status != last:
            say(f"  migration task {task_id}: {status}")
            last = status
        if status == "STOPPED":
            break
        if clock.monotonic() >= deadline:
            raise DeployError(
                f"the migration task {task_id} is still {status} after {timeout_s:g} s; it was left running. "
                f"Its log: {migration.log_group} {stream}",
                EXIT_MIGRATION,
            )
        clock.sleep(poll_s)
    container = next((c for c in task.get("containers", []) if c["name"] == migration.container), {})
    exit_code = container.get("exitCode")
    if exit_code == 0:
        say(f"  migration task {task_id}: done (exit 0)")
        return
    why = task.get("stoppedReason") or task.get("stopCode") or "no reason given"
    detail = (
        f"exit code {exit_code}"
        if exit_code is not None
        else f"no exit code ({container.get('reason', why)})"
    )
    tail = _log_tail(logs, migration.log_group, stream)
    raise DeployError(
        f"the migration task {task_id} failed: {detail}; {why}. Log {migration.log_group} {stream}"
        + (":\n" + tail if tail else ""),
        EXIT_MIGRATION,
    )


def _log_tail(logs: Any, group: str, stream: str, lines: int = 20) -> str:
    from botocore.exceptions import ClientError

    try:
        events = logs.get_log_events(
            logGroupName=group, logStreamName=stream, limit=lines, startFromHead=False
        )
    except ClientError:
        return ""  # no stream: the container never started
    return "\n".join("    " + e["message"].rstrip() for e in events.get("events", []))
