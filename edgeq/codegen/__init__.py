"""Code generation: a parsed Graph (+ MemoryPlan) → model.c / model.h implementing firmware/include/edgeq_model.h.

Pure: no file IO besides reading the package's own templates. Operator emitters live in `edgeq.codegen.ops`.
"""
