"""Actions: recording, the status machine and its refusals, who may do what, chasing overdue ones."""
from datetime import date, timedelta

import pytest
from celery.schedules import crontab
from flask import render_template_string
from sqlalchemy import select, update

from feedback_app.accounts.models import Role
from feedback_app.actions.models import Action, ActionStatus
from feedback_app.actions.partner_links import create_partner_link
from feedback_app.actions.queries import list_case_actions, list_overdue_actions
from feedback_app.actions.services import (
    STALE,
    ActionError,
    chase_overdue_actions,
    record_action,
    update_action_status,
)
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import Case, CaseStatus, ReminderSent
from feedback_app.cases.triage_services import close_case, resolve_case
from feedback_app.common.working_days import add_working_days
from feedback_app.extensions import db
from feedback_app.outbox.models import OutboundEmail
from tests.actions.conftest import FAMILY, TODAY, error_summary, fresh, page
from tests.factories import make_case, make_service, make_user


def events(name):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == name).order_by(AuditEvent.id)).all()


def emails(purpose):
    return db.session.scalars(select(OutboundEmail).where(OutboundEmail.purpose == purpose)
                              .order_by(OutboundEmail.id)).all()


# --- Recording -------------------------------------------------------------------------------

def test_an_action_is_due_twenty_working_days_from_today_by_default_and_audited(world):
    action = world["action"]
    assert action.status == ActionStatus.PLANNED and action.version == 1
    assert action.due_on == add_working_days(TODAY, 20) == date(2026, 11, 30)
    [event] = events("action.recorded")
    assert event.actor_id == world["team"].id and event.case_id == world["case"].id
    assert event.after["service"] == world["transport"].slug and event.after["due_on"] == "2026-11-30"
    assert event.after["service_added_to_case"] is False


def test_an_explicit_due_date_or_number_of_working_days(world):
    case, team, transport = world["case"], world["team"], world["transport"]
    exact = record_action(case, service=transport, description="Check links", owner_name="A", due_on=date(2027, 1, 4),
                          actor=team, today=TODAY)
    assert exact.due_on == date(2027, 1, 4)
    short = record_action(case, service=transport, description="Fix typo", owner_name="A", due_in_working_days=5,
                          actor=team, today=TODAY)
    assert short.due_on == date(2026, 11, 9)
    with pytest.raises(ActionError, match="today or in the future"):
        record_action(case, service=transport, description="Late", owner_name="A", due_on=TODAY - timedelta(days=1),
                      actor=team, today=TODAY)


@pytest.mark.parametrize("fields, message", [
    ({"description": "  "}, "Enter what will be done"),
    ({"owner_name": ""}, "Enter who owns this action"),
])
def test_what_and_who_are_required(world, fields, message):
    arguments = {"service": world["transport"], "description": "Do it", "owner_name": "Olu", **fields}
    with pytest.raises(ActionError, match=message):
        record_action(world["case"], actor=world["team"], today=TODAY, **arguments)


def test_an_owner_with_an_account_names_the_action_and_must_be_able_to_work_it(world):
    action = record_action(world["case"], service=world["transport"], description="Do it", owner=world["own_lead"],
                           actor=world["team"], today=TODAY)
    assert action.owner_name == "Olu Own" and action.owner_id == world["own_lead"].id
    with pytest.raises(ActionError, match="Ola Other cannot own an action for Transport"):
        record_action(world["case"], service=world["transport"], description="Do it", owner=world["other_lead"],
                      actor=world["team"], today=TODAY)


def test_a_lead_records_actions_for_their_own_service_only(world):
    case = world["case"]
    mine = record_action(case, service=world["transport"], description="Do it", owner_name="Olu",
                         actor=world["own_lead"], today=TODAY)
    assert mine.service_id == world["transport"].id
    with pytest.raises(ActionError, match="You do not lead Health"):
        record_action(case, service=world["health"], description="Do it", owner_name="Olu", actor=world["own_lead"],
                      today=TODAY)


