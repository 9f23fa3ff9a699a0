"""The team's email pages pass axe-core in a real Chromium, and a hostile email fetches nothing."""
import pytest

from feedback_app.accounts.models import Role
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_user
from tests.intake.email_support import ingest_corpus


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("feedback_app.outbox.services.enqueue", lambda name, *args: None)


@pytest.fixture
def team_page(page, live_server):
    user = make_user(Role.TEAM)
    sign_in(page, live_server, user.email, PASSWORD)
    page.wait_for_url(f"{live_server}/staff")
    page.wait_for_load_state("networkidle")
    page.failed_requests.clear()  # a favicon cut short by the next navigation is not this page's fault
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    return page


@pytest.mark.browser
def test_held_page_has_no_axe_violations(team_page, live_server):
    for name in ("09", "10", "13", "16", "17"):
        ingest_corpus(name)
    team_page.goto(f"{live_server}/intake/held", wait_until="networkidle")
    assert team_page.locator("h1").count() == 1
    assert team_page.locator("tbody tr").count() == 5
    assert axe_violations(team_page) == []
    assert team_page.failed_requests == []


@pytest.mark.browser
@pytest.mark.parametrize("name", ["02", "03", "07", "18"])
def test_message_page_has_no_axe_violations_and_fetches_nothing_remote(team_page, live_server, name):
    result = ingest_corpus(name)
    team_page.goto(f"{live_server}/intake/emails/{result.inbound_email_id}", wait_until="networkidle")
    assert team_page.locator("h1").count() == 1
    assert axe_violations(team_page) == []
    assert team_page.failed_requests == []
    assert [url for url in team_page.requested if not url.startswith(live_server)] == []
    assert team_page.evaluate("document.querySelectorAll('main img, main script').length") == 0


@pytest.mark.browser
def test_releasing_from_the_held_page(team_page, live_server):
    ingest_corpus("16")
    team_page.goto(f"{live_server}/intake/held")
    team_page.get_by_role("button", name="Release").click()
    banner = team_page.locator(".govuk-notification-banner")
    assert "made from the held message" in banner.inner_text()
    assert axe_violations(team_page) == []
