"""Overdue reminders and escalations: the right people, once per case, step and deadline."""
import threading
from datetime import date, timedelta

import pytest
from celery.schedules import crontab
from sqlalchemy import select

from feedback_app.accounts.models import Role
from feedback_app.audit.models import AuditEvent
from feedback_app.cases import reminders
from feedback_app.cases.models import CaseStatus, ReminderSent
from feedback_app.cases.reminders import send_overdue_reminders
from feedback_app.common.types import utcnow
from feedback_app.common.working_days import add_working_days
from feedback_app.extensions import db
from feedback_app.intake.models import CaseMessage, MessageDirection
from feedback_app.outbox.models import OutboundEmail
from tests.factories import make_case, make_service, make_user

NOTHING = {"acknowledge": 0, "respond": 0, "escalate": 0}
FAMILY = {"contact_name": "Priya Family", "contact_email": "priya@family.example", "contact_phone": "07700 900123"}
BODY = "My son Arjun at Oakfield School waits for speech therapy."


def reminder_emails(step=None):
    query = select(OutboundEmail).where(OutboundEmail.purpose.like("reminder-%")).order_by(OutboundEmail.id)
    if step:
        query = query.where(OutboundEmail.purpose == f"reminder-{step}")
    return db.session.scalars(query).all()


def overdue_case(**fields):
    fields = {**FAMILY, **fields}
    return make_case(body=BODY, received_on=date(2026, 11, 2), **fields)


def day_after(day):
    return add_working_days(day, 1)


def test_an_unacknowledged_case_gets_one_acknowledge_reminder_to_the_team(app):
    case = overdue_case()
    today = day_after(case.acknowledge_by)
    assert send_overdue_reminders(today) == {**NOTHING, "acknowledge": 1}
    [email] = reminder_emails()
    assert email.to_address == app.config["TEAM_EMAIL"] == app.config["CONTACT_EMAIL"]
    assert email.case_id == case.id
    assert case.reference in email.subject
    assert f"{case.acknowledge_by:%-d %B %Y}" in email.body_text
    assert "1 working day overdue" in email.body_text
    assert f"/cases/{case.reference}" in email.body_text
    for personal in (*FAMILY.values(), "Arjun", "Oakfield"):
        assert personal not in email.body_text and personal not in email.subject
    sent = db.session.scalars(select(ReminderSent)).one()
    assert (sent.case_id, sent.step, sent.due_on) == (case.id, "acknowledge", case.acknowledge_by)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.reminder_sent")).one()
    assert event.case_id == case.id and event.after["step"] == "acknowledge" and event.actor_label == "system"


def test_a_second_run_sends_nothing_new(app):
    case = overdue_case()
    today = day_after(case.respond_by)
    first = send_overdue_reminders(today)
    assert first == {**NOTHING, "acknowledge": 1, "respond": 1}
    count = len(reminder_emails())
    assert send_overdue_reminders(today) == NOTHING
    assert send_overdue_reminders(today + timedelta(days=1)) == NOTHING
    assert len(reminder_emails()) == count
    assert db.session.query(ReminderSent).count() == 2


def test_the_reminder_waits_until_the_due_date_has_passed(app):
    case = overdue_case()
    assert send_overdue_reminders(case.acknowledge_by) == NOTHING
    assert reminder_emails() == []


@pytest.mark.parametrize("how", ["acknowledged", "replied", "no contact details"])
def test_no_acknowledge_reminder_once_acknowledged_or_when_it_cannot_be(app, how):
    if how == "no contact details":
        case = overdue_case(contact_name="", contact_email="", contact_phone="")
    else:
        case = overdue_case()
    if how == "acknowledged":
        case.acknowledged_at = utcnow()
    if how == "replied":
        db.session.add(CaseMessage(case_id=case.id, direction=MessageDirection.OUTBOUND, body="We are on it"))
    db.session.commit()
    assert send_overdue_reminders(day_after(case.acknowledge_by)) == NOTHING


