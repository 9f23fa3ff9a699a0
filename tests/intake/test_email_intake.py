"""Every corpus email gets the outcome shared/corpus/README.md expects; threading, holds, bad input."""
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from feedback_app.accounts.models import Role
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import Case, CaseStatus, Channel, ReplyPreference, SubmitterRole
from feedback_app.extensions import db
from feedback_app.intake import email_services
from feedback_app.intake.email_release import ReleaseRefused, release_held_email
from feedback_app.intake.email_services import DUPLICATE, ingest_email
from feedback_app.intake.models import Attachment, CaseMessage, InboundEmail, InboundOutcome, MessageDirection
from feedback_app.outbox.models import OutboundEmail
from tests.factories import make_case, make_user
from tests.intake.email_support import EMAILS, acknowledgements, cases, corpus, count, inbound, ingest_corpus

NEW = InboundOutcome.NEW_CASE
# Each corpus file, and what a mature system does with it (shared/corpus/README.md). 08 and 12
# depend on another message and have their own tests below.
EXPECTED = {
    "01-plain": (NEW, True),
    "02-alternative": (NEW, True),
    "03-html-only": (NEW, True),
    "04-latin1-encoded-words": (NEW, True),
    "05-cp1252": (NEW, True),
    "06-pdf-attachment": (NEW, True),
    "07-image-attachment-unicode-name": (NEW, True),
    "09-auto-reply": (InboundOutcome.IGNORED, False),
    "10-bounce": (InboundOutcome.BOUNCE, False),
    "11-no-message-id": (NEW, True),
    "13-empty": (InboundOutcome.IGNORED, False),
    "14-long-line": (NEW, True),
    "15-forwarded-rfc822": (NEW, True),
    "16-spam": (InboundOutcome.HELD, False),
    "17-bulk-newsletter": (InboundOutcome.HELD, False),
    "18-utf8-8bit-emoji": (NEW, True),
    "19-calendar-invite": (NEW, True),
    "20-personal-data": (NEW, True),
}
THREADED = {"08-reply-with-reference", "12-duplicate-of-01"}


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """Committed acknowledgements would be handed to Celery: record the hand-off instead."""
    sent = []
    monkeypatch.setattr("feedback_app.outbox.services.enqueue", lambda name, *args: sent.append((name, args)))
    return sent


def test_every_corpus_message_has_an_expectation():
    assert {path.stem for path in EMAILS.glob("*.eml")} == set(EXPECTED) | THREADED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_outcome(app, name):
    outcome, makes_case = EXPECTED[name]
    result = ingest_corpus(name)

    assert result.outcome == outcome, result.reason
    recorded = inbound(result)
    assert recorded.outcome == outcome
    assert recorded.raw == corpus(name)  # kept exactly as received
    if makes_case:
        (case,) = cases()
        assert result.case_reference == case.reference
        assert recorded.case_id == case.id
        assert case.channel == Channel.EMAIL
        assert case.submitter_role == SubmitterRole.UNKNOWN
        assert case.contact_email == recorded.from_address
        assert case.reply_preference == ReplyPreference.EMAIL
        (message,) = [m for m in case.messages if m.direction == MessageDirection.INBOUND]
        assert message.inbound_email_id == recorded.id
        (ack,) = acknowledgements()
        assert ack.to_address == recorded.from_address
        assert ack.case_id == case.id
        assert case.acknowledged_at is not None
    else:
        assert cases() == []
        assert result.case_reference is None
        assert recorded.reason  # a readable reason, shown to the team
        assert count(OutboundEmail) == 0  # never acknowledged
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("inbound_email.%"))).all()
    assert event.action == f"inbound_email.{outcome}"
    assert event.after["kind"] == recorded.kind


def test_acknowledgement_threads_with_the_familys_message(app):
    ingest_corpus("01")
    (ack,) = acknowledgements("jo.bloggs@example.org")
    assert ack.in_reply_to == "corpus-01@mail.example"
    assert ack.references.split() == ["corpus-01@mail.example"]
    assert ack.message_id.startswith(f"{cases()[0].reference}.")


def test_commit_hands_the_acknowledgement_to_the_outbox_task(app, no_broker):
    ingest_corpus("01")
    (ack,) = acknowledgements()
    assert no_broker == [("outbox.send-email", (ack.id,))]


def test_alternative_keeps_the_text_part_and_the_raw_html(app):
    result = ingest_corpus("02")
    (case,) = cases()
    assert case.body.strip() == "The EHC plan pages use too many acronyms.\nPlease add a glossary."
    assert "<b>too many acronyms</b>" in inbound(result).html  # kept, only ever shown sanitised


