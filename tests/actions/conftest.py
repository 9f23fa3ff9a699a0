"""A case sent to two services, with leads of each, a lead of an unrelated service, and one action."""
from datetime import date

import pytest
from bs4 import BeautifulSoup

from feedback_app.accounts.models import Role
from feedback_app.actions.services import record_action
from feedback_app.cases.triage_services import assign_case
from feedback_app.extensions import db
from tests.factories import make_case, make_service, make_user

FAMILY = {"contact_name": "Jo Bloggs-Parent", "contact_email": "jo.parent@family.example",
          "contact_phone": "07700 900123", "on_behalf_of": "Sam Bloggs"}
TODAY = date(2026, 11, 2)


@pytest.fixture
def world(app):
    team = make_user(Role.TEAM, name="Tess Team")
    own_lead = make_user(Role.SERVICE_LEAD, name="Olu Own")
    other_lead = make_user(Role.SERVICE_LEAD, name="Ola Other")
    stranger = make_user(Role.SERVICE_LEAD, name="Sid Stranger")
    transport = make_service(name="Transport", leads=[own_lead])
    health = make_service(name="Health", leads=[other_lead])
    parks = make_service(name="Parks", leads=[stranger])
    case = make_case(body="The bus pass page is out of date.", **FAMILY)
    assign_case(case, services=[transport, health], actor=team)
    action = record_action(case, service=transport, description="Rewrite the bus pass page", owner_name="Olu Own",
                           actor=team, today=TODAY)
    return {"team": team, "own_lead": own_lead, "other_lead": other_lead, "stranger": stranger,
            "transport": transport, "health": health, "parks": parks, "case": case, "action": action}


def page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_summary(response):
    summary = page(response).select_one(".govuk-error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def fresh(model, obj_id):
    db.session.expire_all()
    return db.session.get(model, obj_id)
