"""`edgeq sweep MODEL... (--target CORE | --board ID | --adb [SERIAL] | --host)... --val-data VAL.npz -o DIR
[--cluster ray | --ray-address ADDR]`: one model on one target, or a grid of models × targets (`edgeq.sweep.grid`)."""
from __future__ import annotations

from pathlib import Path

import click


def _range(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        raise click.BadParameter(f"expected LO,HI, got {text!r}", param_hint="--input-range") from None
    return lo, hi


@click.command("sweep")
@click.argument("models", nargs=-1, required=True)
@click.option("--target", "cores", multiple=True, help="Core (e.g. cortex-m4): its default (emulated) board. Repeatable.")
@click.option("--board", "boards", multiple=True, help="Board id (see `edgeq targets`). Repeatable.")
@click.option("--adb", "adb", default=None, is_flag=False, flag_value="adb",
              help="An Android phone over adb (optionally its serial).")
@click.option("--host", "host", is_flag=True, help="This machine, with LiteRT.")
@click.option("--val-data", required=True, type=click.Path(dir_okay=False),
              help="Labelled validation set (.npz with x, y): accuracy is measured on it.")
@click.option("--val-samples", type=int, default=None, help="Use only the first N validation samples.")
@click.option("--calib", default=None, help="Calibration data (.npy/.npz/image dir) or 'synthetic'.")
@click.option("--calib-count", type=int, default=200, show_default=True)
@click.option("--input-range", default=None, help="LO,HI of the model inputs (for --calib synthetic).")
@click.option("--train-data", type=click.Path(dir_okay=False), default=None,
              help="Labelled training set (.npz) for the qat mode.")
@click.option("--epochs", type=int, default=3, show_default=True, help="QAT fine-tuning epochs.")
@click.option("--modes", default="all", show_default=True,
              help="Comma list of fp32,fp16,dynamic,int8,int16x8,qat,mixed,int4.")
@click.option("--max-drop", type=float, default=None,
              help="Accuracy budget in points: recommend the smallest/fastest mode within it.")
@click.option("--runs", type=int, default=3, show_default=True, help="Timed runs per mode.")
@click.option("--warmups", type=int, default=1, show_default=True)
@click.option("--threads", type=int, default=1, show_default=True, help="Host/phone threads.")
@click.option("--delegate", default="cpu", show_default=True, help="Phone delegate: cpu, xnnpack, gpu, nnapi.")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Sweep directory: results.json, the report, and the cache reused by reruns.")
@click.option("--force", is_flag=True, help="Write into a directory that is not an earlier sweep's (files kept).")
@click.option("--redo", is_flag=True, help="Discard the cache: convert, build and measure every mode again.")
@click.option("--no-report", is_flag=True, help="Skip the HTML report.")
@click.option("--cluster", type=click.Choice(["local", "ray"]), default=None,
              help="Where cells run: local (a process pool, the default) or ray (an existing Ray cluster).")
@click.option("--ray-address", default=None, metavar="HOST:PORT", help="The Ray cluster's head (implies --cluster ray).")
@click.option("--workers", type=int, default=None, help="Local executor: processes (default: this machine's cores).")
@click.option("--json", "as_json", is_flag=True, help="Print results.json on stdout (progress stays on stderr).")
def command(models, cores, boards, adb, host, val_data, val_samples, calib, calib_count, input_range, train_data,
            epochs, modes, max_drop, runs, warmups, threads, delegate, out_dir, force, redo, no_report, cluster,
            ray_address, workers, as_json) -> None:
    """Convert each MODEL (Keras models or .tflite files, paths or globs) in every quantization mode, run each
    on every target and measure accuracy (on the device for boards and the emulator), latency, energy, flash,
    RAM and size; modes a target cannot run are listed with the reason. Reruns reuse work already done.

    \b
    A .tflite is already converted: it is measured as the one mode its file is
    (fp32, fp16, dynamic, int8, int16x8, int4 or mixed, read from the file; qat
    when edgeq converted it), with no float baseline or per-layer error. Its
    other --modes are refused with the reason; if --modes leaves its mode out,
    every cell is refused and the hint names the mode to add.

    \b
    Several models or targets: results.json holds the grid (edgeq.grid/1) and
    each (model, target) logs to DIR/logs/MODEL@TARGET/MODE-*.txt."""
    import sys

    from edgeq.errors import EdgeqError
    from edgeq.sweep.display import GridDisplay
    from edgeq.sweep.executors import make_executor
    from edgeq.sweep.grid import expand_models, grid_requests, run_grid
    from edgeq.sweep.plan import parse_modes
    from edgeq.sweep.run import SweepRequest
    from edgeq.sweep.targets import resolve

    targets = [resolve(core=core) for core in cores] + [resolve(board=board) for board in boards]
    if adb is not None:
        targets.append(resolve(adb=adb))
    if host:
        targets.append(resolve(host=True))
    if not targets:
        raise EdgeqError("choose at least one of --target CORE/--board ID, --adb [SERIAL], --host",
                         "e.g. --target cortex-m4 (the emulated Cortex-M4); each is repeatable")
    targets = list(dict.fromkeys(targets))
    if max_drop is not None and max_drop < 0:
        raise EdgeqError(f"--max-drop must be >= 0, got {max_drop}", "e.g. --max-drop 1.0 (accuracy points)")
    if runs < 1 or warmups < 0:
        raise EdgeqError("--runs must be at least 1 and --warmups at least 0", "e.g. --runs 3 --warmups 1")
    if workers is not None and workers < 1:
        raise EdgeqError(f"--workers must be at least 1, got {workers}", "e.g. --workers 2")
    template = SweepRequest(
        model=Path(), target=targets[0], val_data=Path(val_data), out_dir=Path(out_dir),
        modes=parse_modes(modes), calib=calib, calib_count=calib_count, input_range=_range(input_range),
        train_data=Path(train_data) if train_data else None, epochs=epochs, max_drop=max_drop,
        val_limit=val_samples, runs=runs, warmups=warmups, threads=threads, delegate=delegate, force=force,
        redo=redo)
    requests = grid_requests(template, expand_models(models), targets)
    executor = make_executor(cluster, ray_address, workers, lock_dir=Path(out_dir) / "cache" / ".locks")
    display = GridDisplay(sys.stderr) if len(requests) > 1 else None
    echo = display.print if display is not None else (lambda line: click.echo(line, err=True))
    try:
        grid = run_grid(requests, executor, progress=echo, display=display)
    finally:
        if display is not None:
            display.close()
    if as_json:
        import json

        from edgeq import jsontext
        from edgeq.sweep.run import RESULTS_FILE

        if not no_report:
            from edgeq.report import write_report

            write_report(out_dir)
        document = json.loads((Path(out_dir) / RESULTS_FILE).read_text(encoding="utf-8"))
        click.echo(jsontext.dumps(document, indent=2))
        return
    for result in grid.sweeps:
        if result.recommendation is not None:
            rec = result.recommendation
            where = "" if len(grid.sweeps) == 1 else f" ({Path(result.model_path).name} on {result.target.id})"
            click.echo(f"recommended{where}: {rec.mode} — {rec.reason}" if rec.mode
                       else f"no recommendation{where}: {rec.reason}")
    if not no_report:
        from edgeq.report import write_report

        files = write_report(out_dir)
        click.echo(files.markdown.read_text(encoding="utf-8"))
        click.echo(f"report: {files.html}")
    else:
        click.echo(f"results: {Path(out_dir) / 'results.json'}")
