"""The public feedback form: question pages, check your answers, one case per submission, and bad input."""
import random

import pytest
from sqlalchemy import create_engine, func, select, text

from feedback_app import create_app
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import CaseStatus, Channel, Reg56Topic, ReplyPreference, SubmitterRole
from feedback_app.common.working_days import add_working_days
from feedback_app.extensions import db, limiter
from feedback_app.intake.web_services import SIGNPOSTED_REASON, council_today
from feedback_app.outbox.models import EmailStatus
from tests.factories import make_theme
from tests.intake.web_support import (
    ADULT, ANSWERS, YOUNG, all_cases, all_emails, answer_all, audit_actions, error_summary, send, soup, title, token,
    visible_text,
)


@pytest.fixture
def themes(app):
    return [make_theme("Short breaks", slug="short_breaks"), make_theme("Travel and transport", slug="transport"),
            make_theme("Out of date or wrong information", slug="directory_accuracy", facet="website")]


# --- The whole journey ---------------------------------------------------------------------------

def test_the_whole_journey_makes_one_case_with_the_answers_and_queues_one_acknowledgement(client, themes):
    confirmation = send(client, themes={"themes": ["short_breaks", "transport"]})

    [case] = all_cases()
    assert case.channel == Channel.WEB
    assert case.body == "The short breaks page still lists a scheme that closed last year."
    assert case.reg56_topic == Reg56Topic.CONTENT_QUALITY
    assert case.submitter_role == SubmitterRole.PARENT_CARER
    assert [theme.slug for theme in case.themes] == ["short_breaks", "transport"]
    assert (case.reply_preference, case.contact_email, case.contact_name) == ("email", "parent@example.org",
                                                                             "Sam Parent")
    assert case.contact_phone == ""
    assert case.consent_publish is True
    assert case.status == CaseStatus.RECEIVED
    assert case.received_on == council_today()
    assert case.respond_by == add_working_days(council_today(), 20)

    [email] = all_emails()
    assert email.to_address == "parent@example.org"
    assert case.reference in email.subject
    assert email.status == EmailStatus.PENDING
    assert email.case_id == case.id
    assert audit_actions(case) == ["case.opened", "intake.received", "case.acknowledgement_queued"]

    page = soup(confirmation)
    panel = page.select_one(".govuk-panel")
    assert "Feedback sent" in panel.get_text()
    assert "Your reference number" in panel.get_text()
    assert case.reference in panel.get_text()
    text_of_page = visible_text(confirmation)
    assert f"We will reply by {case.respond_by:%-d %B %Y}" in text_of_page
    assert "20 working days" in text_of_page
    assert "We have sent you an email" in text_of_page


def test_the_answers_are_gone_from_the_session_once_sent(client):
    send(client)
    with client.session_transaction() as stored:
        assert "feedback_draft" not in stored
        assert set(stored["feedback_sent"]) == {"token", "reference", "respond_by", "excluded", "emailed", "reply"}


def test_no_acknowledgement_and_no_contact_details_when_they_change_their_mind_about_a_reply(client):
    answer_all(client)  # an email address and a name, first
    response = client.post(f"{ADULT}/reply", data={"reply": "none"})
    assert response.headers["Location"] == f"{ADULT}/check-your-answers"
    client.post(f"{ADULT}/check-your-answers", data={"token": token(client)})
    [case] = all_cases()
    assert case.reply_preference == ReplyPreference.NONE
    assert (case.contact_email, case.contact_name, case.contact_phone) == ("", "", "")
    assert all_emails() == []
    confirmation = visible_text(client.get(f"{ADULT}/sent"))
    assert "You told us you do not need a reply" in confirmation
    assert "We have sent you an email" not in confirmation


def test_a_phone_reply_keeps_the_number_and_name_and_sends_no_email(client):
    send(client, reply={"reply": "phone"}, phone_number={"phone": "07700 900 982", "name": "Alex"})
    [case] = all_cases()
    assert (case.reply_preference, case.contact_phone, case.contact_name, case.contact_email) == (
        "phone", "07700 900 982", "Alex", "")
    assert all_emails() == []


