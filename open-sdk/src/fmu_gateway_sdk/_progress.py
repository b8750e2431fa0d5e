"""Progress: a `tqdm.auto` bar (a widget in Jupyter) when tqdm is installed, a plain line otherwise.

Shown by default on a terminal and in a notebook, never in a pipe, a log file or CI output.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any, Protocol

PERCENT_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {elapsed}{postfix}"
_clock = time.monotonic  # tests replace it


class Progress(Protocol):
    def update(self, n: int = 1) -> Any: ...
    def set_postfix_str(self, s: str = "", refresh: bool = True) -> Any: ...
    def close(self) -> Any: ...


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass


class _Line:
    """One line rewritten in place: `desc: 42% running 3 s` (or `3/10 run`), for when tqdm is missing."""

    def __init__(self, stream: IO[str], *, total: int | None, desc: str, unit: str, percent: bool) -> None:
        self.stream, self.total, self.desc, self.unit, self.percent = stream, total, desc, unit, percent
        self.n, self.postfix, self.started, self.width = 0, "", _clock(), 0
        self._draw()

    def update(self, n: int = 1) -> None:
        self.n += n
        self._draw()

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        self.postfix = s
        if refresh:
            self._draw()

    def close(self) -> None:
        self.stream.write("\r" + " " * self.width + "\r")
        self.stream.flush()

    def _draw(self) -> None:
        if self.percent:
            done = f"{self.n}%"
        else:
            done = f"{self.n}/{self.total} {self.unit}" if self.total else f"{self.n} {self.unit}"
        elapsed = _clock() - self.started
        text = " ".join(p for p in (f"{self.desc}:", done, self.postfix, f"{elapsed:.0f} s") if p)
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(text))


def interactive() -> bool:
    """A person is watching: stderr is a terminal, or this runs in a Jupyter kernel."""
    return sys.stderr.isatty() or in_notebook()


def in_notebook() -> bool:
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    shell = get_ipython() if callable(get_ipython) else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def progress_bar(enabled: bool | None, *, total: int | None, desc: str, unit: str = "run",
                 percent: bool = False) -> Progress:
    """A progress display on stderr; `enabled=None` means: only when `interactive()`. `percent`: `total` is
    100 and the display shows a percentage (a simulation's progress) rather than a count (a sweep's runs)."""
    if enabled is None:
        enabled = interactive()
    if not enabled:
        return _Silent()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _Line(sys.stderr, total=total, desc=desc, unit=unit, percent=percent)
    options: dict[str, Any] = {"bar_format": PERCENT_FORMAT} if percent else {"unit": unit}
    bar: Progress = tqdm(total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True, **options)
    return bar
