"""Requests refused before any view runs: a NUL character in the address, which no database column can hold."""
from flask import abort, request


def refuse_nul_in_address():
    """before_request: a 400, not a 500 from PostgreSQL, for %00 in the path or the query string.

    Form fields are cleaned instead (BaseForm drops NUL), so pasted text still goes through.
    """
    if "\x00" in request.path or any("\x00" in text for key, values in request.args.lists()
                                     for text in (key, *values)):
        abort(400)


def init_request_guards(app):
    app.before_request(refuse_nul_in_address)
