"""The CDK stack (deploy/infra), offline: `cdk synth` with the pinned CLI once per session (conftest), then
aws_cdk.assertions and exact checks of what issue 14 lists, and cfn-lint on the template. Here: synthesis,
lint, network and load balancers; test_stack_services.py has the services, data and monitoring,
test_stack_iam.py IAM, test_config.py the parameters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import Synth
from template import (
    ARN,
    EXAMPLE,
    one,
    resources,
)


# -- synthesis and lint ------------------------------------------------------------------------------
def test_synth_with_the_pinned_cli_makes_one_stack_without_lambdas_or_customresources(synth: Synth) -> None:
    template = synth.assertions
    template.resource_count_is("AWS::ECS::Service", 2)
    template.resource_count_is("AWS::ECS::TaskDefinition", 4)
    template.resource_count_is("AWS::Lambda::Function", 0)
    kinds = {r["Type"] for r in synth.template["Resources"].values()}
    assert not [k for k in kinds if k.startswith("Custom::") or k == "AWS::CloudFormation::CustomResource"]
    assert synth.template["Description"] == "FMU Gateway, environment example (deploy/infra)"


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
    subnets = resources(synth, "AWS::EC2::Subnet")
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
    routes = resources(synth, "AWS::EC2::Route")
    assert sorted(
        (r["RouteTableId"], r.get("NatGatewayId") or r.get("GatewayId")) for r in routes.values()
    ) == [
        ("${NetworkVpcappSubnet1RouteTable}", "${NetworkVpcpublicSubnet1NATGateway}"),
        ("${NetworkVpcappSubnet2RouteTable}", "${NetworkVpcpublicSubnet1NATGateway}"),
        ("${NetworkVpcpublicSubnet1RouteTable}", "${NetworkVpcIGW}"),
        ("${NetworkVpcpublicSubnet2RouteTable}", "${NetworkVpcIGW}"),
    ]


def test_endpoints_interface_and_gateway(synth: Synth) -> None:
    endpoints = resources(synth, "AWS::EC2::VPCEndpoint")
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
    endpoint = one(synth, "AWS::EC2::VPCEndpoint", "NetworkVpcS3Endpoint")
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
    for rule in resources(synth, kind).values():
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
    runner = one(synth, "AWS::EC2::SecurityGroup", group)
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
    listeners = resources(synth, "AWS::ElasticLoadBalancingV2::Listener")
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
        r["ListenerArn"]: r for r in resources(synth, "AWS::ElasticLoadBalancingV2::ListenerRule").values()
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
    groups = resources(synth, "AWS::ElasticLoadBalancingV2::TargetGroup")
    for name in ("EdgeApiTargets", "EdgeCallbackTargets"):
        tg = groups[name]
        assert (tg["Port"], tg["Protocol"], tg["TargetType"]) == (8000, "HTTP", "ip")
        assert (tg["HealthCheckPath"], tg["Matcher"], tg["HealthCheckIntervalSeconds"]) == (
            "/v1/ready",
            {"HttpCode": "200"},
            15,
        )
    albs = resources(synth, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert albs["EdgePublicAlb"]["Scheme"] == "internet-facing"
    assert albs["EdgeInternalAlb"]["Scheme"] == "internal"


def test_the_callback_path_exists_on_the_internal_listener_only(synth: Synth) -> None:
    internal = one(synth, "AWS::ElasticLoadBalancingV2::Listener", "EdgeInternalAlbCallbacks")
    assert (internal["Port"], internal["Protocol"]) == (80, "HTTP")
    assert internal["DefaultActions"][0]["Type"] == "fixed-response"
    rules = {
        r["ListenerArn"]: r for r in resources(synth, "AWS::ElasticLoadBalancingV2::ListenerRule").values()
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
    (stage,) = resources(synth, "AWS::ApiGatewayV2::Stage").values()
    assert stage["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 50}
    (integration,) = resources(synth, "AWS::ApiGatewayV2::Integration").values()
    assert (integration["ConnectionType"], integration["IntegrationUri"], integration["TlsConfig"]) == (
        "VPC_LINK",
        "${EdgePublicAlbHttps}",
        {"ServerNameToVerify": "api.fmu-gateway.example"},
    )
    assert one(synth, "AWS::ElasticLoadBalancingV2::LoadBalancer", "EdgePublicAlb")["Scheme"] == "internal"
    assert _rules(synth, "AWS::EC2::SecurityGroupIngress", "NetworkPublicAlbSg") == [
        ("${EdgeVpcLinkSg.GroupId}", "tcp", 443, 443)
    ]