def test_choosing_a_reply_by_email_asks_for_the_address_on_the_next_page(client):
    answer_all(client, reply=None, email_address=None, publishing=None)
    assert client.post(f"{ADULT}/reply", data={"reply": "email"}).headers["Location"] == f"{ADULT}/email-address"
    assert client.get(f"{ADULT}/publishing").headers["Location"] == f"{ADULT}/email-address"


def test_someone_giving_feedback_for_a_family_is_asked_who_for_and_it_is_kept(client):
    client.get(ADULT)
    client.post(f"{ADULT}/your-feedback", data=ANSWERS["your-feedback"])
    client.post(f"{ADULT}/what-it-is-about", data=ANSWERS["what-it-is-about"])
    response = client.post(f"{ADULT}/who-you-are", data={"role": "on_behalf"})
    assert response.headers["Location"] == f"{ADULT}/who-for"
    send(client, start=False, your_feedback=None, what_it_is_about=None, who_you_are=None,
         who_for={"on_behalf_of": "The parent carer forum"})
    [case] = all_cases()
    assert (case.submitter_role, case.on_behalf_of) == (SubmitterRole.ON_BEHALF, "The parent carer forum")


def test_changing_who_is_giving_it_forgets_who_it_was_for(client):
    answer_all(client, who_you_are={"role": "on_behalf"}, who_for={"on_behalf_of": "A family I support"})
    client.post(f"{ADULT}/who-you-are", data={"role": "professional"})
    assert "A family I support" not in visible_text(client.get(f"{ADULT}/check-your-answers"))
    # Changing back asks again, rather than reusing an answer they may have forgotten.
    assert client.post(f"{ADULT}/who-you-are", data={"role": "on_behalf"}).headers["Location"] == f"{ADULT}/who-for"


def test_the_acknowledgement_is_handed_to_the_sender_only_after_the_case_is_committed(client, app, monkeypatch):
    seen_by_another_connection = []

    def enqueue(task_name, email_id):
        # Another connection sees only committed rows: the case and its email must be there already.
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.connect() as connection:
            seen_by_another_connection.append((
                task_name,
                connection.execute(text("SELECT count(*) FROM cases")).scalar(),
                connection.execute(text("SELECT status FROM outbound_emails WHERE id = :id"),
                                   {"id": email_id}).scalar(),
            ))
        engine.dispose()

    monkeypatch.setattr("feedback_app.outbox.services.enqueue", enqueue)
    send(client)
    assert seen_by_another_connection == [("outbox.send-email", 1, "pending")]


# --- Check your answers ----------------------------------------------------------------------------

def test_check_your_answers_lists_every_answer_with_a_change_link_to_its_question(client, themes):
    answer_all(client, themes={"themes": ["transport"]})
    page = soup(client.get(f"{ADULT}/check-your-answers"))
    assert page.h1.get_text(strip=True) == "Check your answers before sending your feedback"
    rows = {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): (
            row.select_one(".govuk-summary-list__value").get_text(" ", strip=True),
            row.select_one(".govuk-summary-list__actions a")["href"],
        )
        for row in page.select(".govuk-summary-list__row")
    }
    assert rows == {
        "Your feedback": (ANSWERS["your-feedback"]["feedback"], "/feedback/your-feedback"),
        "What it is about": ("What is on offer, or how good it is", "/feedback/what-it-is-about"),
        "Who is giving it": ("A parent or carer", "/feedback/who-you-are"),
        "Areas of support": ("Travel and transport", "/feedback/themes"),
        "Reply": ("Yes, by email", "/feedback/reply"),
        "Email address": ("parent@example.org", "/feedback/email-address"),
        "Your name": ("Sam Parent", "/feedback/email-address"),
        "Publish a summary": ("Yes", "/feedback/publishing"),
    }
    assert all(link.select_one(".govuk-visually-hidden") for link in page.select(".govuk-summary-list__actions a"))


def test_ticking_no_theme_is_an_answer(client, themes):
    client.get(ADULT)
    for step in ("your-feedback", "what-it-is-about", "who-you-are"):
        client.post(f"{ADULT}/{step}", data=ANSWERS[step])
    assert client.post(f"{ADULT}/themes").headers["Location"] == f"{ADULT}/reply"
    answer_all(client, start=False, your_feedback=None, what_it_is_about=None, who_you_are=None, themes=None)
    assert "None chosen" in visible_text(client.get(f"{ADULT}/check-your-answers"))