def test_only_the_team_may_add_a_service_the_case_lacks_and_its_leads_are_told(world):
    case, parks = world["case"], world["parks"]
    with pytest.raises(ActionError, match="not one of this case’s services"):
        record_action(case, service=parks, description="Do it", owner_name="Sid", actor=world["stranger"], today=TODAY)
    version = fresh(Case, case.id).version
    record_action(case, service=parks, description="Mend the play area page", owner_name="Sid", actor=world["team"],
                  today=TODAY)
    case = fresh(Case, case.id)
    assert parks in case.services and case.version == version + 1
    assert [email.to_address for email in emails("case-assigned") if "Parks" in email.body_text] \
        == [world["stranger"].email]
    assert events("action.recorded")[-1].after["service_added_to_case"] is True


def test_no_action_on_a_closed_case_but_a_resolved_one_may_still_get_one(world):
    case, team = world["case"], world["team"]
    resolve_case(case, response="We will fix the page.", actor=team)
    assert record_action(case, service=world["transport"], description="Fix it", owner_name="O", actor=team,
                         today=TODAY).id
    other = make_case()
    close_case(other, reason="Spam", actor=team)
    with pytest.raises(ActionError, match="is closed"):
        record_action(other, service=world["transport"], description="Fix it", owner_name="O", actor=team,
                      today=TODAY)


# --- The status machine ----------------------------------------------------------------------

def test_planned_to_in_progress_to_done_with_what_was_done(world):
    action, lead = world["action"], world["own_lead"]
    update_action_status(action, status="in_progress", actor=lead, expected_version=1)
    update_action_status(action, status="in_progress", evidence="Draft written", actor=lead, expected_version=2)
    update_action_status(action, status="done", evidence="Page rewritten and checked", actor=lead,
                         expected_version=3, today=date(2026, 11, 20))
    action = fresh(Action, action.id)
    assert (action.status, action.evidence, action.completed_on, action.version) == \
        (ActionStatus.DONE, "Page rewritten and checked", date(2026, 11, 20), 4)
    last = events("action.updated")[-1]
    assert last.before == {"status": "in_progress", "evidence": "Draft written", "cancelled_reason": "",
                           "completed_on": None}
    assert last.after["status"] == "done" and last.after["completed_on"] == "2026-11-20"
    assert last.actor_id == lead.id and last.case_id == world["case"].id


@pytest.mark.parametrize("path, wanted, message", [
    ([], "done", "Mark the action as in progress before marking it as done"),
    (["in_progress"], "planned", "cannot go back to planned"),
    (["in_progress", "done"], "in_progress", "This action is done, so it cannot be changed"),
    (["cancelled"], "in_progress", "This action is cancelled, so it cannot be changed"),
    ([], "planned", "Nothing has changed"),
])
def test_refused_transitions(world, path, wanted, message):
    action = world["action"]
    for status in path:
        update_action_status(action, status=status, evidence="Done it", cancelled_reason="Not needed",
                             actor=world["team"])
    with pytest.raises(ActionError, match=message):
        update_action_status(action, status=wanted, evidence="", actor=world["team"])


def test_done_needs_what_was_done_and_cancelled_needs_a_reason(world):
    action, team = world["action"], world["team"]
    with pytest.raises(ActionError, match="Enter why the action is cancelled"):
        update_action_status(action, status="cancelled", cancelled_reason=" ", actor=team)
    update_action_status(action, status="in_progress", evidence="Half the page redrafted", actor=team)
    with pytest.raises(ActionError, match="Enter what was done"):
        update_action_status(action, status="done", evidence="", actor=team)
    update_action_status(action, status="cancelled", cancelled_reason="The page is being retired", actor=team)
    action = fresh(Action, action.id)
    assert action.status == ActionStatus.CANCELLED and action.cancelled_reason == "The page is being retired"
    assert action.evidence == "Half the page redrafted"  # not given, so kept
    assert action.completed_on is None


def test_a_stale_form_is_refused(world):
    action = world["action"]
    update_action_status(action, status="in_progress", actor=world["team"], expected_version=1)
    with pytest.raises(ActionError, match="Someone else changed this action"):
        update_action_status(action, status="cancelled", cancelled_reason="No", actor=world["own_lead"],
                             expected_version=1)
    assert STALE.startswith("Someone else changed this action")


