"""The public side: pages, the Atom feed, open data; only published entries, only published fields."""
import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event, select

from feedback_app.actions.models import ActionStatus
from feedback_app.extensions import db
from feedback_app.outbox.models import OutboundEmail
from feedback_app.publishing.models import EntryNotice
from feedback_app.publishing.services import submit_for_approval, withdraw_entry
from tests.factories import make_theme
from tests.publishing.conftest import add_action, consenting_case, family_case, make_entry, publish

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET_CASE_TEXT = "Secret case body about Zebedee"
PUBLIC_PATHS = ["/you-said-we-did", "/you-said-we-did/feed.atom", "/api/v1/entries", "/api/v1/entries.csv",
                "/api/v1/openapi.json"]


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def every_public_output(client, entry_ids=()):
    outputs = [client.get(path).get_data(as_text=True) for path in PUBLIC_PATHS]
    outputs += [client.get(f"/you-said-we-did/{entry_id}").get_data(as_text=True) for entry_id in entry_ids]
    outputs.append(client.get("/you-said-we-did?q=Draft").get_data(as_text=True))
    return "\n".join(outputs)


@pytest.fixture
def world(people, theme):
    """A published entry with an action; a draft, one awaiting approval and a withdrawn one, all with secrets."""
    case = consenting_case(SECRET_CASE_TEXT, contact_name="Zara Zebedee", contact_email="zara@family.example")
    action = add_action(case, description="Add holiday clubs to the directory", status=ActionStatus.IN_PROGRESS,
                        owner_name="Olive Owner")
    published = publish(people["author"], people["approver"], theme, [case], title="Published entry",
                        actions=[action])
    draft = make_entry(people["author"], theme, title="Draft entry title", you_said="Draft you said text")
    waiting = make_entry(people["author"], theme, title="Draft waiting title")
    submit_for_approval(waiting, actor=people["author"])
    withdrawn = publish(people["author"], people["approver"], theme, title="Draft withdrawn title",
                        you_said="Withdrawn you said text")
    withdraw_entry(withdrawn, reason="Recognisable", actor=people["approver"])
    return {"published": published, "draft": draft, "waiting": waiting, "withdrawn": withdrawn, "action": action}


# --- Who may see ------------------------------------------------------------------------------

@pytest.mark.parametrize("who", [None, "lead", "author"])
def test_public_routes_are_open_to_everyone(client, auth, people, world, who):
    if who:
        auth.sign_in(people[who])
    for path in PUBLIC_PATHS + [f"/you-said-we-did/{world['published'].id}"]:
        assert client.get(path).status_code == 200, path


def test_only_published_entries_and_fields_appear_anywhere(client, people, world):
    output = every_public_output(client, [world[name].id for name in ("published", "draft", "waiting", "withdrawn")])
    assert "Published entry" in output
    for secret in ["Draft entry title", "Draft you said text", "Draft waiting title", "Draft withdrawn title",
                   "Withdrawn you said text", SECRET_CASE_TEXT, "Zebedee", "zara@family.example", "Olive Owner",
                   world["published"].cases[0].reference, people["author"].email, people["approver"].email,
                   "Ada Author", "Abe Approver", "Recognisable"]:
        assert secret not in output, secret
    for name in ("draft", "waiting", "withdrawn"):
        assert client.get(f"/you-said-we-did/{world[name].id}").status_code == 404


def test_withdrawing_removes_an_entry_from_every_output(client, people, world):
    entry_id = world["published"].id
    assert "Published entry" in every_public_output(client, [entry_id])
    withdraw_entry(world["published"], reason="A family recognised themselves", actor=people["approver"])
    assert "Published entry" not in every_public_output(client, [entry_id])
    assert client.get(f"/you-said-we-did/{entry_id}").status_code == 404


# --- The pages --------------------------------------------------------------------------------

def test_the_entry_page_shows_the_response_and_the_actions_progress(client, world):
    page = soup(client.get(f"/you-said-we-did/{world['published'].id}"))
    text = page.get_text(" ", strip=True)
    assert page.select_one("h1").get_text() == "Published entry"
    for heading in ["You said", "We did", "What we are doing", "About this response"]:
        assert heading in [h2.get_text() for h2 in page.select("h2")]
    assert "Add holiday clubs to the directory" in text and "In progress" in text
    assert "Comments this answers fewer than 5" in text
    assert "Short breaks" in text and "2026 to 2027" in text


