"""State: the blob bucket, PostgreSQL (RDS) with its credentials in Secrets Manager, Redis (ElastiCache).

Services get `DATABASE_URL` without a password (postgresql://fmu_gateway@<host>:5432/fmu_gateway,
TLS required) and the password as `PGPASSWORD` from the RDS-generated secret: libpq (psycopg) reads it,
so the secret never has to be a URL and rotating it needs no string surgery.
"""

from __future__ import annotations

from aws_cdk import Duration, Fn, RemovalPolicy, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from .config import Parameters
from .network import Network

DB_NAME = DB_USER = "fmu_gateway"
# Key prefixes the service writes under (FMU_GATEWAY_S3_PREFIX before each).
PREFIXES = ("fmus/", "results/", "logs/", "jobs/")


class Data(Construct):
    def __init__(self, scope: Construct, id: str, *, params: Parameters, network: Network) -> None:
        super().__init__(scope, id)
        p = params.s3_prefix
        self.bucket = s3.Bucket(
            self,
            "Blobs",
            bucket_name=params.bucket_name or None,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                # Heavy-run hand-off objects: what a crashed worker leaves behind.
                s3.LifecycleRule(id="jobs", prefix=f"{p}jobs/", expiration=Duration.days(1)),
                s3.LifecycleRule(
                    id="results",
                    prefix=f"{p}results/",
                    expiration=Duration.days(params.result_retention_days),
                ),
                s3.LifecycleRule(
                    id="logs", prefix=f"{p}logs/", expiration=Duration.days(params.result_retention_days)
                ),
                s3.LifecycleRule(id="uploads", abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
        )
        network.scope_s3_endpoint(self.bucket.bucket_arn)

        engine = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9)
        self.database = rds.DatabaseInstance(
            self,
            "Database",
            engine=engine,
            instance_type=ec2.InstanceType(params.db_instance_class),
            vpc=network.vpc,
            vpc_subnets=network.data_subnets,
            security_groups=[network.db_sg],
            multi_az=params.multi_az,
            database_name=DB_NAME,
            credentials=rds.Credentials.from_generated_secret(DB_USER),
            allocated_storage=params.db_allocated_storage_gib,
            max_allocated_storage=params.db_max_allocated_storage_gib,
            storage_type=rds.StorageType.GP3,
            storage_encrypted=True,
            backup_retention=Duration.days(params.db_backup_retention_days),
            deletion_protection=params.deletion_protection,
            removal_policy=RemovalPolicy.SNAPSHOT,
            auto_minor_version_upgrade=True,
            publicly_accessible=False,
            copy_tags_to_snapshot=True,
            parameter_group=rds.ParameterGroup(
                self, "DatabaseParameters", engine=engine, parameters={"rds.force_ssl": "1"}
            ),
        )
        assert self.database.secret is not None
        self.database_secret: secretsmanager.ISecret = self.database.secret
        self.database_url = Fn.join(
            "",
            [
                f"postgresql://{DB_USER}@",
                self.database.db_instance_endpoint_address,
                ":",
                self.database.db_instance_endpoint_port,
                f"/{DB_NAME}?sslmode=require",
            ],
        )

        # Shared rate limits: losing them on a failover costs nothing, so no snapshots.
        subnets = elasticache.CfnSubnetGroup(
            self,
            "RedisSubnets",
            description=f"{params.prefix} Redis",
            subnet_ids=network.vpc.select_subnets(subnet_group_name="data").subnet_ids,
        )
        self.redis = elasticache.CfnReplicationGroup(
            self,
            "Redis",
            replication_group_description=f"{params.prefix} shared rate limits",
            engine="redis",
            engine_version="7.1",
            cache_node_type=params.redis_node_type,
            num_node_groups=1,
            replicas_per_node_group=1 if params.multi_az else 0,
            automatic_failover_enabled=params.multi_az,
            multi_az_enabled=params.multi_az,
            transit_encryption_enabled=True,
            at_rest_encryption_enabled=True,
            cache_subnet_group_name=subnets.ref,
            security_group_ids=[network.redis_sg.security_group_id],
            snapshot_retention_limit=0,
        )
        self.redis_url = Fn.join(
            "",
            [
                "rediss://",
                self.redis.attr_primary_end_point_address,
                ":",
                Token.as_string(self.redis.attr_primary_end_point_port),
                "/0",
            ],
        )

        # The bearer token of /metrics: generated here, read by Prometheus from the same secret.
        self.metrics_token = secretsmanager.Secret(
            self,
            "MetricsToken",
            description=f"{params.prefix}: bearer token of /metrics",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=48
            ),
        )
