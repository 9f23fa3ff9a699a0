"""Read-only questions about actions, and the one place that decides who may work an action."""
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from feedback_app.accounts.models import Role, User
from feedback_app.actions.models import Action, ActionStatus, PartnerLink
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import Case, CaseStatus
from feedback_app.cases.permissions import visible_cases
from feedback_app.directory.models import Service
from feedback_app.extensions import db

OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


def may_work_action(user, service):
    """Record and update actions for `service`: the team and admins for any service, a lead for their own."""
    if user is None or not user.active:
        return False
    if user.role in (Role.TEAM, Role.ADMIN):
        return True
    return user.role == Role.SERVICE_LEAD and any(lead.id == user.id for lead in service.leads)


def may_send_partner_links(user):
    """Sending and withdrawing links for partners without an account is the Local Offer team's work."""
    return user is not None and user.active and user.role in (Role.TEAM, Role.ADMIN)


def is_open(action):
    return action.status in OPEN_ACTION_STATUSES


def is_overdue(action, today):
    return is_open(action) and action.due_on < today


def may_record_on(case):
    """Actions are recorded on open or resolved cases (a response often promises one), never closed or merged."""
    return case.status != CaseStatus.CLOSED and case.merged_into_id is None


def services_for_new_action(user, case):
    """The services `user` may record an action for on `case`: the team may add a service the case lacks."""
    if user.role in (Role.TEAM, Role.ADMIN):
        others = db.session.scalars(
            select(Service).where(Service.active.is_(True)).order_by(Service.name)
        ).all()
        return list(case.services) + [service for service in others if service not in case.services]
    return [service for service in case.services if may_work_action(user, service)]


def list_possible_owners(case):
    """People with an account who could own an action on `case`: the team and the leads of its services."""
    lead_ids = [lead.id for service in case.services for lead in service.leads]
    return db.session.scalars(
        select(User)
        .where(User.active.is_(True))
        .where(or_(User.role.in_([Role.TEAM, Role.ADMIN]), User.id.in_(lead_ids)))
        .order_by(User.name, User.email)
    ).all()


def get_visible_action(user, action_id):
    """The action if `user` may see its case; None otherwise (the caller answers 404)."""
    visible = visible_cases(user).with_only_columns(Case.id)
    return db.session.scalar(
        select(Action)
        .options(selectinload(Action.service).selectinload(Service.leads))
        .where(Action.id == action_id, Action.case_id.in_(visible))
    )


def list_case_actions(case):
    """A case's actions, open ones first, each by due date."""
    actions = db.session.scalars(
        select(Action).options(selectinload(Action.service), selectinload(Action.owner))
        .where(Action.case_id == case.id).order_by(Action.due_on, Action.id)
    ).all()
    return sorted(actions, key=lambda action: not is_open(action))


def list_overdue_actions(today, user=None):
    """Open actions due before `today`, oldest first; only those on cases `user` may see, when given."""
    query = (
        select(Action)
        .options(selectinload(Action.case), selectinload(Action.service).selectinload(Service.leads),
                 selectinload(Action.owner))
        .where(Action.status.in_(OPEN_ACTION_STATUSES), Action.due_on < today)
        .order_by(Action.due_on, Action.id)
    )
    if user is not None:
        visible = visible_cases(user).with_only_columns(Case.id)
        query = query.where(Action.case_id.in_(visible))
    return db.session.scalars(query).all()


def list_partner_links(action):
    """Every link sent for `action`, newest first (withdrawn and expired ones too: they are the record)."""
    return db.session.scalars(
        select(PartnerLink).where(PartnerLink.action_id == action.id).order_by(PartnerLink.id.desc())
    ).all()


def list_live_partner_links(action, now):
    return [link for link in list_partner_links(action) if link.revoked_at is None and link.expires_at > now]


def list_action_history(action):
    """Audit events of the action and of its partner links, oldest first, each with its actor (or None)."""
    link_ids = select(PartnerLink.id).where(PartnerLink.action_id == action.id)
    return db.session.execute(
        select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(or_(
            (AuditEvent.subject_type == Action.__tablename__) & (AuditEvent.subject_id == action.id),
            (AuditEvent.subject_type == PartnerLink.__tablename__) & AuditEvent.subject_id.in_(link_ids),
        ))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
