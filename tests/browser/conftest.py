"""A live server and a real Chromium (Debian's, through Playwright) with axe-core."""
import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def live_server(_app):
    server = make_server("127.0.0.1", free_port(), _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app):
    context = browser.new_context()
    page = context.new_page()
    page.failed_requests = []
    # ERR_ABORTED is the browser cancelling a request itself (a navigation started before an asset
    # finished loading), not a server failure.
    page.on(
        "requestfailed",
        lambda request: "ERR_ABORTED" not in (request.failure or "") and page.failed_requests.append(request.url),
    )
    page.on("response", lambda response: response.status >= 400 and page.failed_requests.append(response.url))
    yield page
    context.close()


def axe_violations(page):
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now, as readable strings."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{violation['id']}: {violation['help']} ({[node['target'] for node in violation['nodes']]})"
        for violation in results.response["violations"]
    ]


def sign_in(page, live_server, email, password):
    page.goto(f"{live_server}/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Sign in')")
