"""Reading inbound email: the shared corpus, classification rules, and hostile input."""
import quopri
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedback_app.common.safe_html import sanitise_html
from feedback_app.intake.email_parsing import (
    FORWARDED_LINE, Attachment, MessageKind, ParsedEmail, content_identity, parse_message,
)
from feedback_app.intake.email_text import html_to_text, strip_quoted_reply


def corpus_dir() -> Path:
    # CI checks out shared/ beside the repository clone.
    return Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "emails"


def sample_bytes(number: str) -> bytes:
    (path,) = corpus_dir().glob(f"{number}-*.eml")
    return path.read_bytes()


def sample(number: str) -> ParsedEmail:
    return parse_message(sample_bytes(number))


def message(headers: str, body: str = "Hello, the transport page is out of date.") -> bytes:
    head = "From: Parent <parent@example.org>\nTo: localoffer@council.example\nMessage-ID: <t@example.org>\n"
    head += headers.strip() + "\n" if headers.strip() else ""
    return (head + "\n" + body).encode("utf-8")


# --- the corpus: what each sample shows at parse level ---

EXPECTED_KINDS = {
    "01": MessageKind.FEEDBACK, "02": MessageKind.FEEDBACK, "03": MessageKind.FEEDBACK,
    "04": MessageKind.FEEDBACK, "05": MessageKind.FEEDBACK, "06": MessageKind.FEEDBACK,
    "07": MessageKind.FEEDBACK, "08": MessageKind.FEEDBACK, "09": MessageKind.AUTO_REPLY,
    "10": MessageKind.BOUNCE, "11": MessageKind.FEEDBACK, "12": MessageKind.FEEDBACK,
    "13": MessageKind.EMPTY, "14": MessageKind.FEEDBACK, "15": MessageKind.FEEDBACK,
    "16": MessageKind.SPAM, "17": MessageKind.BULK, "18": MessageKind.FEEDBACK,
    "19": MessageKind.FEEDBACK, "20": MessageKind.FEEDBACK,
}


def test_every_corpus_sample_has_an_expected_kind():
    assert sorted(path.name[:2] for path in corpus_dir().glob("*.eml")) == sorted(EXPECTED_KINDS)


@pytest.mark.parametrize(("number", "kind"), EXPECTED_KINDS.items())
def test_corpus_sample_is_classified(number, kind):
    parsed = sample(number)
    assert parsed.kind == kind, parsed.kind_reason
    assert parsed.kind_reason
    assert parsed.from_address and parsed.to_addresses == ["localoffer@council.example"]
    assert parsed.date is not None and parsed.date.tzinfo is not None


def test_01_plain_text_and_headers():
    parsed = sample("01")
    assert parsed.identity == parsed.message_id == "corpus-01@mail.example"
    assert (parsed.from_name, parsed.from_address) == ("Jo Bloggs", "jo.bloggs@example.org")
    assert parsed.subject == "Short breaks for teenagers"
    assert parsed.date == datetime(2026, 10, 5, 10, 30, tzinfo=UTC)
    assert parsed.text == (
        "Hello,\n\nThere are no short breaks listed for young people over 14 in the south of the county.\n"
        "Could these be added?\n\nThanks,\nJo"
    )
    assert parsed.attachments == [] and parsed.case_references == []


def test_02_alternative_takes_the_text_part_and_keeps_the_html():
    parsed = sample("02")
    assert parsed.text == "The EHC plan pages use too many acronyms.\nPlease add a glossary."
    assert "<b>too many acronyms</b>" in parsed.html
    assert parsed.html_sanitised.startswith("<p>The EHC plan pages use <b>too many acronyms</b>.</p>")


def test_03_html_only_is_read_as_text_without_script_or_image():
    parsed = sample("03")
    assert parsed.text == "The referral link on the OT page is broken."
    assert "<script>" in parsed.html  # kept as received, for the record
    cleaned = parsed.html_sanitised.lower()
    assert "The referral link on the OT page is broken." in parsed.html_sanitised
    for forbidden in ("<script", "alert", "<img", "tracker.example"):
        assert forbidden not in cleaned


def test_04_encoded_words_and_latin1_body():
    parsed = sample("04")
    assert parsed.subject == "Café group – missing"
    assert parsed.from_name == "Renée O'Brien"
    assert parsed.text == "Café group for parents is not listed. Fee £3 per session."


