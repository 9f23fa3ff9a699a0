"""The team's operations on reports: request a build, edit the year's text, publish and withdraw."""
from datetime import UTC, datetime

from feedback_app.audit.services import record_event
from feedback_app.common.background import enqueue
from feedback_app.extensions import db
from feedback_app.publishing.reporting_years import year_bounds
from feedback_app.reports import queries
from feedback_app.reports.models import BuildStatus, ReportBuild, ReportText

BUILD_TASK = "reports.build"


class ReportError(Exception):
    """A request the state of the report does not allow; the message is shown to the team."""


def create_build(year, *, start_month, requested_by=None, requested_by_label=""):
    first, last = year_bounds(year, start_month)
    build = ReportBuild(year=year, status=BuildStatus.QUEUED, step="Waiting to start", period_start=first,
                        period_end=last, requested_by=requested_by, requested_by_label=requested_by_label)
    db.session.add(build)
    record_event("report.build_requested", subject=build, actor=requested_by, actor_label=requested_by_label,
                 after={"year": year})
    db.session.commit()
    return build


def request_build(year, *, start_month, requested_by):
    """Queue a build for the worker: committed first, then the task is sent with the build's id."""
    build = create_build(year, start_month=start_month, requested_by=requested_by)
    enqueue(BUILD_TASK, build.id)
    return build


def save_report_text(year, *, introduction, next_steps, user):
    text = queries.get_report_text(year) or ReportText(year=year)
    before = {"introduction": text.introduction, "next_steps": text.next_steps}
    text.introduction, text.next_steps, text.updated_by_id = introduction, next_steps, user.id
    db.session.add(text)
    db.session.flush()
    record_event("report.text_edited", subject=_TextSubject(year), actor=user, before=before,
                 after={"introduction": introduction, "next_steps": next_steps})
    db.session.commit()
    return text


class _TextSubject:
    """ReportText's key is the year: the audit trail records it as the subject id."""

    __tablename__ = "report_texts"

    def __init__(self, year):
        self.id = year


def publish_build(build_id, *, user):
    """Publish one ready build; any other published build of the same year stops being public."""
    build = queries.get_build(build_id)
    if build is None or build.status != BuildStatus.READY:
        raise ReportError("Only a report that built successfully can be published")
    current = queries.get_published_build(build.year)
    if current is not None and current.id != build.id:
        current.is_published = False
        current.withdrawn_at = datetime.now(UTC)
    build.is_published, build.published_at, build.published_by_id = True, datetime.now(UTC), user.id
    build.withdrawn_at = None
    record_event("report.published", subject=build, actor=user,
                 after={"year": build.year, "replaced": current.id if current else None})
    db.session.commit()
    return build


def withdraw_build(build_id, *, user):
    build = queries.get_build(build_id)
    if build is None or not build.is_published:
        raise ReportError("This report is not published")
    build.is_published, build.withdrawn_at = False, datetime.now(UTC)
    record_event("report.withdrawn", subject=build, actor=user, after={"year": build.year})
    db.session.commit()
    return build
