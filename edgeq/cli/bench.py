"""`edgeq bench`: measure a model on a target.

Targets (exactly one): `--adb [SERIAL]` (an Android phone, edgeq.bench.phone), `--host` (LiteRT here,
edgeq.bench.host_litert; for a host build DIR, the generated C, edgeq.bench.host_c), and for a microcontroller build directory `--emulate` (QEMU), `--port DEV` or
`--board ID` (a lab-file board) (edgeq.bench.mcu). Each target is one entry in TARGETS: the CLI only validates options, dispatches,
and prints; measuring lives in edgeq.bench.
"""
from __future__ import annotations

from pathlib import Path

import click

from edgeq import jsontext
from edgeq.errors import EdgeqError


def _phone(model: Path, opts: dict):
    from edgeq.bench.phone import run_on_phone

    return run_on_phone(model, serial=opts["adb"] or None, phone_id=opts["phone"],
                        benchmark_binary=opts["benchmark_binary"], threads=opts["threads"],
                        delegate=opts["delegate"] or "xnnpack", runs=opts["runs"], warmups=opts["warmups"],
                        allow_charging=opts["allow_charging"])


def _host(model: Path, opts: dict):
    from edgeq.bench.host_litert import run_on_host

    if opts["delegate"] not in (None, "cpu", "xnnpack"):
        raise EdgeqError(f"--delegate {opts['delegate']} does not exist on the host",
                         "use --xnnpack/--no-xnnpack (or --delegate cpu|xnnpack) with --host")
    xnnpack = opts["xnnpack"] if opts["delegate"] is None else opts["delegate"] == "xnnpack"
    return run_on_host(model, threads=opts["threads"], xnnpack=xnnpack, runs=opts["runs"], warmups=opts["warmups"])


# target option -> runner(model, options) -> InferenceBench
TARGETS = {"adb": _phone, "host": _host}


def _print(result) -> None:
    def ms(v):
        return "n/a" if v is None else f"{v:.3f} ms"

    click.echo(f"target {result.target}  model {result.model}  ({result.tool}, {result.threads} thread(s))")
    applied = {True: "applied", False: "NOT applied", None: "-"}[result.delegate_applied]
    click.echo(f"delegate {result.delegate}: {applied} ({result.delegate_detail})")
    click.echo(f"latency {ms(result.latency_ms)} mean of {result.runs if result.runs is not None else '?'} runs "
               f"(std {ms(result.latency_std_ms)}, min {ms(result.latency_min_ms)}, max {ms(result.latency_max_ms)}; "
               f"source {result.latency_source})")
    click.echo(f"init {ms(result.init_ms)}, first inference {ms(result.first_inference_ms)}, "
               f"warm-ups {result.warmups if result.warmups is not None else '?'}")
    if result.memory_kind:
        click.echo(f"memory ({result.memory_kind}, as benchmark_model reports it) {result.memory_overall_mb:.1f} MB")
    if result.energy_uj is not None:
        click.echo(f"energy {result.energy_uj:.1f} µJ per inference (source {result.energy_source}; "
                   f"{result.energy_note})")
    else:
        click.echo(f"energy: n/a ({result.energy_note})")
    for caveat in result.energy_caveats:
        click.echo(f"  caveat: {caveat}")


def _mcu(build_dir: Path, opts: dict, as_json: bool) -> None:
    from edgeq.bench.mcu import bench_mcu
    from edgeq.bench.per_op import profile_build
    from edgeq.build.manifest import read_build
    from edgeq.targets.resolver import resolve_run

    if not build_dir.is_dir():
        raise EdgeqError(f"{build_dir} is not a build directory",
                         "--emulate/--port/--board measure an `edgeq build MODEL --target CORE -o DIR` directory")
    build = read_build(build_dir)
    target = resolve_run(build, emulate=opts["emulate"], port=opts["port"], board=opts["board"])
    transport = target.open(build)
    with transport, click.progressbar(length=opts["warmups"] + opts["runs"], label=f"bench on {target.name}",
                                      file=click.get_text_stream("stderr")) as bar:
        def progress(done: int, total: int) -> None:
            bar.update(done - bar.pos)

        try:
            result = bench_mcu(build, transport, target, runs=opts["runs"], warmups=opts["warmups"],
                               progress=progress)
            per_op = profile_build(build, transport) if opts["per_op"] else None
        except EdgeqError as err:
            from edgeq.transport.transcript import with_transcript

            raise with_transcript(err, transport, build_dir, "bench") from None
    if as_json:
        figures = result.to_dict()
        if per_op is not None:
            figures["per_op"] = [row.to_dict() for row in per_op]
        click.echo(jsontext.dumps(figures, indent=2))
    else:
        _print_mcu(result)
        if per_op is not None:
            _print_per_op(per_op, result.timing_unit)


