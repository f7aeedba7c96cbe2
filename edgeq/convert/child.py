"""Run a conversion in a child process (`edgeq.convert.worker`), so a converter crash becomes an EdgeqError.

Some conversions (e.g. Keras 3 LSTM to int8) segfault inside the TFLite converter; in-process that kills
the CLI. The child reports progress lines on its stdout, which are relayed to `progress`; its stderr (TF and
converter logs) goes to `JOB_DIR/child.log`, whose tail is shown when the child fails.

When the converter itself fails (a crash, a converter exception, a degenerate scale) the converter's output
so far (`partial.tflite`) and the log are moved to a kept directory (`edgeq-failed-convert-*` in the temp
dir) named in the error, since JOB_DIR is removed by the caller. An interruption (Ctrl-C, SIGTERM, SIGHUP)
ends the worker's whole process group and keeps nothing.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from edgeq.convert.modes import ConvertRequest
from edgeq.errors import EdgeqError
from edgeq.process_group import group_options, kill_group


@dataclass(frozen=True)
class ChildResult:
    model: bytes
    provenance: dict
    report: dict | None


def _tail(log: Path, lines: int = 15) -> str:
    if not log.exists():
        return ""
    text = log.read_text(errors="replace").strip().splitlines()
    return "\n".join(text[-lines:])


def _keep(job_dir: Path) -> str:
    """Move the partial model and the log out of JOB_DIR into a kept directory; a sentence naming them."""
    kept = Path(tempfile.mkdtemp(prefix="edgeq-failed-convert-"))
    names = []
    for name in ("partial.tflite", "child.log"):
        if (job_dir / name).is_file() and (job_dir / name).stat().st_size:
            shutil.copyfile(job_dir / name, kept / name)
            names.append(str(kept / name))
    if not names:
        kept.rmdir()
        return ""
    what = "the converter's partial model and log are" if len(names) == 2 else "the converter log is"
    return f"\n{what} kept: {', '.join(names)} (delete them when done)"


def _degenerate_hint(job_dir: Path) -> str:
    """After a crash: name a degenerate layer of the partial model, the usual cause of LiteRT aborting."""
    from edgeq.convert.audit import degenerate_tensors

    partial = job_dir / "partial.tflite"
    found = degenerate_tensors(partial.read_bytes()) if partial.exists() else ()
    if not found:
        return ""
    return (f"; the converted model has degenerate quantization at {found[0].describe()}, which the runtime "
            "cannot prepare: the calibration data drove this layer's values to (almost) exactly zero")


def run(req: ConvertRequest, job_dir: Path, progress: Callable[[str], None]) -> ChildResult:
    job_dir.mkdir(parents=True, exist_ok=True)
    (job_dir / "request.json").write_text(req.to_json())
    log = job_dir / "child.log"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"), PYTHONUNBUFFERED="1")
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "edgeq.convert.worker", str(job_dir)],
            stdout=subprocess.PIPE,
            stderr=log_file,
            env=env,
            text=True,
            **group_options(),  # a Ctrl-C in the terminal reaches us; we stop the child ourselves
        )
        try:
            for line in proc.stdout:
                progress(line.rstrip("\n"))
            rc = proc.wait()
        except BaseException:
            kill_group(proc)
            raise
        finally:
            proc.stdout.close()
    result_file = job_dir / "result.json"
    if rc < 0 or not result_file.exists():
        cause = f"was killed by signal {signal.Signals(-rc).name}" if rc < 0 else f"exited with code {rc}"
        degenerate = _degenerate_hint(job_dir)
        raise EdgeqError(
            f"the TFLite converter crashed: the conversion process {cause} while converting to {req.mode}"
            + degenerate,
            ("calibrate with representative inputs (not all zeros), or train the model first" if degenerate else
             "this is a converter bug for this model/mode; try another --mode")
            + ". Converter log tail:\n" + _tail(log) + _keep(job_dir),
        )
    result = json.loads(result_file.read_text())
    if not result["ok"]:
        hint = result["hint"]
        if result.get("log"):
            hint += "\n" + _tail(log)
        if result.get("keep"):
            hint += _keep(job_dir)
        raise EdgeqError(result["message"], hint)
    return ChildResult((job_dir / "model.tflite").read_bytes(), result["provenance"], result["report"])
