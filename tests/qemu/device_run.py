"""Run a .tflite on an emulated board through the DUT protocol: `edgeq build` for the board, QEMU started
and always stopped, every sample's outputs returned as raw arrays (one (N, elements) array per output)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np


def run_on_emulated_board(model: Path, inputs: Sequence[np.ndarray], out_dir: Path,
                          target: str = "cortex-m4") -> list[np.ndarray]:
    from edgeq.build.project import build_project
    from edgeq.targets.resolver import resolve_run
    from edgeq.ir import parse
    from edgeq.transport.client import DutClient

    graph = parse(Path(model).read_bytes())
    build = build_project(Path(model), target, out_dir)
    samples = inputs[0].shape[0]
    transport = resolve_run(build, emulate=True).open(build)
    try:
        client = DutClient(transport, timeout=60.0)
        client.sync()
        # The DUT stages all model inputs back to back, in input order.
        raw = [client.run(b"".join(x[i].tobytes() for x in inputs)).raw for i in range(samples)]
    finally:
        transport.close()
    outputs = []
    for k, index in enumerate(graph.outputs):
        dtype = np.dtype(graph.tensors[index].dtype)
        outputs.append(np.stack([np.frombuffer(sample[k], dtype=dtype) for sample in raw]))
    return outputs
