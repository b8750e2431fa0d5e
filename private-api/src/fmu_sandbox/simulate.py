"""One simulation inside a sandbox: FMPy on the unpacked FMU, results into the run's out/ directory.

Runs after the gate: everything here shares the process with model code. So every path is absolute (a
model may chdir), every file is written as bytes we encoded ourselves (a model may call setlocale), every
module was imported by the template, and reporting an error can never hide the model's own error.

    out/result.npy     the structured array FMPy returned (numbers and booleans, arrays as subarray fields)
    out/text.json      String and Binary (base64) outputs, which FMPy does not record: {name: [value per row]}
    out/outcome.json   FMPy version, wall and CPU time, peak memory, the FMU's log messages
    out/error.json     instead of both, when the model failed: {"kind", "message", "trace", "log"}
    out/fmu.log        the FMU's log messages as they come (the first LOG_FILE_BYTES), for a run that
                       dies before it can write either file (a crash, a kill, a timeout)

A batch (cases of one sweep, see `run_batch`) writes each case's files to c<case>/ beside out/.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import time
import traceback
from typing import Any

from fmu_sandbox.protocol import case_dir, kept_description_path

EXIT_OK = 0
EXIT_MODEL_ERROR = 3
LOG_TAIL_CHARS = 20_000
LOG_FILE_BYTES = 256 * 1024


class LogTail:
    """FMU log messages, keeping the first and the last part when a model talks too much. With `path`,
    each message is also written through to that file at once (up to LOG_FILE_BYTES): a model that
    crashes leaves what it said before."""

    def __init__(self, path: str | None = None) -> None:
        self.head: list[str] = []
        self.tail: list[str] = []
        self.size = 0
        self.dropped = 0
        self.fd = -1
        self.written = 0
        if path is not None:
            try:
                self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
                                  | os.O_APPEND, 0o600)
            except OSError:
                self.fd = -1  # the log is a courtesy: the run goes on without its file

    def __call__(self, _env: Any, instance: Any, status: int, category: Any, message: Any) -> None:
        line = f"[{_text(category)}] {_text(message)}"[:2000]
        if self.fd >= 0 and self.written < LOG_FILE_BYTES:
            data = (line + "\n").encode("utf-8", "replace")[:LOG_FILE_BYTES - self.written]
            try:
                self.written += os.write(self.fd, data)
            except OSError:
                self.fd = -1
        if self.size < LOG_TAIL_CHARS // 2:
            self.head.append(line)
            self.size += len(line)
            return
        self.tail.append(line)
        if len(self.tail) > 50:
            self.tail.pop(0)
            self.dropped += 1

    def text(self) -> str:
        middle = [f"... {self.dropped} lines omitted ..."] if self.dropped else []
        return "\n".join(self.head + middle + self.tail)


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def write_file(path: str, data: bytes) -> None:
    """A new regular file (never through a link a model planted), written in full."""
    tmp = path + ".part"
    try:
        os.unlink(tmp)
    except OSError:
        pass
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    os.replace(tmp, path)


def write_json(path: str, data: dict[str, Any]) -> None:
    write_file(path, json.dumps(data, ensure_ascii=True, allow_nan=True).encode("ascii"))


class Progress:
    """Sends the fraction of simulated time to the template now and then (never blocks).

    FMPy calls `step` after every output step, so most calls only count down (a plain closure: ~70 ns
    against ~200 for reading the clock each time, 13 ms of a 100k-step run). The clock is read every
    `stride` steps, a stride that doubles while steps are fast (up to 256) and drops to 1 when they are slow
    (a model whose steps turn slow goes at most 256 steps without a report)."""

    def __init__(self, events: int, start: float, stop: float) -> None:
        self.events = events
        self.start, self.span = start, max(stop - start, 1e-300)
        self.last = self.checked = 0.0
        self.stride = 1
        left = 1

        def step(t: float, _recorder: Any) -> bool:
            nonlocal left
            left -= 1
            if not left:
                left = self.check(t)
            return True

        self.step = step

    def check(self, t: float) -> int:
        """Send the fraction when 0.25 s have passed; the number of steps until the next look."""
        now = time.monotonic()
        gap, self.checked = now - self.checked, now
        if gap < 0.02:
            self.stride = min(self.stride * 2, 256)
        elif gap > 0.1:
            self.stride = 1
        if now - self.last >= 0.25:
            self.last = now
            fraction = min(max((t - self.start) / self.span, 0.0), 1.0)
            try:
                os.write(self.events, b"p %.4f\n" % fraction)
            except Exception:  # noqa: BLE001 - progress is a courtesy: never the reason a run fails
                pass
        return self.stride

    def __call__(self, t: float, recorder: Any) -> bool:
        return self.step(t, recorder)


def _input_array(inputs: dict[str, Any] | None) -> Any:
    """FMPy's input signal: a structured array, time first; an FMI 3 array input is a subarray field of all
    its elements (row-major), which FMPy sets in one call."""
    import numpy as np

    if not inputs:
        return None
    names = list(inputs["signals"])
    dtype: list[Any] = [("time", np.float64)]
    for n in names:
        first = inputs["signals"][n][0] if inputs["signals"][n] else 0.0
        dtype.append((n, np.float64, (len(first),)) if isinstance(first, list) else (n, np.float64))
    array = np.zeros(len(inputs["time"]), dtype=dtype)
    array["time"] = inputs["time"]
    for n in names:
        array[n] = inputs["signals"][n]
    return array


class TextColumns:
    """Records String and Binary outputs beside FMPy's own recorder: FMPy collects them among the variables
    to record but samples only numbers, so they would vanish. A subclass of FMPy's Recorder, put in place
    for this run, reads them with the same getter at every sample (Binary as base64 text)."""

    def __init__(self) -> None:
        self.recorders: list[Any] = []

    def recorder_class(self, base: type) -> type:
        columns = self

        class Recorder(base):  # type: ignore[misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.text_info = [(t, self.info[t]) for t in ("String", "Binary") if t in self.info]
                self.text_rows: list[list[Any]] = []
                columns.recorders.append(self)
                if not self.text_info:  # nothing to add: FMPy's own sample, without a frame per row
                    self.__dict__["sample"] = base.sample.__get__(self)  # type: ignore[attr-defined]

            def sample(self, time: float, force: bool = False) -> None:
                super().sample(time, force)
                if self.text_info:
                    self.text_rows.append(columns.read(self))

        return Recorder

    @staticmethod
    def read(recorder: Any) -> list[Any]:
        import numpy as np

        fmi2 = recorder.modelDescription.fmiVersion in ("1.0", "2.0")
        row: list[Any] = []
        for kind, (_names, vrs, shapes, n_values, getter) in recorder.text_info:
            values = list(getter(vr=vrs) if fmi2 else getter(vr=vrs, nValues=int(n_values)))
            values = [_text(v) if kind == "String" else base64.b64encode(bytes(v or b"")).decode("ascii")
                      for v in values]
            i = 0
            for shape in shapes:
                if shape:
                    size = int(np.prod(shape))
                    row.append(np.array(values[i:i + size], dtype=object).reshape(shape).tolist())
                    i += size
                else:
                    row.append(values[i])
                    i += 1
        return row

    def document(self) -> dict[str, list[Any]]:
        """The last recorder's columns (the run's own; FMPy makes one per simulation)."""
        if not self.recorders or not self.recorders[-1].text_info:
            return {}
        recorder = self.recorders[-1]
        names = [name for _kind, info in recorder.text_info for name in info[0]]
        return {name: [row[i] for row in recorder.text_rows] for i, name in enumerate(names)}


def run(message: dict[str, Any], out: str, events: int, model_description: Any = None) -> int:
    import fmpy  # its `simulation` module comes with it
    import numpy as np

    job = message["job"]
    limits = message.get("limits") or {}
    log = LogTail(os.path.join(out, "fmu.log"))
    text = TextColumns()
    fmpy_recorder = fmpy.simulation.Recorder
    fmpy.simulation.Recorder = text.recorder_class(fmpy_recorder)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    try:
        if model_description is None:
            model_description = kept_description(str(message["fmu_dir"]))
        result = fmpy.simulate_fmu(
            str(message["fmu_dir"]),
            validate=False,
            fmi_type=job["fmi_type"],
            start_time=job["start_time"],
            stop_time=job["stop_time"],
            output_interval=job["output_interval"],
            solver=job["solver"],
            step_size=job.get("step_size"),
            relative_tolerance=job.get("relative_tolerance"),
            start_values=job.get("start_values") or {},
            input=_input_array(job.get("inputs")),
            output=job.get("outputs") or None,
            logger=log,
            step_finished=Progress(events, float(job["start_time"]), float(job["stop_time"])).step,
            debug_logging=bool(job.get("debug_logging")),
            remote_platform=None,  # never wine or WSL: a model runs natively or not at all
            model_description=model_description,
        )
    except MemoryError:
        return _failed(out, "memory", "the model ran out of memory "
                       f"(limit {limits.get('memory_mb', '?')} MiB)", "", log)
    except BaseException as exc:  # noqa: BLE001 - any FMU or FMPy failure is the model's own
        load = _load_failure(exc, str(message["fmu_dir"]))
        if load is not None:
            return _failed(out, "load", load, _trace(), log)
        kind = "memory" if _near_memory_limit(message) else "model"
        return _failed(out, kind, _message(exc), _trace(), log)
    finally:
        fmpy.simulation.Recorder = fmpy_recorder
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    try:
        columns = text.document()
        if columns:
            write_file(os.path.join(out, "text.json"),
                       json.dumps(columns, ensure_ascii=True, allow_nan=False).encode("ascii"))
        fd = os.open(os.path.join(out, "result.npy.part"),
                     os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, result, allow_pickle=False)
        os.replace(os.path.join(out, "result.npy.part"), os.path.join(out, "result.npy"))
        write_json(os.path.join(out, "outcome.json"), {
            "fmpy_version": fmpy.__version__,
            "wall_time_s": wall,
            "cpu_time_s": cpu,
            "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "log": log.text(),
        })
    except BaseException as exc:  # noqa: BLE001 - a full disk, a file limit, a model that broke its output
        return _failed(out, "output", f"the result could not be written: {_message(exc)}", _trace(), log)
    return EXIT_OK


def run_batch(message: dict[str, Any], out: str, events: int) -> int:
    """The cases of one sweep, one after the other in this process. Each is announced on the events pipe
    ("c <case>") before it starts and writes what a single run writes to out/, to c<case>/ beside it (made
    by the supervisor). A case the model fails does not stop the next; a model that ends the process ends
    the batch there, and the supervisor puts the cases it never reached back in the queue. The model's
    library stays loaded from one case to the next, as FMI allows unless the model says it can be
    instantiated only once per process (such models are never batched). The model description is read once
    for all cases (FMPy reads it again for each run otherwise)."""
    import fmpy

    try:
        description = kept_description(str(message["fmu_dir"])) or fmpy.read_model_description(
            str(message["fmu_dir"]), validate=False)
    except Exception:  # noqa: BLE001 - then each case reads it, and fails, as a single run would
        description = None
    for case, job in enumerate(message["jobs"]):
        case_out = case_dir(str(message["run_dir"]), case)
        try:
            os.write(events, b"c %d\n" % case)
        except OSError:  # a full pipe (the model wrote too much): the supervisor counts the case as not run
            pass
        run({**message, "job": job}, case_out, events, description)
    return EXIT_OK


def kept_description(fmu_dir: str) -> Any:
    """FMPy's reading of this FMU's model description as its ingest kept it (protocol.kept_description_path), or
    None when there is none for this FMPy (then FMPy parses the XML, as it always did). Unpickled after the
    gate: the file is this FMU's own (its ingest sandbox wrote it), in a process that runs its code anyway."""
    import pickle

    import fmpy

    try:
        with open(kept_description_path(fmu_dir), "rb") as fh:
            kept = pickle.load(fh)
    except Exception:  # noqa: BLE001 - absent (an FMU cached before it was kept, an ECS task) or unreadable
        return None
    if not isinstance(kept, dict) or kept.get("fmpy") != fmpy.__version__:
        return None
    return kept.get("description")


