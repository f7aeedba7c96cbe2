"""What a .tflite model contains and whether the microcontroller runtime can run it — without TensorFlow.

`inspect_model(path) -> ModelReport` is pure apart from reading the file; `format_report` renders text.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from edgeq.ir import Graph, Op, Tensor, mcu_support, op_macs, parse
from edgeq.ir.macs import unknown_macs
from edgeq.plan import plan_memory


@dataclass(frozen=True)
class TensorSummary:
    name: str
    shape: tuple[int, ...]
    dtype: str
    quantization: str  # "scale=… zp=…", "per-channel(axis=0, 64 scales in [a, b])" or "none"


@dataclass(frozen=True)
class OpSummary:
    index: int
    opcode: str
    inputs: tuple[TensorSummary, ...]
    outputs: tuple[TensorSummary, ...]
    macs: int  # a WHILE: its body x the static trip count (0 when unknown, see macs_known)
    weight_bytes: int  # constant inputs; a control-flow op adds the constants of the subgraphs it runs
    macs_known: bool = True


@dataclass(frozen=True)
class ModelReport:
    path: str
    size_bytes: int
    sha256: str
    ops: tuple[OpSummary, ...]
    inputs: tuple[TensorSummary, ...]
    outputs: tuple[TensorSummary, ...]
    total_macs: int
    weight_bytes: int
    arena_bytes: int  # activation memory: the planned arena (greedy, no kernel scratch)
    mcu_compatible: bool
    mcu_issues: tuple[str, ...]
    provenance: dict | None
    macs_unknown_ops: tuple[int, ...] = ()  # operators whose MACs are unknown: total_macs is a lower bound

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def _quant_text(t: Tensor) -> str:
    q = t.quant
    if q is None:
        return "none"
    if q.per_channel:
        return (f"per-channel(axis={q.axis}, {len(q.scale)} scales in "
                f"[{min(q.scale):.3g}, {max(q.scale):.3g}], zp {sorted(set(q.zero_point))[:3]})")
    return f"scale={q.scale[0]:.6g} zp={q.zero_point[0]}"


def _summary(t: Tensor) -> TensorSummary:
    return TensorSummary(name=t.name, shape=t.shape, dtype=t.dtype, quantization=_quant_text(t))


def _provenance(graph: Graph) -> dict | None:
    raw = graph.metadata.get("edgeq_provenance")
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _emitter_refusals(graph: Graph) -> tuple[str, ...]:
    """What the code generator's emitters refuse (a variant of a supported operator they cannot run), found by
    running each once without a memory plan, as `build` does first; nothing is rendered. So "yes" means
    `build` generates code for this model."""
    from edgeq.codegen.ops import OpContext, lookup
    from edgeq.errors import EdgeqError

    refusals = []
    for op in graph.ops:
        if not graph.has_code(op):
            continue
        try:
            lookup(graph, op)(OpContext(graph, op, None))
        except EdgeqError as err:
            refusals.append(err.message.splitlines()[0])
    return tuple(refusals)


def _called_subgraphs(op: Op) -> tuple[int, ...]:
    """Subgraph indices a control-flow operator runs (WHILE cond/body, IF branches, CALL_ONCE init)."""
    return tuple(int(v) for k, v in op.options.items() if k.endswith("subgraph_index") and isinstance(v, int))


def _constant_bytes(model: Graph, graph: Graph, op: Op, seen: frozenset[int] = frozenset()) -> int:
    """Bytes of `op`'s constant inputs plus the weights of the subgraphs of `model` it runs (once each)."""
    own = sum(graph.tensors[i].nbytes for i in op.inputs if i >= 0 and graph.tensors[i].is_constant)
    for k in _called_subgraphs(op):
        body = model.subgraphs.get(k)
        if body is not None and k not in seen:
            own += sum(_constant_bytes(model, body, o, seen | {k}) for o in body.ops)
    return own


def inspect_model(path: str | Path) -> ModelReport:
    graph = parse(path)
    unknown = unknown_macs(graph)
    ops = tuple(
        OpSummary(
            index=op.index,
            opcode=op.opcode,
            inputs=tuple(_summary(graph.tensors[i]) for i in op.inputs if i >= 0),
            outputs=tuple(_summary(graph.tensors[i]) for i in op.outputs),
            macs=op_macs(graph, op),
            weight_bytes=_constant_bytes(graph, graph, op),
            macs_known=op.index not in unknown,
        )
        for op in graph.ops
    )
    issues = tuple(i.describe() for i in mcu_support(graph)) or _emitter_refusals(graph)
    return ModelReport(
        path=str(path),
        size_bytes=graph.source_bytes,
        sha256=graph.sha256,
        ops=ops,
        inputs=tuple(_summary(graph.tensors[i]) for i in graph.inputs),
        outputs=tuple(_summary(graph.tensors[i]) for i in graph.outputs),
        total_macs=sum(o.macs for o in ops),
        weight_bytes=graph.weight_bytes + sum(sub.weight_bytes for sub in graph.subgraphs.values()),
        arena_bytes=plan_memory(graph).arena_bytes,
        mcu_compatible=not issues,
        mcu_issues=issues,
        provenance=_provenance(graph),
        macs_unknown_ops=unknown,
    )


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape) or "scalar"


def format_report(r: ModelReport) -> str:
    lines = [f"{r.path}  ({r.size_bytes:,} bytes, sha256 {r.sha256[:12]})"]
    for t in r.inputs:
        lines.append(f"  input  {t.name}: {_shape(t.shape)} {t.dtype} {t.quantization}")
    for t in r.outputs:
        lines.append(f"  output {t.name}: {_shape(t.shape)} {t.dtype} {t.quantization}")
    lines.append("")
    lines.append(f"  {'#':>3} {'operator':<20} {'output':<16} {'dtype':<8} {'MACs':>12} {'weights':>9}  quantization")
    for op in r.ops:
        out = op.outputs[0] if op.outputs else TensorSummary("", (), "", "")
        weights = [t for t in op.inputs[1:2] if t.quantization != "none"]
        quant = weights[0].quantization if weights else out.quantization
        lines.append(f"  {op.index:>3} {op.opcode:<20} {_shape(out.shape):<16} {out.dtype:<8} "
                     f"{f'{op.macs:,}' if op.macs_known else 'unknown':>12} {op.weight_bytes:>9,}  {quant}")
    lines.append("")
    if r.macs_unknown_ops:
        where = ", ".join(str(i) for i in r.macs_unknown_ops)
        lines.append(f"  total MACs        at least {r.total_macs:,} (unknown: loop(s) at operator {where} have no "
                     "static trip count)")
    else:
        lines.append(f"  total MACs        {r.total_macs:,}")
    lines.append(f"  weight bytes      {r.weight_bytes:,}")
    lines.append(f"  activation arena  {r.arena_bytes:,} bytes (greedy plan, before kernel scratch)")
    if r.provenance:
        lines.append(f"  provenance        {json.dumps(r.provenance, sort_keys=True)}")
    if r.mcu_compatible:
        lines.append("  microcontroller   yes: every operator is supported by edgeq's MCU runtime")
    else:
        lines.append("  microcontroller   NO:")
        lines.extend(f"    - {issue}" for issue in r.mcu_issues)
    return "\n".join(lines)
