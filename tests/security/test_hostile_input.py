"""Stored XSS and formula injection: hostile text in every free-text field runs nowhere it is shown.

The corpus (tests/security/hostile.py) goes in through the real doors: the public form, staff entry,
email intake, and the staff forms for notes, replies, actions, partner links, themes, services and
response templates; published entries carry it to the public pages, the Atom feed, the JSON API and
the CSVs. (The annual report's PDF is built elsewhere and not covered here.)
"""
import json
import xml.etree.ElementTree as ET
from email.message import EmailMessage

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from feedback_app.accounts.models import Role
from feedback_app.actions.models import Action
from feedback_app.cases.models import Case, Reg56Topic, ResponseTemplate
from feedback_app.cases.triage_services import assign_case
from feedback_app.directory.models import Service, Theme
from feedback_app.extensions import db
from feedback_app.intake.email_services import ingest_email
from feedback_app.intake.models import Attachment, InboundEmail
from feedback_app.publishing.models import Entry
from feedback_app.publishing.services import (
    EntryContent,
    approve_and_publish,
    create_entry,
    override_finding,
    submit_for_approval,
)
from tests.factories import PASSWORD, make_service, make_theme, make_user
from tests.intake.web_support import ADULT, YOUNG, token
from tests.security.hostile import HOSTILE, executable_problems, fit, formula_cells, single_line

ATOM = "{http://www.w3.org/2005/Atom}"


def signed_in(app, user):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def checked(response, where, problems, allowed=(200,)):
    """Record what is wrong with a page: an unexpected status, or anything from the corpus that would run."""
    if response.status_code not in allowed:
        problems.append(f"{where}: status {response.status_code}")
    if response.mimetype == "text/html":
        problems.extend(executable_problems(response.get_data(as_text=True), where))
    return response


def send_web_feedback(app, payload, prefix, problems):
    """The public journey with the payload as the feedback, who it is for, and the name."""
    client = app.test_client()
    client.get(prefix)
    steps = [
        ("your-feedback", {"feedback": fit(payload, 5000)}),
        ("what-it-is-about", {"topic": "content_quality"}),
        ("who-you-are", {"role": "on_behalf"}),
        ("who-for", {"on_behalf_of": fit(payload, 200)}),
        ("themes", {}),
        ("reply", {"reply": "email"}),
        ("email-address", {"email": "parent@example.org", "name": fit(payload, 200)}),
        ("publishing", {"consent": "yes"}),
    ]
    for step, data in steps:
        checked(client.post(f"{prefix}/{step}", data=data), f"web form {step}", problems, allowed=(302,))
    checked(client.get(f"{prefix}/check-your-answers"), "check your answers", problems)
    sent = client.post(f"{prefix}/check-your-answers", data={"token": token(client, prefix)})
    checked(sent, "send", problems, allowed=(302,))
    if len(payload) > 5000:  # the whole text is refused and shown back safely
        client = app.test_client()
        client.get(prefix)
        too_long = client.post(f"{prefix}/your-feedback", data={"feedback": payload})
        checked(too_long, "web form, too long", problems, allowed=(400,))


def hostile_email(number, payload):
    message = EmailMessage()
    message["From"] = f"{single_line(payload)[:60]} <parent{number}@family.example>"
    message["To"] = "localoffer@council.example"
    message["Subject"] = single_line(payload)
    message["Message-ID"] = f"<hostile-{number}@family.example>"
    message.set_content(payload.replace("\x00", "") + "\nThe short breaks page is wrong.")
    message.add_alternative(f"<html><body><p>{payload}</p><a href=\"javascript:alert('xss-mail')\">x</a>"
                            f"<img src=x onerror=alert('xss-mail')></body></html>", subtype="html")
    message.add_attachment(b"%PDF-1.4 hostile", maintype="application", subtype="pdf",
                           filename=f"{single_line(payload)[:80]}.pdf")
    return message.as_bytes()


