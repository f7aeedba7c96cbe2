#!/usr/bin/env python3
"""Benchmark .tflite models on an emulated Cortex-M board (QEMU, -icount) against TFLM + CMSIS-NN and TFLM's
reference kernels.

For each model: `edgeq build` for the board, run the firmware in QEMU through the DUT protocol
(`edgeq.bench.mcu.bench_mcu`: exact instruction counts from SysTick under -icount), and report instructions
per inference and per MAC, arena, RAM, runtime code (flash minus weights), flash, and the ratio of each to the
peer figures measured on the same emulated Cortex-M4 (../shared/benchmarks/peer_tflm_cmsis_nn.md): TFLM +
CMSIS-NN (instructions, arena, runtime code; goals 0.6 / 0.7 / 0.3) and, where measured, TFLM's reference
kernels (instructions: the bar for edgeq's portable kernels, goal <= 1). A model the runtime refuses is
reported as refused with the reason.

Kernels: by default what `edgeq build` chooses for the board (packed SIMD variants where the core has DSP,
the portable kernels where it has not; Helium (MVE) variants first on a Cortex-M55 board such as mps3-an547). `--reference-kernels` generates without the packed variants;
`--packed-variants` forces them even on a core without DSP (their SIMD then runs as portable C emulation),
to measure that choice. `--per-op` adds each operator's instructions, MACs, the kernel that ran, its family
(portable / DSP / variant / MVE) and why faster variants declined.

    .venv/bin/python tools/bench_mcu.py ../shared/models/*.tflite --board mps2-an385 --per-op --json m3.json

Prints markdown; `--json FILE` writes every figure (and the per-op rows) as JSON.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from edgeq.errors import EdgeqError  # noqa: E402

# TFLM 90b983c2 + CMSIS-NN 4ab83cc3, gcc 12.2, QEMU 7.2 mps2-an386 -icount shift=0 (peer_tflm_cmsis_nn.md):
# MACs, exact instructions per inference, arena_used_bytes(), runtime code (ELF text minus the model).
PEERS = {
    "kws_ref_model": {"macs": 2_656_768, "instructions": 7_698_261, "arena": 22_820, "runtime_code": 74_596},
    "pretrainedResnet_quant": {"macs": 12_501_632, "instructions": 29_862_080, "arena": 54_996,
                               "runtime_code": 71_940},
    "ad01_int8": {"macs": 264_192, "instructions": 583_272, "arena": 2_580, "runtime_code": 44_768},
    "person_detect": {"macs": 7_157_888, "instructions": 22_929_281, "arena": 82_308, "runtime_code": 91_740},
    "micro_speech_quantized": {"macs": 336_000, "instructions": 1_495_461, "arena": 6_836, "runtime_code": 79_688},
    "keyword_scrambled_8bit": {"macs": 21_056, "instructions": 120_666, "arena": 8_212, "runtime_code": 70_524},
    "trained_lstm_int8": {"macs": 113_120, "instructions": 575_026, "arena": 4_052, "runtime_code": 77_156},
}
# TFLM's reference kernels (no CMSIS-NN), same set-up: instructions per inference.
TFLM_REFERENCE = {"kws_ref_model": 43_040_200, "pretrainedResnet_quant": 107_406_480, "ad01_int8": 1_952_640}
GOALS = {"instructions": 0.6, "arena": 0.7, "runtime_code": 0.3}
REFERENCE_GOAL = 1.0  # portable kernels: never more instructions than TFLM's reference kernels


def build_target_for(board_id: str, kernels: str):
    """The board's build target, with the packed variants as the build chooses or forced off/on."""
    from edgeq.targets import get_board
    from edgeq.targets.resolver import resolve

    board = get_board(board_id)
    if not board.emulated:
        raise EdgeqError(f"board {board_id} has no [emulator]: this benchmark runs in QEMU",
                         "pick an emulated board (`edgeq targets`), e.g. mps2-an386 or mps2-an385")
    target = resolve(board_id).recipe()
    if kernels == "portable":
        return dataclasses.replace(target, packed_variants=False)
    if kernels == "variants":
        return dataclasses.replace(target, packed_variants=True)
    return target


def bench_one(model: Path, target, work: Path, runs: int, per_op: bool) -> dict:
    from edgeq.bench.mcu import bench_mcu
    from edgeq.bench.per_op import profile_build
    from edgeq.targets.resolver import resolve_run
    from edgeq.build.project import build_project
    from edgeq.ir import parse
    from edgeq.ir.macs import total_macs

    out = work / model.stem
    build = build_project(model, target, out, force=True)
    graph = parse(model.read_bytes())
    device = resolve_run(build, emulate=True)
    transport = device.open(build)
    try:
        result = bench_mcu(build, transport, device, runs=runs, warmups=1)
        ops = [row.to_dict() for row in profile_build(build, transport)] if per_op else []
    finally:
        transport.close()
    macs = total_macs(graph)
    instructions = int(result.instructions_per_inference)
    row = {
        "model": model.stem, "board": result.board, "packed_variants": target.packed_variants,
        "macs": macs, "instructions": instructions,
        "instructions_per_mac": round(instructions / macs, 3) if macs else None,
        "arena": result.arena_bytes, "ram": result.ram_bytes, "flash": result.flash_bytes,
        "weights": result.weights_bytes, "runtime_code": result.flash_bytes - result.weights_bytes,
        "kernel_sources": list(build.kernel_sources), "per_op": ops,
    }
    peer = PEERS.get(model.stem)
    if peer:
        row["peer"] = peer
        row["ratio"] = {key: round(row[key] / peer[key], 3) for key in GOALS}
        row["goal_met"] = {key: row["ratio"][key] <= limit for key, limit in GOALS.items()}
    reference = TFLM_REFERENCE.get(model.stem)
    if reference:
        row["tflm_reference_instructions"] = reference
        row["ratio_tflm_reference"] = round(instructions / reference, 3)
    return row


