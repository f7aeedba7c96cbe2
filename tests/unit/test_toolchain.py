"""The rendered port files, size parsing and the fit check (compiler flags: tests/qemu/test_toolchain_gcc.py)."""
from __future__ import annotations

import pytest

from edgeq.errors import EdgeqError
from edgeq.targets import get_board
from edgeq.toolchain.fit import check_linked, check_plan
from edgeq.toolchain.port import board_header, icount_ratio, linker_script
from edgeq.toolchain.size import MemoryReport, parse_nm_sizes, parse_size_sysv, summarize


def test_icount_ratio_is_instructions_per_systick_count():
    assert icount_ratio(25_000_000) == (40, 1)
    assert icount_ratio(20_000_000) == (50, 1)
    assert icount_ratio(32_000_000) == (125, 4)


def test_linker_script_carries_the_real_parts_sizes():
    text = linker_script(get_board("stm32f4-discovery"), stack_bytes=4096)
    assert "ORIGIN = 0x08000000, LENGTH = 1048576" in text
    assert "ORIGIN = 0x20000000, LENGTH = 131072" in text
    assert ". += 4096;" in text


def test_board_header_renders_console_timer_and_init_steps():
    nucleo = board_header(get_board("nucleo-l4r5zi"))
    assert "#define EDGEQ_CONSOLE_BASE 0x40008000u" in nucleo
    assert "#define EDGEQ_STM32_ISR_TDR 1" in nucleo and "#define EDGEQ_STM32_LPUART 1" in nucleo
    assert "#define EDGEQ_TIMER_DWT 1" in nucleo and "EDGEQ_SEMIHOSTING" not in nucleo
    assert f"#define EDGEQ_BOARD_INIT_COUNT {len(get_board('nucleo-l4r5zi').init)}u" in nucleo
    an547 = board_header(get_board("mps3-an547"))
    assert "#define EDGEQ_ICOUNT_NUM 125u" in an547 and "#define EDGEQ_ICOUNT_DEN 4u" in an547
    assert "#define EDGEQ_SEMIHOSTING 1" in an547


SIZE_A = """firmware.elf  :
section             size        addr
.isr_vector          192           0
.text              13596         192
.rodata           287224       13792
.ARM.exidx             8      301016
.guard              1024   536870912
.stack              8192   536871936
.data                 16   536880128
.bss                1668   536880144
.fault_stack         516   536881812
.debug_info        24921           0
.comment              38           0
Total             337395
"""
NM_S = """20002100 00000300 b edgeq_arena
00003620 00045640 r edgeq_w_fc0
00048c60 00000400 r edgeq_w_fc1
000007c0 00000040 T Reset_Handler
"""


def test_size_report_sums_sections_the_way_memory_is_used():
    report = summarize(parse_size_sysv(SIZE_A), parse_nm_sizes(NM_S), "edgeq_arena", ("edgeq_w_",))
    assert report.text == 192 + 13596 + 8
    assert report.flash_bytes == 192 + 13596 + 8 + 287224 + 16
    assert report.ram_bytes == 16 + 1668 + 1024 + 8192 + 516
    assert report.arena == 0x300 and report.weights == 0x45640 + 0x400


def test_plan_that_does_not_fit_is_refused_with_numbers():
    board = get_board("stm32f4-discovery")   # 128 KiB RAM
    with pytest.raises(EdgeqError) as info:
        check_plan(board, arena_bytes=200_000, weights_bytes=10_000, input_bytes=3072)
    message = info.value.message
    assert "RAM of stm32f4-discovery" in message and "200,000 B" in message and "131,072 B" in message
    assert "short" in message and "board with more RAM" in info.value.hint
    with pytest.raises(EdgeqError, match="flash of stm32f4-discovery"):
        check_plan(board, arena_bytes=1000, weights_bytes=2_000_000, input_bytes=10)
    fits = check_plan(board, arena_bytes=22_820, weights_bytes=50_000, input_bytes=490)
    assert fits.ram_bytes < board.ram_memory.size


def test_linked_report_over_the_limit_names_its_parts():
    board = get_board("nrf52840dk")
    over = MemoryReport(text=20_000, rodata=100, data=0, bss=300_000, stack=9_000, arena=290_000, weights=0)
    with pytest.raises(EdgeqError, match="RAM of nrf52840dk: 309,000 B"):
        check_linked(board, over)


def test_ram_refusal_suggests_int8_only_for_a_model_that_is_not_int8():
    from edgeq.toolchain.fit import activation_dtypes

    board = get_board("stm32f4-discovery")
    hints = {}
    for name, kernels in {"int8": ("reference/edgeq_conv2d_s8.c", "dsp/edgeq_fully_connected_s8.c"),
                          "int16x8": ("reference/edgeq_conv2d_s16.c", "reference/edgeq_quantize_s8.c"),
                          "float": ("reference/edgeq_softmax_f32.c",)}.items():
        with pytest.raises(EdgeqError) as info:
            check_plan(board, 200_000, 10_000, 3072, dtypes=activation_dtypes(kernels))
        hints[name] = info.value.hint
    assert "int8" not in hints["int8"] and "board with more RAM" in hints["int8"]
    assert "int8 instead of int16 activations" in hints["int16x8"]
    assert "instead of float32 activations" in hints["float"]
    over = MemoryReport(text=20_000, rodata=100, data=0, bss=300_000, stack=9_000, arena=290_000, weights=0)
    with pytest.raises(EdgeqError) as info:
        check_linked(get_board("nrf52840dk"), over, activation_dtypes(("edgeq_add_s8.c",)))
    assert "int8" not in info.value.hint
