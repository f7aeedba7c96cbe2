"""The report of a grid sweep (results.json with schema edgeq.grid/1): per-model and per-board views and the
best mode per (model, board), as report.html, report.json and summary.md (pure: dicts in, strings out).

"Best" is the sweep's own recommendation when --max-drop was given, else the same rule
(`edgeq.sweep.recommend`: the smallest, then fastest, mode within the budget) with a 1-point budget.
Each (model, target) is also a complete `SweepResult`, which `edgeq report` renders alone when it is the
only one.
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Mapping, Sequence

from edgeq.errors import EdgeqError
from edgeq.sweep.recommend import recommend
from edgeq.sweep.record import SweepResult, from_dict

GRID_SCHEMA = "edgeq.grid/1"
GRID_REPORT_SCHEMA = "edgeq.grid-report/1"
DEFAULT_BUDGET = 1.0  # accuracy points, when the sweep had no --max-drop
COLUMNS = ("model", "board", "best mode", "top-1", "size", "latency", "modes ok", "why")


def load_grid(data: Mapping) -> tuple[tuple[SweepResult, ...], tuple[str, ...]]:
    sweeps = data.get("sweeps")
    if not isinstance(sweeps, list):
        raise EdgeqError(f"not a valid grid result ({GRID_SCHEMA}): sweeps must be a list",
                         "point at the directory written by `edgeq sweep`, or rerun the sweep")
    return tuple(from_dict(s) for s in sweeps), tuple(str(p) for p in data.get("pending", ()))


def best(result: SweepResult):
    """(mode or None, reason, budget)."""
    rec = result.recommendation
    if rec is None:
        if not result.modes:
            return None, "no mode finished yet", DEFAULT_BUDGET
        rec = recommend(result.modes, result.target, DEFAULT_BUDGET, result.float_accuracy)
    return rec.mode, rec.reason, rec.max_drop


def row(result: SweepResult) -> tuple[str, ...]:
    mode, reason, budget = best(result)
    chosen = result.mode(mode) if mode else None
    size = None if chosen is None else (chosen.flash_bytes if result.target.runs_firmware else chosen.model_bytes)
    ok = sum(m.ok for m in result.modes)
    return (Path(result.model_path).name, result.target.id, mode or "–",
            "–" if chosen is None or chosen.accuracy is None else f"{chosen.accuracy:.2%} ({chosen.accuracy_source})",
            "–" if size is None else f"{size:,} B",
            "–" if chosen is None or chosen.latency_ms is None else f"{chosen.latency_ms:.3g} ms ({chosen.latency_source})",
            f"{ok}/{len(result.modes)}", f"budget {budget:g} pt: {reason}")


def views(sweeps: Sequence[SweepResult]) -> dict[str, dict[str, list[tuple[str, ...]]]]:
    by_model: dict[str, list] = {}
    by_board: dict[str, list] = {}
    for result in sweeps:
        r = row(result)
        by_model.setdefault(r[0], []).append(r)
        by_board.setdefault(r[1], []).append(r)
    return {"per-model": by_model, "per-board": by_board}


def render_markdown(sweeps: Sequence[SweepResult], pending: Sequence[str]) -> str:
    lines = [f"# edgeq grid sweep: {len({s.model_path for s in sweeps})} models × "
             f"{len({s.target.id for s in sweeps})} boards", ""]
    if pending:
        lines += [f"{len(pending)} cells still pending (the sweep was interrupted or is running).", ""]
    for view, groups in views(sweeps).items():
        lines.append(f"## {view} view")
        for name, rows in groups.items():
            lines += ["", f"### {name}", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
            lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows]
        lines.append("")
    failed = [(s, m) for s in sweeps for m in s.modes if not m.ok]
    if failed:
        lines += ["## Cells that did not run", ""]
        lines += [f"- {Path(s.model_path).name} on {s.target.id}, {m.mode} (failed at {m.stage}): "
                  f"{m.reason.splitlines()[0]}" for s, m in failed]
    return "\n".join(lines) + "\n"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def render_html(sweeps: Sequence[SweepResult], pending: Sequence[str]) -> str:
    parts = ["<!doctype html><html><head><meta charset=\"utf-8\"><title>edgeq grid sweep</title><style>"
             "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px}"
             "table{border-collapse:collapse;font-size:.85em}th,td{border:1px solid #ccc;padding:.25em .5em}"
             "th{background:#f0f0f0}</style></head><body><h1>edgeq grid sweep</h1>"]
    if pending:
        parts.append(f"<p id=\"pending\">{len(pending)} cells still pending.</p>")
    for view, groups in views(sweeps).items():
        parts.append(f"<h2 id=\"{_e(view)}\">{_e(view)} view</h2>")
        for name, rows in groups.items():
            head = "".join(f"<th>{_e(c)}</th>" for c in COLUMNS)
            body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
            parts.append(f"<h3>{_e(name)}</h3><table class=\"{_e(view)}\"><thead><tr>{head}</tr></thead>"
                         f"<tbody>{body}</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def render_json(sweeps: Sequence[SweepResult], pending: Sequence[str]) -> str:
    best_modes = [{"model": r[0], "board": r[1], "best_mode": None if r[2] == "–" else r[2]}
                  for r in (row(s) for s in sweeps)]
    return json.dumps({"schema": GRID_REPORT_SCHEMA, "best": best_modes, "pending": list(pending)}, indent=2)


def render_files(data: Mapping) -> dict[str, str]:
    sweeps, pending = load_grid(data)
    return {"report.html": render_html(sweeps, pending), "report.json": render_json(sweeps, pending),
            "summary.md": render_markdown(sweeps, pending)}
