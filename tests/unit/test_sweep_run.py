"""The sweep's output-directory rules and input checks (no conversion needed to reach them)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from edgeq.errors import EdgeqError
from edgeq.sweep.record import Target
from edgeq.sweep.run import SweepRequest, prepare_out_dir, run_sweep, write_json_atomic


def test_out_dir_rules(tmp_path):
    prepare_out_dir(tmp_path / "new", force=False)
    assert not (tmp_path / "new").exists()  # created by the sweep's first write, not before
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("mine")
    with pytest.raises(EdgeqError) as err:
        prepare_out_dir(foreign, force=False)
    assert "not an edgeq sweep directory" in err.value.message and "--force" in err.value.hint
    prepare_out_dir(foreign, force=True)
    assert (foreign / "thesis.tex").read_text() == "mine"  # --force writes beside, never deletes user files
    earlier = tmp_path / "earlier"
    (earlier / "cache").mkdir(parents=True)
    prepare_out_dir(earlier, force=False)  # an earlier sweep: its cache is reused
    (tmp_path / "file").write_text("x")
    with pytest.raises(EdgeqError):
        prepare_out_dir(tmp_path / "file", force=True)
    with pytest.raises(EdgeqError):
        prepare_out_dir(tmp_path / "missing" / "out", force=False)


def test_missing_inputs_fail_before_anything_is_written(tmp_path):
    val = tmp_path / "val.npz"
    val.write_bytes(b"")
    base = dict(target=Target("host", "host"), val_data=val, out_dir=tmp_path / "out")
    with pytest.raises(EdgeqError) as err:
        run_sweep(SweepRequest(model=tmp_path / "nope.keras", **base))
    assert "Keras model not found" in err.value.message
    model = tmp_path / "m.keras"
    model.write_bytes(b"x")
    with pytest.raises(EdgeqError) as err:
        run_sweep(SweepRequest(model=model, **{**base, "val_data": tmp_path / "none.npz"}))
    assert "--val-data not found" in err.value.message
    with pytest.raises(EdgeqError) as err:
        run_sweep(SweepRequest(model=model, calib=str(tmp_path / "calib.npy"), **base))
    assert "--calib not found" in err.value.message
    assert not (tmp_path / "out").exists()


def test_write_json_atomic(tmp_path):
    write_json_atomic(tmp_path / "r.json", {"a": 1})
    write_json_atomic(tmp_path / "r.json", {"a": 2})
    assert json.loads((tmp_path / "r.json").read_text()) == {"a": 2}
    assert [p.name for p in Path(tmp_path).iterdir()] == ["r.json"]


def test_force_and_redo_are_separate_options():
    """--force only allows a foreign directory; discarding the cache is --redo (CLI and request)."""
    from click.testing import CliRunner

    from edgeq.cli.sweep import command

    help_text = CliRunner().invoke(command, ["--help"]).output
    assert "--force" in help_text and "--redo" in help_text
    assert SweepRequest.__dataclass_fields__["redo"].default is False
