"""In a real Chromium, pages holding the hostile corpus open no dialog and still pass axe-core."""
import pytest
from sqlalchemy import select

from feedback_app.accounts.models import Role
from feedback_app.actions.services import record_action
from feedback_app.cases.models import Case, Reg56Topic
from feedback_app.cases.triage_services import add_note, assign_case
from feedback_app.extensions import db
from feedback_app.intake.email_services import ingest_email
from feedback_app.intake.models import InboundEmail
from feedback_app.publishing.services import (
    EntryContent,
    approve_and_publish,
    create_entry,
    override_finding,
    submit_for_approval,
)
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_case, make_service, make_theme, make_user
from tests.security.hostile import HOSTILE, fit
from tests.security.test_hostile_input import hostile_email

CORPUS_TEXT = "\n".join(payload.replace("\x00", "") for payload in HOSTILE if len(payload) < 1000)


@pytest.fixture
def hostile_pages(app):
    team, approver = make_user(Role.TEAM), make_user(Role.TEAM)
    service = make_service(name=fit(HOSTILE[0], 200))
    theme = make_theme(name=fit(HOSTILE[1], 200))
    case = make_case(CORPUS_TEXT, contact_name=fit(HOSTILE[4], 200), on_behalf_of=fit(HOSTILE[5], 200),
                     consent_publish=True, reg56_topic=Reg56Topic.CONTENT_GAPS)
    assign_case(case, services=[service], actor=team)
    add_note(case, body=CORPUS_TEXT, actor=team)
    record_action(case, service=service, description=CORPUS_TEXT, owner_name=fit(HOSTILE[2], 200), actor=team)
    ingest_email(hostile_email(1, HOSTILE[0] + HOSTILE[5]), source="file")
    entry = create_entry(EntryContent(
        title=fit(HOSTILE[1], 200), you_said=CORPUS_TEXT, we_did=CORPUS_TEXT, we_could_not=CORPUS_TEXT, theme=theme,
        reg56_topic=Reg56Topic.CONTENT_GAPS, reporting_year=2026, cases=[case], is_paraphrase=True), author=team)
    for finding in list(entry.findings):
        override_finding(finding, reason="Checked: test data", actor=approver)
    submit_for_approval(entry, actor=team)
    approve_and_publish(entry, approver=approver, base_url="http://localhost/")
    email_case = db.session.scalars(select(Case).where(Case.id != case.id)).first()
    inbound_id = db.session.scalar(select(InboundEmail.id))
    return {"team": team, "case": case, "email_case": email_case, "entry": entry, "inbound_id": inbound_id}


@pytest.mark.browser
def test_pages_holding_the_corpus_run_none_of_it(page, live_server, hostile_pages):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    public = [f"/you-said-we-did/{hostile_pages['entry'].id}", "/you-said-we-did"]
    staff = [f"/cases/{hostile_pages['case'].reference}", f"/cases/{hostile_pages['email_case'].reference}",
             f"/intake/emails/{hostile_pages['inbound_id']}"]
    problems = []
    for path in public:
        page.goto(live_server + path)
        problems += [f"{path}: {violation}" for violation in axe_violations(page)]
    sign_in(page, live_server, hostile_pages["team"].email, PASSWORD)
    for path in staff:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        problems += [f"{path}: {violation}" for violation in axe_violations(page)]
        assert "alert('xss-script')" in page.inner_text("main"), f"{path} does not show the corpus as text"
    assert dialogs == [], f"the corpus ran: {dialogs}"
    injected = "main script, main iframe, main [onerror], main [onload]"
    assert page.evaluate(f"document.querySelectorAll({injected!r}).length") == 0
    assert not problems, "\n".join(problems)