def test_html_only_message_gets_text_without_script_or_image(app):
    ingest_corpus("03")
    (case,) = cases()
    assert "The referral link on the OT page is broken." in case.body
    assert "alert" not in case.body and "<script" not in case.body
    assert "tracker.example" not in case.body


def test_encoded_words_and_latin1_body_are_decoded(app):
    result = ingest_corpus("04")
    recorded = inbound(result)
    assert recorded.subject == "Café group – missing"
    assert recorded.from_name == "Renée O'Brien"
    (case,) = cases()
    assert case.contact_name == "Renée O'Brien"
    assert "Café group for parents is not listed. Fee £3 per session." in case.body


def test_cp1252_smart_quotes_and_dash_are_decoded(app):
    ingest_corpus("05")
    (case,) = cases()
    assert "The “Preparing for Adulthood” page isn’t clear about post-19 transport – please explain." in case.body


def test_pdf_attachment_is_stored_with_the_case(app):
    ingest_corpus("06")
    (case,) = cases()
    (attachment,) = db.session.scalars(select(Attachment)).all()
    assert attachment.filename == "letter.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.data.startswith(b"%PDF-")
    assert attachment.size == len(attachment.data)
    assert attachment.case_id == case.id
    assert attachment.inbound_email.case_id == case.id


def test_attachment_keeps_its_unicode_name(app):
    ingest_corpus("07")
    (attachment,) = db.session.scalars(select(Attachment)).all()
    assert attachment.filename == "écran 1.png"
    assert attachment.content_type == "image/png"
    assert attachment.data.startswith(b"\x89PNG")


def test_no_message_id_gets_a_stable_identity_and_a_redelivery_is_taken_once(app):
    first = ingest_corpus("11")
    assert inbound(first).identity.startswith("sha256:")
    received = b"Received: from mx2.example by mx.council.example; Mon, 05 Oct 2026 20:31:00 +0000\r\n"
    redelivered = received + corpus("11")
    again = ingest_email(redelivered, source="imap")
    assert again.outcome == DUPLICATE
    assert again.inbound_email_id == first.inbound_email_id
    assert len(cases()) == 1
    assert count(InboundEmail) == 1
    assert len(acknowledgements()) == 1


def test_no_message_id_redelivered_with_other_line_endings_is_taken_once(app):
    """A file has LF line endings; the same message over IMAP has CRLF."""
    first = ingest_corpus("11")
    again = ingest_email(corpus("11").replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), source="imap")
    assert again.outcome == DUPLICATE
    assert again.inbound_email_id == first.inbound_email_id
    assert len(cases()) == 1


def test_same_message_id_is_taken_once(app):
    first = ingest_corpus("01")
    again = ingest_corpus("12")
    assert again.outcome == DUPLICATE
    assert again.case_reference is None
    assert first.case_reference in again.reason
    assert len(cases()) == 1
    assert count(InboundEmail) == 1
    assert count(CaseMessage) == 2  # the family's message and our acknowledgement, once each
    assert len(acknowledgements()) == 1


def test_a_concurrent_twin_that_commits_first_makes_this_one_a_duplicate(app, monkeypatch):
    """The identity check passed, then another worker committed the same message: no second case."""
    first = ingest_corpus("01")
    real_find = email_services._find_by_identity
    calls = []

    def find_nothing_the_first_time(identity):
        calls.append(identity)
        return None if len(calls) == 1 else real_find(identity)

    monkeypatch.setattr(email_services, "_find_by_identity", find_nothing_the_first_time)
    again = ingest_corpus("12")
    assert again.outcome == DUPLICATE
    assert again.inbound_email_id == first.inbound_email_id
    assert len(cases()) == 1
    assert len(acknowledgements()) == 1


def test_reply_with_reference_from_the_case_contact_joins_that_case(app):
    case = make_case(contact_email="Jo.Bloggs@example.org", contact_name="Jo Bloggs")
    assert case.reference == "LO-2026-00001"
    result = ingest_corpus("08")
    assert result.outcome == InboundOutcome.JOINED_CASE
    assert result.case_reference == "LO-2026-00001"
    assert len(cases()) == 1
    (message,) = db.session.scalars(select(CaseMessage)).all()
    assert message.case_id == case.id and message.direction == MessageDirection.INBOUND
    assert "the map on the short breaks page does not load" in message.body
    assert acknowledgements() == []  # no second acknowledgement


