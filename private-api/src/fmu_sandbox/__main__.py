"""`python -I -B -m fmu_sandbox serve ...`: the sandbox template (see template.py)."""

from __future__ import annotations

import sys


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["serve"]:
        from fmu_sandbox.template import main as serve

        return serve(argv[1:])
    sys.stderr.write("usage: python -m fmu_sandbox serve [--config JSON] [--ctl-fd N]\n")
    return 2


if __name__ == "__main__":
    sys.stdout.flush()
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    import os

    os._exit(code)
