"""The stack's services and task definitions, scaling, data stores, logs, alarms and dashboard (the template
of conftest's `synth` and `variants`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import FAKE_RELEASE, ROOT, Synth, synth_in_process
from template import (
    ARN,
    EXAMPLE,
    PREFIX,
    REGION_ACCOUNT,
    container,
    iam_statements,
    one,
    resources,
)


# -- services, scaling, task definitions --------------------------------------------------------------
def test_services_roll_back_on_circuit_breaker_and_alarms_and_stay_on_the_named_revision(
    synth: Synth,
) -> None:
    services = resources(synth, "AWS::ECS::Service")
    for name, revision, alarms in (
        ("api", 7, [f"{PREFIX}-api-5xx-rate", f"{PREFIX}-api-p95-latency"]),
        ("worker", 3, [f"{PREFIX}-oldest-queued-job"]),
    ):
        service = services[f"Services{name.capitalize()}Service"]
        assert service["ServiceName"] == f"{PREFIX}-{name}"
        assert service["TaskDefinition"] == f"{PREFIX}-{name}:{revision}"
        assert "DesiredCount" not in service  # the autoscaler's
        assert service["DeploymentConfiguration"] == {
            "Alarms": {"AlarmNames": alarms, "Enable": True, "Rollback": True},
            "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
            "MaximumPercent": 200,
            "MinimumHealthyPercent": 100,
        }
        assert service["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"
    assert [lb["TargetGroupArn"] for lb in services["ServicesApiService"]["LoadBalancers"]] == [
        "${EdgeApiTargets}",
        "${EdgeCallbackTargets}",
    ]


def test_first_deployment_creates_services_after_the_migration(variants: dict[str, Synth]) -> None:
    variants["first pass"].assertions.resource_count_is("AWS::ECS::Service", 0)
    services = resources(variants["create services"], "AWS::ECS::Service")
    assert (
        services["ServicesApiService"]["TaskDefinition"],
        services["ServicesApiService"]["DesiredCount"],
    ) == ("${ServicesApiTask}", 2)
    assert (
        services["ServicesWorkerService"]["TaskDefinition"],
        services["ServicesWorkerService"]["DesiredCount"],
    ) == ("${ServicesWorkerTask}", 1)


def test_scaling_api_on_cpu_and_requests_and_workers_on_backlog(synth: Synth) -> None:
    targets = resources(synth, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert sorted((t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in targets.values()) == [
        ("service/${ServicesCluster}/${ServicesApiService.Name}", 2, 4),
        ("service/${ServicesCluster}/${ServicesWorkerService.Name}", 1, 8),
    ]
    policies = {
        name: p["TargetTrackingScalingPolicyConfiguration"]
        for name, p in resources(synth, "AWS::ApplicationAutoScaling::ScalingPolicy").items()
    }
    assert policies["ServicesApiServiceTaskCountTargetCpu"] == {
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
        "ScaleInCooldown": 300,
        "ScaleOutCooldown": 60,
        "TargetValue": 60,
    }
    requests = policies["ServicesApiServiceTaskCountTargetRequests"]
    assert requests["PredefinedMetricSpecification"]["PredefinedMetricType"] == "ALBRequestCountPerTarget"
    # app/<load balancer>/<id>/targetgroup/<name>/<id>: the load balancer's part cut from the listener ARN
    assert requests["PredefinedMetricSpecification"]["ResourceLabel"] == "/".join(
        [
            *(f"${{split(${{EdgePublicAlbHttps}}, '/')[{i}]}}" for i in (1, 2, 3)),
            "${EdgeApiTargets.TargetGroupFullName}",
        ]
    )
    assert requests["TargetValue"] == 1000
    assert policies["ServicesWorkerServiceTaskCountTargetBacklog"] == {
        "CustomizedMetricSpecification": {
            "MetricName": "BacklogPerWorker",
            "Namespace": "FmuGateway/example",
            "Statistic": "Average",
        },
        "ScaleInCooldown": 300,
        "ScaleOutCooldown": 60,
        "TargetValue": 4,
    }


def _env(definition: dict[str, Any]) -> dict[str, Any]:
    return {e["Name"]: e["Value"] for e in definition["Environment"]}


def _secrets(definition: dict[str, Any]) -> dict[str, Any]:
    return {e["Name"]: e["ValueFrom"] for e in definition["Secrets"]}


SERVICE_ENV = {
    "FMU_GATEWAY_ENVIRONMENT": "production",
    "DATABASE_URL": "postgresql://fmu_gateway@${DataDatabase.Endpoint.Address}:${DataDatabase.Endpoint.Port}"
    "/fmu_gateway?sslmode=require",
    "REDIS_URL": "rediss://${DataRedis.PrimaryEndPoint.Address}:${DataRedis.PrimaryEndPoint.Port}/0",
    "FMU_GATEWAY_BLOB_STORE": "s3",
    "FMU_GATEWAY_S3_BUCKET": "${DataBlobs}",
    "FMU_GATEWAY_S3_PREFIX": "",
    "FMU_GATEWAY_AWS_REGION": "${AWS::Region}",
    "FMU_GATEWAY_PUBLIC_URL": "https://api.fmu-gateway.example",
    "FMU_GATEWAY_SANDBOX_REQUIRE": "strict",
    "FMU_GATEWAY_TRUSTED_PROXIES": "10.0.0.0/16",
    "FMU_GATEWAY_RESULT_RETENTION_DAYS": "30",
    "FMU_GATEWAY_HEAVY_RUNNER": "ecs",  # long runs: one ECS task each (the API routes, workers start them)
    "STRIPE_ENABLED": "true",
}
SERVICE_SECRETS = {
    "PGPASSWORD": "${DataDatabaseSecretAttachment}:password::",
    "FMU_GATEWAY_METRICS_TOKEN": "${DataMetricsToken}",
    **{name: arn for name, arn in FAKE_RELEASE["secretArns"].items()},
}


def test_api_task_definition(synth: Synth) -> None:
    api = container(synth, "Api")
    assert api["Command"] == [
        "fmu-gateway-api",
        "serve",
        "--role",
        "api",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
    ]
    assert api["Image"] == FAKE_RELEASE["apiImage"]
    assert _env(api) == SERVICE_ENV
    assert _secrets(api) == SERVICE_SECRETS
    assert api["PortMappings"] == [{"ContainerPort": 8000, "Name": "http", "Protocol": "tcp"}]
    assert api["HealthCheck"]["Command"][-1].endswith(
        "u.urlopen('http://127.0.0.1:8000/v1/health', timeout=4)"
    )
    assert (api["User"], api["Privileged"], api["LinuxParameters"]["Capabilities"]) == (
        "10001:10001",
        False,
        {"Drop": ["ALL"]},
    )
    td = one(synth, "AWS::ECS::TaskDefinition", "ServicesApiTask")
    assert (td["Cpu"], td["Memory"], td["TaskRoleArn"], td["ExecutionRoleArn"]) == (
        "1024",
        "2048",
        "${RolesApiTaskRole.Arn}",
        "${RolesApiExecutionRole.Arn}",
    )


def test_worker_task_definition_pins_the_runner_by_revision(synth: Synth) -> None:
    worker = container(synth, "Worker")
    assert worker["Command"] == ["fmu-gateway-api", "worker"]
    assert _env(worker) == {
        **SERVICE_ENV,
        "FMU_GATEWAY_SCRATCH_DIR": "/var/cache/fmu-gateway",
        "FMU_GATEWAY_ECS_CLUSTER": PREFIX,
        # Ref of an AWS::ECS::TaskDefinition is its ARN with the revision: family:N, never "latest".
        "FMU_GATEWAY_ECS_RUNNER_TASK_DEFINITION": "${ServicesRunnerTask}",
        "FMU_GATEWAY_ECS_SUBNETS": "${NetworkVpcrunsSubnet1Subnet},${NetworkVpcrunsSubnet2Subnet}",
        "FMU_GATEWAY_ECS_SECURITY_GROUPS": "${NetworkRunnerSg.GroupId}",
        "FMU_GATEWAY_ECS_CALLBACK_URL": "http://${EdgeInternalAlb.DNSName}",
        "FMU_GATEWAY_CLOUDWATCH_NAMESPACE": "FmuGateway/example",
    }
    assert _secrets(worker) == SERVICE_SECRETS
    assert worker["MountPoints"] == [
        {"ContainerPath": "/var/cache/fmu-gateway", "ReadOnly": False, "SourceVolume": "scratch"}
    ]
    assert (worker["StopTimeout"], worker["Privileged"]) == (120, False)
    td = one(synth, "AWS::ECS::TaskDefinition", "ServicesWorkerTask")
    assert (td["Cpu"], td["Memory"], td["EphemeralStorage"], td["Volumes"]) == (
        "2048",
        "4096",
        {"SizeInGiB": 50},
        [{"Name": "scratch"}],
    )


def test_runner_task_definition_has_no_task_role_no_secrets_and_a_read_only_root(synth: Synth) -> None:
    td = one(synth, "AWS::ECS::TaskDefinition", "ServicesRunnerTask")
    assert "TaskRoleArn" not in td
    assert td["ExecutionRoleArn"] == "${RolesRunnerExecutionRole.Arn}"
    assert td["Family"] == f"{PREFIX}-runner"
    runner = container(synth, "Runner")
    assert runner["Image"] == FAKE_RELEASE["runnerImage"]
    assert "Secrets" not in runner
    assert _env(runner) == {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    assert (runner["ReadonlyRootFilesystem"], runner["User"], runner["Privileged"]) == (
        True,
        "10001:10001",
        False,
    )
    assert sorted(m["ContainerPath"] for m in runner["MountPoints"]) == ["/job", "/tmp"]


def test_migration_task_definition_runs_migrate_with_the_database_only(synth: Synth) -> None:
    td = one(synth, "AWS::ECS::TaskDefinition", "ServicesMigrateTask")
    assert "TaskRoleArn" not in td
    migrate = container(synth, "Migrate")
    assert migrate["Command"] == ["fmu-gateway-api", "migrate"]
    assert migrate["Image"] == FAKE_RELEASE["apiImage"]
    assert _env(migrate) == {k: SERVICE_ENV[k] for k in ("FMU_GATEWAY_ENVIRONMENT", "DATABASE_URL")}
    assert _secrets(migrate) == {k: SERVICE_SECRETS[k] for k in ("PGPASSWORD", "FMU_GATEWAY_JWT_KEYS")}


def test_task_definitions_are_retained_so_rollbacks_find_the_old_revision(synth: Synth) -> None:
    for lid, r in synth.template["Resources"].items():
        if r["Type"] == "AWS::ECS::TaskDefinition":
            assert (r["DeletionPolicy"], r["UpdateReplacePolicy"]) == ("Retain", "Retain"), lid


# -- data ---------------------------------------------------------------------------------------------
def test_bucket_encrypted_private_tls_only_with_lifecycle(synth: Synth) -> None:
    bucket = one(synth, "AWS::S3::Bucket", "DataBlobs")
    assert bucket["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    }
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["LifecycleConfiguration"] == {
        "Rules": [
            {"Id": "jobs", "Prefix": "jobs/", "ExpirationInDays": 1, "Status": "Enabled"},
            {"Id": "results", "Prefix": "results/", "ExpirationInDays": 30, "Status": "Enabled"},
            {"Id": "logs", "Prefix": "logs/", "ExpirationInDays": 30, "Status": "Enabled"},
            {
                "Id": "uploads",
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                "Status": "Enabled",
            },
        ]
    }
    (policy,) = resources(synth, "AWS::S3::BucketPolicy").values()
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Action": "s3:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": ["${DataBlobs.Arn}", "${DataBlobs.Arn}/*"],
        }
    ]
    synth.assertions.has_resource(
        "AWS::S3::Bucket", {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    )


def test_lifecycle_follows_the_prefix_and_retention_parameters(tmp_path: Path) -> None:
    synth = synth_in_process(
        tmp_path, {**EXAMPLE, "s3Prefix": "gw/", "resultRetentionDays": 90}, FAKE_RELEASE
    )
    rules = one(synth, "AWS::S3::Bucket", "DataBlobs")["LifecycleConfiguration"]["Rules"]
    assert [(r["Id"], r.get("Prefix"), r.get("ExpirationInDays")) for r in rules] == [
        ("jobs", "gw/jobs/", 1),
        ("results", "gw/results/", 90),
        ("logs", "gw/logs/", 90),
        ("uploads", None, None),
    ]
    assert _env(container(synth, "Api"))["FMU_GATEWAY_RESULT_RETENTION_DAYS"] == "90"
    blobs = [s for s in iam_statements(synth) if s[:2] == ("RolesApiTaskPolicy", "Blobs")]
    assert blobs[0][3] == [
        "${DataBlobs.Arn}/gw/fmus/*",
        "${DataBlobs.Arn}/gw/logs/*",
        "${DataBlobs.Arn}/gw/results/*",
    ]


def test_postgres_multi_az_encrypted_with_generated_credentials_and_redis_over_tls(
    synth: Synth, variants: dict[str, Synth]
) -> None:
    db = one(synth, "AWS::RDS::DBInstance", "DataDatabase")
    assert (
        db["Engine"],
        db["EngineVersion"],
        db["MultiAZ"],
        db["StorageEncrypted"],
        db["PubliclyAccessible"],
    ) == ("postgres", "17.9", True, True, False)
    assert (db["DeletionProtection"], db["BackupRetentionPeriod"], db["DBName"]) == (True, 7, "fmu_gateway")
    assert db["MasterUsername"] == "fmu_gateway"  # the password comes from the generated secret
    assert db["MasterUserPassword"].startswith(
        "{{resolve:secretsmanager:${FmuGatewayexampleDataDatabaseSecret"
    )
    assert db["MasterUserPassword"].endswith("}:SecretString:password::}}")
    params = one(synth, "AWS::RDS::DBParameterGroup", "DataDatabaseParameters")
    assert params["Parameters"] == {"rds.force_ssl": "1"}
    redis = one(synth, "AWS::ElastiCache::ReplicationGroup", "DataRedis")
    assert (redis["TransitEncryptionEnabled"], redis["AtRestEncryptionEnabled"], redis["MultiAZEnabled"]) == (
        True,
        True,
        True,
    )
    single = one(variants["first pass"], "AWS::RDS::DBInstance", "DataDatabase")
    assert single["MultiAZ"] is False
    assert (
        one(variants["first pass"], "AWS::ElastiCache::ReplicationGroup", "DataRedis")["ReplicasPerNodeGroup"]
        == 0
    )


# -- logs, alarms, dashboard ---------------------------------------------------------------------------
def test_log_groups_have_retention(synth: Synth) -> None:
    groups = resources(synth, "AWS::Logs::LogGroup")
    assert sorted((g["LogGroupName"], g["RetentionInDays"]) for g in groups.values()) == [
        (f"/ecs/{PREFIX}/{name}", 30) for name in ("api", "migrate", "runner", "task-failures", "worker")
    ]


ALARMS = {
    "api-5xx-rate": ("GreaterThanThreshold", 1, 5, 3),
    "api-p95-latency": ("GreaterThanThreshold", 2, 5, 3),
    "oldest-queued-job": ("GreaterThanThreshold", 300, 3, 3),
    "runtask-throttles": ("GreaterThanThreshold", 0, 1, 1),
    "stopped-task-failures": ("GreaterThanOrEqualToThreshold", 5, 1, 1),
    "outbox-lag": ("GreaterThanThreshold", 600, 5, 5),
    "db-cpu": ("GreaterThanThreshold", 80, 3, 3),
    "db-free-storage": ("LessThanThreshold", 5 * 1024**3, 1, 1),
}


def test_alarms_go_to_the_sns_topic(synth: Synth) -> None:
    alarms = {a["AlarmName"]: a for a in resources(synth, "AWS::CloudWatch::Alarm").values()}
    assert sorted(alarms) == sorted(f"{PREFIX}-{name}" for name in ALARMS)
    for name, (comparison, threshold, periods, datapoints) in ALARMS.items():
        alarm = alarms[f"{PREFIX}-{name}"]
        assert (
            alarm["ComparisonOperator"],
            alarm["Threshold"],
            alarm["EvaluationPeriods"],
            alarm["DatapointsToAlarm"],
        ) == (comparison, threshold, periods, datapoints), name
        assert (alarm["AlarmActions"], alarm["OKActions"]) == (
            ["${MonitoringAlarms}"],
            ["${MonitoringAlarms}"],
        )
        assert alarm["TreatMissingData"] == "notBreaching"
    subscription = one(synth, "AWS::SNS::Subscription", "MonitoringAlarmsopsfmugatewayexample")
    assert (subscription["Protocol"], subscription["Endpoint"], subscription["TopicArn"]) == (
        "email",
        "ops@fmu-gateway.example",
        "${MonitoringAlarms}",
    )


def test_alarm_metrics(synth: Synth) -> None:
    alarms = {
        a["AlarmName"].removeprefix(PREFIX + "-"): a
        for a in resources(synth, "AWS::CloudWatch::Alarm").values()
    }
    queue = alarms["oldest-queued-job"]
    assert (queue["Namespace"], queue["MetricName"], queue["Statistic"], queue["Period"]) == (
        "FmuGateway/example",
        "OldestQueuedAgeSeconds",
        "Maximum",
        60,
    )
    assert (alarms["outbox-lag"]["MetricName"], alarms["runtask-throttles"]["MetricName"]) == (
        "OutboxLagSeconds",
        "RunTaskThrottles",
    )
    latency = alarms["api-p95-latency"]
    assert (latency["MetricName"], latency["ExtendedStatistic"]) == ("TargetResponseTime", "p95")
    errors = {m["Id"]: m for m in alarms["api-5xx-rate"]["Metrics"]}
    assert (
        errors["expr_1"]["Expression"] == "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / FILL(requests, 1)"
    )
    assert sorted(m["MetricStat"]["Metric"]["MetricName"] for k, m in errors.items() if k != "expr_1") == [
        "HTTPCode_ELB_5XX_Count",
        "HTTPCode_Target_5XX_Count",
        "RequestCount",
    ]
    failures = alarms["stopped-task-failures"]
    assert (failures["Namespace"], failures["MetricName"], failures["Dimensions"]) == (
        "AWS/Events",
        "TriggeredRules",
        [{"Name": "RuleName", "Value": "${MonitoringTaskFailures}"}],
    )
    assert (alarms["db-cpu"]["MetricName"], alarms["db-free-storage"]["MetricName"]) == (
        "CPUUtilization",
        "FreeStorageSpace",
    )


def test_stopped_task_failures_rule(synth: Synth) -> None:
    rule = one(synth, "AWS::Events::Rule", "MonitoringTaskFailures")
    assert rule["EventPattern"] == {
        "source": ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        "detail": {
            "clusterArn": ["${ServicesCluster.Arn}"],
            "lastStatus": ["STOPPED"],
            "$or": [{"stopCode": ["TaskFailedToStart"]}, {"containers": {"exitCode": [{"anything-but": 0}]}}],
        },
    }
    log_group = f"{ARN}:logs:{REGION_ACCOUNT}:log-group:${{MonitoringTaskFailuresLog}}"
    assert rule["Targets"] == [{"Arn": log_group, "Id": "FailuresLog"}]
    (policy,) = resources(synth, "AWS::Logs::ResourcePolicy").values()
    assert json.loads(policy["PolicyDocument"]) == {  # rendered: the JSON string's references stay as written
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EventBridgeWritesTaskFailures",
                "Effect": "Allow",
                "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "${MonitoringTaskFailuresLog.Arn}",
                "Condition": {"ArnEquals": {"aws:SourceArn": "${MonitoringTaskFailures.Arn}"}},
            }
        ],
    }


def test_one_dashboard(synth: Synth) -> None:
    (board,) = resources(synth, "AWS::CloudWatch::Dashboard").values()
    assert board["DashboardName"] == PREFIX
    body = board["DashboardBody"]
    for metric in (
        "BacklogPerWorker",
        "QueueDepth",
        "OldestQueuedAgeSeconds",
        "RunningJobs",
        "TargetResponseTime",
    ):
        assert metric in body


def test_the_runner_matches_the_task_definition_template_the_service_tests_use(synth: Synth) -> None:
    """deploy/ecs/runner-task-definition.json.tmpl is what private-api's ECS tests register: the same."""
    import string

    values = {
        "FAMILY": "f",
        "CPU": "1024",
        "MEMORY": "2048",
        "EXECUTION_ROLE_ARN": "e",
        "TASK_ROLE_ARN": "t",
        "IMAGE": "i",
        "LOG_GROUP": "l",
        "REGION": "r",
    }
    raw = (ROOT / "deploy" / "ecs" / "runner-task-definition.json.tmpl").read_text()
    template = json.loads(string.Template(raw).substitute(values))
    (expected,) = template["containerDefinitions"]
    runner = container(synth, "Runner")

    def lower(value: Any) -> Any:  # CloudFormation's PascalCase keys, the ECS API's camelCase
        if isinstance(value, dict):
            return {k[0].lower() + k[1:]: lower(v) for k, v in value.items()}
        return [lower(v) for v in value] if isinstance(value, list) else value

    keys = (
        "name",
        "user",
        "privileged",
        "readonlyRootFilesystem",
        "workingDirectory",
        "command",
        "mountPoints",
        "linuxParameters",
        "ulimits",
        "environment",
        "essential",
    )
    assert {k: lower(runner)[k] for k in keys} == {k: expected[k] for k in keys}
    td = lower(one(synth, "AWS::ECS::TaskDefinition", "ServicesRunnerTask"))
    for key in ("requiresCompatibilities", "networkMode", "runtimePlatform", "ephemeralStorage", "volumes"):
        assert td[key] == template[key], key
