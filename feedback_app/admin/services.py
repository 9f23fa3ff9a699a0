"""Administration use cases: themes, services and their leads, staff accounts, response templates.

Each function changes one thing, writes its audit event with the before and after, and commits once.
"""
import re
import string

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from feedback_app.accounts.models import Role, User
from feedback_app.accounts.services import create_user
from feedback_app.audit.services import record_event
from feedback_app.cases.models import ResponseTemplate
from feedback_app.cases.triage_emails import PLACEHOLDERS
from feedback_app.directory.models import Service, Theme, ThemeFacet
from feedback_app.extensions import db

FACET_LABELS = {
    ThemeFacet.SERVICE_AREA: "Service area",
    ThemeFacet.WEBSITE: "About the website or directory",
    ThemeFacet.KIND: "Kind of feedback",
}
SLUG_MAX = 80


class AdminError(ValueError):
    """A change that cannot be made; the message is written for the person who asked."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


# --- Reading ----------------------------------------------------------------------------------


def list_themes_by_facet():
    """Every theme, grouped by facet in the taxonomy's order, each group in its display order."""
    themes = db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)).all()
    groups = {facet: [] for facet in ThemeFacet}
    for theme in themes:
        groups.setdefault(ThemeFacet(theme.facet), []).append(theme)
    return groups


def list_services():
    return db.session.scalars(select(Service).options(selectinload(Service.leads)).order_by(Service.name)).all()


def list_possible_leads(service=None):
    """Active service leads, and anyone already leading this service (so they can be removed)."""
    users = db.session.scalars(
        select(User).where(User.role == Role.SERVICE_LEAD).order_by(User.name, User.email)
    ).all()
    current = {lead.id for lead in service.leads} if service is not None else set()
    return [user for user in users if user.active or user.id in current]


def list_users():
    return db.session.scalars(select(User).order_by(User.active.desc(), User.name, User.email)).all()


def list_response_templates():
    return db.session.scalars(
        select(ResponseTemplate).order_by(ResponseTemplate.active.desc(), ResponseTemplate.name)
    ).all()


# --- Themes -----------------------------------------------------------------------------------


def slugify(text):
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "item"


def _unique_slug(model, name):
    base = slugify(name)
    taken = set(db.session.scalars(select(model.slug).where(model.slug.startswith(base[: SLUG_MAX - 4]))))
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = base[: SLUG_MAX - len(suffix)] + suffix
        number += 1
    return slug


