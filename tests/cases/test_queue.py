"""The queue at /cases: each filter, search, sort, pagination, counts, who sees what, and its cost in queries."""
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event, text

from feedback_app.accounts.models import Role
from feedback_app.cases.models import CaseStatus, Channel, Reg56Topic
from feedback_app.cases.queries import QueueFilters, filtered_cases
from feedback_app.extensions import db
from feedback_app.intake.models import CaseMessage, MessageDirection
from tests.factories import make_case, make_service, make_theme, make_user

TODAY = date.today()
LONG_AGO = TODAY - timedelta(days=90)  # its response date has passed: overdue while open


def soup_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def listed(client, **params):
    """The references in the queue's table, in the order shown."""
    soup = soup_of(client.get("/cases", query_string=params))
    return [cell.get_text(strip=True) for cell in soup.select("table tbody th[scope=row]")]


def option_text(soup, name, value):
    return soup.select_one(f"select[name={name}] option[value='{value}']").get_text(strip=True)


def label_text(soup, input_id):
    return soup.select_one(f"label[for={input_id}]").get_text(strip=True)


def with_work(case, *, services=(), themes=(), assignee=None, **fields):
    """Give a case the state triage would have given it (tests of reading, not of the services that change it)."""
    case.services = list(services)
    if themes:
        case.themes = list(themes)
    case.assignee = assignee
    for name, value in fields.items():
        setattr(case, name, value)
    db.session.commit()
    return case


@pytest.fixture
def world(app):
    team = make_user(Role.TEAM, name="Tess Team")
    own_lead, other_lead = make_user(Role.SERVICE_LEAD), make_user(Role.SERVICE_LEAD)
    transport = make_service(name="Transport", slug="transport", leads=[own_lead])
    health = make_service(name="Health", slug="health", leads=[other_lead])
    travel, therapy = make_theme(name="Travel", slug="travel"), make_theme(name="Therapy", slug="therapy")
    cases = {
        "new": make_case("The bus timetable page is wrong.", channel=Channel.WEB, received_on=TODAY),
        "routed": with_work(
            make_case("Nobody answers the transport phone line.", channel=Channel.EMAIL,
                      received_on=TODAY - timedelta(days=3)),
            services=[transport], themes=[travel], assignee=team, status=CaseStatus.WITH_SERVICE,
            reg56_topic=Reg56Topic.CONTENT_QUALITY),
        "late": with_work(
            make_case("Speech therapy waiting lists are not published.", channel=Channel.PHONE, received_on=LONG_AGO),
            services=[health], themes=[therapy], status=CaseStatus.WITH_SERVICE, reg56_topic=Reg56Topic.CONTENT_GAPS),
        "resolved": with_work(make_case("Thanks for fixing the map.", received_on=TODAY - timedelta(days=10)),
                              services=[transport], status=CaseStatus.RESOLVED),
        "excluded": with_work(make_case("My son's own EHCP is late.", received_on=TODAY - timedelta(days=5)),
                              status=CaseStatus.CLOSED, reg56_topic=Reg56Topic.INDIVIDUAL_CASE,
                              excluded_reason="About one child's plan"),
    }
    cases["stopped"] = with_work(
        make_case("The ramp at the leisure centre is missing.", received_on=LONG_AGO - timedelta(days=1)),
        services=[transport], assignee=team, clock_stopped_on=TODAY - timedelta(days=20))
    cases["duplicate"] = with_work(make_case("The bus timetable page is wrong!", received_on=TODAY),
                                   status=CaseStatus.CLOSED, merged_into=cases["new"], status_before_merge="received")
    cases["follow_up"] = with_work(make_case("Any news on my comment?", channel=Channel.EMAIL, received_on=TODAY),
                                   possible_follow_up_of=cases["routed"])
    return {"team": team, "own_lead": own_lead, "other_lead": other_lead, "transport": transport,
            "health": health, "cases": cases}


def refs(world, *names):
    return [world["cases"][name].reference for name in names]


# --- Who sees the queue ----------------------------------------------------------------------

def test_anonymous_people_are_sent_to_sign_in(client, world):
    response = client.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_the_default_queue_is_open_cases_newest_first_without_merged_duplicates(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client) == refs(world, "follow_up", "new", "routed", "late", "stopped")


@pytest.mark.parametrize("role", [Role.TEAM, Role.ADMIN])
def test_the_team_and_admins_see_every_case(client, auth, world, role):
    auth.sign_in(make_user(role))
    assert len(listed(client, status="all")) == len(world["cases"])


