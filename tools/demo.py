#!/usr/bin/env python3
"""edgeq's main job on the bundled default, end to end.

1. Train a small CNN on scikit-learn's bundled digits set (8x8x1 images in [0, 1]).
2. Sweep it on the emulated Cortex-M4 (`mps2-an386` in QEMU): convert in every quantization mode, generate C,
   cross-compile the firmware, run it in QEMU over the MLPerf Tiny serial protocol, and measure top-1 on the
   device, instructions per inference (exact, QEMU -icount), estimated latency/energy, flash and RAM. Modes
   the microcontroller cannot run are listed with the reason.
3. Print the measured table and write the HTML report.

Run: `tools/demo.sh` (sets up first) or `.venv/bin/python tools/demo.py [--out DIR] [--samples N]`.
Rerunning reuses the sweep's cache when the trained model is unchanged.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from edgeq.errors import EdgeqError  # noqa: E402


def train(out: Path) -> tuple[Path, dict[str, Path], float]:
    from edgeq.convert import digits

    split = digits.load_split()
    print(f"digits: {len(split.x_train)} train / {len(split.x_val)} val / {len(split.x_test)} test images, "
          "8x8x1 in [0, 1]", file=sys.stderr)
    t0 = time.time()
    model = digits.train_cnn(split)
    model_path = out / "digits_cnn.keras"
    model.save(model_path)
    files = digits.write_dataset(split, out / "data")
    keras_top1 = float((model.predict(split.x_test, verbose=0).argmax(1) == split.y_test).mean() * 100)
    print(f"trained {model_path} in {time.time() - t0:.1f} s: Keras float top-1 on the test split "
          f"{keras_top1:.2f}%", file=sys.stderr)
    return model_path, files, keras_top1


def sweep(model_path: Path, files: dict[str, Path], out: Path, samples: int | None):
    from edgeq.report import write_report
    from edgeq.sweep.run import SweepRequest, run_sweep
    from edgeq.sweep.targets import resolve

    request = SweepRequest(
        model=model_path, target=resolve(core="cortex-m4"), val_data=files["test"], out_dir=out / "sweep",
        calib=str(files["calib"]), train_data=files["train"], max_drop=1.0, val_limit=samples,
    )
    result = run_sweep(request, progress=lambda line: print(f"  {line}", file=sys.stderr))
    if result.recommendation is not None and result.recommendation.mode:
        print(f"recommended: {result.recommendation.mode} — {result.recommendation.reason}", file=sys.stderr)
    return write_report(out / "sweep")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/demo"),
                        help="directory for the model, data, sweep and report (default build/demo)")
    parser.add_argument("--samples", type=int, default=None,
                        help="measure accuracy on the first N test images only (default: all 360)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        model_path, files, _ = train(args.out)
        report = sweep(model_path, files, args.out, args.samples)
    except EdgeqError as err:
        print(f"error: {err.message}\n  hint: {err.hint}", file=sys.stderr)
        return 2
    print(report.markdown.read_text(encoding="utf-8"))
    print(f"report: {report.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
