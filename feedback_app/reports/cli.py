"""`flask report build`: the same build the team asks for, from the command line, with a progress bar."""
from pathlib import Path

import click
from flask.cli import AppGroup

from feedback_app.publishing.reporting_years import configured_start_month
from feedback_app.reports.build import STEPS, build_annual_report
from feedback_app.reports.models import BuildStatus
from feedback_app.reports.queries import get_build
from feedback_app.reports.services import create_build

report_cli = AppGroup("report", help="Build the annual report.")


@report_cli.command("build")
@click.option("--year", type=int, required=True, help="The calendar year the reporting year starts in.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), required=True)
def build_command(year, html_path, pdf_path):
    """Build the report for YEAR, keep it like any other build, and write its two files."""
    build = create_build(year, start_month=configured_start_month(), requested_by_label="command line")
    with click.progressbar(length=len(STEPS), label=f"Building the {year} report") as bar:
        done = [0]  # steps finished so far: the bar moves on as each next step starts

        def progress(index):
            bar.label = STEPS[index]
            bar.update(index - done[0])
            done[0] = index

        status = build_annual_report(build.id, progress=progress)
        bar.update(len(STEPS) - done[0])
    if status != BuildStatus.READY:
        raise click.ClickException(f"The build failed: {get_build(build.id).failure_reason}")
    build = get_build(build.id)
    html_path.write_bytes(build.html)
    pdf_path.write_bytes(build.pdf)
    click.echo(f"Build {build.id}: {html_path} (sha256 {build.html_sha256}), {pdf_path} (sha256 {build.pdf_sha256})")
