"""`edgeq report DIR [-o OUT] [--force] [--json]`: the sweep's HTML report, report.json and summary.md."""
from __future__ import annotations

import click


@click.command("report")
@click.argument("sweep_dir", type=click.Path(file_okay=False))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write the report files here instead of into DIR.")
@click.option("--force", is_flag=True, help="Replace report files that already exist in the -o directory.")
@click.option("--summary/--no-summary", default=True, help="Print the markdown summary (for CI logs).")
@click.option("--json", "as_json", is_flag=True, help="Print report.json (and write the files as usual).")
def command(sweep_dir: str, out_dir: str | None, force: bool, summary: bool, as_json: bool) -> None:
    """Render the sweep in DIR (its results.json) as a self-contained HTML page with plots."""
    from edgeq.report import write_report

    files = write_report(sweep_dir, out_dir, force=force)
    if as_json:
        click.echo(files.json.read_text(encoding="utf-8"), nl=False)
        return
    if summary:
        click.echo(files.markdown.read_text(encoding="utf-8"))
    click.echo(f"report: {files.html}")