def _near_memory_limit(message: dict[str, Any]) -> bool:
    """Did the run reach its memory limit before it failed? A failed malloc looks like any other error to
    the model (it may report anything), so we judge by how far its address space grew: it starts at the
    template's size and grows page for page with what the model touched."""
    start = message.get("memory_at_start") or {}
    limit_mb = (message.get("limits") or {}).get("memory_mb")
    if not start or not limit_mb:
        return False
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_vm = start["vm_kb"] + max(0, peak_rss - start["rss_kb"])
    return bool(peak_vm >= 0.9 * float(limit_mb) * 1024)


def _load_failure(exc: BaseException, fmu_dir: str) -> str | None:
    """The loader's message when the model's binary did not load (a library it needs is missing, a symbol
    is undefined), with the FMU's own paths relative to the FMU; None for any other failure. FMPy wraps
    the loader's OSError in a bare Exception (and leaves the working directory in binaries/<platform>)."""
    text = _message(exc)
    loaded = isinstance(exc.__context__, OSError) and text.startswith("Failed to load shared library")
    missing = isinstance(exc, AttributeError) and ": undefined symbol: " in text  # an FMI function ctypes lacks
    if not (loaded or missing or text.startswith("Cannot find shared library")):
        return None
    return text.replace(fmu_dir.rstrip("/") + "/", "")


