"""Case work on one case: classify, route, the clock, notes, replies, resolve, close and re-open."""
from flask import current_app

from feedback_app.accounts.models import Role
from feedback_app.audit.services import record_event
from feedback_app.cases.models import (
    OPEN_STATUSES,
    CaseNote,
    CaseStatus,
    ClockStop,
    ClockStopReason,
    Reg56Topic,
    ReplyPreference,
)
from feedback_app.cases.triage_emails import (
    format_date,
    notify_new_services,
    queue_family_email,
    queue_signpost,
    sender_name,
)
from feedback_app.common import versions
from feedback_app.common.types import utcnow
from feedback_app.common.working_days import add_working_days, council_today, working_days_between
from feedback_app.extensions import db
from feedback_app.intake.models import CaseMessage, MessageDirection

STALE = "Someone else changed this case while you were working on it. Check the latest details and try again."
# Means "leave the assignee as it is" (None means "no one").
KEEP = object()


class CaseWorkError(Exception):
    """A change that cannot be made; the message is written for the person who asked for it."""

    @property
    def message(self):
        return self.args[0]


# --- Shared by every change ------------------------------------------------------------------

def today():
    return council_today()


def check_version(case, expected_version):
    """Refuse a form made from an older version of the case (None: the caller is not a form)."""
    versions.check_version(case, expected_version, lambda: CaseWorkError(STALE))


def bump_version(case):
    # Themes and services live in link tables, so changing only them would not update the case
    # row: setting the version ourselves makes every change count, still guarded by WHERE version.
    case.version = case.version + 1


# A change to cases: someone else's concurrent change (seen at any flush, not only the commit) is refused.
case_change = versions.refusing_stale_changes(lambda: CaseWorkError(STALE))


def commit():
    db.session.commit()


def refuse_if_merged(case):
    if case.merged_into_id is not None:
        raise CaseWorkError(
            f"{case.reference} was merged into {case.merged_into.reference}. "
            "Work on that case, or unmerge this one first."
        )


def status_label(case):
    return CaseStatus(case.status).label.lower()


def state(case, *keys):
    """The audit's before/after: the named parts of a case, as plain JSON values."""
    values = {
        "status": lambda: str(case.status),
        "reg56_topic": lambda: str(case.reg56_topic) if case.reg56_topic else None,
        "excluded_reason": lambda: case.excluded_reason,
        "themes": lambda: [theme.slug for theme in case.themes],
        "services": lambda: [service.slug for service in case.services],
        "assignee": lambda: case.assignee.email if case.assignee is not None else None,
        "acknowledge_by": lambda: _iso(case.acknowledge_by),
        "respond_by": lambda: _iso(case.respond_by),
        "clock_stopped_on": lambda: _iso(case.clock_stopped_on),
        "resolved_at": lambda: _iso(case.resolved_at),
        "closed_at": lambda: _iso(case.closed_at),
        "closed_reason": lambda: case.closed_reason,
        "merged_into": lambda: case.merged_into.reference if case.merged_into is not None else None,
    }
    return {key: values[key]() for key in keys}


def _iso(value):
    return value.isoformat() if value is not None else None


# --- Classify and route ----------------------------------------------------------------------

@case_change
def classify_case(case, *, themes=None, reg56_topic, excluded_reason="", actor, expected_version=None):
    """Set themes (None keeps them) and the regulation-56 topic; an exclusion closes the case with its reason."""
    check_version(case, expected_version)
    refuse_if_merged(case)
    topic = Reg56Topic(reg56_topic) if reg56_topic else None
    reason = (excluded_reason or "").strip()
    excluding = topic is not None and topic.is_exclusion
    if excluding and not reason:
        raise CaseWorkError("Enter why this feedback is excluded")
    if case.status == CaseStatus.CLOSED and case.is_excluded and not excluding:
        raise CaseWorkError(
            "This case was closed as excluded. Re-open it before classifying it as Local Offer feedback."
        )
    keys = ("status", "reg56_topic", "excluded_reason", "themes", "closed_reason")
    before = state(case, *keys)
    signpost = topic == Reg56Topic.INDIVIDUAL_CASE and case.reg56_topic != Reg56Topic.INDIVIDUAL_CASE
    if themes is not None:
        case.themes = list(dict.fromkeys(themes))
    case.reg56_topic = topic
    case.excluded_reason = reason if excluding else ""
    if excluding and case.status in OPEN_STATUSES:
        end_clock_stop(case, today())
        case.status = CaseStatus.CLOSED
        case.closed_at = utcnow()
        case.closed_reason = f"{topic.label}: {reason}"
    bump_version(case)
    if signpost and case.contact_email:
        queue_signpost(case, actor)
    record_event("case.classified", subject=case, case=case, actor=actor, before=before, after=state(case, *keys))
    commit()
    return case