def test_a_change_link_shows_the_answer_given_and_comes_back_to_check_your_answers(client):
    answer_all(client)
    change = soup(client.get(f"{ADULT}/what-it-is-about"))
    assert change.select_one("input[name=topic][value=content_quality]").has_attr("checked")
    response = client.post(f"{ADULT}/what-it-is-about", data={"topic": "content_gaps"})
    assert response.headers["Location"] == f"{ADULT}/check-your-answers"
    assert "Something that is missing" in visible_text(client.get(response.headers["Location"]))


def test_changing_the_feedback_keeps_line_breaks_and_shows_them(client):
    answer_all(client)
    client.post(f"{ADULT}/your-feedback", data={"feedback": "First line\r\nSecond <b>line</b>"})
    page = client.get(f"{ADULT}/check-your-answers").get_data(as_text=True)
    assert "First line<br>Second &lt;b&gt;line&lt;/b&gt;" in page


# --- Validation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("step,data,message,href,before", [
    ("your-feedback", {"feedback": "   "}, "Enter your feedback", "#feedback", {}),
    ("your-feedback", {"feedback": "a" * 5001}, "Your feedback must be 5,000 characters or fewer", "#feedback", {}),
    ("what-it-is-about", {}, "Select what your feedback is about", "#topic", {}),
    ("what-it-is-about", {"topic": "vexatious"}, "Select what your feedback is about", "#topic", {}),
    ("who-you-are", {}, "Select who is giving this feedback", "#role", {}),
    ("who-you-are", {"role": "other"}, "Select who is giving this feedback", "#role", {}),
    ("who-for", {"on_behalf_of": " "}, "Enter who you are giving feedback for", "#on_behalf_of",
     {"who-you-are": {"role": "on_behalf"}}),
    ("who-for", {"on_behalf_of": "x" * 201}, "Who you are giving feedback for must be 200 characters or fewer",
     "#on_behalf_of", {"who-you-are": {"role": "on_behalf"}}),
    ("reply", {}, "Select if you want a reply", "#reply", {}),
    ("email-address", {"email": ""}, "Enter your email address", "#email", {}),
    ("email-address", {"email": "parent.example.org"},
     "Enter an email address in the correct format, like name@example.com", "#email", {}),
    ("email-address", {"email": "a" * 250 + "@example.org"}, "Email address must be 254 characters or fewer",
     "#email", {}),
    ("email-address", {"email": "parent@example.org", "name": "n" * 201}, "Your name must be 200 characters or fewer",
     "#name", {}),
    ("phone-number", {"phone": ""}, "Enter a phone number", "#phone", {"reply": {"reply": "phone"}}),
    ("phone-number", {"phone": "call me"},
     "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192", "#phone",
     {"reply": {"reply": "phone"}}),
    ("phone-number", {"phone": "0" + "-" * 40 + "1632960001"},
     "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192", "#phone",
     {"reply": {"reply": "phone"}}),
    ("publishing", {}, "Select yes if we can publish a summary of your feedback", "#consent", {}),
    ("publishing", {"consent": "perhaps"}, "Select yes if we can publish a summary of your feedback", "#consent", {}),
])
def test_a_wrong_answer_gets_a_govuk_error_message_and_an_error_title(client, step, data, message, href, before):
    client.get(ADULT)
    for earlier, answers in ANSWERS.items():  # everything before `step`, then the wrong answer to it
        if earlier == step:
            break
        client.post(f"{ADULT}/{earlier}", data=before.get(earlier, answers))
    response = client.post(f"{ADULT}/{step}", data=data)
    assert response.status_code == 400
    assert title(response).startswith("Error: ")
    assert error_summary(response) == [(message, href)]
    assert soup(response).select_one(href) is not None, "the error summary links to a field on the page"


def test_5000_characters_of_feedback_are_accepted(client):
    sentence = "The transport page does not say who to call when the bus is late, and nobody answers. "
    body = (sentence * 60)[:5000].strip()
    client.get(ADULT)
    response = client.post(f"{ADULT}/your-feedback", data={"feedback": body})
    assert response.status_code == 302


