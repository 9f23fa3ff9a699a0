"""Secret link tokens: made at random, kept only as a SHA-256 digest, shape-checked before any lookup."""
import hashlib
import re
import secrets

TOKEN_BYTES = 32
# token_urlsafe(32) gives 43 characters; anything else is refused before the database is asked.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token):
    """What the database keeps: a leaked table gives nobody a working link."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def looks_like_token(token):
    return bool(TOKEN_PATTERN.fullmatch(token or ""))
