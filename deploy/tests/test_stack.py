"""The CDK stack (deploy/infra), offline: `cdk synth` with the pinned CLI once per session, then
aws_cdk.assertions and exact checks of what issue 14 lists, and cfn-lint on the template.

Logical ids end in a hash; `_render` drops it and writes intrinsic functions as `${Name}`,
`${Name.Attribute}` and joined strings, so the expectations below read like the template means.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import FAKE_RELEASE, INFRA, ROOT, Synth, synth_in_process

sys.path.insert(0, str(INFRA))
from fmu_gateway_infra.config import ConfigError, Parameters, Release  # noqa: E402
from fmu_gateway_infra.fargate import check_size  # noqa: E402

EXAMPLE = json.loads((INFRA / "environments" / "example.json").read_text())
PREFIX = "fmu-gateway-example"
ARN = "arn:${AWS::Partition}"
REGION_ACCOUNT = "${AWS::Region}:${AWS::AccountId}"
_HASH = re.compile(r"^(?P<name>.+?)[0-9A-F]{8}$")


def _short(logical_id: str) -> str:
    m = _HASH.match(logical_id)
    return m["name"] if m and not logical_id.startswith("AWS::") else logical_id


def _render(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                return f"${{{_short(arg)}}}"
            if fn == "Fn::GetAtt":
                return f"${{{_short(arg[0])}.{arg[1]}}}"
            if fn == "Fn::Join":
                return arg[0].join(str(_render(x)) for x in arg[1])
            if fn == "Fn::Select" and isinstance(arg[1], dict) and "Fn::Split" in arg[1]:
                separator, source = arg[1]["Fn::Split"]
                return f"${{split({_render(source)}, {separator!r})[{arg[0]}]}}"
        return {k: _render(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v) for v in value]
    return value


def _resources(synth: Synth, kind: str) -> dict[str, dict[str, Any]]:
    return {
        _short(lid): _render(r.get("Properties", {}))
        for lid, r in synth.template["Resources"].items()
        if r["Type"] == kind
    }


def _one(synth: Synth, kind: str, name: str) -> dict[str, Any]:
    return _resources(synth, kind)[name]


def _container(synth: Synth, task: str) -> dict[str, Any]:
    (container,) = _one(synth, "AWS::ECS::TaskDefinition", f"Services{task}Task")["ContainerDefinitions"]
    return container


def _listify(value: Any) -> list[Any]:
    return sorted(value) if isinstance(value, list) else [value]


# -- synthesis and lint ------------------------------------------------------------------------------
def test_synth_with_the_pinned_cli_makes_one_stack_without_lambdas_or_custom_resources(synth: Synth) -> None:
    template = synth.assertions
    template.resource_count_is("AWS::ECS::Service", 2)
    template.resource_count_is("AWS::ECS::TaskDefinition", 4)
    template.resource_count_is("AWS::Lambda::Function", 0)
    kinds = {r["Type"] for r in synth.template["Resources"].values()}
    assert not [k for k in kinds if k.startswith("Custom::") or k == "AWS::CloudFormation::CustomResource"]
    assert synth.template["Description"] == "FMU Gateway, environment example (deploy/infra)"


@pytest.fixture(scope="module")
def variants(synth: Synth, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synth]:
    """The first pass of a first deployment (no services yet) behind the optional API Gateway, and the
    second pass (services created on this release's revisions)."""
    gateway = {**EXAMPLE, "apiGateway": True, "multiAz": False}
    return {
        "first pass": synth_in_process(
            tmp_path_factory.mktemp("first"), gateway, {**FAKE_RELEASE, "withServices": False}
        ),
        "create services": synth_in_process(
            tmp_path_factory.mktemp("create"),
            EXAMPLE,
            {**FAKE_RELEASE, "apiRevision": None, "workerRevision": None},
        ),
    }


def test_cfn_lint_passes_on_every_variant(synth: Synth, variants: dict[str, Synth]) -> None:
    paths = [synth.path, *(v.path for v in variants.values())]
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proc.returncode, proc.stdout + proc.stderr) == (0, "")