def test_feedback_too_long_to_keep_between_pages_gets_a_readable_error_not_a_lost_answer(client):
    # 4,900 random Arabic letters do not compress: they cannot ride in the session cookie.
    rng = random.Random(56)
    body = "".join(rng.choice("ابتثجحخدذرزسشصضطظعغفقكلمنهوي ") for _ in range(4900))
    client.get(ADULT)
    response = client.post(f"{ADULT}/your-feedback", data={"feedback": body})
    assert response.status_code == 400
    [(message, href)] = error_summary(response)
    assert message.startswith("Your feedback is too long to send with this form")
    assert "localoffer@demo.example" in message
    assert soup(response).select_one("textarea[name=feedback]").get_text() == body  # still on the page to copy


# --- Order, sessions and resubmission ----------------------------------------------------------

def test_a_later_page_without_the_earlier_answers_sends_you_to_the_first_missing_question(client):
    assert client.get(f"{ADULT}/reply").headers["Location"] == f"{ADULT}/your-feedback"
    assert client.get(f"{ADULT}/check-your-answers").headers["Location"] == f"{ADULT}/your-feedback"
    client.post(f"{ADULT}/your-feedback", data={"feedback": "Hello"})
    assert client.get(f"{ADULT}/publishing").headers["Location"] == f"{ADULT}/what-it-is-about"
    assert client.post(f"{ADULT}/publishing", data={"consent": "yes"}).headers["Location"] == (
        f"{ADULT}/what-it-is-about")
    assert all_cases() == []


def test_starting_again_forgets_unsent_answers(client):
    answer_all(client)
    client.get(ADULT)
    assert client.get(f"{ADULT}/what-it-is-about").headers["Location"] == f"{ADULT}/your-feedback"
    assert "short breaks" not in client.get(f"{ADULT}/your-feedback").get_data(as_text=True)


def test_sending_twice_makes_one_case_and_shows_the_same_confirmation(client):
    answer_all(client)
    submission = {"token": token(client)}
    first = client.post(f"{ADULT}/check-your-answers", data=submission)
    again = client.post(f"{ADULT}/check-your-answers", data=submission)
    assert first.headers["Location"] == again.headers["Location"] == f"{ADULT}/sent"
    [case] = all_cases()
    assert len(all_emails()) == 1
    refreshed = client.get(f"{ADULT}/sent")
    assert case.reference in visible_text(refreshed)
    assert client.get(f"{ADULT}/check-your-answers").headers["Location"] == f"{ADULT}/sent"


def test_going_back_after_sending_shows_the_confirmation_not_an_empty_form(client):
    send(client)
    assert client.get(f"{ADULT}/publishing").headers["Location"] == f"{ADULT}/sent"
    assert client.get(ADULT).headers["Location"] == f"{ADULT}/your-feedback"  # starting again is one link away


def test_a_stale_check_answers_page_from_an_earlier_visit_does_not_send(client):
    answer_all(client)
    old_token = token(client)
    answer_all(client)  # starts again: a new draft with a new token
    response = client.post(f"{ADULT}/check-your-answers", data={"token": old_token})
    assert response.headers["Location"] == f"{ADULT}/check-your-answers"
    assert all_cases() == []


def test_sending_with_no_answers_in_the_session_says_so_and_starts_again(client):
    response = client.post(f"{ADULT}/check-your-answers", data={"token": "anything"})
    assert response.headers["Location"] == ADULT
    page = client.get(client.get(ADULT).headers["Location"])
    assert "We could not find your answers" in visible_text(page)
    assert all_cases() == []


def test_a_damaged_draft_in_the_session_is_treated_as_no_draft(client):
    with client.session_transaction() as stored:
        stored["feedback_draft"] = "not a draft"
        stored["feedback_sent"] = ["not", "a", "receipt"]
    assert client.get(f"{ADULT}/reply").headers["Location"] == f"{ADULT}/your-feedback"
    assert client.get(f"{ADULT}/sent").headers["Location"] == ADULT


# --- Abuse protection -------------------------------------------------------------------------

