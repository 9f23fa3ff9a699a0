"""Views for the public information pages; their wording comes from templates and app config."""

from flask import current_app, render_template

from feedback_app.pages import pages_bp

# Defaults for a demo install; a council sets its own values in config.
PAGE_DEFAULTS = {
    "DPO_EMAIL": "dpo@demo.example",
    "RETENTION_YEARS": 2,
    # The accessibility regulations ask for these dates; update them at each review.
    "ACCESSIBILITY_STATEMENT_PREPARED": "23 November 2026",
    "ACCESSIBILITY_LAST_TESTED": "23 November 2026",
}


def page_setting(key: str):
    return current_app.config.get(key, PAGE_DEFAULTS[key])


@pages_bp.get("/")
def home():
    return render_template("pages/home.html")


@pages_bp.get("/accessibility-statement")
def accessibility_statement():
    return render_template(
        "pages/accessibility-statement.html",
        statement_prepared=page_setting("ACCESSIBILITY_STATEMENT_PREPARED"),
        last_tested=page_setting("ACCESSIBILITY_LAST_TESTED"),
    )


@pages_bp.get("/privacy-notice")
def privacy_notice():
    return render_template(
        "pages/privacy-notice.html",
        dpo_email=page_setting("DPO_EMAIL"),
        retention_years=page_setting("RETENTION_YEARS"),
    )
