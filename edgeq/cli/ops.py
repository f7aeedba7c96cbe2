"""`edgeq ops [--json]`: the operators and activation dtypes the MCU runtime runs.

The table is `edgeq.ir.support.supported_ops()`, itself derived from the code generator's emitter registry
(one source of truth: a new emitter module shows up here with no list to edit). QUANTIZE is listed per input
dtype; `quantize` adds the output dtypes each input converts to (`edgeq.codegen.ops.quantize_ops`).
"""
from __future__ import annotations

import click

from edgeq import jsontext

_DTYPES = ("int8", "int16", "float32", "uint8", "int32")


@click.command("ops")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON: {operator: [dtypes]}.")
def command(as_json: bool) -> None:
    """Print the operator x activation dtype table of edgeq's microcontroller runtime."""
    from edgeq.codegen.ops.quantize_ops import QUANTIZE_PAIRS
    from edgeq.ir.support import supported_ops

    table = supported_ops()
    quantize = {src: sorted(dsts) for src, dsts in sorted(QUANTIZE_PAIRS.items())}
    if as_json:
        click.echo(jsontext.dumps({"operators": {op: sorted(dtypes) for op, dtypes in table.items()},
                               "quantize": quantize}, indent=2))
        return
    columns = [d for d in _DTYPES if any(d in dtypes for dtypes in table.values())]
    columns += sorted({d for dtypes in table.values() for d in dtypes} - set(columns))
    width = max(len(op) for op in table) + 2
    click.echo(f"{'operator':<{width}}" + "".join(f"{d:>9}" for d in columns))
    for op, dtypes in table.items():
        click.echo(f"{op:<{width}}" + "".join(f"{'yes' if d in dtypes else '-':>9}" for d in columns))
    click.echo(f"\n{len(table)} operators (dtype: the activation type an operator computes in; its input for "
               "QUANTIZE and DEQUANTIZE)")
    pairs = "; ".join(f"{src} -> {', '.join(dsts)}" for src, dsts in quantize.items())
    click.echo(f"QUANTIZE input -> outputs: {pairs}")