# -- network -----------------------------------------------------------------------------------------
def test_subnets_leave_room_for_one_interface_per_run_and_runs_have_no_route_out(synth: Synth) -> None:
    subnets = _resources(synth, "AWS::EC2::Subnet")
    assert sorted((name, s["CidrBlock"]) for name, s in subnets.items()) == [
        ("NetworkVpcappSubnet1Subnet", "10.0.16.0/20"),
        ("NetworkVpcappSubnet2Subnet", "10.0.32.0/20"),
        ("NetworkVpcdataSubnet1Subnet", "10.0.128.0/24"),
        ("NetworkVpcdataSubnet2Subnet", "10.0.129.0/24"),
        ("NetworkVpcpublicSubnet1Subnet", "10.0.0.0/24"),
        ("NetworkVpcpublicSubnet2Subnet", "10.0.1.0/24"),
        ("NetworkVpcrunsSubnet1Subnet", "10.0.64.0/19"),
        ("NetworkVpcrunsSubnet2Subnet", "10.0.96.0/19"),
    ]
    routes = _resources(synth, "AWS::EC2::Route")
    assert sorted(
        (r["RouteTableId"], r.get("NatGatewayId") or r.get("GatewayId")) for r in routes.values()
    ) == [
        ("${NetworkVpcappSubnet1RouteTable}", "${NetworkVpcpublicSubnet1NATGateway}"),
        ("${NetworkVpcappSubnet2RouteTable}", "${NetworkVpcpublicSubnet1NATGateway}"),
        ("${NetworkVpcpublicSubnet1RouteTable}", "${NetworkVpcIGW}"),
        ("${NetworkVpcpublicSubnet2RouteTable}", "${NetworkVpcIGW}"),
    ]


def test_endpoints_interface_and_gateway(synth: Synth) -> None:
    endpoints = _resources(synth, "AWS::EC2::VPCEndpoint")
    assert sorted((e["ServiceName"], e["VpcEndpointType"]) for e in endpoints.values()) == [
        ("com.amazonaws.${AWS::Region}.ecr.api", "Interface"),
        ("com.amazonaws.${AWS::Region}.ecr.dkr", "Interface"),
        ("com.amazonaws.${AWS::Region}.logs", "Interface"),
        ("com.amazonaws.${AWS::Region}.s3", "Gateway"),
        ("com.amazonaws.${AWS::Region}.secretsmanager", "Interface"),
    ]
    for e in endpoints.values():
        if e["VpcEndpointType"] == "Interface":
            assert (e["PrivateDnsEnabled"], e["SecurityGroupIds"]) == (True, ["${NetworkEndpointSg.GroupId}"])
            assert e["SubnetIds"] == ["${NetworkVpcappSubnet1Subnet}", "${NetworkVpcappSubnet2Subnet}"]


