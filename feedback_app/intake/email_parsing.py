"""Inbound email read and classified: pure functions of the raw bytes, no database and no Flask."""
import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses
from enum import StrEnum

from feedback_app.common.safe_html import sanitise_html
from feedback_app.intake.email_text import (
    clean_text, decode_bytes, decode_words, describe_size, header_date, html_to_text, message_ids, one_line,
    safe_filename, sniff_content_type, strip_quoted_reply, unflow,
)

# Widths of the inbound_emails / attachments columns, so a hostile header cannot break an insert.
MAX_ID, MAX_ADDRESS, MAX_NAME, MAX_SUBJECT, MAX_FILENAME, MAX_TYPE = 300, 254, 200, 500, 255, 100
MAX_DEPTH = 20  # MIME nesting read; deeper parts are reported, not followed
MAX_REFERENCES = 50
FORWARDED_LINE = "---------- Forwarded message ----------"


class MessageKind(StrEnum):
    FEEDBACK = "feedback"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    BULK = "bulk"
    SPAM = "spam"
    EMPTY = "empty"
    UNPARSEABLE = "unparseable"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class ParsedEmail:
    identity: str
    message_id: str | None = None
    from_address: str | None = None
    from_name: str | None = None
    to_addresses: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    text: str = ""
    html: str | None = field(default=None, repr=False)
    attachments: list[Attachment] = field(default_factory=list)
    kind: MessageKind = MessageKind.FEEDBACK
    kind_reason: str = ""
    bounced_message_id: str | None = None
    case_references: list[str] = field(default_factory=list)
    dropped_attachments: list[str] = field(default_factory=list)

    @property
    def html_sanitised(self) -> str | None:
        return sanitise_html(self.html) if self.html is not None else None


def parse_message(raw: bytes, *, max_attachment_bytes: int = 10 * 1024 * 1024, max_attachments: int = 10,
                  reference_prefix: str = "LO") -> ParsedEmail:
    """Read one raw message. Never raises on bytes: what cannot be read comes back UNPARSEABLE."""
    raw = bytes(raw)
    try:
        return _parse(raw, max_attachment_bytes, max_attachments, reference_prefix)
    except Exception as error:  # one bad message must never block the mailbox
        return ParsedEmail(identity=content_identity(raw), kind=MessageKind.UNPARSEABLE,
                           kind_reason=f"The message could not be read ({type(error).__name__}: "
                                       f"{one_line(str(error), 200)})")


_VOLATILE = re.compile(rb"(received|return-path|delivered-to|x-[^:\n]*|authentication-results|arc-[^:\n]*"
                       rb"|received-spf|envelope-to|dkim-signature|status|content-length|lines)[ \t]*:", re.I)


def content_identity(raw: bytes) -> str:
    """sha256 of the message without the headers each delivery adds, so a redelivery matches."""
    data = bytes(raw).replace(b"\r\n", b"\n")
    head, separator, body = data.partition(b"\n\n")
    lines = head.split(b"\n")
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]  # mbox envelope line
    kept, dropping = [], False
    for line in lines:
        if not line[:1] in (b" ", b"\t"):
            dropping = bool(_VOLATILE.match(line))
        if not dropping:
            kept.append(line)
    digest = hashlib.sha256(b"\n".join(kept) + b"\n\n" + body.rstrip(b"\n"))
    return "sha256:" + digest.hexdigest()


_KNOWN_HEADERS = {"from", "to", "cc", "subject", "date", "message-id", "mime-version", "content-type",
                  "received", "sender", "reply-to", "return-path", "in-reply-to", "references"}


class _RepeatedHeadersPolicy(policy.EmailPolicy):
    """policy.default, with each short header parsed once rather than at every read.

    The standard library parses a header again every time it is read, and reading one message
    reads Content-Type a dozen times (type, charset, format, disposition…): that was most of the
    parse. Header objects are immutable, so sharing one is safe; long values are not kept.
    """

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name") or len(value) > _CACHED_HEADER_LENGTH:
            return super().header_fetch_parse(name, value)
        return _parsed_header(self, name, value)


_CACHED_HEADER_LENGTH = 1000


@functools.lru_cache(maxsize=512)
def _parsed_header(policy_, name, value):
    return policy.EmailPolicy.header_fetch_parse(policy_, name, value)


_POLICY = _RepeatedHeadersPolicy()


