"""`edgeq sweep --json` prints results.json (floats tidy) on stdout; progress stays on stderr."""
from __future__ import annotations

import json

from click.testing import CliRunner

import edgeq.sweep.executors
import edgeq.sweep.grid
from edgeq.cli.sweep import command


def test_sweep_json_prints_results_json(monkeypatch, tmp_path):
    out = tmp_path / "sweep"
    (tmp_path / "m.keras").write_bytes(b"")
    (tmp_path / "val.npz").write_bytes(b"")

    def fake_run_grid(requests, executor, progress, display=None):
        progress("int8: converting")
        out.mkdir()
        (out / "results.json").write_text(json.dumps({"schema": "edgeq.sweep/1", "accuracy": 0.896 * 100}))
        return edgeq.sweep.grid.GridResult(())

    monkeypatch.setattr(edgeq.sweep.grid, "run_grid", fake_run_grid)
    monkeypatch.setattr(edgeq.sweep.executors, "make_executor", lambda *a, **k: None)
    result = CliRunner().invoke(command, [str(tmp_path / "m.keras"), "--host", "--val-data",
                                          str(tmp_path / "val.npz"), "-o", str(out), "--no-report", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"schema": "edgeq.sweep/1", "accuracy": 89.6}  # click 8.2+: stdout alone
    assert "int8: converting" in result.stderr