def test_a_service_lead_sees_only_their_services_cases_and_counts(client, auth, world):
    auth.sign_in(world["own_lead"])
    assert sorted(listed(client, status="all")) == sorted(refs(world, "routed", "resolved", "stopped"))
    soup = soup_of(client.get("/cases"))
    assert option_text(soup, "status", "all") == "All, with merged duplicates (3)"
    assert option_text(soup, "service", "health") == "Health (0)"  # no count of cases they may not see
    auth.sign_out()
    auth.sign_in(world["other_lead"])
    assert listed(client, status="all") == refs(world, "late")
    assert world["cases"]["routed"].reference not in client.get("/cases?q=transport").get_data(as_text=True)


def test_only_the_team_gets_the_bulk_form(client, auth, world):
    auth.sign_in(world["team"])
    soup = soup_of(client.get("/cases"))
    form = soup.select_one("form[action='/cases/bulk']")
    assert form["method"] == "post"
    assert [option["value"] for option in form.select("select[name=bulk_action] option")] == [
        "", "assign", "classify", "close"]
    boxes = form.select("input[type=checkbox][name=case]")
    assert [box["value"] for box in boxes] == refs(world, "follow_up", "new", "routed", "late", "stopped")
    assert all(soup.select_one(f"label[for='{box['id']}']").get_text(strip=True).startswith("Select ")
               for box in boxes)
    auth.sign_out()
    auth.sign_in(world["own_lead"])
    soup = soup_of(client.get("/cases"))
    assert soup.select_one("form[action='/cases/bulk']") is None
    assert not soup.select("input[name=case]")


# --- Each filter -----------------------------------------------------------------------------

@pytest.mark.parametrize("status,expected", [
    ("received", ["follow_up", "new", "stopped"]),
    ("with_service", ["routed", "late"]),
    ("resolved", ["resolved"]),
    ("closed", ["excluded"]),  # the merged duplicate is closed too, but hidden
    ("all", ["follow_up", "duplicate", "new", "routed", "excluded", "resolved", "late", "stopped"]),
])
def test_the_status_filter(client, auth, world, status, expected):
    auth.sign_in(world["team"])
    assert listed(client, status=status) == refs(world, *expected)


def test_an_unknown_filter_value_is_ignored(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, status="nonsense", channel="pigeon", sort="random") == listed(client)


def test_the_theme_filter(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, theme="travel") == refs(world, "routed")
    assert listed(client, theme="no-such-theme") == []


def test_the_service_filter(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, service="transport") == refs(world, "routed", "stopped")
    assert listed(client, service="transport", status="all") == refs(world, "routed", "resolved", "stopped")


def test_the_channel_filter(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, channel="email") == refs(world, "follow_up", "routed")
    assert listed(client, channel="phone") == refs(world, "late")


def test_the_topic_filter(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, topic="content_gaps") == refs(world, "late")
    assert listed(client, topic="none") == refs(world, "follow_up", "new", "stopped")
    assert listed(client, topic="individual_case", status="all") == refs(world, "excluded")


def test_the_excluded_filter(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, excluded="yes", status="closed") == refs(world, "excluded")
    assert listed(client, excluded="yes") == []
    assert listed(client, excluded="no") == listed(client)


def test_the_overdue_filter_leaves_out_stopped_clocks_and_finished_cases(client, auth, world):
    with_work(world["cases"]["resolved"], respond_by=LONG_AGO, services=[world["transport"]])
    auth.sign_in(world["team"])
    assert listed(client, overdue="yes") == refs(world, "late")
    soup = soup_of(client.get("/cases"))
    rows = {row.select_one("th").get_text(strip=True): row.get_text(" ", strip=True)
            for row in soup.select("tbody tr")}
    assert "Overdue" in rows[world["cases"]["late"].reference]
    assert "Clock stopped" in rows[world["cases"]["stopped"].reference]
    assert "Overdue" not in rows[world["cases"]["stopped"].reference]


def test_the_mine_filter(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, mine="yes") == refs(world, "routed", "stopped")
    auth.sign_out()
    auth.sign_in(make_user(Role.TEAM))
    assert listed(client, mine="yes") == []


def test_the_possible_follow_up_filter(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, follow_up="yes") == refs(world, "follow_up")


def test_filters_combine(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, service="transport", mine="yes", channel="email") == refs(world, "routed")


# --- Search ----------------------------------------------------------------------------------

