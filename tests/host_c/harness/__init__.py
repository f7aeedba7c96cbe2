"""Compile generated model code with host gcc under ASan/UBSan and run samples through it.

`HostModel.build(graph, workdir)` generates model.c/model.h, compiles them with the kernels the model
needs and `runner.c` (stdin → model → stdout), with `-Werror` and sanitizers that abort on the first
finding. `run(inputs)` feeds a batch (one (N, *shape) array per input) and returns one array per output.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from edgeq.codegen.model import GeneratedModel, generate_model
from edgeq.ir import Graph

REPO = Path(__file__).resolve().parents[3]
KERNELS = REPO / "firmware" / "kernels"
RUNNER = Path(__file__).with_name("runner.c")
CFLAGS = ("-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-g",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer")


@dataclass(frozen=True)
class HostModel:
    graph: Graph
    generated: GeneratedModel
    executable: Path

    @classmethod
    def build(cls, graph: Graph, workdir: Path) -> "HostModel":
        generated = generate_model(graph)
        workdir.mkdir(parents=True, exist_ok=True)
        for name, text in generated.files.items():
            (workdir / name).write_text(text)
        executable = workdir / "model_runner"
        sources = [str(workdir / "model.c"), str(RUNNER)] + [str(KERNELS / k) for k in generated.kernel_sources]
        command = ["gcc", *CFLAGS, f"-I{workdir}", f"-I{REPO / 'firmware' / 'include'}",
                   f"-I{KERNELS / 'include'}", *sources, "-o", str(executable), "-lm"]
        subprocess.run(command, check=True, capture_output=True, text=True)
        return cls(graph, generated, executable)

    def run(self, inputs: np.ndarray | Sequence[np.ndarray]) -> list[np.ndarray]:
        arrays = [inputs] if isinstance(inputs, np.ndarray) else list(inputs)
        in_tensors = [self.graph.tensors[i] for i in self.graph.inputs]
        out_tensors = [self.graph.tensors[i] for i in self.graph.outputs]
        n = arrays[0].shape[0]
        payload = b"".join(
            np.ascontiguousarray(array[s], dtype=tensor.dtype).tobytes()
            for s in range(n) for array, tensor in zip(arrays, in_tensors)
        )
        done = subprocess.run([str(self.executable)], input=payload, capture_output=True, timeout=600)
        if done.returncode != 0:
            raise AssertionError(f"model runner failed ({done.returncode}):\n{done.stderr.decode(errors='replace')}")
        per_sample = sum(t.nbytes for t in out_tensors)
        if len(done.stdout) != per_sample * n:
            raise AssertionError(f"expected {per_sample * n} output bytes, got {len(done.stdout)}")
        raw = np.frombuffer(done.stdout, dtype=np.uint8).reshape(n, per_sample)
        outputs, start = [], 0
        for t in out_tensors:
            chunk = raw[:, start:start + t.nbytes].copy()
            outputs.append(chunk.view(np.dtype(t.dtype)).reshape((n,) + t.shape))
            start += t.nbytes
        return outputs


def random_inputs(graph: Graph, n: int, seed: int) -> list[np.ndarray]:
    """n random samples per model input: the full integer range, or N(0, 1) for float inputs."""
    rng = np.random.default_rng(seed)
    batches = []
    for index in graph.inputs:
        t = graph.tensors[index]
        if np.issubdtype(np.dtype(t.dtype), np.integer):
            info = np.iinfo(t.dtype)
            batches.append(rng.integers(info.min, info.max, size=(n,) + t.shape, endpoint=True).astype(t.dtype))
        else:
            batches.append(rng.standard_normal((n,) + t.shape).astype(t.dtype))
    return batches
