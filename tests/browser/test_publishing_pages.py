"""The "You said, we did" pages pass axe-core in a real Chromium: public list and entry, staff pages, the vote page."""
import pytest
from sqlalchemy import select

from feedback_app.actions.models import ActionStatus
from feedback_app.extensions import db
from feedback_app.outbox.models import OutboundEmail
from feedback_app.publishing.services import submit_for_approval
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_theme
from tests.publishing.conftest import add_action, consenting_case, family_case, make_entry, publish
from tests.publishing.conftest import people, theme  # noqa: F401  (fixtures shared with the publishing tests)


@pytest.fixture
def entries(people, theme):
    """Published entries over two pages, one with actions; a draft and one awaiting approval with findings."""
    transport = make_theme(name="Travel and transport", slug="transport")
    for number in range(22):
        publish(people["author"], people["approver"], theme if number % 2 else transport,
                title=f"Response {number}", reporting_year=2025 + number % 2)
    case = family_case()
    actions = [add_action(case, "Add holiday clubs to the directory", ActionStatus.DONE),
               add_action(case, "Review the short breaks page each term", ActionStatus.IN_PROGRESS)]
    published = publish(people["author"], people["approver"], theme, [case, consenting_case()], actions=actions,
                        title="Short breaks for teenagers",
                        we_could_not="We could not open a club in every town, because there are too few venues.")
    flagged = make_entry(people["author"], theme, title="Transport to Oakfield Academy",
                         you_said="Mrs Okafor of 12 Church Lane, GL5 1AB, rang on 07700 900461.\nShe asked again.")
    submit_for_approval(flagged, actor=people["author"])
    body = db.session.scalar(select(OutboundEmail.body_text).where(OutboundEmail.purpose == "entry-published"))
    vote = "/entries/vote/" + body.split("/entries/vote/")[1].split("/")[0] + "/yes"
    return {"published": published, "flagged": flagged, "vote": vote}


def check(page, live_server, path):
    page.wait_for_load_state("networkidle")  # the last page's requests (its favicon) are over before we count
    page.failed_requests.clear()
    page.goto(f"{live_server}{path}")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() == 1, path
    assert axe_violations(page) == [], path
    assert page.failed_requests == [], path


@pytest.mark.browser
def test_the_public_pages_have_no_axe_violations(page, live_server, entries):
    check(page, live_server, "/you-said-we-did")
    assert page.locator("ul h3 a").count() == 20
    check(page, live_server, "/you-said-we-did?page=2&theme=short-breaks&year=2026&q=response")
    check(page, live_server, "/you-said-we-did?q=nothing-matches")
    check(page, live_server, f"/you-said-we-did/{entries['published'].id}")
    assert page.get_by_role("heading", name="What we are doing").is_visible()
    assert page.get_by_text("fewer than 5").is_visible()


@pytest.mark.browser
def test_the_search_works_by_keyboard(page, live_server, entries):
    page.goto(f"{live_server}/you-said-we-did")
    page.focus("#q")
    page.keyboard.type("teenagers")
    page.keyboard.press("Enter")
    page.wait_for_url("**/you-said-we-did?*")
    assert page.locator("ul h3 a").all_inner_texts() == ["Short breaks for teenagers"]


@pytest.mark.browser
def test_the_vote_confirmation_page_has_no_axe_violations(page, live_server, entries):
    check(page, live_server, entries["vote"])
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Thank you for your answer").first.is_visible()
    assert axe_violations(page) == []


@pytest.mark.browser
def test_the_staff_pages_have_no_axe_violations(page, live_server, people, entries):
    sign_in(page, live_server, people["approver"].email, PASSWORD)
    check(page, live_server, "/entries")
    check(page, live_server, "/entries?status=published&page=1")
    flagged = entries["flagged"]
    check(page, live_server, f"/entries/{flagged.id}")
    assert page.locator("p mark").count() == 5
    check(page, live_server, f"/entries/{flagged.id}/edit")
    assert page.get_by_text("What the check found").is_visible()
    case = entries["published"].cases[0]
    check(page, live_server, f"/entries/new?case={case.reference}")
    check(page, live_server, f"/entries/{entries['published'].id}")


@pytest.mark.browser
def test_a_refused_approval_is_explained_accessibly(page, live_server, people, entries):
    sign_in(page, live_server, people["approver"].email, PASSWORD)
    page.goto(f"{live_server}/entries/{entries['flagged'].id}")
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").get_by_text("You cannot publish this entry yet").is_visible()
    assert axe_violations(page) == []
    # An override with no reason is refused where the reason goes.
    page.locator("form[action*='/override'] button").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".govuk-error-summary").get_by_text("Enter why this is safe to publish").is_visible()
    assert axe_violations(page) == []