def test_search_finds_words_in_the_feedback_whatever_their_case(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, q="TIMETABLE") == refs(world, "new")
    assert listed(client, q="therapy waiting") == refs(world, "late")
    assert listed(client, q="timetable waiting") == []  # every word, as full-text search does
    assert listed(client, q="timetable", status="all") == refs(world, "duplicate", "new")


def test_search_finds_words_in_the_messages_of_a_case(client, auth, world):
    case = world["cases"]["routed"]
    case.messages.append(CaseMessage(direction=MessageDirection.INBOUND, sender="parent@example.com",
                                     subject="More", body="Also the wheelchair minibus never came."))
    db.session.commit()
    auth.sign_in(world["team"])
    assert listed(client, q="wheelchair") == refs(world, "routed")
    assert listed(client, q="wheelchair minibus") == refs(world, "routed")


def test_search_finds_a_pasted_reference(client, auth, world):
    auth.sign_in(world["team"])
    reference = world["cases"]["late"].reference
    assert listed(client, q=reference.lower()) == [reference]


def test_search_text_is_data_not_syntax(client, auth, world):
    auth.sign_in(world["team"])
    for query in ["%", "_", "100%_'\"\\", "a & b | !c", "':*"]:
        assert listed(client, q=query) == [], query


def test_postgresql_search_uses_the_full_text_indexes_and_stems_words(client, auth, world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("full-text indexes and stemming are PostgreSQL's; SQLite searches with LIKE")
    auth.sign_in(world["team"])
    assert listed(client, q="timetables") == refs(world, "new")  # "timetable", stemmed
    query = filtered_cases(world["team"], QueueFilters(q="therapy", status="all"), TODAY)
    with db.engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))  # tiny tables: make the planner show its choice
        plan = "\n".join(connection.execute(
            text("EXPLAIN " + str(query.compile(connection, compile_kwargs={"literal_binds": True})))).scalars())
    assert "ix_cases_search_vector" in plan


def test_the_search_document_follows_the_family_messages(client, auth, world):
    """Kept by triggers on PostgreSQL, read live on SQLite: the same answers on both."""
    case = world["cases"]["routed"]
    inbound = CaseMessage(direction=MessageDirection.INBOUND, sender="parent@example.com", body="The minibus ramp.")
    case.messages.append(inbound)
    case.messages.append(CaseMessage(direction=MessageDirection.OUTBOUND, sender="Local Offer team",
                                     body="Thank you for telling us about the kerb."))
    db.session.commit()
    auth.sign_in(world["team"])
    assert listed(client, q="ramp") == refs(world, "routed", "stopped")
    assert listed(client, q="kerb") == []  # our own replies are not the family's words
    inbound.body = "Message removed at the family's request."  # as anonymising does
    db.session.commit()
    assert listed(client, q="minibus") == []
    assert listed(client, q="family's request") == refs(world, "routed")
    db.session.delete(inbound)
    db.session.commit()
    assert listed(client, q="request") == []
    case.body = "Nobody answers the transport helpline."
    db.session.commit()
    assert listed(client, q="helpline") == refs(world, "routed")


def test_the_search_is_kept_in_the_form(client, auth, world):
    auth.sign_in(world["team"])
    soup = soup_of(client.get("/cases?q=bus+timetable&channel=web&overdue=yes"))
    assert soup.select_one("input[name=q]")["value"] == "bus timetable"
    assert soup.select_one("select[name=channel] option[selected]")["value"] == "web"
    assert soup.select_one("input[name=overdue]").has_attr("checked")


# --- Sort ------------------------------------------------------------------------------------

def test_sorting(client, auth, world):
    auth.sign_in(world["team"])
    assert listed(client, sort="oldest") == refs(world, "stopped", "late", "routed", "new", "follow_up")
    by_deadline = listed(client, sort="respond_by")
    assert by_deadline == refs(world, "stopped", "late", "routed", "new", "follow_up")
    with_work(world["cases"]["new"], respond_by=TODAY - timedelta(days=365))
    assert listed(client, sort="respond_by")[0] == world["cases"]["new"].reference


# --- Counts ----------------------------------------------------------------------------------

