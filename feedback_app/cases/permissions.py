"""Which cases a person may see and work: the one place that decides, enforced in queries."""
from flask import abort
from sqlalchemy import exists, select

from feedback_app.accounts.models import Role
from feedback_app.cases.models import Case, case_services
from feedback_app.directory.models import service_leads
from feedback_app.extensions import db


def visible_cases(user):
    """A SELECT of the cases `user` may see: all for the team and admins, own services' for leads."""
    query = select(Case)
    if user.role in (Role.TEAM, Role.ADMIN):
        return query
    if user.role == Role.SERVICE_LEAD:
        return query.where(
            exists()
            .where(case_services.c.case_id == Case.id)
            .where(case_services.c.service_id == service_leads.c.service_id)
            .where(service_leads.c.user_id == user.id)
        )
    return query.where(False)


def get_visible_case(user, reference):
    """The case with this reference if `user` may see it; 404 otherwise (never says it exists)."""
    case = db.session.scalar(visible_cases(user).where(Case.reference == reference))
    if case is None:
        abort(404)
    return case


def may_triage(user):
    """Classify, route, merge, split, close and re-open: the Local Offer team's work."""
    return user.role in (Role.TEAM, Role.ADMIN)


def may_see_contact_details(user):
    """Service leads reply to families through the case, so they need no addresses or phone numbers."""
    return user.role in (Role.TEAM, Role.ADMIN)