def _host_build(build_dir: Path, opts: dict, as_json: bool) -> None:
    """`edgeq bench DIR --host`: the generated C of a host build, timed by the program itself."""
    from edgeq.bench.host_c import bench_host_build
    from edgeq.cli.progress import counter

    result = bench_host_build(build_dir, runs=opts["runs"], warmups=opts["warmups"],
                              progress=counter("bench: runs on the host"))
    if as_json:
        click.echo(jsontext.dumps(result.to_dict(), indent=2))
        return
    click.echo(f"host build {build_dir}  model {result.model}  ({result.runs} runs after {result.warmups} warm-ups)")
    click.echo(f"latency {result.latency_ms:.4f} ms median (min {result.latency_min_ms:.4f}, max "
               f"{result.latency_max_ms:.4f}; source host: the generated C on this machine, not a target), "
               f"arena {result.arena_bytes:,} B")


def _print_per_op(rows, unit: str) -> None:
    total = sum(row.units for row in rows) or 1
    click.echo(f"\n{'#':>4} {'operator':<20} {'kernel (family)':<44} {unit:>12} {'MACs':>11} {'/MAC':>6} {'share':>6}")
    for row in rows:
        per_mac = f"{row.units_per_mac:.2f}" if row.units_per_mac is not None else "-"
        click.echo(f"{row.index:>4} {row.opcode:<20} {f'{row.kernel} ({row.family})':<44} {row.units:>12,} "
                   f"{row.macs:>11,} {per_mac:>6} {100 * row.units / total:>5.1f}%")
        for reason in row.declined:
            click.echo(f"{'':>26}{reason}")


def _print_mcu(result) -> None:
    # by the timer that produced it, not by truthiness: a count of 0 is a figure, not a missing one
    unit = result.timing_unit
    count = result.instructions_per_inference if unit == "instructions" else result.cycles_per_inference
    click.echo(f"board {result.board}  model {result.model}  ({result.runs} runs after {result.warmups} warm-ups)")
    click.echo(f"{'n/a' if count is None else format(count, ',')} {unit} per inference "
               f"(median; timing source {result.timing_source})")
    click.echo(f"latency {result.latency_ms:.3f} ms ({result.latency_source}) — {result.latency_note}")
    click.echo(f"energy {result.energy_uj:.1f} uJ per inference ({result.energy_source}) — {result.energy_note}")
    click.echo(f"memory: flash {result.flash_bytes:,} B (code {result.code_bytes:,}, weights {result.weights_bytes:,}), "
               f"RAM {result.ram_bytes:,} B (arena {result.arena_bytes:,})")


@click.command("bench")
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--adb", "adb", is_flag=False, flag_value="", default=None, metavar="[SERIAL]",
              help="Measure on an Android phone over adb (serial needed when several are attached).")
@click.option("--host", is_flag=True, help="Measure on this machine with LiteRT (ai-edge-litert).")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--delegate", type=click.Choice(["cpu", "xnnpack", "gpu", "nnapi"]), default=None,
              help="Phone: delegate for benchmark_model (default xnnpack). Host: cpu or xnnpack.")
@click.option("--xnnpack/--no-xnnpack", default=True, show_default=True, help="Host: XNNPACK on or off.")
@click.option("--runs", type=click.IntRange(min=1), default=50, show_default=True, help="Timed runs.")
@click.option("--warmups", type=click.IntRange(min=0), default=5, show_default=True, help="Warm-up runs.")
@click.option("--benchmark-binary", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Phone: local benchmark_model binary to push (else the phone's TOML, else on the device).")
@click.option("--phone", default=None, metavar="ID", help="Phone description devices/phones/ID.toml.")
@click.option("--allow-charging", is_flag=True, help="Phone: report energy even on external power.")
@click.option("--emulate", is_flag=True, help="Microcontroller build DIR: run it in QEMU (estimated figures).")
@click.option("--port", default=None, metavar="DEV", help="Microcontroller build DIR: the flashed board's serial port.")
@click.option("--board", default=None, metavar="ID", help="Microcontroller build DIR: a board from the lab file.")
@click.option("--per-op", is_flag=True,
              help="Microcontroller build DIR: per-operator instructions/cycles, the kernel that ran, and why "
                   "a faster kernel declined.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def command(model: Path, adb: str | None, host: bool, as_json: bool, **opts) -> None:
    """Measure latency (and energy on a phone) of MODEL on one target (or of a microcontroller build DIR)."""
    from edgeq.targets.choice import one_target

    chosen = one_target({"--adb [SERIAL]": adb is not None, "--host": host, "--emulate": opts["emulate"],
                         "--port DEV": opts["port"] is not None, "--board ID": opts["board"] is not None},
                        "e.g. `edgeq bench model.tflite --host`; --emulate/--port/--board measure a build DIR")
    if chosen in ("--emulate", "--port DEV", "--board ID"):
        _mcu(model, opts, as_json)
        return
    if chosen == "--host" and model.is_dir():
        _host_build(model, opts, as_json)
        return
    if not model.is_file():
        raise EdgeqError(f"model {model} does not exist", "give the path of a .tflite file")
    if model.suffix != ".tflite":
        raise EdgeqError(f"{model} is not a .tflite file", "convert it first with `edgeq convert`")
    result = TARGETS[chosen.split()[0].lstrip("-")](model, {**opts, "adb": adb})
    if as_json:
        click.echo(jsontext.dumps(result.to_json(), indent=2))
    else:
        _print(result)
