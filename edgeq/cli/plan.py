"""`edgeq plan MODEL.tflite [--json]`: the arena plan and its chart."""
from __future__ import annotations

import click

from edgeq import jsontext


@click.command("plan")
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def command(model: str, as_json: bool) -> None:
    """Plan MODEL's activation arena (greedy by size) and compare with the no-reuse baseline."""
    from edgeq.ir import parse
    from edgeq.plan import linear_plan, plan_memory, render_chart
    from edgeq.plan.greedy import lower_bound

    graph = parse(model)
    plan = plan_memory(graph)
    baseline = linear_plan(graph)
    if as_json:
        data = plan.to_dict()
        data["linear_bytes"] = baseline.arena_bytes
        data["lower_bound_bytes"] = lower_bound(graph)
        click.echo(jsontext.dumps(data, indent=2))
        return
    click.echo(render_chart(plan, [op.opcode for op in graph.ops]))
    click.echo(f"greedy arena {plan.arena_bytes:,} bytes; linear baseline {baseline.arena_bytes:,}; "
               f"lower bound {lower_bound(graph):,} (before kernel scratch)")