def test_05_cp1252_smart_quotes_and_dash():
    assert sample("05").text == (
        "The \u201cPreparing for Adulthood\u201d page isn\u2019t clear about post-19 transport \u2013 please explain."
    )


def test_06_pdf_attachment():
    parsed = sample("06")
    assert parsed.text == "Please see my letter attached about the Local Offer."
    (attachment,) = parsed.attachments
    assert (attachment.filename, attachment.content_type) == ("letter.pdf", "application/pdf")
    assert attachment.data.startswith(b"%PDF-1.4") and attachment.size == len(attachment.data)


def test_07_rfc2231_attachment_name():
    (attachment,) = sample("07").attachments
    assert (attachment.filename, attachment.content_type) == ("écran 1.png", "image/png")


def test_08_reply_carries_its_case_reference_and_thread():
    parsed = sample("08")
    assert parsed.case_references == ["LO-2026-00001"]
    assert parsed.in_reply_to == "ack-LO-2026-00001@council.example"
    assert parsed.references == ["corpus-01@mail.example", "ack-LO-2026-00001@council.example"]
    assert strip_quoted_reply(parsed.text) == (
        "Thanks. One more thing: the map on the short breaks page does not load."
    )


def test_09_auto_reply_is_recognised_even_though_it_names_a_case():
    parsed = sample("09")
    assert parsed.kind == MessageKind.AUTO_REPLY
    assert parsed.kind_reason == "Automatic reply (Auto-Submitted: auto-replied)"
    assert parsed.case_references == ["LO-2026-00003"]  # the intake must look at kind first


def test_10_bounce():
    parsed = sample("10")
    assert parsed.kind == MessageKind.BOUNCE
    assert "delivery-status" in parsed.kind_reason
    assert "could not be delivered to gone@example.org" in parsed.text
    assert "Status: 5.1.1" in parsed.text
    assert parsed.bounced_message_id is None  # this sample does not return the original message


ORIGINAL_HEADERS = b"From: localoffer@council.example\nTo: gone@example.org\nMessage-ID: <corpus-01@mail.example>\n"


@pytest.mark.parametrize("returned_part", [
    b"Content-Type: message/rfc822\n\n" + ORIGINAL_HEADERS + b"Subject: Thanks\n\nYour reference is LO-2026-00001.\n",
    b"Content-Type: text/rfc822-headers\n\n" + ORIGINAL_HEADERS,
])
def test_10_bounce_names_the_message_it_returns(returned_part):
    raw = sample_bytes("10")
    closing = b"--===============6847513385280365428==--"
    raw = raw.replace(closing, b"--===============6847513385280365428==\n" + returned_part + b"\n" + closing)
    parsed = parse_message(raw)
    assert parsed.kind == MessageKind.BOUNCE
    assert parsed.bounced_message_id == "corpus-01@mail.example"
    assert "Your reference" not in parsed.text and parsed.attachments == []


def test_bounce_without_a_report_finds_the_message_id_in_its_body():
    raw = b"From: Mail Delivery System <MAILER-DAEMON@mx.example>\nSubject: Undeliverable\n\n" \
          b"Delivery failed.\n\n------ original message ------\nMessage-ID: <out-42@council.example>\n"
    parsed = parse_message(raw)
    assert parsed.kind == MessageKind.BOUNCE
    assert parsed.bounced_message_id == "out-42@council.example"


def test_11_no_message_id_gets_a_stable_content_identity():
    raw = sample_bytes("11")
    parsed = parse_message(raw)
    assert parsed.message_id is None and parsed.identity.startswith("sha256:")
    redelivered = (
        b"Return-Path: <nomid@example.org>\nReceived: from mx.example by imap.example; Tue, 06 Oct 2026\n"
        b"\tfolded continuation\nDelivered-To: localoffer@council.example\nX-Spam-Score: 0.1\n" + raw
    ).replace(b"\n", b"\r\n")
    assert parse_message(redelivered).identity == parsed.identity
    assert parse_message(raw.replace(b"is great", b"is poor")).identity != parsed.identity
    assert content_identity(raw) == parsed.identity


def test_12_duplicate_has_the_same_identity_as_01():
    assert sample("12").identity == sample("01").identity == "corpus-01@mail.example"


def test_13_empty_message_says_why():
    parsed = sample("13")
    assert parsed.kind == MessageKind.EMPTY
    assert parsed.kind_reason == "No text and no attachments, and no subject"
    assert parsed.text == "" and parsed.subject == ""


