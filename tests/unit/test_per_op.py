"""`--per-op`: the build manifest records, per operator, the kernel files compiled and why faster variants
declined; the profile rows join them with the firmware's ticks and the operator's MACs."""
from __future__ import annotations

import json

from edgeq.bench.per_op import kernel_family, per_op_rows
from edgeq.build.manifest import BuildOp
from edgeq.transport.protocol import OpTicks


def test_rows_join_ticks_kernels_and_reasons():
    manifest_ops = [
        BuildOp(0, "RESHAPE", (), ()),
        BuildOp(1, "DEPTHWISE_CONV_2D", ("kernels/reference/edgeq_depthwise_conv2d_s8.c",),
                ("depthwise ring declined: depth multiplier 8",)),
        BuildOp(2, "ADD", ("kernels/dsp/edgeq_add_s8.c",), ()),
        BuildOp(3, "FULLY_CONNECTED", ("kernels/variants/edgeq_gemm_rows_direct_s8.c",), ()),
    ]
    ticks = [OpTicks(0, "RESHAPE", 1), OpTicks(1, "DEPTHWISE_CONV_2D", 250), OpTicks(2, "ADD", 3),
             OpTicks(3, "FULLY_CONNECTED", 10)]
    rows = per_op_rows(manifest_ops, ticks, units_per_tick=40, macs={1: 1000, 3: 200})
    assert [r.family for r in rows] == ["-", "portable", "dsp", "variant"]
    assert rows[0].kernel == "(no code)" and rows[1].kernel == "edgeq_depthwise_conv2d_s8.c"
    assert rows[1].units == 10_000 and rows[1].units_per_mac == 10.0 and rows[2].units_per_mac is None
    assert rows[1].declined == ("depthwise ring declined: depth multiplier 8",)
    assert json.loads(json.dumps([r.to_dict() for r in rows]))[3]["units_per_mac"] == 2.0


def test_kernel_family_reads_the_directory_not_the_name():
    assert kernel_family("kernels/variants/edgeq_add_s8.c") == "variant"
    assert kernel_family("kernels/reference/edgeq_gemm_row_s8.c") == "portable"
    assert kernel_family("") == "-"
