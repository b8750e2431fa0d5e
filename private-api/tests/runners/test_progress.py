"""The sandbox's progress reports: a countdown on every step, the clock read less often while steps are fast,
each step when they are slow; the fraction sent at most every 0.25 s."""

from __future__ import annotations

import os

import pytest

from fmu_sandbox import simulate


def reports(fd: int) -> list[str]:
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 1 << 16).decode().split()
    except BlockingIOError:
        return []


def test_fast_steps_read_the_clock_rarely_and_still_report(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    looks: list[float] = []

    def monotonic() -> float:
        looks.append(clock[0])
        return clock[0]

    monkeypatch.setattr(simulate.time, "monotonic", monotonic)
    r, w = os.pipe()
    try:
        progress = simulate.Progress(w, 0.0, 100.0)
        steps = 100_000
        for i in range(1, steps + 1):  # 10 us a step: one second in all
            clock[0] += 1e-5
            assert progress.step(i * 1e-3, None) is True
        assert progress.stride == 256
        assert len(looks) < 500  # not one per step (100,000)
        sent = reports(r)
        assert sent[:2] == ["p", "0.0000"]  # at the first step
        fractions = [float(v) for v in sent[1::2]]
        assert 4 <= len(fractions) <= 6 and fractions == sorted(fractions) and fractions[-1] > 0.7
        clock[0] += 1.0  # steps turn slow: a look within 256 steps, then one every step
        for _ in range(256):
            clock[0] += 0.5
            progress.step(100.0, None)
        assert progress.stride == 1
        assert float(reports(r)[-1]) == 1.0
    finally:
        os.close(r)
        os.close(w)


def test_progress_is_never_why_a_run_fails() -> None:
    progress = simulate.Progress(-1, 0.0, 1.0)  # a closed descriptor
    assert progress(0.5, None) is True and progress.step(1.0, None) is True