def test_14_long_line_is_kept_whole():
    raw = sample_bytes("14")
    expected = quopri.decodestring(raw.split(b"\n\n", 1)[1]).decode("utf-8").strip()
    parsed = parse_message(raw)
    assert "\n" not in parsed.text and len(parsed.text) > 20_000
    assert parsed.text == expected


def test_15_forwarded_message_text_is_kept():
    text = sample("15").text
    outer, forwarded = text.split(FORWARDED_LINE)
    assert outer.strip() == (
        "Forwarding a parent's question, they are happy for you to reply to them directly."
    )
    assert "From: original.sender@example.org" in forwarded
    assert "Subject: Transport question" in forwarded
    assert "Date: Tue, 06 Oct 2026 00:30:00 +0000" in forwarded
    assert forwarded.strip().endswith("Who do I ask about transport to a special school out of county?")


def test_16_spam():
    assert sample("16").kind_reason == "Marked as spam by the mail filter (X-Spam-Flag: YES)"


def test_17_bulk():
    assert sample("17").kind_reason == "Bulk mail (Precedence: bulk)"


def test_18_polish_and_emoji_intact():
    parsed = sample("18")
    assert parsed.from_name == "Łucja Wiśniewska"
    assert parsed.subject == "Tłumaczenie strony 🙏"
    assert parsed.text == "Proszę o tłumaczenie strony o EHCP na język polski. Diolch! 🙏"


def test_19_calendar_invite_is_an_attachment_not_feedback_text():
    parsed = sample("19")
    assert parsed.text == "You are invited to the Local Offer review group on 12 November."
    (invite,) = parsed.attachments
    assert (invite.filename, invite.content_type) == ("invite.ics", "text/calendar")
    assert invite.data.startswith(b"BEGIN:VCALENDAR")


def test_20_personal_data_is_kept_for_the_team():
    text = sample("20").text
    assert "485 777 3456" in text and "GL2 4PE" in text and "01452 496000" in text


# --- classification rules and their order ---

@pytest.mark.parametrize(("headers", "kind", "reason"), [
    ("Auto-Submitted: no", MessageKind.FEEDBACK, "Written by a person"),
    ("Auto-Submitted: auto-generated", MessageKind.AUTO_REPLY, "Auto-Submitted: auto-generated"),
    ("X-Auto-Response-Suppress: All", MessageKind.AUTO_REPLY, "X-Auto-Response-Suppress: All"),
    ("Precedence: auto_reply", MessageKind.AUTO_REPLY, "Precedence: auto_reply"),
    ("Subject: Out of Office: transport", MessageKind.AUTO_REPLY, "subject"),
    ("Subject: Auto: I am away", MessageKind.AUTO_REPLY, "subject"),
    ("Subject: Out of office", MessageKind.AUTO_REPLY, "subject"),
    ("Subject: Out of office hours short breaks", MessageKind.FEEDBACK, "Written by a person"),
    ("Precedence: list", MessageKind.BULK, "Precedence: list"),
    ("Precedence: junk", MessageKind.BULK, "Precedence: junk"),
    ("List-Id: <parents.lists.example>", MessageKind.BULK, "List-Id"),
    ("List-Unsubscribe: <mailto:u@example.org>", MessageKind.BULK, "List-Unsubscribe"),
    ("X-Spam-Status: Yes, score=9", MessageKind.SPAM, "X-Spam-Status: Yes"),
    ("X-Spam-Status: No, score=0.2", MessageKind.FEEDBACK, "Written by a person"),
    ("X-Spam-Flag: YES\nList-Unsubscribe: <mailto:u@example.org>", MessageKind.SPAM, "X-Spam-Flag"),
    ("X-Spam-Flag: YES\nAuto-Submitted: auto-replied", MessageKind.SPAM, "X-Spam-Flag"),
    ("Auto-Submitted: auto-replied\nPrecedence: bulk", MessageKind.AUTO_REPLY, "Auto-Submitted"),
    ("Sender: x@example.org\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n"
     "Auto-Submitted: auto-replied", MessageKind.BOUNCE, "delivery-status"),
    ("Content-Type: multipart/report; report-type=disposition-notification; boundary=b",
     MessageKind.AUTO_REPLY, "disposition-notification"),
])
def test_classification_rules(headers, kind, reason):
    body = "--b\nContent-Type: text/plain\n\nA report.\n--b--\n" if "boundary=b" in headers else "Hello there."
    parsed = parse_message(message(headers, body))
    assert (parsed.kind, reason in parsed.kind_reason) == (kind, True), parsed.kind_reason


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example", "Mail Delivery <postmaster@school.example>"])
def test_delivery_system_senders_are_bounces(sender):
    parsed = parse_message(f"From: {sender}\nSubject: Returned mail\n\nUser unknown.".encode())
    assert parsed.kind == MessageKind.BOUNCE and "sent by" in parsed.kind_reason


