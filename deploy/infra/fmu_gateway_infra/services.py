"""The cluster, the four task definitions (api, worker, migrate, runner) and the two services.

One image, fmu-gateway-api, serves `api` (the HTTP edge), `worker` (claims jobs, runs them in local
fork-server sandboxes, starts heavy runs as runner tasks) and the one-shot `migrate`. Every task definition
is retained when replaced: the stack registers a new revision with each release, the service stays on the
revision the release names (`Release.api_revision`...) and `deploy.py` rolls out after the migration; a
circuit-breaker rollback needs the old revision still ACTIVE.
"""

from __future__ import annotations

from aws_cdk import Annotations, Aws, Duration, Fn, RemovalPolicy
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from .config import OPERATOR_SECRETS, Parameters, Release
from .data import Data
from .edge import Edge
from .iam import Roles
from .network import API_PORT, VPC_CIDR, Network

COMPONENTS = ("api", "worker", "migrate", "runner")
SCRATCH_DIR = "/var/cache/fmu-gateway"
USER = "10001:10001"
API_COMMAND = ["fmu-gateway-api", "serve", "--role", "api", "--host", "0.0.0.0", "--port", str(API_PORT)]
WORKER_COMMAND = ["fmu-gateway-api", "worker"]
MIGRATE_COMMAND = ["fmu-gateway-api", "migrate"]
# As in deploy/ecs/runner-task-definition.json.tmpl (the service's own tests register that one): the worker's
# RunTask overrides the command with ecs_task.py and the job's environment.
RUNNER_COMMAND = ["/opt/venv/bin/python", "-I", "-B", "/opt/fmu-gateway/sandbox.py", "/job/job.json"]
LIVENESS = f"import urllib.request as u; u.urlopen('http://127.0.0.1:{API_PORT}/v1/health', timeout=4)"


def log_group_names(params: Parameters) -> dict[str, str]:
    return {component: f"/ecs/{params.prefix}/{component}" for component in COMPONENTS}


