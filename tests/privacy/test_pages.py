"""The privacy pages: who may use them, the retention report, subject access archives and erasure."""
import io
import json
import re
import zipfile

import pytest
from sqlalchemy import select

from feedback_app.accounts.models import Role
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import Case
from feedback_app.extensions import db
from feedback_app.privacy.models import PrivacyRequest
from tests.factories import make_service, make_user
from tests.privacy.helpers import EMAIL, NAME, database_contains, expired_case, days_ago

ROUTES = [
    ("get", "/admin/retention", {Role.ADMIN}),
    ("post", "/admin/retention/apply", {Role.ADMIN}),
    ("get", "/privacy/subject-access", {Role.ADMIN, Role.TEAM}),
    ("post", "/privacy/subject-access/export", {Role.ADMIN, Role.TEAM}),
    ("post", "/privacy/subject-access/erase", {Role.ADMIN, Role.TEAM}),
]


def sign_in_as(auth, role):
    services = [make_service()] if role == Role.SERVICE_LEAD else []
    user = make_user(role, services=services)
    auth.sign_in(user)
    return user


@pytest.mark.parametrize("method,url,allowed", ROUTES)
@pytest.mark.parametrize("role", [Role.ADMIN, Role.TEAM, Role.SERVICE_LEAD])
def test_only_the_right_roles_get_in(app, client, auth, method, url, allowed, role):
    sign_in_as(auth, role)
    response = getattr(client, method)(url)
    if role in allowed:
        assert response.status_code in (200, 302, 400)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("method,url,allowed", ROUTES)
def test_anonymous_people_are_sent_to_sign_in(app, client, method, url, allowed):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_retention_page_shows_the_dry_run_without_personal_data(app, client, auth):
    expired_case()
    sign_in_as(auth, Role.ADMIN)
    page = client.get("/admin/retention").get_data(as_text=True)
    assert "<title>Retention schedule – " in page and len(re.findall(r"<h1[ >]", page)) == 1
    assert "24 months" in page and "3 months" in page
    assert EMAIL not in page and NAME not in page
    assert re.search(r"Resolved or closed cases</th>\s*<td[^>]*>24 months</td>\s*<td[^>]*>1</td>", page)
    assert database_contains(EMAIL)  # looking is not applying


def test_apply_button_anonymises(app, client, auth):
    expired_case()
    sign_in_as(auth, Role.ADMIN)
    response = client.post("/admin/retention/apply")
    assert response.status_code == 302
    assert database_contains(EMAIL) == []


def test_subject_access_archive_holds_everything_and_logs_only_a_digest(app, client, auth):
    case, _ = expired_case(closed_at=days_ago(5))
    expired_case(email="someone.else@example.org", phone="020 7946 0000")
    sign_in_as(auth, Role.TEAM)
    found = client.post("/privacy/subject-access", data={"term": EMAIL.upper()}).get_data(as_text=True)
    assert "1 case and" in found
    response = client.post("/privacy/subject-access/export", data={"term": EMAIL})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    folder = f"cases/{case.reference}"
    data = json.loads(archive.read(f"{folder}/case.json"))
    assert data["case"]["contact_email"] == EMAIL and data["messages"] and data["notes"]
    assert NAME in archive.read(f"{folder}/case.txt").decode()
    assert any(name.startswith(f"{folder}/inbound/") and name.endswith(".eml") for name in names)
    assert any("/attachments/" in name for name in names)
    assert any(name.startswith(f"{folder}/outbound/") for name in names)
    assert json.loads(archive.read(f"{folder}/audit.json"))
    assert not any("someone.else" in archive.read(name).decode("utf-8", "replace") for name in names)
    search, request = db.session.scalars(select(PrivacyRequest).order_by(PrivacyRequest.id)).all()
    assert search.kind == "search" and request.kind == "subject_access" and len(request.term_digest) == 64
    assert search.term_digest == request.term_digest  # same person, same digest, whatever the letter case
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.subject-access")).one()
    assert EMAIL not in json.dumps(event.after) and event.after["cases"] == 1


def test_phone_numbers_match_in_normalised_form(app, client, auth):
    case, _ = expired_case(closed_at=days_ago(5))  # stored as "07700 900123"
    sign_in_as(auth, Role.ADMIN)
    response = client.post("/privacy/subject-access/export", data={"term": "+44 7700-900-123"})
    assert f"cases/{case.reference}/case.json" in zipfile.ZipFile(io.BytesIO(response.data)).namelist()


def test_search_refuses_what_is_neither_email_nor_phone(app, client, auth):
    sign_in_as(auth, Role.TEAM)
    response = client.post("/privacy/subject-access", data={"term": "hello"})
    assert response.status_code == 400 and "Enter an email address or a phone number" in response.get_data(True)


def test_erasure_needs_confirmation_and_a_reason(app, client, auth):
    expired_case(closed_at=days_ago(5))
    sign_in_as(auth, Role.TEAM)
    response = client.post("/privacy/subject-access/erase", data={"term": EMAIL, "reason": "Objection"})
    assert response.status_code == 400 and "Confirm that you want" in response.get_data(True)
    response = client.post("/privacy/subject-access/erase", data={"term": EMAIL, "confirm": "y"})
    assert response.status_code == 400 and "Enter the reason" in response.get_data(True)
    assert database_contains(EMAIL)


def test_erasure_anonymises_that_person_only_and_says_what_was_done(app, client, auth):
    mine, _ = expired_case(closed_at=days_ago(5))
    theirs, _ = expired_case(email="keep.me@example.org", phone="020 7946 0000", closed_at=days_ago(5))
    sign_in_as(auth, Role.TEAM)
    response = client.post("/privacy/subject-access/erase", data={"term": EMAIL, "reason": "Objection by email",
                                                                  "confirm": "y"}, follow_redirects=True)
    assert "Anonymised 1 case and 0 emails" in response.get_data(as_text=True)
    assert database_contains(EMAIL) == []
    db.session.expire_all()
    assert db.session.get(Case, mine.id).anonymised_at is not None
    assert db.session.get(Case, theirs.id).contact_email == "keep.me@example.org"
    request = db.session.scalars(select(PrivacyRequest).where(PrivacyRequest.kind == "erasure")).one()
    assert request.reason == "Objection by email" and request.counts["cases"] == 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.case-anonymised")).one()
    assert event.after["kind"] == "erasure"


def test_admin_index_links_the_privacy_pages_by_role(app, client, auth):
    sign_in_as(auth, Role.TEAM)
    page = client.get("/admin").get_data(as_text=True)
    assert 'href="/privacy/subject-access"' in page and 'href="/admin/retention"' not in page
    client.post("/sign-out")
    sign_in_as(auth, Role.ADMIN)
    page = client.get("/admin").get_data(as_text=True)
    assert 'href="/privacy/subject-access"' in page and 'href="/admin/retention"' in page
