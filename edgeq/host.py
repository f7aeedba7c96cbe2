"""`compile_host(model)`: the generated C for a model, built for this machine and callable from Python.

`predict(x)` sends every sample through the real firmware protocol to the host program (the same main.c,
protocol and kernels as on a board), so "C equals TFLM" is one line:
`np.array_equal(compile_host(m).predict(x), run_tflm(m, x).outputs[0])`. With `sanitize=True` the program
is built with AddressSanitizer and UndefinedBehaviorSanitizer; a report ends the run with an EdgeqError
quoting it.
"""
from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Sequence

import numpy as np

from edgeq.build import Build, build_project
from edgeq.reference.batch import TensorInfo, as_batches
from edgeq.targets.host_target import HostTarget
from edgeq.transport.base import Transport
from edgeq.transport.client import DutClient
from edgeq.validate import run_on_device, tensor_infos

SANITIZE_CFLAGS = "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"


class HostModel:
    """A running host build of one model. Close it (or use `with`) to stop the program and delete the build."""

    def __init__(self, build: Build, inputs_info: tuple[TensorInfo, ...],
                 outputs_info: tuple[TensorInfo, ...], workdir: Path, timeout: float, stateful: bool = False) -> None:
        self.build = build
        self.inputs_info = inputs_info
        self.outputs_info = outputs_info
        self.stateful = stateful  # recurrent state: predict() resets it before every sample
        self._transport = HostTarget().open(build)
        # Runs on close() or, for a model never closed, when it is collected or at interpreter exit (atexit,
        # while the transport's reader threads can still be joined; a __del__ at shutdown could not).
        self._cleanup = weakref.finalize(self, _stop, self._transport, workdir)
        self.client = DutClient(self._transport, timeout=timeout)
        self.client.sync()

    @property
    def arena_bytes(self) -> int:
        return self.build.arena_bytes

    def predict(self, x: np.ndarray | Sequence[np.ndarray]) -> np.ndarray | list[np.ndarray]:
        """Outputs for a batch (N, *input_shape); one array for a single-output model, else a list. Samples are
        independent: a model with recurrent state starts each from its initial state (`edgeq reset`), as the
        TFLM reference does; stream through `self.client` to carry state from one inference to the next."""
        outs = run_on_device(self.client, as_batches(x, self.inputs_info), self.outputs_info,
                             reset_state=self.stateful)
        return outs[0] if len(outs) == 1 else list(outs)

    def close(self) -> None:
        self._cleanup()

    def __enter__(self) -> "HostModel":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()



def _stop(transport: Transport, workdir: Path) -> None:
    transport.close()
    shutil.rmtree(workdir, ignore_errors=True)


def compile_host(model: str | Path, sanitize: bool = False, timeout: float = 30.0) -> HostModel:
    """Generate, build (in a temporary directory) and start the host program for a .tflite model."""
    from edgeq.ir import parse

    model = Path(model)
    workdir = Path(tempfile.mkdtemp(prefix="edgeq-host-"))
    try:
        build = build_project(model, "host", workdir / "build", extra_cflags=SANITIZE_CFLAGS if sanitize else "")
        graph = parse(model.read_bytes())
        return HostModel(build, tensor_infos(graph, graph.inputs), tensor_infos(graph, graph.outputs), workdir,
                         timeout, stateful=graph.stateful)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