class Services(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        params: Parameters,
        release: Release,
        network: Network,
        data: Data,
        edge: Edge,
        roles: Roles,
        api_alarms: list[str],
        worker_alarms: list[str],
    ) -> None:
        super().__init__(scope, id)
        self.params = params
        self.cluster = ecs.Cluster(self, "Cluster", cluster_name=params.prefix, vpc=network.vpc)
        self.log_groups = {
            component: logs.LogGroup(
                self,
                f"{component.capitalize()}Log",
                log_group_name=name,
                retention=retention(params.log_retention_days),
                removal_policy=RemovalPolicy.RETAIN,
            )
            for component, name in log_group_names(params).items()
        }

        operator = {
            name: secretsmanager.Secret.from_secret_complete_arn(
                self, f"Secret{i}", release.secret_arns[name]
            )
            for i, name in enumerate(OPERATOR_SECRETS)
        }
        db_password = ecs.Secret.from_secrets_manager(data.database_secret, "password")
        common_env = {
            "FMU_GATEWAY_ENVIRONMENT": "production",
            "DATABASE_URL": data.database_url,
            "REDIS_URL": data.redis_url,
            "FMU_GATEWAY_BLOB_STORE": "s3",
            "FMU_GATEWAY_S3_BUCKET": data.bucket.bucket_name,
            "FMU_GATEWAY_S3_PREFIX": params.s3_prefix,
            "FMU_GATEWAY_AWS_REGION": Aws.REGION,
            "FMU_GATEWAY_PUBLIC_URL": params.url,
            "FMU_GATEWAY_SANDBOX_REQUIRE": "strict",
            # Only the load balancer (in this VPC) may say who the client is (X-Forwarded-For).
            "FMU_GATEWAY_TRUSTED_PROXIES": VPC_CIDR,
            "FMU_GATEWAY_RESULT_RETENTION_DAYS": str(params.result_retention_days),
            # Long runs (timeout >= heavy_min_timeout_s) go to one ECS task each: the API routes them,
            # the workers start and watch the tasks.
            "FMU_GATEWAY_HEAVY_RUNNER": "ecs",
            "STRIPE_ENABLED": "true",
        }
        if params.sentry_dsn:
            common_env["FMU_GATEWAY_SENTRY_DSN"] = params.sentry_dsn
        common_secrets = {
            "PGPASSWORD": db_password,
            "FMU_GATEWAY_METRICS_TOKEN": ecs.Secret.from_secrets_manager(data.metrics_token),
            **{name: ecs.Secret.from_secrets_manager(secret) for name, secret in operator.items()},
        }

        self.runner = self._task(
            "runner",
            roles.runner_execution,
            None,
            params.runner_cpu,
            params.runner_memory,
            ephemeral_storage_gib=params.runner_ephemeral_storage_gib,
        )
        self.runner.add_volume(name="job")
        self.runner.add_volume(name="tmp")
        runner = self._container(
            self.runner,
            "runner",
            release.runner_image,
            command=RUNNER_COMMAND,
            readonly_root_filesystem=True,
            working_directory="/job",
            environment={"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
        )
        runner.add_mount_points(
            ecs.MountPoint(source_volume="job", container_path="/job", read_only=False),
            ecs.MountPoint(source_volume="tmp", container_path="/tmp", read_only=False),
        )
        runner.add_ulimits(ecs.Ulimit(name=ecs.UlimitName.NOFILE, soft_limit=1024, hard_limit=1024))

        self.api = self._task("api", roles.api_execution, roles.api_task, params.api_cpu, params.api_memory)
        self._container(
            self.api,
            "api",
            release.api_image,
            command=API_COMMAND,
            environment=common_env,
            secrets=common_secrets,
            port_mappings=[ecs.PortMapping(container_port=API_PORT, name="http")],
            health_check=ecs.HealthCheck(
                command=["CMD", "/opt/venv/bin/python", "-c", LIVENESS],
                interval=Duration.seconds(15),
                timeout=Duration.seconds(5),
                retries=3,
                start_period=Duration.seconds(30),
            ),
            stop_timeout=Duration.seconds(30),
        )

        self.worker = self._task(
            "worker",
            roles.worker_execution,
            roles.worker_task,
            params.worker_cpu,
            params.worker_memory,
            ephemeral_storage_gib=params.worker_ephemeral_storage_gib,
        )
        self.worker.add_volume(name="scratch")  # on the task's ephemeral storage
        worker = self._container(
            self.worker,
            "worker",
            release.api_image,
            command=WORKER_COMMAND,
            environment={
                **common_env,
                "FMU_GATEWAY_SCRATCH_DIR": SCRATCH_DIR,
                "FMU_GATEWAY_ECS_CLUSTER": params.prefix,
                "FMU_GATEWAY_ECS_RUNNER_TASK_DEFINITION": self.runner.task_definition_arn,  # a revision
                "FMU_GATEWAY_ECS_SUBNETS": Fn.join(
                    ",", network.vpc.select_subnets(subnet_group_name="runs").subnet_ids
                ),
                "FMU_GATEWAY_ECS_SECURITY_GROUPS": network.runner_sg.security_group_id,
                "FMU_GATEWAY_ECS_CALLBACK_URL": edge.callback_url,
                "FMU_GATEWAY_CLOUDWATCH_NAMESPACE": params.namespace,
            },
            secrets=common_secrets,
            stop_timeout=Duration.seconds(120),  # Fargate's maximum: running jobs finish or go back
        )
        worker.add_mount_points(
            ecs.MountPoint(source_volume="scratch", container_path=SCRATCH_DIR, read_only=False)
        )

        self.migrate = self._task(
            "migrate", roles.migrate_execution, None, params.migrate_cpu, params.migrate_memory
        )
        self._container(
            self.migrate,
            "migrate",
            release.api_image,
            command=MIGRATE_COMMAND,
            environment={"FMU_GATEWAY_ENVIRONMENT": "production", "DATABASE_URL": data.database_url},
            secrets={
                "PGPASSWORD": db_password,
                "FMU_GATEWAY_JWT_KEYS": ecs.Secret.from_secrets_manager(operator["FMU_GATEWAY_JWT_KEYS"]),
            },
        )

        if not release.with_services:
            self.api_service = self.worker_service = None
            return
        self.api_service = self._service(
            "api",
            self.api,
            release.api_revision,
            [network.api_sg],
            network,
            api_alarms,
            params.api_min_tasks,
            health_check_grace_period=Duration.seconds(60),
        )
        self.api_service.attach_to_application_target_group(edge.public_targets)
        self.api_service.attach_to_application_target_group(edge.callback_targets)
        self.worker_service = self._service(
            "worker",
            self.worker,
            release.worker_revision,
            [network.worker_sg],
            network,
            worker_alarms,
            params.worker_min_tasks,
        )

        api_scaling = self.api_service.auto_scale_task_count(
            min_capacity=params.api_min_tasks, max_capacity=params.api_max_tasks
        )
        api_scaling.scale_on_cpu_utilization(
            "Cpu",
            target_utilization_percent=params.api_cpu_target_percent,
            scale_in_cooldown=Duration.seconds(300),
            scale_out_cooldown=Duration.seconds(60),
        )
        api_scaling.scale_on_request_count(
            "Requests",
            requests_per_target=params.api_requests_per_target,
            target_group=edge.public_targets,
            scale_in_cooldown=Duration.seconds(300),
            scale_out_cooldown=Duration.seconds(60),
        )
        worker_scaling = self.worker_service.auto_scale_task_count(
            min_capacity=params.worker_min_tasks, max_capacity=params.worker_max_tasks
        )
        worker_scaling.scale_to_track_custom_metric(
            "Backlog",
            metric=backlog_metric(params),
            target_value=params.worker_backlog_target,
            scale_in_cooldown=Duration.seconds(300),
            scale_out_cooldown=Duration.seconds(60),
        )

    def _task(
        self,
        component: str,
        execution_role: iam.Role,
        task_role: iam.Role | None,
        cpu: int,
        memory: int,
        *,
        ephemeral_storage_gib: int | None = None,
    ) -> ecs.FargateTaskDefinition:
        task = ecs.FargateTaskDefinition(
            self,
            f"{component.capitalize()}Task",
            family=f"{self.params.prefix}-{component}",
            cpu=cpu,
            memory_limit_mib=memory,
            ephemeral_storage_gib=ephemeral_storage_gib,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.X86_64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
            execution_role=execution_role.without_policy_updates(),
            task_role=task_role.without_policy_updates() if task_role else None,
        )
        if task_role is None:  # CDK makes one by default; the runner and the migration have none
            task.node.try_remove_child("TaskRole")
            cfn = task.node.default_child
            assert isinstance(cfn, ecs.CfnTaskDefinition)
            cfn.add_property_deletion_override("TaskRoleArn")
        task.apply_removal_policy(RemovalPolicy.RETAIN)
        return task

    def _container(
        self, task: ecs.FargateTaskDefinition, name: str, image: str, **kwargs
    ) -> ecs.ContainerDefinition:  # type: ignore[no-untyped-def]
        container = task.add_container(
            name,
            image=ecs.ContainerImage.from_registry(image),  # pinned by digest; adds no grant
            essential=True,
            user=USER,
            privileged=False,
            linux_parameters=_linux(self, name),
            logging=ecs.LogDriver.aws_logs(stream_prefix=name, log_group=self.log_groups[name]),
            **kwargs,
        )
        Annotations.of(container).acknowledge_warning(
            "@aws-cdk/aws-ecs:ecrImageRequiresPolicy", "the execution role's own policy pulls from ECR"
        )
        return container

    def _service(
        self,
        name: str,
        task: ecs.FargateTaskDefinition,
        revision: int | None,
        groups: list,
        network: Network,
        alarms: list[str],
        min_tasks: int,
        **kwargs,  # type: ignore[no-untyped-def]
    ) -> ecs.FargateService:
        return ecs.FargateService(
            self,
            f"{name.capitalize()}Service",
            service_name=f"{self.params.prefix}-{name}",
            cluster=self.cluster,
            task_definition=task,
            task_definition_revision=ecs.TaskDefinitionRevision.of(revision) if revision else None,
            # Only when the service is created; afterwards the autoscaler owns the count.
            desired_count=None if revision else min_tasks,
            security_groups=groups,
            vpc_subnets=network.app_subnets,
            assign_public_ip=False,
            platform_version=ecs.FargatePlatformVersion.VERSION1_4,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            deployment_alarms=ecs.DeploymentAlarmConfig(
                alarm_names=alarms, behavior=ecs.AlarmBehavior.ROLLBACK_ON_ALARM
            ),
            min_healthy_percent=100,
            max_healthy_percent=200,
            propagate_tags=ecs.PropagatedTagSource.SERVICE,
            enable_ecs_managed_tags=True,
            enable_execute_command=False,
            **kwargs,
        )


def backlog_metric(params: Parameters):  # type: ignore[no-untyped-def]
    from aws_cdk import aws_cloudwatch as cloudwatch

    return cloudwatch.Metric(
        namespace=params.namespace,
        metric_name="BacklogPerWorker",
        statistic="Average",
        period=Duration.minutes(1),
    )


def _linux(scope: Construct, name: str) -> ecs.LinuxParameters:
    linux = ecs.LinuxParameters(scope, f"{name.capitalize()}Linux", init_process_enabled=True)
    linux.drop_capabilities(ecs.Capability.ALL)
    return linux


def retention(days: int) -> logs.RetentionDays:
    name = {
        1: "ONE_DAY",
        3: "THREE_DAYS",
        5: "FIVE_DAYS",
        7: "ONE_WEEK",
        14: "TWO_WEEKS",
        30: "ONE_MONTH",
        60: "TWO_MONTHS",
        90: "THREE_MONTHS",
        120: "FOUR_MONTHS",
        150: "FIVE_MONTHS",
        180: "SIX_MONTHS",
        365: "ONE_YEAR",
        400: "THIRTEEN_MONTHS",
        545: "EIGHTEEN_MONTHS",
        731: "TWO_YEARS",
        1096: "THREE_YEARS",
        1827: "FIVE_YEARS",
        2192: "SIX_YEARS",
        2557: "SEVEN_YEARS",
        2922: "EIGHT_YEARS",
        3288: "NINE_YEARS",
        3653: "TEN_YEARS",
    }[days]
    return getattr(logs.RetentionDays, name)  # type: ignore[no-any-return]
