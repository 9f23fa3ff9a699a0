"""The web intake pages in a real Chromium: the whole form by keyboard, and axe-core on every page of it."""
import re

import pytest

from feedback_app.accounts.models import Role
from feedback_app.cases.models import Channel, Reg56Topic, SubmitterRole
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_theme, make_user
from tests.intake.web_support import all_cases, all_emails

pytestmark = pytest.mark.browser


@pytest.fixture
def themes(app):
    return [make_theme("Short breaks", slug="short_breaks"), make_theme("Travel and transport", slug="transport")]


def settle(page):
    """Let the page finish loading, favicon included: leaving earlier would abort it, a "failed request"."""
    page.wait_for_load_state("networkidle")


def assert_accessible(page, heading=None):
    settle(page)
    assert page.locator("h1").count() == 1
    if heading is not None:
        assert page.locator("h1").inner_text().strip() == heading
    assert axe_violations(page) == []


def tab_to(page, selector, limit=40):
    """Press Tab until `selector` has the focus, as a keyboard user would; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def press_button(page):
    """Tab to the page's one button and press Enter."""
    tab_to(page, "form button.govuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    settle(page)


def expect_error_state(page, live_server, path, message):
    """An error page: 'Error:' title, the summary focused and linked, no axe violations; its 400 noted."""
    settle(page)
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert message in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert axe_violations(page) == []
    assert page.failed_requests == [f"{live_server}{path}"]  # the form comes back with a 400, as it should
    page.failed_requests.clear()


def test_the_feedback_form_works_by_keyboard_and_every_page_passes_axe(page, live_server, themes):
    page.goto(f"{live_server}/feedback")
    assert page.url == f"{live_server}/feedback/your-feedback"
    assert_accessible(page, "What would you like to tell us about the Local Offer?")

    page.focus("#feedback")
    press_button(page)
    expect_error_state(page, live_server, "/feedback/your-feedback", "Enter your feedback")

    page.focus("#feedback")
    page.keyboard.type("The transport page does not say who to call when the bus is late.")
    assert "You have" in page.locator(".govuk-character-count__status").inner_text()  # the count works
    press_button(page)
    assert page.url == f"{live_server}/feedback/what-it-is-about"
    assert_accessible(page)

    page.focus("#topic")
    page.keyboard.press("ArrowDown")  # moves to, and chooses, "Something that is missing"
    assert page.is_checked("input[name=topic][value=content_gaps]")
    press_button(page)
    assert page.url == f"{live_server}/feedback/who-you-are"
    assert_accessible(page)

    page.focus("#role")
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    assert page.is_checked("input[name=role][value=on_behalf]")
    press_button(page)
    assert page.url == f"{live_server}/feedback/who-for"
    assert_accessible(page, "Who are you giving feedback for?")
    page.focus("#on_behalf_of")
    page.keyboard.type("Parent carer forum")
    press_button(page)
    assert page.url == f"{live_server}/feedback/themes"
    assert_accessible(page)

    tab_to(page, "input[name=themes][value=transport]")
    page.keyboard.press("Space")
    press_button(page)
    assert page.url == f"{live_server}/feedback/reply"
    assert_accessible(page)

    page.focus("#reply")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=reply][value=email]")
    press_button(page)
    assert page.url == f"{live_server}/feedback/email-address"
    assert_accessible(page, "What is your email address?")
    press_button(page)
    expect_error_state(page, live_server, "/feedback/email-address", "Enter your email address")

    page.focus("#email")
    page.keyboard.type("forum@example.org")
    tab_to(page, "#name")
    page.keyboard.type("Robin")
    press_button(page)
    assert page.url == f"{live_server}/feedback/publishing"
    assert_accessible(page)

    page.focus("#consent")
    page.keyboard.press("Space")
    press_button(page)
    assert page.url == f"{live_server}/feedback/check-your-answers"
    assert_accessible(page, "Check your answers before sending your feedback")
    assert "Travel and transport" in page.locator(".govuk-summary-list").inner_text()

    press_button(page)
    assert page.url == f"{live_server}/feedback/sent"
    assert_accessible(page, "Feedback sent")
    [case] = all_cases()
    assert case.reference in page.locator(".govuk-panel").inner_text()
    assert (case.submitter_role, case.on_behalf_of, case.reg56_topic) == (
        SubmitterRole.ON_BEHALF, "Parent carer forum", Reg56Topic.CONTENT_GAPS)
    assert [email.to_address for email in all_emails()] == ["forum@example.org"]
    assert page.failed_requests == []


def submit(page):
    with page.expect_navigation():
        page.click("form button.govuk-button")
    settle(page)


