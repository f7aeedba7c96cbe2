"""The linked program's memory figures go into the build manifest once and come back in `Build.memory`."""
from __future__ import annotations

import json

import pytest

from edgeq.build.manifest import MANIFEST, LinkedMemory, read_build, record_memory
from edgeq.errors import EdgeqError
from edgeq.toolchain.size import MemoryReport

MANIFEST_KEYS = {"edgeq_version": "dev", "target": "mps2-an386", "target_facts": {"board": "mps2-an386"},
                 "model": {"name": "m", "sha256": "ab" * 32, "file": "model.tflite"}, "program": "firmware.elf",
                 "outputs": ["firmware.elf"], "arena_bytes": 768, "weights_bytes": 270_000, "input_bytes": 640,
                 "kernel_sources": [], "ops": []}


def test_memory_report_round_trips_through_the_manifest(tmp_path):
    (tmp_path / MANIFEST).write_text(json.dumps(MANIFEST_KEYS))
    assert read_build(tmp_path).memory is None  # not linked yet (and a host build never has one)
    memory = LinkedMemory(MemoryReport(text=10_888, rodata=271_204, data=12, bss=9_020, stack=9_736, arena=768,
                                       weights=270_016), flash_capacity=4 << 20, ram_capacity=4 << 20)
    record_memory(tmp_path, memory)
    build = read_build(tmp_path)
    assert build.memory == memory
    assert (build.memory.report.flash_bytes, build.memory.report.ram_bytes) == (282_104, 18_768)
    assert build.arena_bytes == 768 and build.model_name == "m"  # the rest of the manifest is kept


def test_a_corrupt_memory_entry_is_refused(tmp_path):
    (tmp_path / MANIFEST).write_text(json.dumps({**MANIFEST_KEYS, "memory": {"text": "many"}}))
    with pytest.raises(EdgeqError, match="lacks a valid 'text'"):
        read_build(tmp_path)
