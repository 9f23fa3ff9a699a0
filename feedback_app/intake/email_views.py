"""Email intake views: held and unreadable messages for the team, one message, its attachments, release."""
from io import BytesIO

from flask import abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from feedback_app.common.auth import team_required
from feedback_app.common.safe_html import sanitise_html
from feedback_app.common.working_days import COUNCIL_TIME_ZONE
from feedback_app.intake import bp
from feedback_app.intake.email_queries import (
    HELD_PAGE_OUTCOMES,
    count_held_emails,
    get_attachment,
    get_inbound_email,
    list_held_emails,
    raw_headers,
)
from feedback_app.intake.email_release import RELEASABLE_OUTCOMES, ReleaseRefused, release_held_email
from feedback_app.intake.models import InboundOutcome

# Even sanitised, a message's HTML gets no way to fetch or run anything on the team's page.
EMAIL_PAGE_CSP = "img-src 'self'; media-src 'none'; object-src 'none'; frame-src 'none'; form-action 'self'"


@bp.route("/intake/held")
@team_required
def held_emails():
    chosen = request.args.get("outcome", "")
    outcome = InboundOutcome(chosen) if chosen in {str(o) for o in HELD_PAGE_OUTCOMES} else None
    return render_template(
        "intake/held-emails.html",
        emails=list_held_emails(outcome),
        counts=count_held_emails(),
        chosen=outcome,
        outcomes=HELD_PAGE_OUTCOMES,
        releasable=RELEASABLE_OUTCOMES,
        format_time=format_time,
        outcome_label=outcome_label,
    )


@bp.route("/intake/emails/<int:inbound_id>")
@team_required
def inbound_email(inbound_id):
    email = get_inbound_email(inbound_id) or abort(404)
    return _no_remote_content(render_template(
        "intake/inbound-email.html",
        email=email,
        outcome=InboundOutcome(email.outcome),
        safe_html=sanitise_html(email.html) if email.html else "",
        headers=raw_headers(email),
        releasable=RELEASABLE_OUTCOMES,
        format_time=format_time,
        format_size=format_size,
    ))


@bp.route("/intake/emails/<int:inbound_id>/release", methods=["POST"])
@team_required
def release_email(inbound_id):
    get_inbound_email(inbound_id) or abort(404)
    try:
        case = release_held_email(inbound_id, current_user._get_current_object())
    except ReleaseRefused as refused:
        flash(str(refused), "important")
        return redirect(url_for("intake.inbound_email", inbound_id=inbound_id))
    flash(f"Case {case.reference} made from the held message", "success")
    return redirect(url_for("intake.held_emails"))


@bp.route("/intake/attachments/<int:attachment_id>")
@team_required
def attachment(attachment_id):
    found = get_attachment(attachment_id) or abort(404)
    response = send_file(
        BytesIO(found.data),
        mimetype=found.content_type or "application/octet-stream",
        as_attachment=True,
        download_name=found.filename or "attachment",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened anyway (a browser's viewer): no scripts, no same-origin access.
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _no_remote_content(body):
    response = make_response(body)
    response.headers["Content-Security-Policy"] = EMAIL_PAGE_CSP
    response.headers["Cache-Control"] = "private, no-store"
    return response


def outcome_label(outcome):
    return InboundOutcome(outcome).label


def format_time(moment):
    local = moment.astimezone(COUNCIL_TIME_ZONE)
    return f"{local:%-d %B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def format_size(size):
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
