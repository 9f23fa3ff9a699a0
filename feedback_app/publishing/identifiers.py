"""The identifier check: what in an entry's text could identify someone, found before anyone approves it.

Everything here is a pure function of text except `known_details_for`, which reads the linked cases and
the services directory. A finding is a kind, a field and a span: the matched text is never kept,
logged or audited, only shown to the team, cut from the current text, when they look at the entry.
"""
import re
from dataclasses import dataclass
from datetime import date

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from feedback_app.common.working_days import council_today
from feedback_app.directory.models import Service
from feedback_app.extensions import db

KIND_LABELS = {
    "name": "Name",
    "email": "Email address",
    "phone": "Phone number",
    "address": "Address",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
    "date_of_birth": "Date that could be a date of birth",
    "school": "School or setting",
    "staff_name": "Name of a member of staff",
}
# When two findings overlap, the more specific one is kept (an email address, not the name inside it).
PRIORITY = ("nhs_number", "email", "date_of_birth", "phone", "postcode", "address", "school", "staff_name", "name")
MIN_NAME_PART = 3
DATE_OF_BIRTH_YEARS = 25
# How far after "born" or "DOB" a date still counts as a date of birth.
CUE_REACH = 30


@dataclass(frozen=True)
class Finding:
    kind: str
    field: str
    start: int
    length: int

    @property
    def end(self):
        return self.start + self.length


@dataclass(frozen=True)
class KnownDetails:
    """What the linked cases and the directory hold that must not appear in published text."""

    names: tuple = ()
    emails: tuple = ()
    phones: tuple = ()
    addresses: tuple = ()
    schools: tuple = ()
    staff: tuple = ()


# --- Patterns ---------------------------------------------------------------------------------

EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
# The official format (outward code, optional space, inward code), any letter case.
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# Ten digits, or 3-3-4 with the same separator twice.
NHS_NUMBER = re.compile(r"(?<![\d])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])")
NHS_LABEL = re.compile(r"NHS\s*(?:number|no\.?|num\.?|#)?\s*(?:is\s*|:\s*|-\s*)?$", re.IGNORECASE)

MONTHS = {name.lower(): number for number, names in enumerate([
    ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",), ("June", "Jun"),
    ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"), ("October", "Oct"), ("November", "Nov"),
    ("December", "Dec"),
], start=1) for name in names}
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
NUMERIC_DATE = re.compile(r"(?<![\w/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w]|[/-]\d|\.\d)")
DAY_MONTH_YEAR = re.compile(
    rf"(?<![\w])(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH}),?\s+(\d{{4}})(?![\w])", re.IGNORECASE)
MONTH_DAY_YEAR = re.compile(
    rf"(?<![\w])({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?![\w])", re.IGNORECASE)
MONTH_YEAR = re.compile(rf"(?<![\w])({_MONTH})\s+(\d{{4}})(?![\w])", re.IGNORECASE)
BIRTH_CUE = re.compile(r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|born|birthday|birth\s+date)\b", re.IGNORECASE)

_STREET_TYPES = (
    "Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Way|Crescent|Place|Court|Gardens|Terrace|Grove|Hill|"
    "Row|Walk|Square|Mews|Rise|View|Green|Parade|Vale|Villas|Cottages|Fields|Meadow|Meadows|Boulevard|Gate|"
    "Chase|Wharf|Yard|Park"
)
_STREET_NAME = rf"(?:[A-Z][a-z'’-]+\s+){{1,3}}(?:{_STREET_TYPES})"
ADDRESS = re.compile(
    rf"(?<![\w])(?:(?:Flat|Apartment|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{{1,4}}[A-Za-z]?,?\s+({_STREET_NAME})(?![\w])"
)

