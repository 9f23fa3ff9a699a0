"""Views for the public information pages; their wording comes from templates and app config."""

from flask import current_app, render_template

from feedback_app.pages import pages_bp

# Defaults for a demo install; a council sets its own values in config.
PAGE_DEFAULTS = {
    "DPO_EMAIL": "dpo@demo.example",
    # Optional council-specific parts of the privacy notice; left out when empty.
    "DPO_POSTAL_ADDRESS": "",
    "ICO_REGISTRATION_NUMBER": "",
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


def months(count):
    """A retention period in words: whole years as years ("2 years"), otherwise months."""
    if count and count % 12 == 0:
        years = count // 12
        return f"{years} year" if years == 1 else f"{years} years"
    return "1 month" if count == 1 else f"{count} months"


def _notice_context():
    # The periods come from the same RETENTION_SCHEDULE the retention task applies.
    from feedback_app.privacy.retention import schedule

    return {"dpo_email": page_setting("DPO_EMAIL"), "dpo_address": page_setting("DPO_POSTAL_ADDRESS"),
            "ico_registration": page_setting("ICO_REGISTRATION_NUMBER"), "retention": schedule(), "months": months}


@pages_bp.get("/privacy-notice")
def privacy_notice():
    return render_template("pages/privacy-notice.html", **_notice_context())


@pages_bp.get("/privacy-notice/young-people")
def privacy_notice_young_people():
    return render_template("pages/privacy-notice-young-people.html", **_notice_context())