def _parse(raw, max_bytes, max_count, prefix):
    if not raw.strip():
        return _unreadable(raw, "The message is empty")
    msg = BytesParser(policy=_POLICY).parsebytes(raw)
    if not any(name.lower() in _KNOWN_HEADERS for name, _ in msg.raw_items()):
        return _unreadable(raw, "No email headers were found")
    message_id = _first_id(_header(msg, "message-id"))
    identity = message_id
    if message_id and len(message_id) > MAX_ID:
        identity = "sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
        message_id = None
    from_name, from_address = (_addresses(msg, "from") or [("", None)])[0]
    subject = one_line(decode_words(_header(msg, "subject") or ""), MAX_SUBJECT)
    references = [i for i in message_ids(_header(msg, "references") or "") if len(i) <= MAX_ID][-MAX_REFERENCES:]
    in_reply_to = next((i for i in message_ids(_header(msg, "in-reply-to") or "") if len(i) <= MAX_ID), None)

    found = _Found()
    _walk(msg, found, 0)
    attachments, dropped = _keep_attachments(found.attachments, max_bytes, max_count)
    if found.too_deep:
        dropped.append(f"Parts nested more than {MAX_DEPTH} levels deep were not read")
    text = "\n\n".join(piece.strip() for piece in found.texts if piece.strip())
    if not text and found.html is not None:
        text = html_to_text(found.html)
    kind, reason = _classify(msg, subject, text, attachments, dropped, bool(in_reply_to or references))
    bounced = None
    if kind is MessageKind.BOUNCE:
        in_body = re.search(r"Message-ID:\s*<([^<>\s]{1,300})>", text, re.I)
        bounced = next(iter(found.report_ids + found.embedded_ids), in_body[1] if in_body else None)
    return ParsedEmail(
        identity=identity or content_identity(raw), message_id=message_id,
        from_address=from_address, from_name=from_name or None,
        to_addresses=[address for _, address in _addresses(msg, "to") if address],
        subject=subject, date=header_date(_header(msg, "date")), in_reply_to=in_reply_to, references=references,
        text=text, html=found.html, attachments=attachments, kind=kind, kind_reason=reason,
        bounced_message_id=bounced, case_references=_case_references(subject, prefix),
        dropped_attachments=dropped,
    )


def _unreadable(raw, reason):
    return ParsedEmail(identity=content_identity(raw), kind=MessageKind.UNPARSEABLE, kind_reason=reason)


# --- headers: read from the raw values, because policy.default raises on some hostile ones ---

def _header(msg: Message, name: str) -> str | None:
    for key, value in msg.raw_items():
        if key.lower() == name:
            return re.sub(r"\r?\n(?=[ \t])", "", str(value)).strip()
    return None


def _first_id(value: str | None) -> str | None:
    return next(iter(message_ids(value)), None) if value else None


def _addresses(msg: Message, name: str) -> list[tuple[str, str | None]]:
    """(display name, address) pairs; names decoded; an address is None when it is not one."""
    raw_values = [value for key, value in msg.raw_items() if key.lower() == name]
    if not raw_values:
        return []
    try:  # policy.default decodes encoded words in display names properly
        pairs = [(a.display_name, a.addr_spec) for h in msg.get_all(name) for a in h.addresses]
    except Exception:  # e.g. a CR or LF hidden in an encoded word: ValueError
        pairs = [(decode_words(n), a) for n, a in getaddresses([str(v) for v in raw_values])]
    result = []
    for display_name, address in pairs:
        address = one_line(address)
        valid = 0 < address.find("@") < len(address) - 1 and " " not in address and len(address) <= MAX_ADDRESS
        result.append((one_line(display_name, MAX_NAME), address if valid else None))
    return result


def _case_references(subject: str, prefix: str) -> list[str]:
    pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(prefix)}-(\d{{4}})-(\d{{5,}})(?!\d)", re.I)
    return list(dict.fromkeys(f"{prefix}-{year}-{number}" for year, number in pattern.findall(subject)))


# --- MIME structure ---

@dataclass
class _Pending:
    filename: str | None
    declared_type: str | None
    data: bytes


@dataclass
class _Found:
    texts: list[str] = field(default_factory=list)
    plain: bool = False
    html: str | None = None
    attachments: list[_Pending] = field(default_factory=list)
    embedded_ids: list[str] = field(default_factory=list)  # Message-IDs of attached messages
    report_ids: list[str] = field(default_factory=list)  # Message-IDs of messages a report returns
    too_deep: bool = False

    def merge(self, other):
        self.texts += other.texts
        self.plain = self.plain or other.plain
        self.html = self.html if self.html is not None else other.html
        self.attachments += other.attachments
        self.embedded_ids += other.embedded_ids
        self.report_ids += other.report_ids
        self.too_deep = self.too_deep or other.too_deep


_VALID_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


def _content_type(part: Message) -> str:
    try:
        ctype = part.get_content_type()
    except Exception:
        return "application/octet-stream"
    return ctype if _VALID_TYPE.fullmatch(ctype) and len(ctype) <= MAX_TYPE else "application/octet-stream"