def _message(exc: BaseException) -> str:
    try:
        return str(exc) or type(exc).__name__
    except Exception:  # noqa: BLE001 - an exception whose str() fails
        return type(exc).__name__


def _trace() -> str:
    try:
        return traceback.format_exc(limit=3)[-4000:]
    except Exception:  # noqa: BLE001
        return ""


def _failed(out: str, kind: str, message: str, trace: str, log: LogTail) -> int:
    path = os.path.join(out, "error.json")
    try:
        write_json(path, {"kind": kind, "message": message[:4000], "trace": trace, "log": log.text()})
    except BaseException:  # noqa: BLE001 - then the kind and the message's ASCII part, in bytes of our own
        try:
            text = message[:4000].encode("ascii", "replace").decode("ascii")
            write_file(path, json.dumps({"kind": kind, "message": text}).encode("ascii", "replace"))
        except BaseException:  # noqa: BLE001 - the exit code still says "model error"
            pass
    return EXIT_MODEL_ERROR


def rehearse(fmu_dir: str) -> None:
    """A short run of our own library model, its result encoded and dropped (see template._rehearse)."""
    import io

    import fmpy
    import numpy as np

    try:
        result = fmpy.simulate_fmu(fmu_dir, validate=False, fmi_type="CoSimulation", stop_time=0.05,
                                   logger=LogTail(), step_finished=Progress(-1, 0.0, 0.05).step, remote_platform=None,
                                   model_description=kept_description(fmu_dir))
        np.save(io.BytesIO(), result, allow_pickle=False)
        json.dumps({"fmpy_version": fmpy.__version__, "log": ""}, ensure_ascii=True).encode("ascii")
    except Exception:  # noqa: BLE001 - a rehearsal that fails only means a colder run
        pass
