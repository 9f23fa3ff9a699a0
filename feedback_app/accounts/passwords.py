"""Password rules: long enough, not a common or breached-style password, not about the person or service."""
import re
from functools import cache
from pathlib import Path

from flask import current_app

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200  # argon2 takes any length; this only bounds the work a request can cause
DENY_LIST = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
# Leetspeak people use to "strengthen" a word; undone before the deny list is checked.
LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"})
SERVICE_WORDS = ("yousaidwedid", "localoffer", "sendfeedback")


class PasswordProblem(ValueError):
    """Why a password is refused, in words for the person choosing it."""


@cache
def deny_list():
    return frozenset(DENY_LIST.read_text(encoding="utf-8").split())


def _letters_and_digits(text):
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _candidates(password):
    """The password and what remains once the usual decorations are taken off."""
    lowered = password.lower()
    compact = _letters_and_digits(lowered)
    undecorated = re.sub(r"[\d\W_]+$", "", lowered)  # "Password2024!" → "password"
    stripped = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", compact)
    found = {lowered, compact, undecorated, stripped, _letters_and_digits(undecorated)}
    found |= {candidate.translate(LEET) for candidate in list(found)}
    found |= {re.sub(r"[^a-z]", "", lowered.translate(LEET))}
    return {candidate for candidate in found if candidate}


def _context_words(email):
    words = [_letters_and_digits(word) for word in SERVICE_WORDS]
    local_part = (email or "").split("@")[0]
    words.append(_letters_and_digits(local_part))
    for key in ("SERVICE_NAME", "COUNCIL_NAME"):
        words.append(_letters_and_digits(current_app.config.get(key, "")))
    return [word for word in words if len(word) >= 4]


def check_password(password, *, email=""):
    """Raise PasswordProblem when the password may not be used; GOV.UK-style messages."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordProblem(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordProblem(f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer")
    if len(set(password)) < 4:
        raise PasswordProblem("Password must not repeat the same few characters. Use 3 random words")
    if _candidates(password) & deny_list():
        raise PasswordProblem("Password is too common and easy to guess. Use 3 random words")
    compact = _letters_and_digits(password)
    if any(word in compact for word in _context_words(email)):
        raise PasswordProblem("Password must not contain your email address or the name of this service")
