"""The team's email pages: held messages, one message shown safely, attachments, release; who may see them."""
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from feedback_app.accounts.models import Role
from feedback_app.cases.models import Case
from feedback_app.extensions import db
from feedback_app.intake.models import Attachment, InboundEmail, InboundOutcome
from tests.factories import make_user
from tests.intake.email_support import acknowledgements, cases, ingest_corpus


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("feedback_app.outbox.services.enqueue", lambda name, *args: None)


@pytest.fixture
def team(auth):
    user = make_user(Role.TEAM)
    auth.sign_in(user)
    return user


def _page(response):
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _routes():
    spam = ingest_corpus("16")
    ingest_corpus("07")
    attachment = db.session.scalar(select(Attachment))
    return [
        ("get", "/intake/held"),
        ("get", f"/intake/emails/{spam.inbound_email_id}"),
        ("get", f"/intake/attachments/{attachment.id}"),
        ("post", f"/intake/emails/{spam.inbound_email_id}/release"),
    ]


def test_anonymous_people_are_sent_to_sign_in(app, client):
    for method, path in _routes():
        response = getattr(client, method)(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in"), path
    assert len(cases()) == 1  # the release did not happen


def test_service_leads_are_refused(app, client, auth):
    auth.sign_in(make_user(Role.SERVICE_LEAD))
    for method, path in _routes():
        assert getattr(client, method)(path).status_code == 403, path
    assert len(cases()) == 1


@pytest.mark.parametrize("role", [Role.TEAM, Role.ADMIN])
def test_the_team_may_use_every_page(app, client, auth, role):
    auth.sign_in(make_user(role))
    for method, path in _routes():
        response = getattr(client, method)(path, follow_redirects=True)
        assert response.status_code == 200, path
    assert len(cases()) == 2  # the release made a case


def test_held_page_lists_what_made_no_case_with_the_reason(app, client, team):
    for name in ("01", "09", "10", "13", "16", "17"):
        ingest_corpus(name)
    page = _page(client.get("/intake/held"))
    assert page.h1.get_text(strip=True) == "Held and unread email"
    rows = page.select("tbody tr")
    text = " ".join(row.get_text(" ", strip=True) for row in rows)
    assert len(rows) == 5  # not the new case
    assert "promo@spam.example" in text and "You have WON a prize!!!" in text and "Marked as spam" in text
    assert "newsletter@charity.example" in text and "Bulk mail (Precedence: bulk)" in text
    assert "busy.parent@example.org" in text and "Automatic reply" in text
    assert "Empty message. No text and no attachments" in text and "Delivery failure report" in text
    assert "Short breaks for teenagers" not in text
    # Release is offered for held and ignored mail, never for a bounce.
    assert len(page.select("tbody form button")) == 4

    held_only = _page(client.get("/intake/held?outcome=held"))
    assert len(held_only.select("tbody tr")) == 2
    assert _page(client.get("/intake/held?outcome=nonsense")).select("tbody tr")  # falls back to all


def test_unparseable_message_is_on_the_held_page(app, client, team):
    from feedback_app.intake.email_services import ingest_email

    result = ingest_email(b"\x00\xff not an email", source="file")
    recorded = db.session.get(InboundEmail, result.inbound_email_id)
    page = _page(client.get(f"/intake/held?outcome={recorded.outcome}"))
    assert f"/intake/emails/{recorded.id}" in str(page)


def test_html_is_shown_only_sanitised(app, client, team):
    result = ingest_corpus("03")
    response = client.get(f"/intake/emails/{result.inbound_email_id}")
    body = response.get_data(as_text=True)
    main = _page(response).main
    assert main.find_all(["script", "img", "iframe", "object", "embed", "style"]) == []
    assert "alert(1" not in body
    assert "<img" not in body
    assert "tracker.example" not in body
    assert "The referral link on the OT page is broken." in main.get_text()
    assert "img-src 'self'" in response.headers["Content-Security-Policy"]


def test_message_page_shows_headers_text_and_attachments(app, client, team):
    result = ingest_corpus("07")
    page = _page(client.get(f"/intake/emails/{result.inbound_email_id}"))
    assert page.h1.get_text(strip=True) == "Screenshot of the error"
    assert "carer@example.org" in page.select_one(".govuk-summary-list").get_text()
    assert "Screenshot attached of the search page error." in page.get_text()
    link = page.find("a", string="écran 1.png")
    attachment = db.session.scalar(select(Attachment))
    assert link["href"] == f"/intake/attachments/{attachment.id}"
    assert "Message-ID: <corpus-07@mail.example>" in page.select_one(".govuk-details__text").get_text()


def test_polish_and_emoji_are_shown_intact(app, client, team):
    result = ingest_corpus("18")
    text = _page(client.get(f"/intake/emails/{result.inbound_email_id}")).get_text()
    assert "Tłumaczenie strony 🙏" in text
    assert "Proszę o tłumaczenie strony o EHCP na język polski. Diolch! 🙏" in text


def test_attachment_downloads_as_an_attachment_with_its_sniffed_type(app, client, team):
    ingest_corpus("07")
    attachment = db.session.scalar(select(Attachment))
    response = client.get(f"/intake/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == attachment.data
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('écran 1.png')}" in disposition
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_release_button_makes_a_case_and_says_so(app, client, team):
    held = ingest_corpus("16")
    response = client.post(f"/intake/emails/{held.inbound_email_id}/release", follow_redirects=True)
    page = _page(response)
    (case,) = cases()
    assert f"Case {case.reference} made from the held message" in page.get_text()
    assert db.session.get(InboundEmail, held.inbound_email_id).outcome == InboundOutcome.RELEASED
    assert len(acknowledgements()) == 1
    # Pressing it again (a second tab) makes nothing new and says why.
    again = _page(client.post(f"/intake/emails/{held.inbound_email_id}/release", follow_redirects=True))
    assert "already been released" in again.get_text()
    assert db.session.scalars(select(Case)).all() == [case]


def test_missing_message_and_attachment_are_404(app, client, team):
    assert client.get("/intake/emails/999").status_code == 404
    assert client.get("/intake/attachments/999").status_code == 404
    assert client.post("/intake/emails/999/release").status_code == 404
