"""The integer .tflite models of the shared folder that edgeq's MCU runtime accepts, listed at collection
time, so whole-model tests cover every such model (a model whose operators land later joins by itself)."""
from __future__ import annotations

import os
from pathlib import Path


def runnable_integer_models() -> list[str]:
    """Stems of the shared models with integer (int8/int16) inputs that `mcu_support` accepts."""
    from edgeq.errors import EdgeqError
    from edgeq.ir import mcu_support, parse

    folder = Path(os.environ["EDGEQ_SHARED"]) / "models"
    stems = []
    for path in sorted(folder.glob("*.tflite")):
        try:
            graph = parse(path.read_bytes())
        except EdgeqError:
            continue
        if all(graph.tensors[i].dtype in ("int8", "int16") for i in graph.inputs) and not mcu_support(graph):
            stems.append(path.stem)
    return stems