def test_a_concurrent_change_seen_only_at_the_database_is_refused(world):
    action = world["action"]
    assert action.version == 1  # loaded by this session…
    with db.engine.begin() as connection:  # …then another process moves the row on
        connection.execute(update(Action).where(Action.id == action.id).values(version=2))
    with pytest.raises(ActionError, match="Someone else changed this action"):
        update_action_status(action, status="in_progress", actor=world["team"])
    assert fresh(Action, action.id).status == ActionStatus.PLANNED


def test_a_lead_of_another_service_may_not_update_the_action(world):
    with pytest.raises(ActionError, match="You do not lead Transport"):
        update_action_status(world["action"], status="in_progress", actor=world["other_lead"])
    assert fresh(Action, world["action"].id).status == ActionStatus.PLANNED


# --- Overdue and chasing ---------------------------------------------------------------------

def test_overdue_actions_are_the_open_ones_past_their_due_date(world):
    action, team = world["action"], world["team"]
    done = record_action(world["case"], service=world["transport"], description="Done already", owner_name="O",
                         actor=team, due_on=TODAY, today=TODAY)
    update_action_status(done, status="in_progress", actor=team)
    update_action_status(done, status="done", evidence="Yes", actor=team)
    after_due = action.due_on + timedelta(days=1)
    assert list_overdue_actions(action.due_on) == []
    assert list_overdue_actions(after_due) == [action]
    assert list_overdue_actions(after_due, user=world["other_lead"]) == [action]  # sees the case
    assert list_overdue_actions(after_due, user=world["stranger"]) == []


def test_chasing_emails_the_services_leads_once_per_due_date(world):
    action = world["action"]
    after_due = add_working_days(action.due_on, 2)
    assert chase_overdue_actions(after_due) == 1
    assert chase_overdue_actions(after_due) == 0
    assert chase_overdue_actions(after_due + timedelta(days=1)) == 0
    [email] = emails("action-overdue")
    assert email.to_address == world["own_lead"].email and email.case_id == world["case"].id
    assert "2 working days overdue" in email.body_text and f"/actions/{action.id}" in email.body_text
    for personal in FAMILY.values():
        assert personal not in email.body_text
    reminder = db.session.scalars(select(ReminderSent)).one()
    assert (reminder.step, reminder.due_on) == (f"action:{action.id}", action.due_on)
    assert events("action.reminder_sent")[0].after["to"] == [world["own_lead"].email]

    # A new due date is a new deadline: chased again once it passes.
    db.session.execute(update(Action).where(Action.id == action.id).values(due_on=after_due))
    db.session.commit()
    assert chase_overdue_actions(after_due + timedelta(days=1)) == 1
    assert len(emails("action-overdue")) == 2


def test_chasing_prefers_the_owner_then_a_partner_with_a_live_link(app, world):
    team, case = world["team"], world["case"]
    owned = record_action(case, service=world["transport"], description="Owned", owner=world["own_lead"],
                          actor=team, due_on=TODAY, today=TODAY)
    partnered = record_action(case, service=world["health"], description="With CAMHS", owner_name="CAMHS lead",
                              actor=team, due_on=TODAY, today=TODAY)
    create_partner_link(partnered, recipient_name="Pat Partner", recipient_email="pat@nhs.example", actor=team,
                        base_url="http://localhost/")
    orphan_service = make_service(name="Libraries")
    orphan = record_action(case, service=orphan_service, description="Nobody leads it", owner_name="?",
                           actor=team, due_on=TODAY, today=TODAY)
    chase_overdue_actions(world["action"].due_on + timedelta(days=1))
    sent = {email.body_text.split("What will be done: ")[1].split("\n")[0]: email
            for email in emails("action-overdue")}
    assert sent["Owned"].to_address == world["own_lead"].email
    assert sent["With CAMHS"].to_address == "pat@nhs.example"
    assert "/partner/" not in sent["With CAMHS"].body_text and "link in the email" in sent["With CAMHS"].body_text
    assert sent["Nobody leads it"].to_address == app.config["TEAM_EMAIL"]
    assert sent["Rewrite the bus pass page"].to_address == world["own_lead"].email
    assert {owned.id, partnered.id, orphan.id} <= {email_action for email_action in _chased_action_ids()}


def _chased_action_ids():
    return {int(step.split(":")[1]) for step in db.session.scalars(select(ReminderSent.step))}


