"""A realistic demo council: services, themes, a user for each role, cases from sample feedback."""
import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from feedback_app.accounts.models import Role, User
from feedback_app.accounts.services import create_user
from feedback_app.cases.models import Channel, Reg56Topic, SubmitterRole
from feedback_app.cases.services import open_case
from feedback_app.directory.models import Service, Theme
from feedback_app.common.working_days import council_today
from feedback_app.demo.taxonomy import SERVICES, THEMES
from feedback_app.demo.workflow import seed_demo_workflow
from feedback_app.extensions import db

DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = [
    ("admin@demo.example", Role.ADMIN, "Ada Admin", []),
    ("team@demo.example", Role.TEAM, "Tom Team", []),
    ("lead@demo.example", Role.SERVICE_LEAD, "Lee Lead", ["transport", "health"]),
]
SAMPLE_FEEDBACK = Path(__file__).parent / "data" / "feedback.json"


def ensure_taxonomy():
    """Add any missing themes and services (idempotent)."""
    themes = {theme.slug: theme for theme in db.session.scalars(select(Theme))}
    for position, (slug, name, facet) in enumerate(THEMES):
        if slug not in themes:
            themes[slug] = Theme(slug=slug, name=name, facet=facet, position=position)
            db.session.add(themes[slug])
    existing = set(db.session.scalars(select(Service.slug)))
    for slug, name, _ in SERVICES:
        if slug not in existing:
            db.session.add(Service(slug=slug, name=name))
    db.session.commit()


def seed_demo_data(today=None):
    """Seed the demo council once; returns False when it was already there."""
    if db.session.scalar(select(User).where(User.email == DEMO_USERS[0][0])) is not None:
        return False
    ensure_taxonomy()
    services = {service.slug: service for service in db.session.scalars(select(Service))}
    for email, role, name, service_slugs in DEMO_USERS:
        # Exempt from required two-factor, so the README's demo sign-in always works.
        user = create_user(email, DEMO_PASSWORD, role, name=name, two_factor_exempt=True)
        user.services = [services[slug] for slug in service_slugs]
    db.session.commit()
    today = today or council_today()
    seed_sample_cases(today)
    seed_demo_workflow(today, team_email="team@demo.example", approver_email="admin@demo.example")
    return True


def seed_sample_cases(today):
    themes = {theme.slug: theme for theme in db.session.scalars(select(Theme))}
    samples = json.loads(SAMPLE_FEEDBACK.read_text(encoding="utf-8"))
    for days_ago, sample in zip(range(len(samples) * 3, 0, -3), samples):
        topic = Reg56Topic(sample["reg56_topic"])
        open_case(
            channel=Channel(sample["channel"]),
            received_on=today - timedelta(days=days_ago),
            submitter_role=SubmitterRole(sample["submitter_role"]),
            reg56_topic=topic,
            body=sample["body"],
            page_url=sample.get("page_url", ""),
            consent_publish=sample["consent_publish"],
            themes=[themes[slug] for slug in sample["themes"] if slug in themes],
            excluded_reason=_demo_exclusion_reason(topic),
            actor_label="demo data",
        )
    db.session.commit()


def _demo_exclusion_reason(topic):
    return {
        Reg56Topic.INDIVIDUAL_CASE: "About one child's own support: signposted to the complaints route.",
        Reg56Topic.VEXATIOUS: "Spam advertising, not feedback.",
    }.get(topic, "")
