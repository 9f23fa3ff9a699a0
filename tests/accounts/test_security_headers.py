"""Security headers on every response, with a fresh CSP nonce that the page's inline scripts carry."""
import re

import pytest

from feedback_app.accounts.models import Role
from tests.factories import make_user

EXPECTED_DIRECTIVES = [
    "default-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'",
    "form-action 'self'", "base-uri 'none'", "object-src 'none'",
]


def _nonce(response):
    policy = response.headers["Content-Security-Policy"]
    match = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'", policy)
    assert match, policy
    return match.group(1)


@pytest.mark.parametrize("path", ["/", "/sign-in", "/no-such-page", "/healthz", "/feedback"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    for directive in EXPECTED_DIRECTIVES:
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_every_inline_script_carries_this_responses_nonce_and_it_changes_each_time(client):
    first, second = client.get("/sign-in"), client.get("/sign-in")
    assert _nonce(first) != _nonce(second)
    page = first.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert len(scripts) >= 2  # the js-enabled line and the initAll module
    for tag in scripts:
        assert f'nonce="{_nonce(first)}"' in tag, tag


def test_no_template_uses_inline_styles_or_event_handlers(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert " style=" not in page
    assert not re.search(r"\son[a-z]+=", page)


def test_https_responses_get_hsts_and_staff_pages_are_not_cached(app, client, auth):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "max-age=31536000" in client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]
    auth.sign_in(make_user(Role.TEAM))
    assert client.get("/staff").headers["Cache-Control"] == "no-store"