def test_small_numbers_are_suppressed_and_larger_ones_shown(client, people, theme):
    few = publish(people["author"], people["approver"], theme, [consenting_case() for _ in range(4)], title="Few")
    many = publish(people["author"], people["approver"], theme, [consenting_case() for _ in range(5)], title="Many")
    assert "fewer than 5" in soup(client.get(f"/you-said-we-did/{few.id}")).get_text()
    assert "Comments this answers 5" in soup(client.get(f"/you-said-we-did/{many.id}")).get_text(" ", strip=True)
    data = {item["title"]: item["comments"] for item in client.get("/api/v1/entries").get_json()["data"]}
    assert data == {"Few": {"count": None, "text": "fewer than 5"}, "Many": {"count": 5, "text": "5"}}
    download = client.get("/api/v1/entries.csv").get_data(as_text=True)
    rows = {row["title"]: row["comments"] for row in csv.DictReader(io.StringIO(download))}
    assert rows == {"Few": "fewer than 5", "Many": "5"}


def test_the_list_filters_by_theme_and_year_and_searches(client, people, theme):
    other = make_theme(name="Transport", slug="transport")
    publish(people["author"], people["approver"], theme, title="Clubs for teenagers", reporting_year=2025)
    publish(people["author"], people["approver"], other, title="Bus passes", you_said="Bus 100% late_ly",
            reporting_year=2026)

    def titles(query):
        return [link.get_text() for link in soup(client.get(f"/you-said-we-did{query}")).select("ul h3 a")]

    assert titles("") == ["Bus passes", "Clubs for teenagers"]
    assert titles("?theme=transport") == ["Bus passes"]
    assert titles("?year=2025") == ["Clubs for teenagers"]
    assert titles("?q=TEENAGERS") == ["Clubs for teenagers"]
    assert titles("?q=bus+late") == ["Bus passes"]
    assert titles("?q=100%25") == ["Bus passes"] and titles("?q=%25") == ["Bus passes"]  # % is literal
    assert titles("?q=late_ly") == ["Bus passes"] and titles("?q=a_e") == []  # _ is literal
    assert titles("?year=abc") == ["Bus passes", "Clubs for teenagers"]
    page = soup(client.get("/you-said-we-did?theme=transport"))
    assert [o.get_text() for o in page.select("#theme option")] == ["All themes", "Short breaks", "Transport"]
    assert page.select_one("#theme option[selected]")["value"] == "transport"
    assert [o.get_text() for o in page.select("#year option")] == ["All years", "2026 to 2027", "2025 to 2026"]
    assert "No responses match your search." in soup(client.get("/you-said-we-did?q=zzz")).get_text()


def test_the_list_is_paginated(client, people, theme):
    for number in range(21):
        publish(people["author"], people["approver"], theme, title=f"Entry {number:02d}")
    first = soup(client.get("/you-said-we-did"))
    assert len(first.select("ul h3 a")) == 20 and first.select_one("h2#results").get_text(strip=True) == "21 responses"
    second = soup(client.get("/you-said-we-did?page=2"))
    assert [a.get_text() for a in second.select("ul h3 a")] == ["Entry 00"]
    assert second.title.get_text().startswith("You said, we did (page 2 of 2)")


# --- The feed ---------------------------------------------------------------------------------

def test_the_atom_feed_is_valid_and_holds_only_published_entries(client, world):
    response = client.get("/you-said-we-did/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/you-said-we-did/feed.atom"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Demo Borough Council"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Published entry"]
    entry = entries[0]
    assert entry.find(f"{ATOM}id").text.startswith("tag:demo.example,")
    assert entry.find(f"{ATOM}updated").text.endswith("Z")
    assert entry.find(f"{ATOM}link").get("href") == f"http://localhost/you-said-we-did/{world['published'].id}"
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "text" and content.text.startswith("You said: ")
    assert "Add holiday clubs to the directory (In progress)" in content.text


def test_the_feed_escapes_everything_and_drops_what_xml_cannot_carry(client, people, theme):
    publish(people["author"], people["approver"], theme, title="Fish & chips <b>now</b> ]]> \x0b",
            you_said="a < b & c > d \"quoted\"")
    feed = ET.fromstring(client.get("/you-said-we-did/feed.atom").data)
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Fish & chips <b>now</b> ]]> "
    assert "a < b & c > d \"quoted\"" in entry.find(f"{ATOM}content").text


