"""`edgeq inspect MODEL.tflite [--json]`."""
from __future__ import annotations

import click


@click.command("inspect")
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def command(model: str, as_json: bool) -> None:
    """Show MODEL's operators, MACs, memory and whether a microcontroller can run it."""
    from edgeq.inspection import format_report, inspect_model

    report = inspect_model(model)
    click.echo(report.to_json() if as_json else format_report(report))
