"""Published numbers: small counts are shown as "fewer than N" so nobody can be singled out."""
from flask import current_app


def small_number_threshold():
    return current_app.config["SMALL_NUMBER_THRESHOLD"]


def published_number(count, threshold=None):
    """The count itself when it may be published, else None (open data says "suppressed" with None)."""
    threshold = small_number_threshold() if threshold is None else threshold
    return count if count >= threshold else None


def format_count(count, threshold=None):
    """'12' or '1,204' when at or above the threshold; 'fewer than 5' below it (zero included)."""
    threshold = small_number_threshold() if threshold is None else threshold
    number = published_number(count, threshold)
    return f"{number:,}" if number is not None else f"fewer than {threshold}"