def test_an_empty_feed_is_still_valid(client, app):
    feed = ET.fromstring(client.get("/you-said-we-did/feed.atom").data)
    assert feed.find(f"{ATOM}updated").text and feed.findall(f"{ATOM}entry") == []


# --- Open data --------------------------------------------------------------------------------

def test_the_api_gives_only_published_fields(client, world):
    response = client.get("/api/v1/entries")
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert set(body) == {"data", "meta", "links"}
    (item,) = body["data"]
    assert set(item) == {"id", "url", "title", "you_said", "we_did", "we_could_not", "theme", "regulation_56_topic",
                         "reporting_year", "comments", "actions", "published_at", "updated_at"}
    assert item["theme"] == {"slug": "short-breaks", "name": "Short breaks"}
    assert item["regulation_56_topic"]["code"] == "content_gaps"
    assert item["reporting_year"] == {"starts": 2026, "label": "2026 to 2027"}
    assert item["actions"] == [{"description": "Add holiday clubs to the directory", "status": "in_progress",
                                "status_label": "In progress"}]
    assert item["url"] == f"http://localhost/you-said-we-did/{world['published'].id}"


def test_the_api_paginates_with_links(client, people, theme):
    for number in range(5):
        publish(people["author"], people["approver"], theme, title=f"Entry {number}")
    body = client.get("/api/v1/entries?per_page=2").get_json()
    assert [item["title"] for item in body["data"]] == ["Entry 4", "Entry 3"]
    assert body["meta"] == {"page": 1, "per_page": 2, "total": 5, "pages": 3}
    assert body["links"]["prev"] is None
    assert body["links"]["next"] == "http://localhost/api/v1/entries?page=2&per_page=2"
    body = client.get(body["links"]["next"]).get_json()
    assert [item["title"] for item in body["data"]] == ["Entry 2", "Entry 1"]
    body = client.get(body["links"]["last"]).get_json()
    assert [item["title"] for item in body["data"]] == ["Entry 0"] and body["links"]["next"] is None
    assert body["links"]["prev"] == "http://localhost/api/v1/entries?page=2&per_page=2"


def test_the_api_filters_by_year_and_theme(client, people, theme):
    other = make_theme(name="Transport", slug="transport")
    publish(people["author"], people["approver"], theme, title="A", reporting_year=2025)
    publish(people["author"], people["approver"], other, title="B", reporting_year=2025)
    publish(people["author"], people["approver"], other, title="C", reporting_year=2026)

    def titles(query):
        return sorted(item["title"] for item in client.get(f"/api/v1/entries?{query}").get_json()["data"])

    assert titles("year=2025") == ["A", "B"]
    assert titles("theme=transport") == ["B", "C"]
    assert titles("theme=transport&year=2025") == ["B"]
    assert titles("theme=nothing") == []
    body = client.get("/api/v1/entries?theme=transport&per_page=1").get_json()
    assert body["links"]["next"] == "http://localhost/api/v1/entries?theme=transport&page=2&per_page=1"


