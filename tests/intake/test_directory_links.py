"""'Is this information correct?' links from directory pages: allowed addresses kept, others never shown."""
import pytest
from sqlalchemy import select

from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import Channel, Reg56Topic
from feedback_app.extensions import db
from feedback_app.intake.directory_links import allowed_directory_url, clean_service_name
from tests.factories import make_theme
from tests.intake.web_support import ADULT, all_cases, answer_all, send, soup, token, visible_text

HOSTS = ["localoffer.demo.example"]
PAGE = "https://localoffer.demo.example/services/little-stars-nursery?tab=contact"


@pytest.mark.parametrize("url", [
    PAGE,
    "http://localoffer.demo.example/a",
    "HTTPS://LocalOffer.Demo.Example/a",
    "https://localoffer.demo.example./a",
    "https://localoffer.demo.example:443/a",
    "  https://localoffer.demo.example/a  ",
])
def test_addresses_on_the_directory_are_kept(url):
    assert allowed_directory_url(url, HOSTS) == url.strip()


@pytest.mark.parametrize("url", [
    "",
    "https://evil.example/phishing",
    "https://localoffer.demo.example.evil.example/a",
    "https://evil.example/?https://localoffer.demo.example/",
    "https://localoffer.demo.example@evil.example/a",
    "https://user:pass@localoffer.demo.example/a",
    "https://evil.example\\@localoffer.demo.example/a",
    "https://localoffer.demo.example:8443/a",
    "https://localoffer.demo.example:99999/a",
    "https://[::1/a",
    "//localoffer.demo.example/a",
    "localoffer.demo.example/a",
    "javascript:alert(1)//localoffer.demo.example",
    "ftp://localoffer.demo.example/a",
    "data:text/html,<script>alert(1)</script>",
    "https://localoffer.demo.example/a b",
    "https://localoffer.demo.example/a\x00",
    "https://localoffer.demo.example/" + "a" * 1000,
    None,
    ["https://localoffer.demo.example/a"],
])
def test_anything_else_is_dropped(url):
    assert allowed_directory_url(url, HOSTS) == ""


def test_a_host_list_given_as_one_string_is_read_as_a_list():
    assert allowed_directory_url(PAGE, "other.example, localoffer.demo.example") == PAGE


def test_service_names_become_one_plain_line():
    assert clean_service_name("  Little\x00 Stars\n\tNursery  ") == "Little Stars Nursery"
    assert len(clean_service_name("x" * 500)) == 200
    assert clean_service_name(None) == ""


def test_a_directory_link_opens_the_form_with_the_page_and_service_filled_in(client):
    make_theme("Out of date or wrong information", slug="directory_accuracy", facet="website")
    response = client.get("/feedback/page", query_string={"url": PAGE, "service": "Little Stars Nursery"})
    assert response.headers["Location"] == f"{ADULT}/your-feedback"
    first = visible_text(client.get(response.headers["Location"]))
    assert "Little Stars Nursery" in first and PAGE in first

    client.post(f"{ADULT}/your-feedback", data={"feedback": "The phone number on this page is wrong."})
    # The topic is already known ("how easy the information is to find and understand"): no need to ask.
    assert client.get(f"{ADULT}/what-it-is-about").status_code == 200
    answer_all(client, start=False, your_feedback=None, what_it_is_about=None, reply={"reply": "none"})
    check = soup(client.get(f"{ADULT}/check-your-answers"))
    page_row = check.select(".govuk-summary-list__row")[0]
    assert page_row.select_one(".govuk-summary-list__key").get_text(strip=True) == "Page"
    assert page_row.select_one(".govuk-summary-list__value").get_text(" ", strip=True) == (
        f"Little Stars Nursery {PAGE}")
    client.post(f"{ADULT}/check-your-answers", data={"token": token(client)})

    [case] = all_cases()
    assert case.channel == Channel.DIRECTORY_PAGE
    assert case.page_url == PAGE
    assert case.reg56_topic == Reg56Topic.ACCESSIBILITY
    assert [theme.slug for theme in case.themes] == ["directory_accuracy"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "intake.received"))
    assert event.after["directory_service"] == "Little Stars Nursery"
    assert event.actor_label == "directory page link"


def test_the_topic_question_is_skipped_for_a_directory_link(client):
    client.get("/feedback/page", query_string={"url": PAGE})
    response = client.post(f"{ADULT}/your-feedback", data={"feedback": "Wrong opening hours."})
    assert response.headers["Location"] == f"{ADULT}/who-you-are"


def test_the_directory_theme_is_only_added_when_the_council_has_it(client):
    client.get("/feedback/page", query_string={"url": PAGE})
    send(client, start=False)
    [case] = all_cases()
    assert case.themes == []


@pytest.mark.parametrize("url", [
    "https://evil.example/phish-7f3a9",
    "javascript:alert('phish-7f3a9')",
    "https://localoffer.demo.example.evil.example/phish-7f3a9",
])
def test_a_foreign_address_is_dropped_and_never_shown_back(client, url):
    responses = [client.get("/feedback/page", query_string={"url": url, "service": "Call 0900 phish-7f3a9"})]
    responses.append(client.get(responses[0].headers["Location"]))
    answer_all(client, start=False)
    responses.append(client.get(f"{ADULT}/check-your-answers"))
    client.post(f"{ADULT}/check-your-answers", data={"token": token(client)})
    responses.append(client.get(f"{ADULT}/sent"))

    for response in responses:
        assert "phish-7f3a9" not in response.get_data(as_text=True)
        assert "phish-7f3a9" not in str(response.headers)
    [case] = all_cases()
    assert (case.channel, case.page_url) == (Channel.WEB, "")
    assert case.reg56_topic == Reg56Topic.CONTENT_QUALITY  # their own answer: nothing was preset
