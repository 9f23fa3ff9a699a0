"""Helpers for reading inbound email: charsets, encoded words, HTML to text, replies, attachment names."""
import base64
import binascii
import codecs
import mimetypes
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

# Latin-1 labels are decoded as cp1252, as browsers do: mail labelled iso-8859-1 often holds
# Windows smart quotes and dashes, which latin-1 would turn into invisible control characters.
_CP1252_LABELS = {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819",
                  "windows-1252", "cp1252", "x-cp1252"}
_GUESS_LABELS = {"", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "unknown", "default", "8bit"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # keeps \t \n \r
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode a body or header fragment; never raises, whatever the label says."""
    label = (charset or "").strip().strip("\"'").lower()
    if label in _CP1252_LABELS:
        return data.decode("cp1252", "replace")
    if label not in _GUESS_LABELS:
        try:
            return data.decode(codecs.lookup(label).name, "replace")
        except (LookupError, ValueError, TypeError, UnicodeError):
            pass  # unknown or non-text codec (e.g. "zlib"): guess instead
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def fix_surrogates(value: str) -> str:
    """Turn raw 8-bit bytes the parser kept as surrogates back into text (UTF-8, else cp1252)."""
    if not _SURROGATE.search(value):
        return value
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return decode_bytes(raw, None)


def clean_text(value: str) -> str:
    """Text safe to store: no surrogates, no NUL or other control characters, \n line ends."""
    value = fix_surrogates(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def one_line(value: str, limit: int | None = None) -> str:
    """A header value as one line of text, optionally shortened to fit a column."""
    value = _WHITESPACE.sub(" ", clean_text(value)).strip()
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…"
    return value


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def _word_bytes(encoding: str, text: str) -> bytes | None:
    try:
        if encoding in "bB":
            text = re.sub(r"[^A-Za-z0-9+/]", "", text)
            return base64.b64decode(text + "=" * (-len(text) % 4))
        text = text.replace("_", " ")
        return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), text.encode("latin-1"))
    except (binascii.Error, ValueError, UnicodeError):
        return None


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words leniently (bad ones are left as written)."""
    value = fix_surrogates(value)
    pieces, pos = [], 0
    pending: tuple[str, bytes] | None = None  # adjacent words in one charset, joined before decoding
    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos:match.start()]
        charset = match[1].split("*", 1)[0]  # RFC 2231 language suffix
        data = _word_bytes(match[2], match[3])
        if data is None:
            if pending:
                pieces.append(decode_bytes(pending[1], pending[0]))
                pending = None
            pieces.extend([gap, match[0]])
        elif pending and not gap.strip() and pending[0].lower() == charset.lower():
            pending = (charset, pending[1] + data)  # a character may be split across two words
        else:
            if pending:
                pieces.append(decode_bytes(pending[1], pending[0]))
            if not (pending and not gap.strip()):
                pieces.append(gap)
            pending = (charset, data)
        pos = match.end()
    if pending:
        pieces.append(decode_bytes(pending[1], pending[0]))
    pieces.append(value[pos:])
    return "".join(pieces)


