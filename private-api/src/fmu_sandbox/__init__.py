"""FMU Gateway's sandbox: everything that runs inside (or starts) a sandboxed run.

Self-contained on purpose: it imports the standard library, NumPy, FMPy, lxml, py-landlock and pyseccomp,
and nothing of the service (`fmu_gateway_api`), so that the same files run in the local fork-server, in a
runner container and in an ECS task. A test enforces the boundary.
"""
