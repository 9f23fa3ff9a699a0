"""The privacy notices take their council details and retention periods from configuration."""
import re

from bs4 import BeautifulSoup



def text_of(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_adult_notice_shows_the_configured_schedule_and_optional_parts(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_SCHEDULE", {"published": 24, "resolved": 18, "closed_excluded": 6,
                                                           "held_email": 3, "unlinked_email": 3})
    monkeypatch.setitem(app.config, "DPO_POSTAL_ADDRESS", "Town Hall, Demo Street")
    monkeypatch.setitem(app.config, "ICO_REGISTRATION_NUMBER", "Z1234567")
    text = text_of(client.get("/privacy-notice"))
    assert "2 years after we finished dealing with it" in text and "(18 months if we did not publish it)" in text
    assert "6 months after we closed it" in text and "3 months after they arrived" in text
    assert "Town Hall, Demo Street" in text and "Z1234567" in text
    assert 'href="/privacy-notice/young-people"' in client.get("/privacy-notice").get_data(as_text=True)


def test_young_peoples_notice_is_short_and_plain(app, client):
    response = client.get("/privacy-notice/young-people")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>How we look after what you tell us – " in page
    text = text_of(response)
    assert "2 years after we finish" in text and "Information Commissioner’s Office" in text
    main = BeautifulSoup(page, "html.parser").select_one("main")
    sentences = [sentence for block in main.select("p, li")
                 for sentence in re.split(r"(?<=[.!?])\s", " ".join(block.get_text().split())) if sentence]
    assert max(len(sentence.split()) for sentence in sentences) <= 25


def test_young_peoples_notice_is_linked_from_the_footer_and_the_young_peoples_form(app, client):
    assert 'href="/privacy-notice/young-people"' in client.get("/privacy-notice").get_data(as_text=True)
    page = client.get("/feedback/young-people", follow_redirects=True).get_data(as_text=True)
    assert page.count('href="/privacy-notice/young-people"') >= 2  # the form's own link and the footer
    adult = client.get("/feedback", follow_redirects=True).get_data(as_text=True)
    assert adult.count('href="/privacy-notice/young-people"') == 1  # the footer only
