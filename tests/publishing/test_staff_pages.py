"""The team's entry pages: who may use them, writing from cases, the findings shown, and each step by form."""
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from feedback_app.cases.models import Reg56Topic
from feedback_app.extensions import db
from feedback_app.publishing.models import Entry, EntryStatus
from feedback_app.publishing.services import submit_for_approval
from tests.factories import make_case
from tests.publishing.conftest import CLEAN_WE_DID, CLEAN_YOU_SAID, add_action, consenting_case, make_entry, publish


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def errors(response):
    summary = soup(response).select_one(".govuk-error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def banner(response):
    return " ".join(tag.get_text(" ", strip=True) for tag in soup(response).select(".govuk-notification-banner"))


def fresh(entry_id):
    db.session.expire_all()
    return db.session.get(Entry, entry_id)


def form_data(case_references, theme, **fields):
    data = {"title": "Short breaks for older children", "you_said": CLEAN_YOU_SAID, "we_did": CLEAN_WE_DID,
            "we_could_not": "", "theme": str(theme.id), "reg56_topic": "content_gaps", "reporting_year": "2026",
            "case_references": case_references, "is_paraphrase": "y"}
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def entry(people, theme):
    return make_entry(people["author"], theme)


def staff_paths(entry):
    return [("get", "/entries"), ("get", "/entries/new"), ("get", f"/entries/{entry.id}"),
            ("get", f"/entries/{entry.id}/edit"), ("post", f"/entries/{entry.id}/submit"),
            ("post", f"/entries/{entry.id}/approve"), ("post", f"/entries/{entry.id}/return"),
            ("post", f"/entries/{entry.id}/withdraw"), ("post", "/entries/new")]


def test_anonymous_people_are_sent_to_sign_in(client, entry):
    for method, path in staff_paths(entry):
        response = getattr(client, method)(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), path


def test_service_leads_are_refused(client, auth, people, entry):
    auth.sign_in(people["lead"])
    for method, path in staff_paths(entry):
        assert getattr(client, method)(path).status_code == 403, path


@pytest.mark.parametrize("role", ["author", "admin"])
def test_the_team_and_admins_may_use_every_page(client, auth, people, entry, role):
    auth.sign_in(people[role])
    for method, path in staff_paths(entry):
        if method == "get":
            response = client.get(path)
            assert response.status_code == 200, path
            assert len(soup(response).select("h1")) == 1, path


def test_an_unknown_entry_is_not_found(client, auth, people):
    auth.sign_in(people["author"])
    assert client.get("/entries/999").status_code == 404
    assert client.post("/entries/999/findings/1/override").status_code == 404


def test_writing_an_entry_from_cases(client, auth, people, theme):
    case = consenting_case(themes=[theme], received_on=__import__("datetime").date(2026, 10, 5))
    other = consenting_case(received_on=__import__("datetime").date(2026, 7, 1))
    action = add_action(case)
    auth.sign_in(people["author"])
    page = soup(client.get(f"/entries/new?case={case.reference}&case={other.reference}"))
    assert page.select_one("#case_references")["value"] == f"{case.reference}, {other.reference}"
    assert page.select_one("#theme option[selected]")["value"] == str(theme.id)
    assert page.select_one("input[name=reg56_topic][checked]")["value"] == "content_gaps"
    assert page.select_one("#reporting_year option[selected]").get_text() == "2026 to 2027"
    assert {option["value"] for option in page.select("input[name=reg56_topic]")} == {
        "content_quality", "content_gaps", "accessibility", "development_review"}
    assert page.select_one(f"input[name=actions][value='{action.id}']") is not None

    response = client.post("/entries/new", data=form_data(f"{case.reference} {other.reference.lower()}", theme,
                                                          actions=str(action.id)))
    assert response.status_code == 302
    entry = db.session.scalar(select(Entry))
    assert response.headers["Location"] == f"/entries/{entry.id}"
    assert [c.reference for c in entry.cases] == sorted([case.reference, other.reference])
    assert entry.actions == [action] and entry.author_id == people["author"].id
    assert "found nothing that could identify someone" in banner(client.get(f"/entries/{entry.id}"))


def test_the_form_explains_what_is_wrong(client, auth, people, theme):
    refused = make_case("Words.", consent_publish=False, reg56_topic=Reg56Topic.CONTENT_GAPS)
    auth.sign_in(people["author"])
    response = client.post("/entries/new", data=form_data("LO-2026-99999", theme))
    assert response.status_code == 400 and "There is no case LO-2026-99999" in errors(response)
    response = client.post("/entries/new", data=form_data("not a reference", theme))
    assert "Enter case references like LO-2026-00042" in errors(response)
    response = client.post("/entries/new", data=form_data(refused.reference, theme, is_paraphrase=None))
    assert "did not agree to their words being published" in errors(response)
    response = client.post("/entries/new", data=form_data(refused.reference, theme, title="", reg56_topic="vexatious"))
    assert "Enter a title" in errors(response) and "Choose what the comments were about" in errors(response)
    assert soup(response).title.get_text().startswith("Error: ")
    assert db.session.scalar(select(Entry)) is None


def test_the_entry_page_marks_and_lists_what_the_check_found(client, auth, people, theme):
    entry = make_entry(people["author"], theme, you_said="Mrs Okafor rang from GL5 1AB. <script>x</script>")
    auth.sign_in(people["approver"])
    response = client.get(f"/entries/{entry.id}")
    page = soup(response)
    marks = [mark.get_text() for mark in page.select("p mark")]
    assert marks == ["Okafor", "GL5 1AB"]
    html = response.get_data(as_text=True)
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")][:3] for row in page.select("tbody tr")]
    assert rows == [["Name", "You said", "Okafor"], ["Postcode", "You said", "GL5 1AB"]]
    assert len(page.select("form[action*='/override'] textarea")) == 2
    submit_for_approval(entry, actor=people["author"])
    page = soup(client.get(f"/entries/{entry.id}"))
    ids = [tag["id"] for tag in page.select("[id]")]
    assert len(ids) == len(set(ids))  # several forms on one page, none sharing an id


def test_overriding_a_finding_needs_a_reason(client, auth, people, theme):
    entry = make_entry(people["author"], theme, you_said="Mrs Okafor rang.")
    finding = entry.findings[0]
    auth.sign_in(people["approver"])
    path = f"/entries/{entry.id}/findings/{finding.id}/override"
    response = client.post(path, data={f"finding-{finding.id}-reason": ""})
    assert response.status_code == 400 and "Enter why this is safe to publish" in errors(response)
    response = client.post(path, data={f"finding-{finding.id}-reason": "Her own business name"})
    assert response.status_code == 302
    assert fresh(entry.id).findings[0].overridden_reason == "Her own business name"
    assert "Finding overridden: name in You said" in banner(client.get(response.headers["Location"]))


def test_the_whole_workflow_by_form(client, auth, people, theme):
    entry = make_entry(people["author"], theme, you_said="Mrs Okafor rang.")
    auth.sign_in(people["author"])
    assert client.post(f"/entries/{entry.id}/submit", data={"step-version": entry.version}).status_code == 302
    page = soup(client.get(f"/entries/{entry.id}"))
    assert "You wrote this entry, so another member of the team must approve it" in page.get_text()
    assert page.select_one(f"form[action='/entries/{entry.id}/approve']") is None
    response = client.post(f"/entries/{entry.id}/approve", data={"step-version": fresh(entry.id).version})
    assert response.status_code == 400
    assert "You wrote this entry, so another member of the team must approve it" in errors(response)
    auth.sign_out()

    auth.sign_in(people["approver"])
    response = client.post(f"/entries/{entry.id}/approve", data={"step-version": fresh(entry.id).version})
    assert response.status_code == 400
    assert "1 thing in it could identify someone: a name in “You said”" in errors(response)
    assert "Okafor" not in errors(response)
    assert fresh(entry.id).status == EntryStatus.AWAITING_APPROVAL

    response = client.post(f"/entries/{entry.id}/edit", data=form_data(
        ", ".join(c.reference for c in fresh(entry.id).cases), theme, you_said="A family rang.",
        version=str(fresh(entry.id).version)))
    assert response.status_code == 302
    response = client.post(f"/entries/{entry.id}/approve", data={"step-version": fresh(entry.id).version})
    assert response.status_code == 302 and fresh(entry.id).status == EntryStatus.PUBLISHED

    response = client.post(f"/entries/{entry.id}/withdraw", data={"withdraw-version": fresh(entry.id).version, "withdraw-reason": ""})
    assert response.status_code == 400 and "Enter why you are withdrawing this entry" in errors(response)
    response = client.post(f"/entries/{entry.id}/withdraw",
                           data={"withdraw-version": fresh(entry.id).version, "withdraw-reason": "Recognisable"})
    assert response.status_code == 302 and fresh(entry.id).status == EntryStatus.WITHDRAWN


def test_a_stale_form_is_refused_in_words(client, auth, people, theme, entry):
    auth.sign_in(people["author"])
    response = client.post(f"/entries/{entry.id}/submit", data={"step-version": entry.version - 1})
    assert response.status_code == 400 and "Someone else changed this entry" in errors(response)


def test_returning_to_draft(client, auth, people, theme, entry):
    submit_for_approval(entry, actor=people["author"])
    auth.sign_in(people["approver"])
    response = client.post(f"/entries/{entry.id}/return", data={"return-version": fresh(entry.id).version,
                                                                  "return-reason": "Name the clubs"})
    assert response.status_code == 302 and fresh(entry.id).status == EntryStatus.DRAFT


def test_a_published_entry_cannot_be_edited(client, auth, people, theme):
    entry = publish(people["author"], people["approver"], theme)
    auth.sign_in(people["author"])
    response = client.get(f"/entries/{entry.id}/edit")
    assert response.status_code == 302 and response.headers["Location"] == f"/entries/{entry.id}"


def test_the_list_shows_each_state_with_counts(client, auth, people, theme):
    make_entry(people["author"], theme, title="Draft one")
    waiting = make_entry(people["author"], theme, title="Waiting one", you_said="Mrs Okafor rang.")
    submit_for_approval(waiting, actor=people["author"])
    publish(people["author"], people["approver"], theme, title="Published one")
    auth.sign_in(people["approver"])
    page = soup(client.get("/entries"))
    assert [link.get_text(strip=True) for link in page.select("nav[aria-label='Entries by state'] a")] == [
        "Draft (1)", "Awaiting approval (1)", "Published (1)", "Withdrawn (0)"]
    assert [row.select_one("th a").get_text() for row in page.select("tbody tr")] == ["Waiting one"]
    assert "1 to check" in page.select_one("tbody tr").get_text()
    page = soup(client.get("/entries?status=published"))
    assert [row.select_one("th a").get_text() for row in page.select("tbody tr")] == ["Published one"]
    assert soup(client.get("/entries?status=nonsense")).select_one(
        "nav[aria-label='Entries by state'] a[aria-current=page]").get_text(strip=True) \
        == "Awaiting approval (1)"


def test_the_entry_page_reports_the_answers(client, auth, people, theme):
    from tests.publishing.conftest import family_case
    from feedback_app.publishing.models import EntryNotice

    entry = publish(people["author"], people["approver"], theme, [family_case(), family_case(email="b@x.example")])
    notices = db.session.scalars(select(EntryNotice)).all()
    notices[0].helpful = True
    db.session.commit()
    auth.sign_in(people["author"])
    text = soup(client.get(f"/entries/{entry.id}")).get_text(" ", strip=True)
    assert "2 families were asked by email." in text
    assert "Yes: 1" in text and "No: 0" in text and "No answer yet: 1" in text
    assert "Comments answered 2 (published as “fewer than 5”)" in text
