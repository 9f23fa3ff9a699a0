"""Staff entry: the team records feedback taken by phone, at events, by letter or from the forum."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from feedback_app.accounts.models import Role
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import CaseStatus, Channel, Reg56Topic, SubmitterRole
from feedback_app.common.working_days import add_working_days
from feedback_app.extensions import db
from feedback_app.intake.web_services import council_today
from feedback_app.outbox.models import EmailStatus
from tests.factories import make_theme, make_user
from tests.intake.web_support import all_cases, all_emails, error_summary, soup, title, visible_text

RECORD = "/intake/record"


def entry(**changes):
    data = {
        "channel": "phone",
        "received_on": ["19", "12", "2025"],  # a Friday before Christmas: bank holidays in the deadlines
        "feedback": "Caller says the short breaks list on the Local Offer is two years old.",
        "role": "parent_carer",
        "on_behalf_of": "",
        "topic": "content_quality",
        "contact_name": "Jo Caller",
        "contact_email": "jo@example.org",
        "contact_phone": "",
        "reply": "email",
        "consent": "no",
    }
    data.update(changes)
    return data


@pytest.fixture
def team_client(client, auth):
    user = make_user(Role.TEAM)
    auth.sign_in(user)
    client.user = user
    return client


def test_anonymous_people_are_sent_to_sign_in(client):
    for response in (client.get(RECORD), client.post(RECORD, data=entry())):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")
    assert all_cases() == []


def test_service_leads_are_refused(client, auth):
    auth.sign_in(make_user(Role.SERVICE_LEAD))
    for response in (client.get(RECORD), client.post(RECORD, data=entry())):
        assert response.status_code == 403
        assert "govuk-heading-l" in response.get_data(as_text=True)
    assert all_cases() == []


def test_admins_may_record_feedback_too(client, auth):
    auth.sign_in(make_user(Role.ADMIN))
    assert client.get(RECORD).status_code == 200


def test_the_form_starts_with_todays_date(team_client):
    page = soup(team_client.get(RECORD))
    today = council_today()
    boxes = ("received_on", "received_on-month", "received_on-year")
    assert [page.select_one(f"#{box}")["value"] for box in boxes] == [str(today.day), str(today.month), str(today.year)]
    assert [radio["value"] for radio in page.select("input[name=channel]")] == [
        "phone", "event", "letter", "forum", "email"]
    assert "Parent carer forum" in visible_text(team_client.get(RECORD))


def test_recorded_feedback_gets_deadlines_from_the_date_it_was_received(team_client):
    transport = make_theme("Travel and transport", slug="transport")
    response = team_client.post(RECORD, data=entry(themes=["transport"]))
    assert response.headers["Location"] == "/staff"

    [case] = all_cases()
    assert case.reference == "LO-2025-00001"
    assert case.received_on == date(2025, 12, 19)
    assert case.acknowledge_by == date(2025, 12, 24)
    assert case.respond_by == date(2026, 1, 21)  # Christmas, Boxing Day and New Year's Day are not counted
    assert case.respond_by == add_working_days(date(2025, 12, 19), 20)
    assert (case.channel, case.submitter_role, case.reg56_topic) == (
        Channel.PHONE, SubmitterRole.PARENT_CARER, Reg56Topic.CONTENT_QUALITY)
    assert case.themes == [transport]
    assert (case.contact_name, case.contact_email, case.consent_publish) == ("Jo Caller", "jo@example.org", False)
    assert case.created_by_id == team_client.user.id

    home = team_client.get("/staff")
    assert "Feedback recorded as LO-2025-00001" in visible_text(home)
    assert soup(home).select_one(".govuk-notification-banner--success") is not None


def test_the_audit_trail_names_the_member_of_staff(team_client):
    team_client.post(RECORD, data=entry())
    [case] = all_cases()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                .where(AuditEvent.action.in_(["case.opened", "intake.received"]))).all()
    assert {event.action for event in events} == {"case.opened", "intake.received"}
    assert all(event.actor_id == team_client.user.id for event in events)
    received = next(event for event in events if event.action == "intake.received")
    assert received.after["form"] == "staff entry"
    assert "jo@example.org" not in str(received.after)


def test_an_acknowledgement_is_queued_when_they_gave_an_email_address(team_client):
    team_client.post(RECORD, data=entry())
    [case] = all_cases()
    [email] = all_emails()
    assert (email.to_address, email.status) == ("jo@example.org", EmailStatus.PENDING)
    assert case.reference in email.subject


def test_no_acknowledgement_without_an_email_address(team_client):
    team_client.post(RECORD, data=entry(contact_email="", reply="phone", contact_phone="01632 960 001"))
    [case] = all_cases()
    assert case.contact_phone == "01632 960 001"
    assert all_emails() == []


def test_feedback_for_someone_else_keeps_who_it_was_for(team_client):
    team_client.post(RECORD, data=entry(channel="forum", role="on_behalf", on_behalf_of="Parent carer forum"))
    [case] = all_cases()
    assert (case.channel, case.submitter_role, case.on_behalf_of) == ("forum", "on_behalf", "Parent carer forum")


def test_excluded_feedback_is_recorded_and_closed_with_the_reason(team_client):
    team_client.post(RECORD, data=entry(topic="individual_case"))
    [case] = all_cases()
    assert case.status == CaseStatus.CLOSED
    assert "complaints and casework route" in case.excluded_reason


def test_the_topic_can_be_left_to_triage(team_client):
    team_client.post(RECORD, data=entry(topic="undecided"))
    [case] = all_cases()
    assert (case.reg56_topic, case.status) == (None, CaseStatus.RECEIVED)


@pytest.mark.parametrize("changes,message,href", [
    ({"received_on": ["", "", ""]}, "Enter the date the feedback was received", "#received_on"),
    ({"received_on": ["19", "", "2025"]}, "Date received must include a month", "#received_on"),
    ({"received_on": ["", "", "2025"]}, "Date received must include a day and a month", "#received_on"),
    ({"received_on": ["31", "2", "2025"]}, "Date received must be a real date", "#received_on"),
    ({"received_on": ["1", "1", "25"]}, "Year must include 4 numbers", "#received_on"),
    ({"received_on": ["1_0", "1", "2025"]}, "Date received must be a real date", "#received_on"),
    ({"received_on": ["31", "12", "1999"]}, "Date received must be in or after 2000", "#received_on"),
    ({"received_on": ["1"]}, "Date received must include a month and a year", "#received_on"),
    ({"channel": "web"}, "Select how the feedback was received", "#channel"),
    ({"feedback": "\x00 \x07"}, "Enter the feedback", "#feedback"),
    ({"feedback": "a" * 20001}, "The feedback must be 20,000 characters or fewer", "#feedback"),
    ({"role": "king"}, "Select who gave the feedback", "#role"),
    ({"topic": ""}, "Select what the feedback is about, or decide at triage", "#topic"),
    ({"themes": ["no-such-theme"]}, "Select themes from the list, or none", "#themes"),
    ({"contact_email": "not-an-address"}, "Enter an email address in the correct format, like name@example.com",
     "#contact_email"),
    ({"contact_email": ""}, "Enter their email address, or choose another way to reply", "#contact_email"),
    ({"reply": "phone", "contact_phone": ""}, "Enter their phone number, or choose another way to reply",
     "#contact_phone"),
    ({"consent": "maybe"}, "Select yes if they agreed to publish a summary", "#consent"),
])
def test_wrong_answers_get_govuk_error_messages(team_client, changes, message, href):
    make_theme("Travel and transport", slug="transport")
    response = team_client.post(RECORD, data=entry(**changes))
    assert response.status_code == 400
    assert title(response).startswith("Error: Record feedback")
    assert error_summary(response) == [(message, href)]
    assert soup(response).select_one(href) is not None
    assert all_cases() == []


def test_a_date_in_the_future_is_refused(team_client):
    tomorrow = council_today() + timedelta(days=1)
    response = team_client.post(RECORD, data=entry(received_on=[str(tomorrow.day), str(tomorrow.month),
                                                                str(tomorrow.year)]))
    assert error_summary(response) == [("Date received must be today or in the past", "#received_on")]
    assert soup(response).select_one("#received_on")["value"] == str(tomorrow.day)  # what they typed stays


def test_a_date_received_today_is_accepted(team_client):
    today = council_today()
    team_client.post(RECORD, data=entry(received_on=[str(today.day), str(today.month), str(today.year)]))
    [case] = all_cases()
    assert case.received_on == today


def test_wrong_methods_get_the_405_page(team_client):
    response = team_client.put(RECORD)
    assert response.status_code == 405
    assert "govuk-heading-l" in response.get_data(as_text=True)
