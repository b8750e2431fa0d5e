"""Every IAM role and policy of the stack, written out action by action (no grant helpers: they add
wildcards such as s3:GetObject* and s3:List*). Task definitions get these roles wrapped with
`without_policy_updates()`, so no construct can add a statement behind our back; the tests list them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import ArnFormat, Aws, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from .config import OPERATOR_SECRETS, Parameters, Release

API_REPOSITORY, RUNNER_REPOSITORY = "fmu-gateway-api", "fmu-gateway-runner"
ECS_TASKS = "ecs-tasks.amazonaws.com"
CDK_QUALIFIER = "hnb659fds"  # the default bootstrap's; `make deploy` uses the default synthesizer
S3_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]


def _statement(
    sid: str, actions: Sequence[str], resources: Sequence[str], **conditions: dict
) -> iam.PolicyStatement:
    return iam.PolicyStatement(
        sid=sid, actions=list(actions), resources=list(resources), conditions=conditions or None
    )


class Roles(Construct):
    """Execution roles (api, worker, migrate, runner), task roles (api, worker), the deployer's policy."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        params: Parameters,
        release: Release,
        bucket: s3.IBucket,
        database_secret: secretsmanager.ISecret,
        metrics_secret: secretsmanager.ISecret,
        log_groups: dict[str, str],
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.params = params
        self.cluster_arn = stack.format_arn(service="ecs", resource="cluster", resource_name=params.prefix)
        self.cluster_tasks = stack.format_arn(
            service="ecs", resource="task", resource_name=f"{params.prefix}/*"
        )
        self.runner_family = f"{params.prefix}-runner"
        self.migrate_family = f"{params.prefix}-migrate"

        def repository(name: str) -> str:
            return stack.format_arn(service="ecr", resource="repository", resource_name=name)

        def log_streams(component: str) -> str:
            return stack.format_arn(
                service="logs",
                resource="log-group",
                resource_name=f"{log_groups[component]}:log-stream:*",
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )

        self.log_streams = log_streams
        operator = [release.secret_arns[name] for name in OPERATOR_SECRETS]
        app_secrets = [*operator, database_secret.secret_arn, metrics_secret.secret_arn]

        def execution_role(component: str, repo: str, secrets: list[str]) -> iam.Role:
            role = iam.Role(
                self,
                f"{component.capitalize()}ExecutionRole",
                assumed_by=iam.ServicePrincipal(ECS_TASKS),
                description=f"{params.prefix} {component}: ECS agent (image, log, secrets)",
            )
            statements = [
                _statement("EcrToken", ["ecr:GetAuthorizationToken"], ["*"]),  # no resource-level form
                _statement(
                    "PullImage",
                    ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                    [repository(repo)],
                ),
                _statement(
                    "WriteLog", ["logs:CreateLogStream", "logs:PutLogEvents"], [log_streams(component)]
                ),
            ]
            if secrets:
                statements.append(_statement("InjectSecrets", ["secretsmanager:GetSecretValue"], secrets))
            iam.Policy(self, f"{component.capitalize()}ExecutionPolicy", roles=[role], statements=statements)
            return role

        self.api_execution = execution_role("api", API_REPOSITORY, app_secrets)
        self.worker_execution = execution_role("worker", API_REPOSITORY, app_secrets)
        self.migrate_execution = execution_role(
            "migrate",
            API_REPOSITORY,
            [release.secret_arns["FMU_GATEWAY_JWT_KEYS"], database_secret.secret_arn],
        )
        self.runner_execution = execution_role("runner", RUNNER_REPOSITORY, [])

        prefix = params.s3_prefix

        def objects(*names: str) -> list[str]:
            return [bucket.arn_for_objects(f"{prefix}{name}*") for name in names]

        self.api_task = iam.Role(
            self,
            "ApiTaskRole",
            assumed_by=iam.ServicePrincipal(ECS_TASKS),
            description=f"{params.prefix} api",
        )
        iam.Policy(
            self,
            "ApiTaskPolicy",
            roles=[self.api_task],
            statements=[
                _statement("Blobs", S3_OBJECT_ACTIONS, objects("fmus/", "results/", "logs/")),
                _statement("ListBlobs", ["s3:ListBucket"], [bucket.bucket_arn]),
            ],
        )

        self.worker_task = iam.Role(
            self,
            "WorkerTaskRole",
            assumed_by=iam.ServicePrincipal(ECS_TASKS),
            description=f"{params.prefix} worker",
        )
        runner_task_definitions = stack.format_arn(
            service="ecs", resource="task-definition", resource_name=f"{self.runner_family}:*"
        )
        iam.Policy(
            self,
            "WorkerTaskPolicy",
            roles=[self.worker_task],
            statements=[
                _statement("Blobs", S3_OBJECT_ACTIONS, objects("fmus/", "results/", "logs/", "jobs/")),
                _statement("ListBlobs", ["s3:ListBucket"], [bucket.bucket_arn]),
                _statement(
                    "RunHeavyRuns",
                    ["ecs:RunTask"],
                    [runner_task_definitions],
                    ArnEquals={"ecs:cluster": self.cluster_arn},
                ),
                _statement("WatchHeavyRuns", ["ecs:StopTask", "ecs:DescribeTasks"], [self.cluster_tasks]),
                _statement(
                    "TagHeavyRuns",
                    ["ecs:TagResource"],
                    [self.cluster_tasks],
                    StringEquals={"ecs:CreateAction": "RunTask"},
                ),
                _statement(
                    "PassRunnerExecutionRole",
                    ["iam:PassRole"],
                    [self.runner_execution.role_arn],
                    StringEquals={"iam:PassedToService": ECS_TASKS},
                ),
                _statement(
                    "QueueMetrics",
                    ["cloudwatch:PutMetricData"],
                    ["*"],  # PutMetricData has no resource-level form; the condition scopes it
                    StringEquals={"cloudwatch:namespace": params.namespace},
                ),
            ],
        )
        self._deployer(stack, repository)

    def _deployer(self, stack: Stack, repository) -> None:  # type: ignore[no-untyped-def]
        """What `make deploy` calls itself; CloudFormation works through the CDK bootstrap roles (the stack's
        outputs come back through them too)."""
        params = self.params
        bootstrap_roles = [
            f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/cdk-{CDK_QUALIFIER}-{kind}-role-{Aws.ACCOUNT_ID}-{Aws.REGION}"
            for kind in ("deploy", "file-publishing", "lookup")
        ]
        services = [
            stack.format_arn(
                service="ecs", resource="service", resource_name=f"{params.prefix}/{params.prefix}-{name}"
            )
            for name in ("api", "worker")
        ]
        secrets = [
            stack.format_arn(
                service="secretsmanager",
                resource="secret",
                resource_name=f"{params.secrets_prefix}{name}-??????",
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )
            for name in OPERATOR_SECRETS
        ]
        self.deployer_policy = iam.ManagedPolicy(
            self,
            "DeployerPolicy",
            description=f"make deploy of {params.stack_name}",
            statements=[
                _statement("CdkBootstrapRoles", ["sts:AssumeRole"], bootstrap_roles),
                _statement("CheckSecrets", ["secretsmanager:DescribeSecret"], secrets),
                _statement(
                    "S3PrefixList", ["ec2:DescribeManagedPrefixLists"], ["*"]
                ),  # no resource-level form
                _statement("EcrToken", ["ecr:GetAuthorizationToken"], ["*"]),
                _statement(
                    "PushImages",
                    [
                        "ecr:CreateRepository",
                        "ecr:DescribeRepositories",
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:InitiateLayerUpload",
                        "ecr:UploadLayerPart",
                        "ecr:CompleteLayerUpload",
                        "ecr:PutImage",
                    ],
                    [repository(API_REPOSITORY), repository(RUNNER_REPOSITORY)],
                ),
                _statement(
                    "RunMigration",
                    ["ecs:RunTask"],
                    [
                        stack.format_arn(
                            service="ecs",
                            resource="task-definition",
                            resource_name=f"{self.migrate_family}:*",
                        )
                    ],
                    ArnEquals={"ecs:cluster": self.cluster_arn},
                ),
                _statement("WatchMigration", ["ecs:DescribeTasks"], [self.cluster_tasks]),
                _statement(
                    "PassMigrationExecutionRole",
                    ["iam:PassRole"],
                    [self.migrate_execution.role_arn],
                    StringEquals={"iam:PassedToService": ECS_TASKS},
                ),
                _statement("MigrationLog", ["logs:GetLogEvents"], [self.log_streams("migrate")]),
                _statement("RollOut", ["ecs:UpdateService", "ecs:DescribeServices"], services),
            ],
        )
        trusted: iam.IPrincipal = (
            iam.CompositePrincipal(*(iam.ArnPrincipal(arn) for arn in params.deployer_principals))
            if params.deployer_principals
            else iam.AccountRootPrincipal()
        )
        self.deployer = iam.Role(
            self,
            "DeployerRole",
            assumed_by=trusted,
            description=f"make deploy of {params.stack_name}",
            managed_policies=[self.deployer_policy],
        )