def test_a_reply_holding_only_quoted_text_is_empty():
    raw = message("Subject: Re: Your feedback [LO-2026-00007]\nIn-Reply-To: <ack@council.example>",
                  "\n\nOn 5 Oct 2026, Local Offer Team wrote:\n> Thank you.\n")
    parsed = parse_message(raw)
    assert parsed.kind == MessageKind.EMPTY
    assert parsed.kind_reason == "Only quoted earlier text: no new text and no attachments"


def test_a_subject_alone_is_still_feedback():
    parsed = parse_message(message("Subject: Please list the Saturday autism club", "\n"))
    assert parsed.kind == MessageKind.FEEDBACK
    assert parsed.kind_reason == "Subject line only: the message has no text or attachments"


def test_an_attachment_alone_is_feedback():
    raw = message("Content-Type: multipart/mixed; boundary=b",
                  "--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=a.pdf\n\n"
                  "%PDF-1.4\n--b--\n")
    parsed = parse_message(raw)
    assert parsed.kind == MessageKind.FEEDBACK and parsed.attachments[0].content_type == "application/pdf"


def test_case_references_use_the_configured_prefix():
    raw = message("Subject: Re: [ABC-2026-00012] and abc-2026-123456, not XABC-2026-00001")
    assert parse_message(raw, reference_prefix="ABC").case_references == ["ABC-2026-00012", "ABC-2026-123456"]


# --- text, charsets, HTML and attachments ---

def test_html_alternative_is_used_when_the_text_part_is_blank():
    raw = message("Content-Type: multipart/alternative; boundary=b",
                  "--b\nContent-Type: text/plain\n\n \n--b\nContent-Type: text/html\n\n<p>Only here</p>\n--b--\n")
    assert parse_message(raw).text == "Only here"


def test_html_to_text_keeps_structure_and_drops_code():
    html = (
        "<html><head><title>Newsletter</title><style>p {color: red}</style></head><body>"
        "<h1>Heading</h1><p>First&nbsp;para &amp; more</p><p>Line one<br>Line two</p>"
        "<ul><li>One</li><li>Two</li></ul><script>alert(1)</script>"
        "<p>See <a href='https://example.org/page'>this page</a> or <a href='mailto:a@example.org'>"
        "a@example.org</a>.</p></body></html>"
    )
    assert html_to_text(html) == (
        "Heading\n\nFirst para & more\n\nLine one\nLine two\n\n- One\n- Two\n\n"
        "See this page (https://example.org/page) or a@example.org."
    )


@pytest.mark.parametrize(("content_type", "body", "expected"), [
    ("text/plain; charset=x-made-up", "caf\xe9".encode("latin-1"), "café"),
    ("text/plain; charset=us-ascii", "Łódź".encode("utf-8"), "Łódź"),
    ("text/plain; charset=iso-8859-1", b"\x93quoted\x94", "\u201cquoted\u201d"),
    ("text/plain; charset=zlib", b"plain", "plain"),
    ("text/plain; charset=utf-8", b"bad \xff byte", "bad \ufffd byte"),
    ("text/plain; charset=utf-8; format=flowed", b"A long paragraph \nthat was wrapped.\n\nNext.",
     "A long paragraph that was wrapped.\n\nNext."),
    ("text/plain; charset=utf-8", b"nul\x00 and \x07bell", "nul and bell"),
])
def test_charsets_decode_safely(content_type, body, expected):
    raw = message(f"Content-Type: {content_type}\nContent-Transfer-Encoding: 8bit", "") + body
    assert parse_message(raw).text == expected


def test_outlook_invite_inside_alternative_is_kept_as_attachment():
    raw = message("Content-Type: multipart/alternative; boundary=b",
                  "--b\nContent-Type: text/plain\n\nReview group.\n--b\nContent-Type: text/html\n\n<p>Review group.</p>\n"
                  "--b\nContent-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n--b--\n")
    parsed = parse_message(raw)
    assert parsed.text == "Review group."
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [("attachment-1.ics", "text/calendar")]


