"""Which targets get the Helium (MVE) kernels: only cores with MVE and a hardware-float ABI (the build sets
`isa_features`, generation reads it through `use_isa`); the host and the other cores never see them."""
from __future__ import annotations

import dataclasses

import pytest


def test_only_the_cortex_m55_board_enables_mve():
    from edgeq.targets.board_target import EmulatedBoard
    from edgeq.targets.registry import get_board
    from edgeq.targets.resolver import resolve

    assert resolve("mps3-an547").recipe().isa_features == frozenset({"mve"})
    assert resolve("cortex-m55").recipe().isa_features == frozenset({"mve"})
    for name in ("cortex-m4", "cortex-m7", "cortex-m33", "mps2-an385", "host"):
        assert resolve(name).recipe().isa_features == frozenset(), name
    soft = dataclasses.replace(get_board("mps3-an547"), fpu="none")  # <arm_mve.h> needs a hardware-float ABI
    assert EmulatedBoard(soft).recipe().isa_features == frozenset()


@pytest.mark.parametrize("features, expect_mve", [(frozenset(), False), (frozenset({"mve"}), True)])
def test_generation_picks_mve_kernels_only_when_enabled(shared_models, features, expect_mve):
    from edgeq.codegen.model import generate_model
    from edgeq.codegen.ops import use_isa
    from edgeq.ir import parse

    graph = parse((shared_models / "kws_ref_model.tflite").read_bytes())
    with use_isa(features):
        kernels = generate_model(graph, name="kws").kernel_sources
    mve = {k for k in kernels if k.startswith("mve/")}
    if expect_mve:
        assert {"mve/edgeq_conv2d_mve_s8.c", "mve/edgeq_gemm_mve_s8.c", "mve/edgeq_depthwise_mve_s8.c"} <= mve
        assert not any(k.startswith("variants/") for k in kernels)
    else:
        assert not mve
