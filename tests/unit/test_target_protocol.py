"""Every target kind implements the one `Target` interface: what its capabilities promise is implemented, the
rest is refused with an EdgeqError saying how that kind is used; `resolve*` is the one way to get a Target."""
from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from edgeq.build.manifest import Build
from edgeq.build.target import BuildTarget
from edgeq.errors import EdgeqError
from edgeq.targets import get_board
from edgeq.targets.board_target import EmulatedBoard, SerialBoard
from edgeq.targets.host_target import HostTarget
from edgeq.targets.phone_target import PhoneTarget
from edgeq.targets.phones import GENERIC
from edgeq.targets.resolver import board_target_of, resolve, resolve_phone, resolve_run
from edgeq.targets.target import Capability, Target, Unsupported

KINDS = {
    "host": HostTarget(),
    "emulated": EmulatedBoard(get_board("mps2-an386")),
    "board": SerialBoard(get_board("nucleo-l4r5zi"), port="/dev/ttyACM0"),
    "phone": PhoneTarget(GENERIC, "emulator-5554"),
}
# method -> the capability that promises it
METHODS = {"recipe": Capability.BUILD, "check_plan": Capability.BUILD, "check_linked": Capability.BUILD,
           "open": Capability.RUN, "flash": Capability.FLASH}


def _build(tmp_path: Path, target: str, board: str | None) -> Build:
    facts = {"board": board} if board else {"timing_source": "wall"}
    return Build(out_dir=tmp_path, target=target, target_facts=MappingProxyType(facts), edgeq_version="dev",
                 model_name="m", model_sha256="0" * 64, model=tmp_path / "model.tflite", program=tmp_path / "fw",
                 outputs=(), arena_bytes=0, weights_bytes=0, input_bytes=1, kernel_sources=(), ops=(), memory=None)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_implements_the_protocol_as_its_capabilities_say(kind, tmp_path):
    target = KINDS[kind]
    assert isinstance(target, Target) and target.kind == kind
    for method, capability in METHODS.items():
        implemented = getattr(type(target), method) is not getattr(Unsupported, method)
        assert implemented == (capability in target.capabilities), (kind, method)
    build = _build(tmp_path, target.name, None)
    calls = {"recipe": lambda: target.recipe(), "check_plan": lambda: target.check_plan(None, 0),
             "check_linked": lambda: target.check_linked(tmp_path / "fw"), "open": lambda: target.open(build),
             "flash": lambda: target.flash(build)}
    for method, capability in METHODS.items():
        if capability not in target.capabilities:
            with pytest.raises(EdgeqError, match=f"target {target.name} cannot") as err:
                calls[method]()
            assert err.value.hint == target.instead and target.instead
    if Capability.BUILD in target.capabilities:
        recipe = target.recipe()
        assert isinstance(recipe, BuildTarget) and recipe.name == target.name


def test_timing_is_the_targets_and_refuses_a_counter_it_cannot_have():
    assert KINDS["host"].timing("wall").unit == "ns"
    assert KINDS["emulated"].timing("systick-icount").latency(1000).source == "estimated"
    assert KINDS["board"].timing("dwt").latency(120_000_000).ms == pytest.approx(1000.0)
    assert KINDS["phone"].timing("benchmark_model").latency(1500).ms == pytest.approx(1.5)
    with pytest.raises(EdgeqError, match="not a microcontroller counter"):
        KINDS["board"].timing("wall")
    with pytest.raises(EdgeqError, match="needs the board"):
        KINDS["host"].timing("dwt")


def test_board_targets_refuse_a_build_for_another_board(tmp_path):
    other = _build(tmp_path, "mps2-an500", "mps2-an500")
    for kind in ("emulated", "board"):
        with pytest.raises(EdgeqError, match="not for"):
            KINDS[kind].open(other)
    with pytest.raises(EdgeqError, match="not the host"):
        KINDS["host"].open(other)


def test_resolve_names_hosts_cores_and_boards():
    assert resolve("host") == HostTarget()
    assert resolve("cortex-m4") == EmulatedBoard(get_board("mps2-an386"))
    assert resolve("nucleo-l4r5zi") == SerialBoard(get_board("nucleo-l4r5zi"))
    with pytest.raises(EdgeqError, match="unknown build target 'cortex-z9'"):
        resolve("cortex-z9")
    assert resolve_phone() == PhoneTarget(GENERIC, None) and resolve_phone("R58M").name == "adb:R58M"


def test_resolve_run_says_where_a_build_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("EDGEQ_LAB", str(tmp_path / "lab.toml"))
    (tmp_path / "lab.toml").write_text('[boards.nucleo-l4r5zi]\nport = "/dev/ttyACM3"\n')
    host, emulated, real = (_build(tmp_path, "host", None), _build(tmp_path, "mps2-an386", "mps2-an386"),
                            _build(tmp_path, "nucleo-l4r5zi", "nucleo-l4r5zi"))
    assert resolve_run(host) == HostTarget()
    assert resolve_run(emulated, emulate=True) == EmulatedBoard(get_board("mps2-an386"))
    assert resolve_run(emulated, port="/dev/pts/4") == SerialBoard(get_board("mps2-an386"), port="/dev/pts/4")
    assert resolve_run(real, board="nucleo-l4r5zi").lab.port == "/dev/ttyACM3"
    assert board_target_of(real) == SerialBoard(get_board("nucleo-l4r5zi"))
    with pytest.raises(EdgeqError, match="say where it runs"):
        resolve_run(emulated)
    with pytest.raises(EdgeqError, match="which QEMU does not emulate"):
        resolve_run(real, emulate=True)
    with pytest.raises(EdgeqError, match="not for a board"):
        resolve_run(host, emulate=True)
    with pytest.raises(EdgeqError, match="exactly one of"):
        resolve_run(emulated, emulate=True, port="/dev/pts/4")
