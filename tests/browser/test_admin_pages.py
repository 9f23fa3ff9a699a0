"""The admin pages pass axe-core in a real Chromium, as they are and when they show errors."""
import pytest

from feedback_app.accounts.models import Role
from feedback_app.cases.models import ResponseTemplate
from feedback_app.extensions import db
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_service, make_theme, make_user

ADMIN_PAGES = [
    "/admin",
    "/admin/themes",
    "/admin/themes/new",
    "/admin/themes/{theme}/edit",
    "/admin/services",
    "/admin/services/new",
    "/admin/services/{service}/edit",
    "/admin/services/{service}/leads",
    "/admin/users",
    "/admin/users/new",
    "/admin/response-templates",
    "/admin/response-templates/new",
    "/admin/response-templates/{template}/edit",
]


def seed():
    lead = make_user(Role.SERVICE_LEAD, name="Lee Lead")
    make_user(Role.TEAM, name="Tom Team")
    theme = make_theme("Short breaks")
    make_theme("Travel and transport")
    retired = make_theme("Old theme", facet="website")
    retired.active = False
    service = make_service("Short breaks service", leads=[lead])
    template = ResponseTemplate(name="Thank you", subject="About {reference}", body="Dear {first_name_or_there},")
    db.session.add(template)
    db.session.commit()
    return {"theme": theme.id, "service": service.id, "template": template.id}


def check(page):
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    # Styles and scripts all loaded. (A favicon request cut short by the next navigation, and the 400
    # of a page showing form errors, are expected, so they are not counted.)
    assert [url for url in page.failed_requests if "/assets/" in url and "favicon" not in url] == []


@pytest.mark.browser
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_page_has_no_axe_violations(page, live_server, path):
    ids = seed()
    admin = make_user(Role.ADMIN)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server}{path.format(**ids)}")
    check(page)


@pytest.mark.browser
def test_the_team_sees_only_response_templates_without_axe_violations(page, live_server):
    seed()
    team = make_user(Role.TEAM)
    sign_in(page, live_server, team.email, PASSWORD)
    page.goto(f"{live_server}/admin")
    check(page)
    assert page.locator("main a", has_text="Themes").count() == 0
    page.click("main a:has-text('Response templates')")
    assert page.locator("h1").inner_text() == "Response templates"
    check(page)


@pytest.mark.browser
@pytest.mark.parametrize("path,fill,message", [
    ("/admin/themes/new", {}, "Enter the theme’s name"),
    ("/admin/users/new", {"input[name=email]": "not-an-email", "input[name=password]": "short"},
     "Enter an email address in the correct format"),
    ("/admin/response-templates/new", {"input[name=name]": "Reply", "input[name=subject]": "About {ref}",
                                       "textarea[name=body]": "Dear {child_name}"},
     "{ref} is not a placeholder you can use"),
])
def test_an_admin_form_with_errors_has_no_axe_violations(page, live_server, path, fill, message):
    ids = seed()
    admin = make_user(Role.ADMIN)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server}{path.format(**ids)}")
    for selector, value in fill.items():
        page.fill(selector, value)
    page.click("main form button[type=submit]")
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and message in summary.inner_text()
    check(page)


@pytest.mark.browser
def test_a_theme_is_moved_and_deactivated_by_keyboard(page, live_server):
    seed()
    admin = make_user(Role.ADMIN)
    sign_in(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server}/admin/themes")
    page.focus("button:has-text('Move up Travel and transport')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    rows = page.locator("table").first.locator("tbody th").all_inner_texts()
    assert rows[:2] == ["Travel and transport", "Short breaks"]
    page.click("button:has-text('Deactivate Short breaks')")
    assert page.locator(".govuk-notification-banner--success").is_visible()
    check(page)
