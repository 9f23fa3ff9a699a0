"""Actions on cases: record one, move it through its states, and chase the overdue ones."""
import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from feedback_app.actions.models import Action, ActionStatus
from feedback_app.actions.queries import (
    list_live_partner_links,
    list_overdue_actions,
    may_record_on,
    may_work_action,
)
from feedback_app.audit.services import record_event
from feedback_app.cases.models import CaseStatus, ReminderSent
from feedback_app.cases.triage_emails import format_date, notify_new_services
from feedback_app.cases.triage_services import bump_version
from feedback_app.common import versions
from feedback_app.common.types import utcnow
from feedback_app.common.working_days import add_working_days, council_today, working_days_between
from feedback_app.extensions import db
from feedback_app.outbox.services import queue_email

log = logging.getLogger(__name__)

DEFAULT_DUE_WORKING_DAYS = 20
STALE = "Someone else changed this action while you were working on it. Check the latest details and try again."
# Where each state may go. Done and cancelled are final: more work is a new action.
# An open action may stay in its state while what has been done so far is updated.
TRANSITIONS = {
    ActionStatus.PLANNED: {ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED},
    ActionStatus.IN_PROGRESS: {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.CANCELLED},
    ActionStatus.DONE: set(),
    ActionStatus.CANCELLED: set(),
}
REMINDER_STEP = "action:{}"


class ActionError(Exception):
    """A change that cannot be made; the message is written for the person who asked for it."""

    @property
    def message(self):
        return self.args[0]


# Someone else's concurrent change, seen at any flush, is refused in words rather than a crash.
action_change = versions.refusing_stale_changes(lambda: ActionError(STALE))


def state(action, *keys):
    """The audit's before/after for an action, as plain JSON values."""
    values = {
        "status": lambda: str(action.status),
        "description": lambda: action.description,
        "service": lambda: action.service.slug,
        "owner": lambda: action.owner.email if action.owner is not None else None,
        "owner_name": lambda: action.owner_name,
        "due_on": lambda: action.due_on.isoformat(),
        "evidence": lambda: action.evidence,
        "cancelled_reason": lambda: action.cancelled_reason,
        "completed_on": lambda: action.completed_on.isoformat() if action.completed_on else None,
    }
    return {key: values[key]() for key in keys}


def allowed_next_statuses(action):
    return [status for status in ActionStatus if status in TRANSITIONS[ActionStatus(action.status)]]


# --- Record ----------------------------------------------------------------------------------

@action_change
def record_action(case, *, service, description, owner_name="", owner=None, due_on=None,
                  due_in_working_days=DEFAULT_DUE_WORKING_DAYS, actor, today=None):
    """Record what a service will do about a case, who owns it and when it is due (planned).

    The service must be one of the case's; the Local Offer team may name another, which is then
    added to the case (its leads are told, as when a case is sent to a service).
    """
    today = today or council_today()
    description = (description or "").strip()
    owner_name = (owner_name or "").strip()
    if not may_work_action(actor, service):
        raise ActionError(f"You can only record actions for services you lead. You do not lead {service.name}.")
    if not may_record_on(case):
        where = f"was merged into {case.merged_into.reference}" if case.merged_into_id else "is closed"
        raise ActionError(f"{case.reference} {where}, so no action can be recorded on it.")
    adding_service = service not in case.services
    if adding_service and not (actor.is_staff_of_team and service.active):
        raise ActionError(f"{service.name} is not one of this case’s services.")
    if not description:
        raise ActionError("Enter what will be done")
    if owner is not None and not may_work_action(owner, service):
        raise ActionError(
            f"{owner.name or owner.email} cannot own an action for {service.name}. "
            "Choose a lead of that service or someone in the Local Offer team."
        )
    owner_name = owner_name or ((owner.name or owner.email) if owner is not None else "")
    if not owner_name:
        raise ActionError("Enter who owns this action")
    if due_on is None:
        due_on = add_working_days(today, due_in_working_days)
    if due_on < today:
        raise ActionError("The due date must be today or in the future")

    action = Action(case=case, service=service, description=description, owner=owner, owner_name=owner_name,
                    due_on=due_on, status=ActionStatus.PLANNED)
    db.session.add(action)
    if adding_service:
        case.services = [*case.services, service]
        if case.status == CaseStatus.RECEIVED:
            case.status = CaseStatus.WITH_SERVICE
        bump_version(case)
        notify_new_services(case, [service], None, actor)
    db.session.flush()
    record_event("action.recorded", subject=action, case=case, actor=actor,
                 after={**state(action, "status", "service", "description", "owner", "owner_name", "due_on"),
                        "service_added_to_case": adding_service})
    db.session.commit()
    return action


# --- Update ----------------------------------------------------------------------------------

def check_version(action, expected_version):
    """Refuse a form made from an older version of the action (None: the caller is not a form)."""
    versions.check_version(action, expected_version, lambda: ActionError(STALE))


