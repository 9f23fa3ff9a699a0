"""Opening cases: a reference at once, deadlines in working days, an audit event."""

from flask import current_app
from sqlalchemy import text

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
    counter row is locked; a rolled-back submission leaves a harmless gap. On PostgreSQL the key
    is taken from the table's sequence first, so the case is inserted once, reference and all,
    in the caller's one flush (no INSERT then UPDATE); elsewhere the case is flushed for its key.
    """
    received_on = received_on or council_today()
    case = Case(channel=channel, received_on=received_on, status=CaseStatus.RECEIVED, **fields)
    case.themes = list(themes)
    set_deadlines(case)
    if case.is_excluded and case.excluded_reason:
        case.status = CaseStatus.CLOSED  # recorded and counted, but not in the work queue
    case.id = next_case_id()
    db.session.add(case)
    if case.id is None:
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


def next_case_id():
    return next_id("cases")


def next_id(table):
    """The next key of `table` from its PostgreSQL sequence; None where the database has none (SQLite).

    Knowing the key before the INSERT lets the rows that name it go in the same flush.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    # On the session's connection, not session.execute(): asking the sequence must not flush what is pending.
    return db.session.connection().execute(_NEXT_ID, {"table": table}).scalar_one()


def next_ids(table, count):
    """`count` keys of `table` in one round trip (all None without a sequence); unused ones are harmless gaps."""
    if db.session.get_bind().dialect.name != "postgresql":
        return [None] * count
    return list(db.session.connection().execute(_NEXT_IDS, {"table": table, "count": count}).scalars())


_NEXT_ID = text("SELECT nextval(pg_get_serial_sequence(:table, 'id'))")
_NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)")


def set_deadlines(case):
    config = current_app.config
    case.acknowledge_by = add_working_days(case.received_on, config["ACKNOWLEDGE_WORKING_DAYS"])
    case.respond_by = add_working_days(case.received_on, config["RESPOND_WORKING_DAYS"])
