"""LiteRT with its reference kernels (`OpResolverType.BUILTIN_REF`): a second opinion next to TFLM.

The default resolver applies XNNPACK, whose int8 results differ from the reference kernels by up to tens
of LSB, so comparisons always use BUILTIN_REF. Known difference from TFLM: LiteRT's reference
FULLY_CONNECTED rounds once where TFLM rounds twice (±1 LSB on some outputs, e.g. ad01_int8).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from edgeq.errors import EdgeqError
from edgeq.reference.batch import ReferenceResult, TensorInfo, as_batches, freeze


def _info(details: dict) -> TensorInfo:
    scale, zero = details.get("quantization", (0.0, 0))
    return TensorInfo(tuple(int(d) for d in details["shape"]), np.dtype(details["dtype"]).name,
                      float(scale), int(zero))


class LiteRtRefRunner:
    """One LiteRT interpreter (reference kernels, one thread) for one model, reused across samples."""

    reference = "litert-ref"

    def __init__(self, model: str | Path | bytes) -> None:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        if isinstance(model, (str, Path)):
            if not Path(model).is_file():
                raise EdgeqError(f"model file not found: {model}", "check the path to the .tflite file")
            source = {"model_path": str(model)}
        else:
            source = {"model_content": bytes(model)}
        try:
            self._interp = Interpreter(**source, num_threads=1,
                                       experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
            self._interp.allocate_tensors()
        except (RuntimeError, ValueError) as exc:
            raise EdgeqError(f"LiteRT cannot load this model: {exc}",
                             "pass a valid .tflite file produced by the TFLite converter") from None
        self._in = self._interp.get_input_details()
        self._out = self._interp.get_output_details()
        self.inputs = tuple(_info(d) for d in self._in)
        self.outputs = tuple(_info(d) for d in self._out)

    def run(self, inputs: np.ndarray | Sequence[np.ndarray]) -> ReferenceResult:
        batches = as_batches(inputs, self.inputs)
        n = batches[0].shape[0]
        outs = [np.empty((n,) + info.shape, dtype=info.dtype) for info in self.outputs]
        for s in range(n):
            for detail, batch in zip(self._in, batches):
                self._interp.set_tensor(detail["index"], np.ascontiguousarray(batch[s]))
            self._interp.invoke()
            for detail, out in zip(self._out, outs):
                out[s] = self._interp.get_tensor(detail["index"])
        return ReferenceResult(self.reference, freeze(outs), self.outputs)


def run_litert_ref(model: str | Path | bytes, inputs: np.ndarray | Sequence[np.ndarray]) -> ReferenceResult:
    return LiteRtRefRunner(model).run(inputs)