def test_reference_in_the_subject_from_someone_else_makes_a_flagged_new_case(app):
    other_family = make_case(contact_email="someone.else@example.org")
    assert other_family.reference == "LO-2026-00001"
    result = ingest_corpus("08")
    assert result.outcome == InboundOutcome.POSSIBLE_FOLLOW_UP
    new_case = db.session.scalar(select(Case).where(Case.reference == result.case_reference))
    assert new_case.id != other_family.id
    assert new_case.possible_follow_up_of_id == other_family.id
    assert "Possible follow-up of LO-2026-00001" in new_case.intake_flag
    assert db.session.scalars(select(CaseMessage).where(CaseMessage.case_id == other_family.id)).all() == []
    (ack,) = acknowledgements()
    assert ack.to_address == "jo.bloggs@example.org" and ack.case_id == new_case.id


def test_reference_to_a_case_that_does_not_exist_makes_a_plain_new_case(app):
    result = ingest_corpus("08")
    assert result.outcome == NEW
    assert cases()[0].possible_follow_up_of_id is None


def test_reply_in_the_thread_of_the_first_message_joins_its_case(app):
    first = ingest_corpus("01")
    reply = ingest_corpus("08")  # References: <corpus-01@mail.example>
    assert reply.outcome == InboundOutcome.JOINED_CASE
    assert reply.case_reference == first.case_reference
    assert len(cases()) == 1
    assert len(acknowledgements()) == 1


def _reply(*, sender, in_reply_to, subject="Re: your feedback", message_id="reply-1@mail.example"):
    return (
        f"From: {sender}\r\nTo: localoffer@council.example\r\nSubject: {subject}\r\n"
        f"Date: Tue, 06 Oct 2026 09:00:00 +0000\r\nMessage-ID: <{message_id}>\r\n"
        f"In-Reply-To: <{in_reply_to}>\r\nReferences: <{in_reply_to}>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nMIME-Version: 1.0\r\n\r\n"
        "Another thought about the short breaks page.\r\n"
    ).encode()


def test_reply_to_our_acknowledgement_joins_the_case_even_from_another_address(app):
    first = ingest_corpus("01")
    (ack,) = acknowledgements()
    result = ingest_email(_reply(sender="jo.partner@example.org", in_reply_to=ack.message_id))
    assert result.outcome == InboundOutcome.JOINED_CASE
    assert result.case_reference == first.case_reference
    assert "other than the case's contact" in result.reason
    assert len(acknowledgements()) == 1


def test_someone_else_quoting_a_familys_message_id_does_not_join_their_case(app):
    ingest_corpus("01")
    result = ingest_email(_reply(sender="stranger@example.net", in_reply_to="corpus-01@mail.example"))
    assert result.outcome == NEW
    assert len(cases()) == 2


def test_the_familys_reply_to_a_resolved_case_reopens_it_with_new_deadlines(app):
    case = make_case(contact_email="jo.bloggs@example.org")
    case.status = CaseStatus.RESOLVED
    db.session.commit()
    result = ingest_corpus("08")
    assert result.outcome == InboundOutcome.JOINED_CASE
    assert result.case_reference == case.reference
    assert "open again" in result.reason
    reopened = db.session.get(Case, case.id)
    assert reopened.status == CaseStatus.RECEIVED and reopened.respond_by is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.reopened"))
    assert event.actor_label == "family"
    assert acknowledgements() == []  # a reply to an existing case is not acknowledged again


def test_someone_elses_reply_to_a_closed_case_joins_it_and_leaves_it_to_triage(app):
    case = make_case(contact_email="jo.bloggs@example.org")
    case.status = CaseStatus.CLOSED
    db.session.commit()
    result = ingest_corpus("08")
    assert result.outcome == InboundOutcome.JOINED_CASE
    assert "closed" in result.reason and "re-open" in result.reason
    assert db.session.get(Case, case.id).status == CaseStatus.CLOSED  # triage decides


def test_auto_reply_naming_a_case_is_still_ignored(app):
    make_case(contact_email="busy.parent@example.org")
    make_case(contact_email="busy.parent@example.org")
    make_case(contact_email="busy.parent@example.org")  # LO-2026-00003, named in its subject
    result = ingest_corpus("09")
    assert result.outcome == InboundOutcome.IGNORED
    assert count(CaseMessage) == 0
    assert acknowledgements() == []


