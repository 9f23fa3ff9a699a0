"""People, themes and cases for the publishing tests, and helpers that write and publish entries."""
from datetime import date

import pytest

from feedback_app.accounts.models import Role
from feedback_app.actions.models import Action, ActionStatus
from feedback_app.cases.models import Reg56Topic, ReplyPreference
from feedback_app.extensions import db
from feedback_app.publishing.services import (
    EntryContent,
    approve_and_publish,
    create_entry,
    override_finding,
    submit_for_approval,
)
from tests.factories import make_case, make_service, make_theme, make_user

TODAY = date(2026, 11, 20)
CLEAN_YOU_SAID = "Several families said the short breaks page does not list anything for children over 12."
CLEAN_WE_DID = "We added three new holiday clubs for older children to the directory."


@pytest.fixture
def people(app):
    return {
        "author": make_user(Role.TEAM, name="Ada Author"),
        "approver": make_user(Role.TEAM, name="Abe Approver"),
        "admin": make_user(Role.ADMIN, name="Ann Admin"),
        "lead": make_user(Role.SERVICE_LEAD, name="Lee Lead"),
    }


@pytest.fixture
def theme(app):
    return make_theme(name="Short breaks", slug="short-breaks")


def consenting_case(body="There is nothing for over-12s on the short breaks page.", **fields):
    fields.setdefault("consent_publish", True)
    fields.setdefault("reg56_topic", Reg56Topic.CONTENT_GAPS)
    return make_case(body, **fields)


def family_case(email="parent@family.example", **fields):
    """A case whose family asked for replies by email."""
    return consenting_case(contact_name="Pat Family", contact_email=email,
                           reply_preference=ReplyPreference.EMAIL, **fields)


def add_action(case, description="Add holiday clubs for over-12s to the directory", status=ActionStatus.PLANNED,
               owner_name="Olive Owner"):
    service = make_service()
    action = Action(case_id=case.id, service_id=service.id, description=description, owner_name=owner_name,
                    due_on=date(2027, 1, 15), status=status)
    db.session.add(action)
    db.session.commit()
    return action


def content(theme, cases, **fields):
    values = {
        "title": "Short breaks for older children", "you_said": CLEAN_YOU_SAID, "we_did": CLEAN_WE_DID,
        "we_could_not": "", "theme": theme, "reg56_topic": Reg56Topic.CONTENT_GAPS, "reporting_year": 2026,
        "cases": list(cases), "actions": [], "is_paraphrase": True,
    }
    values.update(fields)
    return EntryContent(**values)


def make_entry(author, theme, cases=None, **fields):
    cases = cases if cases is not None else [consenting_case()]
    return create_entry(content(theme, cases, **fields), author=author, today=TODAY)


def publish(author, approver, theme, cases=None, override_all=True, **fields):
    """A published entry; any findings are overridden first (tests that care about findings do it themselves)."""
    entry = make_entry(author, theme, cases, **fields)
    if override_all:
        for finding in list(entry.findings):
            override_finding(finding, reason="Checked: safe", actor=approver)
    submit_for_approval(entry, actor=author)
    return approve_and_publish(entry, approver=approver, base_url="http://localhost/", today=TODAY)
