"""Case work services: each change checks its transition, is audited with before/after, and commits once."""
from datetime import date

import pytest
from sqlalchemy import select, text

from feedback_app.accounts.models import Role
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.bulk_services import bulk_apply
from feedback_app.cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    ClockStop,
    ClockStopReason,
    Reg56Topic,
    ReplyPreference,
    ResponseTemplate,
)
from feedback_app.cases.triage_emails import PLACEHOLDERS, fill_placeholders, placeholder_values
from feedback_app.cases.triage_services import (
    STALE,
    CaseWorkError,
    add_note,
    assign_case,
    classify_case,
    close_case,
    reopen_case,
    reply_to_family,
    resolve_case,
    restart_clock,
    stop_clock,
)
from feedback_app.extensions import db
from feedback_app.intake.models import CaseMessage, InboundEmail, InboundOutcome, MessageDirection
from feedback_app.outbox.models import OutboundEmail
from tests.factories import make_case, make_service, make_theme, make_user


@pytest.fixture
def team(app):
    return make_user(Role.TEAM, name="Tess Team")


def events(case, action):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def outbox(purpose=None):
    query = select(OutboundEmail).order_by(OutboundEmail.id)
    if purpose:
        query = query.where(OutboundEmail.purpose == purpose)
    return db.session.scalars(query).all()


def add_inbound(case, message_id, body="Any news?"):
    inbound = InboundEmail(identity=message_id, message_id=message_id, from_address=case.contact_email,
                           subject=f"Re: {case.reference}", kind="reply", outcome=InboundOutcome.JOINED_CASE,
                           raw=b"raw", case_id=case.id)
    db.session.add(inbound)
    db.session.add(CaseMessage(case=case, direction=MessageDirection.INBOUND, sender=case.contact_email,
                               body=body, inbound_email=inbound))
    db.session.commit()
    return inbound


# --- Classify --------------------------------------------------------------------------------

def test_classify_sets_themes_and_topic_with_an_audit_event(team):
    transport, jargon = make_theme(slug="transport"), make_theme(slug="jargon")
    case = make_case()
    classify_case(case, themes=[transport, jargon], reg56_topic=Reg56Topic.CONTENT_GAPS, actor=team,
                  expected_version=case.version)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert [theme.slug for theme in case.themes] == ["transport", "jargon"]
    assert case.reg56_topic == "content_gaps" and case.status == CaseStatus.RECEIVED
    event = events(case, "case.classified")[0]
    assert event.actor_id == team.id
    assert event.before["themes"] == [] and event.before["reg56_topic"] is None
    assert event.after["themes"] == ["transport", "jargon"] and event.after["reg56_topic"] == "content_gaps"


def test_changing_only_themes_still_moves_the_version_on(team):
    case = make_case()
    version = case.version
    classify_case(case, themes=[make_theme()], reg56_topic=None, actor=team, expected_version=version)
    assert case.version == version + 1
    with pytest.raises(CaseWorkError, match="Someone else changed this case"):
        classify_case(case, themes=[], reg56_topic=None, actor=team, expected_version=version)


@pytest.mark.parametrize("topic", [Reg56Topic.INDIVIDUAL_CASE, Reg56Topic.VEXATIOUS, Reg56Topic.NOT_LOCAL_OFFER])
def test_an_exclusion_needs_a_reason(team, topic):
    case = make_case()
    with pytest.raises(CaseWorkError, match="Enter why this feedback is excluded"):
        classify_case(case, reg56_topic=topic, excluded_reason="  ", actor=team)
    assert db.session.get(Case, case.id).reg56_topic is None
    assert events(case, "case.classified") == []


def test_an_exclusion_closes_the_case_with_its_reason(team):
    case = make_case(contact_email="parent@example.com")
    classify_case(case, reg56_topic=Reg56Topic.VEXATIOUS, excluded_reason="Abusive language", actor=team)
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    assert case.excluded_reason == "Abusive language"
    assert "Abusive language" in case.closed_reason
    assert outbox("signpost") == []  # only individual cases are signposted