def test_the_beat_task_chases_overdue_actions_daily(app, world):
    celery = app.extensions["celery"]
    entry = celery.conf.beat_schedule["chase-overdue-actions"]
    assert entry["task"] == "actions.chase-overdue" and entry["schedule"] == crontab(hour=7, minute=15)
    db.session.execute(update(Action).values(due_on=date.today() - timedelta(days=3)))
    db.session.commit()
    assert celery.tasks["actions.chase-overdue"].apply().get() == 1
    assert celery.tasks["actions.chase-overdue"].apply().get() == 0


# --- Pages: who may use them -----------------------------------------------------------------

def routes(world):
    action, case = world["action"], world["case"]
    return {
        "new": f"/cases/{case.reference}/actions/new",
        "action": f"/actions/{action.id}",
        "partner-link": f"/actions/{action.id}/partner-link",
    }


def statuses(client, world, method):
    call = getattr(client, method)
    return {name: call(path, data={}).status_code for name, path in routes(world).items()}


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_people_are_sent_to_sign_in(client, world, method):
    paths = [*routes(world).values()] + ([f"/actions/{world['action'].id}/partner-link/1/revoke"]
                                         if method == "post" else [])
    for path in paths:
        response = getattr(client, method)(path, data={})
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), path


@pytest.mark.parametrize("role", [Role.TEAM, Role.ADMIN])
def test_the_team_may_use_every_page(client, auth, world, role):
    auth.sign_in(make_user(role))
    assert statuses(client, world, "get") == {"new": 200, "action": 200, "partner-link": 200}
    assert statuses(client, world, "post") == {"new": 400, "action": 400, "partner-link": 400}  # empty forms


def test_a_lead_of_the_actions_service_works_it_but_sends_no_partner_links(client, auth, world):
    auth.sign_in(world["own_lead"])
    assert statuses(client, world, "get") == {"new": 200, "action": 200, "partner-link": 403}
    assert statuses(client, world, "post") == {"new": 400, "action": 400, "partner-link": 403}
    response = client.post(f"/actions/{world['action'].id}",
                           data={"version": 1, "status": "in_progress", "evidence": "", "cancelled_reason": ""})
    assert response.status_code == 302
    assert fresh(Action, world["action"].id).status == ActionStatus.IN_PROGRESS
    assert client.post(f"/actions/{world['action'].id}/partner-link/1/revoke").status_code == 403


def test_a_lead_of_another_service_on_the_case_sees_the_action_but_may_not_change_it(client, auth, world):
    auth.sign_in(world["other_lead"])
    action_page = page(client.get(f"/actions/{world['action'].id}"))
    assert action_page.select_one("h1").get_text(strip=True) == "Action for Transport"
    assert action_page.select_one("form input[name=status]") is None
    response = client.post(f"/actions/{world['action'].id}", data={"version": 1, "status": "in_progress"})
    assert response.status_code == 403
    assert fresh(Action, world["action"].id).status == ActionStatus.PLANNED
    new = f"/cases/{world['case'].reference}/actions/new"
    assert client.post(new, data={"service": world["transport"].id, "description": "Mine now",
                                  "owner_name": "Ola"}).status_code == 403
    assert client.post(new, data={"service": world["health"].id, "description": "Our part",
                                  "owner_name": "Ola"}).status_code == 302
    assert db.session.scalar(select(Action).where(Action.description == "Mine now")) is None


def test_a_lead_who_cannot_see_the_case_is_told_nothing_exists(client, auth, world):
    auth.sign_in(world["stranger"])
    assert statuses(client, world, "get") == {"new": 404, "action": 404, "partner-link": 404}
    assert statuses(client, world, "post") == {"new": 404, "action": 404, "partner-link": 404}


# --- Pages: what they do ---------------------------------------------------------------------

def test_recording_an_action_through_the_page(client, auth, world):
    auth.sign_in(world["own_lead"])
    form = page(client.get(f"/cases/{world['case'].reference}/actions/new"))
    assert [label.get_text(strip=True) for label in form.select("input[name=service] + label")] == ["Transport"]
    assert "20 working days from today" in form.get_text()
    response = client.post(f"/cases/{world['case'].reference}/actions/new", data={
        "service": world["transport"].id, "description": "Add the new route map", "owner": world["own_lead"].id,
        "owner_name": "", "due_on": ["4", "1", "2027"]})
    action = db.session.scalar(select(Action).where(Action.description == "Add the new route map"))
    assert response.status_code == 302 and response.headers["Location"] == f"/actions/{action.id}"
    assert (action.due_on, action.owner_name) == (date(2027, 1, 4), "Olu Own")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Action recorded for Transport, due by 4 January 2027" in shown