def _with_attachments(*parts: str) -> bytes:
    body = "--b\nContent-Type: text/plain\n\nSee attached.\n" + "".join(f"--b\n{part}\n" for part in parts) + "--b--\n"
    return message("Content-Type: multipart/mixed; boundary=b", body)


def test_attachment_names_and_types_are_made_safe():
    parsed = parse_message(_with_attachments(
        "Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"..\\\\..\\\\win.png\""
        "\nContent-Transfer-Encoding: base64\n\niVBORw0KGgoAAAANSUhEUg==",
        "Content-Type: application/pdf\nContent-Disposition: attachment; filename=\"=?utf-8?q?r=C3=A9sum=C3=A9.pdf?=\""
        "\n\nnot really a pdf",
        "Content-Disposition: attachment\n\nno type at all",
    ))
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("win.png", "image/png"), ("résumé.pdf", "application/pdf"), ("attachment-3.bin", "application/octet-stream"),
    ]


def test_attachment_limits_are_reported():
    gif = "Content-Type: image/gif\nContent-Disposition: attachment; filename=pic{}.gif\n\nGIF89a small"
    parsed = parse_message(
        _with_attachments("Content-Type: image/gif\nContent-Disposition: attachment; filename=big.gif\n\nGIF89a" + "x" * 2000,
                          *[gif.format(n) for n in range(8)]),
        max_attachment_bytes=1024, max_attachments=2,
    )
    assert [a.filename for a in parsed.attachments] == ["pic0.gif", "pic1.gif"]
    assert parsed.dropped_attachments == [
        "big.gif (2 KB) is larger than the 1 KB limit",
        "Only 2 attachments are kept from one message; not kept: pic2.gif, pic3.gif, pic4.gif, pic5.gif, pic6.gif "
        "and 1 more",
    ]
    assert all(isinstance(a, Attachment) and a.size == len(a.data) for a in parsed.attachments)


def test_headers_are_decoded_and_bounded():
    raw = (
        "From: =?utf-8?q?a=0D=0Abcc:x?= <a@example.org>\nTo: =?utf-8?q?Smith=2C_Jo?= <jo@example.org>, not-an-address\n"
        "Subject: =?x-unknown?q?caf=E9?= =?utf-8?b?IOKAkyA=?= =?utf-8?q?ok?=\r\n\t" + "long " * 200 + "\n"
        "Date: Mon, 05 Oct 2026 10:30:00 -0000\nMessage-ID: <" + "m" * 400 + "@example.org>\n\nHi"
    ).encode("utf-8")
    parsed = parse_message(raw)
    assert parsed.from_address == "a@example.org"
    assert parsed.to_addresses == ["jo@example.org"]
    assert parsed.subject.startswith("café – ok long long") and len(parsed.subject) == 500
    assert parsed.date == datetime(2026, 10, 5, 10, 30, tzinfo=UTC)
    assert parsed.message_id is None and parsed.identity.startswith("sha256:")
    assert "\n" not in parsed.subject and "\r" not in (parsed.from_name or "")


def test_raw_8bit_headers_are_read():
    parsed = parse_message("From: Renée <r@example.org>\nSubject: Café ½\n\nhi".encode("latin-1"))
    assert (parsed.from_name, parsed.subject) == ("Renée", "Café ½")


# --- hostile input never raises ---

def _nested(depth: int) -> bytes:
    return b"From: a@example.org\n" + b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (n, n) for n in range(depth)) + b"\nx"


