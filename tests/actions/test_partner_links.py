"""Partner links: the token is the credential, kept nowhere in clear; expired, revoked, tampered links fail."""
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, select, update

from feedback_app.actions.models import Action, ActionStatus, PartnerLink
from feedback_app.actions.partner_links import REDACTED, create_partner_link, revoke_partner_link
from feedback_app.actions.services import ActionError, record_action, update_action_status
from feedback_app.audit.models import AuditEvent
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.outbox.models import OutboundEmail
from feedback_app.outbox.services import send_email
from tests.actions.conftest import FAMILY, TODAY, error_summary, fresh, page
from tests.factories import make_case

PARTNER = {"recipient_name": "Pat Partner", "recipient_email": "pat.partner@nhs.example"}


@pytest.fixture
def sent(world):
    """A link sent by the team for the world's action: (link, token)."""
    return create_partner_link(world["action"], actor=world["team"], base_url="https://feedback.demo.example/",
                               **PARTNER)


def url(token):
    return f"/partner/{token}"


def events(name):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == name).order_by(AuditEvent.id)).all()


def rows_holding(text):
    """(table, column) of every stored text value in the database that contains `text`."""
    found = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, (String, Text)) or column.type.python_type is str:
                    if connection.execute(select(column).where(column.contains(text, autoescape=True))).first():
                        found.append((table.name, column.name))
    return found


# --- Sending ---------------------------------------------------------------------------------

def test_a_link_is_emailed_and_only_its_digest_is_kept(app, world, sent):
    link, token = sent
    assert len(token) == 43
    assert link.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert link.expires_at - link.created_at == timedelta(days=app.config["PARTNER_LINK_DAYS"])
    [email] = db.session.scalars(select(OutboundEmail).where(OutboundEmail.purpose == "partner-link")).all()
    assert email.to_address == PARTNER["recipient_email"]
    assert f"https://feedback.demo.example/partner/{token}" in email.body_text
    assert "Rewrite the bus pass page" in email.body_text
    for personal in FAMILY.values():
        assert personal not in email.body_text
    # Until it is sent, the outbox is the only place holding the token; once sent, nowhere is.
    assert rows_holding(token) == [("outbound_emails", "body_text")]
    send_email(email.id)
    assert rows_holding(token) == []
    assert REDACTED in fresh(OutboundEmail, email.id).body_text
    [event] = events("partner_link.sent")
    assert event.actor_id == world["team"].id and event.after["to"] == PARTNER["recipient_email"]


def test_only_the_team_sends_links_and_only_for_open_actions(world):
    with pytest.raises(ActionError, match="Only the Local Offer team"):
        create_partner_link(world["action"], actor=world["own_lead"], **PARTNER)
    with pytest.raises(ActionError, match="correct format"):
        create_partner_link(world["action"], actor=world["team"], recipient_name="Pat", recipient_email="pat@")
    with pytest.raises(ActionError, match="Enter the partner lead’s name"):
        create_partner_link(world["action"], actor=world["team"], recipient_name=" ", recipient_email="p@nhs.example")
    update_action_status(world["action"], status="cancelled", cancelled_reason="No longer needed", actor=world["team"])
    with pytest.raises(ActionError, match="nothing for a partner to update"):
        create_partner_link(world["action"], actor=world["team"], **PARTNER)
    assert db.session.scalars(select(PartnerLink)).all() == []


def test_sending_and_revoking_through_the_pages(client, auth, world):
    action = world["action"]
    auth.sign_in(world["team"])
    response = client.post(f"/actions/{action.id}/partner-link", data=PARTNER)
    assert response.status_code == 302
    shown = page(client.get(response.headers["Location"]))
    assert "We have emailed the link to Pat Partner" in shown.get_text()
    row = shown.select_one("tbody tr").get_text(" ", strip=True)
    assert "pat.partner@nhs.example" in row and "Works until" in row and "Not yet" in row
    [email] = db.session.scalars(select(OutboundEmail).where(OutboundEmail.purpose == "partner-link")).all()
    assert "http://localhost/partner/" in email.body_text  # the site's own address when BASE_URL is not set
    token = email.body_text.split("/partner/")[1].split()[0]
    link = db.session.scalars(select(PartnerLink)).one()

    revoke = shown.select_one("tbody form")
    assert revoke["action"] == f"/actions/{action.id}/partner-link/{link.id}/revoke"
    assert client.post(revoke["action"]).status_code == 302
    assert fresh(PartnerLink, link.id).revoked_at is not None
    assert "Revoked" in page(client.get(f"/actions/{action.id}/partner-link")).select_one("tbody tr").get_text()
    assert client.post(revoke["action"]).status_code == 302  # a second press says so, and changes nothing
    assert len(events("partner_link.revoked")) == 1
    client.post("/sign-out")
    assert client.get(url(token)).status_code == 410


def test_a_bad_email_address_is_a_govuk_error(client, auth, world):
    auth.sign_in(world["team"])
    response = client.post(f"/actions/{world['action'].id}/partner-link",
                           data={"recipient_name": "Pat", "recipient_email": "not an address"})
    assert response.status_code == 400 and "Enter an email address in the correct format" in error_summary(response)


def test_a_link_of_another_action_cannot_be_revoked_from_this_one(client, auth, world, sent):
    link, _ = sent
    other = record_action(world["case"], service=world["health"], description="Other", owner_name="O",
                          actor=world["team"], today=TODAY)
    auth.sign_in(world["team"])
    assert client.post(f"/actions/{other.id}/partner-link/{link.id}/revoke").status_code == 404
    assert fresh(PartnerLink, link.id).revoked_at is None