def test_a_filled_honeypot_looks_sent_but_keeps_nothing(client):
    page = soup(client.get(client.get(ADULT).headers["Location"]))
    trap = page.select_one("input[name=website]")
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
    assert trap.find_parent(attrs={"aria-hidden": "true"}).has_attr("class")

    answer_all(client, your_feedback={"feedback": "Cheap pills", "website": "http://spam.example"})
    response = client.post(f"{ADULT}/check-your-answers", data={"token": token(client)})
    confirmation = client.get(response.headers["Location"])
    assert "Feedback sent" in visible_text(confirmation)
    assert (all_cases(), all_emails()) == ([], [])
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_honeypot_filled_on_the_last_page_keeps_nothing_either(client):
    answer_all(client)
    client.post(f"{ADULT}/check-your-answers", data={"token": token(client), "website": "x"})
    assert (all_cases(), all_emails()) == ([], [])


@pytest.fixture
def rate_limited_client(app, suite_config):
    """An app whose limiter is on, with two submissions an hour; the suite's app is left as it was."""

    class RateLimitedConfig(suite_config):
        RATELIMIT_ENABLED = True
        RATELIMIT_SUBMISSIONS = "2 per hour"
        RATELIMIT_STORAGE_URI = "memory://"

    limited_app = create_app(RateLimitedConfig)
    try:
        with limited_app.app_context():
            yield limited_app.test_client()
            db.session.remove()
            db.engine.dispose()  # its own connection pool: closed now, not whenever it is collected
    finally:
        # One Limiter serves every app, and create_app made its Celery app the default: put both back.
        limiter.enabled = False
        app.extensions["celery"].set_default()
        app.extensions["celery"].set_current()


def test_too_many_submissions_from_one_address_get_the_429_page(app, rate_limited_client):
    client = rate_limited_client
    for _ in range(2):
        send(client)
    answer_all(client)
    response = client.post(f"{ADULT}/check-your-answers", data={"token": token(client)})
    assert response.status_code == 429
    assert title(response).startswith("Too many requests")
    assert len(all_cases()) == 2
    # Reading pages is never limited: only sending is.
    assert client.get(f"{ADULT}/check-your-answers").status_code == 200


# --- The young people's version ----------------------------------------------------------------

def test_the_young_peoples_version_speaks_to_the_young_person_and_makes_a_case(client):
    first = client.get(client.get(YOUNG).headers["Location"])
    assert soup(first).h1.get_text(strip=True) == "What do you want to tell us?"
    client.post(f"{YOUNG}/your-feedback", data={"feedback": "I could not find anything about college."})
    client.post(f"{YOUNG}/what-it-is-about", data={"topic": "content_gaps"})
    who = soup(client.get(f"{YOUNG}/who-you-are"))
    assert who.select_one("legend h1").get_text(strip=True) == "Who are you?"
    assert [radio["value"] for radio in who.select("input[name=role]")][:2] == ["young_person", "child"]
    confirmation = send(client, YOUNG, start=False,
                        your_feedback=None, what_it_is_about=None,
                        who_you_are={"role": "young_person"}, reply={"reply": "none"})
    [case] = all_cases()
    assert case.submitter_role == SubmitterRole.YOUNG_PERSON
    assert case.body == "I could not find anything about college."
    assert case.channel == Channel.WEB
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "intake.received"))
    assert event.after["form"] == "young people"
    assert case.reference in visible_text(confirmation)


def test_the_young_peoples_check_answers_links_stay_in_the_young_peoples_version(client):
    answer_all(client, YOUNG)
    page = soup(client.get(f"{YOUNG}/check-your-answers"))
    assert page.h1.get_text(strip=True) == "Check your answers"
    assert all(link["href"].startswith(f"{YOUNG}/") for link in page.select(".govuk-summary-list__actions a"))


# --- Feedback about a child's own support ------------------------------------------------------

def test_feedback_about_a_childs_own_support_is_recorded_as_excluded_and_signposted(client):
    answer_all(client, what_it_is_about={"topic": "individual_case"}, publishing=None)
    check = client.get(f"{ADULT}/check-your-answers")
    assert "Publish a summary" not in visible_text(check)
    assert "it will not be published" in visible_text(check)
    client.post(f"{ADULT}/check-your-answers", data={"token": token(client)})
    confirmation = client.get(f"{ADULT}/sent")

    [case] = all_cases()
    assert case.reg56_topic == Reg56Topic.INDIVIDUAL_CASE
    assert case.excluded_reason == SIGNPOSTED_REASON
    assert case.status == CaseStatus.CLOSED
    assert case.consent_publish is False
    [email] = all_emails()  # they gave an address: they still hear from us, with the signposting
    assert "SENDIASS" in email.body_text

    page = soup(confirmation)
    assert case.reference in page.select_one(".govuk-panel").get_text()
    assert page.find("a", string="SENDIASS")["href"] == "https://www.demo.example/sendiass"
    assert page.find("a", string="make a complaint")["href"] == "https://www.demo.example/complaints"
    assert "We will reply by" not in visible_text(confirmation)


