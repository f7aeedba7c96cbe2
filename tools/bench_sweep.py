#!/usr/bin/env python3
"""Cells per minute of a grid sweep: the local executor against Ray with 1 and 2 worker processes, in one run.

    .venv/bin/python tools/bench_sweep.py [--work DIR] [--samples 20] [--modes fp32,int8,fp16]

The grid is the digits CNN and a small dense classifier (trained here, a few seconds) × the modes × (host,
the emulated Cortex-M4). The conversions are done once, before any timing, and copied into each timed
sweep's cache: what is timed is the measurement of every cell (host benchmark; build, validation and bench
in QEMU) plus the executor's own overhead (process pool or Ray tasks). Ray runs on a loopback cluster
started here: a head offering no CPUs (it only schedules) and N worker nodes (`edgeq lab serve`), each one
CPU with `qemu`; the cluster start is not timed. Every process started is stopped. Prints JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EDGEQ = str(Path(sys.executable).parent / "edgeq")


def make_models(work: Path) -> tuple[list[Path], Path, Path]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    from edgeq.convert import digits as dg

    split = dg.load_split()
    cnn = dg.train_cnn(split, epochs=3)
    cnn.save(work / "digits.keras")
    tf.keras.utils.set_random_seed(0)
    dense = tf.keras.Sequential([tf.keras.Input(split.x_train.shape[1:]), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(16, activation="relu"),
                                 tf.keras.layers.Dense(10, activation="softmax")])
    dense.compile("adam", "sparse_categorical_crossentropy")
    dense.fit(split.x_train, split.y_train, epochs=2, verbose=0)
    dense.save(work / "dense.keras")
    files = dg.write_dataset(split, work)
    return [work / "digits.keras", work / "dense.keras"], files["val"], files["calib"]


def sweep_args(models, val, calib, modes, samples, out: Path) -> list[str]:
    return ["sweep", *map(str, models), "--host", "--target", "cortex-m4", "--modes", modes, "--val-data", str(val),
            "--val-samples", str(samples), "--calib", str(calib), "--runs", "1", "--warmups", "0", "--no-report",
            "--force", "-o", str(out)]


def seeded(warm: Path, out: Path) -> Path:
    """A fresh sweep directory holding only the warm-up's conversions (what a second machine would share)."""
    (out / "cache").mkdir(parents=True)
    for entry in (warm / "cache").iterdir():
        if entry.name.startswith(("convert-", "float-")):
            shutil.copytree(entry, out / "cache" / entry.name)
    return out


def timed(args: list[str], out: Path) -> dict:
    start = time.monotonic()
    proc = subprocess.run([EDGEQ, *args], capture_output=True, text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed:\n{proc.stderr[-3000:]}")
    data = json.loads((out / "results.json").read_text())
    cells = sum(len(s["modes"]) for s in data["sweeps"])
    ok = sum(m["status"] == "ok" for s in data["sweeps"] for m in s["modes"])
    return {"seconds": round(seconds, 1), "cells": cells, "cells_ok": ok,
            "cells_per_minute": round(cells * 60.0 / seconds, 2)}


class Cluster:
    """A loopback Ray cluster: a scheduling-only head and `workers` one-CPU nodes offering qemu."""

    def __init__(self, workers: int, log_dir: Path):
        self.procs: list[subprocess.Popen] = []
        self.temp = Path(tempfile.mkdtemp(prefix="rqb", dir="/tmp"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self.log_dir = log_dir
        self.env = {**os.environ, "EDGEQ_LAB": str(log_dir / "no-lab.toml")}
        self._start("head", "--head", "--port", str(self.port), "--num-cpus", "0", "--no-qemu", "--temp-dir",
                    str(self.temp))
        for i in range(workers):
            self._start(f"worker{i}", "--address", self.address, "--num-cpus", "1")

    def _start(self, name: str, *args: str) -> None:
        log = self.log_dir / f"{name}.log"
        proc = subprocess.Popen([EDGEQ, "lab", "serve", "--loopback", *args], stdout=log.open("w"),
                                stderr=subprocess.STDOUT, env=self.env, start_new_session=True)
        self.procs.append(proc)
        deadline = time.monotonic() + 120
        while "Ray runtime started" not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"{name} did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        shutil.rmtree(self.temp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=None, help="Working directory (default: a temporary one).")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--modes", default="fp32,int8,fp16")
    opts = parser.parse_args()
    work = opts.work or Path(tempfile.mkdtemp(prefix="bench_sweep."))
    work.mkdir(parents=True, exist_ok=True)
    models, val, calib = make_models(work)
    warm = work / "warm"
    subprocess.run([EDGEQ, *sweep_args(models, val, calib, opts.modes, opts.samples, warm)], check=True,
                   capture_output=True)
    runs = {}
    out = seeded(warm, work / "local")
    runs["local"] = {"workers": os.cpu_count(), **timed(sweep_args(models, val, calib, opts.modes, opts.samples, out), out)}
    for workers in (1, 2):
        cluster = Cluster(workers, work)
        try:
            out = seeded(warm, work / f"ray{workers}")
            args = [*sweep_args(models, val, calib, opts.modes, opts.samples, out), "--ray-address", cluster.address]
            runs[f"ray_{workers}_workers"] = {"workers": workers, **timed(args, out)}
        finally:
            cluster.stop()
    base = runs["local"]["cells_per_minute"]
    print(json.dumps({
        "machine_cores": os.cpu_count(), "grid": {"models": len(models), "modes": opts.modes.split(","),
                                                  "targets": ["host", "cortex-m4 (QEMU)"], "samples": opts.samples},
        "runs": runs,
        "ratio_to_local": {name: round(run["cells_per_minute"] / base, 3) for name, run in runs.items()},
    }, indent=2))


if __name__ == "__main__":
    main()
