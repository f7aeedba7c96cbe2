"""Run a conversion in a child process (`edgeq.convert.worker`), so a converter crash becomes an EdgeqError.

Some conversions (e.g. Keras 3 LSTM to int8) segfault inside the TFLite converter; in-process that kills
the CLI. The child reports progress lines on its stdout, which are relayed to `progress`; its stderr (TF and
converter logs) goes to `JOB_DIR/child.log`, whose tail is shown when the child fails.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from edgeq.convert.modes import ConvertRequest
from edgeq.errors import EdgeqError


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
            start_new_session=True,  # a Ctrl-C in the terminal reaches us; we stop the child ourselves
        )
        try:
            for line in proc.stdout:
                progress(line.rstrip("\n"))
            rc = proc.wait()
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    result_file = job_dir / "result.json"
    if rc < 0 or not result_file.exists():
        cause = f"was killed by signal {signal.Signals(-rc).name}" if rc < 0 else f"exited with code {rc}"
        raise EdgeqError(
            f"the TFLite converter crashed: the conversion process {cause} while converting to {req.mode}",
            "this is a converter bug for this model/mode; try another --mode. Converter log tail:\n" + _tail(log),
        )
    result = json.loads(result_file.read_text())
    if not result["ok"]:
        hint = result["hint"]
        if result.get("log"):
            hint += "\n" + _tail(log)
        raise EdgeqError(result["message"], hint)
    return ChildResult((job_dir / "model.tflite").read_bytes(), result["provenance"], result["report"])