HEADERS = b"From: a@example.org\nTo: b@example.org\nSubject: s\nMessage-ID: <h@example.org>\n"
HOSTILE = {
    "empty": b"",
    "whitespace": b" \r\n\r\n",
    "random bytes": random.Random(0).randbytes(50_000),
    "nul bytes": b"\x00" * 1000,
    "invalid encoded words": b"Subject: =?utf-8?b?!!!?= =?utf-8?q?=ZZ?= =?=?=\nFrom: =?bogus?q?=FF?= <a@b>\n\nx",
    "no closing boundary": HEADERS + b"Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain"
                           b"\n\nhello\n--XX\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBER",
    "multipart without boundary": HEADERS + b"Content-Type: multipart/mixed\n\nhello",
    "5 MB line": HEADERS + b"Content-Type: text/plain\n\n" + b"x" * 5_000_000,
    "5 MB header": b"Subject: " + b"=?a" * 1_700_000 + b"\nFrom: a@b\n\nx",
    "html that makes html.parser quadratic": HEADERS + b"Content-Type: text/html\n\n" + b"<a" * 500_000,
    "html end tags": HEADERS + b"Content-Type: text/html\n\n" + b"</" * 500_000,
    "nested 30 deep": _nested(30),
    "nested 3000 deep": _nested(3000),
    "broken base64": HEADERS + b"Content-Type: image/png\nContent-Transfer-Encoding: base64\n\n!!@@==",
    "garbage forwarded message": HEADERS + b"Content-Type: message/rfc822\n\n\x00\x01\xff",
    "broken rfc2231": HEADERS + b"Content-Type: image/png\nContent-Disposition: attachment; filename*=x''%ZZ%C3\n\nx",
    "bad dates and ids": b"Date: 99 Foo 99999 99:99:99 +9999\nMessage-ID: <<>>\nReferences: <\nFrom: <>\n\nx",
    "many references": HEADERS + b"References: " + b"<a@b> " * 100_000 + b"\n\nx",
    "header only": b"From: a@example.org",
}


@pytest.mark.parametrize("raw", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_never_raises(raw):
    parsed = parse_message(raw)
    assert isinstance(parsed.kind, MessageKind) and parsed.kind_reason and parsed.identity
    for value in (parsed.identity, parsed.subject, parsed.text, parsed.html or "", parsed.from_name or "",
                  parsed.kind_reason, *parsed.dropped_attachments, *(a.filename for a in parsed.attachments)):
        value.encode("utf-8")  # no lone surrogates: the database would refuse them
        assert "\x00" not in value
    assert len(parsed.subject) <= 500 and len(parsed.identity) <= 300
    assert len(parsed.references) <= 50


@pytest.mark.parametrize(("name", "reason"), [
    ("empty", "The message is empty"),
    ("random bytes", "No email headers were found"),
    ("nested 3000 deep", "The message could not be read (RecursionError"),
])
def test_unreadable_messages_say_why_and_get_a_content_identity(name, reason):
    parsed = parse_message(HOSTILE[name])
    assert parsed.kind == MessageKind.UNPARSEABLE and parsed.kind_reason.startswith(reason)
    assert parsed.identity == content_identity(HOSTILE[name])


def test_deeply_nested_parts_are_reported():
    assert parse_message(_nested(30)).dropped_attachments == ["Parts nested more than 20 levels deep were not read"]


# --- sanitised HTML ---

@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src='http://tracker.example/p.gif'>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='jav&#x61;script:alert(1)'>x</a>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "<p style='background:url(http://tracker.example/p)' onclick='alert(1)'>x</p>",
    "<iframe src='http://evil.example'></iframe>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<!--<script>alert(1)</script>--><p>x",
    "<style>@import url(http://evil.example/a.css)</style>",
    "<form action='http://evil.example'><input name=a><button formaction=x>go</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data='http://evil.example/x.swf'></object><embed src='x'>",
    "<base href='http://evil.example/'><meta http-equiv=refresh content='0;url=http://evil.example'>",
])
def test_sanitise_html_removes_everything_active(hostile):
    cleaned = sanitise_html(hostile).lower()
    for forbidden in ("<script", "<img", "onerror", "onload", "onclick", "javascript:", "data:", "style=",
                      "<iframe", "<svg", "<style", "<form", "<input", "<object", "<embed", "<base", "<meta",
                      "evil.example", "tracker.example"):
        assert forbidden not in cleaned, (hostile, cleaned)


def test_sanitise_html_keeps_basic_formatting_and_safe_links():
    html = ("<p>Hi <strong>there</strong> <em>you</em></p><ul><li>one</li></ul><blockquote>q</blockquote>"
            "<a href='https://example.org/a' target='_blank' rel='opener'>web</a>"
            "<a href='mailto:team@example.org'>mail</a><a href='/relative'>rel</a>")
    assert sanitise_html(html) == (
        "<p>Hi <strong>there</strong> <em>you</em></p><ul><li>one</li></ul><blockquote>q</blockquote>"
        '<a href="https://example.org/a" rel="noopener noreferrer nofollow">web</a>'
        '<a href="mailto:team@example.org" rel="noopener noreferrer nofollow">mail</a>'
        '<a rel="noopener noreferrer nofollow">rel</a>'
    )
