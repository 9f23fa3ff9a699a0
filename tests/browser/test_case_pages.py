"""The queue and the case page pass axe-core in a real Chromium, and the filters work by keyboard alone."""
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from feedback_app.accounts.models import Role
from feedback_app.audit.services import record_event
from feedback_app.cases.models import CaseNote, CaseStatus, Channel, Reg56Topic
from feedback_app.extensions import db
from feedback_app.intake.models import Attachment, CaseMessage, MessageDirection
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_case, make_service, make_theme, make_user

TODAY = date.today()


@pytest.fixture
def busy_queue(app):
    """Enough cases for two pages, in every state the table shows, and one case with a full history."""
    team = make_user(Role.TEAM, name="Tess Team")
    lead = make_user(Role.SERVICE_LEAD, name="Owen Lead")
    transport = make_service(name="Transport", slug="transport", leads=[lead])
    health = make_service(name="Health", slug="health")
    travel, therapy = make_theme(name="Travel", slug="travel"), make_theme(name="Therapy", slug="therapy")
    for number in range(55):
        case = make_case(f"Comment {number}: the bus timetable page is out of date " + "and more " * 10,
                         channel=[Channel.WEB, Channel.EMAIL, Channel.PHONE][number % 3],
                         received_on=TODAY - timedelta(days=number * 2))
        case.services = [transport if number % 2 else health]
        case.themes = [travel if number % 2 else therapy]
        case.assignee = team if number % 4 == 0 else None
        case.status = CaseStatus.WITH_SERVICE if number % 2 else CaseStatus.RECEIVED
        case.reg56_topic = Reg56Topic.CONTENT_QUALITY if number % 5 == 0 else None
        if number % 7 == 0:
            case.clock_stopped_on = TODAY
    full = make_case("The bus timetable page is wrong.\nIt says Sundays.\n\n<b>Please</b> fix it.",
                     channel=Channel.EMAIL, contact_name="Jo Parent", contact_email="jo@example.com",
                     contact_phone="07700 900123", received_on=TODAY - timedelta(days=40))
    full.services, full.themes, full.assignee = [transport], [travel], lead
    full.status, full.reg56_topic = CaseStatus.WITH_SERVICE, Reg56Topic.CONTENT_QUALITY
    full.possible_follow_up_of = make_case("Earlier comment.", received_on=TODAY - timedelta(days=50))
    full.possible_follow_up_of.services = [transport]
    full.messages.append(CaseMessage(direction=MessageDirection.INBOUND, sender="jo@example.com",
                                     subject="Buses", body="Any news?\nThanks"))
    full.messages.append(CaseMessage(direction=MessageDirection.OUTBOUND, sender="Tess Team",
                                     subject="Re: Buses", body="We are on it."))
    db.session.add(CaseNote(case=full, author=team, body="Rang the bus company."))
    db.session.add(Attachment(case_id=full.id, filename="photo.jpg", content_type="image/jpeg", size=10,
                              data=b"0123456789"))
    db.session.flush()
    record_event("case.assigned", subject=full, case=full, actor=team,
                 before={"status": "received", "services": []},
                 after={"status": "with_service", "services": ["transport"]})
    db.session.commit()
    return {"team": team, "lead": lead, "case": full}


def check(page, live_server, path):
    page.wait_for_load_state("networkidle")
    page.failed_requests.clear()
    page.goto(f"{live_server}{path}")
    assert page.locator("h1").count() == 1, path
    assert axe_violations(page) == [], path
    assert page.failed_requests == [], path


@pytest.mark.browser
def test_the_queue_has_no_axe_violations_for_the_team(page, live_server, busy_queue):
    sign_in(page, live_server, busy_queue["team"].email, PASSWORD)
    check(page, live_server, "/cases")
    assert page.locator("tbody tr").count() == 50
    assert page.locator("input[name=case]").count() == 50
    check(page, live_server, "/cases?page=2&sort=respond_by")
    check(page, live_server, "/cases?status=all&service=transport&theme=travel&channel=email&mine=yes&q=timetable")
    check(page, live_server, "/cases?overdue=yes&follow_up=yes&topic=none&excluded=no")  # nothing matches
    assert page.get_by_text("No cases match these filters.").is_visible()


@pytest.mark.browser
def test_the_queue_has_no_axe_violations_for_a_service_lead(page, live_server, busy_queue):
    sign_in(page, live_server, busy_queue["lead"].email, PASSWORD)
    check(page, live_server, "/cases?status=all")
    assert page.locator("input[name=case]").count() == 0
    check(page, live_server, "/cases?overdue=yes")


@pytest.mark.browser
@pytest.mark.parametrize("who", ["team", "lead"])
def test_the_case_page_has_no_axe_violations(page, live_server, busy_queue, who):
    sign_in(page, live_server, busy_queue[who].email, PASSWORD)
    # The attachment link points at intake's download route; this page's own requests are what count.
    check(page, live_server, f"/cases/{busy_queue['case'].reference}")
    assert page.get_by_role("heading", name="Notes for colleagues (not sent to the family)").is_visible()
    contact = page.get_by_text("jo@example.com")
    assert contact.count() > 0 if who == "team" else contact.count() == 0


@pytest.mark.browser
def test_the_filters_work_by_keyboard_alone(page, live_server, busy_queue):
    sign_in(page, live_server, busy_queue["team"].email, PASSWORD)
    page.goto(f"{live_server}/cases")

    def tab_to(found, limit=40):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(found):
                return
        raise AssertionError(f"Tab never reached {found}")

    def tab_to_id(element_id):
        tab_to(f"document.activeElement.id === {element_id!r}")

    tab_to_id("filter-q")
    page.keyboard.type("timetable")
    tab_to_id("filter-status")
    page.keyboard.press("ArrowDown")  # Open → Received
    assert page.locator("#filter-status").input_value() == "received"
    tab_to_id("filter-sort")
    page.keyboard.press("End")  # Respond by, soonest
    assert page.locator("#filter-sort").input_value() == "respond_by"
    tab_to_id("filter-mine")
    page.keyboard.press("Space")
    assert page.locator("#filter-mine").is_checked()
    # The other filters sit in a details element: it opens by keyboard, and its selects follow.
    tab_to("document.activeElement.tagName === 'SUMMARY'")
    page.keyboard.press("Enter")
    tab_to_id("filter-theme")
    page.keyboard.press("ArrowDown")  # Travel
    page.keyboard.press("ArrowDown")  # Therapy
    assert page.locator("#filter-theme").input_value() == "therapy"
    tab_to("document.activeElement.textContent.trim() === 'Apply filters'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases?*")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["timetable"], "status": ["received"], "mine": ["yes"], "sort": ["respond_by"],
                     "theme": ["therapy"]}
    assert page.locator("details").get_attribute("open") is not None  # a chosen filter is never hidden
    rows = page.locator("tbody tr")
    assert rows.count() > 0
    for index in range(rows.count()):
        row = rows.nth(index).inner_text()
        assert "Received" in row and "Tess Team" in row and "Therapy" in row