_CAPITALISED = r"[A-Z][\w'’.&-]*"
SETTING = re.compile(
    rf"(?<![\w'’-])((?:{_CAPITALISED}\s+(?:(?:of|and|the|upon|on|in)\s+)*)+?)"
    r"(School|Academy|College|Nursery|Pre-School|Preschool)(?![\w])"
)
# Words that start a sentence rather than a name, trimmed from the front of a setting's name.
_LEADING_WORDS = {
    "the", "a", "an", "at", "in", "on", "to", "from", "our", "your", "my", "his", "her", "their", "this",
    "that", "does", "did", "is", "was", "and", "but", "both", "every", "each", "any", "some", "which", "when",
    "why", "how", "what", "if", "all", "no", "new",
}
# A setting named only by these words ("Special School", "Sixth Form College") names nobody.
_GENERIC_SETTING_WORDS = {
    "special", "primary", "secondary", "infant", "infants", "junior", "juniors", "mainstream", "local", "free",
    "independent", "sixth", "form", "further", "education", "high", "grammar", "community", "forest", "nursery",
    "residential", "boarding", "day", "state", "maintained", "alternative", "provision", "sen", "send",
    "hospital", "village", "middle", "upper", "lower", "first", "faith", "church", "catholic", "private",
    "specialist", "summer", "holiday", "sunday", "saturday", "home", "virtual", "open", "of", "and", "the",
    "upon", "on", "in", "pre-school", "preschool", "school", "schools", "academy", "college", "trust",
}

_NAME = r"[A-Z][a-z'’-]+(?:[ -][A-Z][a-z'’-]+){0,2}"
_RELATION = (
    r"son|daughter|child|kid|boy|girl|grandson|granddaughter|grandchild|brother|sister|husband|wife|"
    r"nephew|niece|stepson|stepdaughter|case\s*worker|social\s+worker|key\s*worker|teacher|SENCo|"
    r"paediatrician|therapist|called|named|name\s+is"
)
CUED_NAME = re.compile(rf"(?i:\b(?:{_RELATION}))(?:'s|’s)?,?\s+(?P<name>{_NAME})")
# In the directory's descriptions, staff are introduced by their role ("Manager: Sarah Collins").
STAFF_ROLE_NAME = re.compile(
    rf"(?i:\b(?:lead|contact|manager|co-?ordinator|officer|head(?:teacher)?|principal|chair|SENCo))"
    rf"(?:\s+is)?[,:\-–]?\s+(?P<name>{_NAME})"
)
HONORIFIC_NAME = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master)\.?(?:\s+(?:and|&)\s+(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?)?\s+(?P<name>{_NAME})"
)
STAFF_PATTERNS = (CUED_NAME, HONORIFIC_NAME, STAFF_ROLE_NAME)
# Capitalised words that follow a cue but are not names ("my son He…", "officer The…").
_NOT_NAMES = {
    "the", "this", "that", "and", "but", "he", "she", "they", "it", "i", "we", "has", "had", "is", "was", "will",
    "can", "who", "when", "if", "his", "her", "their", "our", "my", "your", "not", "also", "so", "please",
}


# --- Finding each kind ------------------------------------------------------------------------

def find_emails(text):
    return [(match.start(), match.end()) for match in EMAIL.finditer(text)]


def find_phones(text):
    """UK (and international) phone numbers, however they are spaced; drama numbers included.

    POSSIBLE leniency, because libphonenumber calls Ofcom's drama ranges (07700 900xxx) invalid and
    a parent quoting one is still quoting a phone number; a number must be written the way phone
    numbers are (a leading 0, + or 00) and have at least ten digits, so counts and years are left alone.
    """
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        raw = match.raw_string.lstrip("(")
        if raw.startswith(("0", "+")) and sum(char.isdigit() for char in raw) >= 10:
            spans.append((match.start, match.end))
    return spans


def find_postcodes(text):
    return [(match.start(), match.end()) for match in POSTCODE.finditer(text)]


