"""`edgeq validate` with several inputs: an .npz keyed by the model's input tensor names feeds each input its
own array whatever the archive's order (the protocol loads them back to back in model input order)."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as schema

from edgeq.ir import parse
from edgeq.validate import load_samples, tensor_infos
from handmade_models import T, one_op_model

pytestmark = pytest.mark.tools("gcc", "make")


def _two_input_sub(tmp_path):
    """int16 SUB: swapping its inputs changes every output, so a mix-up cannot pass."""
    model = one_op_model([T((1, 6), "INT16", 0.001, 0), T((1, 6), "INT16", 0.002, 0), T((1, 6), "INT16", 0.004, 0)],
                         "SUB", [0, 1], [2], "SubOptions", schema.SubOptionsT())
    path = tmp_path / "sub.tflite"
    path.write_bytes(model)
    return path


def test_npz_inputs_by_name_in_any_order(tmp_path):
    path = _two_input_sub(tmp_path)
    graph = parse(path)
    rng = np.random.default_rng(0)
    a = rng.integers(-3000, 3000, (5, 1, 6)).astype(np.int16)
    b = rng.integers(-3000, 3000, (5, 1, 6)).astype(np.int16)
    np.savez(tmp_path / "d.npz", t1=b, t0=a)  # file order is the reverse of the model's
    first, second = load_samples(str(tmp_path / "d.npz"), tensor_infos(graph, graph.inputs))
    assert np.array_equal(first, a) and np.array_equal(second, b)
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "validate", str(path), "--target", "host",
                           "--data", str(tmp_path / "d.npz"), "--json"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["samples"] == 5 and report["mismatched_elements"] == 0
