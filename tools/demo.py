#!/usr/bin/env python3
"""edgeq's main job on the bundled default: train a small CNN on scikit-learn's digits set, convert it in every
quantization mode, and print accuracy and size per mode (test split, LiteRT reference kernels).

Run: `.venv/bin/python tools/demo.py [--out DIR] [--json FILE]` (tools/demo.sh sets up first).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from edgeq.errors import EdgeqError  # noqa: E402

MODES = ("fp32", "fp16", "dynamic", "int8", "int16x8", "qat", "mixed", "int4")


def mode_options(mode: str, files: dict) -> dict:
    options = {"calib": files["calib"]}
    if mode == "qat":
        options = {"train_data": files["train"], "epochs": 3, "lr": 1e-4}
    if mode == "mixed":
        options["val_data"] = files["val"]
        options["max_drop"] = 0.5
    return options


def run(out: Path) -> list[dict]:
    import numpy as np

    from edgeq.convert import digits, runtime
    from edgeq.convert.api import convert

    def log(line: str) -> None:
        print(f"  {line}", file=sys.stderr)

    split = digits.load_split()
    print(f"digits: {len(split.x_train)} train / {len(split.x_val)} val / {len(split.x_test)} test images, 8x8x1 in [0, 1]", file=sys.stderr)
    t0 = time.time()
    model = digits.train_cnn(split)
    model_path = out / "digits_cnn.keras"
    model.save(model_path)
    files = digits.write_dataset(split, out / "data")
    keras_acc = float((model.predict(split.x_test, verbose=0).argmax(1) == split.y_test).mean() * 100)
    print(f"trained {model_path} in {time.time() - t0:.1f} s: Keras float top-1 {keras_acc:.2f}%", file=sys.stderr)
    rows = []
    for mode in MODES:
        t0 = time.time()
        print(f"converting: {mode}", file=sys.stderr)
        result = convert(model_path, out / f"digits_{mode}.tflite", mode, force=True, progress=log, **mode_options(mode, files))
        pred = runtime.predict(result.output.read_bytes(), split.x_test)
        row = {
            "mode": mode,
            "file": str(result.output),
            "size_bytes": result.size_bytes,
            "top1": float((pred.argmax(1) == split.y_test).mean() * 100),
            "seconds": round(time.time() - t0, 1),
        }
        if result.report and "kept_float" in result.report:
            row["kept_float"] = len(result.report["kept_float"])
        rows.append(row)
    for row in rows:
        row["top1_change"] = row["top1"] - keras_acc
        row["size_vs_fp32"] = row["size_bytes"] / rows[0]["size_bytes"]
    return rows, keras_acc


def table(rows: list[dict], keras_acc: float) -> str:
    lines = [
        f"digits CNN, test top-1 (Keras float: {keras_acc:.2f}%), LiteRT reference kernels",
        f"{'mode':<9} {'size (B)':>9} {'vs fp32':>8} {'top-1 %':>8} {'change':>7}  note",
    ]
    for r in rows:
        note = f"{r['kept_float']} layer(s) kept float" if "kept_float" in r else ""
        lines.append(f"{r['mode']:<9} {r['size_bytes']:>9,} {r['size_vs_fp32']:>8.1%} {r['top1']:>8.2f} {r['top1_change']:>+7.2f}  {note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/demo"), help="directory for the model, data and .tflite files")
    parser.add_argument("--json", type=Path, help="also write the table as JSON")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        rows, keras_acc = run(args.out)
    except EdgeqError as err:
        print(f"error: {err.message}\n  hint: {err.hint}", file=sys.stderr)
        return 2
    print(table(rows, keras_acc))
    if args.json:
        args.json.write_text(json.dumps({"keras_top1": keras_acc, "modes": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
