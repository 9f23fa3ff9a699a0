"""Case work pages: who may use each, what a successful post does, and bad input shown as GOV.UK errors."""
from datetime import date

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from feedback_app.accounts.models import Role
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import Case, CaseNote, CaseStatus, ResponseTemplate
from feedback_app.cases.triage_services import STALE, assign_case, close_case, stop_clock
from feedback_app.extensions import db
from feedback_app.outbox.models import OutboundEmail
from tests.factories import make_case, make_service, make_theme, make_user

LEAD_PAGES = ["note", "reply", "clock", "resolve"]
TEAM_ONLY_PAGES = ["classify", "assign", "close", "reopen", "duplicates", "split"]


@pytest.fixture
def world(app):
    """A case sent to one service, with a lead of that service and a lead of another."""
    team = make_user(Role.TEAM, name="Tess Team")
    own_lead, other_lead = make_user(Role.SERVICE_LEAD), make_user(Role.SERVICE_LEAD)
    service = make_service(name="Transport", leads=[own_lead])
    make_service(name="Health", leads=[other_lead])
    case = make_case(contact_email="parent@example.com", contact_name="Jo Parent")
    assign_case(case, services=[service], actor=team)
    return {"team": team, "own_lead": own_lead, "other_lead": other_lead, "service": service, "case": case}


def page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_summary(response):
    summary = page(response).select_one(".govuk-error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def current(case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


# --- Who may use each page -------------------------------------------------------------------

def statuses(client, case, method="get"):
    """The status of each page for whoever is signed in to `client`."""
    call = getattr(client, method)
    return {name: call(f"/cases/{case.reference}/{name}", data={}).status_code for name in LEAD_PAGES + TEAM_ONLY_PAGES}


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_people_are_sent_to_sign_in(client, world, method):
    for name in LEAD_PAGES + TEAM_ONLY_PAGES:
        response = getattr(client, method)(f"/cases/{world['case'].reference}/{name}", data={})
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), name


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_lead_of_another_service_is_told_the_case_does_not_exist(client, auth, world, method):
    auth.sign_in(world["other_lead"])
    assert set(statuses(client, world["case"], method).values()) == {404}


def test_a_lead_of_the_cases_service_may_work_it_but_not_triage_it(client, auth, world):
    auth.sign_in(world["own_lead"])
    expected = {name: 200 if name in LEAD_PAGES else 403 for name in LEAD_PAGES + TEAM_ONLY_PAGES}
    assert statuses(client, world["case"]) == expected
    posted = statuses(client, world["case"], "post")
    assert {name: posted[name] for name in TEAM_ONLY_PAGES} == dict.fromkeys(TEAM_ONLY_PAGES, 403)
    assert {name: posted[name] for name in LEAD_PAGES} == dict.fromkeys(LEAD_PAGES, 400)  # allowed, but empty
    for name in LEAD_PAGES:
        soup = page(client.get(f"/cases/{world['case'].reference}/{name}"))
        assert len(soup.select("h1")) == 1
        assert soup.select_one(".govuk-back-link")["href"] == f"/cases/{world['case'].reference}"


@pytest.mark.parametrize("role", [Role.TEAM, Role.ADMIN])
def test_the_team_may_use_every_page(client, auth, world, role):
    auth.sign_in(make_user(role))
    for name in LEAD_PAGES + TEAM_ONLY_PAGES:
        response = client.get(f"/cases/{world['case'].reference}/{name}")
        assert response.status_code == 200, name
        soup = page(response)
        assert len(soup.select("h1")) == 1, name
        assert soup.select_one(".govuk-back-link")["href"] == f"/cases/{world['case'].reference}"
        assert soup.title.string.startswith(soup.select_one("h1").get_text(strip=True).split()[0]), name


def test_an_unknown_reference_is_a_404(client, auth, world):
    auth.sign_in(world["team"])
    assert client.get("/cases/LO-2026-99999/classify").status_code == 404


