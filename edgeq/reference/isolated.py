"""Reference interpreters in a child process (`edgeq.reference.child`): a crash becomes an EdgeqError.

`run_isolated(model, inputs, references)` runs each named reference ("tflm", "litert-ref") on the batch and
returns one `IsolatedOutcome` per reference: its `ReferenceResult`, or the `EdgeqError` it refused the model
with. A reference that crashes (SIGSEGV/SIGABRT in the C++ runtime) raises EdgeqError "the reference runtime
crashed on this model (signal N)": the runtimes disagree with edgeq about what a valid model is, so nothing
after it can be trusted; only a later reference crashing after the first has answered (a second opinion)
becomes that reference's error, the first one's results standing. The job directory (`edgeq-reference-*` in the temp dir) is always removed, and the
child's process group is ended on every exit path (see `edgeq.process_group`).
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from edgeq.errors import EdgeqError
from edgeq.process_group import group_options, kill_group
from edgeq.reference.batch import ReferenceResult, TensorInfo, freeze

RUNTIME_NAMES = {"tflm": "TFLite Micro", "litert-ref": "LiteRT (reference kernels)"}
TIMEOUT_S = 600.0


class ReferenceFailure(EdgeqError):
    """A reference runtime refused or crashed on the model: a fact about the model, not about any device."""


@dataclass(frozen=True)
class IsolatedOutcome:
    reference: str
    result: ReferenceResult | None   # None when the runtime refused the model
    error: ReferenceFailure | None = None


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return "unknown"


def _log_tail(log: Path, lines: int = 6) -> str:
    try:
        text = log.read_text(errors="replace").strip().splitlines()
    except FileNotFoundError:
        return ""
    return "\n".join(text[-lines:])


def run_isolated(model: str | Path | bytes, inputs: Sequence[np.ndarray],
                 references: Sequence[str] = ("tflm",)) -> tuple[IsolatedOutcome, ...]:
    """Run `inputs` (one (N, *shape) array per model input) through each reference in a child process."""
    data = Path(model).read_bytes() if isinstance(model, (str, Path)) else bytes(model)
    with tempfile.TemporaryDirectory(prefix="edgeq-reference-") as tmp:
        job = Path(tmp)
        (job / "model.tflite").write_bytes(data)
        np.savez(job / "inputs.npz", **{f"in{k}": np.ascontiguousarray(a) for k, a in enumerate(inputs)})
        (job / "request.json").write_text(json.dumps({"references": list(references)}))
        log = job / "child.log"
        with open(log, "wb") as log_file:
            proc = subprocess.Popen([sys.executable, "-m", "edgeq.reference.child", str(job)],
                                    stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                                    **group_options())
            try:
                rc = proc.wait(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                kill_group(proc)
                raise EdgeqError(f"the reference runtime did not finish within {TIMEOUT_S:.0f} s",
                                 "pass fewer samples (e.g. --data random:20)") from None
            except BaseException:
                kill_group(proc)
                raise
        outcomes = []
        for reference in references:
            status_file = job / f"{reference}.json"
            if not status_file.exists():
                break
            status = json.loads(status_file.read_text())
            if not status["ok"]:
                outcomes.append(IsolatedOutcome(reference, None, ReferenceFailure(status["message"], status["hint"])))
                continue
            infos = tuple(TensorInfo(tuple(i["shape"]), i["dtype"], i["scale"], i["zero_point"])
                          for i in status["outputs_info"])
            with np.load(job / f"{reference}.npz", allow_pickle=False) as archive:
                outputs = [archive[f"out{k}"] for k in range(len(infos))]
            outcomes.append(IsolatedOutcome(reference, ReferenceResult(reference, freeze(outputs), infos)))
        if len(outcomes) < len(references):
            phase = (job / "phase").read_text().strip() if (job / "phase").exists() else references[0]
            runtime = RUNTIME_NAMES.get(phase, phase)
            how = f"signal {-rc}, {_signal_name(-rc)}" if rc < 0 else f"exit code {rc}"
            tail = _log_tail(log)
            failure = ReferenceFailure(f"the reference runtime crashed on this model ({how}): {runtime} died while "
                                       "running it" + (f"\n{tail}" if tail else ""),
                                       "the model is malformed in a way edgeq's checks do not catch; run `edgeq "
                                       "inspect` on it, and report the file if inspect and build accept it")
            if not outcomes:
                raise failure
            # A later reference (a second opinion) crashed after the first one answered: it has no answer, the
            # first one's stands (LiteRT's reference SVDF corrupts its heap on keyword_scrambled_8bit, which
            # TFLite Micro runs).
            outcomes += [IsolatedOutcome(r, None, failure) for r in references[len(outcomes):]]
    return tuple(outcomes)


def run_reference(model: str | Path | bytes, inputs: Sequence[np.ndarray], reference: str = "tflm") -> ReferenceResult:
    """One reference in a child process; its refusal of the model is raised as the EdgeqError it gave."""
    outcome = run_isolated(model, inputs, (reference,))[0]
    if outcome.error is not None:
        raise outcome.error
    return outcome.result
