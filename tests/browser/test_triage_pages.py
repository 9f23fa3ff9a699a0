"""Case work pages pass axe-core in a real Chromium, and work by keyboard alone."""
import pytest

from feedback_app.accounts.models import Role
from feedback_app.cases.models import ResponseTemplate
from feedback_app.cases.triage_services import assign_case, stop_clock
from feedback_app.extensions import db
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_case, make_service, make_theme, make_user

PAGES = ["classify", "assign", "clock", "reply", "note", "resolve", "close", "reopen", "duplicates", "split"]


@pytest.fixture
def team_case(app):
    user = make_user(Role.TEAM, name="Tess Team")
    make_theme(name="Travel and transport")
    make_theme(name="Broken link", facet="website")
    service = make_service(name="Travel assistance")
    template = ResponseTemplate(name="Thank you", subject="About {reference}", body="Dear {first_name_or_there}")
    db.session.add(template)
    db.session.commit()
    case = make_case(body="The bus pass page is out of date.\n\nAnd the form link is broken.",
                     contact_email="parent@example.com", contact_name="Jo Parent")
    make_case(body="The bus pass page on the Local Offer is out of date.")  # a suggested duplicate
    assign_case(case, services=[service], actor=user)
    case.template_id = template.id  # for the reply page's template picker
    return user, case


def check(page, live_server, path):
    # Only this page's requests count: let the last one settle (an icon request cut off by leaving
    # a page is reported as failed), and the case page we were redirected to is another module's work.
    page.wait_for_load_state("networkidle")
    page.failed_requests.clear()
    page.goto(f"{live_server}{path}")
    assert page.locator("h1").count() == 1, path
    assert axe_violations(page) == [], path
    assert page.failed_requests == [], path


@pytest.mark.browser
def test_case_work_pages_have_no_axe_violations(page, live_server, team_case):
    user, case = team_case
    sign_in(page, live_server, user.email, PASSWORD)
    for name in PAGES:
        check(page, live_server, f"/cases/{case.reference}/{name}")
    check(page, live_server, f"/cases/{case.reference}/reply?template={case.template_id}")
    assert page.locator("input[name=subject]").input_value() == f"About {case.reference}"


@pytest.mark.browser
def test_restart_clock_and_merged_duplicate_pages_have_no_axe_violations(page, live_server, team_case):
    user, case = team_case
    stop_clock(case, reason="waiting_on_family", actor=user)
    sign_in(page, live_server, user.email, PASSWORD)
    check(page, live_server, f"/cases/{case.reference}/clock")
    page.goto(f"{live_server}/cases/{case.reference}/duplicates")
    page.locator("button", has_text="Merge into").first.click()
    page.wait_for_url(f"{live_server}/cases/{case.reference}")
    check(page, live_server, f"/cases/{case.reference}/duplicates")
    assert page.locator("button", has_text="Unmerge this case").is_visible()


@pytest.mark.browser
def test_an_error_state_has_no_axe_violations_and_focuses_the_summary(page, live_server, team_case):
    user, case = team_case
    sign_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}/cases/{case.reference}/classify")
    page.get_by_label("Excluded – vexatious or abusive").check()
    page.get_by_role("button", name="Save classification").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "Enter why this feedback is excluded" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert axe_violations(page) == []


@pytest.mark.browser
def test_bulk_page_has_no_axe_violations(page, live_server, team_case):
    user, case = team_case
    sign_in(page, live_server, user.email, PASSWORD)
    for action in ("assign", "classify", "close"):
        # The queue posts here; a tiny form in the page stands in for it.
        page.set_content(
            f'<form method="post" action="{live_server}/cases/bulk"><input name="case" value="{case.reference}">'
            f'<input name="bulk_action" value="{action}"><button>Go</button></form>'
        )
        page.click("button")
        page.wait_for_url(f"{live_server}/cases/bulk")
        assert page.locator("h1").count() == 1
        assert axe_violations(page) == [], action


@pytest.mark.browser
def test_a_note_can_be_added_by_keyboard_alone(page, live_server, team_case):
    user, case = team_case
    sign_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}/cases/{case.reference}/note")
    page.focus("textarea[name=body]")
    page.keyboard.type("Rang the family back")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/cases/{case.reference}")
    db.session.expire_all()
    assert [note.body for note in db.session.get(type(case), case.id).notes] == ["Rang the family back"]