def test_an_individual_case_is_signposted_with_the_built_in_text(team):
    case = make_case(contact_email="parent@example.com", contact_name="Sam Parent")
    classify_case(case, reg56_topic=Reg56Topic.INDIVIDUAL_CASE, excluded_reason="About her son's EHC plan",
                  actor=team)
    [email] = outbox("signpost")
    assert email.to_address == "parent@example.com" and email.case_id == case.id
    assert case.reference in email.subject
    assert email.body_text.startswith("Dear Sam,")
    assert "complaints process" in email.body_text
    assert case.status == CaseStatus.CLOSED
    assert [m.outbound_email_id for m in case.messages] == [email.id]


def test_an_individual_case_is_signposted_with_the_teams_template_when_there_is_one(team):
    db.session.add(ResponseTemplate(name="Signpost to complaints", subject="Your message {reference}",
                                    body="Hello {first_name_or_there}, contact casework. {council_name}"))
    db.session.commit()
    case = make_case(contact_email="parent@example.com")
    classify_case(case, reg56_topic=Reg56Topic.INDIVIDUAL_CASE, excluded_reason="Own support", actor=team)
    [email] = outbox("signpost")
    assert email.subject == f"Your message {case.reference}"
    assert email.body_text == "Hello there, contact casework. Demo Borough Council"


def test_no_signpost_without_an_email_address_or_a_second_time(team):
    case = make_case()
    classify_case(case, reg56_topic=Reg56Topic.INDIVIDUAL_CASE, excluded_reason="Own support", actor=team)
    assert outbox("signpost") == []
    emailed = make_case(contact_email="parent@example.com")
    classify_case(emailed, reg56_topic=Reg56Topic.INDIVIDUAL_CASE, excluded_reason="Own support", actor=team)
    classify_case(emailed, reg56_topic=Reg56Topic.INDIVIDUAL_CASE, excluded_reason="Own support, really",
                  actor=team)
    assert len(outbox("signpost")) == 1


def test_a_case_closed_as_excluded_must_be_reopened_before_it_is_local_offer_feedback(team):
    case = make_case()
    classify_case(case, reg56_topic=Reg56Topic.NOT_LOCAL_OFFER, excluded_reason="About bins", actor=team)
    with pytest.raises(CaseWorkError, match="Re-open it"):
        classify_case(case, reg56_topic=Reg56Topic.CONTENT_QUALITY, actor=team)


# --- Assign ----------------------------------------------------------------------------------

def test_assign_sends_the_case_to_services_and_tells_their_leads_without_personal_data(team):
    lead_a, lead_b = make_user(Role.SERVICE_LEAD), make_user(Role.SERVICE_LEAD)
    education = make_service(name="Education", leads=[lead_a])
    health = make_service(name="Health", leads=[lead_a, lead_b])
    case = make_case(body="My son Alfie at Oak School", contact_name="Jo Bloggs",
                     contact_email="jo@example.com", contact_phone="07700 900123")
    classify_case(case, themes=[make_theme(name="Short breaks")], reg56_topic=Reg56Topic.CONTENT_GAPS, actor=team)
    assign_case(case, services=[education, health], actor=team, expected_version=case.version)
    assert case.status == CaseStatus.WITH_SERVICE
    assert [service.name for service in case.services] == ["Education", "Health"]
    emails = outbox("case-assigned")
    assert sorted(email.to_address for email in emails) == sorted([lead_a.email, lead_b.email])  # once each
    for email in emails:
        assert case.reference in email.subject
        assert f"/cases/{case.reference}" in email.body_text
        assert "Content – something missing" in email.body_text and "Short breaks" in email.body_text
        assert "Respond by: 30 November 2026" in email.body_text
        for personal in ("Alfie", "Oak School", "Jo", "jo@example.com", "07700"):
            assert personal not in email.body_text
    event = events(case, "case.assigned")[0]
    assert event.before == {"status": "received", "services": [], "assignee": None}
    assert event.after["status"] == "with_service"
    assert event.after["services"] == [education.slug, health.slug]


