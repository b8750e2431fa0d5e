"""One stack per environment: `FmuGateway-<environment>`."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Fn, Stack, Tags
from constructs import Construct

from .config import Parameters, Release
from .data import Data
from .edge import Edge
from .iam import Roles
from .monitoring import API_DEPLOYMENT_ALARMS, WORKER_DEPLOYMENT_ALARMS, Monitoring, alarm_name
from .network import Network
from .services import Services, log_group_names


class FmuGatewayStack(Stack):
    def __init__(self, scope: Construct, *, params: Parameters, release: Release, **kwargs: Any) -> None:
        super().__init__(
            scope,
            params.stack_name,
            description=f"FMU Gateway, environment {params.environment} (deploy/infra)",
            termination_protection=params.deletion_protection,
            **kwargs,
        )
        Tags.of(self).add("app", "fmu-gateway")
        Tags.of(self).add("environment", params.environment)
        self.network = Network(self, "Network", params=params, release=release)
        self.data = Data(self, "Data", params=params, network=self.network)
        self.edge = Edge(self, "Edge", params=params, network=self.network)
        self.roles = Roles(
            self,
            "Roles",
            params=params,
            release=release,
            bucket=self.data.bucket,
            database_secret=self.data.database_secret,
            metrics_secret=self.data.metrics_token,
            log_groups=log_group_names(params),
        )
        self.services = Services(
            self,
            "Services",
            params=params,
            release=release,
            network=self.network,
            data=self.data,
            edge=self.edge,
            roles=self.roles,
            api_alarms=[alarm_name(params, a) for a in API_DEPLOYMENT_ALARMS],
            worker_alarms=[alarm_name(params, a) for a in WORKER_DEPLOYMENT_ALARMS],
        )
        self.monitoring = Monitoring(
            self, "Monitoring", params=params, data=self.data, edge=self.edge, services=self.services
        )
        for service, names in (
            (self.services.api_service, API_DEPLOYMENT_ALARMS),
            (self.services.worker_service, WORKER_DEPLOYMENT_ALARMS),
        ):
            if service is not None:  # ECS checks deployment alarms exist
                for name in names:
                    service.node.add_dependency(self.monitoring.alarms[name])

        s = self.services
        outputs = {
            "ClusterName": s.cluster.cluster_name,
            "ApiServiceName": f"{params.prefix}-api",
            "WorkerServiceName": f"{params.prefix}-worker",
            "ApiTaskDefinitionArn": s.api.task_definition_arn,
            "WorkerTaskDefinitionArn": s.worker.task_definition_arn,
            "MigrateTaskDefinitionArn": s.migrate.task_definition_arn,
            "RunnerTaskDefinitionArn": s.runner.task_definition_arn,
            "MigrateSubnets": Fn.join(
                ",", self.network.vpc.select_subnets(subnet_group_name="app").subnet_ids
            ),
            "MigrateSecurityGroup": self.network.worker_sg.security_group_id,
            "MigrateLogGroup": log_group_names(params)["migrate"],
            "PublicUrl": params.url,
            "PublicDnsTarget": self.edge.public_dns_target,
            "CallbackUrl": self.edge.callback_url,
            "BucketName": self.data.bucket.bucket_name,
            "AlarmTopicArn": self.monitoring.topic.topic_arn,
            "DeployerRoleArn": self.roles.deployer.role_arn,
            "DeployerPolicyArn": self.roles.deployer_policy.managed_policy_arn,
            "MetricsTokenSecretArn": self.data.metrics_token.secret_arn,
            "ServicesCreated": "true" if release.with_services else "false",
        }
        for key, value in outputs.items():
            CfnOutput(self, key, value=value)
