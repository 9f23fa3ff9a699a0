"""Opening cases: a reference at once, deadlines in working days, an audit event."""

from flask import current_app

from feedback_app.audit.services import record_event
from feedback_app.cases.models import Case, CaseStatus
from feedback_app.common.working_days import add_working_days, council_today
from feedback_app.extensions import db


def format_reference(case_id, received_on, prefix=None):
    prefix = prefix or current_app.config["CASE_REFERENCE_PREFIX"]
    return f"{prefix}-{received_on.year}-{case_id:05d}"


def open_case(*, channel, received_on=None, themes=(), actor=None, actor_label="", **fields):
    """Create a case in the current transaction and give it its reference; the caller commits.

    The reference comes from the primary key, so concurrent submissions never collide and no
    counter row is locked; a rolled-back submission leaves a harmless gap.
    """
    received_on = received_on or council_today()
    case = Case(channel=channel, received_on=received_on, status=CaseStatus.RECEIVED, **fields)
    case.themes = list(themes)
    set_deadlines(case)
    if case.is_excluded and case.excluded_reason:
        case.status = CaseStatus.CLOSED  # recorded and counted, but not in the work queue
    db.session.add(case)
    db.session.flush()
    case.reference = format_reference(case.id, received_on)
    record_event(
        "case.opened",
        subject=case,
        case=case,
        actor=actor,
        actor_label=actor_label,
        after={"channel": str(channel), "status": str(case.status), "reg56_topic": case.reg56_topic},
    )
    return case


def set_deadlines(case):
    config = current_app.config
    case.acknowledge_by = add_working_days(case.received_on, config["ACKNOWLEDGE_WORKING_DAYS"])
    case.respond_by = add_working_days(case.received_on, config["RESPOND_WORKING_DAYS"])