@pytest.mark.parametrize("query,message", [
    ("per_page=101", "per_page must be a whole number between 1 and 100"),
    ("per_page=0", "per_page must be a whole number between 1 and 100"),
    ("page=0", "page must be a whole number between 1 and 100000"),
    ("page=x", "page must be a whole number between 1 and 100000"),
    ("page=9223372036854775808", "page must be a whole number between 1 and 100000"),
    ("year=26", "year must be a whole number between 2014 and 2100"),
])
def test_bad_api_parameters_are_refused_in_json(client, app, query, message):
    response = client.get(f"/api/v1/entries?{query}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["message"] == message
    assert client.get(f"/api/v1/entries.csv?{query}").status_code == (400 if query.startswith("year") else 200)


def test_the_csv_holds_the_same_entries_and_neutralises_formulas(client, people, theme):
    publish(people["author"], people["approver"], theme, title="=HYPERLINK(\"http://evil\")",
            you_said="+1 more", we_did="-2 fewer", we_could_not="@SUM(A1)")
    publish(people["author"], people["approver"], make_theme(slug="other"), title="Other theme")
    response = client.get("/api/v1/entries.csv?theme=short-breaks")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="you-said-we-did.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    row = rows[0]
    assert row["title"] == "'=HYPERLINK(\"http://evil\")"
    assert (row["you_said"], row["we_did"], row["we_could_not"]) == ("'+1 more", "'-2 fewer", "'@SUM(A1)")
    assert row["theme"] == "short-breaks" and row["reporting_year_label"] == "2026 to 2027"
    api = client.get("/api/v1/entries?theme=short-breaks").get_json()["data"][0]
    assert api["title"] == "=HYPERLINK(\"http://evil\")"  # JSON is data, not a spreadsheet: left as written


def test_the_openapi_document_describes_both_outputs(client, app):
    response = client.get("/api/v1/openapi.json")
    document = json.loads(response.data)
    assert document["openapi"].startswith("3.1")
    assert {"title", "version"} <= set(document["info"])
    assert set(document["paths"]) == {"/api/v1/entries", "/api/v1/entries.csv"}
    listing = document["paths"]["/api/v1/entries"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "per_page", "year", "theme"}
    per_page = next(p for p in listing["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 100
    assert "text/csv" in document["paths"]["/api/v1/entries.csv"]["get"]["responses"]["200"]["content"]

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in document["components"]["schemas"]
    entry_schema = document["components"]["schemas"]["Entry"]
    api_item_keys = {"id", "url", "title", "you_said", "we_did", "we_could_not", "theme", "regulation_56_topic",
                     "reporting_year", "comments", "actions", "published_at", "updated_at"}
    assert set(entry_schema["properties"]) == api_item_keys == set(entry_schema["required"])


# --- Bounded queries --------------------------------------------------------------------------

def count_queries(client, path):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_lists_use_the_same_number_of_queries_however_many_entries(client, auth, people, theme):
    def add(count):
        for number in range(count):
            case = consenting_case()
            actions = [add_action(case), add_action(case)]
            publish(people["author"], people["approver"], theme, [case, consenting_case()], actions=actions,
                    title=f"Entry {number}")

    public = ["/you-said-we-did", "/you-said-we-did/feed.atom", "/api/v1/entries?per_page=100", "/api/v1/entries.csv"]
    add(2)
    few = {path: count_queries(client, path) for path in public}
    auth.sign_in(people["author"])
    few_staff = count_queries(client, "/entries?status=published")
    auth.sign_out()  # the public pages measured again as the public sees them
    add(8)
    assert {path: count_queries(client, path) for path in public} == few
    auth.sign_in(people["author"])
    assert count_queries(client, "/entries?status=published") == few_staff


# --- "Did this help?" -------------------------------------------------------------------------

def vote_path(answer="yes"):
    body = db.session.scalar(select(OutboundEmail.body_text).where(OutboundEmail.purpose == "entry-published"))
    return "/entries/vote/" + body.split("/entries/vote/")[1].split("/")[0] + f"/{answer}"


def test_a_vote_link_asks_first_and_the_post_records_it_once(client, people, theme):
    publish(people["author"], people["approver"], theme, [family_case()])
    path = vote_path("yes")
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert soup(response).select_one("form[method=post] button").get_text(strip=True) == "Send my answer"
    assert db.session.scalar(select(EntryNotice)).helpful is None  # GET changed nothing
    assert "Thank you for your answer" in soup(client.post(path)).get_text()
    client.post(path)
    db.session.expire_all()
    notice = db.session.scalar(select(EntryNotice))
    assert notice.helpful is True
    assert "You answered “yes” before" in soup(client.get(path.replace("/yes", "/no"))).get_text()
    client.post(path.replace("/yes", "/no"))
    db.session.expire_all()
    assert db.session.scalars(select(EntryNotice)).one().helpful is False


def test_bad_and_closed_vote_links(client, people, theme):
    entry = publish(people["author"], people["approver"], theme, [family_case()])
    path = vote_path("yes")
    assert client.get(path.replace("/yes", "/maybe")).status_code == 404
    assert client.get("/entries/vote/" + "A" * 43 + "/yes").status_code == 404
    assert client.post("/entries/vote/short/yes").status_code == 404
    withdraw_entry(entry, reason="Withdrawn", actor=people["approver"])
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410
    db.session.expire_all()
    assert db.session.scalar(select(EntryNotice)).helpful is None