def test_an_inbound_message_does_not_count_as_an_acknowledgement(app):
    case = overdue_case()
    db.session.add(CaseMessage(case_id=case.id, direction=MessageDirection.INBOUND, body="Any news?"))
    db.session.commit()
    assert send_overdue_reminders(day_after(case.acknowledge_by))["acknowledge"] == 1


def test_the_respond_reminder_goes_to_the_assignee(app):
    assignee = make_user(Role.TEAM, email="assignee@council.example")
    lead = make_user(Role.SERVICE_LEAD, email="lead@council.example")
    case = overdue_case(assignee_id=assignee.id, acknowledged_at=utcnow())
    case.services = [make_service(leads=[lead])]
    db.session.commit()
    assert send_overdue_reminders(day_after(case.respond_by)) == {**NOTHING, "respond": 1}
    assert [email.to_address for email in reminder_emails("respond")] == ["assignee@council.example"]


def test_an_unassigned_case_reminds_the_active_leads_of_its_services(app):
    lead_a = make_user(Role.SERVICE_LEAD, email="a-lead@council.example")
    lead_b = make_user(Role.SERVICE_LEAD, email="b-lead@council.example")
    gone = make_user(Role.SERVICE_LEAD, email="gone@council.example")
    gone.active = False
    case = overdue_case(acknowledged_at=utcnow())
    case.services = [make_service(leads=[lead_a, gone]), make_service(leads=[lead_b, lead_a])]
    db.session.commit()
    assert send_overdue_reminders(day_after(case.respond_by)) == {**NOTHING, "respond": 1}
    emails = reminder_emails("respond")
    assert sorted(email.to_address for email in emails) == ["a-lead@council.example", "b-lead@council.example"]
    assert all(case.reference in email.subject for email in emails)
    assert db.session.query(ReminderSent).count() == 1  # one per case and step, however many people


def test_a_case_with_no_assignee_and_no_leads_reminds_the_team(app):
    app.config["TEAM_EMAIL"] = "triage@council.example"
    try:
        case = overdue_case(acknowledged_at=utcnow())
        send_overdue_reminders(day_after(case.respond_by))
        assert [email.to_address for email in reminder_emails("respond")] == ["triage@council.example"]
    finally:
        app.config["TEAM_EMAIL"] = app.config["CONTACT_EMAIL"]


def test_escalation_to_the_team_after_the_configured_working_days(app):
    lead = make_user(Role.SERVICE_LEAD, email="lead@council.example")
    case = overdue_case(acknowledged_at=utcnow())
    case.services = [make_service(leads=[lead])]
    db.session.commit()
    days = app.config["ESCALATE_AFTER_WORKING_DAYS"]
    assert days == 5
    almost = add_working_days(case.respond_by, days - 1)
    assert send_overdue_reminders(almost) == {**NOTHING, "respond": 1}
    due = add_working_days(case.respond_by, days)
    assert send_overdue_reminders(due) == {**NOTHING, "escalate": 1}
    [escalation] = reminder_emails("escalate")
    assert escalation.to_address == app.config["TEAM_EMAIL"]
    assert escalation.subject == f"Escalation: {case.reference} is {days} working days overdue"
    assert f"/cases/{case.reference}" in escalation.body_text
    assert send_overdue_reminders(due + timedelta(days=7)) == NOTHING


def test_the_escalation_threshold_is_configurable(app):
    app.config["ESCALATE_AFTER_WORKING_DAYS"] = 1
    try:
        case = overdue_case(acknowledged_at=utcnow())
        assert send_overdue_reminders(day_after(case.respond_by)) == {**NOTHING, "respond": 1, "escalate": 1}
    finally:
        app.config["ESCALATE_AFTER_WORKING_DAYS"] = 5


