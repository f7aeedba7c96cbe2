#!/usr/bin/env python3
"""Benchmark .tflite models on the emulated Cortex-M4 (QEMU mps2-an386, -icount) against TFLM + CMSIS-NN.

For each model: `edgeq build` for the board, run the firmware in QEMU through the DUT protocol
(`edgeq.bench.mcu.bench_mcu`: exact instruction counts from SysTick under -icount), and report
instructions per inference and per MAC, arena, RAM, runtime code (flash minus weights), flash, and the
ratio of each to the TFLM + CMSIS-NN figures measured on the same emulated core (issue 5). `--per-op`
adds the firmware's per-operator profile (`edgeq profile`). `--reference-kernels` generates with the
base emitters only (no packed-weight variants) for comparison.

    .venv/bin/python tools/bench_mcu.py ../shared/models/{kws_ref_model,pretrainedResnet_quant,ad01_int8}.tflite \
        --per-op --json bench_mcu.json

Prints a markdown table; `--json FILE` writes every figure (and the per-op rows) as JSON.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from edgeq.errors import EdgeqError  # noqa: E402

# TFLM 90b983c2 + CMSIS-NN 4ab83cc3, gcc 12.2, QEMU 7.2 mps2-an386 -icount shift=0 (issue 5).
PEERS = {
    "kws_ref_model": {"macs": 2_656_768, "instructions": 7_698_240, "arena": 22_820, "runtime_code": 74_596},
    "pretrainedResnet_quant": {"macs": 12_501_632, "instructions": 29_862_080, "arena": 54_996,
                               "runtime_code": 71_940},
    "ad01_int8": {"macs": 264_192, "instructions": 583_240, "arena": 2_580, "runtime_code": 44_768},
}
GOALS = {"instructions": 0.6, "arena": 0.7, "runtime_code": 0.3}


def bench_one(model: Path, board_id: str, work: Path, runs: int, per_op: bool, reference: bool) -> dict:
    from edgeq.bench.mcu import bench_mcu, open_board_transport
    from edgeq.build.project import build_project
    from edgeq.codegen.ops import use_variants
    from edgeq.ir import parse
    from edgeq.ir.macs import op_macs, total_macs
    from edgeq.transport.client import DutClient

    graph = parse(model.read_bytes())
    out = work / model.stem
    with use_variants(not reference):
        build = build_project(model, board_id, out, force=True)
    transport, board = open_board_transport(out, emulate=True)
    try:
        result = bench_mcu(out, transport, board, runs=runs, warmups=1)
        ops = []
        if per_op:
            client = DutClient(transport, timeout=120.0)
            info = client.info()
            for row in client.profile_ops(timeout=120.0):
                op = graph.ops[row.index]
                macs = op_macs(graph, op)
                instructions = row.ticks * info.timer.units_per_tick
                ops.append({"index": row.index, "op": row.name, "instructions": instructions, "macs": macs,
                            "instructions_per_mac": round(instructions / macs, 3) if macs else None,
                            "kernels": [k.split("/")[-1] for k in next(
                                (g.kernels for g in _generated_ops(graph, reference) if g.index == row.index), ())]})
    finally:
        transport.close()
    macs = total_macs(graph)
    instructions = int(result.instructions_per_inference)
    row = {
        "model": model.stem, "board": result.board, "kernels": "reference" if reference else "variants",
        "macs": macs, "instructions": instructions, "instructions_per_mac": round(instructions / macs, 3),
        "arena": result.arena_bytes, "ram": result.ram_bytes, "flash": result.flash_bytes,
        "weights": result.weights_bytes, "runtime_code": result.flash_bytes - result.weights_bytes,
        "kernel_sources": list(build.kernel_sources), "per_op": ops,
    }
    peer = PEERS.get(model.stem)
    if peer:
        row["peer"] = peer
        row["ratio"] = {key: round(row[key] / peer[key], 3) for key in GOALS}
        row["goal_met"] = {key: row["ratio"][key] <= limit for key, limit in GOALS.items()}
    return row


def _generated_ops(graph, reference: bool):
    from edgeq.codegen.model import generate_model
    from edgeq.codegen.ops import use_variants

    with use_variants(not reference):
        return generate_model(graph).ops


def markdown(rows: list[dict]) -> str:
    lines = ["| model | kernels | MACs | instructions / inference | instr/MAC | arena B | RAM B | runtime code B "
             "(flash − weights) | flash B | ratio instr / arena / code (goal ≤ 0.6 / 0.7 / 0.3) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        ratio = r.get("ratio")
        ratio_text = (" / ".join(f"{ratio[k]:.3f}{'' if r['goal_met'][k] else ' ✗'}" for k in GOALS)
                      if ratio else "no peer figure")
        lines.append(f"| {r['model']} | {r['kernels']} | {r['macs']:,} | {r['instructions']:,} | "
                     f"{r['instructions_per_mac']:.2f} | {r['arena']:,} | {r['ram']:,} | {r['runtime_code']:,} | "
                     f"{r['flash']:,} | {ratio_text} |")
    for r in rows:
        if not r["per_op"]:
            continue
        lines += ["", f"**{r['model']}** per operator ({r['kernels']}):", "",
                  "| # | op | kernel | MACs | instructions | instr/MAC | share |", "|---:|---|---|---:|---:|---:|---:|"]
        total = sum(o["instructions"] for o in r["per_op"]) or 1
        for o in r["per_op"]:
            ipm = f"{o['instructions_per_mac']:.2f}" if o["instructions_per_mac"] is not None else "–"
            lines.append(f"| {o['index']} | {o['op']} | {', '.join(o['kernels'][:1]) or '(alias)'} | {o['macs']:,} | "
                         f"{o['instructions']:,} | {ipm} | {100 * o['instructions'] / total:.1f} % |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help=".tflite files")
    parser.add_argument("--board", default="mps2-an386", help="emulated board id (default mps2-an386, Cortex-M4F)")
    parser.add_argument("--runs", type=int, default=2, help="timed runs per model (counts are exact; default 2)")
    parser.add_argument("--per-op", action="store_true", help="per-operator instructions (edgeq profile)")
    parser.add_argument("--reference-kernels", action="store_true", help="generate without the packed variants")
    parser.add_argument("--json", type=Path, help="write all figures to this JSON file")
    parser.add_argument("--keep", type=Path, help="keep the build directories here (default: a temp dir)")
    args = parser.parse_args(argv)
    try:
        with contextlib.ExitStack() as stack:
            work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="edgeq-bench-mcu-")))
            work.mkdir(parents=True, exist_ok=True)
            rows = [bench_one(m, args.board, work, args.runs, args.per_op, args.reference_kernels)
                    for m in args.models]
    except EdgeqError as err:
        print(f"error: {err.message}\nhint: {err.hint}", file=sys.stderr)
        return 1
    print(markdown(rows))
    if args.json:
        tmp = args.json.with_suffix(args.json.suffix + ".tmp")
        tmp.write_text(json.dumps({"board": args.board, "results": rows, "goals": GOALS}, indent=2) + "\n")
        tmp.replace(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
