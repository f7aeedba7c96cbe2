"""`edgeq ops`: the operator x dtype table printed from the emitter registry (one source of truth)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from edgeq.cli.main import cli
from edgeq.codegen.ops.quantize_ops import QUANTIZE_PAIRS
from edgeq.ir.support import supported_ops


def test_ops_json_is_the_support_table():
    result = CliRunner().invoke(cli, ["ops", "--json"])
    assert result.exit_code == 0, result.output
    table = json.loads(result.output)
    assert table["operators"] == {op: sorted(dtypes) for op, dtypes in supported_ops().items()}
    assert table["quantize"] == {src: sorted(dsts) for src, dsts in QUANTIZE_PAIRS.items()}
    assert {"UNIDIRECTIONAL_SEQUENCE_LSTM", "SVDF"} <= set(table["operators"])


def test_ops_text_lists_every_operator_once():
    result = CliRunner().invoke(cli, ["ops"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    rows = [line.split()[0] for line in lines[1:lines.index("")]]  # the table ends at the first blank line
    assert sorted(rows) == sorted(supported_ops())
    lstm = next(line for line in result.output.splitlines() if line.startswith("UNIDIRECTIONAL_SEQUENCE_LSTM"))
    assert lstm.split()[1:4] == ["yes", "yes", "yes"]  # int8, int16, float32
