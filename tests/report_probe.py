"""Open a report in headless Chromium and learn what the browser made of it.

A copy of the page gets a probe script (the report itself has none) that records, after the load event,
every error event (script errors and resources that failed to load, caught in the capture phase) and
whether every <img> decoded to a non-empty bitmap; Chromium's `--dump-dom` then returns the DOM with the
probe's verdict written into it. Used by the report unit test and the end-to-end sweep test.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

# Found on PATH (by subprocess) exactly as the `tools("chromium")` marker finds it: the two never disagree.
CHROMIUM = "chromium"
_PROBE = """
<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message || (e.target && (e.target.src || e.target.href)) || e.type)), true);
window.addEventListener('load', () => {
  const imgs = Array.from(document.images);
  const verdict = {
    errors: window.__errors,
    images: imgs.length,
    decoded: imgs.filter(i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0).length,
    widths: imgs.map(i => i.naturalWidth),
    tables: Array.from(document.querySelectorAll('table')).map(t => t.id),
    mode_rows: document.querySelectorAll('#modes-table tbody tr').length,
  };
  const pre = document.createElement('pre');
  pre.id = 'edgeq-probe';
  pre.textContent = JSON.stringify(verdict);
  document.body.appendChild(pre);
});
</script>
"""


def chromium_probe(html: Path, workdir: Path, timeout: float = 90.0) -> tuple[dict, str]:
    """(the probe's verdict, the dumped DOM) for the report page at `html`."""
    page = html.read_text(encoding="utf-8")
    probe_page = html.with_name(".probe-" + html.name)  # same directory: relative links would still resolve
    probe_page.write_text(page.replace("<head>", "<head>" + _PROBE, 1), encoding="utf-8")
    try:
        proc = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={workdir / 'chromium-profile'}", "--virtual-time-budget=5000",
             "--dump-dom", probe_page.resolve().as_uri()],
            capture_output=True, text=True, timeout=timeout,
        )
    finally:
        probe_page.unlink()
    assert proc.returncode == 0, proc.stderr[-2000:]
    match = re.search(r'<pre id="edgeq-probe">(.*?)</pre>', proc.stdout, re.S)
    assert match, f"probe did not run; DOM starts: {proc.stdout[:500]!r}; stderr: {proc.stderr[-1000:]}"
    verdict = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&")
                         .replace("&lt;", "<").replace("&gt;", ">"))
    return verdict, proc.stdout
