"""`edgeq plan MODEL.tflite [--json]`: the arena plan and its chart."""
from __future__ import annotations

import click

from edgeq import jsontext


@click.command("plan")
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def command(model: str, as_json: bool) -> None:
    """Plan MODEL's activation arena as `edgeq build` does and compare with the no-reuse baseline.

    For a model the microcontroller runtime runs, the arena is the build's: activations placed greedily,
    element-wise operators in place, outputs of row-streaming kernels over their inputs, plus the kernels'
    scratch buffers. Otherwise activations only."""
    from edgeq.ir import parse
    from edgeq.ir.support import mcu_support
    from edgeq.plan import linear_plan, plan_memory, render_chart
    from edgeq.plan.greedy import lower_bound
    from edgeq.plan.overlap import explain

    graph = parse(model)
    activations_only = plan_memory(graph)
    baseline = linear_plan(graph)
    if mcu_support(graph):
        plan, scratch, inplace, overlaps = activations_only, {}, frozenset(), {}
        origin = "activations only: the microcontroller runtime does not run this model (`edgeq inspect` says why)"
    else:
        from edgeq.codegen.model import arena_plan

        planned = arena_plan(graph)
        plan, scratch, inplace = planned.plan, planned.scratch_bytes, planned.inplace_ops
        overlaps = planned.output_overlaps
        origin = "the figure `edgeq build` uses"
    bound = lower_bound(graph, scratch, inplace, overlaps)
    if as_json:
        data = plan.to_dict()
        data.update(linear_bytes=baseline.arena_bytes, lower_bound_bytes=bound,
                    scratch_bytes=sum(scratch.values()), inplace_ops=sorted(inplace),
                    activations_only_bytes=activations_only.arena_bytes, same_as_build=not mcu_support(graph))
        click.echo(jsontext.dumps(data, indent=2))
        return
    click.echo(render_chart(plan, [op.opcode for op in graph.ops]))
    click.echo(f"arena {plan.arena_bytes:,} bytes ({origin})")
    if scratch or inplace:
        click.echo(f"  kernel scratch {sum(scratch.values()):,} bytes in {len(scratch)} operator(s); "
                   f"{len(inplace)} operator(s) in place; activations alone, nothing in place: "
                   f"{activations_only.arena_bytes:,} bytes")
    overlapping = explain(plan.overlaps, {p.buffer.key: p.offset for p in plan.placements},
                          {p.buffer.key: p.buffer.size for p in plan.placements}, [op.opcode for op in graph.ops])
    if overlapping:
        click.echo(f"  {len(overlapping)} operator(s) write their output over their input (row-streaming kernels; "
                   "`*` in the chart):")
        for line in overlapping:
            click.echo(line)
    click.echo(f"  linear baseline (no reuse) {baseline.arena_bytes:,}; lower bound {bound:,} "
               "(the most bytes alive at one operator, with the same scratch, in-place and overlapping operators)")
