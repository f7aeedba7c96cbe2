"""`edgeq report DIR`: render a sweep directory's `results.json` as report.html, report.json and summary.md.

`write_report(sweep_dir, out_dir=None, force=False)` is the only IO: it reads the results, renders every
file in memory, writes them into a temporary directory next to the destination and moves them into place
only when all three exist. Report files in the sweep directory itself are derived artefacts and are
replaced on every run; in any other directory an existing file is replaced only with `force`.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from edgeq.errors import EdgeqError
from edgeq.sweep.record import SweepResult, from_dict

RESULTS_FILE = "results.json"
REPORT_FILES = ("report.html", "report.json", "summary.md")


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    json: Path
    markdown: Path


def load_results(sweep_dir: str | Path) -> SweepResult:
    path = Path(sweep_dir)
    if path.is_dir():
        path = path / RESULTS_FILE
    if not path.is_file():
        raise EdgeqError(f"no sweep results at {path}", "run `edgeq sweep MODEL ... -o DIR` first, then "
                         "`edgeq report DIR`")
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise EdgeqError(f"cannot read sweep results {path}: {err}", "rerun the sweep to rewrite it") from err
    return from_dict(data)


def render_files(result: SweepResult) -> dict[str, str]:
    """File name → contents for every report file."""
    from edgeq.report.figures import layer_figure, pareto_figures
    from edgeq.report.render import render_html, render_json, render_markdown
    from edgeq.report.tables import chosen_mode

    figures = pareto_figures(result)
    layers = layer_figure(chosen_mode(result))
    return {
        "report.html": render_html(result, figures, layers),
        "report.json": render_json(result, figures, layers),
        "summary.md": render_markdown(result),
    }


def write_report(sweep_dir: str | Path, out_dir: str | Path | None = None, force: bool = False) -> ReportFiles:
    sweep_dir = Path(sweep_dir)
    grid = _grid_document(sweep_dir)  # several models or boards: edgeq.report.grid
    result = load_results(sweep_dir) if grid is None else None
    dest = Path(out_dir) if out_dir is not None else sweep_dir
    if dest.exists() and not dest.is_dir():
        raise EdgeqError(f"report destination {dest} is a file", "pass a directory with -o")
    if dest.resolve() != sweep_dir.resolve() and not force:
        existing = [name for name in REPORT_FILES if (dest / name).exists()]
        if existing:
            raise EdgeqError(f"{dest} already has {', '.join(existing)}", "pass --force to replace them")
    if grid is not None:
        from edgeq.report.grid import render_files as render_grid

        contents = render_grid(grid)
    else:
        contents = render_files(result)
    dest.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".report.", dir=dest))
    try:
        for name, text in contents.items():
            (tmp / name).write_text(text, encoding="utf-8")
        for name in REPORT_FILES:
            os.replace(tmp / name, dest / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ReportFiles(dest / "report.html", dest / "report.json", dest / "summary.md")


def _grid_document(sweep_dir: Path) -> dict | None:
    """results.json when it is a grid's (schema edgeq.grid/1), else None (a single sweep, or unreadable:
    `load_results` says why)."""
    path = sweep_dir / RESULTS_FILE if sweep_dir.is_dir() else sweep_dir
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    from edgeq.report.grid import GRID_SCHEMA

    return data if isinstance(data, dict) and data.get("schema") == GRID_SCHEMA else None
