"""Action pages pass axe-core in a real Chromium: staff pages, and the partner's page reached by its link."""
import pytest

from feedback_app.accounts.models import Role
from feedback_app.actions.partner_links import create_partner_link
from feedback_app.actions.services import record_action, update_action_status
from feedback_app.cases.triage_services import assign_case
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_case, make_service, make_theme, make_user


@pytest.fixture
def action_world(app):
    team = make_user(Role.TEAM, name="Tess Team")
    lead = make_user(Role.SERVICE_LEAD, name="Olu Own")
    theme = make_theme(name="Travel and transport")
    service = make_service(name="Travel assistance", leads=[lead])
    case = make_case(body="The bus pass page is out of date.\n\nAnd the form link is broken.",
                     contact_email="parent@example.com", contact_name="Jo Parent", themes=[theme])
    assign_case(case, services=[service], actor=team)
    action = record_action(case, service=service, description="Rewrite the bus pass page", owner=lead, actor=team)
    update_action_status(action, status="in_progress", evidence="Draft written", actor=lead)
    link, token = create_partner_link(action, recipient_name="Pat Partner", recipient_email="pat@nhs.example",
                                      actor=team)
    return {"team": team, "case": case, "action": action, "token": token}


def check(page, live_server, path):
    page.wait_for_load_state("networkidle")
    page.failed_requests.clear()
    page.goto(f"{live_server}{path}")
    assert page.locator("h1").count() == 1, path
    assert axe_violations(page) == [], path
    assert page.failed_requests == [], path


@pytest.mark.browser
def test_staff_action_pages_have_no_axe_violations(page, live_server, action_world):
    sign_in(page, live_server, action_world["team"].email, PASSWORD)
    action_id = action_world["action"].id
    check(page, live_server, f"/cases/{action_world['case'].reference}/actions/new")
    check(page, live_server, f"/actions/{action_id}")
    check(page, live_server, f"/actions/{action_id}/partner-link")
    assert page.locator("tbody tr").count() == 1


@pytest.mark.browser
def test_an_error_on_the_new_action_page_has_no_axe_violations(page, live_server, action_world):
    sign_in(page, live_server, action_world["team"].email, PASSWORD)
    page.goto(f"{live_server}/cases/{action_world['case'].reference}/actions/new")
    page.fill("input[name=due_on] >> nth=0", "31")
    page.fill("input[name=due_on] >> nth=1", "2")
    page.fill("input[name=due_on] >> nth=2", "2027")
    page.get_by_role("button", name="Record action").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter what will be done" in summary and "Due date must be a real date" in summary
    assert axe_violations(page) == []


@pytest.mark.browser
def test_the_partner_page_works_without_an_account_and_has_no_axe_violations(page, live_server, action_world):
    path = f"/partner/{action_world['token']}"
    check(page, live_server, path)
    assert "Jo Parent" not in page.content() and "parent@example.com" not in page.content()
    page.get_by_role("radio", name="Done").check()
    page.get_by_label("What has been done").fill("The page is rewritten and checked")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server}{path}")
    assert "Your update is saved" in page.content()
    assert axe_violations(page) == []
    page.failed_requests.clear()
    response = page.goto(f"{live_server}/partner/" + "x" * 43)
    assert response.status == 404  # the page itself is the 404; its assets must still load
    assert [failed for failed in page.failed_requests if "/partner/" not in failed] == []
    assert page.locator("h1").inner_text() == "This link has expired or been withdrawn"
    assert axe_violations(page) == []