def test_reassigning_tells_only_the_newly_added_services(team):
    lead_a, lead_b = make_user(Role.SERVICE_LEAD), make_user(Role.SERVICE_LEAD)
    education, health = make_service(leads=[lead_a]), make_service(leads=[lead_b])
    case = make_case()
    assign_case(case, services=[education], actor=team)
    assign_case(case, services=[education, health], actor=team)
    assert [email.to_address for email in outbox("case-assigned")] == [lead_a.email, lead_b.email]
    assert case.status == CaseStatus.WITH_SERVICE


def test_assign_needs_a_service_and_an_open_case(team):
    case = make_case()
    with pytest.raises(CaseWorkError, match="Select at least one service"):
        assign_case(case, services=[], actor=team)
    close_case(case, reason="Spam", actor=team)
    with pytest.raises(CaseWorkError, match="This case is closed. Re-open it"):
        assign_case(case, services=[make_service()], actor=team)


def test_the_owner_must_be_the_team_or_a_lead_of_a_chosen_service(team):
    lead, other_lead = make_user(Role.SERVICE_LEAD), make_user(Role.SERVICE_LEAD)
    service = make_service(leads=[lead])
    make_service(leads=[other_lead])
    case = make_case()
    with pytest.raises(CaseWorkError, match="cannot own this case"):
        assign_case(case, services=[service], assignee=other_lead, actor=team)
    assign_case(case, services=[service], assignee=lead, actor=team)
    assert case.assignee_id == lead.id
    colleague = make_user(Role.TEAM)
    assign_case(case, services=[service], assignee=colleague, actor=team)
    assert case.assignee_id == colleague.id
    assert colleague.email in [email.to_address for email in outbox("case-assigned")]


def test_assign_refuses_a_stale_form(team):
    case = make_case()
    with pytest.raises(CaseWorkError) as error:
        assign_case(case, services=[make_service()], actor=team, expected_version=case.version - 1)
    assert error.value.message == STALE
    assert db.session.get(Case, case.id).status == CaseStatus.RECEIVED


def test_a_change_made_meanwhile_in_another_transaction_is_caught(team):
    case = make_case()
    version = case.version
    with db.engine.begin() as connection:  # someone else, in another request
        connection.execute(text("UPDATE cases SET version = version + 1 WHERE id = :id"), {"id": case.id})
    with pytest.raises(CaseWorkError, match="Someone else changed this case"):
        assign_case(case, services=[make_service()], actor=team, expected_version=version)
    assert outbox() == [] and events(case, "case.assigned") == []


# --- The clock -------------------------------------------------------------------------------

def test_stopping_and_restarting_over_christmas_moves_respond_by_by_the_working_days_lost(team):
    case = make_case(received_on=date(2026, 12, 1))
    assert case.respond_by == date(2026, 12, 31)
    # Thursday 24 to Tuesday 29 December: Christmas, the weekend and the Boxing Day substitute
    # (Monday 28th) are not working days, so only Tuesday 29th was lost.
    stop_clock(case, reason=ClockStopReason.WAITING_ON_FAMILY, actor=team, on=date(2026, 12, 24),
               expected_version=case.version)
    assert case.clock_stopped_on == date(2026, 12, 24)
    restart_clock(case, actor=team, on=date(2026, 12, 29), expected_version=case.version)
    assert case.clock_stopped_on is None
    assert case.respond_by == date(2027, 1, 4)  # the next working day after New Year's Day and the weekend
    [stop] = db.session.scalars(select(ClockStop)).all()
    assert (stop.stopped_on, stop.restarted_on, stop.working_days_stopped) == (date(2026, 12, 24),
                                                                                date(2026, 12, 29), 1)
    assert stop.reason == "waiting_on_family"
    restarted = events(case, "case.clock_restarted")[0]
    assert restarted.before == {"clock_stopped_on": "2026-12-24", "respond_by": "2026-12-31"}
    assert restarted.after == {"clock_stopped_on": None, "respond_by": "2027-01-04", "working_days_stopped": 1}


