"""The three report files from one `SweepResult`: self-contained HTML, report.json and summary.md (pure:
strings in, strings out; figures arrive as PNG bytes and are embedded as base64 data URIs)."""
from __future__ import annotations

import base64
import html
import json
from typing import Sequence

from edgeq import jsontext
from edgeq.report.figures import Figure
from edgeq.report.tables import COLUMNS, LAYER_COLUMNS, chosen_mode, layer_rows, mode_rows
from edgeq.sweep.record import SweepResult, to_dict

REPORT_SCHEMA = "edgeq.report/1"

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
tr.failed td { background: #fff0f0; }
tr.recommended td { background: #f0fff0; font-weight: 600; }
#pareto { display: flex; flex-wrap: wrap; gap: 1em; }
#pareto figure { flex: 1 1 340px; max-width: 400px; margin: 0; }
figure { margin: 0.5em 0 1em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.8em; color: #444; max-width: 720px; }
.source { font-style: italic; }
.box { border: 1px solid #9c9; background: #f6fff6; padding: 0.6em 1em; }
.box.none { border-color: #c99; background: #fff6f6; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; font-size: 0.9em; }
dt { font-weight: 600; }
"""

_SOURCE_LEGEND = (
    ("measured", "a real device or the linked ELF (exact byte counts)"),
    ("estimated", "derived from a model: QEMU instruction count × CPI ÷ clock, or a board's power model"),
    ("emulated", "computed by the firmware itself running in QEMU (outputs, accuracy, instruction counts)"),
    ("host", "computed on this machine (LiteRT, TFLite Micro or Keras), not on the target"),
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _figure_html(fig: Figure) -> str:
    caption = f"<figcaption><b>{_e(fig.title)}</b>. <span class=\"source\">Source: {_e(fig.source)}</span>"
    if fig.pareto:
        caption += f" Pareto front: {_e(', '.join(fig.pareto))}."
    if fig.note:
        caption += f" {_e(fig.note)}"
    caption += "</figcaption>"
    if fig.png is None:
        return f'<figure id="{_e(fig.id)}" class="empty"><p>No plot.</p>{caption}</figure>'
    data = base64.b64encode(fig.png).decode("ascii")
    return (f'<figure id="{_e(fig.id)}"><img alt="{_e(fig.title)} ({_e(fig.source)})" '
            f'src="data:image/png;base64,{data}">{caption}</figure>')


def _table(header: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]], table_id: str) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        f'<tr class="{_e(cls)}">' + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>" for cls, cells in rows
    )
    return f'<table id="{_e(table_id)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _facts(result: SweepResult) -> list[tuple[str, str]]:
    t = result.target
    where = t.name or t.id
    if t.kind == "board":
        where += " — emulated in QEMU" if t.emulated else " — real board"
    facts = [
        ("model", f"{result.model_path} (sha256 {result.model_sha256[:16]}…)"),
        ("target", f"{where} [{t.kind}{', ' + t.core if t.core else ''}]"),
        ("validation set", f"{result.val_path}: {result.val_samples} samples"),
        ("float accuracy", "–" if result.float_accuracy is None else f"{result.float_accuracy:.2%} (Keras, host)"),
        ("edgeq", f"{result.edgeq_version}; swept {result.created or 'at an unknown time'}"),
    ]
    for key, value in sorted(result.settings.items()):
        facts.append((f"setting: {key}", json.dumps(value) if not isinstance(value, str) else value))
    return facts


def render_html(result: SweepResult, figures: Sequence[Figure], layers_figure: Figure) -> str:
    rec = result.recommendation
    rec_mode = rec.mode if rec else None
    rows = [("failed" if not r.ok else ("recommended" if r.mode == rec_mode else "ok"), r.cells)
            for r in mode_rows(result, full_reason=False)]
    if rec is None:
        rec_html = '<div class="box none" id="recommendation">No accuracy budget given (--max-drop).</div>'
    elif rec.mode is None:
        rec_html = f'<div class="box none" id="recommendation"><b>No recommendation.</b> {_e(rec.reason)}</div>'
    else:
        rec_html = (f'<div class="box" id="recommendation"><b>Recommended: {_e(rec.mode)}</b> '
                    f'(budget {rec.max_drop:g} accuracy points). {_e(rec.reason)}</div>')
    failed = [m for m in result.modes if not m.ok]
    failed_html = ""
    if failed:
        items = "".join(f"<li><b>{_e(m.mode)}</b> (failed at {_e(m.stage)}): {_e(m.reason)}"
                        + (f" <i>Hint: {_e(m.hint)}</i>" if m.hint else "") + "</li>" for m in failed)
        failed_html = f'<h2>Modes that did not run</h2><ul id="failed-modes">{items}</ul>'
    chosen = chosen_mode(result)
    layer_html = _figure_html(layers_figure)
    if chosen is not None:
        layer_html += _table(LAYER_COLUMNS, [("", row) for row in layer_rows(chosen)], "layer-table")
    facts = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in _facts(result))
    legend = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in _SOURCE_LEGEND)
    title = f"edgeq sweep: {result.model_path} on {result.target.id}"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<dl id=\"facts\">{facts}</dl>",
        rec_html,
        "<h2>Trade-offs</h2>",
        '<div id="pareto">' + "".join(_figure_html(f) for f in figures) + "</div>",
        "<h2>Every mode</h2>",
        _table(COLUMNS, rows, "modes-table"),
        failed_html,
        f"<h2>Per-layer error and cost{': ' + _e(chosen.mode) if chosen else ''}</h2>",
        f'<div id="layers">{layer_html}</div>',
        "<h2>Where the numbers come from</h2>",
        f'<dl id="sources">{legend}</dl>',
        "</body></html>",
    ])


def render_json(result: SweepResult, figures: Sequence[Figure], layers_figure: Figure) -> str:
    chosen = chosen_mode(result)
    data = {
        "schema": REPORT_SCHEMA,
        "recommendation": to_dict(result)["recommendation"],
        "chosen_model": chosen.mode if chosen else None,
        "figures": [{"id": f.id, "title": f.title, "source": f.source, "pareto": list(f.pareto),
                     "rendered": f.png is not None, "note": f.note} for f in (*figures, layers_figure)],
        "sweep": to_dict(result),
    }
    return jsontext.dumps(data, indent=2)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(result: SweepResult) -> str:
    lines = [f"## edgeq sweep: `{result.model_path}` on `{result.target.id}`", ""]
    if result.float_accuracy is not None:
        lines.append(f"Float Keras accuracy {result.float_accuracy:.2%} (host) on {result.val_samples} samples.")
    rec = result.recommendation
    if rec is not None:
        lines.append(f"**Recommended: {rec.mode}** — {rec.reason}" if rec.mode else f"**No recommendation** — {rec.reason}")
    lines += ["", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in mode_rows(result):
        lines.append("| " + " | ".join(_md_cell(c) for c in row.cells) + " |")
    lines += ["", "Sources: " + "; ".join(f"*{k}*: {v}" for k, v in _SOURCE_LEGEND), ""]
    return "\n".join(lines)