def test_the_s3_endpoint_admits_the_blob_bucket_and_ecr_layers_only(synth: Synth) -> None:
    endpoint = _one(synth, "AWS::EC2::VPCEndpoint", "NetworkVpcS3Endpoint")
    assert endpoint["RouteTableIds"] == [
        "${NetworkVpcappSubnet1RouteTable}",
        "${NetworkVpcappSubnet2RouteTable}",
        "${NetworkVpcrunsSubnet1RouteTable}",
        "${NetworkVpcrunsSubnet2RouteTable}",
    ]
    assert endpoint["PolicyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "BlobBucketObjects",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                "Resource": "${DataBlobs.Arn}/*",
            },
            {
                "Sid": "BlobBucketList",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "s3:ListBucket",
                "Resource": "${DataBlobs.Arn}",
            },
            {
                "Sid": "EcrImageLayers",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "s3:GetObject",
                "Resource": f"{ARN}:s3:::prod-${{AWS::Region}}-starport-layer-bucket/*",
            },
        ],
    }


def _rules(synth: Synth, kind: str, group: str) -> list[tuple[Any, ...]]:
    found = []
    for rule in _resources(synth, kind).values():
        if rule["GroupId"] != f"${{{group}.GroupId}}":
            continue
        peer = (
            rule.get("DestinationSecurityGroupId")
            or rule.get("SourceSecurityGroupId")
            or rule.get("DestinationPrefixListId")
            or rule.get("CidrIp")
        )
        found.append((peer, rule["IpProtocol"], rule["FromPort"], rule["ToPort"]))
    return sorted(found)


def test_runner_tasks_reach_the_endpoints_s3_and_the_callback_listener_and_nothing_else(synth: Synth) -> None:
    group = "NetworkRunnerSg"
    assert _rules(synth, "AWS::EC2::SecurityGroupEgress", group) == [
        ("${NetworkEndpointSg.GroupId}", "tcp", 443, 443),
        ("${NetworkInternalAlbSg.GroupId}", "tcp", 80, 80),
        ("pl-6ea54007", "tcp", 443, 443),
    ]
    runner = _one(synth, "AWS::EC2::SecurityGroup", group)
    # No inline rule: CloudFormation removes a group's default allow-all egress when it adds the first
    # AWS::EC2::SecurityGroupEgress, so the three rules above are all the group allows.
    assert ("SecurityGroupEgress" in runner, "SecurityGroupIngress" in runner) == (False, False)
    assert _rules(synth, "AWS::EC2::SecurityGroupIngress", group) == []
    assert _rules(synth, "AWS::EC2::SecurityGroupIngress", "NetworkInternalAlbSg") == [
        ("${NetworkRunnerSg.GroupId}", "tcp", 80, 80)
    ]


def test_database_and_redis_admit_the_services_only(synth: Synth) -> None:
    services = ["${NetworkApiSg.GroupId}", "${NetworkWorkerSg.GroupId}"]
    for group, port in (("NetworkDatabaseSg", 5432), ("NetworkRedisSg", 6379)):
        assert _rules(synth, "AWS::EC2::SecurityGroupIngress", group) == [
            (sg, "tcp", port, port) for sg in services
        ]


# -- load balancers ----------------------------------------------------------------------------------
def test_public_https_listener_health_check_and_no_internal_paths(synth: Synth) -> None:
    listeners = _resources(synth, "AWS::ElasticLoadBalancingV2::Listener")
    https = listeners["EdgePublicAlbHttps"]
    assert (https["Port"], https["Protocol"], https["SslPolicy"]) == (
        443,
        "HTTPS",
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
    )
    assert https["Certificates"] == [{"CertificateArn": EXAMPLE["certificateArn"]}]
    assert https["DefaultActions"] == [{"Type": "forward", "TargetGroupArn": "${EdgeApiTargets}"}]
    redirect = listeners["EdgePublicAlbRedirect80To443"]
    assert redirect["DefaultActions"][0]["RedirectConfig"] == {
        "Port": "443",
        "Protocol": "HTTPS",
        "StatusCode": "HTTP_301",
    }
    rules = {
        r["ListenerArn"]: r for r in _resources(synth, "AWS::ElasticLoadBalancingV2::ListenerRule").values()
    }
    public = rules["${EdgePublicAlbHttps}"]
    assert public["Conditions"] == [
        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/internal/*"]}}
    ]
    assert public["Actions"] == [
        {
            "Type": "fixed-response",
            "FixedResponseConfig": {
                "StatusCode": "404",
                "ContentType": "text/plain",
                "MessageBody": "Not Found",
            },
        }
    ]
    groups = _resources(synth, "AWS::ElasticLoadBalancingV2::TargetGroup")
    for name in ("EdgeApiTargets", "EdgeCallbackTargets"):
        tg = groups[name]
        assert (tg["Port"], tg["Protocol"], tg["TargetType"]) == (8000, "HTTP", "ip")
        assert (tg["HealthCheckPath"], tg["Matcher"], tg["HealthCheckIntervalSeconds"]) == (
            "/v1/ready",
            {"HttpCode": "200"},
            15,
        )
    albs = _resources(synth, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert albs["EdgePublicAlb"]["Scheme"] == "internet-facing"
    assert albs["EdgeInternalAlb"]["Scheme"] == "internal"


def test_the_callback_path_exists_on_the_internal_listener_only(synth: Synth) -> None:
    internal = _one(synth, "AWS::ElasticLoadBalancingV2::Listener", "EdgeInternalAlbCallbacks")
    assert (internal["Port"], internal["Protocol"]) == (80, "HTTP")
    assert internal["DefaultActions"][0]["Type"] == "fixed-response"
    rules = {
        r["ListenerArn"]: r for r in _resources(synth, "AWS::ElasticLoadBalancingV2::ListenerRule").values()
    }
    callbacks = rules["${EdgeInternalAlbCallbacks}"]
    assert callbacks["Conditions"] == [
        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/internal/v1/jobs/*"]}}
    ]
    assert callbacks["Actions"] == [{"Type": "forward", "TargetGroupArn": "${EdgeCallbackTargets}"}]
    forwards = [
        (r["ListenerArn"], a["TargetGroupArn"])
        for r in rules.values()
        for a in r["Actions"]
        if a["Type"] == "forward"
    ]
    assert forwards == [("${EdgeInternalAlbCallbacks}", "${EdgeCallbackTargets}")]


def test_api_gateway_option_throttles_in_front_of_an_internal_load_balancer(
    variants: dict[str, Synth],
) -> None:
    synth = variants["first pass"]
    (stage,) = _resources(synth, "AWS::ApiGatewayV2::Stage").values()
    assert stage["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 50}
    (integration,) = _resources(synth, "AWS::ApiGatewayV2::Integration").values()
    assert (integration["ConnectionType"], integration["IntegrationUri"], integration["TlsConfig"]) == (
        "VPC_LINK",
        "${EdgePublicAlbHttps}",
        {"ServerNameToVerify": "api.fmu-gateway.example"},
    )
    assert _one(synth, "AWS::ElasticLoadBalancingV2::LoadBalancer", "EdgePublicAlb")["Scheme"] == "internal"
    assert _rules(synth, "AWS::EC2::SecurityGroupIngress", "NetworkPublicAlbSg") == [
        ("${EdgeVpcLinkSg.GroupId}", "tcp", 443, 443)
    ]


# -- services, scaling, task definitions --------------------------------------------------------------
def test_services_roll_back_on_circuit_breaker_and_alarms_and_stay_on_the_named_revision(
    synth: Synth,
) -> None:
    services = _resources(synth, "AWS::ECS::Service")
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
    services = _resources(variants["create services"], "AWS::ECS::Service")
    assert (
        services["ServicesApiService"]["TaskDefinition"],
        services["ServicesApiService"]["DesiredCount"],
    ) == ("${ServicesApiTask}", 2)
    assert (
        services["ServicesWorkerService"]["TaskDefinition"],
        services["ServicesWorkerService"]["DesiredCount"],
    ) == ("${ServicesWorkerTask}", 1)


def test_scaling_api_on_cpu_and_requests_and_workers_on_backlog(synth: Synth) -> None:
    targets = _resources(synth, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert sorted((t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in targets.values()) == [
        ("service/${ServicesCluster}/${ServicesApiService.Name}", 2, 4),
        ("service/${ServicesCluster}/${ServicesWorkerService.Name}", 1, 8),
    ]
    policies = {
        name: p["TargetTrackingScalingPolicyConfiguration"]
        for name, p in _resources(synth, "AWS::ApplicationAutoScaling::ScalingPolicy").items()
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


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["Name"]: e["Value"] for e in container["Environment"]}


def _secrets(container: dict[str, Any]) -> dict[str, Any]:
    return {e["Name"]: e["ValueFrom"] for e in container["Secrets"]}


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
    "FMU_GATEWAY_RESULT_RETENTION_DAYS": "30",
    "STRIPE_ENABLED": "true",
}
SERVICE_SECRETS = {
    "PGPASSWORD": "${DataDatabaseSecretAttachment}:password::",
    "FMU_GATEWAY_METRICS_TOKEN": "${DataMetricsToken}",
    **{name: arn for name, arn in FAKE_RELEASE["secretArns"].items()},
}


def test_api_task_definition(synth: Synth) -> None:
    api = _container(synth, "Api")
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
    td = _one(synth, "AWS::ECS::TaskDefinition", "ServicesApiTask")
    assert (td["Cpu"], td["Memory"], td["TaskRoleArn"], td["ExecutionRoleArn"]) == (
        "1024",
        "2048",
        "${RolesApiTaskRole.Arn}",
        "${RolesApiExecutionRole.Arn}",
    )


def test_worker_task_definition_pins_the_runner_by_revision(synth: Synth) -> None:
    worker = _container(synth, "Worker")
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
    td = _one(synth, "AWS::ECS::TaskDefinition", "ServicesWorkerTask")
    assert (td["Cpu"], td["Memory"], td["EphemeralStorage"], td["Volumes"]) == (
        "2048",
        "4096",
        {"SizeInGiB": 50},
        [{"Name": "scratch"}],
    )


def test_runner_task_definition_has_no_task_role_no_secrets_and_a_read_only_root(synth: Synth) -> None:
    td = _one(synth, "AWS::ECS::TaskDefinition", "ServicesRunnerTask")
    assert "TaskRoleArn" not in td
    assert td["ExecutionRoleArn"] == "${RolesRunnerExecutionRole.Arn}"
    assert td["Family"] == f"{PREFIX}-runner"
    runner = _container(synth, "Runner")
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
    td = _one(synth, "AWS::ECS::TaskDefinition", "ServicesMigrateTask")
    assert "TaskRoleArn" not in td
    migrate = _container(synth, "Migrate")
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
    bucket = _one(synth, "AWS::S3::Bucket", "DataBlobs")
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
    (policy,) = _resources(synth, "AWS::S3::BucketPolicy").values()
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
    rules = _one(synth, "AWS::S3::Bucket", "DataBlobs")["LifecycleConfiguration"]["Rules"]
    assert [(r["Id"], r.get("Prefix"), r.get("ExpirationInDays")) for r in rules] == [
        ("jobs", "gw/jobs/", 1),
        ("results", "gw/results/", 90),
        ("logs", "gw/logs/", 90),
        ("uploads", None, None),
    ]
    assert _env(_container(synth, "Api"))["FMU_GATEWAY_RESULT_RETENTION_DAYS"] == "90"
    blobs = [s for s in _iam_statements(synth) if s[:2] == ("RolesApiTaskPolicy", "Blobs")]
    assert blobs[0][3] == [
        "${DataBlobs.Arn}/gw/fmus/*",
        "${DataBlobs.Arn}/gw/logs/*",
        "${DataBlobs.Arn}/gw/results/*",
    ]


def test_postgres_multi_az_encrypted_with_generated_credentials_and_redis_over_tls(
    synth: Synth, variants: dict[str, Synth]
) -> None:
    db = _one(synth, "AWS::RDS::DBInstance", "DataDatabase")
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
    params = _one(synth, "AWS::RDS::DBParameterGroup", "DataDatabaseParameters")
    assert params["Parameters"] == {"rds.force_ssl": "1"}
    redis = _one(synth, "AWS::ElastiCache::ReplicationGroup", "DataRedis")
    assert (redis["TransitEncryptionEnabled"], redis["AtRestEncryptionEnabled"], redis["MultiAZEnabled"]) == (
        True,
        True,
        True,
    )
    single = _one(variants["first pass"], "AWS::RDS::DBInstance", "DataDatabase")
    assert single["MultiAZ"] is False
    assert (
        _one(variants["first pass"], "AWS::ElastiCache::ReplicationGroup", "DataRedis")[
            "ReplicasPerNodeGroup"
        ]
        == 0
    )


# -- logs, alarms, dashboard ---------------------------------------------------------------------------
def test_log_groups_have_retention(synth: Synth) -> None:
    groups = _resources(synth, "AWS::Logs::LogGroup")
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
    alarms = {a["AlarmName"]: a for a in _resources(synth, "AWS::CloudWatch::Alarm").values()}
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
    subscription = _one(synth, "AWS::SNS::Subscription", "MonitoringAlarmsopsfmugatewayexample")
    assert (subscription["Protocol"], subscription["Endpoint"], subscription["TopicArn"]) == (
        "email",
        "ops@fmu-gateway.example",
        "${MonitoringAlarms}",
    )


def test_alarm_metrics(synth: Synth) -> None:
    alarms = {
        a["AlarmName"].removeprefix(PREFIX + "-"): a
        for a in _resources(synth, "AWS::CloudWatch::Alarm").values()
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
    rule = _one(synth, "AWS::Events::Rule", "MonitoringTaskFailures")
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
    (policy,) = _resources(synth, "AWS::Logs::ResourcePolicy").values()
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
    (board,) = _resources(synth, "AWS::CloudWatch::Dashboard").values()
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


# -- IAM ----------------------------------------------------------------------------------------------
def _iam_statements(synth: Synth) -> list[tuple[Any, ...]]:
    found = []
    for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for name, policy in _resources(synth, kind).items():
            for st in policy["PolicyDocument"]["Statement"]:
                found.append(
                    (
                        name,
                        st.get("Sid"),
                        st["Effect"],
                        _listify(st["Resource"]),
                        _listify(st["Action"]),
                        st.get("Condition"),
                    )
                )
    return found


SERVICE_SECRET_ARNS = sorted(
    ["${DataDatabaseSecretAttachment}", "${DataMetricsToken}", *FAKE_RELEASE["secretArns"].values()]
)
ECS = f"{ARN}:ecs:{REGION_ACCOUNT}"
CLUSTER = {"ArnEquals": {"ecs:cluster": f"{ECS}:cluster/{PREFIX}"}}
PASSED_TO_ECS = {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}


def _execution(component: str, repo: str, secrets: list[str] | None) -> list[tuple[Any, ...]]:
    name = f"Roles{component.capitalize()}ExecutionPolicy"
    rows = [
        (name, "EcrToken", "Allow", ["*"], ["ecr:GetAuthorizationToken"], None),
        (
            name,
            "PullImage",
            "Allow",
            [f"{ARN}:ecr:{REGION_ACCOUNT}:repository/{repo}"],
            ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            None,
        ),
        (
            name,
            "WriteLog",
            "Allow",
            [f"{ARN}:logs:{REGION_ACCOUNT}:log-group:/ecs/{PREFIX}/{component}:log-stream:*"],
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            None,
        ),
    ]
    if secrets:
        rows.append((name, "InjectSecrets", "Allow", secrets, ["secretsmanager:GetSecretValue"], None))
    return rows


EXPECTED_STATEMENTS = [
    *_execution("api", "fmu-gateway-api", SERVICE_SECRET_ARNS),
    *_execution("worker", "fmu-gateway-api", SERVICE_SECRET_ARNS),
    *_execution(
        "migrate",
        "fmu-gateway-api",
        ["${DataDatabaseSecretAttachment}", FAKE_RELEASE["secretArns"]["FMU_GATEWAY_JWT_KEYS"]],
    ),
    *_execution("runner", "fmu-gateway-runner", None),
    (
        "RolesApiTaskPolicy",
        "Blobs",
        "Allow",
        ["${DataBlobs.Arn}/fmus/*", "${DataBlobs.Arn}/logs/*", "${DataBlobs.Arn}/results/*"],
        ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
        None,
    ),
    ("RolesApiTaskPolicy", "ListBlobs", "Allow", ["${DataBlobs.Arn}"], ["s3:ListBucket"], None),
    (
        "RolesWorkerTaskPolicy",
        "Blobs",
        "Allow",
        [
            "${DataBlobs.Arn}/fmus/*",
            "${DataBlobs.Arn}/jobs/*",
            "${DataBlobs.Arn}/logs/*",
            "${DataBlobs.Arn}/results/*",
        ],
        ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
        None,
    ),
    ("RolesWorkerTaskPolicy", "ListBlobs", "Allow", ["${DataBlobs.Arn}"], ["s3:ListBucket"], None),
    (
        "RolesWorkerTaskPolicy",
        "RunHeavyRuns",
        "Allow",
        [f"{ECS}:task-definition/{PREFIX}-runner:*"],
        ["ecs:RunTask"],
        CLUSTER,
    ),
    (
        "RolesWorkerTaskPolicy",
        "WatchHeavyRuns",
        "Allow",
        [f"{ECS}:task/{PREFIX}/*"],
        ["ecs:DescribeTasks", "ecs:StopTask"],
        None,
    ),
    (
        "RolesWorkerTaskPolicy",
        "TagHeavyRuns",
        "Allow",
        [f"{ECS}:task/{PREFIX}/*"],
        ["ecs:TagResource"],
        {"StringEquals": {"ecs:CreateAction": "RunTask"}},
    ),
    (
        "RolesWorkerTaskPolicy",
        "PassRunnerExecutionRole",
        "Allow",
        ["${RolesRunnerExecutionRole.Arn}"],
        ["iam:PassRole"],
        PASSED_TO_ECS,
    ),
    (
        "RolesWorkerTaskPolicy",
        "QueueMetrics",
        "Allow",
        ["*"],
        ["cloudwatch:PutMetricData"],
        {"StringEquals": {"cloudwatch:namespace": "FmuGateway/example"}},
    ),
    (
        "RolesDeployerPolicy",
        "CdkBootstrapRoles",
        "Allow",
        [
            f"{ARN}:iam::${{AWS::AccountId}}:role/cdk-hnb659fds-{kind}-role-${{AWS::AccountId}}-${{AWS::Region}}"
            for kind in ("deploy", "file-publishing", "lookup")
        ],
        ["sts:AssumeRole"],
        None,
    ),
    (
        "RolesDeployerPolicy",
        "CheckSecrets",
        "Allow",
        [
            f"{ARN}:secretsmanager:{REGION_ACCOUNT}:secret:fmu-gateway/{name}-??????"
            for name in ("FMU_GATEWAY_JWT_KEYS", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET")
        ],
        ["secretsmanager:DescribeSecret"],
        None,
    ),
    ("RolesDeployerPolicy", "S3PrefixList", "Allow", ["*"], ["ec2:DescribeManagedPrefixLists"], None),
    ("RolesDeployerPolicy", "EcrToken", "Allow", ["*"], ["ecr:GetAuthorizationToken"], None),
    (
        "RolesDeployerPolicy",
        "PushImages",
        "Allow",
        [
            f"{ARN}:ecr:{REGION_ACCOUNT}:repository/fmu-gateway-api",
            f"{ARN}:ecr:{REGION_ACCOUNT}:repository/fmu-gateway-runner",
        ],
        [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:CompleteLayerUpload",
            "ecr:CreateRepository",
            "ecr:DescribeRepositories",
            "ecr:InitiateLayerUpload",
            "ecr:PutImage",
            "ecr:UploadLayerPart",
        ],
        None,
    ),
    (
        "RolesDeployerPolicy",
        "RunMigration",
        "Allow",
        [f"{ECS}:task-definition/{PREFIX}-migrate:*"],
        ["ecs:RunTask"],
        CLUSTER,
    ),
    (
        "RolesDeployerPolicy",
        "WatchMigration",
        "Allow",
        [f"{ECS}:task/{PREFIX}/*"],
        ["ecs:DescribeTasks"],
        None,
    ),
    (
        "RolesDeployerPolicy",
        "PassMigrationExecutionRole",
        "Allow",
        ["${RolesMigrateExecutionRole.Arn}"],
        ["iam:PassRole"],
        PASSED_TO_ECS,
    ),
    (
        "RolesDeployerPolicy",
        "MigrationLog",
        "Allow",
        [f"{ARN}:logs:{REGION_ACCOUNT}:log-group:/ecs/{PREFIX}/migrate:log-stream:*"],
        ["logs:GetLogEvents"],
        None,
    ),
    (
        "RolesDeployerPolicy",
        "RollOut",
        "Allow",
        [f"{ECS}:service/{PREFIX}/{PREFIX}-api", f"{ECS}:service/{PREFIX}/{PREFIX}-worker"],
        ["ecs:DescribeServices", "ecs:UpdateService"],
        None,
    ),
]


def test_every_iam_statement_actions_and_resources(synth: Synth) -> None:
    assert _iam_statements(synth) == EXPECTED_STATEMENTS


def test_roles_are_assumed_by_ecs_tasks_and_the_deployer_by_the_account(synth: Synth) -> None:
    roles = _resources(synth, "AWS::IAM::Role")
    principals = {
        name: r["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] for name, r in roles.items()
    }
    assert principals == {
        **{
            f"Roles{c}{kind}Role": {"Service": "ecs-tasks.amazonaws.com"}
            for c, kind in (
                ("Api", "Execution"),
                ("Worker", "Execution"),
                ("Migrate", "Execution"),
                ("Runner", "Execution"),
                ("Api", "Task"),
                ("Worker", "Task"),
            )
        },
        "RolesDeployerRole": {"AWS": f"{ARN}:iam::${{AWS::AccountId}}:root"},
    }
    assert [r.get("Policies") for r in roles.values()] == [None] * 7  # no inline policy besides the above
    assert roles["RolesDeployerRole"]["ManagedPolicyArns"] == ["${RolesDeployerPolicy}"]
    policies = {name: p["Roles"] for name, p in _resources(synth, "AWS::IAM::Policy").items()}
    assert policies == {
        f"Roles{c}Policy": [f"${{Roles{c.replace('Policy', '')}Role}}"]
        for c in (
            "ApiExecution",
            "WorkerExecution",
            "MigrateExecution",
            "RunnerExecution",
            "ApiTask",
            "WorkerTask",
        )
    }


# Actions with no resource-level form: "*" is the only resource IAM accepts for them.
NO_RESOURCE_LEVEL = {
    "ecr:GetAuthorizationToken",
    "cloudwatch:PutMetricData",
    "ec2:DescribeManagedPrefixLists",
}


def test_no_wildcard_action_and_no_wildcard_resource_on_data(synth: Synth) -> None:
    statements = _iam_statements(synth)
    endpoint = _one(synth, "AWS::EC2::VPCEndpoint", "NetworkVpcS3Endpoint")["PolicyDocument"]["Statement"]
    actions = [a for s in statements for a in s[4]] + [a for st in endpoint for a in _listify(st["Action"])]
    assert [a for a in actions if "*" in a] == []
    for name, sid, _effect, resources, acts, _condition in statements:
        if "*" in resources:
            assert set(acts) <= NO_RESOURCE_LEVEL, (name, sid)
    # The only "s3:*" in the template is the bucket policy's Deny of plain-HTTP requests.
    (bucket_policy,) = _resources(synth, "AWS::S3::BucketPolicy").values()
    assert [st["Effect"] for st in bucket_policy["PolicyDocument"]["Statement"]] == ["Deny"]


# -- parameters and releases --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cpu", "memory", "message"),
    [
        (256, 512, None),
        (1024, 8192, None),
        (16384, 122880, None),
        (
            1024,
            1024,
            "api: memory 1024 MiB does not go with cpu 1024 on Fargate (2048..8192 MiB in steps of 1024)",
        ),
        (
            8192,
            18432,
            "api: memory 18432 MiB does not go with cpu 8192 on Fargate (16384..61440 MiB in steps of 4096)",
        ),
        (3072, 6144, "api: cpu 3072 is not a Fargate size (one of 256, 512, 1024, 2048, 4096, 8192, 16384)"),
    ],
)
def test_fargate_sizes(cpu: int, memory: int, message: str | None) -> None:
    if message is None:
        check_size("api", cpu, memory)
    else:
        with pytest.raises(ValueError, match=re.escape(message)):
            check_size("api", cpu, memory)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"workerCpu": 2048, "workerMemory": 2048}, "worker: memory 2048 MiB does not go with cpu 2048"),
        ({"publicUrl": "http://api.example.com"}, "publicUrl 'http://api.example.com': an https:// URL"),
        ({"certificateArn": "arn:aws:acm:x"}, "certificateArn 'arn:aws:acm:x' is not an ACM certificate ARN"),
        ({"logRetentionDays": 31}, "logRetentionDays 31 is not one CloudWatch Logs accepts"),
        ({"s3Prefix": "gw"}, "s3Prefix: empty, or a relative key prefix ending in '/'"),
        ({"workerMinTasks": 0}, "workerMinTasks must be at least 1"),
        ({"multiAz": "yes"}, "parameter multiAz: 'yes' is not a bool"),
        ({"apiCpus": 1}, "unknown parameters: apiCpus"),
        (
            {"workerEphemeralStorageGib": 10},
            "worker: ephemeral storage 10 GiB is outside Fargate's 21..200 GiB",
        ),
    ],
)
def test_parameters_are_checked(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        Parameters.from_mapping("example", {**EXAMPLE, **change})


def test_a_release_names_images_by_digest_and_complete_secret_arns() -> None:
    assert Release.from_json(json.dumps(FAKE_RELEASE)).api_revision == 7
    with pytest.raises(ConfigError, match="apiImage|api_image"):
        Release.from_json(json.dumps({**FAKE_RELEASE, "apiImage": "fmu-gateway-api:latest"}))
    partial = {
        **FAKE_RELEASE["secretArns"],
        "STRIPE_API_KEY": "arn:aws:secretsmanager:eu-central-1:1:secret:x",
    }
    with pytest.raises(ConfigError, match="secret STRIPE_API_KEY: .* is not a complete Secrets Manager ARN"):
        Release.from_json(json.dumps({**FAKE_RELEASE, "secretArns": partial}))


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
    runner = _container(synth, "Runner")

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
    td = lower(_one(synth, "AWS::ECS::TaskDefinition", "ServicesRunnerTask"))
    for key in ("requiresCompatibilities", "networkMode", "runtimePlatform", "ephemeralStorage", "volumes"):
        assert td[key] == template[key], key


def test_every_parameter_is_documented_in_the_readme() -> None:
    readme = (ROOT / "deploy" / "README.md").read_text()
    from dataclasses import fields

    from fmu_gateway_infra.config import _camel

    missing = [
        _camel(f.name)
        for f in fields(Parameters)
        if f.name != "environment" and f"`{_camel(f.name)}`" not in readme
    ]
    assert missing == []