@case_change
def assign_case(case, *, services, assignee=KEEP, actor, expected_version=None):
    """Send the case to one or more services (received → with service); newly added services' leads are told."""
    check_version(case, expected_version)
    refuse_if_merged(case)
    services = list(dict.fromkeys(services))
    if not services:
        raise CaseWorkError("Select at least one service")
    if case.status not in OPEN_STATUSES:
        raise CaseWorkError(f"This case is {status_label(case)}. Re-open it before sending it to a service.")
    if assignee is KEEP:
        assignee = case.assignee if case.assignee is not None and may_own(case.assignee, services) else None
    elif assignee is not None and not may_own(assignee, services):
        raise CaseWorkError(
            f"{assignee.name or assignee.email} cannot own this case. Choose someone in the Local Offer team "
            "or a lead of one of the services you selected."
        )
    keys = ("status", "services", "assignee")
    before = state(case, *keys)
    added = [service for service in services if service not in case.services]
    new_owner = assignee if assignee is not None and assignee is not case.assignee else None
    case.services = services
    case.assignee = assignee
    if case.status == CaseStatus.RECEIVED:
        case.status = CaseStatus.WITH_SERVICE
    bump_version(case)
    notify_new_services(case, added, new_owner, actor)
    record_event("case.assigned", subject=case, case=case, actor=actor, before=before, after=state(case, *keys))
    commit()
    return case


def may_own(user, services):
    """The owner works the case: a team member, or a lead of one of its services."""
    return user.active and (user.role in (Role.TEAM, Role.ADMIN) or any(user in service.leads for service in services))


# --- The clock -------------------------------------------------------------------------------

@case_change
def stop_clock(case, *, reason, detail="", actor, on=None, expected_version=None):
    """Stop the response clock (waiting on the family or a partner); the case cannot go overdue meanwhile."""
    check_version(case, expected_version)
    refuse_if_merged(case)
    on = on or today()
    reason = ClockStopReason(reason)
    detail = (detail or "").strip()
    if case.status not in OPEN_STATUSES:
        raise CaseWorkError(f"This case is {status_label(case)}. You can only stop the clock on an open case.")
    if case.clock_stopped_on is not None:
        raise CaseWorkError(f"The clock is already stopped (since {format_date(case.clock_stopped_on)}).")
    if reason == ClockStopReason.OTHER and not detail:
        raise CaseWorkError("Enter why the clock is stopped")
    before = state(case, "clock_stopped_on")
    case.clock_stops.append(ClockStop(stopped_on=on, reason=reason, detail=detail))
    case.clock_stopped_on = on
    bump_version(case)
    record_event("case.clock_stopped", subject=case, case=case, actor=actor, before=before,
                 after={**state(case, "clock_stopped_on"), "reason": str(reason), "detail": detail})
    commit()
    return case


@case_change
def restart_clock(case, *, actor, on=None, expected_version=None):
    """Restart the clock: respond_by moves on by the working days it was stopped."""
    check_version(case, expected_version)
    if case.clock_stopped_on is None:
        raise CaseWorkError("The clock is not stopped")
    keys = ("clock_stopped_on", "respond_by")
    before = state(case, *keys)
    days = end_clock_stop(case, on or today())
    bump_version(case)
    record_event("case.clock_restarted", subject=case, case=case, actor=actor, before=before,
                 after={**state(case, *keys), "working_days_stopped": days})
    commit()
    return case


def end_clock_stop(case, on):
    """End a stop in the caller's transaction; returns the working days respond_by moved on by."""
    if case.clock_stopped_on is None:
        return 0
    days = max(working_days_between(case.clock_stopped_on, on), 0)
    stop = next((stop for stop in reversed(case.clock_stops) if stop.restarted_on is None), None)
    if stop is not None:
        stop.restarted_on = max(on, stop.stopped_on)
        stop.working_days_stopped = days
    if case.respond_by is not None:
        case.respond_by = add_working_days(case.respond_by, days)
    case.clock_stopped_on = None
    return days


# --- Notes and replies -----------------------------------------------------------------------

@case_change
def add_note(case, *, body, actor):
    """An internal note for colleagues; never sent. Notes never conflict, so they carry no version."""
    body = (body or "").strip()
    if not body:
        raise CaseWorkError("Enter the note")
    note = CaseNote(case=case, author=actor, body=body)
    db.session.add(note)
    record_event("case.note_added", subject=note, case=case, actor=actor)
    commit()
    return note