def _check_theme_name_free(name, facet, exclude_id=None):
    query = select(Theme.id).where(func.lower(Theme.name) == name.lower(), Theme.facet == facet)
    if exclude_id is not None:
        query = query.where(Theme.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise AdminError(f"There is already a theme called ‘{name}’ in {FACET_LABELS[ThemeFacet(facet)]}", "name")


def add_theme(*, name, facet, actor):
    facet = ThemeFacet(facet)
    _check_theme_name_free(name, facet)
    last = db.session.scalar(select(func.max(Theme.position)).where(Theme.facet == facet))
    theme = Theme(name=name, facet=facet, slug=_unique_slug(Theme, name), position=(last or 0) + 1, active=True)
    db.session.add(theme)
    record_event("theme.added", subject=theme, actor=actor,
                 after={"name": name, "slug": theme.slug, "facet": str(facet), "position": theme.position})
    db.session.commit()
    return theme


def update_theme(theme, *, name, to_index, actor):
    """Rename a theme and put it at `to_index` (0 = first) in its facet, in one transaction.

    The slug stays, so links and exports that use it keep working.
    """
    changed = False
    if name != theme.name:
        _check_theme_name_free(name, theme.facet, exclude_id=theme.id)
        record_event("theme.renamed", subject=theme, actor=actor, before={"name": theme.name}, after={"name": name})
        theme.name = name
        changed = True
    changed = _place_theme(theme, to_index, actor) or changed
    if changed:
        db.session.commit()
    return changed


def move_theme(theme, *, to_index, actor):
    """Put a theme at `to_index` (0 = first) within its facet: how "move up" and "move down" work."""
    changed = _place_theme(theme, to_index, actor)
    if changed:
        db.session.commit()
    return changed


def facet_order(theme):
    """The themes of `theme`'s facet, in display order."""
    return db.session.scalars(
        select(Theme).where(Theme.facet == theme.facet).order_by(Theme.position, Theme.id)
    ).all()


def _place_theme(theme, to_index, actor):
    """The others keep their relative order. The facet's position numbers are reused as slots (made
    distinct if two were equal), so other facets are not renumbered. Each change is audited."""
    ordered = facet_order(theme)
    to_index = max(0, min(to_index, len(ordered) - 1))
    if ordered.index(theme) == to_index:
        return False
    slots = _distinct_slots([item.position for item in ordered])
    ordered.remove(theme)
    ordered.insert(to_index, theme)
    for item, slot in zip(ordered, slots):
        if item.position != slot:
            before = {"position": item.position}
            item.position = slot
            record_event("theme.reordered", subject=item, actor=actor, before=before, after={"position": slot})
    return True


def _distinct_slots(positions):
    slots = []
    for position in sorted(positions):
        slots.append(position if not slots or position > slots[-1] else slots[-1] + 1)
    return slots


def set_theme_active(theme, *, active, actor):
    """Deactivate (hidden from new classification; cases keep it) or reactivate; never deleted."""
    if theme.active == active:
        return False
    theme.active = active
    record_event("theme.reactivated" if active else "theme.deactivated", subject=theme, actor=actor,
                 before={"active": not active}, after={"active": active})
    db.session.commit()
    return True


# --- Services ---------------------------------------------------------------------------------

SERVICE_FIELDS = ("name", "description", "email", "active")


def _check_service_name_free(name, exclude_id=None):
    query = select(Service.id).where(func.lower(Service.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Service.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise AdminError(f"There is already a service called ‘{name}’", "name")


def add_service(*, name, description, email, active, actor):
    _check_service_name_free(name)
    service = Service(name=name, description=description, email=email.lower(), active=active,
                      slug=_unique_slug(Service, name))
    db.session.add(service)
    record_event("service.added", subject=service, actor=actor,
                 after={"slug": service.slug, **_service_values(service)})
    db.session.commit()
    return service


def update_service(service, *, name, description, email, active, actor):
    _check_service_name_free(name, exclude_id=service.id)
    before = _service_values(service)
    service.name, service.description, service.email, service.active = name, description, email.lower(), active
    after = _service_values(service)
    if after == before:
        return False
    changed = [key for key in SERVICE_FIELDS if before[key] != after[key]]
    record_event("service.updated", subject=service, actor=actor,
                 before={key: before[key] for key in changed}, after={key: after[key] for key in changed})
    db.session.commit()
    return True


def _service_values(service):
    return {field: getattr(service, field) for field in SERVICE_FIELDS}


def set_service_leads(service, *, lead_ids, actor):
    """Make exactly these users (service leads only) the service's leads."""
    lead_ids = {int(lead_id) for lead_id in lead_ids}
    leads = db.session.scalars(select(User).where(User.id.in_(lead_ids), User.role == Role.SERVICE_LEAD)).all() \
        if lead_ids else []
    if len(leads) != len(lead_ids):
        raise AdminError("Select only people who are service leads", "leads")
    before = sorted(lead.email for lead in service.leads)
    after = sorted(lead.email for lead in leads)
    if before == after:
        return False
    service.leads = sorted(leads, key=lambda lead: lead.email)
    record_event("service.leads_changed", subject=service, actor=actor,
                 before={"leads": before}, after={"leads": after})
    db.session.commit()
    return True


# --- Staff accounts ---------------------------------------------------------------------------


def add_user(*, email, name, role, password, actor):
    """Create an account with a temporary password (accounts.create_user audits and commits it)."""
    return create_user(email, password, Role(role), name=name, actor=actor)


def set_user_active(user, *, active, actor):
    """Deactivate or reactivate an account; nobody deactivates themselves (an admin always remains)."""
    if not active and user.id == actor.id:
        raise AdminError("You cannot deactivate your own account")
    if user.active == active:
        return False
    user.active = active
    record_event("user.reactivated" if active else "user.deactivated", subject=user, actor=actor,
                 before={"active": not active}, after={"active": active})
    db.session.commit()
    return True


# --- Response templates -----------------------------------------------------------------------

TEMPLATE_FIELDS = ("name", "subject", "body", "active")


def check_placeholders(text):
    """The problem with the placeholders in `text`, or None; only PLACEHOLDERS may be used."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return "Placeholders must be written in curly brackets, like {reference}, with both brackets"
    for _, field_name, format_spec, conversion in parsed:
        if field_name is None:
            continue
        if field_name not in PLACEHOLDERS or format_spec or conversion:
            written = "{" + field_name + (f"!{conversion}" if conversion else "") + \
                (f":{format_spec}" if format_spec else "") + "}"
            if field_name == "":
                written = "{}"
            allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
            return f"{written} is not a placeholder you can use. Use only {allowed}"
    return None


def _check_template(name, subject, body, exclude_id=None):
    for field, text in (("subject", subject), ("body", body)):
        problem = check_placeholders(text)
        if problem:
            raise AdminError(problem, field)
    query = select(ResponseTemplate.id).where(func.lower(ResponseTemplate.name) == name.lower())
    if exclude_id is not None:
        query = query.where(ResponseTemplate.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise AdminError(f"There is already a response template called ‘{name}’", "name")


def add_response_template(*, name, subject, body, actor):
    _check_template(name, subject, body)
    template = ResponseTemplate(name=name, subject=subject, body=body, active=True)
    db.session.add(template)
    record_event("response_template.added", subject=template, actor=actor, after=_template_values(template))
    db.session.commit()
    return template


def update_response_template(template, *, name, subject, body, actor):
    _check_template(name, subject, body, exclude_id=template.id)
    before = _template_values(template)
    template.name, template.subject, template.body = name, subject, body
    after = _template_values(template)
    if before == after:
        return False
    changed = [key for key in TEMPLATE_FIELDS if before[key] != after[key]]
    record_event("response_template.updated", subject=template, actor=actor,
                 before={key: before[key] for key in changed}, after={key: after[key] for key in changed})
    db.session.commit()
    return True


def set_response_template_active(template, *, active, actor):
    if template.active == active:
        return False
    template.active = active
    record_event("response_template.reactivated" if active else "response_template.deactivated",
                 subject=template, actor=actor, before={"active": not active}, after={"active": active})
    db.session.commit()
    return True


def _template_values(template):
    return {field: getattr(template, field) for field in TEMPLATE_FIELDS}
