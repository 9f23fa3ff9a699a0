"""The annual report pages pass axe-core in a real Chromium: the report itself, the list, the team's pages."""
import pytest

from feedback_app.reports.services import publish_build
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD
from tests.reports.conftest import YEAR, build_report
from tests.reports.conftest import people, year_data  # noqa: F401  (fixtures shared with the report tests)


def check(page, live_server, path):
    page.failed_requests.clear()
    page.goto(f"{live_server}{path}")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() == 1, path
    assert axe_violations(page) == [], path
    assert page.failed_requests == [], path


@pytest.mark.browser
def test_the_published_report_and_the_list_have_no_axe_violations(page, live_server, people, year_data):  # noqa: F811
    publish_build(build_report().id, user=people["author"])
    check(page, live_server, f"/reports/{YEAR}")
    # The page's only style is allowed by its hash: a blocked stylesheet would leave the report unstyled.
    assert page.evaluate("getComputedStyle(document.querySelector('h2')).borderTopStyle") == "solid"
    check(page, live_server, "/reports")


@pytest.mark.browser
def test_the_team_report_pages_have_no_axe_violations(page, live_server, people, year_data):  # noqa: F811
    build = build_report()
    sign_in(page, live_server, people["author"].email, PASSWORD)
    for path in ("/reports/manage", f"/reports/manage/builds/{build.id}", f"/reports/manage/{YEAR}/text",
                 "/reports/dashboard", f"/reports/manage/builds/{build.id}/report.html"):
        check(page, live_server, path)
