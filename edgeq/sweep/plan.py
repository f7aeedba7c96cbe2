"""Which quantization modes a sweep runs, what each needs, and why a target cannot run one (pure).

Two moments decide whether a mode runs on a target:
  1. before converting — `plan_modes` checks the user's inputs: a mode that needs data the user did not
     give (QAT without training data) is refused with the option to add; nothing is guessed;
  2. after converting — `device_issue` asks the MCU support table (`edgeq.ir.mcu_support`) about the real
     converted graph, so the reason a board cannot run a model (fp16 weights, dynamic-range operators,
     int4 FULLY_CONNECTED, an int16 operator without a kernel) is the runtime's own, naming the operator, not a hard-coded list that could drift from the kernels.
Phones and the host run every TFLite model, so only step 1 applies to them.
"""
from __future__ import annotations

from dataclasses import dataclass

from edgeq.errors import EdgeqError
from edgeq.ir import Graph, mcu_support
from edgeq.sweep.record import Target

# The converter's modes in the order a sweep runs and reports them (edgeq.convert.modes.MODES, checked by a
# unit test; duplicated here so planning needs no converter import).
ALL_MODES = ("fp32", "fp16", "dynamic", "int8", "int16x8", "qat", "mixed", "int4")
_NEEDS_CALIB = frozenset({"int8", "int16x8", "mixed", "int4"})


@dataclass(frozen=True)
class ModeDecision:
    mode: str
    runnable: bool
    reason: str = ""
    hint: str = ""


def parse_modes(text: str | None) -> tuple[str, ...]:
    """`None`/"all" → every mode; otherwise a comma list, kept in the canonical order, no duplicates."""
    if text is None or text.strip() == "all":
        return ALL_MODES
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise EdgeqError("--modes is empty", f"give a comma list of: {', '.join(ALL_MODES)} (or 'all')")
    unknown = [name for name in names if name not in ALL_MODES]
    if unknown:
        raise EdgeqError(f"unknown mode(s) in --modes: {', '.join(unknown)}",
                         f"choose from: {', '.join(ALL_MODES)} (or 'all')")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise EdgeqError(f"--modes names {', '.join(duplicates)} more than once", "list each mode once")
    return tuple(mode for mode in ALL_MODES if mode in names)


def plan_modes(modes: tuple[str, ...], *, has_calib: bool, has_train: bool) -> tuple[ModeDecision, ...]:
    """Which of `modes` can be attempted with the data the user gave; the others with the reason."""
    decisions = []
    for mode in modes:
        if mode in _NEEDS_CALIB and not has_calib:
            decisions.append(ModeDecision(mode, False, f"mode '{mode}' needs calibration data",
                                          "pass --calib DATA.npz (or --calib synthetic --input-range LO,HI)"))
        elif mode == "qat" and not has_train:
            decisions.append(ModeDecision(mode, False, "mode 'qat' fine-tunes the model and needs labelled "
                                          "training data", "pass --train-data TRAIN.npz (keys x, y)"))
        else:
            decisions.append(ModeDecision(mode, True))
    return tuple(decisions)


def device_issue(graph: Graph, target: Target) -> ModeDecision | None:
    """Why `target` cannot run this converted graph (all reasons in one), or None when it can."""
    if not target.runs_firmware:
        return None
    issues = mcu_support(graph)
    if not issues:
        return None
    shown = issues[:3]
    more = f" (+{len(issues) - len(shown)} more)" if len(issues) > len(shown) else ""
    reason = "the MCU runtime cannot run it: " + "; ".join(issue.describe() for issue in shown) + more
    return ModeDecision("", False, reason, issues[0].hint)