def fill_in(page, live_server, prefix, *, topic, role, reply="none"):
    page.goto(f"{live_server}{prefix}")
    settle(page)
    page.fill("#feedback", "I could not find anything about college courses.")
    submit(page)
    page.check(f"input[name=topic][value={topic}]")
    submit(page)
    page.check(f"input[name=role][value={role}]")
    submit(page)
    page.check(f"input[name=reply][value={reply}]")
    submit(page)
    if page.url.endswith("/publishing"):
        page.check("input[name=consent][value=no]")
        submit(page)
    assert page.url == f"{live_server}{prefix}/check-your-answers"


def test_the_young_peoples_pages_pass_axe(page, live_server, themes):
    prefix = "/feedback/young-people"
    page.goto(f"{live_server}{prefix}")
    assert_accessible(page, "What do you want to tell us?")
    page.fill("#feedback", "There is nothing about college on the website.")
    submit(page)
    assert_accessible(page, "What is it about?")
    page.check("input[name=topic][value=content_gaps]")
    submit(page)
    assert_accessible(page, "Who are you?")
    submit(page)
    expect_error_state(page, live_server, f"{prefix}/who-you-are", "Select who is giving this feedback")
    page.check("input[name=role][value=young_person]")
    submit(page)
    assert_accessible(page, "Is it about any of these?")
    submit(page)
    assert_accessible(page, "Do you want us to reply?")
    page.check("input[name=reply][value=phone]")
    submit(page)
    assert page.url == f"{live_server}{prefix}/phone-number"
    assert_accessible(page, "What is your phone number?")
    page.fill("#phone", "07700 900 982")
    submit(page)
    assert_accessible(page, "Can we share what you said?")
    page.check("input[name=consent][value=yes]")
    submit(page)
    assert_accessible(page, "Check your answers")
    submit(page)
    assert page.url == f"{live_server}{prefix}/sent"
    assert_accessible(page, "Feedback sent")
    [case] = all_cases()
    assert (case.submitter_role, case.contact_phone) == (SubmitterRole.YOUNG_PERSON, "07700 900 982")
    assert page.failed_requests == []


def test_the_signposting_confirmation_passes_axe(page, live_server):
    fill_in(page, live_server, "/feedback", topic="individual_case", role="parent_carer")
    assert_accessible(page)
    submit(page)
    assert_accessible(page, "Feedback sent")
    assert page.locator("a", has_text="SENDIASS").count() == 1
    assert page.failed_requests == []


def test_a_directory_link_opens_an_accessible_form_about_that_page(page, live_server):
    page_url = "https://localoffer.demo.example/services/little-stars"
    page.goto(f"{live_server}/feedback/page?url={page_url}&service=Little%20Stars%20Nursery")
    assert page.url == f"{live_server}/feedback/your-feedback"
    assert "Little Stars Nursery" in page.locator(".govuk-inset-text").inner_text()
    assert_accessible(page)
    page.fill("#feedback", "The phone number is wrong.")
    submit(page)
    assert page.url == f"{live_server}/feedback/who-you-are"  # the topic is known already
    assert page.failed_requests == []


def test_the_staff_entry_page_passes_axe_and_records_a_case(page, live_server):
    user = make_user(Role.TEAM)
    make_theme("Travel and transport", slug="transport")
    make_theme("Broken link", slug="broken_link", facet="website")
    sign_in(page, live_server, user.email, PASSWORD)
    page.wait_for_url(f"{live_server}/staff")
    settle(page)
    page.goto(f"{live_server}/intake/record")
    assert_accessible(page, "Record feedback")

    page.fill("#received_on-year", "1999")
    submit(page)
    expect_error_state(page, live_server, "/intake/record", "Select how the feedback was received")

    page.check("input[name=channel][value=event]")
    page.fill("#received_on", "2")
    page.fill("#received_on-month", "11")
    page.fill("#received_on-year", "2026")
    page.fill("#feedback", "At the coffee morning: the transport page has a broken link.")
    page.check("input[name=role][value=parent_carer]")
    page.check("input[name=topic][value=accessibility]")
    page.check("input[name=themes][value=broken_link]")
    page.check("input[name=reply][value=none]")
    page.check("input[name=consent][value=yes]")
    submit(page)
    assert page.url == f"{live_server}/staff"
    [case] = all_cases()
    assert re.search(rf"Feedback recorded as {case.reference}", page.locator(".govuk-notification-banner").inner_text())
    assert case.channel == Channel.EVENT
    assert_accessible(page)
    assert page.failed_requests == []
