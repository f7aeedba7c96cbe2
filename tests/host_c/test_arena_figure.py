"""One arena figure: `edgeq plan` shows the arena `edgeq build` uses (activations, in-place operators and
kernel scratch) and says how it differs from activations alone; the built program reports the same bytes."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _edgeq(*args):
    proc = subprocess.run([sys.executable, "-m", "edgeq", *map(str, args)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.tools("gcc", "make")
def test_plan_and_build_give_one_arena_figure(shared_models, tmp_path):
    model = shared_models / "kws_ref_model.tflite"  # convolutions with kernel scratch, in-place ReLUs
    plan = json.loads(_edgeq("plan", model, "--json"))
    built = json.loads(_edgeq("build", model, "--target", "host", "-o", tmp_path / "fw", "--json"))
    assert plan["same_as_build"] and plan["arena_bytes"] == built["arena_bytes"]
    assert plan["scratch_bytes"] > 0 and plan["activations_only_bytes"] != plan["arena_bytes"]
    assert plan["lower_bound_bytes"] <= plan["arena_bytes"] < plan["linear_bytes"]
    text = _edgeq("plan", model)
    assert f"arena {plan['arena_bytes']:,} bytes (the figure `edgeq build` uses)" in text
    assert f"activations alone, nothing in place: {plan['activations_only_bytes']:,} bytes" in text
    report = json.loads(_edgeq("validate", tmp_path / "fw", "--data", "random:1", "--json"))
    assert report["arena_bytes"] == plan["arena_bytes"]  # what the program itself reports
