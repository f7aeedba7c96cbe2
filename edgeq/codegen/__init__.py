"""Code generation: a parsed Graph (+ MemoryPlan) → model.c / model.h implementing firmware/include/edgeq_model.h.

Pure: no file IO besides reading the package's own templates. `generate_model(graph, plan=None)` returns a
`GeneratedModel` (files, kernel sources to compile, arena and weight bytes, per-op info); operator
emitters live in `edgeq.codegen.ops`, generation-time quantization arithmetic in `edgeq.codegen.quantize`.
"""
from edgeq.codegen.model import GeneratedModel, GeneratedOp, generate_model

__all__ = ["GeneratedModel", "GeneratedOp", "generate_model"]
