"""Fargate's CPU/memory table (Linux), checked before any AWS call.

Source: the ECS developer guide, "Task CPU and memory" for Fargate. CPU in units (1024 = 1 vCPU), memory in
MiB. 8 and 16 vCPU need platform version 1.4.0 (the LATEST Linux platform), which the stack uses.
"""

from __future__ import annotations

_GIB = 1024


def _steps(first_gib: int, last_gib: int, step_gib: int) -> tuple[int, ...]:
    return tuple(range(first_gib * _GIB, last_gib * _GIB + 1, step_gib * _GIB))


MEMORY_BY_CPU: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: _steps(1, 4, 1),
    1024: _steps(2, 8, 1),
    2048: _steps(4, 16, 1),
    4096: _steps(8, 30, 1),
    8192: _steps(16, 60, 4),
    16384: _steps(32, 120, 8),
}
EPHEMERAL_STORAGE_GIB = (21, 200)  # 20 GiB come free; a task definition may ask for 21..200


def check_size(name: str, cpu: int, memory: int) -> None:
    """Raise ValueError naming `name` unless (cpu, memory) is a Fargate task size."""
    allowed = MEMORY_BY_CPU.get(cpu)
    if allowed is None:
        raise ValueError(
            f"{name}: cpu {cpu} is not a Fargate size (one of {', '.join(map(str, MEMORY_BY_CPU))})"
        )
    if memory not in allowed:
        low, high = allowed[0], allowed[-1]
        step = allowed[1] - allowed[0]
        raise ValueError(
            f"{name}: memory {memory} MiB does not go with cpu {cpu} on Fargate "
            f"({low}..{high} MiB in steps of {step})"
        )


def check_ephemeral_storage(name: str, gib: int) -> None:
    low, high = EPHEMERAL_STORAGE_GIB
    if not low <= gib <= high:
        raise ValueError(f"{name}: ephemeral storage {gib} GiB is outside Fargate's {low}..{high} GiB")
