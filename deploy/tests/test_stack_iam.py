"""Every IAM statement of the stack, its actions and resources, and no wildcard action anywhere."""

from __future__ import annotations

from typing import Any

from conftest import FAKE_RELEASE, Synth
from template import (
    ARN,
    PREFIX,
    REGION_ACCOUNT,
    iam_statements,
    listify,
    one,
    resources,
)

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


def test_every_iam_statement_actions_andresources(synth: Synth) -> None:
    assert iam_statements(synth) == EXPECTED_STATEMENTS


def test_roles_are_assumed_by_ecs_tasks_and_the_deployer_by_the_account(synth: Synth) -> None:
    roles = resources(synth, "AWS::IAM::Role")
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
    policies = {name: p["Roles"] for name, p in resources(synth, "AWS::IAM::Policy").items()}
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
    statements = iam_statements(synth)
    endpoint = one(synth, "AWS::EC2::VPCEndpoint", "NetworkVpcS3Endpoint")["PolicyDocument"]["Statement"]
    actions = [a for s in statements for a in s[4]] + [a for st in endpoint for a in listify(st["Action"])]
    assert [a for a in actions if "*" in a] == []
    for name, sid, _effect, arns, acts, _condition in statements:
        if "*" in arns:
            assert set(acts) <= NO_RESOURCE_LEVEL, (name, sid)
    # The only "s3:*" in the template is the bucket policy's Deny of plain-HTTP requests.
    (bucket_policy,) = resources(synth, "AWS::S3::BucketPolicy").values()
    assert [st["Effect"] for st in bucket_policy["PolicyDocument"]["Statement"]] == ["Deny"]