def refusal(model: Path) -> EdgeqError | None:
    """Why edgeq's MCU runtime cannot run the model (parse errors, unsupported operators), or None."""
    from edgeq.ir import parse, require_mcu_support

    try:
        require_mcu_support(parse(model.read_bytes(), label=str(model)))
    except EdgeqError as err:
        return err
    return None


def kernels_label(row: dict) -> str:
    return "variants" if row["packed_variants"] else "portable"


def markdown(rows: list[dict], board: str) -> str:
    lines = [f"Board {board} (QEMU -icount: instructions, not cycles).", "",
             "| model | kernels | MACs | instructions / inference | instr/MAC | arena B | RAM B | runtime code B "
             "(flash − weights) | flash B | vs TFLM+CMSIS-NN instr / arena / code (goal ≤ 0.6 / 0.7 / 0.3) "
             "| vs TFLM reference kernels (instr) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        if "refused" in r or "failed" in r:
            what = "refused" if "refused" in r else "failed"
            reason = " ".join(r[what].split())
            lines.append(f"| {r['model']} | {what}: {reason} | | | | | | | | | |")
            continue
        ratio = r.get("ratio")
        ratio_text = (" / ".join(f"{ratio[k]:.3f}{'' if r['goal_met'][k] else ' ✗'}" for k in GOALS)
                      if ratio else "no peer figure")
        ref = r.get("ratio_tflm_reference")
        ref_text = f"{ref:.3f}{'' if ref <= REFERENCE_GOAL else ' ✗'}" if ref is not None else "–"
        ipm = f"{r['instructions_per_mac']:.2f}" if r["instructions_per_mac"] is not None else "–"
        lines.append(f"| {r['model']} | {kernels_label(r)} | {r['macs']:,} | {r['instructions']:,} | {ipm} | "
                     f"{r['arena']:,} | {r['ram']:,} | {r['runtime_code']:,} | {r['flash']:,} | {ratio_text} | "
                     f"{ref_text} |")
    for r in rows:
        if not r.get("per_op"):
            continue
        lines += ["", f"**{r['model']}** per operator ({kernels_label(r)}, {r['board']}):", "",
                  "| # | op | kernel | family | MACs | instructions | instr/MAC | share | faster variants declined |",
                  "|---:|---|---|---|---:|---:|---:|---:|---|"]
        total = sum(o["units"] for o in r["per_op"]) or 1
        for o in r["per_op"]:
            ipm = f"{o['units_per_mac']:.2f}" if o["units_per_mac"] is not None else "–"
            declined = "; ".join(o["declined"]) or "–"
            lines.append(f"| {o['index']} | {o['opcode']} | {o['kernel']} | {o['family']} | {o['macs']:,} | "
                         f"{o['units']:,} | {ipm} | {100 * o['units'] / total:.1f} % | {declined} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help=".tflite files")
    parser.add_argument("--board", default="mps2-an386",
                        help="emulated board id (default mps2-an386, Cortex-M4F; also mps2-an385 M3, mps2-an500 "
                             "M7, mps2-an505 M33, mps3-an547 M55)")
    parser.add_argument("--runs", type=int, default=2, help="timed runs per model (counts are exact; default 2)")
    parser.add_argument("--per-op", action="store_true", help="per-operator instructions, kernel and family")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--reference-kernels", action="store_true",
                        help="generate without the packed variants (portable kernels, plus dsp/ where the core has DSP)")
    choice.add_argument("--packed-variants", action="store_true",
                        help="force the packed variants even where the build would not choose them (no-DSP cores)")
    parser.add_argument("--json", type=Path, help="write all figures to this JSON file")
    parser.add_argument("--keep", type=Path, help="keep the build directories here (default: a temp dir)")
    args = parser.parse_args(argv)
    kernels = "portable" if args.reference_kernels else "variants" if args.packed_variants else "build"
    rows = []
    try:
        target = build_target_for(args.board, kernels)
        with contextlib.ExitStack() as stack:
            work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="edgeq-bench-mcu-")))
            work.mkdir(parents=True, exist_ok=True)
            for model in args.models:
                err = refusal(model) if model.is_file() else EdgeqError(f"model file not found: {model}", "")
                if err is not None:
                    rows.append({"model": model.stem, "refused": err.message, "hint": err.hint})
                    continue
                try:
                    rows.append(bench_one(model, target, work, args.runs, args.per_op))
                except EdgeqError as err:  # a build or run failure: reported, the other models still run
                    rows.append({"model": model.stem, "failed": err.message, "hint": err.hint})
    except EdgeqError as err:
        print(f"error: {err.message}\nhint: {err.hint}", file=sys.stderr)
        return 1
    print(markdown(rows, args.board))
    if args.json:
        tmp = args.json.with_suffix(args.json.suffix + ".tmp")
        tmp.write_text(json.dumps({"board": args.board, "kernels": kernels, "results": rows, "goals": GOALS,
                                   "tflm_reference_goal": REFERENCE_GOAL}, indent=2) + "\n")
        tmp.replace(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
