"""Optimistic locking: a change made from an older version of a record is refused in words, never lost."""
from functools import wraps

from sqlalchemy.orm.exc import StaleDataError

from feedback_app.extensions import db


def check_version(record, expected_version, stale_error):
    """Raise stale_error() when a form was made from another version of `record` (None: not from a form)."""
    if expected_version is None:
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise stale_error() from None
    if expected != record.version:
        raise stale_error()


def refusing_stale_changes(stale_error, rollback_on=()):
    """Decorate a domain's changes: someone else's concurrent change, seen at any flush (the version
    column's WHERE), becomes stale_error(); exceptions of the rollback_on types roll back, then go on."""

    def decorator(service):
        @wraps(service)
        def guarded(*args, **kwargs):
            try:
                return service(*args, **kwargs)
            except StaleDataError:
                db.session.rollback()
                raise stale_error() from None
            except rollback_on:
                db.session.rollback()  # a refused change leaves nothing half-made in the session
                raise

        return guarded

    return decorator
