"""Front-end shell: Jinja loaders for GOV.UK Frontend, built assets, shared page context, error pages."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import (
    Flask,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from govuk_frontend_wtf.main import wtforms_errors
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException, InternalServerError

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
# Written by scripts/build-assets.sh; git-ignored.
BUILD_DIR = Path(__file__).resolve().parent / "static" / "build"

# A year: asset_url() puts a content hash in the URL, so a new build is a new URL.
ASSET_MAX_AGE = 60 * 60 * 24 * 365

ERROR_PAGE_CODES = (400, 403, 404, 405, 413, 429, 500)

DEFAULTS = {
    "COUNCIL_NAME": "Demo Borough Council",
    "COUNCIL_URL": "/",
    "SERVICE_NAME": "Support for families with SEND – feedback",
    "PHASE": "beta",
    "CONTACT_EMAIL": "localoffer@demo.example",
}


def init_frontend(app: Flask) -> None:
    """Wire templates, the /assets route, page context and error pages into the app."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(TEMPLATES_DIR)),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.add_template_global(wtforms_errors)
    app.add_template_global(asset_url)
    app.add_url_rule("/assets/<path:filename>", endpoint="assets", view_func=serve_asset)
    app.context_processor(service_context)
    for code in ERROR_PAGE_CODES:
        app.register_error_handler(code, render_error)


def config_value(key: str) -> str:
    return current_app.config.get(key, DEFAULTS[key])


def service_context() -> dict[str, str]:
    return {
        "council_name": config_value("COUNCIL_NAME"),
        "council_url": config_value("COUNCIL_URL"),
        "service_name": config_value("SERVICE_NAME"),
        "phase": config_value("PHASE"),
        "contact_email": config_value("CONTACT_EMAIL"),
    }


def serve_asset(filename: str):
    return send_from_directory(BUILD_DIR, filename, max_age=ASSET_MAX_AGE)


def asset_url(filename: str) -> str:
    """URL of a built asset, versioned by its content so long caching is safe."""
    path = BUILD_DIR / filename
    try:
        stat = path.stat()
    except FileNotFoundError:
        return url_for("assets", filename=filename)
    return url_for("assets", filename=filename, v=_digest(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=64)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    # mtime and size are part of the cache key so a rebuild is noticed without a restart.
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def wants_json() -> bool:
    """True for API and health-check callers, and for clients that prefer JSON to HTML."""
    path = request.path
    if path.startswith("/api/") or path == "/healthz" or path.startswith("/healthz/"):
        return True
    # HTML wins a tie, so browsers sending */* still get a page.
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def render_error(error: Exception):
    if not isinstance(error, HTTPException):
        error = InternalServerError(original_exception=error)
    if error.response is not None:  # a response made for this case (e.g. a rate limit's on_breach page)
        return error.response
    code = error.code or 500
    # Keep headers that tell the client what to do next (Allow on 405, Retry-After on 429).
    headers = [
        (name, value)
        for name, value in error.get_headers()
        if name.lower() not in {"content-type", "content-length"}
    ]
    if wants_json():
        body = {"status": code, "error": error.name, "message": _public_message(error)}
        return jsonify(body), code, headers
    return render_template(f"errors/{code}.html", error=error), code, headers


def _public_message(error: HTTPException) -> str:
    # A 500's description may carry internal detail; the others are written for users.
    if error.code == 500:
        return "Sorry, there is a problem with the service. Try again later."
    return error.description or error.name
