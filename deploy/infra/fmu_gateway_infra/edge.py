"""The way in: the public HTTPS load balancer (optionally behind an API Gateway HTTP API for throttling)
and the internal load balancer that carries the runner tasks' completion callbacks and nothing else.

The public listener answers 404 on /internal/* itself; the callback path exists only on the internal
listener, which admits connections from the runner security group only.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct

from .config import Parameters
from .network import API_PORT, CALLBACK_PORT, Network

READY_PATH = "/v1/ready"
CALLBACK_PATH = "/internal/v1/jobs/*"


def ready_check() -> elbv2.HealthCheck:
    return elbv2.HealthCheck(
        path=READY_PATH,
        healthy_http_codes="200",
        interval=Duration.seconds(15),
        timeout=Duration.seconds(5),
        healthy_threshold_count=2,
        unhealthy_threshold_count=3,
    )


class Edge(Construct):
    def __init__(self, scope: Construct, id: str, *, params: Parameters, network: Network) -> None:
        super().__init__(scope, id)
        certificate = acm.Certificate.from_certificate_arn(self, "Certificate", params.certificate_arn)
        behind_api_gateway = params.api_gateway
        self.public_alb = elbv2.ApplicationLoadBalancer(
            self,
            "PublicAlb",
            vpc=network.vpc,
            internet_facing=not behind_api_gateway,
            vpc_subnets=network.app_subnets
            if behind_api_gateway
            else ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            security_group=network.alb_sg,
            drop_invalid_header_fields=True,
        )
        self.https = self.public_alb.add_listener(
            "Https",
            port=443,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=[elbv2.ListenerCertificate.from_certificate_manager(certificate)],
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
            open=False,
        )
        self.public_targets = elbv2.ApplicationTargetGroup(
            self,
            "ApiTargets",
            vpc=network.vpc,
            port=API_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.IP,
            health_check=ready_check(),
            deregistration_delay=Duration.seconds(30),
        )
        self.https.add_target_groups("Api", target_groups=[self.public_targets])
        self.https.add_action(
            "NoInternalPaths",
            priority=10,
            conditions=[elbv2.ListenerCondition.path_patterns(["/internal/*"])],
            action=elbv2.ListenerAction.fixed_response(
                404, content_type="text/plain", message_body="Not Found"
            ),
        )

        self.internal_alb = elbv2.ApplicationLoadBalancer(
            self,
            "InternalAlb",
            vpc=network.vpc,
            internet_facing=False,
            vpc_subnets=network.app_subnets,
            security_group=network.internal_alb_sg,
            drop_invalid_header_fields=True,
        )
        # Plain HTTP inside the VPC: the callback carries a job-scoped token valid for one run only.
        self.callbacks = self.internal_alb.add_listener(
            "Callbacks",
            port=CALLBACK_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            open=False,
            default_action=elbv2.ListenerAction.fixed_response(
                404, content_type="text/plain", message_body="Not Found"
            ),
        )
        self.callback_targets = elbv2.ApplicationTargetGroup(
            self,
            "CallbackTargets",
            vpc=network.vpc,
            port=API_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.IP,
            health_check=ready_check(),
            deregistration_delay=Duration.seconds(30),
        )
        self.callbacks.add_target_groups(
            "Callbacks",
            target_groups=[self.callback_targets],
            priority=10,
            conditions=[elbv2.ListenerCondition.path_patterns([CALLBACK_PATH])],
        )
        self.callback_url = f"http://{self.internal_alb.load_balancer_dns_name}"

        if behind_api_gateway:
            self._api_gateway(params, network, certificate)
        else:
            network.alb_sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS from anywhere")
            network.alb_sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "redirected to HTTPS")
            self.public_alb.add_redirect(source_port=80, target_port=443)
        self.public_dns_target = (
            self.domain.regional_domain_name if behind_api_gateway else self.public_alb.load_balancer_dns_name
        )

    def _api_gateway(self, params: Parameters, network: Network, certificate: acm.ICertificate) -> None:
        """HTTP API -> VPC link -> the (then internal) load balancer's HTTPS listener, verified by name."""
        link_sg = ec2.SecurityGroup(
            self, "VpcLinkSg", vpc=network.vpc, description="API Gateway VPC link", allow_all_outbound=False
        )
        link_sg.add_egress_rule(network.alb_sg, ec2.Port.tcp(443), "to the load balancer")
        network.alb_sg.add_ingress_rule(link_sg, ec2.Port.tcp(443), "from the API Gateway VPC link")
        link = apigw.VpcLink(
            self, "VpcLink", vpc=network.vpc, subnets=network.app_subnets, security_groups=[link_sg]
        )
        self.domain = apigw.DomainName(
            self, "Domain", domain_name=params.domain_name, certificate=certificate
        )
        self.http_api = apigw.HttpApi(
            self,
            "HttpApi",
            api_name=params.prefix,
            create_default_stage=False,
            disable_execute_api_endpoint=True,
            default_integration=integrations.HttpAlbIntegration(
                "Alb", self.https, vpc_link=link, secure_server_name=params.domain_name
            ),
        )
        stage = self.http_api.add_stage(
            "Stage",  # not "Default": CDK drops that word from logical ids, which then collide
            stage_name="$default",
            auto_deploy=True,
            throttle=apigw.ThrottleSettings(
                rate_limit=params.api_throttle_rate, burst_limit=params.api_throttle_burst
            ),
            domain_mapping=apigw.DomainMappingOptions(domain_name=self.domain),
        )
        for child in stage.node.find_all():
            if isinstance(child, apigw.CfnApiMapping):
                # The mapping refers to the domain already; CDK's extra DependsOn only draws a lint warning.
                child.add_deletion_override("DependsOn")
