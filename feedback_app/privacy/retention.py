"""The retention schedule: which cases and inbound emails have expired, a dry run, and applying it."""

from flask import current_app
from sqlalchemy import exists, select

from feedback_app.audit.services import record_event
from feedback_app.cases.models import Case, CaseStatus
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.intake.models import InboundEmail, InboundOutcome
from feedback_app.privacy.anonymise import anonymise_case, anonymise_inbound_email
from feedback_app.privacy.models import RetentionRun
from feedback_app.publishing.models import Entry, EntryStatus, entry_cases

KIND_LABELS = {
    "published": "Cases behind a published entry",
    "resolved": "Resolved or closed cases",
    "closed_excluded": "Cases closed as excluded (spam, duplicate, not about the Local Offer)",
    "held_email": "Held inbound emails (spam or bulk) that never became a case",
    "unlinked_email": "Other inbound emails without a case (ignored, bounced, unreadable)",
}
CASE_KINDS = ("published", "resolved", "closed_excluded")
EMAIL_KINDS = ("held_email", "unlinked_email")


def schedule():
    """Months kept after closure, by kind, from RETENTION_SCHEDULE (missing kinds fall back to 24 / 3)."""
    configured = current_app.config.get("RETENTION_SCHEDULE", {})
    return {kind: int(configured.get(kind, 3 if kind in EMAIL_KINDS else 24)) for kind in KIND_LABELS}


def is_finished(case):
    return case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)


def case_kind(case, published):
    """The kind of a case for the schedule; None while it is still open (its data is still needed).

    A merged duplicate follows the case it was merged into: kept while that one is open.
    """
    if case.merged_into_id is not None:
        return "closed_excluded" if is_finished(case.merged_into) else None
    if not is_finished(case):
        return None
    if published:
        return "published"
    if case.status == CaseStatus.CLOSED and case.is_excluded:
        return "closed_excluded"
    return "resolved"


def add_months(moment, months):
    """The same day `months` later (the last day of the month when that day does not exist)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def closed_on(case):
    if case.merged_into_id is not None:
        case = case.merged_into
    return case.closed_at or case.resolved_at or case.created_at


def email_kind(email):
    return "held_email" if email.outcome == InboundOutcome.HELD else "unlinked_email"


def expired(now=None):
    """(kind, case or inbound email) for everything past its retention period and not yet anonymised."""
    now = now or utcnow()
    months = schedule()
    has_published = exists().where(
        entry_cases.c.case_id == Case.id, entry_cases.c.entry_id == Entry.id, Entry.status == EntryStatus.PUBLISHED
    )
    rows = db.session.execute(
        select(Case, has_published.label("published")).where(Case.anonymised_at.is_(None)).order_by(Case.id)
    ).all()
    found = []
    for case, published in rows:
        kind = case_kind(case, published)
        if kind is not None and add_months(closed_on(case), months[kind]) <= now:
            found.append((kind, case))
    emails = db.session.scalars(
        select(InboundEmail).where(InboundEmail.case_id.is_(None), InboundEmail.anonymised_at.is_(None),
                                   InboundEmail.outcome.not_in([InboundOutcome.RELEASED]))
        .order_by(InboundEmail.id)
    )
    for email in emails:
        kind = email_kind(email)
        if add_months(email.received_at, months[kind]) <= now:
            found.append((kind, email))
    return found


def dry_run(now=None):
    """What applying the schedule now would anonymise: counts by kind only, never who or what."""
    counts = {kind: 0 for kind in KIND_LABELS}
    for kind, _item in expired(now):
        counts[kind] += 1
    return counts


def apply_retention(now=None, actor=None):
    """Anonymise everything expired, in one transaction, and record the run; return the counts by kind."""
    counts = {kind: 0 for kind in KIND_LABELS}
    label = "" if actor is not None else "retention schedule"
    for kind, item in expired(now):
        if isinstance(item, Case):
            anonymise_case(item, kind=kind, actor=actor, actor_label=label)
        else:
            anonymise_inbound_email(item, kind=kind, actor=actor, actor_label=label)
        counts[kind] += 1
    run = RetentionRun(actor_id=actor.id if actor is not None else None, counts=counts)
    db.session.add(run)
    record_event("privacy.retention-applied", subject=run, actor=actor, actor_label=label, after=counts)
    db.session.commit()
    return counts


def last_runs(limit=5):
    return db.session.scalars(select(RetentionRun).order_by(RetentionRun.id.desc()).limit(limit)).all()

