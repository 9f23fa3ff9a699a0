"""Every page passes axe-core in a real Chromium; each domain adds its pages to these lists."""
import pytest

from feedback_app.accounts.models import Role
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_user

PUBLIC_PAGES = ["/", "/sign-in", "/accessibility-statement", "/privacy-notice", "/no-such-page",
                "/forgot-password", "/forgot-password/check-your-email"]
STAFF_PAGES = {
    Role.TEAM: ["/staff", "/account/two-factor", "/account/two-factor/set-up"],
    Role.ADMIN: ["/admin/security"],
}


@pytest.mark.browser
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(page, live_server, path):
    page.goto(f"{live_server}{path}")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    expected_missing = [f"{live_server}{path}"] if path == "/no-such-page" else []
    assert page.failed_requests == expected_missing


@pytest.mark.browser
def test_sign_in_error_page_has_no_axe_violations(page, live_server):
    sign_in(page, live_server, "nobody@council.example", "wrong-password")
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.parametrize("role,path", [(role, path) for role, paths in STAFF_PAGES.items() for path in paths])
def test_staff_page_has_no_axe_violations(page, live_server, role, path):
    user = make_user(role)
    sign_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}{path}")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


@pytest.mark.browser
def test_sign_in_works_by_keyboard_alone(page, live_server):
    user = make_user(Role.TEAM)
    page.goto(f"{live_server}/sign-in")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.focus("input[name=email]")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/staff")
    assert user.email in page.content()
