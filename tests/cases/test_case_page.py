"""The case page: who may see it, what it shows (contact details only to the team), timeline, notes apart."""
from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event

from feedback_app.accounts.models import Role
from feedback_app.audit.services import record_event
from feedback_app.cases.models import CaseLink, CaseNote, CaseStatus, Channel, ClockStop, ClockStopReason
from feedback_app.cases.models import Reg56Topic, ReplyPreference
from feedback_app.extensions import db
from feedback_app.intake.models import Attachment, CaseMessage, MessageDirection
from tests.factories import make_case, make_service, make_theme, make_user

TODAY = date.today()
BODY = "The transport page says buses run on Sundays.\nThey do not.\n\n<script>alert('hi')</script> Please fix it."
TRIAGE_ACTIONS = ["classify", "assign", "close", "duplicates", "split"]
EVERYONE_ACTIONS = ["reply", "note", "clock", "resolve"]


def soup_of(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def section_after(soup, heading_text):
    """The text between a heading and the next h2."""
    heading = soup.find("h2", string=heading_text)
    assert heading is not None, heading_text
    parts = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        parts.append(sibling.get_text(" ", strip=True))
    return " ".join(parts)


def summary_value(soup, key):
    for row in soup.select(".govuk-summary-list__row"):
        if row.select_one("dt").get_text(strip=True) == key:
            return " ".join(row.select_one("dd").get_text(" ", strip=True).split())
    raise AssertionError(f"no summary row {key!r}")


def at(minutes):
    return datetime(2026, 11, 2, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes)


@pytest.fixture
def world(app):
    team = make_user(Role.TEAM, name="Tess Team")
    own_lead, other_lead = make_user(Role.SERVICE_LEAD, name="Owen Lead"), make_user(Role.SERVICE_LEAD)
    transport = make_service(name="Transport", leads=[own_lead])
    make_service(name="Health", leads=[other_lead])
    case = make_case(BODY, channel=Channel.EMAIL, received_on=TODAY - timedelta(days=2),
                     contact_name="Jo Parent", contact_email="jo.parent@example.com", contact_phone="07700 900123",
                     on_behalf_of="my son Sam", reply_preference=ReplyPreference.EMAIL, consent_publish=True,
                     themes=[make_theme(name="Travel")])
    case.services = [transport]
    case.assignee = own_lead
    case.status = CaseStatus.WITH_SERVICE
    case.reg56_topic = Reg56Topic.CONTENT_QUALITY
    db.session.commit()
    return {"team": team, "own_lead": own_lead, "other_lead": other_lead, "transport": transport, "case": case}


def path(case):
    return f"/cases/{case.reference}"


# --- Who may see it --------------------------------------------------------------------------

def test_anonymous_people_are_sent_to_sign_in(client, world):
    response = client.get(path(world["case"]))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_lead_of_another_service_is_told_it_does_not_exist(client, auth, world):
    auth.sign_in(world["other_lead"])
    missing = client.get("/cases/LO-2026-99999")
    hidden = client.get(path(world["case"]))
    assert hidden.status_code == missing.status_code == 404
    assert world["case"].reference not in hidden.get_data(as_text=True)


def test_the_lead_of_the_cases_service_sees_it_without_contact_details(client, auth, world):
    case = world["case"]
    case.messages.append(CaseMessage(direction=MessageDirection.INBOUND, sender="jo.parent@example.com",
                                     subject="Re: your feedback", body="Any news?"))
    db.session.commit()
    auth.sign_in(world["own_lead"])
    response = client.get(path(case))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for detail in ("Jo Parent", "jo.parent@example.com", "07700 900123", "my son Sam"):
        assert detail not in html
    assert "Only the Local Offer team sees contact details" in html
    assert "Any news?" in html  # the conversation itself is theirs to read


@pytest.mark.parametrize("role", [Role.TEAM, Role.ADMIN])
def test_the_team_sees_it_with_contact_details(client, auth, world, role):
    auth.sign_in(make_user(role))
    soup = soup_of(client.get(path(world["case"])))
    assert summary_value(soup, "Name") == "Jo Parent"
    assert summary_value(soup, "Email") == "jo.parent@example.com"
    assert summary_value(soup, "Phone") == "07700 900123"
    assert summary_value(soup, "Reply wanted") == "By email"
    assert summary_value(soup, "Who gave it") == "Parent or carer, on behalf of my son Sam"


# --- What it shows ---------------------------------------------------------------------------

def test_the_summary_of_the_feedback(client, auth, world):
    case = world["case"]
    auth.sign_in(world["team"])
    soup = soup_of(client.get(path(case)))
    assert soup.select_one("h1").get_text(strip=True) == case.reference
    assert soup.title.string.startswith(f"Case {case.reference}")
    assert summary_value(soup, "How it came in") == "Email"
    assert summary_value(soup, "Received") == f"{case.received_on.day} {case.received_on:%B %Y}"
    assert summary_value(soup, "Topic") == "Content – quality of what is on offer"
    assert summary_value(soup, "Themes") == "Travel"
    assert summary_value(soup, "Services") == "Transport"
    assert summary_value(soup, "Status") == "With service"
    assert summary_value(soup, "Owner") == "Owen Lead"
    assert summary_value(soup, "Respond by") == f"{case.respond_by.day} {case.respond_by:%B %Y}"
    assert summary_value(soup, "Acknowledge by") == f"{case.acknowledge_by.day} {case.acknowledge_by:%B %Y}"
    assert summary_value(soup, "Working days left").endswith("working days left")
    assert summary_value(soup, "Clock") == "Running"


def test_the_feedback_keeps_its_line_breaks_and_is_never_html(client, auth, world):
    auth.sign_in(world["team"])
    html = client.get(path(world["case"])).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt; Please fix it." in html
    assert "buses run on Sundays.<br>They do not." in html
    feedback = soup_of(client.get(path(world["case"]))).find("h2", string="The feedback").find_next_sibling("div")
    assert len(feedback.select("p")) == 2


def test_an_overdue_case_says_so(client, auth, world):
    case = world["case"]
    case.respond_by = TODAY - timedelta(days=14)
    db.session.commit()
    auth.sign_in(world["team"])
    soup = soup_of(client.get(path(case)))
    assert "Overdue" in [tag.get_text(strip=True) for tag in soup.select(".govuk-tag")]
    assert summary_value(soup, "Working days left").startswith("Overdue by ")


def test_a_stopped_clock_shows_since_when_and_why(client, auth, world):
    case = world["case"]
    stopped_on = TODAY - timedelta(days=1)
    case.clock_stopped_on = stopped_on
    db.session.add(ClockStop(case=case, stopped_on=stopped_on, reason=ClockStopReason.WAITING_ON_FAMILY,
                             detail="Asked which page"))
    db.session.commit()
    auth.sign_in(world["own_lead"])
    soup = soup_of(client.get(path(case)))
    assert summary_value(soup, "Clock") == (
        f"Stopped since {stopped_on.day} {stopped_on:%B %Y}: Waiting on the family (Asked which page)")
    assert summary_value(soup, "Working days left") == "Not counting: the clock is stopped"
    assert "Clock stopped" in [tag.get_text(strip=True) for tag in soup.select(".govuk-tag")]
    assert soup.find("a", string="Restart the clock")["href"] == f"{path(case)}/clock"


def test_directory_page_feedback_shows_the_page(client, auth, app):
    team = make_user(Role.TEAM)
    case = make_case("Wrong opening hours.", channel=Channel.DIRECTORY_PAGE,
                     page_url="https://localoffer.demo.example/services/42")
    auth.sign_in(team)
    soup = soup_of(client.get(path(case)))
    link = soup.find("a", string="https://localoffer.demo.example/services/42")
    assert link["href"] == "https://localoffer.demo.example/services/42"
    assert summary_value(soup, "How it came in") == "Directory page"


def test_attachments_are_linked(client, auth, world):
    db.session.add(Attachment(case_id=world["case"].id, filename="photo.jpg", content_type="image/jpeg",
                              size=2048, data=b"x" * 2048))
    db.session.commit()
    auth.sign_in(world["own_lead"])
    soup = soup_of(client.get(path(world["case"])))
    link = soup.find("a", string="photo.jpg")
    assert link["href"].startswith("/intake/attachments/")
    assert "(image/jpeg, 2 KB)" in link.parent.get_text(" ", strip=True)


# --- Related cases ---------------------------------------------------------------------------

def test_follow_ups_merges_and_links_are_shown_as_links(client, auth, world):
    case = world["case"]
    original = make_case("Earlier comment.")
    original.services = [world["transport"]]
    duplicate = make_case("Same again.")
    duplicate.merged_into = case
    duplicate.status = CaseStatus.CLOSED
    duplicate.services = [world["transport"]]
    linked = make_case("Related thing.")
    linked.services = [world["transport"]]
    case.possible_follow_up_of = original
    db.session.add(CaseLink(case_id=linked.id, linked_case_id=case.id))
    db.session.commit()
    auth.sign_in(world["team"])
    soup = soup_of(client.get(path(case)))
    assert soup.find("a", string=original.reference)["href"] == path(original)
    assert summary_value(soup, "Possible follow-up of") == original.reference
    assert summary_value(soup, "Duplicates merged into this case") == duplicate.reference
    assert summary_value(soup, "Linked cases") == linked.reference
    merged_page = soup_of(client.get(path(duplicate)))
    assert "This case is a duplicate, merged into" in merged_page.get_text(" ", strip=True)
    assert merged_page.find("a", string=case.reference)["href"] == path(case)
    assert merged_page.find("a", string="Unmerge")["href"] == f"{path(duplicate)}/duplicates"


def test_a_lead_is_not_shown_related_cases_they_may_not_see(client, auth, world):
    case = world["case"]
    elsewhere = make_case("About health.")
    case.possible_follow_up_of = elsewhere
    db.session.add(CaseLink(case_id=case.id, linked_case_id=elsewhere.id))
    db.session.commit()
    auth.sign_in(world["own_lead"])
    soup = soup_of(client.get(path(case)))
    assert elsewhere.reference not in str(soup)
    assert summary_value(soup, "Possible follow-up of") == "A case outside your services"


# --- Timeline and notes ----------------------------------------------------------------------

def test_the_timeline_holds_messages_and_every_audit_event_in_time_order(client, auth, world):
    case, team = world["case"], world["team"]
    case.messages.append(CaseMessage(direction=MessageDirection.INBOUND, sender="jo.parent@example.com",
                                     subject="Buses", body="First line\nsecond line", created_at=at(30)))
    case.messages.append(CaseMessage(direction=MessageDirection.OUTBOUND, sender="Tess Team",
                                     subject="Re: Buses", body="We are looking into it.", created_at=at(90)))
    db.session.flush()
    event = record_event("case.assigned", subject=case, case=case, actor=team,
                         before={"status": "received", "services": [], "assignee": None},
                         after={"status": "with_service", "services": ["transport"], "assignee": "lead@x.example"})
    event.occurred_at = at(60)
    stop = record_event("case.clock_stopped", subject=case, case=case, actor_label="system",
                        before={"clock_stopped_on": None},
                        after={"clock_stopped_on": "2026-11-03", "reason": "waiting_on_family", "detail": ""})
    stop.occurred_at = at(120)
    db.session.commit()
    auth.sign_in(world["team"])
    soup = soup_of(client.get(path(case)))
    items = soup.find("h2", string="Timeline").find_next_sibling("ol").find_all("li", recursive=False)
    headings = [item.select_one("h3").get_text(strip=True) for item in items]
    # case.opened was recorded now, after the back-dated items above.
    assert headings == ["Message from the family", "Sent to services", "Message to the family", "Clock stopped",
                        "Case opened"]
    assigned = items[1].get_text(" ", strip=True)
    assert f"by {team.email}" in assigned
    assert "Status changed from Received to With service" in assigned
    assert "Services changed from none to transport" in assigned
    assert "Owner changed from none to lead@x.example" in assigned
    clock = items[3].get_text(" ", strip=True)
    assert "by The system" in clock
    assert "Clock stopped on changed from none to 3 November 2026" in clock
    assert "Reason: Waiting on the family" in clock
    assert "2 November 2026 at 9:30am" in items[0].get_text(" ", strip=True)  # GMT in November
    assert "from jo.parent@example.com" in items[0].get_text(" ", strip=True)
    assert "First line<br/>second line" in str(items[0])
    assert "Channel: Email" in items[4].get_text(" ", strip=True)


def test_a_lead_sees_the_family_as_the_sender_not_their_address(client, auth, world):
    world["case"].messages.append(CaseMessage(direction=MessageDirection.INBOUND, sender="jo.parent@example.com",
                                              body="Hello"))
    db.session.commit()
    auth.sign_in(world["own_lead"])
    soup = soup_of(client.get(path(world["case"])))
    assert "Message from the family" in section_after(soup, "Timeline")
    assert "jo.parent@example.com" not in str(soup)


def test_notes_for_colleagues_are_kept_apart_from_the_timeline(client, auth, world):
    case = world["case"]
    db.session.add(CaseNote(case=case, author=world["team"], body="Checked with the bus company.\nThey agree."))
    db.session.commit()
    record_event("case.note_added", subject=case.notes[0], case=case, actor=world["team"])
    db.session.commit()
    auth.sign_in(world["own_lead"])
    soup = soup_of(client.get(path(case)))
    notes = section_after(soup, "Notes for colleagues (not sent to the family)")
    assert "Checked with the bus company. They agree." in notes
    assert "by Tess Team" in notes
    timeline = section_after(soup, "Timeline")
    assert "Note added for colleagues" in timeline  # that it happened is on the record…
    assert "Checked with the bus company" not in timeline  # …its words stay in the notes


def test_no_notes_yet(client, auth, world):
    auth.sign_in(world["team"])
    soup = soup_of(client.get(path(world["case"])))
    assert section_after(soup, "Notes for colleagues (not sent to the family)") == "No notes yet."


# --- Actions ---------------------------------------------------------------------------------

def action_links(soup):
    section = soup.find("h2", string="Work on this case").find_next_sibling("ul")
    return {link["href"].rsplit("/", 1)[-1] for link in section.select("a")}


def test_the_team_gets_every_action_for_an_open_case(client, auth, world):
    auth.sign_in(world["team"])
    soup = soup_of(client.get(path(world["case"])))
    assert action_links(soup) == set(TRIAGE_ACTIONS + EVERYONE_ACTIONS)
    assert all(link["href"].startswith(path(world["case"]) + "/")
               for link in soup.find("h2", string="Work on this case").find_next_sibling("ul").select("a"))


def test_a_lead_gets_only_the_actions_they_may_take(client, auth, world):
    auth.sign_in(world["own_lead"])
    assert action_links(soup_of(client.get(path(world["case"])))) == set(EVERYONE_ACTIONS)


def test_a_finished_case_offers_re_opening_to_the_team(client, auth, world):
    case = world["case"]
    case.status = CaseStatus.RESOLVED
    db.session.commit()
    auth.sign_in(world["team"])
    assert action_links(soup_of(client.get(path(case)))) == {"classify", "reply", "note", "reopen", "duplicates"}
    soup = soup_of(client.get(path(case)))
    assert summary_value(soup, "Working days left") == "Not counting: the case is resolved"


# --- The cost of a page ----------------------------------------------------------------------

def test_a_long_history_costs_no_more_queries_than_a_short_one(client, auth, app, world):
    case, team = world["case"], world["team"]
    auth.sign_in(team)

    def add_history(number):
        for index in range(number):
            case.messages.append(CaseMessage(direction=MessageDirection.INBOUND, sender="jo.parent@example.com",
                                             body=f"Message {index}"))
            note = CaseNote(case=case, author=make_user(Role.TEAM) if index % 2 else team, body=f"Note {index}")
            db.session.add(note)
            db.session.flush()
            record_event("case.note_added", subject=note, case=case, actor=note.author)
            db.session.add(Attachment(case_id=case.id, filename=f"{index}.txt", content_type="text/plain",
                                      size=1, data=b"x"))
            linked = make_case(f"Related {index}")
            linked.services = [world["transport"]]
            db.session.add(CaseLink(case_id=case.id, linked_case_id=linked.id))
        db.session.commit()

    def cost():
        statements = []

        def count(*args, **kwargs):
            statements.append(1)

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                assert client.get(path(case)).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    add_history(2)
    short = cost()
    add_history(20)
    assert cost() == short