@case_change
def reply_to_family(case, *, subject, body, actor, template=None, expected_version=None):
    """Email the family, threaded to their last message; template text is used where subject or body is empty."""
    check_version(case, expected_version)
    refuse_if_merged(case)
    if not case.contact_email:
        raise CaseWorkError("There is no email address for this family. Record what you told them as a note instead.")
    if template is not None:
        subject = subject or template.subject
        body = body or template.body
    if not (subject or "").strip():
        raise CaseWorkError("Enter a subject")
    if not (body or "").strip():
        raise CaseWorkError("Enter your reply")
    message = queue_family_email(case, subject, body, actor=actor, purpose="reply")
    record_event("case.replied", subject=message, case=case, actor=actor,
                 after={"subject": message.subject, "template": template.name if template is not None else None,
                        "outbound_email_id": message.outbound_email.id})
    commit()
    return message


# --- Resolve, close, re-open -----------------------------------------------------------------

@case_change
def resolve_case(case, *, response, actor, expected_version=None):
    """Record the response (emailed when the family asked for a reply by email): open → resolved."""
    check_version(case, expected_version)
    refuse_if_merged(case)
    response = (response or "").strip()
    if case.status not in OPEN_STATUSES:
        raise CaseWorkError(f"This case is already {status_label(case)}.")
    if not response:
        raise CaseWorkError("Enter your response")
    keys = ("status", "resolved_at", "clock_stopped_on", "respond_by")
    before = state(case, *keys)
    if case.reply_preference == ReplyPreference.EMAIL and case.contact_email:
        message = queue_family_email(case, "Our response to your feedback", response, actor=actor, purpose="reply")
    else:  # kept with the conversation, so the response is on record for publication
        message = CaseMessage(direction=MessageDirection.OUTBOUND, sender=sender_name(actor),
                              subject="Response recorded (not emailed)", body=response)
        case.messages.append(message)
    end_clock_stop(case, today())
    case.status = CaseStatus.RESOLVED
    case.resolved_at = utcnow()
    bump_version(case)
    db.session.flush()
    record_event("case.resolved", subject=case, case=case, actor=actor, before=before,
                 after={**state(case, *keys), "emailed": message.outbound_email is not None})
    commit()
    return case


@case_change
def close_case(case, *, reason, actor, expected_version=None):
    """Close with a reason (spam, no response needed…), from any state but closed."""
    check_version(case, expected_version)
    reason = (reason or "").strip()
    if case.status == CaseStatus.CLOSED:
        raise CaseWorkError("This case is already closed.")
    if not reason:
        raise CaseWorkError("Enter why you are closing this case")
    keys = ("status", "closed_at", "closed_reason", "clock_stopped_on", "respond_by")
    before = state(case, *keys)
    end_clock_stop(case, today())
    case.status = CaseStatus.CLOSED
    case.closed_at = utcnow()
    case.closed_reason = reason
    bump_version(case)
    record_event("case.closed", subject=case, case=case, actor=actor, before=before, after=state(case, *keys))
    commit()
    return case


@case_change
def reopen_case(case, *, reason, actor=None, actor_label="", on=None, expected_version=None, commit_now=True):
    """Resolved or closed → received (with service if it has services); deadlines start again from today.

    The email intake calls this with actor_label="family" and commit_now=False, inside its own transaction.
    """
    check_version(case, expected_version)
    refuse_if_merged(case)
    reason = (reason or "").strip()
    if case.status in OPEN_STATUSES:
        raise CaseWorkError(f"This case is already open ({status_label(case)}).")
    if not reason:
        raise CaseWorkError("Enter why you are re-opening this case")
    keys = ("status", "acknowledge_by", "respond_by", "resolved_at", "closed_at", "closed_reason")
    before = state(case, *keys)
    start = on or today()
    config = current_app.config
    end_clock_stop(case, start)
    case.status = CaseStatus.WITH_SERVICE if case.services else CaseStatus.RECEIVED
    case.acknowledge_by = add_working_days(start, config["ACKNOWLEDGE_WORKING_DAYS"])
    case.respond_by = add_working_days(start, config["RESPOND_WORKING_DAYS"])
    case.resolved_at = None
    case.closed_at = None
    case.closed_reason = ""
    bump_version(case)
    record_event("case.reopened", subject=case, case=case, actor=actor, actor_label=actor_label, before=before,
                 after={**state(case, *keys), "reason": reason})
    if commit_now:
        commit()
    return case


