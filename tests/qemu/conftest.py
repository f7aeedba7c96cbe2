"""Shared QEMU fixtures: firmwares are built once per session through edgeq's one build path (the generated
Makefile, `edgeq.build`), QEMU is always killed."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def probe_firmware(tmp_path_factory):
    """board id -> ELF of tests/qemu/fixtures/probe_fw.c built with that board's port (built on demand)."""
    from edgeq.build import build_program

    if shutil.which("arm-none-eabi-gcc") is None:
        # the root conftest's rule, also for a test that forgot its tools marker: CI never hides a missing tool
        message = "required tools not on PATH: arm-none-eabi-gcc (run tools/setup.sh)"
        if os.environ.get("EDGEQ_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("probe")
    cache: dict[str, Path] = {}

    def get(board_id: str) -> Path:
        if board_id not in cache:
            source = (FIXTURES / "probe_fw.c").read_bytes()
            cache[board_id] = build_program(board_id, {"probe_fw.c": source}, root / board_id)
        return cache[board_id]

    return get


@pytest.fixture(scope="session")
def model_build(tmp_path_factory, shared_models):
    """(model stem, target) -> `edgeq build` directory, built once per session."""
    from edgeq.build import build_project

    root = tmp_path_factory.mktemp("builds")
    cache: dict[tuple[str, str], Path] = {}

    def get(model: str, target: str = "cortex-m4") -> Path:
        key = (model, target)
        if key not in cache:
            cache[key] = build_project(shared_models / f"{model}.tflite", target, root / f"{model}-{target}").out_dir
        return cache[key]

    return get
