"""Building a year's report: figures → one template → the HTML page and the tagged PDF, kept with checksums."""
import hashlib
import logging
from datetime import UTC, datetime

from flask import current_app, render_template

from feedback_app.common.working_days import council_today
from feedback_app.extensions import db
from feedback_app.publishing.reporting_years import configured_start_month, year_long_label
from feedback_app.reports import queries
from feedback_app.reports.models import BuildStatus
from feedback_app.reports.render import STATIC_DIR, render_pdf
from feedback_app.reports.statistics import gather_report_data

log = logging.getLogger(__name__)

STEPS = ("Gathering the figures", "Writing the HTML page", "Rendering the PDF", "Saving the files")
STYLESHEET = STATIC_DIR / "reports" / "report.css"
TEMPLATE = "reports/annual-report.html"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def render_report_html(year, *, built_on, start_month=None):
    """The report as one self-contained HTML document: the same text becomes the page and the PDF."""
    start_month = start_month or configured_start_month()
    data = gather_report_data(year, start_month=start_month, today=built_on)
    text = queries.get_report_text(year)
    return render_template(
        TEMPLATE, report=data, built_on=built_on, period=year_long_label(year, start_month),
        introduction=text.introduction if text else "", next_steps=text.next_steps if text else "",
        stylesheet=STYLESHEET.read_text(encoding="utf-8"),
        feedback_url=current_app.config.get("BASE_URL", "").rstrip("/") + "/feedback",
    )


def _step(build, index, progress):
    build.step = STEPS[index]
    db.session.commit()  # so the team's page shows where the build is
    if progress:
        progress(index)


def build_annual_report(build_id, progress=None):
    """Run a queued build. Safe to run twice: a build that is ready or failed is left as it is.

    `progress(step_index)` is called as each step starts (the command line's progress bar).
    Returns the build's status.
    """
    build = queries.get_build(build_id)
    if build is None or build.status in (BuildStatus.READY, BuildStatus.FAILED):
        return build.status if build else None
    build.status = BuildStatus.BUILDING
    build.failure_reason = ""
    try:
        _step(build, 0, progress)
        built_on = council_today()
        html = render_report_html(build.year, built_on=built_on)
        _step(build, 1, progress)
        html_bytes = html.encode("utf-8")
        _step(build, 2, progress)
        pdf = render_pdf(html)
        _step(build, 3, progress)
        build.html, build.pdf = html_bytes, pdf
        build.html_sha256, build.pdf_sha256 = sha256(html_bytes), sha256(pdf)
        build.status, build.step = BuildStatus.READY, ""
        build.built_at = datetime.now(UTC)
        db.session.commit()
    except Exception as error:  # any failure is recorded for the team, with its reason
        log.exception("report build %s failed", build_id)
        db.session.rollback()
        build = queries.get_build(build_id)
        build.status = BuildStatus.FAILED
        build.failure_reason = f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()
    return build.status
