"""Plain factory functions for tests: each commits and returns what it made."""
import itertools
from datetime import date

from feedback_app.accounts.models import Role
from feedback_app.accounts.services import create_user
from feedback_app.cases.models import Channel, SubmitterRole
from feedback_app.cases.services import open_case
from feedback_app.directory.models import Service, Theme
from feedback_app.extensions import db

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def make_user(role=Role.TEAM, email=None, services=(), password=PASSWORD, name=""):
    email = email or f"{role}-{next(_counter)}@council.example"
    user = create_user(email, password, role, name=name)
    user.services = list(services)
    db.session.commit()
    return user


def make_service(name=None, slug=None, leads=()):
    number = next(_counter)
    service = Service(name=name or f"Service {number}", slug=slug or f"service-{number}")
    service.leads = list(leads)
    db.session.add(service)
    db.session.commit()
    return service


def make_theme(name=None, slug=None, facet="service_area"):
    number = next(_counter)
    theme = Theme(name=name or f"Theme {number}", slug=slug or f"theme-{number}", facet=facet, position=number)
    db.session.add(theme)
    db.session.commit()
    return theme


def make_case(body="The short breaks page is out of date.", channel=Channel.WEB, received_on=None, **fields):
    fields.setdefault("submitter_role", SubmitterRole.PARENT_CARER)
    case = open_case(channel=channel, received_on=received_on or date(2026, 11, 2), body=body, **fields)
    db.session.commit()
    return case