def test_bulk_is_for_the_team_only(client, auth, world):
    data = {"case": [world["case"].reference], "bulk_action": "close"}
    response = client.post("/cases/bulk", data=data)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    auth.sign_in(world["own_lead"])
    assert client.post("/cases/bulk", data=data).status_code == 403
    auth.sign_out()
    auth.sign_in(world["other_lead"])
    assert client.post("/cases/bulk", data=data).status_code == 403
    auth.sign_out()
    auth.sign_in(world["team"])
    assert client.post("/cases/bulk", data=data).status_code == 200


def test_a_service_lead_never_sees_the_familys_address_on_the_reply_page(client, auth, world):
    auth.sign_in(world["own_lead"])
    assert "parent@example.com" not in client.get(f"/cases/{world['case'].reference}/reply").get_data(as_text=True)


# --- Classify and assign ---------------------------------------------------------------------

def test_classifying_through_the_page(client, auth, world):
    transport, website = make_theme(name="Travel", slug="travel"), make_theme(name="Broken link", facet="website")
    case = world["case"]
    auth.sign_in(world["team"])
    form = page(client.get(f"/cases/{case.reference}/classify"))
    assert form.select_one("input[name=version]")["value"] == str(case.version)
    assert form.find("legend", string=lambda s: s and "About the website" in s)
    response = client.post(f"/cases/{case.reference}/classify", data={
        "version": case.version, "reg56_topic": "content_quality",
        "themes_service_area": [transport.id], "themes_website": [website.id]})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.reference}"
    case = current(case)
    assert case.reg56_topic == "content_quality" and {t.slug for t in case.themes} == {"travel", website.slug}
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.classified")).one().actor_id \
        == world["team"].id


def test_an_exclusion_without_a_reason_is_a_govuk_error(client, auth, world):
    case = world["case"]
    auth.sign_in(world["team"])
    response = client.post(f"/cases/{case.reference}/classify",
                           data={"version": case.version, "reg56_topic": "vexatious"})
    assert response.status_code == 400
    assert "Enter why this feedback is excluded" in error_summary(response)
    assert page(response).title.string.startswith("Error: ")
    assert current(case).reg56_topic is None


def test_a_stale_form_says_so_and_offers_the_current_version(client, auth, world):
    case = world["case"]
    auth.sign_in(world["team"])
    old_version = case.version
    close_case(case, reason="Someone else closed it", actor=world["team"])
    response = client.post(f"/cases/{case.reference}/classify",
                           data={"version": old_version, "reg56_topic": "content_gaps"})
    assert response.status_code == 400
    assert STALE in error_summary(response)
    soup = page(response)
    assert soup.select_one("input[name=version]")["value"] == str(current(case).version)
    assert "Closed" in soup.select_one(".govuk-summary-list").get_text()
    assert current(case).reg56_topic is None


def test_a_form_without_its_version_is_treated_as_stale(client, auth, world):
    auth.sign_in(world["team"])
    response = client.post(f"/cases/{world['case'].reference}/close", data={"reason": "Spam"})
    assert response.status_code == 400 and STALE in error_summary(response)


def test_assigning_through_the_page_notifies_the_leads(client, auth, world):
    case = make_case()
    health_lead = make_user(Role.SERVICE_LEAD)
    health = make_service(name="Health services", leads=[health_lead])
    auth.sign_in(world["team"])
    response = client.post(f"/cases/{case.reference}/assign",
                           data={"version": case.version, "services": [health.id], "assignee": ""})
    assert response.headers["Location"] == f"/cases/{case.reference}"
    assert current(case).status == CaseStatus.WITH_SERVICE
    [email] = db.session.scalars(select(OutboundEmail).where(OutboundEmail.purpose == "case-assigned",
                                                             OutboundEmail.case_id == case.id)).all()
    assert email.to_address == health_lead.email