def test_a_longer_stop_skips_the_new_year_bank_holiday_too(team):
    case = make_case(received_on=date(2026, 12, 1))
    stop_clock(case, reason=ClockStopReason.WAITING_ON_PARTNER, actor=team, on=date(2026, 12, 23))
    restart_clock(case, actor=team, on=date(2027, 1, 5))
    # Lost: 24, 29, 30, 31 December, 4 and 5 January (not 25, 28 December or 1 January).
    assert case.clock_stops[0].working_days_stopped == 6
    # 31 December + 6 working days: 4, 5, 6, 7, 8 and 11 January.
    assert case.respond_by == date(2027, 1, 11)


def test_the_clock_cannot_be_stopped_twice_or_restarted_while_running(team):
    case = make_case()
    with pytest.raises(CaseWorkError, match="The clock is not stopped"):
        restart_clock(case, actor=team)
    stop_clock(case, reason=ClockStopReason.WAITING_ON_FAMILY, actor=team, on=date(2026, 11, 3))
    with pytest.raises(CaseWorkError, match="already stopped"):
        stop_clock(case, reason=ClockStopReason.WAITING_ON_FAMILY, actor=team)
    assert len(db.session.scalars(select(ClockStop)).all()) == 1


def test_another_reason_needs_a_detail_and_a_closed_case_has_no_clock(team):
    case = make_case()
    with pytest.raises(CaseWorkError, match="Enter why the clock is stopped"):
        stop_clock(case, reason=ClockStopReason.OTHER, actor=team)
    close_case(case, reason="Spam", actor=team)
    with pytest.raises(CaseWorkError, match="only stop the clock on an open case"):
        stop_clock(case, reason=ClockStopReason.WAITING_ON_FAMILY, actor=team)


# --- Notes and replies -----------------------------------------------------------------------

def test_a_note_is_internal_and_audited(team):
    case = make_case(contact_email="parent@example.com")
    note = add_note(case, body="Rang the school", actor=team)
    assert db.session.scalars(select(CaseNote)).all() == [note]
    assert note.author_id == team.id
    assert outbox() == []
    assert events(case, "case.note_added")[0].subject_id == note.id
    with pytest.raises(CaseWorkError, match="Enter the note"):
        add_note(case, body="   ", actor=team)


def test_a_reply_is_threaded_to_the_familys_last_message(team):
    case = make_case(contact_email="parent@example.com", contact_name="Ada Lovelace")
    add_inbound(case, "first@family.example")
    add_inbound(case, "second@family.example")
    message = reply_to_family(case, subject="About {reference}", body="Hello {first_name_or_there}, by {respond_by}",
                              actor=team, expected_version=case.version)
    email = message.outbound_email
    assert email.to_address == "parent@example.com" and email.purpose == "reply"
    assert email.in_reply_to == "second@family.example"
    assert email.references.split() == ["first@family.example", "second@family.example"]
    assert email.subject == f"About {case.reference}"
    assert email.body_text == "Hello Ada, by 30 November 2026"
    assert case.reference in email.message_id  # so their answer threads back to this case
    assert message.direction == MessageDirection.OUTBOUND and message.case_id == case.id
    event = events(case, "case.replied")[0]
    assert event.after["outbound_email_id"] == email.id and event.actor_id == team.id


def test_a_reply_without_an_inbound_message_still_carries_the_reference(team):
    case = make_case(contact_email="parent@example.com")
    message = reply_to_family(case, subject="Thank you", body="We are on it.", actor=team)
    assert message.outbound_email.in_reply_to == ""
    assert message.outbound_email.subject == f"Thank you – reference {case.reference}"


