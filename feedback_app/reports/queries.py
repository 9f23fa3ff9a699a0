"""Read-only queries behind the annual report and the dashboard: a fixed number of grouped queries per build."""
from sqlalchemy import and_, func, select

from feedback_app.actions.models import Action
from feedback_app.cases.models import Case, CaseStatus, ClockStop, Reg56Topic, case_themes
from feedback_app.directory.models import Theme
from feedback_app.extensions import db
from feedback_app.publishing.models import Entry, EntryStatus
from feedback_app.reports.models import ReportBuild, ReportText

EXCLUSION_TOPICS = tuple(topic.value for topic in Reg56Topic if topic.is_exclusion)


def _in_period(first, last):
    # A merged duplicate is the same comment sent twice: counted once, through the case it joined.
    return and_(Case.received_on >= first, Case.received_on <= last, Case.merged_into_id.is_(None))


def count_cases(first, last):
    return db.session.scalar(select(func.count(Case.id)).where(_in_period(first, last)))


def count_cases_by(column, first, last):
    """{value: count} of the period's comments grouped by one of the case's columns (None included)."""
    rows = db.session.execute(
        select(column, func.count(Case.id)).where(_in_period(first, last)).group_by(column))
    return {value: count for value, count in rows}


def count_cases_by_theme(first, last):
    """[(theme name, count)] in taxonomy order; a comment with two themes counts under each."""
    rows = db.session.execute(
        select(Theme.name, func.count(Case.id))
        .join(case_themes, case_themes.c.theme_id == Theme.id)
        .join(Case, Case.id == case_themes.c.case_id)
        .where(_in_period(first, last))
        .group_by(Theme.id, Theme.name, Theme.position)
        .order_by(Theme.position, Theme.name))
    return [(name, count) for name, count in rows]


def list_resolution_times(first, last):
    """(received_on, resolved_at, working days the clock was stopped) for the period's answered comments."""
    stopped = (select(ClockStop.case_id, func.sum(ClockStop.working_days_stopped).label("days"))
               .group_by(ClockStop.case_id).subquery())
    rows = db.session.execute(
        select(Case.received_on, Case.resolved_at, func.coalesce(stopped.c.days, 0))
        .outerjoin(stopped, stopped.c.case_id == Case.id)
        .where(_in_period(first, last), Case.resolved_at.is_not(None),
               func.coalesce(Case.reg56_topic, "").not_in(EXCLUSION_TOPICS))
        .order_by(Case.id))
    return list(rows)


def count_open_overdue(first, last, today):
    return db.session.scalar(
        select(func.count(Case.id)).where(
            _in_period(first, last), Case.status.in_((CaseStatus.RECEIVED, CaseStatus.WITH_SERVICE)),
            Case.respond_by < today, Case.clock_stopped_on.is_(None)))


def count_actions_by_status(first, last):
    rows = db.session.execute(
        select(Action.status, func.count(Action.id)).join(Case, Case.id == Action.case_id)
        .where(_in_period(first, last)).group_by(Action.status))
    return {status: count for status, count in rows}


def list_published_entries(year):
    """The year's published entries with their themes and actions, in a stable order."""
    from sqlalchemy.orm import selectinload

    return db.session.scalars(
        select(Entry).outerjoin(Theme, Theme.id == Entry.theme_id)
        .where(Entry.reporting_year == year, Entry.status == EntryStatus.PUBLISHED)
        .options(selectinload(Entry.actions), selectinload(Entry.theme))
        .order_by(Theme.position.is_(None), Theme.position, Theme.name, Entry.published_at, Entry.id)).all()


def has_cases(first, last):
    return db.session.scalar(select(Case.id).where(_in_period(first, last)).limit(1)) is not None


def get_report_text(year):
    return db.session.get(ReportText, year)


def get_build(build_id):
    return db.session.get(ReportBuild, build_id)


def list_builds(limit=50):
    return db.session.scalars(
        select(ReportBuild).order_by(ReportBuild.year.desc(), ReportBuild.id.desc()).limit(limit)).all()


def list_published_builds():
    """The published build of each year, newest year first (one per year by construction)."""
    return db.session.scalars(
        select(ReportBuild).where(ReportBuild.is_published.is_(True))
        .order_by(ReportBuild.year.desc())).all()


def get_published_build(year):
    return db.session.scalars(
        select(ReportBuild).where(ReportBuild.year == year, ReportBuild.is_published.is_(True))).first()


# --- Dashboard ---------------------------------------------------------------------------------

def count_cases_by_month(first, last):
    """[(first of month, count)] of comments received between two dates."""
    rows = db.session.execute(select(Case.received_on).where(_in_period(first, last)))
    counts = {}
    for (received_on,) in rows:
        month = received_on.replace(day=1)
        counts[month] = counts.get(month, 0) + 1
    return counts


def list_open_overdue_deadlines(today):
    return db.session.scalars(
        select(Case.respond_by).where(
            Case.merged_into_id.is_(None), Case.status.in_((CaseStatus.RECEIVED, CaseStatus.WITH_SERVICE)),
            Case.respond_by < today, Case.clock_stopped_on.is_(None))).all()
