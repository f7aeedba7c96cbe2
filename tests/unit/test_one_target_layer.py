"""There is one Target layer: no module of edgeq outside `edgeq/targets` (and the transports themselves) opens a
device — constructs a QEMU, serial or host transport, connects over adb, runs a flasher — or compares
timing-source strings (a target's `timing` turns its counter into a labelled latency)."""
from __future__ import annotations

import ast
from pathlib import Path

import edgeq

PACKAGE = Path(edgeq.__file__).parent
# Modules whose import means opening a device, and the names whose import from a module means the same.
DEVICE_MODULES = {"edgeq.transport.qemu", "edgeq.transport.serial", "edgeq.transport.host", "edgeq.flash"}
DEVICE_NAMES = {("edgeq.transport.adb", "connect")}
TIMING_SOURCES = {"systick-icount", "dwt", "wall", "benchmark_model"}
OWNERS = ("targets", "transport", "flash", "data")


def device_openings(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if node.module in DEVICE_MODULES or any((node.module, n) in DEVICE_NAMES for n in names):
                found.append(f"{node.lineno}: from {node.module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if a.name in DEVICE_MODULES]
    return found


def timing_comparisons(source: str) -> list[str]:
    def names_a_source(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return node.value in TIMING_SOURCES
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return any(names_a_source(e) for e in node.elts)
        return False

    return [f"{node.lineno}: compares a timing source" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Compare) and any(names_a_source(n) for n in (node.left, *node.comparators))]


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] not in OWNERS:
            yield rel.as_posix(), path.read_text(encoding="utf-8")


def test_the_checks_can_fail():
    assert device_openings("from edgeq.transport.qemu import QemuTransport\nimport edgeq.flash\n"
                           "from edgeq.transport.adb import Adb, connect\n") == [
        "1: from edgeq.transport.qemu import QemuTransport", "2: import edgeq.flash",
        "3: from edgeq.transport.adb import Adb, connect"]
    assert len(timing_comparisons('if s == "dwt" or s in ("wall", "x"): pass\nok = s == "cycles"\n')) == 2


def test_no_module_outside_the_target_layer_opens_a_device():
    found = [f"{name}:{hit}" for name, text in _modules() for hit in device_openings(text)]
    assert not found, found


def test_no_module_outside_the_target_layer_compares_timing_sources():
    found = [f"{name}:{hit}" for name, text in _modules() for hit in timing_comparisons(text)]
    assert not found, found