@pytest.mark.parametrize("state", ["clock stopped", "merged", "resolved", "closed"])
def test_stopped_merged_and_finished_cases_get_no_reminders(app, state):
    original = make_case(received_on=date(2026, 11, 2))
    case = overdue_case()
    if state == "clock stopped":
        case.clock_stopped_on = case.acknowledge_by
    elif state == "merged":
        case.merged_into_id = original.id  # still "received": the merge alone must keep it quiet
    else:
        case.status = CaseStatus(state)
    original.status = CaseStatus.RESOLVED
    db.session.commit()
    assert send_overdue_reminders(add_working_days(case.respond_by, 10)) == NOTHING
    assert reminder_emails() == []


def test_a_merged_case_that_stays_open_is_still_skipped(app):
    original = make_case(received_on=date(2026, 11, 2), acknowledged_at=utcnow())
    duplicate = overdue_case()
    duplicate.merged_into_id = original.id
    db.session.commit()
    send_overdue_reminders(day_after(original.respond_by))
    assert {email.case_id for email in reminder_emails()} == {original.id}


def test_a_new_deadline_gets_a_new_reminder(app):
    case = overdue_case(acknowledged_at=utcnow())
    first_due = case.respond_by
    assert send_overdue_reminders(day_after(first_due))["respond"] == 1
    case.respond_by = add_working_days(first_due, 3)  # the clock was stopped and restarted
    db.session.commit()
    assert send_overdue_reminders(day_after(first_due)) == NOTHING
    assert send_overdue_reminders(day_after(case.respond_by))["respond"] == 1
    assert [sent.due_on for sent in db.session.scalars(select(ReminderSent).order_by(ReminderSent.id))] \
        == [first_due, case.respond_by]


def test_a_reminder_another_run_already_sent_rolls_back_that_case_only(app, monkeypatch):
    first = overdue_case(acknowledged_at=utcnow())
    today = day_after(first.respond_by)
    send_overdue_reminders(today)
    second = overdue_case(acknowledged_at=utcnow())
    # As if a concurrent run had not committed yet when this one looked: only the constraint stops it.
    monkeypatch.setattr(reminders, "_reminders_already_sent", lambda case_ids: set())
    assert send_overdue_reminders(today) == {**NOTHING, "respond": 1}
    by_case = [email.case_id for email in reminder_emails()]
    assert sorted(by_case) == [first.id, second.id]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.reminder_sent")).all()
    assert sorted(event.case_id for event in events) == [first.id, second.id]


def test_two_concurrent_runs_send_each_reminder_once(app, monkeypatch):
    cases = [overdue_case(acknowledged_at=utcnow()) for _ in range(3)]
    today = day_after(cases[0].respond_by)
    monkeypatch.setattr(reminders, "_reminders_already_sent", lambda case_ids: set())
    send_once, outcomes = reminders._send_once, []

    def counted_send_once(*args):
        outcomes.append(send_once(*args))
        return outcomes[-1]

    monkeypatch.setattr(reminders, "_send_once", counted_send_once)
    results, errors = [], []
    start = threading.Barrier(2)

    def run():
        with app.app_context():
            try:
                start.wait()
                results.append(send_overdue_reminders(today))
            except Exception as error:  # surfaced below with the test's assertion
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(result["respond"] for result in results) == 3
    assert sorted(email.case_id for email in reminder_emails()) == sorted(case.id for case in cases)
    # Both runs tried every case; the unique constraint turned the loser away each time.
    assert sorted(outcomes) == [False, False, False, True, True, True]


def test_the_beat_task_runs_the_reminders_daily_at_seven(app):
    celery = app.extensions["celery"]
    entry = celery.conf.beat_schedule["send-overdue-reminders"]
    assert entry["task"] == "cases.send-overdue-reminders"
    assert entry["schedule"] == crontab(hour=7, minute=0)
    case = make_case(received_on=date.today() - timedelta(days=60), **FAMILY)
    result = celery.tasks["cases.send-overdue-reminders"].apply()
    assert result.get() == {"acknowledge": 1, "respond": 1, "escalate": 1}
    assert {email.case_id for email in reminder_emails()} == {case.id}
