"""Reference interpreters that judge edgeq's generated C: TFLite Micro (the MCU truth) and LiteRT's
reference kernels (`BUILTIN_REF`, a second opinion). Both take a .tflite and a batch of inputs and return
frozen results; neither imports TensorFlow.
"""
from edgeq.reference.batch import ReferenceResult, TensorInfo
from edgeq.reference.litert_ref import LiteRtRefRunner, run_litert_ref
from edgeq.reference.tflm import ArenaSection, ArenaUsage, TflmRunner, parse_allocations, run_tflm, tflm_arena

__all__ = [
    "ReferenceResult", "TensorInfo", "TflmRunner", "run_tflm", "tflm_arena", "ArenaUsage", "ArenaSection",
    "parse_allocations", "LiteRtRefRunner", "run_litert_ref",
]