def _bounce_of(message_id):
    return (
        "From: MAILER-DAEMON@mx.example\r\nTo: localoffer@council.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nDate: Tue, 06 Oct 2026 10:00:00 +0000\r\n"
        "Message-ID: <bounce-1@mx.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type="delivery-status"; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; jo.bloggs@example.org\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: localoffer@council.example\r\nTo: jo.bloggs@example.org\r\nMessage-ID: <{message_id}>\r\n"
        "Subject: We have your feedback\r\n\r\n--b1--\r\n"
    ).encode()


def test_bounce_is_recorded_against_the_outbound_message_it_answers(app):
    first = ingest_corpus("01")
    (ack,) = acknowledgements()
    result = ingest_email(_bounce_of(ack.message_id))
    assert result.outcome == InboundOutcome.BOUNCE
    assert inbound(result).bounced_email_id == ack.id
    assert first.case_reference in result.reason
    assert len(cases()) == 1 and count(CaseMessage) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.email_bounced"))
    assert event.case_id == cases()[0].id


def test_corpus_bounce_without_a_known_message_is_still_recorded(app):
    result = ingest_corpus("10")
    assert inbound(result).bounced_email_id is None
    assert "not one we can match" in result.reason


def test_polish_text_and_emoji_are_intact(app):
    result = ingest_corpus("18")
    (case,) = cases()
    assert inbound(result).subject == "Tłumaczenie strony 🙏"
    assert case.contact_name == "Łucja Wiśniewska"
    assert "Proszę o tłumaczenie strony o EHCP na język polski. Diolch! 🙏" in case.body


def test_long_line_is_kept_whole(app):
    ingest_corpus("14")
    (case,) = cases()
    sentence = "The directory search does not find speech therapy when I type SALT."
    assert case.body.count(sentence) == corpus("14").decode().replace("=\n", "").count(sentence)
    assert case.body.count(sentence) > 300


def test_forwarded_message_text_is_kept(app):
    result = ingest_corpus("15")
    (case,) = cases()
    assert "Forwarding a parent's question" in case.body
    assert "Who do I ask about transport to a special school out of county?" in case.body
    assert "Who do I ask about transport" in inbound(result).text


def test_calendar_invite_is_an_attachment_not_feedback(app):
    ingest_corpus("19")
    (case,) = cases()
    assert "BEGIN:VCALENDAR" not in case.body
    (attachment,) = db.session.scalars(select(Attachment)).all()
    assert attachment.filename == "invite.ics"
    assert attachment.content_type.startswith("text/calendar")
    assert attachment.case_id == case.id


def test_personal_data_is_kept_on_the_case_for_the_identifier_check(app):
    ingest_corpus("20")
    (case,) = cases()
    assert case.contact_name == "Mark Evans"
    assert "485 777 3456" in case.body and "GL2 4PE" in case.body


def test_audit_events_never_hold_the_message_content(app):
    for name in sorted(EXPECTED):
        ingest_corpus(name)
    for event in db.session.scalars(select(AuditEvent)).all():
        stored = json.dumps([event.before, event.after], ensure_ascii=False)
        for secret in ("485 777 3456", "short breaks", "WON a prize", "jo.bloggs@example.org", "Tłumaczenie"):
            assert secret not in stored


def test_releasing_held_spam_makes_a_case_once(app):
    held = ingest_corpus("16")
    assert held.outcome == InboundOutcome.HELD
    team_member = make_user(Role.TEAM)
    case = release_held_email(held.inbound_email_id, team_member)
    assert case.reference and case.channel == Channel.EMAIL
    assert case.body.strip() == "Click http://spam.example/win to claim."
    recorded = db.session.get(InboundEmail, held.inbound_email_id)
    assert recorded.outcome == InboundOutcome.RELEASED and recorded.case_id == case.id
    assert team_member.email in recorded.reason
    (ack,) = acknowledgements()  # a person decided it is real feedback
    assert ack.to_address == "promo@spam.example"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "inbound_email.released"))
    assert event.actor_id == team_member.id and event.before == {"outcome": "held"}
    with pytest.raises(ReleaseRefused):
        release_held_email(held.inbound_email_id, team_member)
    assert len(cases()) == 1


def test_released_auto_reply_is_never_acknowledged(app):
    ignored = ingest_corpus("09")
    case = release_held_email(ignored.inbound_email_id, make_user(Role.TEAM))
    assert case.contact_email == "busy.parent@example.org"
    assert acknowledgements() == []


