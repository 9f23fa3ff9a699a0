"""Account security pages in a real Chromium: the strict CSP lets GOV.UK Frontend run, and axe passes."""
import re

import pyotp
import pytest

from feedback_app.accounts.models import Role
from feedback_app.accounts.two_factor import enable_two_factor, new_secret
from feedback_app.extensions import db
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, make_user


@pytest.fixture
def watched_page(page):
    """The page, collecting console errors (where Chromium reports CSP violations) and script errors."""
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective));"
    )
    return page


def _assert_frontend_ran_under_the_csp(page):
    body_classes = page.evaluate("document.body.className")
    assert "js-enabled" in body_classes and "govuk-frontend-supported" in body_classes
    assert page.evaluate("window.cspViolations") == []
    assert [text for text in page.console_errors if "Content Security Policy" in text] == []
    # A form page with errors answers 400, which Chromium logs; anything else is a real error.
    assert [text for text in page.console_errors if "status of 400" not in text] == []


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/sign-in", "/feedback", "/forgot-password"])
def test_govuk_frontend_initialises_under_the_strict_csp(watched_page, live_server, path):
    response = watched_page.goto(f"{live_server}{path}")
    assert "nonce-" in response.headers["content-security-policy"]
    _assert_frontend_ran_under_the_csp(watched_page)


@pytest.mark.browser
def test_the_csp_blocks_an_injected_inline_script(watched_page, live_server):
    """The proof the policy bites: a script without the nonce does not run, and is reported."""
    watched_page.goto(f"{live_server}/sign-in")
    watched_page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.pwned = true';"
        " document.body.appendChild(s); }"
    )
    assert watched_page.evaluate("window.pwned === undefined")
    assert "script-src-elem" in watched_page.evaluate("window.cspViolations")


@pytest.mark.browser
def test_the_password_reveal_button_works_under_the_csp(watched_page, live_server):
    watched_page.goto(f"{live_server}/sign-in")
    watched_page.click("button.govuk-password-input__toggle")
    assert watched_page.get_attribute("input[name=password]", "type") == "text"
    _assert_frontend_ran_under_the_csp(watched_page)


@pytest.mark.browser
def test_forgot_password_pages_pass_axe(watched_page, live_server):
    watched_page.goto(f"{live_server}/forgot-password")
    watched_page.click("button:has-text('Send me a link')")
    assert watched_page.title().startswith("Error: ")
    assert axe_violations(watched_page) == []
    watched_page.fill("input[name=email]", "nobody@council.example")
    watched_page.click("button:has-text('Send me a link')")
    assert watched_page.locator("h1").inner_text() == "Check your email"
    assert axe_violations(watched_page) == []
    watched_page.goto(f"{live_server}/reset-password/not-a-token")
    assert axe_violations(watched_page) == []


@pytest.mark.browser
def test_enrolment_and_the_code_page_pass_axe_and_work(watched_page, live_server):
    user = make_user(Role.TEAM)
    sign_in(watched_page, live_server, user.email, PASSWORD)
    watched_page.goto(f"{live_server}/account/two-factor")
    assert axe_violations(watched_page) == []
    watched_page.click("text=Set up two-factor authentication")
    assert watched_page.locator("svg.app-qr-code").is_visible()
    assert axe_violations(watched_page) == []
    watched_page.click("text=I cannot scan the QR code")
    secret = watched_page.inner_text("#two-factor-secret").replace(" ", "")
    watched_page.fill("input[name=code]", "000000")
    watched_page.click("button:has-text('Turn on two-factor authentication')")
    assert watched_page.title().startswith("Error: ")
    assert axe_violations(watched_page) == []
    watched_page.fill("input[name=code]", pyotp.TOTP(secret).now())
    watched_page.click("button:has-text('Turn on two-factor authentication')")
    assert watched_page.locator("h1").inner_text() == "Save your recovery codes"
    assert axe_violations(watched_page) == []
    _assert_frontend_ran_under_the_csp(watched_page)


@pytest.mark.browser
def test_the_security_code_page_passes_axe(watched_page, live_server):
    user = make_user(Role.TEAM)
    secret = new_secret()
    enable_two_factor(user, secret, pyotp.TOTP(secret).now())
    user.totp_last_used_step -= 2
    db.session.commit()
    sign_in(watched_page, live_server, user.email, PASSWORD)
    assert re.search(r"/sign-in/security-code$", watched_page.url)
    assert axe_violations(watched_page) == []
    watched_page.fill("input[name=code]", "000000")
    watched_page.click("button:has-text('Continue')")
    assert watched_page.title().startswith("Error: ")
    assert axe_violations(watched_page) == []
    watched_page.fill("input[name=code]", pyotp.TOTP(secret).now())
    watched_page.click("button:has-text('Continue')")
    watched_page.wait_for_url(f"{live_server}/staff")


@pytest.mark.browser
def test_security_settings_page_passes_axe(watched_page, live_server):
    admin = make_user(Role.ADMIN)
    sign_in(watched_page, live_server, admin.email, PASSWORD)
    watched_page.goto(f"{live_server}/admin/security")
    assert watched_page.locator("h1").count() == 1
    assert axe_violations(watched_page) == []
    _assert_frontend_ran_under_the_csp(watched_page)
