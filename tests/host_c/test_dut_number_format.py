"""The DUT protocol's `m-results-[…]` numbers (firmware/protocol/dut.c formats them from the float's bits
with integer arithmetic, no printf and no double) against Python's own `%.3f`, which rounds the exact
binary value half to even exactly as the C library's printf does for MLPerf Tiny's `%0.3f`.

A generated model (written here, not by the code generator) exposes chosen float32 values — rounding
ties, values just below and above 1e15, subnormals, signed zeros, inf, nan and random bit patterns over
every exponent — and int32 outputs whose `q - zero_point` needs 33 bits, and the real host firmware
(main.c + dut.c + ports/host, under ASan/UBSan) prints them.
"""
from __future__ import annotations

import math
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
FW = REPO / "firmware"
CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-O1", "-g",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
INT32_SCALE = np.float32(0.37)
INT32_ZERO_POINT = -7

pytestmark = pytest.mark.tools("gcc")

MODEL_C = """
#include <string.h>
#include "edgeq_model.h"
static const uint32_t g_float_bits[] = {%(float_bits)s};
static const int32_t g_ints[] = {%(ints)s};
static uint8_t g_in[4];
const char *edgeq_model_name(void) { return "numbers"; }
const char *edgeq_model_hash(void) { return "0"; }
uint32_t edgeq_model_arena_bytes(void) { return 0u; }
uint32_t edgeq_model_num_inputs(void) { return 1u; }
uint32_t edgeq_model_num_outputs(void) { return 2u; }
edgeq_tensor_t edgeq_model_input(uint32_t index)
{
    edgeq_tensor_t t = {g_in, 4u, EDGEQ_DTYPE_INT8, 1.0f, 0};
    (void)index;
    return t;
}
edgeq_tensor_t edgeq_model_output(uint32_t index)
{
    edgeq_tensor_t f = {(void *)g_float_bits, sizeof g_float_bits, EDGEQ_DTYPE_FLOAT32, 0.0f, 0};
    edgeq_tensor_t q = {(void *)g_ints, sizeof g_ints, EDGEQ_DTYPE_INT32, %(scale)sf, %(zero_point)d};
    return index == 0u ? f : q;
}
uint32_t edgeq_model_op_count(void) { return 1u; }
const char *edgeq_model_op_name(uint32_t index) { (void)index; return "NOP"; }
void edgeq_model_run_op(uint32_t index) { (void)index; }
void edgeq_model_invoke(void) {}
void edgeq_model_reset(void) {}
"""


def printf_3f(value: np.float32) -> str:
    """MLPerf Tiny's `%0.3f`, with dut.c's documented exception: magnitudes >= 1e15 print as (-)inf."""
    v = float(value)
    if math.isnan(v):
        return "nan"
    if abs(v) >= 1e15:
        return ("-" if v < 0 else "") + "inf"
    return f"{v:.3f}"


def _floats() -> np.ndarray:
    edge = [0.0625, 0.1875, 0.0005, -0.0005, 0.0004999, -0.0001, 2.0005, 1.0 / 3, 123456.789, -98765.4321,
            0.0, -0.0, 1e-45, -1e-45, 1.17549435e-38, 3.4e38, -3.4e38, math.inf, -math.inf, math.nan,
            999_999_986_991_104.0, 1_000_000_054_099_968.0, 16_777_217.0, 4_294_967_296.5, 8.125, 0.5, 1.5]
    rng = np.random.default_rng(7)
    exponents = rng.integers(100, 180, size=400)  # 2^-27 .. 2^52: every branch of the formatting
    bits = (rng.integers(0, 2, size=400).astype(np.uint32) << 31) | (exponents.astype(np.uint32) << 23) | \
        rng.integers(0, 1 << 23, size=400).astype(np.uint32)
    # exact halfway cases of %.3f: x * 1000 = n + 1/2 with x dyadic means x = (2k + 1) / 16
    ties = np.array([(2 * k + 1) / 16 for k in range(-40, 40)], dtype=np.float32)
    return np.concatenate([np.array(edge, dtype=np.float32), bits.view(np.float32), ties])


def test_results_numbers_equal_printf(tmp_path):
    floats = _floats()
    ints = np.array([0, 1, -1, 7, -7, 2**31 - 1, -2**31, 123456789, -987654321, 16777217, 33554435],
                    dtype=np.int32)
    (tmp_path / "model.c").write_text(MODEL_C % {
        "float_bits": ", ".join(f"0x{b:08x}u" for b in floats.view(np.uint32)),
        "ints": ", ".join(f"{int(v)}" if v != -2**31 else "(-2147483647 - 1)" for v in ints),
        "scale": repr(float(INT32_SCALE)), "zero_point": INT32_ZERO_POINT})
    program = tmp_path / "fw"
    subprocess.run(["gcc", *CFLAGS, "-DEDGEQ_INPUT_BYTES=4", f"-I{FW / 'include'}", f"-I{FW / 'protocol'}",
                    str(FW / "main.c"), str(FW / "protocol" / "dut.c"), str(FW / "ports" / "host" / "port.c"),
                    str(tmp_path / "model.c"), "-o", str(program)], check=True)
    done = subprocess.run([str(program)], input=b"db load 4%db 00000000%infer 1 0%", capture_output=True,
                          timeout=60)
    assert done.returncode == 0 and done.stderr == b"", done.stderr.decode(errors="replace")
    results = [line for line in done.stdout.decode("ascii").split("\r\n") if line.startswith("m-results-[")]
    assert len(results) == 1
    printed = results[0][len("m-results-["):-1].split(",")

    dequantized = [INT32_SCALE * np.float32(np.int64(q) - INT32_ZERO_POINT) for q in ints]
    expected = [printf_3f(v) for v in floats] + [printf_3f(np.float32(v)) for v in dequantized]
    assert len(printed) == len(expected)
    wrong = [(i, p, e) for i, (p, e) in enumerate(zip(printed, expected)) if p != e]
    assert wrong == []