def test_assigning_without_a_service_is_a_govuk_error(client, auth, world):
    case = make_case()
    auth.sign_in(world["team"])
    response = client.post(f"/cases/{case.reference}/assign", data={"version": case.version})
    assert response.status_code == 400 and "Select at least one service" in error_summary(response)
    assert page(response).select_one(".govuk-error-summary a")["href"] == "#services"


# --- The clock, notes, replies ---------------------------------------------------------------

def test_a_lead_stops_and_restarts_the_clock(client, auth, world):
    case = world["case"]
    auth.sign_in(world["own_lead"])
    response = client.post(f"/cases/{case.reference}/clock", data={
        "version": case.version, "clock_action": "stop", "reason": "waiting_on_partner", "detail": "CAMHS"})
    assert response.headers["Location"] == f"/cases/{case.reference}"
    case = current(case)
    assert case.clock_stopped_on == date.today()
    assert "Restart the clock" in client.get(f"/cases/{case.reference}/clock").get_data(as_text=True)
    response = client.post(f"/cases/{case.reference}/clock", data={"version": case.version,
                                                                   "clock_action": "restart"})
    assert response.status_code == 302 and current(case).clock_stopped_on is None


def test_a_stop_form_posted_after_someone_else_stopped_the_clock_does_not_restart_it(client, auth, world):
    case = world["case"]
    version = case.version
    stop_clock(case, reason="waiting_on_family", actor=world["team"])
    auth.sign_in(world["team"])
    response = client.post(f"/cases/{case.reference}/clock", data={
        "version": version, "clock_action": "stop", "reason": "waiting_on_family"})
    assert response.status_code == 400
    assert current(case).clock_stopped_on is not None


def test_another_reason_without_detail_is_a_govuk_error(client, auth, world):
    case = world["case"]
    auth.sign_in(world["team"])
    response = client.post(f"/cases/{case.reference}/clock",
                           data={"version": case.version, "clock_action": "stop", "reason": "other"})
    assert response.status_code == 400 and "Enter why the clock is stopped" in error_summary(response)


def test_a_lead_adds_a_note(client, auth, world):
    case = world["case"]
    auth.sign_in(world["own_lead"])
    response = client.post(f"/cases/{case.reference}/note", data={"version": case.version, "body": "Chased CAMHS"})
    assert response.headers["Location"] == f"/cases/{case.reference}"
    assert db.session.scalars(select(CaseNote)).one().author_id == world["own_lead"].id
    response = client.post(f"/cases/{case.reference}/note", data={"version": case.version, "body": " "})
    assert response.status_code == 400 and "Enter the note" in error_summary(response)


def test_a_template_fills_the_reply_which_is_then_sent(client, auth, world):
    case = world["case"]
    template = ResponseTemplate(name="Update", subject="Update on {reference}", body="Dear {first_name_or_there},")
    db.session.add(template)
    db.session.commit()
    auth.sign_in(world["own_lead"])
    soup = page(client.get(f"/cases/{case.reference}/reply?template={template.id}"))
    assert soup.select_one("input[name=subject]")["value"] == f"Update on {case.reference}"
    assert soup.select_one("textarea[name=body]").get_text() == "Dear Jo,"
    response = client.post(f"/cases/{case.reference}/reply", data={
        "version": case.version, "template_id": template.id, "subject": f"Update on {case.reference}",
        "body": "Dear Jo, here is the news."})
    assert response.headers["Location"] == f"/cases/{case.reference}"
    email = db.session.scalars(select(OutboundEmail).where(OutboundEmail.purpose == "reply")).one()
    assert email.to_address == "parent@example.com" and email.body_text == "Dear Jo, here is the news."


def test_a_reply_to_a_family_without_an_email_address_is_explained(client, auth, world):
    case = make_case()
    auth.sign_in(world["team"])
    assert "There is no email address" in client.get(f"/cases/{case.reference}/reply").get_data(as_text=True)
    response = client.post(f"/cases/{case.reference}/reply",
                           data={"version": case.version, "subject": "Hi", "body": "Hello"})
    assert response.status_code == 400 and "There is no email address" in error_summary(response)


