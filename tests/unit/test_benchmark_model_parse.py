"""benchmark_model output parsing against real outputs (../shared/fixtures/android/benchmark_model, see
SOURCES.md there). Expected numbers are read by eye from the fixture text, not produced by the parser."""
from __future__ import annotations

import re
import os
from pathlib import Path

import pytest

from edgeq.bench import benchmark_model as bm
from edgeq.errors import EdgeqError

FIX = Path(os.environ["EDGEQ_SHARED"]) / "fixtures" / "android" / "benchmark_model"


def text(name: str) -> str:
    return (FIX / name).read_text()


def runs_of(name: str) -> list[tuple[str, str]]:
    """Split a published multi-run transcript at its `$ adb shell` prompt lines: (command, output)."""
    blocks = re.split(r"^\s*\$ (adb shell .*)$", text(name), flags=re.M)
    return [(blocks[i], blocks[i + 1]) for i in range(1, len(blocks), 2)]


def test_tf1_old_format_with_op_profiling():
    run = bm.parse(text("tf1x_2019_old_format_op_profiling_cpu.txt"))
    assert run.output_format == "tf1"
    assert run.init_ms == pytest.approx(1.892)
    assert run.warmup_avg_ms == pytest.approx(86.1843)
    assert run.avg_ms == pytest.approx(115.062)
    # Spread from the steady `count=50 ... std=7678` line, not the profiler's `Timings (microseconds)` line.
    assert run.runs == 50 and run.std_ms == pytest.approx(7.678)
    assert run.min_ms == pytest.approx(88.216) and run.max_ms == pytest.approx(129.193)
    # TF1 has no "First inference" field: it is `first=` of the warm-up count line.
    assert run.first_inference_ms == pytest.approx(91.810) and run.warmup_runs == 6
    assert run.memory is None


def test_tf1_nnapi_library_missing_still_runs_on_cpu():
    out = text("tf1x_2019_old_format_nnapi_unavailable_tail.txt")
    run = bm.parse(out)
    assert run.avg_ms == pytest.approx(133.690) and run.std_ms == pytest.approx(0.230)
    assert run.first_inference_ms == pytest.approx(184.820) and run.init_ms == pytest.approx(12.516)
    applied, why = bm.delegate_status(run.delegation, "nnapi", run.output_format)
    assert applied is False and "libneuralnetworks.so" in why


def test_docs_inference_variant_without_count_lines():
    run = bm.parse(text("tf_docs_readme_op_profiling_pixel2_avg_inference_format.txt"))
    assert (run.warmup_avg_ms, run.init_ms, run.avg_ms) == pytest.approx((83.235, 38.467, 79.7609))
    # The only count= numbers are the profiler's (avg=79732): they must not be taken as the run's spread.
    assert run.std_ms is None and run.runs is None


def test_tf23_peak_memory_and_model_size():
    run = bm.parse(text("tf2.3_new_format_peak_memory_duplicate_flags.txt"))
    assert run.output_format == "tf2"
    assert (run.init_ms, run.first_inference_ms, run.warmup_avg_ms, run.avg_ms) == pytest.approx(
        (0.855, 49.060, 34.8251, 33.2094))
    assert run.runs == 50 and run.std_ms == pytest.approx(0.450) and run.warmup_runs == 15
    assert run.memory == bm.Memory("peak", 0.0, 12.8672)
    assert run.model_size_mb == pytest.approx(0.004448)


@pytest.mark.parametrize("name, init, overall, avg, std", [
    ("tf2.4_new_format_peak_memory_cpu.txt", 4.92969, 138.809, 249.684, 1.442),
    ("tf2.4_nnapi_qti_gpu_peak_memory.txt", 6.80469, 61.0078, 156.669, 2.352),
])
def test_tf24_four_line_tail(name, init, overall, avg, std):
    run = bm.parse(text(name))
    assert run.memory == bm.Memory("peak", init, overall)
    assert run.avg_ms == pytest.approx(avg) and run.std_ms == pytest.approx(std) and run.runs == 50
    assert run.warmup_runs is None  # the warm-up count line was not published


def test_memory_footprint_delta_variant():
    run = bm.parse(text("tf_nightly_2021_memory_footprint_delta_cpu.txt"))
    assert run.memory == bm.Memory("delta", 5.66016, 140.508)
    assert run.first_inference_ms == pytest.approx(247.583) and run.avg_ms == pytest.approx(220.0)


def test_gpu_delegate_fully_applied():
    run = bm.parse(text("tf2.x_2020_gpu_delegate_applied_opencl.txt"))
    assert run.delegation.name == "GPU" and run.delegation.coverage == "full"
    assert bm.delegate_status(run.delegation, "gpu", run.output_format)[0] is True
    assert run.init_ms == pytest.approx(870.557) and run.std_ms == pytest.approx(1.948)


