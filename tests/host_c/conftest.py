"""Fixtures for tests of generated C on host gcc (with AddressSanitizer and UBSan)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from edgeq.ir import Graph, parse
from harness import HostModel


@pytest.fixture(scope="session")
def host_model(tmp_path_factory) -> Callable[[Path | bytes], HostModel]:
    """Build (once per model and session) the host executable for a .tflite path or bytes."""
    cache: dict[str, HostModel] = {}

    def build(model: Path | bytes) -> HostModel:
        graph: Graph = parse(model)
        if graph.sha256 not in cache:
            cache[graph.sha256] = HostModel.build(graph, tmp_path_factory.mktemp(graph.name or "model"))
        return cache[graph.sha256]

    return build