def test_released_message_keeps_its_attachments(app, monkeypatch):
    monkeypatch.setitem(app.config, "INTAKE_MAX_MESSAGE_BYTES", 200)  # held as too large
    held = ingest_corpus("07")
    assert held.outcome == InboundOutcome.HELD and "too large" in held.reason
    assert cases() == [] and acknowledgements() == []
    case = release_held_email(held.inbound_email_id, make_user(Role.TEAM))
    (attachment,) = db.session.scalars(select(Attachment)).all()
    assert attachment.case_id == case.id and attachment.filename == "écran 1.png"


def test_bounces_and_new_cases_cannot_be_released(app):
    bounce = ingest_corpus("10")
    new = ingest_corpus("01")
    team_member = make_user(Role.TEAM)
    for result in (bounce, new):
        with pytest.raises(ReleaseRefused):
            release_held_email(result.inbound_email_id, team_member)
    assert len(cases()) == 1


def test_attachment_over_the_size_limit_is_left_out_and_the_reason_kept(app, monkeypatch):
    monkeypatch.setitem(app.config, "INTAKE_MAX_ATTACHMENT_BYTES", 10)
    result = ingest_corpus("06")
    assert result.outcome == NEW
    assert count(Attachment) == 0
    assert "Attachment left out" in result.reason
    assert "Attachment left out" in cases()[0].intake_flag


def test_a_failure_inside_intake_keeps_the_message_raw_for_the_team(app, monkeypatch):
    def broken(*args):
        raise RuntimeError("a bug we did not foresee")

    monkeypatch.setattr(email_services, "_decide", broken)
    result = ingest_corpus("01")
    assert result.outcome == InboundOutcome.UNPARSEABLE
    assert "RuntimeError" in result.reason
    recorded = inbound(result)
    assert recorded.raw == corpus("01") and recorded.identity == "corpus-01@mail.example"
    assert cases() == [] and acknowledgements() == []
    monkeypatch.undo()
    assert ingest_corpus("01").outcome == DUPLICATE  # the fix does not take it twice: the team releases it


@pytest.mark.parametrize("raw", [
    b"",
    b"\x00\xff\xfe garbage that is not an email \x00",
    b"From: <<<>>>\r\nSubject: =?utf-8?b?!!!?=\r\nContent-Type: multipart/mixed\r\n\r\nno boundary",
    b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\ntruncated",
])
def test_hostile_or_broken_messages_are_recorded_not_raised(app, raw):
    result = ingest_email(raw, source="file")
    assert result.inbound_email_id is not None
    assert inbound(result).raw == raw
    assert result.reason or result.case_reference


def test_over_long_headers_and_nul_characters_fit_the_database(app):
    raw = (
        f"From: {'N' * 300} <{'a' * 60}@example.org>\r\nTo: localoffer@council.example\r\n"
        f"Subject: {'S' * 2000}\r\nMessage-ID: <{'m' * 400}@example.org>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nMIME-Version: 1.0\r\n\r\n"
        "Text with a NUL \x00 in it.\r\n"
    ).encode()
    result = ingest_email(raw, source="file")
    assert result.outcome == NEW
    recorded = inbound(result)
    assert len(recorded.subject) <= 500 and len(recorded.identity) <= 300
    assert "\x00" not in cases()[0].body
    assert ingest_email(raw, source="file").outcome == DUPLICATE


def test_subject_only_message_keeps_the_subject_as_the_feedback(app):
    raw = (b"From: parent@example.org\r\nTo: localoffer@council.example\r\n"
           b"Subject: Please list the autism support group in Stroud\r\nMessage-ID: <subject-only@example.org>\r\n"
           b"Content-Type: text/plain\r\nMIME-Version: 1.0\r\n\r\n")
    result = ingest_email(raw, source="file")
    assert result.outcome == NEW
    (case,) = cases()
    assert case.body == "Please list the autism support group in Stroud"
    assert "no text" in case.intake_flag


def test_mail_from_our_own_address_is_never_acknowledged(app):
    own = app.config["CONTACT_EMAIL"]
    raw = corpus("01").replace(b"Jo Bloggs <jo.bloggs@example.org>", f"Team <{own}>".encode())
    result = ingest_email(raw, source="file")
    assert result.outcome == NEW
    assert acknowledgements() == []


def test_deadlines_count_from_the_councils_calendar_day_the_email_arrived(app):
    # 23:30 UTC on 1 June is 00:30 on 2 June in London (British Summer Time).
    result = ingest_corpus("01", received_at=datetime(2026, 6, 1, 23, 30, tzinfo=UTC))
    case = db.session.scalar(select(Case).where(Case.reference == result.case_reference))
    assert type(case.received_on) is date and case.received_on == date(2026, 6, 2)
