"""Shared test plumbing.

`@pytest.mark.tools("qemu-system-arm", ...)` declares external programs a test needs. Locally a missing
tool skips the test; with EDGEQ_REQUIRE_TOOLS=1 (set by .ci/run) it fails, so CI never hides a missing tool.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    """The workspace's shared folder (MLPerf Tiny models, Android fixtures): EDGEQ_SHARED, else the checkout's
    sibling `shared/`, else /work/shared (a CI checkout may live elsewhere on the same machine)."""
    if os.environ.get("EDGEQ_SHARED"):
        return Path(os.environ["EDGEQ_SHARED"])
    sibling = REPO.parent / "shared"
    return sibling if sibling.is_dir() else Path("/work/shared")


# Test modules read EDGEQ_SHARED (set here, before they are imported) for fixture paths.
os.environ["EDGEQ_SHARED"] = str(_shared_dir())
SHARED_MODELS = Path(os.environ["EDGEQ_SHARED"]) / "models"


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers(name="tools"):
        missing = [name for name in marker.args if shutil.which(name) is None]
        if not missing:
            continue
        message = f"required tools not on PATH: {', '.join(missing)} (run tools/setup.sh)"
        if os.environ.get("EDGEQ_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def shared_models() -> Path:
    """The MLPerf Tiny models bundled with the workspace (see ../shared/models/README.md)."""
    if not SHARED_MODELS.is_dir():
        pytest.fail(f"shared models missing at {SHARED_MODELS}")
    return SHARED_MODELS
