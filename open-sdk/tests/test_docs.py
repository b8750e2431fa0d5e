"""Every command and example of open-sdk/README.md, and of the main README's SDK section, runs as written.

Fenced blocks are run unchanged: shell lines with bash, Python blocks as scripts that can import only what
the install they name (`# pip install 'fmu-gateway-sdk[...]'`) brings, `pip install` lines against the
installed package without an index. Commands that need a gateway get a live one through FMU_GATEWAY_URL,
and `$SIM`, `$SESSION_ID` and `$TOKEN` through the environment; the test plays Stripe's part whenever a
checkout link is printed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from conftest import CHECKOUT_URL, REPO, SDK, library_fmu, pay

from fmu_gateway_sdk import Gateway, PaymentRequired, _config

INSTALL = re.compile(r"#\s*pip install '?fmu-gateway-sdk(?:\[([a-z,]+)\])?'?")
MAIN_SECTION = "The SDK and CLI in five lines"
GUARD = '''
import importlib.abc, json, os, runpy, sys

BLOCKED = frozenset(json.loads(os.environ["DOCS_BLOCKED_MODULES"]))


class OnlyTheNamedInstall(importlib.abc.MetaPathFinder):
    """Imports behave as in an environment with only the install the example names."""

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in BLOCKED:
            raise ModuleNotFoundError(f"No module named {top!r} (not in the install the example names)",
                                      name=name)
        return None


sys.meta_path.insert(0, OnlyTheNamedInstall())
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
'''


@dataclass(frozen=True)
class Block:
    heading: str
    lang: str
    text: str

    def lines(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def fenced_blocks(path: Path, section: str | None = None) -> list[Block]:
    found: list[Block] = []
    heading, lang, body = "", None, []
    for line in path.read_text().splitlines():
        if lang is None and line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif lang is None and line.startswith("```"):
            lang, body = line[3:].strip(), []
        elif lang is not None and line.startswith("```"):
            found.append(Block(heading, lang, "\n".join(body) + "\n"))
            lang = None
        elif lang is not None:
            body.append(line)
    return [b for b in found if section is None or b.heading == section]


def blocked_modules(extras: frozenset[str]) -> list[str]:
    """The top-level modules of installed distributions that fmu-gateway-sdk[extras] does not bring (its
    requirements followed through, with their markers and extras)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [("fmu-gateway-sdk", extras)]
    while todo:
        name, wanted = todo.pop()
        if (canonicalize_name(name), wanted) in seen:
            continue
        seen.add((canonicalize_name(name), wanted))
        try:
            requires = metadata.distribution(name).requires or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": e}) for e in wanted | {""}):
                todo.append((requirement.name, frozenset(requirement.extras)))
    names = {name for name, _ in seen}
    return sorted(module for module, dists in metadata.packages_distributions().items()
                  if not any(canonicalize_name(d) in names for d in dists) and module != "fmu_gateway_sdk")