def test_a_reply_from_a_template_fills_its_placeholders(team):
    template = ResponseTemplate(name="Thanks", subject="Your feedback {reference}",
                                body="Dear {first_name_or_there}, from {council_name}. {unknown} stays.")
    db.session.add(template)
    db.session.commit()
    case = make_case(contact_email="parent@example.com")
    message = reply_to_family(case, subject="", body="", template=template, actor=team)
    assert message.outbound_email.subject == f"Your feedback {case.reference}"
    assert message.outbound_email.body_text == "Dear there, from Demo Borough Council. {unknown} stays."
    assert events(case, "case.replied")[0].after["template"] == "Thanks"


def test_placeholders_never_reach_attributes_and_survive_stray_braces(app):
    case = make_case(contact_name="Ada")
    values = placeholder_values(case)
    assert set(values) == set(PLACEHOLDERS)  # every placeholder the admin pages allow is filled
    assert fill_placeholders("{reference.__class__} {reference}", values) == "{reference.__class__} " + case.reference
    assert fill_placeholders("{reference[0]} {0} {}", values) == "{reference[0]} {0} {}"
    assert fill_placeholders("a { brace and {first_name_or_there}", values) == "a { brace and Ada"
    assert fill_placeholders("{reference!r:>40}", values) == "{reference!r:>40}"


def test_a_reply_needs_an_email_address_and_text(team):
    case = make_case()
    with pytest.raises(CaseWorkError, match="There is no email address"):
        reply_to_family(case, subject="Hi", body="Hello", actor=team)
    emailed = make_case(contact_email="parent@example.com")
    with pytest.raises(CaseWorkError, match="Enter your reply"):
        reply_to_family(emailed, subject="Hi", body=" ", actor=team)
    assert outbox() == []


# --- Resolve, close, re-open -----------------------------------------------------------------

def test_resolving_emails_the_response_when_the_family_asked_for_email(team):
    case = make_case(contact_email="parent@example.com", reply_preference=ReplyPreference.EMAIL)
    add_inbound(case, "question@family.example")
    resolve_case(case, response="We have updated the page.", actor=team, expected_version=case.version)
    assert case.status == CaseStatus.RESOLVED and case.resolved_at is not None
    [email] = outbox("reply")
    assert email.body_text == "We have updated the page."
    assert email.in_reply_to == "question@family.example"
    event = events(case, "case.resolved")[0]
    assert event.before["status"] == "received" and event.after["status"] == "resolved"
    assert event.after["emailed"] is True


def test_resolving_keeps_the_response_without_emailing_when_they_asked_for_a_phone_call(team):
    case = make_case(contact_email="parent@example.com", reply_preference=ReplyPreference.PHONE)
    stop_clock(case, reason=ClockStopReason.WAITING_ON_FAMILY, actor=team)
    resolve_case(case, response="Phoned and explained.", actor=team)
    assert outbox() == []
    assert [m.body for m in case.messages] == ["Phoned and explained."]
    assert case.clock_stopped_on is None  # a resolved case has no clock running or stopped
    with pytest.raises(CaseWorkError, match="already resolved"):
        resolve_case(case, response="Again", actor=team)


def test_resolving_needs_a_response(team):
    case = make_case()
    with pytest.raises(CaseWorkError, match="Enter your response"):
        resolve_case(case, response="", actor=team)


def test_closing_needs_a_reason_and_cannot_happen_twice(team):
    case = make_case()
    with pytest.raises(CaseWorkError, match="Enter why you are closing"):
        close_case(case, reason=" ", actor=team)
    close_case(case, reason="Spam", actor=team, expected_version=case.version)
    assert (case.status, case.closed_reason) == (CaseStatus.CLOSED, "Spam")
    event = events(case, "case.closed")[0]
    assert event.before["status"] == "received" and event.after["closed_reason"] == "Spam"
    with pytest.raises(CaseWorkError, match="already closed"):
        close_case(case, reason="Spam", actor=team)


