"""Progress: tqdm.auto when it is there (widgets in Jupyter), a plain line otherwise, nothing in a pipe."""

from __future__ import annotations

import io
import sys
import types
from typing import Any

import pytest

from fmu_gateway_sdk import _progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_nobody_watches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    bar = _progress.progress_bar(None, total=100, desc="lib:BouncingBall", percent=True)
    bar.update(50)
    bar.close()
    assert sys.stderr.getvalue() == ""


def test_a_terminal_gets_a_tqdm_auto_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    from tqdm.auto import tqdm

    monkeypatch.setattr(sys, "stderr", Terminal())
    bar = _progress.progress_bar(None, total=100, desc="lib:BouncingBall", percent=True)
    assert isinstance(bar, tqdm)
    bar.update(42)
    bar.set_postfix_str("running")
    bar.close()
    assert "lib:BouncingBall:  42%|" in sys.stderr.getvalue()


def test_without_tqdm_a_plain_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails as when tqdm is not installed
    monkeypatch.setattr(_progress, "_clock", lambda: 100.0)
    bar = _progress.progress_bar(None, total=100, desc="lib:BouncingBall", percent=True)
    bar.set_postfix_str("running")
    bar.update(42)
    bar.close()
    assert sys.stderr.getvalue().split("\r")[1:4] == ["lib:BouncingBall: 0% 0 s",
                                                       "lib:BouncingBall: 0% running 0 s",
                                                       "lib:BouncingBall: 42% running 0 s"]
    sweep = _progress.progress_bar(True, total=3, desc="sweep")
    sweep.update(1)
    assert sys.stderr.getvalue().endswith("\rsweep: 1/3 run 0 s".ljust(len("sweep: 0/3 run 0 s") + 1))


def test_a_jupyter_kernel_counts_as_watched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not _progress.interactive()
    shell: Any = types.SimpleNamespace(config={"IPKernelApp": {}})
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert _progress.interactive()
    shell.config = {}  # a terminal IPython: not a notebook
    assert not _progress.interactive()