def test_each_filter_option_shows_how_many_cases_it_would_show(client, auth, world):
    auth.sign_in(world["team"])
    soup = soup_of(client.get("/cases"))
    assert option_text(soup, "status", "open") == "Open (5)"
    assert option_text(soup, "status", "received") == "Received (3)"
    assert option_text(soup, "status", "with_service") == "With service (2)"
    assert option_text(soup, "status", "resolved") == "Resolved (1)"
    assert option_text(soup, "status", "closed") == "Closed (1)"
    assert option_text(soup, "status", "all") == "All, with merged duplicates (8)"
    assert option_text(soup, "theme", "travel") == "Travel (1)"
    assert option_text(soup, "service", "transport") == "Transport (2)"
    assert option_text(soup, "channel", "email") == "Email (2)"
    assert option_text(soup, "topic", "none") == "Not classified yet (3)"
    assert option_text(soup, "excluded", "no") == "Not excluded (5)"
    assert label_text(soup, "filter-overdue") == "Overdue (1)"
    assert label_text(soup, "filter-mine") == "Assigned to me (2)"
    assert label_text(soup, "filter-follow-up") == "Possible follow-ups (1)"
    assert soup.select_one("#results-heading").get_text(strip=True) == "5 cases"


def test_counts_follow_the_other_filters(client, auth, world):
    auth.sign_in(world["team"])
    soup = soup_of(client.get("/cases?service=transport"))
    assert option_text(soup, "status", "resolved") == "Resolved (1)"
    assert option_text(soup, "status", "received") == "Received (1)"  # the stopped one
    assert option_text(soup, "service", "health") == "Health (1)"  # choosing it replaces transport
    assert label_text(soup, "filter-mine") == "Assigned to me (2)"
    assert label_text(soup, "filter-overdue") == "Overdue (0)"
    soup = soup_of(client.get("/cases?status=closed"))
    assert option_text(soup, "excluded", "yes") == "Excluded (1)"
    assert option_text(soup, "status", "open") == "Open (5)"


def test_past_the_count_limit_the_queue_says_more_than_and_shows_no_numbers(client, auth, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "QUEUE_COUNT_LIMIT", 3)  # five open cases: more than the queue counts
    auth.sign_in(world["team"])
    soup = soup_of(client.get("/cases"))
    assert soup.select_one("#results-heading").get_text(strip=True) == "More than 3 cases"
    assert "Showing 1 to 5 of more than 3." in soup.get_text(" ", strip=True)
    assert len(soup.select("tbody tr")) == 5
    assert option_text(soup, "status", "open") == "Open"
    assert option_text(soup, "channel", "email") == "Email"
    assert option_text(soup, "theme", "travel") == "Travel"
    assert label_text(soup, "filter-overdue") == "Overdue"
    # Narrowed below the limit, the numbers come back; a facet that is set still counts its other values.
    soup = soup_of(client.get("/cases?channel=email"))
    assert soup.select_one("#results-heading").get_text(strip=True) == "2 cases"
    assert option_text(soup, "status", "open") == "Open (2)"
    assert option_text(soup, "theme", "travel") == "Travel (1)"
    assert label_text(soup, "filter-follow-up") == "Possible follow-ups (1)"
    assert option_text(soup, "channel", "web") == "Web form"  # every open case: past the limit
    assert option_text(soup, "channel", "email") == "Email"


def test_past_the_count_limit_pages_go_on_while_there_are_cases(client, auth, app, monkeypatch):
    monkeypatch.setitem(app.config, "QUEUE_COUNT_LIMIT", 10)
    team = make_user(Role.TEAM)
    for number in range(55):
        make_case(f"Comment number {number} about buses.", channel=Channel.WEB,
                  received_on=TODAY - timedelta(days=number))
    auth.sign_in(team)
    first = soup_of(client.get("/cases"))
    assert len(first.select("tbody tr")) == 50
    assert first.title.string.startswith("Cases (page 1) –")
    second = soup_of(client.get(first.select_one("nav.govuk-pagination a[rel=next]")["href"]))
    assert len(second.select("tbody tr")) == 5
    assert second.select_one("nav.govuk-pagination a[rel=next]") is None
    assert second.title.string.startswith("Cases (page 2)")
    assert "Showing 51 to 55 of more than 10." in second.get_text(" ", strip=True)
    assert listed(client, page=99) == listed(client)  # past the end of an uncounted list: its first page


# --- Pagination ------------------------------------------------------------------------------