def environment(url: str, config_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FMU_GATEWAY_")}
    env.update({"FMU_GATEWAY_URL": url, "FMU_GATEWAY_CONFIG_DIR": str(config_dir), "MPLBACKEND": "Agg",
                "PYTHONUNBUFFERED": "1", "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
                **extra})
    return env


def execute(argv: list[str], env: dict[str, str], cwd: Path, *, stripe: Any = None,
            url: str = "") -> tuple[int, str]:
    """Run to the end, stdout and stderr as one text; with `stripe`, pay every checkout link printed."""
    paid: set[str] = set()
    with subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as proc:
        watchdog = threading.Timer(300, proc.kill)
        watchdog.start()
        try:
            assert proc.stdout is not None
            lines = []
            for line in proc.stdout:
                lines.append(line)
                for match in CHECKOUT_URL.finditer(line):
                    if stripe is not None and match.group(1) not in paid:
                        paid.add(match.group(1))
                        pay(stripe, url, match.group(1))
            code = proc.wait()
        finally:
            watchdog.cancel()
    return code, "".join(lines)


def run_shell(block: Block, env: dict[str, str], cwd: Path, **payer: Any) -> list[str]:
    outputs = []
    for line in block.lines():
        code, output = execute(["bash", "-o", "pipefail", "-c", line], env, cwd, **payer)
        assert code == 0, f"{line}\n{output}"
        assert "Traceback" not in output, f"{line}\n{output}"
        outputs.append(output)
    return outputs


def run_python(block: Block, env: dict[str, str], cwd: Path, **payer: Any) -> tuple[int, str]:
    match = INSTALL.search(block.text.splitlines()[0])
    assert match, f"the example does not name its install in its first line:\n{block.text}"
    extras = frozenset(filter(None, (match.group(1) or "").split(",")))
    (cwd / "guard.py").write_text(GUARD)
    (cwd / "example.py").write_text(block.text)
    env = {**env, "DOCS_BLOCKED_MODULES": json.dumps(blocked_modules(extras))}
    return execute([sys.executable, "guard.py", "example.py"], env, cwd, **payer)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """What the README's commands refer to: model.fmu (a mass-spring-damper with parameter k and input F)
    and inputs.csv."""
    shutil.copy(library_fmu("MassSpringDamper"), tmp_path / "model.fmu")
    (tmp_path / "inputs.csv").write_text("time,F\n0,0\n1,0\n1,1\n10,1\n")
    return tmp_path


def block(heading: str, lang: str, path: Path = SDK / "README.md") -> Block:
    chosen = [b for b in fenced_blocks(path) if (b.heading, b.lang) == (heading, lang)]
    assert len(chosen) == 1, (heading, lang, chosen)
    return chosen[0]


def test_every_block_is_run_by_a_test() -> None:
    covered = {("Install", "sh"), ("Quick start", "python"), ("Quick start", "toml"),
               ("In a notebook", "python"), ("Command line", "sh"), ("When the credits run out", "sh"),
               ("Errors", "python"), ("Development", "sh")}
    assert {(b.heading, b.lang) for b in fenced_blocks(SDK / "README.md")} == covered
    assert [b.lang for b in fenced_blocks(REPO / "README.md", MAIN_SECTION)] == ["python", "sh"]


def test_install_lines_name_existing_extras(tmp_path: Path) -> None:
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DRY_RUN": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    lines = block("Install", "sh").lines()
    assert len(lines) == 6
    for output in run_shell(block("Install", "sh"), env, tmp_path):
        assert "does not provide the extra" not in output, output


@pytest.mark.e2e
def test_quick_start(gateway_url: str, config_dir: Path, workdir: Path) -> None:
    code, output = run_python(block("Quick start", "python"), environment(gateway_url, config_dir), workdir)
    assert code == 0, output
    assert [line for line in output.splitlines() if line.startswith("<SimulationResult")][0].startswith(
        "<SimulationResult lib:BouncingBall succeeded: 301 rows x 4 columns; max(h)=1; id sim_")
    assert (workdir / "ball.png").read_bytes()[:4] == b"\x89PNG"


def test_the_config_file_example(config_dir: Path) -> None:
    text = block("Quick start", "toml").text
    (config_dir / "config.toml").write_text(text)
    assert tomllib.loads(text) == {"url": "https://gateway.example.com", "public_url": "https://gateway.example.com"}
    assert _config.resolve_base_url(None) == "https://gateway.example.com"
    where = f"url in {config_dir / 'config.toml'}"
    assert _config.find_gateway(None) == ("https://gateway.example.com", where)


@pytest.mark.e2e
def test_notebook_example(gateway_url: str, config_dir: Path, workdir: Path) -> None:
    code, output = run_python(block("In a notebook", "python"), environment(gateway_url, config_dir), workdir)
    assert code == 0, output


@pytest.mark.e2e
def test_command_line(gateway_url: str, config_dir: Path, workdir: Path) -> None:
    with Gateway(base_url=gateway_url, progress=False) as gw:  # the account the commands use (config_dir)
        sim = gw.simulate("lib:BouncingBall", stop_time=2)
    env = environment(gateway_url, config_dir, SIM=sim.id)
    outputs = run_shell(block("Command line", "sh"), env, workdir)
    assert (workdir / "result.csv").read_text().startswith("time,")
    assert (workdir / "result.png").read_bytes()[:4] == b"\x89PNG"
    assert (workdir / "ball.csv").read_text().splitlines()[0] == "time,h,v,bounces"
    assert outputs[2].splitlines()[0] == "--solver Euler: running the Model Exchange interface of VanDerPol"


@pytest.mark.e2e
def test_when_the_credits_run_out(broke_paid_url: str, stripe: Any, config_dir: Path, workdir: Path) -> None:
    with Gateway(base_url=broke_paid_url, progress=False) as gw:  # a 402 and its paid session, for $TOKEN
        with pytest.raises(PaymentRequired) as info:
            gw.simulate("lib:BouncingBall", stop_time=2)
        session = info.value.session_id
        assert session
        pay(stripe, broke_paid_url, session)
        token = gw.wait_for_payment(session, poll=0.1).payment_token
    env = environment(broke_paid_url, config_dir, SESSION_ID=session, TOKEN=str(token))
    outputs = run_shell(block("When the credits run out", "sh"), env, workdir, stripe=stripe,
                        url=broke_paid_url)
    assert outputs[2].splitlines()[0] == token


@pytest.mark.e2e
def test_errors_example_with_payments_off(broke_url: str, config_dir: Path, workdir: Path) -> None:
    code, output = run_python(block("Errors", "python"), environment(broke_url, config_dir), workdir)
    lines = output.splitlines()
    assert code == 1, output
    assert lines[-2] == "1.0 0.0 usd"
    assert re.fullmatch(rf"payments are not enabled on {broke_url} \(there is no checkout\): an operator of "
                        r"the gateway grants credits on its server with `fmu-gateway-api grant-credits "
                        r"acc_[0-9a-f]{32} N`", lines[-1]), lines[-1]


@pytest.mark.e2e
def test_errors_example_with_payments_on(broke_paid_url: str, stripe: Any, config_dir: Path,
                                         workdir: Path) -> None:
    code, output = run_python(block("Errors", "python"), environment(broke_paid_url, config_dir), workdir,
                              stripe=stripe, url=broke_paid_url)
    assert code == 0, output
    lines = output.splitlines()
    assert lines[-3] == "1.0 0.0 usd"
    assert CHECKOUT_URL.fullmatch(lines[-2].removeprefix("pay for this run: "))
    assert lines[-1].startswith("{'mean(p_rail)': ")


def test_development_commands(tmp_path: Path) -> None:
    code, output = execute(["bash", "-o", "pipefail", "-c", block("Development", "sh").lines()[0]],
                           dict(os.environ), REPO)
    assert code == 0, output


@pytest.mark.e2e
def test_main_readme_sdk_section(gateway_url: str, config_dir: Path, workdir: Path) -> None:
    python, shell = fenced_blocks(REPO / "README.md", MAIN_SECTION)
    code, output = run_python(python, environment(gateway_url, config_dir), workdir)
    assert code == 0, output
    assert output.splitlines()[-1] == "{'max(h)': 1.0}"
    run_shell(shell, environment(gateway_url, config_dir), workdir)
    assert (workdir / "result.png").read_bytes()[:4] == b"\x89PNG"


def test_an_example_cannot_import_what_its_install_lacks(tmp_path: Path) -> None:
    """The guard itself: the core install has no pandas; `[pandas]` alone cannot draw a DataFrame (as
    a user found who followed the README when it named only `[pandas]`)."""
    core = Block("x", "python", "import pandas  # pip install fmu-gateway-sdk\n")
    code, output = run_python(core, dict(os.environ), tmp_path)
    assert code == 1
    assert output.splitlines()[-1] == ("ModuleNotFoundError: No module named 'pandas' (not in the install "
                                       "the example names)")
    plot = Block("x", "python", "import pandas  # pip install 'fmu-gateway-sdk[pandas]'\n"
                                "pandas.DataFrame({'a': [1]}).plot()\n")
    code, output = run_python(plot, {**os.environ, "MPLBACKEND": "Agg"}, tmp_path)
    assert code == 1
    assert output.splitlines()[-1] == ('ImportError: matplotlib is required for plotting when the default '
                                       'backend "matplotlib" is selected.')