def _payload(part: Message):
    try:
        return part.get_payload()
    except Exception:
        return ""


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
        if data is None:
            payload = part.get_payload()
            if isinstance(payload, list):
                data = b"\n".join(p.as_bytes(policy=policy.compat32) for p in payload if isinstance(p, Message))
            else:
                data = str(payload).encode("utf-8", "surrogateescape")
        return bytes(data)
    except Exception:
        return b""


def _param(part: Message, name: str) -> str | None:
    try:
        value = part.get_param(name)
    except Exception:
        return None
    return str(value[2] if isinstance(value, tuple) else value) if value is not None else None


def _part_text(part: Message) -> str:
    text = clean_text(decode_bytes(_payload_bytes(part), _param(part, "charset")))
    if (_param(part, "format") or "").lower() == "flowed":
        text = unflow(text, delsp=(_param(part, "delsp") or "").lower() == "yes")
    return text


def _is_attachment(part: Message) -> bool:
    try:
        disposition, filename = part.get_content_disposition(), part.get_filename()
    except Exception:
        return True
    return disposition == "attachment" or (disposition != "inline" and bool(filename))


def _attach(part: Message, found: _Found) -> None:
    try:
        filename = part.get_filename()
    except Exception:
        filename = None
    declared = _content_type(part) if _header(part, "content-type") else None
    found.attachments.append(_Pending(filename and decode_words(str(filename)), declared, _payload_bytes(part)))


def _walk(part: Message, found: _Found, depth: int) -> None:
    if depth > MAX_DEPTH:
        found.too_deep = True
        return
    ctype = _content_type(part)
    payload = _payload(part)
    if ctype in ("message/rfc822", "message/global") and payload and isinstance(payload[0], Message):
        _walk_forwarded(payload[0], found, depth + 1)
    elif ctype in ("multipart/alternative", "multipart/report") and isinstance(payload, list):
        (_walk_alternative if ctype == "multipart/alternative" else _walk_report)(payload, found, depth + 1)
    elif ctype.startswith("multipart/") and isinstance(payload, list):
        for sub in payload:  # mixed, related, signed, digest…: every part in order
            _walk(sub, found, depth + 1)
    elif ctype.startswith("multipart/") or (ctype == "text/plain" and not _is_attachment(part)):
        text = _part_text(part)  # a multipart without any boundary is read as text
        found.texts.append(text)
        found.plain = found.plain or bool(text.strip())
    elif ctype == "text/html" and not _is_attachment(part):
        html = _part_text(part)
        found.html = html if found.html is None else found.html
        found.texts.append(html_to_text(html))
    else:
        _attach(part, found)


def _walk_forwarded(inner: Message, found: _Found, depth: int) -> None:
    inner_id = _first_id(_header(inner, "message-id"))
    found.embedded_ids += [inner_id] if inner_id else []
    sub = _Found()
    _walk(inner, sub, depth)
    lines = [FORWARDED_LINE]
    for label in ("From", "Date", "Subject", "To"):
        value = _header(inner, label.lower())
        lines += [f"{label}: {one_line(decode_words(value), 1000)}"] if value else []
    body = "\n\n".join(piece.strip() for piece in sub.texts if piece.strip())
    found.texts.append("\n".join(lines) + ("\n\n" + body if body else ""))
    sub.texts, sub.plain = [], False
    found.merge(sub)


def _walk_alternative(parts: list, found: _Found, depth: int) -> None:
    """Prefer the plain-text alternative; keep the HTML for the record and any calendar invite."""
    walked = []
    for part in parts:
        walked.append(_Found())
        _walk(part, walked[-1], depth)
    with_text = [f for f in walked if any(t.strip() for t in f.texts)]
    chosen = next((f for f in with_text if f.plain), with_text[0] if with_text else None)
    for alternative in walked:
        if alternative is chosen or chosen is None:
            found.merge(alternative)
        else:
            found.html = found.html if found.html is not None else alternative.html
            found.attachments += [
                a for a in alternative.attachments if sniff_content_type(a.data, a.declared_type) == "text/calendar"
            ]


def _walk_report(parts: list, found: _Found, depth: int) -> None:
    """A delivery report: its human part and status as text; the returned message only for its id."""
    for part in parts:
        ctype, payload = _content_type(part), _payload(part)
        if ctype in ("message/rfc822", "message/global") and payload and isinstance(payload[0], Message):
            returned = _first_id(_header(payload[0], "message-id"))
            found.report_ids += [returned] if returned else []
        elif ctype in ("text/rfc822-headers", "message/global-headers"):
            headers = BytesParser(policy=policy.compat32).parsebytes(_payload_bytes(part), headersonly=True)
            returned = _first_id(_header(headers, "message-id"))
            found.report_ids += [returned] if returned else []
        elif ctype.startswith("message/") and isinstance(payload, list):
            blocks = [p for p in payload if isinstance(p, Message)]
            found.texts.append("\n\n".join(
                "\n".join(f"{k}: {one_line(str(v), 1000)}" for k, v in block.raw_items()) for block in blocks))
        else:
            _walk(part, found, depth)