def unflow(text: str, delsp: bool) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676), so paragraphs stay whole."""
    out: list[str] = []
    joining = False
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if joining:
            out[-1] += line
        else:
            out.append(line)
        joining = line.endswith(" ") and line != "-- "
        if joining and delsp:
            out[-1] = out[-1][:-1]
    return "\n".join(out)


_ATTRIBUTION = re.compile(r"^On\b.{0,300}\bwrote:$", re.I)
_ORIGINAL_BELOW = re.compile(r"^(-+ ?Original Message ?-+|_{20,})$", re.I)


def strip_quoted_reply(text: str) -> str:
    """The new part of a reply: quoted lines, attributions and an Outlook-style original dropped."""
    kept: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if _ORIGINAL_BELOW.match(stripped):
            break  # Outlook puts the whole original below its separator, unquoted
        if stripped.startswith(">") or _ATTRIBUTION.match(stripped):
            continue
        if stripped.endswith("wrote:") and kept and kept[-1].lstrip().startswith("On "):
            kept.pop()  # an attribution wrapped over two lines
            continue
        kept.append(line)
    return "\n".join(kept).strip()


# Any "<" that does not open a complete tag is made text first: html.parser takes quadratic
# time on inputs like "<a<a<a…" (measured: 1 MB took minutes), and a message could be built so.
_WHOLE_TAG_OR_LT = re.compile(r"<[^<>]*>|<")
_BLOCK = {"address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
          "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
          "hr", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul"}
_PARAGRAPH = {"p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre"}
_SKIP = {"script", "style", "title", "noscript", "template", "svg", "math", "object", "iframe"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.breaks = 0
        self.skipping: list[str] = []
        self.pre = 0
        self.links: list[tuple[str, int]] = []

    def _break(self, count):
        self.breaks = max(self.breaks, count)

    def _text(self, text):
        if self.out and self.breaks:
            self.out[-1] = self.out[-1].rstrip(" ")
            self.out.append("\n" * self.breaks)
        if self.breaks or not self.out or self.out[-1].endswith((" ", "\n")):
            text = text.lstrip(" ")
        self.breaks = 0
        if text:
            self.out.append(text)

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.skipping.clear()  # a <head> that was never closed ends here
        if tag in _SKIP:
            self.skipping.append(tag)
        if self.skipping:
            return
        if tag == "br":
            self._text("\n")
        elif tag == "li":
            self._break(1)
            self._text("- ")
        elif tag in _BLOCK:
            self._break(2 if tag in _PARAGRAPH else 1)
        elif tag in ("td", "th"):
            self._text(" ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag, attrs):
        if tag not in _SKIP:
            self.handle_starttag(tag, attrs)
            if tag == "a":
                self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.skipping:
            while self.skipping and self.skipping.pop() != tag:
                pass
            return
        if self.skipping:
            return
        if tag in _BLOCK or tag == "li":
            self._break(2 if tag in _PARAGRAPH else 1)
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.out[start:]).strip()
            target = href.strip()
            if target.lower().startswith(("http://", "https://", "mailto:")):
                plain = target[7:] if target.lower().startswith("mailto:") else target
                if plain and plain != shown:
                    self._text(f" ({plain})")  # the team needs the address of a "broken link"

    def handle_data(self, data):
        if not self.skipping:
            self._text(data if self.pre else _WHITESPACE.sub(" ", data))


def html_to_text(html: str) -> str:
    """Readable text from an HTML body: paragraphs and line breaks kept, scripts and styles dropped."""
    html = _WHOLE_TAG_OR_LT.sub(lambda m: m[0] if len(m[0]) > 1 else "&lt;", html)
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
        text = "".join(parser.out)
    except Exception:  # html.parser is lenient, but a converter must never lose the message
        text = re.sub(r"<[^<>]*>", " ", html)
    lines = [line.rstrip() for line in clean_text(text).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def message_ids(value: str) -> list[str]:
    """Message-IDs without <>, from a Message-ID, In-Reply-To or References value."""
    value = clean_text(value)
    found = re.findall(r"<([^<>\s]+)>", value)
    return found or [token.strip("<>") for token in value.split() if token.strip("<>")]


def header_date(value: str | None) -> datetime | None:
    """An aware datetime from a Date header, or None when it cannot be read."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)  # "-0000": UTC, origin unknown


def sniff_content_type(data: bytes, declared: str | None) -> str:
    """The type the bytes show (the common ones), else the declared type."""
    head = data[:16]
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCALENDAR"):
        return "text/calendar"
    return declared or "application/octet-stream"


def safe_filename(name: str | None, content_type: str, number: int, limit: int = 255) -> str:
    """An attachment name to keep: one line, no folders, not hidden, fits a column; never empty."""
    name = re.split(r"[\\/]", one_line(name or ""))[-1].strip().lstrip(".")
    if not name:
        extension = ".ics" if content_type == "text/calendar" else mimetypes.guess_extension(content_type)
        return f"attachment-{number}{extension or '.bin'}"
    if len(name) > limit:
        _, dot, extension = name.rpartition(".")
        extension = dot + extension if dot and len(extension) <= 16 else ""
        name = name[: limit - len(extension)] + extension
    return name


def describe_size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"