def change_action_status(action, *, status, evidence=None, cancelled_reason="", actor=None, actor_label="",
                         expected_version=None, today=None):
    """Apply a status change in the caller's transaction (the partner link's use joins it); no commit.

    `evidence` is what has been done, as it should now read (None keeps it as it is).
    """
    today = today or council_today()
    if actor is None and not actor_label:
        raise ValueError("an action is changed by a signed-in person or a labelled actor (a partner link)")
    if actor is not None and not may_work_action(actor, action.service):
        raise ActionError(f"You can only update actions for services you lead. You do not lead {action.service.name}.")
    check_version(action, expected_version)
    current, wanted = ActionStatus(action.status), ActionStatus(status)
    evidence = action.evidence if evidence is None else evidence.strip()
    cancelled_reason = (cancelled_reason or "").strip()
    if not TRANSITIONS[current]:
        raise ActionError(f"This action is {current.label.lower()}, so it cannot be changed. "
                          "Record a new action if more needs doing.")
    if wanted not in TRANSITIONS[current]:
        if current == ActionStatus.PLANNED and wanted == ActionStatus.DONE:
            raise ActionError("Mark the action as in progress before marking it as done.")
        raise ActionError(f"An action that is {current.label.lower()} cannot go back to {wanted.label.lower()}.")
    if wanted == ActionStatus.DONE and not evidence:
        raise ActionError("Enter what was done")
    if wanted == ActionStatus.CANCELLED and not cancelled_reason:
        raise ActionError("Enter why the action is cancelled")
    if wanted == current and evidence == action.evidence:
        raise ActionError("Nothing has changed. Choose a new status, or update what has been done so far.")

    keys = ("status", "evidence", "cancelled_reason", "completed_on")
    before = state(action, *keys)
    action.status = wanted
    action.evidence = evidence
    if wanted == ActionStatus.CANCELLED:
        action.cancelled_reason = cancelled_reason
    if wanted == ActionStatus.DONE:
        action.completed_on = today
    db.session.flush()  # the version check happens here: a concurrent change is a StaleDataError
    record_event("action.updated", subject=action, case=action.case, actor=actor, actor_label=actor_label,
                 before=before, after=state(action, *keys))
    return action


@action_change
def update_action_status(action, *, status, evidence=None, cancelled_reason="", actor=None, actor_label="",
                         expected_version=None, today=None):
    """planned → in progress → done (with what was done), or any open state → cancelled (with a reason)."""
    change_action_status(action, status=status, evidence=evidence, cancelled_reason=cancelled_reason, actor=actor,
                         actor_label=actor_label, expected_version=expected_version, today=today)
    db.session.commit()
    return action


# --- Chasing overdue actions -----------------------------------------------------------------

def chase_overdue_actions(today=None):
    """Email whoever must do each overdue action, once per action and due date; returns how many were chased.

    Safe to run twice, and concurrently: the ReminderSent row (step "action:<id>", the due date) is
    inserted with the emails in a SAVEPOINT, and its unique constraint refuses a second one. A new
    due date is a new deadline, so it is chased again when it passes.
    """
    today = today or council_today()
    actions = list_overdue_actions(today)
    already = _already_chased(actions)
    chased = 0
    for action in actions:
        if (action.case_id, REMINDER_STEP.format(action.id), action.due_on) in already:
            continue
        if _chase_once(action, today):
            chased += 1
    db.session.commit()
    return chased


def _already_chased(actions):
    if not actions:
        return set()
    steps = [REMINDER_STEP.format(action.id) for action in actions]
    rows = db.session.execute(
        select(ReminderSent.case_id, ReminderSent.step, ReminderSent.due_on).where(ReminderSent.step.in_(steps))
    )
    return {tuple(row) for row in rows}


def _chase_once(action, today):
    recipients, partner = chase_recipients(action, utcnow())
    step = REMINDER_STEP.format(action.id)
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(case_id=action.case_id, step=step, due_on=action.due_on))
            db.session.flush()  # the unique constraint decides here, before any email is queued
            subject, body = chase_text(action, today, partner=partner)
            for address in recipients:
                queue_email(to=address, subject=subject, body=body, purpose="action-overdue", case=action.case)
            record_event("action.reminder_sent", subject=action, case=action.case, actor_label="system",
                         after={"due_on": action.due_on.isoformat(), "to": recipients})
            db.session.flush()
    except IntegrityError:
        log.info("action %s (due %s) was already chased", action.id, action.due_on)
        return False
    return True


def chase_recipients(action, now):
    """(addresses, to_partner): the owner with an account; else the partner lead sent a live link;
    else the service's leads, or its mailbox; else the Local Offer team."""
    if action.owner is not None and action.owner.active:
        return [action.owner.email], False
    partners = sorted({link.recipient_email for link in list_live_partner_links(action, now)})
    if partners:
        return partners, True
    leads = sorted({lead.email for lead in action.service.leads if lead.active})
    if leads:
        return leads, False
    if action.service.email:
        return [action.service.email], False
    return [current_app.config["TEAM_EMAIL"]], False


def chase_text(action, today, *, partner):
    """Subject and body: the reference, the action and how late it is; never the family's details."""
    days_late = max(working_days_between(action.due_on, today), 1)
    late = f"{days_late} working day{'s' if days_late != 1 else ''} overdue"
    reference = action.case.reference
    lines = [
        f"An action on Local Offer feedback case {reference} was due by {format_date(action.due_on)}.",
        f"It is now {late}.", "",
        f"Service: {action.service.name}",
        f"What will be done: {action.description}",
        f"Status: {ActionStatus(action.status).label}", "",
    ]
    if partner:
        lines += ["Use the link in the email we sent you with this request to update the action.",
                  f"If you cannot find it, contact the Local Offer team: {current_app.config['CONTACT_EMAIL']}", ""]
    else:
        lines += [f"Update the action (sign in first): {action_path(action)}", ""]
    lines.append(f"{current_app.config['COUNCIL_NAME']} Local Offer team")
    return f"Overdue action on {reference}", "\n".join(lines)


def action_path(action):
    """The action's staff page; BASE_URL (when configured) makes it absolute for email clients."""
    return f"{current_app.config.get('BASE_URL', '').rstrip('/')}/actions/{action.id}"

