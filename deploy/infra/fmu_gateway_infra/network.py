"""The VPC: subnets sized for one network interface per run, endpoints, and every security group.

Subnets (two availability zones, each):
  public  /24  the internet-facing load balancer, the NAT gateway(s)
  app     /20  api and worker tasks, the migration, the internal load balancer, interface endpoints; NAT
  runs    /19  runner tasks, one interface each (8 187 addresses per zone); no route out of the VPC
  data    /24  PostgreSQL and Redis; no route out of the VPC

A runner task reaches four things and nothing else: the interface endpoints (ECR api and dkr for its image,
CloudWatch Logs for its log; Secrets Manager is there for the services), S3 through the gateway endpoint
(whose policy admits the blob bucket and ECR's layer bucket only), and the internal callback listener.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from .config import Parameters, Release

APP, RUNS, DATA = "app", "runs", "data"
VPC_CIDR = "10.0.0.0/16"  # the load balancers, services and runners all live in it
API_PORT = 8000
CALLBACK_PORT = 80


class Network(Construct):
    def __init__(self, scope: Construct, id: str, *, params: Parameters, release: Release) -> None:
        super().__init__(scope, id)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(VPC_CIDR),
            max_azs=2,
            nat_gateways=params.nat_gateways,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24),
                ec2.SubnetConfiguration(
                    name=APP, subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=20
                ),
                ec2.SubnetConfiguration(name=RUNS, subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=19),
                ec2.SubnetConfiguration(name=DATA, subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24),
            ],
            gateway_endpoints={},  # the S3 one is added below, with its policy
        )
        self.app_subnets = ec2.SubnetSelection(subnet_group_name=APP)
        self.runs_subnets = ec2.SubnetSelection(subnet_group_name=RUNS)
        self.data_subnets = ec2.SubnetSelection(subnet_group_name=DATA)

        def group(name: str, description: str, *, outbound: bool) -> ec2.SecurityGroup:
            return ec2.SecurityGroup(
                self, name, vpc=self.vpc, description=description, allow_all_outbound=outbound
            )

        # Services reach Stripe through the NAT: their outbound is open. Everything else is explicit.
        self.alb_sg = group("PublicAlbSg", "public load balancer", outbound=False)
        self.internal_alb_sg = group("InternalAlbSg", "internal load balancer: run callbacks", outbound=False)
        self.api_sg = group("ApiSg", "api tasks", outbound=True)
        self.worker_sg = group("WorkerSg", "worker tasks and the migration", outbound=True)
        self.runner_sg = group(
            "RunnerSg", "runner tasks: endpoints, S3 and the callback only", outbound=False
        )
        self.endpoint_sg = group("EndpointSg", "interface endpoints", outbound=False)
        self.db_sg = group("DatabaseSg", "PostgreSQL", outbound=False)
        self.redis_sg = group("RedisSg", "Redis", outbound=False)

        https, api_port = ec2.Port.tcp(443), ec2.Port.tcp(API_PORT)
        self.alb_sg.add_egress_rule(self.api_sg, api_port, "to api tasks")
        self.api_sg.add_ingress_rule(self.alb_sg, api_port, "from the public load balancer")
        self.internal_alb_sg.add_ingress_rule(self.runner_sg, ec2.Port.tcp(CALLBACK_PORT), "run callbacks")
        self.internal_alb_sg.add_egress_rule(self.api_sg, api_port, "to api tasks")
        self.api_sg.add_ingress_rule(self.internal_alb_sg, api_port, "from the internal load balancer")
        self.runner_sg.add_egress_rule(self.endpoint_sg, https, "ECR and CloudWatch Logs endpoints")
        self.runner_sg.add_egress_rule(
            ec2.Peer.prefix_list(release.s3_prefix_list_id), https, "S3 through the gateway endpoint"
        )
        self.runner_sg.add_egress_rule(self.internal_alb_sg, ec2.Port.tcp(CALLBACK_PORT), "run callbacks")
        for peer, what in ((self.api_sg, "api"), (self.worker_sg, "worker"), (self.runner_sg, "runner")):
            self.endpoint_sg.add_ingress_rule(peer, https, f"{what} tasks")
        for peer, what in ((self.api_sg, "api"), (self.worker_sg, "worker and migration")):
            self.db_sg.add_ingress_rule(peer, ec2.Port.tcp(5432), f"{what} tasks")
            self.redis_sg.add_ingress_rule(peer, ec2.Port.tcp(6379), f"{what} tasks")

        self.s3_endpoint = self.vpc.add_gateway_endpoint(
            "S3Endpoint",
            service=ec2.GatewayVpcEndpointAwsService.S3,
            subnets=[self.app_subnets, self.runs_subnets],
        )
        for name, service in (
            ("EcrApi", ec2.InterfaceVpcEndpointAwsService.ECR),
            ("EcrDkr", ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER),
            ("Logs", ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS),
            ("SecretsManager", ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER),
        ):
            self.vpc.add_interface_endpoint(
                f"{name}Endpoint",
                service=service,
                subnets=self.app_subnets,
                security_groups=[self.endpoint_sg],
                private_dns_enabled=True,
                open=False,
            )

    def scope_s3_endpoint(self, bucket_arn: str) -> None:
        """Through the gateway endpoint: the blob bucket, and ECR's layer bucket (image pulls), nothing else.

        Without a policy the route lets a hostile model that can open a socket reach any bucket.
        """
        anyone = [iam.AnyPrincipal()]
        self.s3_endpoint.add_to_policy(
            iam.PolicyStatement(
                sid="BlobBucketObjects",
                principals=anyone,
                actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                resources=[f"{bucket_arn}/*"],
            )
        )
        self.s3_endpoint.add_to_policy(
            iam.PolicyStatement(
                sid="BlobBucketList", principals=anyone, actions=["s3:ListBucket"], resources=[bucket_arn]
            )
        )
        self.s3_endpoint.add_to_policy(
            iam.PolicyStatement(
                sid="EcrImageLayers",
                principals=anyone,
                actions=["s3:GetObject"],
                resources=[
                    f"arn:{Stack.of(self).partition}:s3:::prod-{Stack.of(self).region}-starport-layer-bucket/*"
                ],
            )
        )