def test_the_publishing_question_is_skipped_for_a_childs_own_support(client):
    client.get(ADULT)
    client.post(f"{ADULT}/your-feedback", data={"feedback": "My son's EHC plan is late."})
    client.post(f"{ADULT}/what-it-is-about", data={"topic": "individual_case"})
    client.post(f"{ADULT}/who-you-are", data={"role": "parent_carer"})
    response = client.post(f"{ADULT}/reply", data={"reply": "none"})
    assert response.headers["Location"] == f"{ADULT}/check-your-answers"
    assert client.get(f"{ADULT}/publishing").headers["Location"] == f"{ADULT}/check-your-answers"


# --- Bad input never 500s ----------------------------------------------------------------------

@pytest.mark.parametrize("method,path,status", [
    ("put", "/feedback/your-feedback", 405),
    ("post", "/feedback", 405),
    ("delete", "/feedback/check-your-answers", 405),
    ("post", "/feedback/sent", 405),
    ("get", "/feedback/no-such-question", 404),
    ("post", "/feedback/young-people/no-such-question", 404),
])
def test_wrong_methods_and_unknown_pages_get_a_govuk_error_page(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert "govuk-heading-l" in response.get_data(as_text=True)


def test_nul_bytes_and_control_characters_are_stripped_from_text(client):
    send(client, your_feedback={"feedback": "Bus\x00 pass\x07 page\x1b is\r\nwrong\x7f"},
         email_address={"email": "parent@example.org\x00", "name": "Sam\x00\x0b Parent\n"})
    [case] = all_cases()
    assert case.body == "Bus pass page is\nwrong"
    assert (case.contact_email, case.contact_name) == ("parent@example.org", "Sam Parent")


def test_a_multipart_post_that_is_not_utf8_is_read_with_replacement_characters(client):
    client.get(ADULT)
    body = b'--b\r\nContent-Disposition: form-data; name="feedback"\r\n\r\ncaf\xe9 menu \xff\xfe\r\n--b--\r\n'
    response = client.post(f"{ADULT}/your-feedback", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 302
    send(client, start=False, your_feedback=None)
    [case] = all_cases()
    assert case.body == "caf\ufffd menu \ufffd\ufffd"


def test_a_urlencoded_post_that_is_not_utf8_gets_the_form_back_with_a_message(client):
    # Werkzeug cannot decode such a body at all, so it reads as an empty form: a clear error, never a 500.
    client.get(ADULT)
    response = client.post(f"{ADULT}/your-feedback", data=b"feedback=caf\xe9+menu+\xff\xfe",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert error_summary(response) == [("Enter your feedback", "#feedback")]


def test_tampered_theme_values_get_an_error_not_a_crash(client, themes):
    client.get(ADULT)
    for step in ("your-feedback", "what-it-is-about", "who-you-are"):
        client.post(f"{ADULT}/{step}", data=ANSWERS[step])
    response = client.post(f"{ADULT}/themes", data={"themes": ["transport", "directory_accuracy", "<script>"]})
    assert response.status_code == 400
    assert error_summary(response) == [("Select themes from the list, or none", "#themes")]


def test_a_request_over_the_size_limit_gets_the_413_page(client, app):
    client.get(ADULT)
    response = client.post(f"{ADULT}/your-feedback", data={"feedback": "a" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413
    assert "too big" in title(response)


def test_the_session_is_used_for_nothing_but_answers(client):
    """Data minimised: before sending, the session holds the answers and a token, nothing else of ours."""
    answer_all(client, reply={"reply": "none"})
    with client.session_transaction() as stored:
        assert set(stored) <= {"feedback_draft", "csrf_token", "_flashes"}
        assert set(stored["feedback_draft"]) == {
            "voice", "channel", "token", "body", "topic", "role", "on_behalf_of", "reply", "email", "phone", "name",
            "consent"}
        assert stored["feedback_draft"]["email"] == ""
