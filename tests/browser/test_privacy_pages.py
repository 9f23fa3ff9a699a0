"""The privacy pages pass axe-core in a real Chromium: the notices, the retention report, subject access."""
import pytest

from feedback_app.accounts.models import Role
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_user
from tests.privacy.helpers import EMAIL, expired_case

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/privacy-notice", "/privacy-notice/young-people", "/accessibility-statement"])
def test_notices_pass_axe(page, live_server, path):
    page.goto(f"{live_server}{path}")
    assert axe_violations(page) == []


def test_retention_report_passes_axe(page, live_server):
    expired_case()
    admin = make_user(Role.ADMIN)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server}/admin/retention")
    assert page.locator("h1").inner_text() == "Retention schedule"
    assert axe_violations(page) == []


def test_subject_access_pages_pass_axe_with_results_and_errors(page, live_server):
    expired_case()
    team = make_user(Role.TEAM)
    sign_in(page, live_server, team.email, PASSWORD)
    page.goto(f"{live_server}/privacy/subject-access")
    assert axe_violations(page) == []
    page.fill("input[name=term]", EMAIL)
    page.click("button:has-text('Find')")
    assert "1 case" in page.locator("#found-summary").inner_text()
    assert axe_violations(page) == []
    page.click("button:has-text('Anonymise everything about this person')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