@pytest.fixture
def hostile(app):
    """Every payload in every free-text field, entered through the pages people use; returns what was made."""
    team, approver, admin = make_user(Role.TEAM), make_user(Role.TEAM), make_user(Role.ADMIN)
    lead = make_user(Role.SERVICE_LEAD)
    service = make_service(name="Transport", leads=[lead])
    make_theme(name="Short breaks", slug="short-breaks")
    team_client, admin_client = signed_in(app, team), signed_in(app, admin)
    problems = []
    for number, payload in enumerate(HOSTILE):
        send_web_feedback(app, payload, YOUNG if number % 2 else ADULT, problems)
        checked(team_client.post("/intake/record", data={
            "channel": "phone", "received_on": ["19", "11", "2026"], "feedback": payload, "role": "on_behalf",
            "on_behalf_of": fit(payload, 200), "topic": "content_quality", "contact_name": fit(payload, 200),
            "contact_email": "", "contact_phone": "", "reply": "none", "consent": "yes",
        }), "staff entry", problems, allowed=(302, 400) if len(payload) > 5000 else (302,))
        ingest_email(hostile_email(number, payload), source="file")
        for path, data in (
            ("/admin/themes/new", {"name": fit(payload, 200), "facet": "service_area"}),
            ("/admin/services/new", {"name": fit(payload, 200), "description": fit(payload, 500), "email": ""}),
            ("/admin/response-templates/new", {"name": fit(payload, 200), "subject": fit(payload, 300),
                                               "body": payload}),
        ):
            checked(admin_client.post(path, data=data), path, problems, allowed=(302, 400))

    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    case = cases[0]
    assign_case(case, services=[service], actor=team)
    for payload in HOSTILE:
        for path, data in (
            ("note", {"body": payload}),
            ("reply", {"subject": fit(single_line(payload), 250), "body": payload}),
            ("actions/new", {"service": str(service.id), "description": payload,
                             "owner_name": fit(payload, 200)}),
        ):
            db.session.expire_all()
            data = {**data, "version": str(case.version)}
            checked(team_client.post(f"/cases/{case.reference}/{path}", data=data), path, problems,
                    allowed=(302, 400) if len(payload) > 5000 else (302,))
    action = db.session.scalars(select(Action).order_by(Action.id)).first()
    for payload in HOSTILE[:3]:
        checked(team_client.post(f"/actions/{action.id}/partner-link", data={
            "recipient_name": fit(payload, 200), "recipient_email": "partner@example.org"}), "partner link",
            problems, allowed=(302,))

    hostile_theme = db.session.scalars(select(Theme).where(Theme.name.contains("xss-script"))).first()
    consenting = [c for c in cases if c.consent_publish][:len(HOSTILE)]
    for payload, with_case in zip(HOSTILE, consenting, strict=False):
        payload = payload.replace("\x00", "")  # as the entry form (a BaseForm) leaves it
        entry = create_entry(EntryContent(
            title=fit(payload, 200), you_said=payload, we_did=payload, we_could_not=payload, theme=hostile_theme,
            reg56_topic=Reg56Topic.CONTENT_GAPS, reporting_year=2026, cases=[with_case], is_paraphrase=True,
        ), author=team)
        for finding in list(entry.findings):
            override_finding(finding, reason="Checked: test data", actor=approver)
        submit_for_approval(entry, actor=team)
        approve_and_publish(entry, approver=approver, base_url="http://localhost/")
    return {"team": team_client, "admin": admin_client, "lead": signed_in(app, lead), "problems": problems,
            "cases": cases, "action": action}


def test_every_door_takes_the_corpus_without_a_server_error_or_an_unsafe_page(hostile):
    assert not hostile["problems"], "\n".join(hostile["problems"])
    texts = [case.body for case in hostile["cases"]]
    assert any("<script>alert('xss-script')</script>" in text for text in texts), "the corpus was not stored as written"
    # Every door let the corpus in (a door that refused it all would prove nothing).
    assert len(hostile["cases"]) == 3 * len(HOSTILE)  # web form, staff entry, email
    made = {model.__name__: db.session.scalar(select(func.count()).select_from(model).where(column.contains("xss")))
            for model, column in ((Theme, Theme.name), (Service, Service.name),
                                  (ResponseTemplate, ResponseTemplate.body), (Action, Action.description),
                                  (Entry, Entry.we_did))}
    assert made["Theme"] >= len(HOSTILE) - 1 and made["Service"] >= len(HOSTILE) - 1, made
    assert made["Action"] >= len(HOSTILE) - 1 and made["Entry"] == len(HOSTILE), made
    assert made["ResponseTemplate"] >= 1, made


def test_staff_pages_show_the_corpus_as_text(app, hostile):
    team, admin = hostile["team"], hostile["admin"]
    problems = []
    pages = ["/cases", "/cases?q=%3Cscript%3Ealert(1)%3C/script%3E", "/intake/held", "/entries?status=published",
             "/admin/themes", "/admin/services", "/admin/response-templates", f"/actions/{hostile['action'].id}",
             f"/actions/{hostile['action'].id}/partner-link"]
    pages += [f"/cases/{case.reference}" for case in hostile["cases"]]
    pages += [f"/intake/emails/{inbound_id}" for inbound_id in db.session.scalars(select(InboundEmail.id))]
    pages += [f"/entries/{entry_id}" for entry_id in db.session.scalars(select(Entry.id))]
    case = hostile["cases"][0]
    pages += [f"/cases/{case.reference}/reply?template={template_id}"
              for template_id in db.session.scalars(select(ResponseTemplate.id))]
    for path in pages:
        checked((admin if path.startswith("/admin/themes") or path.startswith("/admin/services") else team).get(path),
                path, problems)
    checked(hostile["lead"].get(f"/cases/{case.reference}"), "lead's case page", problems)
    # Attachments with hostile names (an HTML one among them) are only ever downloads, sandboxed.
    attachment_ids = db.session.scalars(select(Attachment.id)).all()
    assert len(attachment_ids) >= len(HOSTILE) - 1
    for attachment_id in attachment_ids:
        download = team.get(f"/intake/attachments/{attachment_id}")
        disposition = download.headers["Content-Disposition"]
        if not (download.status_code == 200 and disposition.startswith("attachment;")
                and "\n" not in disposition and "\r" not in disposition
                and "sandbox" in download.headers["Content-Security-Policy"]
                and download.headers["X-Content-Type-Options"] == "nosniff"):
            problems.append(f"attachment {attachment_id}: {download.status_code} {disposition!r}")
    assert not problems, "\n".join(problems)
    # The corpus is shown, as text: the case page holds the script tag's words, not a script.
    assert "<script>alert('xss-script')</script>" in team.get(f"/cases/{case.reference}").get_data(as_text=True) \
        .replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")


