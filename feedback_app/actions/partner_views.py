"""The partner lead's page, reached by a link: the token in the address is the only credential."""
from flask import flash, redirect, render_template, request

from feedback_app.actions import bp
from feedback_app.actions.forms import UpdateActionForm
from feedback_app.actions.models import ActionStatus
from feedback_app.actions.partner_links import (
    PARTNER_PATH,
    UNKNOWN,
    find_partner_link,
    record_partner_view,
    update_action_through_link,
)
from feedback_app.actions.queries import is_open
from feedback_app.actions.services import ActionError, allowed_next_statuses
from feedback_app.cases.display import govuk_date
from feedback_app.cases.models import Reg56Topic
from feedback_app.extensions import db


@bp.after_app_request
def _keep_the_token_private(response):
    # The token is in the address: never send it on as a Referer, never let a cache keep the page.
    if request.path.startswith(PARTNER_PATH):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route(f"{PARTNER_PATH}<token>", methods=["GET", "POST"])
def partner_action(token):
    link, problem = find_partner_link(token)
    if problem is not None:
        # The same page whatever the reason, so a guessed or old link learns nothing.
        return render_template("actions/partner-link-invalid.html"), (404 if problem == UNKNOWN else 410)
    action = link.action
    form = UpdateActionForm()
    form.set_statuses(allowed_next_statuses(action), ActionStatus(action.status))
    if form.validate_on_submit():
        try:
            update_action_through_link(link, status=form.status.data, evidence=form.evidence.data,
                                       cancelled_reason=form.cancelled_reason.data,
                                       expected_version=form.version.data or "0")
        except ActionError as error:
            db.session.rollback()
            form.show_error(error.message)
            form.version.data = action.version
        else:
            flash("Thank you. Your update is saved and the Local Offer team has been told.", "success")
            return redirect(request.path)
    elif request.method == "GET":
        form.version.data = action.version
        form.evidence.data = action.evidence
    record_partner_view(link)
    case = action.case
    return render_template(
        "actions/partner-action.html", action=action, case=case, link=link, form=form, may_update=is_open(action),
        topic=Reg56Topic(case.reg56_topic).label if case.reg56_topic else "Not classified yet",
        themes=", ".join(theme.name for theme in case.themes) or "None",
        expires_on=govuk_date(link.expires_at.date()),
    ), (400 if form.errors else 200)