# --- Using a link ----------------------------------------------------------------------------

def test_the_partner_sees_the_case_summary_without_any_contact_details(client, world, sent):
    link, token = sent
    response = client.get(url(token))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    soup = page(response)
    assert world["case"].reference in html and "The bus pass page is out of date." in html
    assert "Rewrite the bus pass page" in html and soup.select_one("input[name=status]") is not None
    for personal in FAMILY.values():
        assert personal not in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    [event] = events("partner_link.viewed")
    assert event.actor_label == f"partner link #{link.id}" and event.actor_id is None
    assert event.case_id == world["case"].id
    assert fresh(PartnerLink, link.id).last_used_at is not None


def test_the_partner_updates_the_action_and_the_sender_is_told(client, world, sent):
    link, token = sent
    response = client.post(url(token), data={"version": 1, "status": "in_progress", "evidence": "Booked a review"})
    assert response.status_code == 302 and response.headers["Location"] == url(token)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    action = fresh(Action, world["action"].id)
    assert (action.status, action.evidence) == (ActionStatus.IN_PROGRESS, "Booked a review")
    [event] = events("action.updated")
    assert event.actor_label == f"partner link #{link.id}" and event.after["status"] == "in_progress"
    [notice] = db.session.scalars(select(OutboundEmail).where(OutboundEmail.purpose == "action-partner-update"))
    assert notice.to_address == world["team"].email and "Booked a review" in notice.body_text
    assert "Thank you. Your update is saved" in client.get(url(token)).get_data(as_text=True)


def test_the_partners_errors_are_govuk_errors(client, world, sent):
    _, token = sent
    response = client.post(url(token), data={"version": 1, "status": "done", "evidence": "All done"})
    assert response.status_code == 400
    assert "Select the status of the action" in error_summary(response)  # only the next steps are offered
    response = client.post(url(token), data={"version": 1, "status": "cancelled", "cancelled_reason": ""})
    assert response.status_code == 400 and "Enter why the action is cancelled" in error_summary(response)
    update_action_status(world["action"], status="in_progress", actor=world["team"])
    response = client.post(url(token), data={"version": 1, "status": "done", "evidence": "All done"})
    assert response.status_code == 400 and "Someone else changed this action" in error_summary(response)
    assert fresh(Action, world["action"].id).status == ActionStatus.IN_PROGRESS


def test_a_finished_action_is_shown_without_a_form(client, world, sent):
    _, token = sent
    update_action_status(world["action"], status="cancelled", cancelled_reason="Not needed", actor=world["team"])
    soup = page(client.get(url(token)))
    assert soup.select_one("input[name=status]") is None and "This action is cancelled" in soup.get_text()


@pytest.mark.parametrize("method", ["get", "post"])
def test_expired_links_are_refused_and_audited(client, world, sent, method):
    link, token = sent
    db.session.execute(update(PartnerLink).where(PartnerLink.id == link.id)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = getattr(client, method)(url(token), data={"version": 1, "status": "in_progress"})
    assert_refused(response, 410, world)
    assert events("partner_link.refused")[0].after == {"reason": "expired"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_revoked_links_are_refused(client, world, sent, method):
    link, token = sent
    revoke_partner_link(link, actor=world["team"])
    response = getattr(client, method)(url(token), data={"version": 1, "status": "in_progress"})
    assert_refused(response, 410, world)
    assert events("partner_link.refused")[0].actor_label == f"partner link #{link.id}"


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # one character changed
    lambda token: token[:-1],  # cut short
    lambda token: token + "x",  # too long
    lambda token: "x" * 43,  # guessed
    lambda token: token.upper() if token.upper() != token else token.lower(),
])
def test_tampered_and_unknown_links_are_refused(client, world, sent, tamper):
    _, token = sent
    response = client.post(url(tamper(token)), data={"version": 1, "status": "in_progress"})
    assert_refused(response, 404, world)
    assert events("partner_link.refused") == []  # an unknown token names no link to audit


def assert_refused(response, status, world):
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert page(response).select_one("h1").get_text(strip=True) == "This link has expired or been withdrawn"
    assert world["case"].reference not in html and "bus pass" not in html
    assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["Cache-Control"] == "no-store"
    assert fresh(Action, world["action"].id).status == ActionStatus.PLANNED
    assert events("partner_link.viewed") == []


def test_a_link_reaches_its_own_action_and_case_only(client, world, sent):
    _, token = sent
    other_case = make_case(body="Another family's feedback about respite.", contact_name="Other Person")
    other = record_action(other_case, service=world["parks"], description="Other case's action", owner_name="O",
                          actor=world["team"], today=TODAY)
    response = client.get(url(token))
    assert "respite" not in response.get_data(as_text=True)
    # Whatever the form claims, only the link's own action changes.
    client.post(url(token), data={"version": 1, "status": "in_progress", "action_id": other.id, "id": other.id})
    assert fresh(Action, other.id).status == ActionStatus.PLANNED
    assert fresh(Action, world["action"].id).status == ActionStatus.IN_PROGRESS


def test_anyone_with_the_token_may_use_it_signed_in_or_not(client, auth, world, sent):
    _, token = sent
    assert client.get(url(token)).status_code == 200
    for user in ("stranger", "own_lead", "team"):
        auth.sign_in(world[user])
        assert client.get(url(token)).status_code == 200
        auth.sign_out()