# --- Resolve, close, re-open -----------------------------------------------------------------

def test_resolve_close_and_reopen_through_the_pages(client, auth, world):
    case = world["case"]
    auth.sign_in(world["own_lead"])
    response = client.post(f"/cases/{case.reference}/resolve", data={"version": case.version, "response": "Fixed"})
    assert response.headers["Location"] == f"/cases/{case.reference}"
    assert current(case).status == CaseStatus.RESOLVED
    auth.sign_out()
    auth.sign_in(world["team"])
    response = client.post(f"/cases/{case.reference}/resolve",
                           data={"version": current(case).version, "response": "Again"})
    assert response.status_code == 400 and "already resolved" in error_summary(response)
    response = client.post(f"/cases/{case.reference}/close", data={"version": current(case).version, "reason": ""})
    assert response.status_code == 400 and "Enter why you are closing this case" in error_summary(response)
    client.post(f"/cases/{case.reference}/close", data={"version": current(case).version, "reason": "Done"})
    assert current(case).status == CaseStatus.CLOSED
    response = client.post(f"/cases/{case.reference}/reopen",
                           data={"version": current(case).version, "reason": "The family wrote again"})
    assert response.headers["Location"] == f"/cases/{case.reference}"
    assert current(case).status == CaseStatus.WITH_SERVICE


# --- Duplicates and split --------------------------------------------------------------------

def test_link_merge_and_unmerge_through_the_duplicates_page(client, auth, world):
    case, other = world["case"], make_case(body="Same thing again")
    auth.sign_in(world["team"])
    url = f"/cases/{case.reference}/duplicates"
    response = client.post(url, data={"version": case.version, "other_reference": other.reference.lower(),
                                      "duplicate_action": "link"})
    assert response.headers["Location"] == f"/cases/{case.reference}"
    assert other.reference in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"version": current(case).version, "other_reference": other.reference,
                                      "duplicate_action": "merge"})
    assert response.status_code == 302 and current(case).merged_into_id == other.id
    assert "Unmerge this case" in client.get(url).get_data(as_text=True)
    # From the case it was merged into, the duplicate can be unmerged too.
    assert case.reference in client.get(f"/cases/{other.reference}/duplicates").get_data(as_text=True)
    response = client.post(f"/cases/{other.reference}/duplicates",
                           data={"version": other.version, "unmerge": "1", "other_reference": case.reference})
    assert response.headers["Location"] == f"/cases/{other.reference}"
    assert current(case).merged_into_id is None and current(case).status == CaseStatus.WITH_SERVICE


def test_merging_into_itself_or_an_unknown_case_is_a_govuk_error(client, auth, world):
    case = world["case"]
    auth.sign_in(world["team"])
    url = f"/cases/{case.reference}/duplicates"
    response = client.post(url, data={"version": case.version, "other_reference": case.reference,
                                      "duplicate_action": "merge"})
    assert response.status_code == 400 and "cannot merge a case into itself" in error_summary(response)
    response = client.post(url, data={"version": case.version, "other_reference": "LO-2026-99999",
                                      "duplicate_action": "merge"})
    assert response.status_code == 400 and "There is no case with the reference" in error_summary(response)


def test_suggestions_appear_on_the_duplicates_page(client, auth, world):
    case = make_case(body="The short breaks page lists a holiday club that closed last year.")
    twin = make_case(body="Short breaks page: the holiday club listed there closed last year.")
    auth.sign_in(world["team"])
    soup = page(client.get(f"/cases/{case.reference}/duplicates"))
    table = soup.select_one("table")
    assert table is not None and twin.reference in table.get_text()