def test_multirun_transcript_scientific_notation_and_partial_delegation():
    runs = runs_of("tf2.x_2020_filtered_multirun_nnapi_sci_notation.txt")
    assert len(runs) == 8
    parsed = [(cmd, bm.parse(out)) for cmd, out in runs]
    cmd, nnapi1 = parsed[2]
    assert "--use_nnapi=true" in cmd
    assert nnapi1.warmup_avg_ms == pytest.approx(9992.42)  # `Warmup (avg): 9.99242e+06` µs
    assert nnapi1.delegation.coverage == "full"
    partial = parsed[6][1]
    assert partial.delegation == bm.Delegation("NNAPI", "partial", 11, (), ())
    applied, why = bm.delegate_status(partial.delegation, "nnapi", partial.output_format)
    assert applied is True and "11 delegate kernels" in why
    # A run without --use_nnapi asked for nnapi would be a silent CPU fallback.
    cpu = parsed[0][1]
    assert bm.delegate_status(cpu.delegation, "nnapi", cpu.output_format)[0] is False
    assert bm.delegate_status(cpu.delegation, "cpu", cpu.output_format)[0] is None


def test_xnnpack_partial_and_full():
    parsed = [bm.parse(out) for _, out in runs_of("tf2.x_2020_filtered_multirun_xnnpack.txt")]
    assert [p.delegation.coverage for p in parsed] == [None, None, "partial", "partial", None, None, "full", "full"]
    assert parsed[2].delegation.kernels == 2
    assert parsed[7].avg_ms == pytest.approx(40.1173)


def test_litert_block_in_milliseconds():
    run = bm.parse(text("litert_2026_benchmark_results_block.txt"))
    assert run.output_format == "litert"
    assert run.init_ms == pytest.approx(23744.73) and run.first_inference_ms == pytest.approx(7441.04)
    assert run.warmup_runs == 1 and run.runs == 10
    assert (run.avg_ms, run.min_ms, run.max_ms, run.std_ms) == pytest.approx((7430.20, 7416.40, 7448.86, 9.92))
    assert run.memory == bm.Memory("footprint", 6391.74, 6391.74)
    assert bm.delegate_status(run.delegation, "gpu", "litert")[0] is None


@pytest.mark.parametrize("name, words", [
    ("tf2.4_nnapi_delegate_failed.txt", ["ANEURALNETWORKS_OP_FAILED", "Failed to apply NNAPI delegate"]),
    ("tf2.8_xnnpack_delegate_failed.txt", ["Failed to apply XNNPACK delegate"]),
])
def test_delegate_failure_is_an_error_with_the_reason(name, words):
    with pytest.raises(EdgeqError) as err:
        bm.parse(text(name))
    for word in words:
        assert word in err.value.message
    assert "--delegate" in err.value.hint


def test_binary_for_wrong_architecture():
    with pytest.raises(EdgeqError) as err:
        bm.parse(text("error_not_executable_64bit_elf.txt"))
    assert "not executable: 64-bit ELF file" in err.value.message
    assert "architecture" in err.value.hint


def test_gpu_unsupported_ops_in_logcat_and_truncated_output():
    out = text("tf2.9_apk_logcat_gpu_delegate_unsupported_op.txt")
    delegation = bm.parse_delegation(out)
    assert delegation.unsupported_ops == ("UNPACK",)
    assert bm.delegate_status(delegation, "gpu", "tf2")[0] is False
    with pytest.raises(EdgeqError, match="no timing summary"):
        bm.parse(out)  # the published log stops before any timing


def test_replacing_nodes_line_from_logcat():
    d = bm.parse_delegation(text("app_logcat_gpu_delegate_replacing_nodes_line.txt"))
    assert (d.name, d.coverage) == ("TfLiteGpuDelegateV2", "full")
    assert bm.delegate_status(d, "gpu", "tf2")[0] is True
    assert bm.delegate_status(d, "nnapi", "tf2")[0] is False


@pytest.mark.parametrize("name", sorted(p.name for p in FIX.glob("*.txt")))
def test_truncation_never_yields_wrong_numbers(name):
    """Cut every fixture at every line: the parser either raises EdgeqError or returns numbers that all
    appear in the lines it was given (never a value from nowhere, never a traceback)."""
    lines = text(name).splitlines(keepends=True)
    for cut in range(len(lines)):
        part = "".join(lines[:cut])
        try:
            run = bm.parse(part)
        except EdgeqError:
            continue
        assert run.avg_ms > 0
        assert f"{run.avg_ms:g}"[:4].replace(".", "") in part.replace(".", "")


def test_line_cut_mid_number_is_not_read_as_a_shorter_number():
    full = text("tf2.3_new_format_peak_memory_duplicate_flags.txt")
    for keep in ("Inference (avg): ", "Inference (avg): 33"):
        with pytest.raises(EdgeqError, match="no timing summary"):
            bm.parse(full[: full.index("Inference (avg): 33209.4") + len(keep)])
    assert bm.parse(full[: full.index("Inference (avg): 33209.4") + len("Inference (avg): 33209.4\n")]).avg_ms \
        == pytest.approx(33.2094)


def test_empty_and_garbage_output():
    with pytest.raises(EdgeqError, match="no timing summary"):
        bm.parse("")
    with pytest.raises(EdgeqError, match="no timing summary"):
        bm.parse("\x00\xff garbage\ncount=abc\n")


def test_two_runs_in_one_output_are_refused():
    _, a = runs_of("tf2.x_2020_filtered_multirun_xnnpack.txt")[0]
    with pytest.raises(EdgeqError, match="several runs"):
        bm.parse(a + a)
