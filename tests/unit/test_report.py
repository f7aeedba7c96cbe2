"""The report files rendered from a schema-valid sweep result: structure, provenance, failures, safety."""
from __future__ import annotations

import base64
import io
import json
import re
from html.parser import HTMLParser

import pytest
from PIL import Image

from edgeq.errors import EdgeqError
from edgeq.report import write_report
from edgeq.sweep.record import from_dict, to_dict
from report_fixtures import synthetic_result, write_sweep


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.rows: list[list[str]] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self._table = attrs.get("id")
        elif tag == "tr" and self._table == "modes-table":
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self.rows.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_result_round_trips_through_json():
    result = synthetic_result()
    assert from_dict(json.loads(json.dumps(to_dict(result)))) == result


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.update(schema="other/1"), "schema"),
    (lambda d: d["modes"][0].update(accuracy_source="guessed"), "accuracy_source"),
    (lambda d: d["modes"][1].update(reason=""), "without a reason"),
    (lambda d: d["modes"][0].update(accuracy=97.5), "fraction"),
    (lambda d: d["modes"][0].update(colour="red"), "unknown keys"),
    (lambda d: d.pop("target"), "target"),
])
def test_invalid_results_are_refused(mutate, fragment):
    data = to_dict(synthetic_result())
    mutate(data)
    with pytest.raises(EdgeqError) as err:
        from_dict(data)
    assert fragment in err.value.message


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.update(modes=["x"]), "modes[0] must be an object"),
    (lambda d: d.update(modes=5), "modes must be a list"),
    (lambda d: d["modes"][0].update(accuracy="0.9"), "modes[0].accuracy is '0.9'"),
    (lambda d: d["modes"][0].update(layers=5), "modes[0].layers must be a list"),
    (lambda d: d["modes"][0].update(flash_bytes="big"), "modes[0].flash_bytes is 'big'"),
    (lambda d: d["modes"][0].update(cached="yes"), "modes[0].cached"),
    (lambda d: d.update(recommendation=[1]), "recommendation must be an object"),
    (lambda d: d["target"].update(emulated="no"), "target.emulated"),
])
def test_wrong_types_are_clear_cli_errors(tmp_path, mutate, fragment):
    """`edgeq report` on a results.json with wrong value types: the schema error, never a traceback."""
    import subprocess
    import sys

    data = to_dict(synthetic_result())
    mutate(data)
    (tmp_path / "results.json").write_text(json.dumps(data))
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "report", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "not a valid sweep result" in proc.stderr and fragment in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]  # no report written


def test_html_has_plots_table_failures_and_sources(tmp_path):
    files = write_report(write_sweep(tmp_path / "sweep"))
    page = files.html.read_text()
    parser = _Collector()
    parser.feed(page)
    images = [attrs for tag, attrs in parser.tags if tag == "img"]
    assert len(images) == 4  # three Pareto plots and the per-layer plot
    for attrs in images:
        assert attrs["src"].startswith("data:image/png;base64,")
        png = Image.open(io.BytesIO(base64.b64decode(attrs["src"].split(",", 1)[1])))
        assert png.size[0] > 300 and png.size[1] > 200
    # Self-contained: nothing is fetched from anywhere.
    assert not [a for t, a in parser.tags if t in ("script", "link") or "http" in a.get("src", "")]
    modes = [row[0] for row in parser.rows]
    assert modes == ["fp32", "fp16", "int8", "qat", "int4"]
    failed = {row[0]: row[-1] for row in parser.rows if row[1] == "failed"}
    assert failed == {"fp16": "failed at check (reason below)", "int4": "failed at convert (reason below)"}
    reasons = re.search(r'<ul id="failed-modes">(.*?)</ul>', page, re.S).group(1)
    assert "float16 weights &lt;are&gt; not supported" in reasons  # escaped in HTML
    assert "converter crashed" in reasons and "Hint: convert with" in reasons
    # Every figure names its source; emulated accuracy and estimated latency are labelled as such.
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    assert len(captions) == 4 and all("Source:" in c for c in captions)
    assert "accuracy: emulated; latency: estimated" in page
    assert 'id="recommendation"' in page and "Recommended: int8" in page
    assert 'id="layer-table"' in page


def test_report_json_and_summary(tmp_path):
    files = write_report(write_sweep(tmp_path / "sweep"))
    data = json.loads(files.json.read_text())
    assert data["schema"] == "edgeq.report/1"
    assert data["recommendation"]["mode"] == "int8"
    assert data["chosen_model"] == "int8"
    assert {f["id"] for f in data["figures"]} == {"pareto-size", "pareto-latency", "pareto-energy", "layers"}
    size_fig = next(f for f in data["figures"] if f["id"] == "pareto-size")
    assert set(size_fig["pareto"]) == {"int8", "qat"}  # fp32 is bigger and no more accurate than qat
    assert from_dict(data["sweep"]) == synthetic_result()
    md = files.markdown.read_text()
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + 5
    assert "**Recommended: int8**" in md


def test_missing_figures_are_explained(tmp_path):
    import dataclasses

    result = synthetic_result(recommended=False)
    result = dataclasses.replace(result, modes=tuple(dataclasses.replace(m, energy_uj=None, energy_source=None)
                                                     for m in result.modes))
    files = write_report(write_sweep(tmp_path / "sweep", result))
    page = files.html.read_text()
    assert page.count("<img") == 3
    assert "no mode has both an accuracy and a energy per inference figure" in page
    assert "No accuracy budget given" in page


def test_missing_and_foreign_results_are_clear_errors(tmp_path):
    with pytest.raises(EdgeqError) as err:
        write_report(tmp_path)
    assert "no sweep results" in err.value.message and "edgeq sweep" in err.value.hint
    (tmp_path / "results.json").write_text("[1, 2")
    with pytest.raises(EdgeqError):
        write_report(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


def test_other_destination_needs_force(tmp_path):
    sweep = write_sweep(tmp_path / "sweep")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("mine")
    with pytest.raises(EdgeqError) as err:
        write_report(sweep, out)
    assert "--force" in err.value.hint
    assert (out / "report.html").read_text() == "mine"
    write_report(sweep, out, force=True)
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "summary.md"]


def test_cli_prints_summary(tmp_path):
    from click.testing import CliRunner

    from edgeq.cli.report import command

    sweep = write_sweep(tmp_path / "sweep")
    res = CliRunner().invoke(command, [str(sweep)])
    assert res.exit_code == 0, res.output
    assert "| int8 | ok |" in res.output and "report.html" in res.output


def test_cli_json_prints_report_json(tmp_path):
    from click.testing import CliRunner

    from edgeq.cli.report import command

    sweep = write_sweep(tmp_path / "sweep")
    res = CliRunner().invoke(command, [str(sweep), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data == json.loads((sweep / "report.json").read_text())
    assert data["recommendation"]["mode"] == "int8"


def test_labels_of_nearby_points_do_not_overlap():
    from edgeq.report.figures import label_offsets

    offsets = label_offsets([("int8", 30.0, 97.0), ("qat", 30.1, 97.05), ("mixed", 30.0, 97.0), ("fp32", 90.0, 98.0)])
    assert offsets["fp32"] == (5, 4)  # alone: the usual place
    assert sorted(offsets[m][1] for m in ("int8", "qat", "mixed")) == [4, 14, 24]  # stacked, all different
    assert label_offsets([]) == {}
