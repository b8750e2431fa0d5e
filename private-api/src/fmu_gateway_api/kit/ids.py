"""Public identifiers: a kind prefix and 128 random bits (`sim_…`, `key_…`, `acc_…`)."""

from __future__ import annotations

import uuid


def new_id(kind: str) -> str:
    return f"{kind}_{uuid.uuid4().hex}"
