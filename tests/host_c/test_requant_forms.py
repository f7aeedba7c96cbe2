"""The requantization forms of edgeq_simd.h against TFLM's MultiplyByQuantizedMultiplier (Python integers,
edgeq.codegen.quantize, which the model tests tie to TFLite Micro), compiled with the host gcc (ASan + UBSan):

* edgeq_requant_exact, whose right shifts fold TFLM's two roundings into one 64-bit sum, on accumulators
  anywhere in int32 (near 0, near +-2^31, on rounding boundaries) and every shift TFLM produces;
* edgeq_requant_val's fast form on the triples the generator emits (packed_quant), within its preconditions.

Outputs are int8, so the cases aim at the unsaturated range: acc is drawn around the value that maps to a
random target output, +-2 on each side of the rounding boundary."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from edgeq.codegen.quantize import multiply_by_quantized_multiplier

REPO = Path(__file__).resolve().parents[2]
RQ_EXACT = 64
PROGRAM = r"""
#include <stdio.h>
#include "edgeq_simd.h"
int main(void)
{
    long long acc, m, s, zp, fast;
    while (scanf("%lld %lld %lld %lld %lld", &acc, &m, &s, &zp, &fast) == 5) {
        int32_t rq[3];
        int v;
        if (fast) {
            v = edgeq_requant_val((int32_t)acc, (int32_t)m, (int32_t)-s, (int32_t)((1LL << (-s - 1)) + zp * (1LL << -s)),
                                  -128, 127);
        } else {
            rq[0] = (int32_t)m; rq[1] = (int32_t)(EDGEQ_RQ_EXACT + s); rq[2] = (int32_t)zp;
            v = edgeq_requant_exact((int32_t)acc, rq, -128, 127);
        }
        printf("%d\n", v);
    }
    return 0;
}
"""


def _wrap32(x: int) -> int:
    """+ zero point in TFLM's int32 (it wraps on two's-complement targets after a large left shift)."""
    return (x + 2**31) % 2**32 - 2**31


def _cases(rng, count: int, fast: bool) -> list[tuple[int, int, int, int]]:
    cases = []
    while len(cases) < count:
        m = int(rng.choice([0, 1 << 30, 2**31 - 1, int(rng.integers(1 << 30, 1 << 31))]))
        s = int(rng.integers(-31, 0)) if fast else int(rng.integers(-31, 31))
        zp = int(rng.integers(-128, 128))
        target = int(rng.integers(-140, 140)) - zp
        # acc whose exact product is near target (+ half, a rounding boundary), or anywhere in int32
        if m and rng.random() < 0.8:
            centre = (2 * target + int(rng.choice([-1, 0, 1]))) * 2.0 ** (30 - s) / m
            acc = int(round(centre)) + int(rng.integers(-2, 3))
        else:
            acc = int(rng.choice([rng.integers(-2**31, 2**31), rng.integers(-4, 5), 2**31 - 1, -2**31]))
        limit = 2**30 if fast else 2**31
        if not -limit <= acc < limit:
            continue
        if fast and abs((1 << (-s - 1)) + zp * (1 << -s)) >= 2**30:
            continue  # outside the fast form's precondition (the generator gives such channels the exact form)
        cases.append((acc, m, s, zp))
    return cases


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("fast", [False, True], ids=["exact", "fast"])
def test_requant_forms_equal_tflm(tmp_path, fast):
    source = tmp_path / "forms.c"
    source.write_text(PROGRAM)
    binary = tmp_path / "forms"
    subprocess.run(["gcc", "-std=c99", "-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                    "-I", str(REPO / "firmware" / "kernels" / "include"), "-I", str(REPO / "firmware" / "include"),
                    str(source), "-o", str(binary)], check=True)
    cases = _cases(np.random.default_rng(11 if fast else 5), 40_000, fast)
    lines = "".join(f"{a} {m} {s} {z} {int(fast)}\n" for a, m, s, z in cases)
    got = subprocess.run([str(binary)], input=lines, capture_output=True, text=True, check=True).stdout.split()
    want = [min(max(_wrap32(multiply_by_quantized_multiplier(a, m, s) + z), -128), 127) for a, m, s, z in cases]
    wrong = [(case, int(g), w) for case, g, w in zip(cases, got, want) if int(g) != w]
    assert not wrong, f"{len(wrong)} of {len(cases)} differ, e.g. (acc, m, shift, zp), got, want: {wrong[:5]}"
    unsaturated = sum(-128 < w < 127 for w in want)
    assert unsaturated > len(cases) // 2  # the cases exercise the rounding, not only the clamp