@pytest.mark.parametrize("data, message, field", [
    ({"description": ""}, "Enter what will be done", "#description"),
    ({"owner_name": ""}, "Enter who owns this action", "#owner_name"),
    ({"due_on": ["31", "2", "2027"]}, "Due date must be a real date", "#due_on"),
    ({"due_on": ["", "2", "2027"]}, "Due date must include a day, month and year", "#due_on"),
    ({"due_on": ["1", "1", "2020"]}, "The due date must be today or in the future", "#description"),
])
def test_bad_input_is_a_govuk_error(client, auth, world, data, message, field):
    auth.sign_in(world["team"])
    base = {"service": world["transport"].id, "description": "Do it", "owner_name": "Olu", "owner": ""}
    response = client.post(f"/cases/{world['case'].reference}/actions/new", data={**base, **data})
    assert response.status_code == 400
    assert message in error_summary(response)
    soup = page(response)
    assert soup.title.string.startswith("Error: ")
    assert soup.select_one(".govuk-error-summary a")["href"] == field


def test_updating_through_the_page_and_a_stale_form(client, auth, world):
    action = world["action"]
    auth.sign_in(world["team"])
    soup = page(client.get(f"/actions/{action.id}"))
    assert soup.select_one("input[name=version]")["value"] == "1"
    assert [item["value"] for item in soup.select("input[name=status]")] == ["planned", "in_progress", "cancelled"]
    response = client.post(f"/actions/{action.id}", data={"version": 1, "status": "in_progress",
                                                          "evidence": "Drafting"})
    assert response.status_code == 302
    response = client.post(f"/actions/{action.id}", data={"version": 1, "status": "done", "evidence": "Done"})
    assert response.status_code == 400 and STALE in error_summary(response)
    assert page(response).select_one("input[name=version]")["value"] == "2"
    response = client.post(f"/actions/{action.id}", data={"version": 2, "status": "done", "evidence": ""})
    assert response.status_code == 400 and "Enter what was done" in error_summary(response)
    history = page(client.get(f"/actions/{action.id}")).select_one("ol").get_text(" ", strip=True)
    assert "Action recorded" in history and "Status: Planned to In progress" in history and "Drafting" in history


def test_a_finished_action_offers_no_form(client, auth, world):
    action = world["action"]
    update_action_status(action, status="cancelled", cancelled_reason="Not needed", actor=world["team"])
    auth.sign_in(world["team"])
    soup = page(client.get(f"/actions/{action.id}"))
    assert soup.select_one("input[name=status]") is None
    assert "This action is cancelled" in soup.get_text()


def test_the_case_page_lists_actions_with_their_status(app, world, client, auth):
    update_action_status(world["action"], status="in_progress", actor=world["team"])
    case = fresh(Case, world["case"].id)
    with app.test_request_context():
        html = render_template_string('{% include "actions/_case-actions.html" %}', case=case,
                                      case_actions=list_case_actions(case),
                                      today=world["action"].due_on + timedelta(days=1))
    assert f'href="/actions/{world["action"].id}"' in html and "Transport: Rewrite the bus pass page" in html
    assert "In progress" in html and "Overdue" in html
    assert f'href="/cases/{case.reference}/actions/new"' in html
    auth.sign_in(world["team"])
    case_page = page(client.get(f"/cases/{case.reference}"))
    assert case_page.select_one(f'a[href="/actions/{world["action"].id}"]') is not None
    assert case_page.select_one(f'a[href="/entries/new?case={case.reference}"]') is not None
    close_case(case, reason="Done with", actor=world["team"])
    with app.test_request_context():
        html = render_template_string('{% include "actions/_case-actions.html" %}', case=case,
                                      case_actions=list_case_actions(case), today=TODAY)
    assert "Record an action" not in html and case.status == CaseStatus.CLOSED
