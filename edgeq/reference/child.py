"""The reference child: `python -m edgeq.reference.child JOB_DIR` (started by `edgeq.reference.isolated`).

TFLite Micro and LiteRT are C++ libraries: a malformed model can make them segfault or abort, which in
edgeq's own process would kill the CLI without a word and leave its temporary directories behind. So they
run here, one process per batch of references.

Contract with the parent:
1. reads `JOB_DIR/request.json` {"references": ["tflm", "litert-ref", ...]}, `JOB_DIR/model.tflite` and
   `JOB_DIR/inputs.npz` (arrays `in0`, `in1`, … in model input order, each (N, *shape));
2. for each reference in order: writes its name to `JOB_DIR/phase` before starting it (so a crash names
   the runtime that crashed), then `JOB_DIR/<ref>.npz` (outputs `out0`, …) and `JOB_DIR/<ref>.json`
   {"ok": true, "outputs_info": [...]} — or {"ok": false, "message", "hint"} for an expected refusal.
A crash leaves no `<ref>.json` for the reference named in `phase`.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

from edgeq.errors import EdgeqError


def _runner(reference: str, model: Path):
    if reference == "tflm":
        from edgeq.reference.tflm import TflmRunner

        return TflmRunner(model)
    if reference == "litert-ref":
        from edgeq.reference.litert_ref import LiteRtRefRunner

        return LiteRtRefRunner(model)
    raise EdgeqError(f"unknown reference {reference!r}")


def main(job_dir: str) -> int:
    job = Path(job_dir)
    request = json.loads((job / "request.json").read_text())
    with np.load(job / "inputs.npz", allow_pickle=False) as archive:
        inputs = [archive[f"in{k}"] for k in range(len(archive.files))]
    for reference in request["references"]:
        (job / "phase").write_text(reference)
        try:
            result = _runner(reference, job / "model.tflite").run(inputs)
        except EdgeqError as err:
            status = {"ok": False, "message": err.message, "hint": err.hint}
        except Exception as err:  # noqa: BLE001 - a runtime's own exception on a malformed model is a refusal
            status = {"ok": False, "message": f"{reference} failed on this model: {type(err).__name__}: "
                      f"{str(err).strip()[:300]}", "hint": "the model is malformed; run `edgeq inspect` on it"}
        else:
            np.savez(job / f"{reference}.npz", **{f"out{k}": out for k, out in enumerate(result.outputs)})
            status = {"ok": True, "outputs_info": [asdict(info) for info in result.outputs_info]}
        (job / f"{reference}.json").write_text(json.dumps(status))
    (job / "phase").write_text("")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