def test_splitting_through_the_page(client, auth, world):
    case = world["case"]
    theme = make_theme(slug="buses")
    auth.sign_in(world["team"])
    response = client.post(f"/cases/{case.reference}/split", data={
        "version": case.version, "part1_text": "About buses", "part1_themes": [theme.id],
        "part2_text": "About ramps"})
    assert response.headers["Location"] == f"/cases/{case.reference}"
    parts = db.session.scalars(select(Case).where(Case.split_from_id == case.id).order_by(Case.id)).all()
    assert [(p.body, [t.slug for t in p.themes]) for p in parts] == [("About buses", ["buses"]), ("About ramps", [])]


def test_a_split_with_no_text_is_a_govuk_error(client, auth, world):
    case = world["case"]
    theme = make_theme()
    auth.sign_in(world["team"])
    response = client.post(f"/cases/{case.reference}/split",
                           data={"version": case.version, "part2_themes": [theme.id]})
    assert response.status_code == 400
    assert "Enter the text of at least one part" in error_summary(response)


# --- Bulk ------------------------------------------------------------------------------------

def test_bulk_asks_for_the_details_then_reports_each_case(client, auth, world):
    first, second = make_case(), make_case()
    close_case(second, reason="Spam", actor=world["team"])
    references = [first.reference, second.reference, "LO-2026-99999"]
    auth.sign_in(world["team"])
    response = client.post("/cases/bulk", data={"case": references, "bulk_action": "assign"})
    assert response.status_code == 200
    soup = page(response)
    assert soup.h1.get_text() == "Send cases to services"
    assert [i["value"] for i in soup.select("input[name=case]")] == references
    assert not error_summary(response)

    response = client.post("/cases/bulk", data={"case": references, "bulk_action": "assign", "confirm": "1"})
    assert response.status_code == 400 and "Select at least one service" in error_summary(response)

    response = client.post("/cases/bulk", data={"case": references, "bulk_action": "assign", "confirm": "1",
                                                "services": [world["service"].id], "assignee": ""},
                           follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == "/cases"
    assert current(first).status == CaseStatus.WITH_SERVICE
    assert current(second).status == CaseStatus.CLOSED
    with client.session_transaction() as session:
        [(category, message)] = session["_flashes"]
    assert category == "important"
    assert "1 of 3 cases changed" in message and "LO-2026-99999: there is no case" in message
    assert f"{second.reference}: This case is closed" in message


def test_bulk_close_and_classify(client, auth, world):
    first, second = make_case(), make_case()
    theme = make_theme()
    auth.sign_in(world["team"])
    client.post("/cases/bulk", data={"case": [first.reference], "bulk_action": "classify", "confirm": "1",
                                     "reg56_topic": "accessibility", "themes_service_area": [theme.id]})
    assert current(first).reg56_topic == "accessibility" and current(first).themes[0].id == theme.id
    response = client.post("/cases/bulk", data={"case": [first.reference], "bulk_action": "classify",
                                                "confirm": "1", "reg56_topic": "vexatious"})
    assert response.status_code == 400 and "Enter why this feedback is excluded" in error_summary(response)
    client.post("/cases/bulk", data={"case": [first.reference, second.reference], "bulk_action": "close",
                                     "confirm": "1", "reason": "Campaign duplicates"})
    assert current(first).status == current(second).status == CaseStatus.CLOSED
    with client.session_transaction() as session:
        [(category, message)] = session["_flashes"]
    assert category == "success" and "2 of 2 cases changed" in message


def test_bulk_without_an_action_or_cases_goes_back_to_the_queue(client, auth, world):
    auth.sign_in(world["team"])
    response = client.post("/cases/bulk", data={"case": [world["case"].reference], "bulk_action": "delete"})
    assert response.status_code == 302 and response.headers["Location"] == "/cases"
    response = client.post("/cases/bulk", data={"bulk_action": "close"})
    assert response.status_code == 302 and response.headers["Location"] == "/cases"