def test_reopening_restarts_the_deadlines_from_today_and_keeps_the_history(team):
    service = make_service()
    case = make_case(received_on=date(2026, 11, 2))
    assign_case(case, services=[service], actor=team)
    resolve_case(case, response="Done", actor=team)
    reopen_case(case, reason="The family replied", actor_label="family", on=date(2026, 12, 21),
                expected_version=case.version)
    assert case.status == CaseStatus.WITH_SERVICE  # it still has its service
    assert case.acknowledge_by == date(2026, 12, 24)
    assert case.respond_by == date(2027, 1, 21)  # Christmas, Boxing Day (28th) and New Year excluded
    assert case.resolved_at is None
    event = events(case, "case.reopened")[0]
    assert event.actor_id is None and event.actor_label == "family"
    assert event.before["status"] == "resolved" and event.after["reason"] == "The family replied"
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id))] == [
        "case.opened", "case.assigned", "case.resolved", "case.reopened"]


def test_a_case_without_services_reopens_as_received(team):
    case = make_case()
    close_case(case, reason="Spam", actor=team)
    reopen_case(case, reason="Not spam after all", actor=team)
    assert (case.status, case.closed_reason, case.closed_at) == (CaseStatus.RECEIVED, "", None)


def test_reopen_refuses_an_open_case_and_needs_a_reason(team):
    case = make_case()
    with pytest.raises(CaseWorkError, match="already open"):
        reopen_case(case, reason="Why not", actor=team)
    close_case(case, reason="Spam", actor=team)
    with pytest.raises(CaseWorkError, match="Enter why you are re-opening"):
        reopen_case(case, reason="", actor=team)


# --- Bulk ------------------------------------------------------------------------------------

def test_bulk_changes_each_case_through_its_own_audited_change_and_reports_each(team):
    lead = make_user(Role.SERVICE_LEAD)
    service = make_service(name="Transport", leads=[lead])
    first, second, closed = make_case(), make_case(), make_case()
    close_case(closed, reason="Spam", actor=team)
    outcomes = bulk_apply([first.reference, "LO-2026-99999", second.reference, closed.reference, first.reference],
                          action="assign", actor=team, services=[service])
    assert [(o.reference, o.changed) for o in outcomes] == [
        (first.reference, True), ("LO-2026-99999", False), (second.reference, True), (closed.reference, False)]
    assert outcomes[0].message == f"{first.reference}: sent to Transport"
    assert outcomes[1].message == "LO-2026-99999: there is no case with this reference"
    assert "Re-open it" in outcomes[3].message
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.assigned")).all()) == 2
    assert len(outbox("case-assigned")) == 2


def test_bulk_classify_adds_themes_and_needs_a_reason_for_an_exclusion(team):
    old, new = make_theme(slug="old"), make_theme(slug="new")
    case = make_case()
    classify_case(case, themes=[old], reg56_topic=Reg56Topic.ACCESSIBILITY, actor=team)
    [outcome] = bulk_apply([case.reference], action="classify", actor=team, themes=[new])
    assert outcome.changed
    case = db.session.get(Case, case.id)
    assert [theme.slug for theme in case.themes] == ["old", "new"] and case.reg56_topic == "accessibility"
    [refused] = bulk_apply([case.reference], action="classify", actor=team, reg56_topic="vexatious")
    assert not refused.changed and "Enter why this feedback is excluded" in refused.message


def test_bulk_close_needs_a_reason_and_the_team(team):
    case = make_case()
    [refused] = bulk_apply([case.reference], action="close", actor=team, reason="")
    assert not refused.changed
    [closed] = bulk_apply([case.reference], action="close", actor=team, reason="Duplicates of a campaign")
    assert closed.changed and db.session.get(Case, case.id).status == CaseStatus.CLOSED
    lead = make_user(Role.SERVICE_LEAD)
    with pytest.raises(CaseWorkError, match="Only the Local Offer team"):
        bulk_apply([case.reference], action="close", actor=lead, reason="x")