def test_public_pages_and_feed_show_the_corpus_as_text(client, hostile):
    problems = []
    links = []
    for number in (1, 2):  # 21 entries: two pages
        listing = checked(client.get(f"/you-said-we-did?page={number}"), f"public list {number}", problems)
        links += BeautifulSoup(listing.get_data(as_text=True), "html.parser").select("a[href^='/you-said-we-did/']")
    ids = sorted({int(link["href"].rsplit("/", 1)[1]) for link in links if link["href"].rsplit("/", 1)[1].isdigit()})
    assert len(ids) == len(HOSTILE), "every published entry is listed"
    for entry_id in ids:
        checked(client.get(f"/you-said-we-did/{entry_id}"), f"entry {entry_id}", problems)
    for payload in HOSTILE[:10]:
        checked(client.get("/you-said-we-did", query_string={"q": payload, "theme": payload[:80]}),
                f"search {payload[:20]!r}", problems, allowed=(200, 400))
    assert not problems, "\n".join(problems)

    feed = client.get("/you-said-we-did/feed.atom")
    assert feed.status_code == 200
    root = ET.fromstring(feed.get_data())  # well-formed, whatever the entries hold
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for element in root.iter():
        assert not element.tag.endswith("script"), "a script element in the feed"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on") and not value.strip().lower().startswith("javascript:")
    # Text content carries the corpus as text (a reader that renders it as HTML must see it escaped).
    for element in root.iter():
        if element.get("type") in ("html", "xhtml"):
            assert not executable_problems(element.text or "", "feed html content")


def test_open_data_carries_the_corpus_as_data_and_no_cell_is_a_formula(app, client, hostile):
    api = client.get("/api/v1/entries", query_string={"per_page": 100})
    assert api.status_code == 200
    body = json.loads(api.get_data(as_text=True))
    dumped = json.dumps(body)
    assert "xss-script" in dumped
    assert "<script>alert('xss-script')</script>" in json.dumps(body, ensure_ascii=False)
    assert api.mimetype == "application/json"  # never sniffed as HTML
    assert api.headers.get("X-Content-Type-Options") == "nosniff"

    public_csv = client.get("/api/v1/entries.csv")
    assert public_csv.status_code == 200
    text = public_csv.get_data(as_text=True)
    assert "xss-formula" in text and "xss-tab" in text
    assert formula_cells(text) == []

    export = hostile["team"].get("/cases/export.csv")
    assert export.status_code == 200
    text = export.get_data(as_text=True)
    assert "xss-at" in text and "xss-minus" in text
    assert formula_cells(text) == []


@pytest.mark.parametrize("path", [
    "/you-said-we-did?q=a%00b", "/you-said-we-did?theme=%00", "/api/v1/entries?theme=a%00b",
    "/api/v1/entries.csv?theme=%00", "/cases?q=%00", "/cases/LO-2026%0000001", "/feedback/page?url=%00&service=%00",
])
def test_a_nul_character_in_the_address_is_a_bad_request_not_a_server_error(app, path):
    # PostgreSQL refuses NUL in text: without the guard these were 500s, most of them open to anyone.
    client = signed_in(app, make_user(Role.TEAM))
    response = client.get(path)
    assert response.status_code == 400
    assert not executable_problems(response.get_data(as_text=True), path)


def test_a_nul_character_in_a_form_is_dropped_not_a_server_error(app, client):
    team = make_user(Role.TEAM)
    assert client.post("/sign-in", data={"email": team.email + "\x00", "password": "x\x00"}).status_code == 400
    assert client.post("/forgot-password", data={"email": "a\x00b@example.org"}).status_code in (302, 400)
    client = signed_in(app, team)
    assert client.post("/admin/response-templates/new", data={
        "name": "Thanks\x00", "subject": "About {reference}\x00", "body": "Thank you\x00."}).status_code == 302
    template = db.session.scalars(select(ResponseTemplate)).one()
    assert (template.name, template.body) == ("Thanks", "Thank you.")


@pytest.mark.parametrize(("path", "status"), [
    ("/api/v1/entries?page=9223372036854775808", 400), ("/you-said-we-did?page=9223372036854775808", 200),
    ("/cases?page=99999999999999999999999", 200), ("/entries?status=published&page=9223372036854775808", 200),
    ("/cases?page=" + "9" * 5000, 200),
])
def test_a_huge_page_number_is_not_a_server_error(app, path, status):
    # Found by Schemathesis: the page number went to the database's OFFSET and overflowed it (a 500).
    client = signed_in(app, make_user(Role.TEAM))
    assert client.get(path).status_code == status
