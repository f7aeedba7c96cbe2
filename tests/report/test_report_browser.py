"""The report renders in a real browser: headless Chromium decodes every plot and shows the tables."""
from __future__ import annotations

import pytest

from edgeq.report import write_report
from report_fixtures import write_sweep
from report_probe import chromium_probe


@pytest.mark.tools("chromium")
def test_report_renders_in_chromium(tmp_path):
    files = write_report(write_sweep(tmp_path / "sweep"))
    verdict, dom = chromium_probe(files.html, tmp_path)
    assert verdict["errors"] == []
    assert verdict["images"] == 4 and verdict["decoded"] == 4
    assert all(w > 300 for w in verdict["widths"])
    assert verdict["tables"] == ["modes-table", "layer-table"]
    assert verdict["mode_rows"] == 5
    assert "converter crashed" in dom


@pytest.mark.tools("chromium")
def test_probe_sees_a_broken_image(tmp_path):
    """The probe is not a rubber stamp: a page with an undecodable image is reported."""
    files = write_report(write_sweep(tmp_path / "sweep"))
    page = files.html.read_text()
    files.html.write_text(page.replace("data:image/png;base64,", "data:image/png;base64,AAAA", 1))
    verdict, _ = chromium_probe(files.html, tmp_path)
    assert verdict["decoded"] == 3
    assert len(verdict["errors"]) == 1
