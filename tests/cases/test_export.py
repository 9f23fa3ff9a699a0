"""The queue as CSV: the same filters and visibility as the queue, contact columns only for the team, safe cells."""
import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from feedback_app.accounts.models import Role
from feedback_app.common.spreadsheets import neutralise
from feedback_app.cases.models import CaseStatus, Channel, Reg56Topic
from feedback_app.extensions import db
from tests.factories import make_case, make_service, make_theme, make_user

TODAY = date.today()
TEAM_HEADER = [
    "Reference", "Received on", "Channel", "Who gave it", "Topic", "Themes", "Services", "Status", "Respond by",
    "Overdue", "Feedback", "Name", "Email", "Phone", "On behalf of", "Reply wanted",
]


def read_csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # so Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def world(app):
    team = make_user(Role.TEAM)
    own_lead, other_lead = make_user(Role.SERVICE_LEAD), make_user(Role.SERVICE_LEAD)
    transport = make_service(name="Transport", slug="transport", leads=[own_lead])
    make_service(name="Health", slug="health", leads=[other_lead])
    routed = make_case("The bus page is wrong.", channel=Channel.EMAIL, received_on=TODAY - timedelta(days=60),
                       contact_name="Jo Parent", contact_email="jo@example.com", contact_phone="07700 900123",
                       themes=[make_theme(name="Travel"), make_theme(name="Website")])
    routed.services = [transport]
    routed.status = CaseStatus.WITH_SERVICE
    routed.reg56_topic = Reg56Topic.CONTENT_QUALITY
    unrouted = make_case("Nothing about holidays.", received_on=TODAY, contact_email="sam@example.com")
    closed = make_case("Old.", received_on=TODAY - timedelta(days=5))
    closed.status = CaseStatus.CLOSED
    db.session.commit()
    return {"team": team, "own_lead": own_lead, "other_lead": other_lead, "routed": routed,
            "unrouted": unrouted, "closed": closed}


def test_anonymous_people_are_sent_to_sign_in(client, world):
    response = client.get("/cases/export.csv")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_the_team_gets_the_filtered_queue_with_contact_details(client, auth, world):
    auth.sign_in(world["team"])
    response = client.get("/cases/export.csv")
    assert re.fullmatch(r'attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"', response.headers["Content-Disposition"])
    assert "no-store" in response.headers["Cache-Control"]
    rows = read_csv(response)
    assert rows[0] == TEAM_HEADER
    routed = world["routed"]
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == {routed.reference, world["unrouted"].reference}  # open cases, like the queue
    assert by_reference[routed.reference] == [
        routed.reference, routed.received_on.isoformat(), "Email", "Parent or carer",
        "Content – quality of what is on offer", "Travel; Website", "Transport", "With service",
        routed.respond_by.isoformat(), "yes", "The bus page is wrong.", "Jo Parent", "jo@example.com",
        "07700 900123", "", "No reply wanted",
    ]
    assert by_reference[world["unrouted"].reference][9] == "no"


def test_the_same_filters_as_the_queue(client, auth, world):
    auth.sign_in(world["team"])
    assert [row[0] for row in read_csv(client.get("/cases/export.csv?status=closed"))[1:]] == [
        world["closed"].reference]
    assert [row[0] for row in read_csv(client.get("/cases/export.csv?q=holidays"))[1:]] == [
        world["unrouted"].reference]
    assert [row[0] for row in read_csv(client.get("/cases/export.csv?service=transport&overdue=yes"))[1:]] == [
        world["routed"].reference]
    everything = read_csv(client.get("/cases/export.csv?status=all&sort=oldest"))[1:]
    assert [row[0] for row in everything] == [
        world["routed"].reference, world["closed"].reference, world["unrouted"].reference]


def test_a_lead_gets_only_their_services_cases_without_contact_columns(client, auth, world):
    auth.sign_in(world["own_lead"])
    rows = read_csv(client.get("/cases/export.csv?status=all"))
    assert rows[0] == TEAM_HEADER[:11]
    assert [row[0] for row in rows[1:]] == [world["routed"].reference]
    assert all(len(row) == 11 for row in rows)
    text = client.get("/cases/export.csv?status=all").get_data(as_text=True)
    assert "jo@example.com" not in text and "Jo Parent" not in text


def test_a_lead_of_another_service_gets_none_of_them(client, auth, world):
    auth.sign_in(world["other_lead"])
    rows = read_csv(client.get("/cases/export.csv?status=all"))
    assert rows == [TEAM_HEADER[:11]]


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1)",
                                       "\tcmd", "\rcmd"])
def test_cells_a_spreadsheet_would_run_are_neutralised(client, auth, app, dangerous):
    team = make_user(Role.TEAM)
    make_case(dangerous, contact_name=dangerous, contact_phone="+44 7700 900123")
    auth.sign_in(team)
    rows = read_csv(client.get("/cases/export.csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Feedback"] == "'" + dangerous
    assert row["Name"] == "'" + dangerous
    assert row["Phone"] == "'+44 7700 900123"


def test_neutralise_leaves_ordinary_text_alone():
    assert neutralise("The page = wrong") == "The page = wrong"
    assert neutralise("") == "" and neutralise(None) == ""
    assert neutralise("2026-11-02") == "2026-11-02"


def test_the_export_is_streamed_at_a_cost_that_does_not_grow_with_the_cases(client, auth, app):
    team = make_user(Role.TEAM)
    service, theme = make_service(), make_theme()
    auth.sign_in(team)

    def add(number):
        for index in range(number):
            case = make_case(f"Feedback {index}", received_on=TODAY - timedelta(days=index))
            case.services, case.themes, case.assignee = [service], [theme], team
        db.session.commit()

    def cost():
        statements = []

        def count(*args, **kwargs):
            statements.append(1)

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                response = client.get("/cases/export.csv")
                assert response.is_streamed
                lines = len(read_csv(response)) - 1
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        return len(statements), lines

    add(5)
    few, lines = cost()
    assert lines == 5
    add(55)
    many, lines = cost()
    assert lines == 60
    assert many == few
