"""The front-end shell: council-branded GOV.UK layout, public pages, assets and error pages."""

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask, abort, flash, render_template_string
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired

from feedback_app.frontend import BUILD_DIR, init_frontend
from feedback_app.pages import pages_bp

ROOT = Path(__file__).resolve().parents[1]

FORM_PAGE = """{% extends "layout/base.html" %}
{% block page_title %}What is your name?{% endblock %}
{% block content %}<h1 class="govuk-heading-l">{{ self.page_title() }}</h1>
{{ form.name(params={"label": {"text": "Name"}}) }}{% endblock %}"""


class NameForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(message="Enter your name")])


@pytest.fixture(scope="session")
def built_assets():
    """The compiled assets, built once per session (a fast no-op when already up to date)."""
    subprocess.run(["bash", str(ROOT / "scripts" / "build-assets.sh")], cwd=ROOT, check=True)
    return BUILD_DIR


@pytest.fixture
def frontend_app(built_assets):
    """A bare app with only the front-end shell, so these tests do not depend on create_app."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    init_frontend(app)
    app.register_blueprint(pages_bp)

    @app.route("/test-form", methods=["GET", "POST"])
    def form_page():
        form = NameForm()
        form.validate_on_submit()
        return render_template_string(FORM_PAGE, form=form)

    @app.route("/test-flash")
    def flash_page():
        flash("Your feedback has been sent", "success")
        flash("The service will be unavailable on Sunday", "info")
        return render_template_string('{% extends "layout/base.html" %}')

    @app.route("/test-busy")
    def busy():
        abort(429)

    @app.route("/test-boom")
    def boom():
        raise RuntimeError("database password is hunter2")

    return app


@pytest.fixture
def frontend_client(frontend_app):
    return frontend_app.test_client()


def get_page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_home_has_council_header_and_no_gov_uk_branding(frontend_client):
    page = get_page(frontend_client, "/")

    homepage_link = page.select_one("header .govuk-generic-header__homepage-link")
    assert homepage_link.get_text(strip=True) == "Demo Borough Council"
    assert homepage_link.find("svg") is None
    assert page.select_one(".govuk-header__logotype, .govuk-logo, .govuk-footer__crown") is None
    assert page.find("svg", attrs={"aria-label": "GOV.UK"}) is None
    assert "GOV.UK" not in page.get_text()
    assert "Crown copyright" not in page.get_text()
    assert page.find("html")["lang"] == "en"


def test_home_explains_the_service_and_starts_feedback(frontend_client):
    page = get_page(frontend_client, "/")

    assert page.title.get_text(strip=True).endswith(
        "– Support for families with SEND – feedback – Demo Borough Council"
    )
    service_link = page.select_one(".govuk-service-navigation__service-name a")
    assert service_link.get_text(strip=True) == "Support for families with SEND – feedback"
    assert service_link["href"] == "/"
    start = page.select_one("a.govuk-button--start")
    assert start.get_text(strip=True) == "Give feedback"
    assert start["href"] == "/feedback"
    assert page.select_one('main a[href="/you-said-we-did"]') is not None
    banner = page.select_one("header .govuk-phase-banner")
    assert banner.select_one(".govuk-tag").get_text(strip=True) == "Beta"
    assert banner.select_one('a[href="/feedback"]') is not None


def test_council_config_changes_the_branding(frontend_app):
    frontend_app.config.update(COUNCIL_NAME="Exampleshire County Council", PHASE="live")
    page = get_page(frontend_app.test_client(), "/")

    header = page.select_one(".govuk-generic-header__homepage-link")
    assert header.get_text(strip=True) == "Exampleshire County Council"
    assert page.title.get_text(strip=True).endswith("– Exampleshire County Council")
    assert page.select_one(".govuk-phase-banner") is None
    assert "© Exampleshire County Council" in page.select_one("footer").get_text()


def test_skip_link_targets_main_content(frontend_client):
    page = get_page(frontend_client, "/")

    skip_link = page.select_one("a.govuk-skip-link")
    assert skip_link["href"] == "#main-content"
    assert page.select_one("main#main-content") is not None


def test_footer_links_to_statements_and_published_feedback(frontend_client):
    page = get_page(frontend_client, "/")

    footer = page.select_one("footer")
    links = {a["href"]: a.get_text(strip=True) for a in footer.select("a")}
    assert links["/accessibility-statement"] == "Accessibility statement"
    assert links["/privacy-notice"] == "Privacy notice"
    assert links["/you-said-we-did"] == "Published feedback and responses"
    assert "© Demo Borough Council" in footer.get_text()


def test_pages_load_styles_and_scripts_from_assets(frontend_client):
    page = get_page(frontend_client, "/")

    stylesheet = page.select_one('link[rel="stylesheet"]')["href"]
    assert stylesheet.startswith("/assets/app.css")
    module = page.select_one('script[type="module"]').string
    assert "import { initAll } from \"/assets/govuk-frontend.min.js" in module
    icon = page.select_one('link[rel="icon"]')["href"]
    assert icon.startswith("/assets/favicon.svg")


def test_accessibility_statement_covers_the_regulations(frontend_client):
    page = get_page(frontend_client, "/accessibility-statement")
    text = " ".join(page.select_one("main").get_text().split())

    assert page.title.get_text(strip=True).startswith("Accessibility statement –")
    assert "WCAG" in text or "Web Content Accessibility Guidelines version 2.2" in text
    assert "Equality and Human Rights Commission" in text
    assert "different format" in text
    assert "This statement was prepared on" in text
    assert page.select_one('main a[href="mailto:localoffer@demo.example"]') is not None


def test_privacy_notice_names_controller_basis_retention_and_ico(frontend_app):
    frontend_app.config.update(DPO_EMAIL="dpo@exampleshire.example",
                               RETENTION_SCHEDULE={"published": 36})
    page = get_page(frontend_app.test_client(), "/privacy-notice")
    text = " ".join(page.select_one("main").get_text().split())

    assert "Demo Borough Council is the data controller" in text
    assert "Article 6(1)(e)" in text
    assert "Article 9(2)(g)" in text
    assert "3 years after we finished dealing with it" in text
    assert "Information Commissioner’s Office" in text
    assert page.select_one('a[href="mailto:dpo@exampleshire.example"]') is not None


def test_missing_page_is_a_gov_uk_styled_404(frontend_client):
    page = get_page(frontend_client, "/no-such-page", status=404)

    assert page.select_one("h1").get_text(strip=True) == "Page not found"
    assert page.title.get_text(strip=True).startswith("Page not found –")
    assert page.select_one("header .govuk-generic-header") is not None
    assert page.select_one("footer .govuk-footer") is not None


def test_api_paths_and_json_clients_get_json_errors(frontend_client):
    response = frontend_client.get("/api/x")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["status"] == 404

    response = frontend_client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.is_json


def test_wrong_method_keeps_allow_header(frontend_client):
    response = frontend_client.post("/privacy-notice")

    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.select_one("h1").get_text(strip=True) == "Sorry, this page cannot be used in that way"


def test_oversized_upload_says_what_the_limit_is(frontend_app):
    frontend_app.config.update(MAX_CONTENT_LENGTH=1024 * 1024)
    client = frontend_app.test_client()

    response = client.post("/test-form", data={"name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.select_one("h1").get_text(strip=True) == "Your file or message is too big"
    assert "smaller than 1MB" in page.select_one("main").get_text()


def test_rate_limited_request_asks_user_to_wait(frontend_client):
    page = get_page(frontend_client, "/test-busy", status=429)

    assert page.select_one("h1").get_text(strip=True) == "Too many requests – try again in a few minutes"


def test_unexpected_error_shows_problem_page_without_details(frontend_app):
    frontend_app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    frontend_app.logger.disabled = True  # the traceback is expected; keep the test output clean
    client = frontend_app.test_client()

    page = get_page(client, "/test-boom", status=500)
    assert page.select_one("h1").get_text(strip=True) == "Sorry, there is a problem with the service"
    assert "hunter2" not in str(page)

    response = client.get("/test-boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert "hunter2" not in response.get_data(as_text=True)


def test_app_css_is_served_without_gds_transport(frontend_client, built_assets):
    css = (built_assets / "app.css").read_text()
    assert "GDS Transport" not in css
    assert "/assets/fonts/" not in css
    assert "arial" in css

    with frontend_client.get("/assets/app.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"
        assert response.cache_control.max_age >= 60 * 60 * 24 * 30


def test_govuk_frontend_js_and_images_are_served(frontend_client):
    with frontend_client.get("/assets/govuk-frontend.min.js") as response:
        assert response.status_code == 200
        assert b"initAll" in response.data
    with frontend_client.get("/assets/favicon.svg") as response:
        assert response.status_code == 200
    # The footer stylesheet still points at this image; it must exist.
    with frontend_client.get("/assets/images/govuk-crest.svg") as response:
        assert response.status_code == 200
    with frontend_client.get("/assets/fonts/bold-b542beb274-v2.woff2") as response:
        assert response.status_code == 404


def test_form_errors_prefix_title_and_show_error_summary(frontend_client):
    response = frontend_client.post("/test-form", data={"name": ""})
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")

    assert page.title.get_text(strip=True).startswith("Error: What is your name? –")
    summary = page.select_one(".govuk-error-summary")
    assert summary.select_one(".govuk-error-summary__title").get_text(strip=True) == "There is a problem"
    link = summary.select_one(".govuk-error-summary__list a")
    assert link.get_text(strip=True) == "Enter your name"
    assert link["href"] == "#name"


def test_form_without_errors_has_plain_title(frontend_client):
    page = get_page(frontend_client, "/test-form")

    assert page.title.get_text(strip=True).startswith("What is your name? –")
    assert page.select_one(".govuk-error-summary") is None


def test_flash_messages_become_notification_banners(frontend_client):
    page = get_page(frontend_client, "/test-flash")

    banners = page.select(".govuk-notification-banner")
    assert len(banners) == 2
    success, important = banners
    assert "govuk-notification-banner--success" in success["class"]
    assert "Your feedback has been sent" in success.get_text()
    assert "govuk-notification-banner--success" not in important["class"]
    assert important.select_one(".govuk-notification-banner__title").get_text(strip=True) == "Important"
    # Each banner labels itself by its own title.
    assert len({banner["aria-labelledby"] for banner in banners}) == 2
