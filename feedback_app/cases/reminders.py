"""Overdue reminders and escalations: each sent once per case, step and deadline."""
import logging

from flask import current_app
from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from feedback_app.audit.services import record_event
from feedback_app.cases.models import OPEN_STATUSES, Case, ReminderSent
from feedback_app.common.working_days import council_today, working_days_between
from feedback_app.directory.models import Service
from feedback_app.extensions import db
from feedback_app.intake.models import CaseMessage, MessageDirection
from feedback_app.outbox.services import queue_email

log = logging.getLogger(__name__)

ACKNOWLEDGE = "acknowledge"
RESPOND = "respond"
ESCALATE = "escalate"
STEPS = (ACKNOWLEDGE, RESPOND, ESCALATE)


def send_overdue_reminders(today=None):
    """Queue the reminders that are due today and not sent yet; returns how many cases each step covered.

    Safe to run twice, and concurrently: a ReminderSent row is inserted with its emails inside a
    SAVEPOINT, and the unique (case, step, due date) constraint makes the second insert fail, which
    rolls back that case's emails only.
    """
    today = today or council_today()
    sent = dict.fromkeys(STEPS, 0)
    candidates = db.session.execute(_overdue_cases(today)).all()
    already_sent = _reminders_already_sent([case.id for case, _ in candidates])
    for case, has_outbound in candidates:
        for step, due_on in _steps_due(case, has_outbound, today):
            if (case.id, step, due_on) in already_sent:
                continue
            if _send_once(case, step, due_on, today):
                sent[step] += 1
    db.session.commit()
    return sent


def _overdue_cases(today):
    """Open, running, unmerged cases with a deadline passed; each with whether it has had a reply."""
    has_outbound = (
        exists()
        .where(CaseMessage.case_id == Case.id)
        .where(CaseMessage.direction == MessageDirection.OUTBOUND)
        .label("has_outbound")
    )
    return (
        select(Case, has_outbound)
        .where(Case.status.in_(OPEN_STATUSES))
        .where(Case.clock_stopped_on.is_(None))
        .where(Case.merged_into_id.is_(None))
        .where(or_(Case.acknowledge_by < today, Case.respond_by < today))
        .options(
            selectinload(Case.assignee),
            selectinload(Case.services).selectinload(Service.leads),
        )
        .order_by(Case.id)
    )


def _reminders_already_sent(case_ids):
    if not case_ids:
        return set()
    rows = db.session.execute(
        select(ReminderSent.case_id, ReminderSent.step, ReminderSent.due_on).where(ReminderSent.case_id.in_(case_ids))
    )
    return {tuple(row) for row in rows}


def _steps_due(case, has_outbound, today):
    if case.acknowledge_by and case.acknowledge_by < today and _awaits_acknowledgement(case, has_outbound):
        yield ACKNOWLEDGE, case.acknowledge_by
    if case.respond_by and case.respond_by < today:
        yield RESPOND, case.respond_by
        escalate_after = current_app.config["ESCALATE_AFTER_WORKING_DAYS"]
        if working_days_between(case.respond_by, today) >= escalate_after:
            yield ESCALATE, case.respond_by


def _awaits_acknowledgement(case, has_outbound):
    # Feedback left with no email address or phone number cannot be acknowledged: no reminder for it.
    reachable = bool(case.contact_email or case.contact_phone)
    return reachable and case.acknowledged_at is None and not has_outbound


def _send_once(case, step, due_on, today):
    """Record the reminder and queue its emails in one SAVEPOINT; False if another run got there first."""
    recipients = recipients_for(case, step)
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(case_id=case.id, step=step, due_on=due_on))
            db.session.flush()  # the unique constraint decides here, before any email is queued
            subject, body = reminder_text(case, step, due_on, today)
            for address in recipients:
                queue_email(to=address, subject=subject, body=body, purpose=f"reminder-{step}", case=case)
            record_event(
                "case.reminder_sent",
                subject=case,
                case=case,
                actor_label="system",
                after={"step": step, "due_on": due_on.isoformat(), "to": recipients},
            )
            db.session.flush()
    except IntegrityError:
        log.info("reminder %s for case %s (due %s) was already sent", step, case.reference, due_on)
        return False
    return True


def recipients_for(case, step):
    """Who is told: the team for escalations; else the assignee, else the services' leads, else the team."""
    team = [current_app.config["TEAM_EMAIL"]]
    if step == ESCALATE:
        return team
    if case.assignee is not None and case.assignee.active:
        return [case.assignee.email]
    if step == RESPOND:
        leads = _active_leads(case.services)
        if leads:
            return leads
        service_inboxes = sorted({service.email for service in case.services if service.email})
        if service_inboxes:
            return service_inboxes
    return team


def _active_leads(services):
    return sorted({lead.email for service in services for lead in service.leads if lead.active})


def reminder_text(case, step, due_on, today):
    """Subject and body: the reference, the deadline and how late it is; never the family's details."""
    days_late = working_days_between(due_on, today)
    late = f"{days_late} working day{'s' if days_late != 1 else ''} overdue"
    what = {
        ACKNOWLEDGE: "was due to be acknowledged",
        RESPOND: "was due a response",
        ESCALATE: "was due a response",
    }[step]
    subject = {
        ACKNOWLEDGE: f"Overdue: acknowledge {case.reference}",
        RESPOND: f"Overdue: respond to {case.reference}",
        ESCALATE: f"Escalation: {case.reference} is {late}",
    }[step]
    lines = [
        f"Case {case.reference} {what} by {due_on:%-d %B %Y}.",
        f"It is now {late}.",
        "",
    ]
    if step == ESCALATE:
        lines += ["It has not had a response and has been escalated to the Local Offer team.", ""]
    lines += [
        f"Open the case to see what is needed: /cases/{case.reference}",
        "",
        f"{current_app.config['COUNCIL_NAME']} – You Said, We Did",
    ]
    return subject, "\n".join(lines)
