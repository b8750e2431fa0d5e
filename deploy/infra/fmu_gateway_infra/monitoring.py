"""Alarms to one SNS topic, the stopped-task failure rule, one dashboard.

Alarm names are fixed (`<prefix>-<what>`): the services name some of them as deployment alarms (a rollout
that trips one is rolled back), and operators find them by name.

Metrics of the service's own (namespace `FmuGateway/<environment>`, no dimensions, every 60 s from each
worker): QueueDepth, OldestQueuedAgeSeconds, RunningJobs, BacklogPerWorker; and, for two alarms here,
RunTaskThrottles (RunTask calls refused with ThrottlingException) and OutboxLagSeconds (age of the oldest
undispatched billing outbox row). Missing data is "not breaching": a metric nobody publishes never alarms.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_events as events
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from .config import Parameters
from .data import Data
from .edge import Edge
from .services import Services, retention

QUEUE_METRICS = ("QueueDepth", "OldestQueuedAgeSeconds", "RunningJobs", "BacklogPerWorker")
ALARMS = (
    "api-5xx-rate",
    "api-p95-latency",
    "oldest-queued-job",
    "runtask-throttles",
    "stopped-task-failures",
    "outbox-lag",
    "db-cpu",
    "db-free-storage",
)
API_DEPLOYMENT_ALARMS = ("api-5xx-rate", "api-p95-latency")
WORKER_DEPLOYMENT_ALARMS = ("oldest-queued-job",)


def alarm_name(params: Parameters, what: str) -> str:
    return f"{params.prefix}-{what}"


class Monitoring(Construct):
    def __init__(
        self, scope: Construct, id: str, *, params: Parameters, data: Data, edge: Edge, services: Services
    ) -> None:
        super().__init__(scope, id)
        self.params = params
        self.topic = sns.Topic(self, "Alarms", display_name=f"{params.prefix} alarms", enforce_ssl=True)
        if params.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(params.alarm_email))
        ns = params.namespace
        minute, five = Duration.minutes(1), Duration.minutes(5)

        def custom(name: str, statistic: str, period: Duration = minute) -> cloudwatch.Metric:
            return cloudwatch.Metric(namespace=ns, metric_name=name, statistic=statistic, period=period)

        alb = edge.public_alb.metrics
        requests = alb.request_count(period=minute, statistic="Sum")
        errors = cloudwatch.MathExpression(
            expression="100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / FILL(requests, 1)",
            using_metrics={
                "target5xx": alb.http_code_target(
                    elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=minute, statistic="Sum"
                ),
                "elb5xx": alb.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT, period=minute, statistic="Sum"),
                "requests": requests,
            },
            period=minute,
            label="5xx, % of requests",
        )
        latency = edge.public_targets.metrics.target_response_time(period=minute, statistic="p95")
        oldest = custom("OldestQueuedAgeSeconds", "Maximum")
        self.failures_rule = self._stopped_task_rule(services)
        failures = cloudwatch.Metric(
            namespace="AWS/Events",
            metric_name="TriggeredRules",
            dimensions_map={"RuleName": self.failures_rule.rule_name},
            statistic="Sum",
            period=five,
        )
        db = data.database
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self._alarm("api-5xx-rate", errors, params.alarm_5xx_percent, 5, 3, "5xx above the threshold (%)")
        self._alarm("api-p95-latency", latency, params.alarm_p95_latency_s, 5, 3, "p95 latency (s)")
        self._alarm("oldest-queued-job", oldest, params.alarm_oldest_queued_s, 3, 3, "oldest queued job (s)")
        self._alarm(
            "runtask-throttles", custom("RunTaskThrottles", "Sum", five), 0, 1, 1, "RunTask throttled"
        )
        self._alarm(
            "stopped-task-failures",
            failures,
            params.alarm_stopped_tasks,
            1,
            1,
            "tasks that failed (5 min)",
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        )
        self._alarm(
            "outbox-lag",
            custom("OutboxLagSeconds", "Maximum"),
            params.alarm_outbox_lag_s,
            5,
            5,
            "oldest undispatched outbox row (s)",
        )
        self._alarm(
            "db-cpu",
            db.metric_cpu_utilization(period=five),
            params.alarm_db_cpu_percent,
            3,
            3,
            "database CPU (%)",
        )
        self._alarm(
            "db-free-storage",
            db.metric_free_storage_space(period=five, statistic="Minimum"),
            params.alarm_db_free_storage_gib * 1024**3,
            1,
            1,
            "database free storage (bytes)",
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        )
        self._dashboard(requests, errors, latency, services, data, custom)

    def _alarm(
        self,
        what: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        periods: int,
        datapoints: int,
        description: str,
        comparison: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            "".join(part.capitalize() for part in what.split("-")),
            alarm_name=alarm_name(self.params, what),
            alarm_description=f"{self.params.prefix}: {description}",
            metric=metric,
            threshold=threshold,
            evaluation_periods=periods,
            datapoints_to_alarm=datapoints,
            comparison_operator=comparison,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        self.alarms[what] = alarm

    def _stopped_task_rule(self, services: Services) -> events.Rule:
        """Tasks of the cluster that stopped failing: not started, or a container that exited non-zero.

        The events go to a log group (what failed and why), the rule's TriggeredRules count to an alarm.
        """
        log = logs.LogGroup(
            self,
            "TaskFailuresLog",
            log_group_name=f"/ecs/{self.params.prefix}/task-failures",
            retention=retention(self.params.log_retention_days),
            removal_policy=RemovalPolicy.RETAIN,
        )
        rule = events.Rule(
            self,
            "TaskFailures",
            description=f"{self.params.prefix}: tasks that stopped failing",
            event_pattern=events.EventPattern(
                source=["aws.ecs"],
                detail_type=["ECS Task State Change"],
                detail={
                    "clusterArn": [services.cluster.cluster_arn],
                    "lastStatus": ["STOPPED"],
                    "$or": [
                        {"stopCode": ["TaskFailedToStart"]},
                        {"containers": {"exitCode": [{"anything-but": 0}]}},
                    ],
                },
            ),
        )
        cfn_rule = rule.node.default_child
        assert isinstance(cfn_rule, events.CfnRule)
        # A log group target is named by its ARN without the ":*" that the log group's Arn attribute ends in.
        target = Stack.of(self).format_arn(
            service="logs",
            resource="log-group",
            resource_name=log.log_group_name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        cfn_rule.targets = [events.CfnRule.TargetProperty(id="FailuresLog", arn=target)]
        # EventBridge writes to the log group under this resource policy (no custom resource needed).
        logs.CfnResourcePolicy(
            self,
            "TaskFailuresLogPolicy",
            policy_name=f"{self.params.prefix}-task-failures",
            policy_document=Stack.of(self).to_json_string(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "EventBridgeWritesTaskFailures",
                            "Effect": "Allow",
                            "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": log.log_group_arn,
                            "Condition": {"ArnEquals": {"aws:SourceArn": rule.rule_arn}},
                        }
                    ],
                }
            ),
        )
        return rule

    def _dashboard(self, requests, errors, latency, services: Services, data: Data, custom) -> None:  # type: ignore[no-untyped-def]
        board = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=self.params.prefix)
        widget = cloudwatch.GraphWidget
        rows: list[list[cloudwatch.IWidget]] = [
            [
                widget(title="Requests / min", left=[requests], width=8),
                widget(title="5xx, % of requests", left=[errors], width=8),
                widget(title="p95 latency (s)", left=[latency], width=8),
            ],
            [widget(title=name, left=[custom(name, "Maximum")], width=6) for name in QUEUE_METRICS],
        ]
        if services.api_service and services.worker_service:
            rows.append(
                [
                    widget(
                        title=f"{name} CPU and memory (%)",
                        left=[service.metric_cpu_utilization(), service.metric_memory_utilization()],
                        width=12,
                    )
                    for name, service in (("api", services.api_service), ("worker", services.worker_service))
                ]
            )
        rows.append(
            [
                widget(title="Database CPU (%)", left=[data.database.metric_cpu_utilization()], width=8),
                widget(
                    title="Database free storage", left=[data.database.metric_free_storage_space()], width=8
                ),
                widget(
                    title="Database connections", left=[data.database.metric_database_connections()], width=8
                ),
            ]
        )
        rows.append(
            [cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms.values()), width=24)]
        )
        for row in rows:
            board.add_widgets(*row)