def test_fifty_cases_a_page_with_filters_kept_in_the_links(client, auth, app):
    team = make_user(Role.TEAM)
    for number in range(61):
        make_case(f"Comment number {number} about buses.", channel=Channel.WEB,
                  received_on=TODAY - timedelta(days=number))
    make_case("About the phone line.", channel=Channel.PHONE, received_on=TODAY)
    auth.sign_in(team)
    first = soup_of(client.get("/cases?channel=web&q=buses"))
    assert len(first.select("tbody tr")) == 50
    assert "Showing 1 to 50 of 61" in first.get_text(" ", strip=True)
    pagination = first.select_one("nav.govuk-pagination")
    next_href = pagination.select_one("a[rel=next]")["href"]
    assert parse_qs(urlsplit(next_href).query) == {"channel": ["web"], "q": ["buses"], "page": ["2"]}
    second = soup_of(client.get(next_href))
    assert len(second.select("tbody tr")) == 11
    assert second.select_one(".govuk-pagination a[aria-current=page]").get_text(strip=True) == "2"
    assert second.title.string.startswith("Cases (page 2 of 2)")
    last_reference = second.select("tbody th")[-1].get_text(strip=True)
    assert listed(client, channel="web", q="buses", page=99)[-1] == last_reference  # past the end: the last page
    assert listed(client, channel="web", q="buses", page="x")[0] == first.select_one("tbody th").get_text(strip=True)


def test_the_csv_link_carries_the_filters(client, auth, world):
    auth.sign_in(world["team"])
    soup = soup_of(client.get("/cases?service=transport&mine=yes&sort=oldest"))
    link = soup.find("a", string=lambda text: text and "as CSV" in text)
    assert urlsplit(link["href"]).path == "/cases/export.csv"
    assert parse_qs(urlsplit(link["href"]).query) == {"service": ["transport"], "mine": ["yes"], "sort": ["oldest"]}


def test_the_table_shows_what_triage_needs(client, auth, world):
    auth.sign_in(world["team"])
    soup = soup_of(client.get("/cases"))
    headers = [cell.get_text(strip=True) for cell in soup.select("thead th")]
    assert headers == ["Select", "Reference", "Received", "Channel", "Summary", "Themes", "Services", "Status",
                       "Respond by", "Owner"]
    routed = world["cases"]["routed"]
    row = soup.find("a", string=routed.reference).find_parent("tr")
    cells = [cell.get_text(" ", strip=True) for cell in row.select("td, th")]
    assert cells[1:] == [
        routed.reference, f"{routed.received_on.day} {routed.received_on:%b %Y}", "Email",
        "Nobody answers the transport phone line.", "Travel", "Transport", "With service",
        f"{routed.respond_by.day} {routed.respond_by:%b %Y}", "Tess Team",
    ]
    assert row.select_one("a")["href"] == f"/cases/{routed.reference}"


def test_a_long_summary_is_cut_at_a_word(client, auth, world):
    make_case("word " * 60 + "<b>end</b>", received_on=TODAY + timedelta(days=1))
    auth.sign_in(world["team"])
    html = client.get("/cases").get_data(as_text=True)
    summary = soup_of(client.get("/cases")).select("tbody tr")[0].select("td")[3].get_text(strip=True)
    assert summary.endswith("word…") and len(summary) <= 101
    assert "<b>end" not in html


# --- The cost of a page ----------------------------------------------------------------------

class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args, **kwargs):
        self.count += 1


def _add_cases(number, *, services, themes, people):
    for index in range(number):
        with_work(make_case(f"Feedback {index} about short breaks.", received_on=LONG_AGO + timedelta(days=index)),
                  services=[services[index % len(services)]], themes=[themes[index % len(themes)]],
                  assignee=people[index % len(people)], status=CaseStatus.WITH_SERVICE)


@pytest.mark.parametrize("role", [Role.TEAM, Role.SERVICE_LEAD])
def test_a_page_costs_the_same_number_of_queries_for_5_cases_as_for_60(client, auth, app, role):
    viewer = make_user(role)
    services = [make_service(leads=[viewer]), make_service(leads=[viewer])]
    themes = [make_theme(), make_theme(), make_theme()]
    people = [make_user(Role.TEAM), make_user(Role.SERVICE_LEAD, services=services)]
    auth.sign_in(viewer)
    url = "/cases?q=breaks&sort=respond_by"

    def cost():
        # A fresh application context: a new session, and the signed-in user loaded again, as in production.
        with app.app_context(), QueryCounter(db.engine) as counter:
            response = client.get(url)
        assert response.status_code == 200
        return counter.count, len(soup_of(response).select("tbody tr"))

    _add_cases(5, services=services, themes=themes, people=people)
    few, rows = cost()
    assert rows == 5
    _add_cases(55, services=services, themes=themes, people=people)
    many, rows = cost()
    assert rows == 50
    assert many == few
    assert few <= 15
