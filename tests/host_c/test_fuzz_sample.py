"""A fixed-seed sample of tools/fuzz_models.py: 200 hostile mutants of the shared int8 models through
inspect, build, a sanitized host run compared with TFLite Micro, and the real CLI. None may end in a
traceback, a signal, a hang, a sanitizer report, C that does not compile, or outputs that differ from TFLM
on a file TFLM accepts (issue 12). A failure prints each bad mutant with `--seed/--only` to reproduce it.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED, COUNT = 20261203, 200
BAD = ("traceback", "signal", "hang", "sanitizer", "compile", "mismatch")


@pytest.mark.tools("gcc", "make")
def test_fuzz_sample_has_no_bad_outcome(tmp_path, shared_models):
    report = tmp_path / "fuzz.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "fuzz_models.py"), "--seed", str(SEED), "--count", str(COUNT),
         "--validate", "16", "--cli", "2", "--json", str(report)],
        capture_output=True, text=True, timeout=600)
    assert report.is_file(), done.stderr[-3000:]
    summary = json.loads(report.read_text())["summary"]
    bad = {f"{stage}/{kind}": n for stage, counts in summary.items() for kind, n in counts.items()
           if kind in BAD and n}
    assert not bad, f"{bad} (reproduce with --seed {SEED} --count {COUNT} --only N)\n{done.stdout[-6000:]}"
    assert done.returncode == 0, done.stderr[-3000:]
    # the sample exercised every stage: refusals, builds, runs equal to TFLM, the CLI
    assert summary["inspect"]["clear"] >= 50 and summary["build"]["ok"] >= 50, summary
    assert summary["validate"]["ok"] >= 8 and sum(summary["cli"].values()) == 2, summary