def is_valid_nhs_number(digits):
    """The NHS's modulus 11 check: weights 10 to 2 on the first nine digits; a remainder giving 10 is invalid."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_nhs_numbers(text):
    """Checksum-valid NHS numbers; a number the text itself calls an NHS number is found even with a typo."""
    spans = []
    for match in NHS_NUMBER.finditer(text):
        digits = match.group(1) + match.group(3) + match.group(4)
        labelled = NHS_LABEL.search(text[max(0, match.start() - 25):match.start()]) is not None
        if is_valid_nhs_number(digits) or labelled:
            spans.append((match.start(), match.end()))
    return spans


def _as_date(year, month, day, today):
    if year < 100:
        year += 2000 if year <= today.year % 100 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dates(text, today):
    """(start, end, date or None, is_full): every date-like phrase; month-and-year ones are not full."""
    def month(name):
        return MONTHS[name.rstrip(".").lower()]

    found = []
    for match in NUMERIC_DATE.finditer(text):
        day, month_number, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        found.append((match, _as_date(year, month_number, day, today), len(match.group(4)) == 4))
    for match in DAY_MONTH_YEAR.finditer(text):
        found.append((match, _as_date(int(match.group(3)), month(match.group(2)), int(match.group(1)), today), True))
    for match in MONTH_DAY_YEAR.finditer(text):
        found.append((match, _as_date(int(match.group(3)), month(match.group(1)), int(match.group(2)), today), True))
    for match in MONTH_YEAR.finditer(text):
        found.append((match, _as_date(int(match.group(2)), month(match.group(1)), 1, today), False))
    return [(match.start(), match.end(), day, is_full) for match, day, is_full in found]


def find_dates_of_birth(text, today):
    """Dates just after "born", "DOB" or "date of birth"; and any full date in the last 25 years."""
    cue_ends = [match.end() for match in BIRTH_CUE.finditer(text)]
    earliest = _years_before(today, DATE_OF_BIRTH_YEARS)
    spans = []
    for start, end, day, is_full in _dates(text, today):
        if day is None:
            continue
        after_cue = any(0 <= start - cue_end <= CUE_REACH for cue_end in cue_ends)
        recent_full_date = is_full and earliest <= day <= today
        if after_cue or recent_full_date:
            spans.append((start, end))
    return spans


def _years_before(today, years):
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def find_addresses(text):
    return [(match.start(), match.end()) for match in ADDRESS.finditer(text)]


def street_names(text):
    """The street part of each address in `text` ("Church Lane"), to look for on its own in an entry."""
    return [" ".join(match.group(1).split()) for match in ADDRESS.finditer(text)]


def find_settings(text):
    """Capitalised names ending School, Academy, College or Nursery, unless every word is generic."""
    spans = []
    for match in SETTING.finditer(text):
        words = [(word.start() + match.start(1), word.group()) for word in re.finditer(r"\S+", match.group(1))]
        while words and words[0][1].lower() in _LEADING_WORDS:
            words.pop(0)
        if words and any(word.lower().strip(".'’") not in _GENERIC_SETTING_WORDS for _, word in words):
            spans.append((words[0][0], match.end()))
    return spans


def find_cued_names(text, patterns=(CUED_NAME, HONORIFIC_NAME)):
    """Names the text introduces: "my son Oliver Evans", "Mr and Mrs Okafor", "case worker, Sarah Collins"."""
    spans = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            name = match.group("name")
            words = name.split()
            if words[0].lower() in _NOT_NAMES:
                continue
            spans.append((match.start("name"), match.end("name")))
    return spans


def find_phrases(text, phrases, *, capitalised=False):
    """Whole-word, case-insensitive occurrences of `phrases`; `capitalised`: only where written with a capital."""
    spans = []
    for phrase in phrases:
        if not phrase:
            continue
        pattern = re.compile(r"(?<![\w])" + r"\s+".join(map(re.escape, phrase.split())) + r"(?![\w])", re.IGNORECASE)
        for match in pattern.finditer(text):
            if capitalised and not match.group()[0].isupper():
                continue
            spans.append((match.start(), match.end()))
    return spans


def find_known_phones(text, phones):
    """A phone number held on a case, however it is spaced or prefixed (0 or +44) in the text."""
    spans = []
    for phone in phones:
        digits = re.sub(r"\D", "", phone or "")
        if len(digits) < 7:
            continue
        if digits.startswith("44"):
            digits = "0" + digits[2:]
        body = digits[1:] if digits.startswith("0") else digits
        separated = r"[\s().-]*".join(body)
        prefix = r"(?:\+\s*44\s*(?:\(0\)\s*)?|0)" if digits.startswith("0") else ""
        pattern = re.compile(rf"(?<![\d+]){prefix}{separated}(?!\d)")
        spans += [(match.start(), match.end()) for match in pattern.finditer(text)]
    return spans


# --- The whole check --------------------------------------------------------------------------

def check_text(text, known=KnownDetails(), today=None):
    """[(kind, start, end)] for one text, overlaps resolved in favour of the more specific kind."""
    today = today or council_today()
    candidates = []

    def add(kind, spans):
        candidates.extend((kind, start, end) for start, end in spans)

    add("nhs_number", find_nhs_numbers(text))
    add("email", find_emails(text) + find_phrases(text, known.emails))
    add("date_of_birth", find_dates_of_birth(text, today))
    add("phone", find_phones(text) + find_known_phones(text, known.phones))
    add("postcode", find_postcodes(text))
    add("address", find_addresses(text) + find_phrases(text, known.addresses))
    add("school", find_settings(text) + find_phrases(text, known.schools))
    add("staff_name", find_phrases(text, known.staff, capitalised=True))
    add("name", find_cued_names(text) + find_phrases(text, known.names, capitalised=True))
    return _resolve_overlaps(candidates)


def _resolve_overlaps(candidates):
    ordered = sorted(set(candidates), key=lambda item: (PRIORITY.index(item[0]), -(item[2] - item[1]), item[1]))
    kept = []
    for kind, start, end in ordered:
        if all(end <= other_start or start >= other_end for _, other_start, other_end in kept):
            kept.append((kind, start, end))
    return sorted(kept, key=lambda item: item[1])


def check_fields(texts, known=KnownDetails(), today=None):
    """Findings for each named text ({"you_said": "...", ...}), in field order then position."""
    return [
        Finding(kind=kind, field=field, start=start, length=end - start)
        for field, text in texts.items()
        for kind, start, end in check_text(text or "", known, today)
    ]


# --- What the cases and the directory hold ----------------------------------------------------

def name_parts(full_name, *, min_length=MIN_NAME_PART):
    """The full name and each part of at least three letters ("Jo Bloggs-Parent" → Bloggs-Parent, Bloggs, Parent)."""
    full_name = " ".join((full_name or "").split())
    if not full_name:
        return []
    parts = [full_name]
    for word in full_name.split():
        word = word.strip(".,()'’\"")
        pieces = [word, *word.split("-")] if "-" in word else [word]
        parts += [piece for piece in pieces if len(piece) >= min_length and piece.lower() not in _NOT_NAMES
                  and piece.lower().rstrip(".") not in {"mr", "mrs", "ms", "miss", "mx", "dr"}]
    return list(dict.fromkeys(parts))


def known_details(cases, services=()):
    """Pure: the details to look for, from the linked cases and the services directory."""
    names, emails, phones, addresses, schools, staff = [], [], [], [], [], []
    for case in cases:
        names += name_parts(case.contact_name) + name_parts(case.on_behalf_of)
        emails.append(case.contact_email)
        phones.append(case.contact_phone)
        body = case.body or ""
        for start, end in find_cued_names(body):
            names += name_parts(body[start:end])
        emails += [body[start:end] for start, end in find_emails(body)]
        phones += [body[start:end] for start, end in find_phones(body)]
        addresses += [body[start:end] for start, end in find_addresses(body)] + street_names(body)
        schools += [body[start:end] for start, end in find_settings(body)]
    for service in services:
        for text in (service.name, service.description or ""):
            schools += [text[start:end] for start, end in find_settings(text)]
            staff += [text[start:end] for start, end in find_cued_names(text, STAFF_PATTERNS)]
        for lead in service.leads:
            full = " ".join((lead.name or "").split())
            surname = full.split()[-1] if full else ""
            staff += [full] + ([surname] if len(surname) >= MIN_NAME_PART else [])

    def unique(values):
        return tuple(dict.fromkeys(value.strip() for value in values if value and value.strip()))

    return KnownDetails(names=unique(names), emails=unique(emails), phones=unique(phones),
                        addresses=unique(addresses), schools=unique(schools), staff=unique(staff))


def known_details_for(cases):
    """The one impure step: the linked cases plus every service of the directory (a retired one still names)."""
    services = db.session.scalars(select(Service).options(selectinload(Service.leads))).all()
    return known_details(cases, services)