# --- attachments ---

def _keep_attachments(pending: list[_Pending], max_bytes: int, max_count: int):
    kept, dropped, over_count = [], [], []
    for number, item in enumerate(pending, start=1):
        content_type = sniff_content_type(item.data, item.declared_type)
        name = safe_filename(item.filename, content_type, number, MAX_FILENAME)
        if len(item.data) > max_bytes:
            size, limit = describe_size(len(item.data)), describe_size(max_bytes)
            dropped.append(f"{name} ({size}) is larger than the {limit} limit")
        elif len(kept) >= max_count:
            over_count.append(name)
        else:
            kept.append(Attachment(name, content_type, len(item.data), item.data))
    if over_count:  # one line, however many: a message with thousands of parts is not a list to read
        shown = ", ".join(over_count[:5]) + (f" and {len(over_count) - 5} more" if len(over_count) > 5 else "")
        dropped.append(f"Only {max_count} attachments are kept from one message; not kept: {shown}")
    return kept, dropped


# --- classification ---

_AUTO_SUBJECT = re.compile(
    r"^(?:automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|auto|ooo|out of (?:the )?office"
    r"(?: auto ?reply)?|away from (?:the |my )?office)\s*:|^out of (?:the )?office\s*$|\bis out of the office\b",
    re.I)
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv|antw|vs)\s*(?:\[\d+\])?\s*:\s*)+", re.I)


def _classify(msg, subject, text, attachments, dropped, is_reply) -> tuple[MessageKind, str]:
    def header(name):
        return one_line(_header(msg, name) or "", 80)

    for name in ("x-spam-flag", "x-spam-status", "x-spam"):
        if header(name).lower().startswith("yes"):
            return MessageKind.SPAM, f"Marked as spam by the mail filter ({_title(name)}: {header(name)})"
    ctype = _content_type(msg)
    report_type = (_param(msg, "report-type") or "").lower()
    if ctype == "multipart/report" and report_type in ("delivery-status", "global-delivery-status", ""):
        return MessageKind.BOUNCE, f"Delivery failure report ({ctype}; report-type={report_type or 'none'})"
    sender = _header(msg, "from") or ""
    if re.search(r"(?:^|[<\s\"'])(?:mailer-daemon|postmaster)(?:@|>|\s|$)", sender, re.I):
        return MessageKind.BOUNCE, f"Delivery failure report (sent by {one_line(sender, 80)})"
    if header("auto-submitted") and header("auto-submitted").split()[0].strip(";").lower() != "no":
        return MessageKind.AUTO_REPLY, f"Automatic reply (Auto-Submitted: {header('auto-submitted')})"
    for name in ("x-auto-response-suppress", "x-autoreply", "x-autorespond"):
        if header(name):
            return MessageKind.AUTO_REPLY, f"Automatic reply ({_title(name)}: {header(name)})"
    precedence = header("precedence").lower()
    if precedence == "auto_reply":
        return MessageKind.AUTO_REPLY, "Automatic reply (Precedence: auto_reply)"
    if ctype == "multipart/report":
        return MessageKind.AUTO_REPLY, f"Automatic report (report-type={report_type})"
    if _AUTO_SUBJECT.search(subject):
        return MessageKind.AUTO_REPLY, f'Automatic reply (subject "{one_line(subject, 60)}")'
    if precedence in ("bulk", "list", "junk"):
        return MessageKind.BULK, f"Bulk mail (Precedence: {precedence})"
    for name in ("list-id", "list-unsubscribe"):
        if header(name):
            return MessageKind.BULK, f"Bulk mail ({_title(name)}: {header(name)})"
    if strip_quoted_reply(text) or attachments or dropped:
        return MessageKind.FEEDBACK, "Written by a person: no sign of automatic or bulk mail"
    topic = _REPLY_PREFIX.sub("", subject)
    if not is_reply and re.search(r"\w", re.sub(r"\[[^\]]*\]", "", topic)):
        return MessageKind.FEEDBACK, "Subject line only: the message has no text or attachments"
    if text.strip():
        return MessageKind.EMPTY, "Only quoted earlier text: no new text and no attachments"
    return MessageKind.EMPTY, "No text and no attachments" + ("" if subject else ", and no subject")


def _title(header_name: str) -> str:
    return "-".join(word.capitalize() for word in header_name.split("-"))
