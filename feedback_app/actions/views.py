"""Staff pages for a case's actions: record one, update it, and send or revoke partner links."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from feedback_app.accounts.models import User
from feedback_app.actions import bp
from feedback_app.actions.forms import PartnerLinkForm, RecordActionForm, RevokeLinkForm, UpdateActionForm, choices
from feedback_app.actions.models import ActionStatus, PartnerLink
from feedback_app.actions.partner_links import (
    EXPIRED,
    REVOKED,
    create_partner_link,
    link_state,
    revoke_partner_link,
)
from feedback_app.actions.queries import (
    get_visible_action,
    is_open,
    is_overdue,
    list_action_history,
    list_partner_links,
    list_possible_owners,
    may_record_on,
    may_send_partner_links,
    may_work_action,
    services_for_new_action,
)
from feedback_app.actions.services import (
    DEFAULT_DUE_WORKING_DAYS,
    ActionError,
    allowed_next_statuses,
    record_action,
    update_action_status,
)
from feedback_app.cases.display import govuk_date, govuk_datetime
from feedback_app.cases.permissions import get_visible_case
from feedback_app.common.auth import staff_required
from feedback_app.common.types import utcnow
from feedback_app.common.working_days import COUNCIL_TIME_ZONE, add_working_days, council_today
from feedback_app.directory.models import Service
from feedback_app.extensions import db

STATUS_TAG_CLASSES = {
    ActionStatus.PLANNED: "govuk-tag--blue",
    ActionStatus.IN_PROGRESS: "govuk-tag--light-blue",
    ActionStatus.DONE: "govuk-tag--green",
    ActionStatus.CANCELLED: "govuk-tag--grey",
}
EVENT_WORDS = {
    "action.recorded": "Action recorded",
    "action.updated": "Action updated",
    "action.reminder_sent": "Overdue reminder sent",
    "partner_link.sent": "Link sent to a partner",
    "partner_link.revoked": "Partner link revoked",
    "partner_link.viewed": "The partner opened the link",
    "partner_link.refused": "Someone used an expired or revoked link",
}


# --- Shown on every page that lists actions, the case page included --------------------------

@bp.app_template_global()
def action_status_label(status):
    return ActionStatus(status).label


@bp.app_template_global()
def action_status_tag_class(status):
    return STATUS_TAG_CLASSES[ActionStatus(status)]


@bp.app_template_global()
def action_is_overdue(action, today=None):
    return is_overdue(action, today or council_today())


@bp.app_template_filter("govuk_action_date")
def _govuk_date(day):
    return govuk_date(day)


# --- Record an action ------------------------------------------------------------------------

@bp.route("/cases/<reference>/actions/new", methods=["GET", "POST"])
@staff_required
def new_action(reference):
    case = get_visible_case(current_user, reference)
    services = services_for_new_action(current_user, case)
    if request.method == "POST":
        _refuse_other_services(request.form.get("service"))
    today = council_today()
    form = RecordActionForm()
    form.service.choices = choices(
        (service.id, service.name if service in case.services else f"{service.name} (adds it to this case)")
        for service in services
    )
    form.owner.choices = choices([("", "No one with an account")] + [
        (person.id, f"{person.name or person.email} ({person.role_label})") for person in list_possible_owners(case)
    ])
    default_due = add_working_days(today, DEFAULT_DUE_WORKING_DAYS)
    form.due_on.description = (f"For example, 27 3 2027. Leave it blank for {DEFAULT_DUE_WORKING_DAYS} working days "
                               f"from today: {govuk_date(default_due)}.")
    if request.method == "GET" and len(case.services) == 1 and case.services[0] in services:
        form.service.data = case.services[0].id
    if form.validate_on_submit():
        owner = db.session.get(User, form.owner.data) if form.owner.data else None
        try:
            action = record_action(
                case, service=db.session.get(Service, form.service.data), description=form.description.data,
                owner_name=form.owner_name.data, owner=owner, due_on=form.due_on.data, actor=current_user, today=today,
            )
        except ActionError as error:
            db.session.rollback()
            form.show_error(error.message)
        else:
            flash(f"Action recorded for {action.service.name}, due by {govuk_date(action.due_on)}", "success")
            return redirect(url_for("actions.show", action_id=action.id))
    return render_template("actions/new-action.html", case=case, form=form, may_record=may_record_on(case),
                           back_url=url_for("cases.show", reference=case.reference)), (400 if form.errors else 200)


def _refuse_other_services(posted_id):
    """Posting a service you do not lead is refused outright (403), not shown as a form error."""
    try:
        service = db.session.get(Service, int(posted_id)) if posted_id else None
    except ValueError:
        return
    if service is not None and not may_work_action(current_user, service):
        abort(403)


# --- One action ------------------------------------------------------------------------------

def _load(action_id):
    action = get_visible_action(current_user, action_id)
    if action is None:
        abort(404)
    return action


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@staff_required
def show(action_id):
    action = _load(action_id)
    may_update = may_work_action(current_user, action.service)
    if request.method == "POST" and not may_update:
        abort(403)
    form = UpdateActionForm()
    form.set_statuses(allowed_next_statuses(action), ActionStatus(action.status))
    if form.validate_on_submit():
        try:
            update_action_status(action, status=form.status.data, evidence=form.evidence.data,
                                 cancelled_reason=form.cancelled_reason.data, actor=current_user,
                                 expected_version=form.version.data or "0", today=council_today())
        except ActionError as error:
            db.session.rollback()
            form.show_error(error.message)
            form.version.data = action.version
        else:
            flash(f"The action is saved: {action_status_label(action.status).lower()}", "success")
            return redirect(url_for("actions.show", action_id=action.id))
    elif request.method == "GET":
        form.version.data = action.version
        form.evidence.data = action.evidence
    return render_template(
        "actions/action.html", action=action, case=action.case, form=form, today=council_today(),
        may_update=may_update and is_open(action), may_send_links=may_send_partner_links(current_user),
        history=[describe_event(event, actor) for event, actor in list_action_history(action)],
        live_links=sum(1 for link in list_partner_links(action) if link_state(link, utcnow()) is None),
        back_url=url_for("cases.show", reference=action.case.reference),
    ), (400 if form.errors else 200)


def describe_event(event, actor):
    before, after = event.before or {}, event.after or {}
    details = []
    if "status" in after and before.get("status") != after["status"]:
        old = action_status_label(before["status"]) if before.get("status") else None
        details.append(f"Status: {old} to {action_status_label(after['status'])}" if old
                       else f"Status: {action_status_label(after['status'])}")
    if after.get("evidence") and before.get("evidence") != after.get("evidence"):
        details.append(f"What has been done: {after['evidence']}")
    if after.get("cancelled_reason") and before.get("cancelled_reason") != after.get("cancelled_reason"):
        details.append(f"Why it is cancelled: {after['cancelled_reason']}")
    if event.action.startswith("partner_link.") and after.get("to"):
        name = after.get("recipient_name")
        details.append(f"To {name} ({after['to']})" if name else f"To {after['to']}")
    if event.action == "partner_link.refused":
        details.append("The link had expired" if after.get("reason") == EXPIRED else "The link had been revoked")
    if event.action == "action.reminder_sent" and after.get("to"):
        details.append(f"To {', '.join(after['to'])}")
    return {
        "at": govuk_datetime(event.occurred_at),
        "what": EVENT_WORDS.get(event.action, event.action),
        "who": (actor.name or actor.email) if actor is not None else event.actor_label.capitalize(),
        "details": details,
    }


# --- Partner links ---------------------------------------------------------------------------

def _load_for_links(action_id):
    action = _load(action_id)
    if not may_send_partner_links(current_user):
        abort(403)
    return action


@bp.route("/actions/<int:action_id>/partner-link", methods=["GET", "POST"])
@staff_required
def partner_link(action_id):
    action = _load_for_links(action_id)
    form = PartnerLinkForm()
    if form.validate_on_submit():
        try:
            link, _ = create_partner_link(action, recipient_name=form.recipient_name.data,
                                          recipient_email=form.recipient_email.data, actor=current_user,
                                          base_url=request.url_root)
        except ActionError as error:
            db.session.rollback()
            form.show_error(error.message)
        else:
            flash(f"We have emailed the link to {link.recipient_name} ({link.recipient_email}). "
                  f"It works until {govuk_date(link.expires_at.astimezone(COUNCIL_TIME_ZONE).date())}.", "success")
            return redirect(url_for("actions.partner_link", action_id=action.id))
    now = utcnow()
    links = [{"link": link, "state": link_state(link, now)} for link in list_partner_links(action)]
    return render_template(
        "actions/partner-link.html", action=action, case=action.case, form=form, links=links,
        revoke_form=RevokeLinkForm(formdata=None), expired=EXPIRED, revoked=REVOKED, is_open=is_open(action),
        back_url=url_for("actions.show", action_id=action.id), govuk_datetime=govuk_datetime,
    ), (400 if form.errors else 200)


@bp.route("/actions/<int:action_id>/partner-link/<int:link_id>/revoke", methods=["POST"])
@staff_required
def revoke_link(action_id, link_id):
    action = _load_for_links(action_id)
    link = db.session.scalar(select(PartnerLink).where(PartnerLink.id == link_id, PartnerLink.action_id == action.id))
    if link is None:
        abort(404)
    if RevokeLinkForm().validate_on_submit():
        try:
            revoke_partner_link(link, actor=current_user)
        except ActionError as error:
            db.session.rollback()
            flash(error.message, "important")
        else:
            flash(f"The link sent to {link.recipient_name} ({link.recipient_email}) no longer works", "success")
    return redirect(url_for("actions.partner_link", action_id=action.id))
