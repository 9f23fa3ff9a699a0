"""A small year of data for the report tests, and helpers to build a report and read its PDF."""
import subprocess
from datetime import UTC, date, datetime

import pytest

from feedback_app.accounts.models import Role
from feedback_app.actions.models import ActionStatus
from feedback_app.cases.models import Channel, Reg56Topic, SubmitterRole
from feedback_app.extensions import db
from feedback_app.reports.build import build_annual_report
from feedback_app.reports.queries import get_build
from feedback_app.reports.services import create_build
from tests.factories import make_case, make_theme, make_user
from tests.publishing.conftest import add_action, make_entry, publish

YEAR = 2026  # 1 September 2026 to 31 August 2027 (the suite's start month is September)


@pytest.fixture
def people(app):
    return {
        "author": make_user(Role.TEAM, name="Ada Author"),
        "approver": make_user(Role.TEAM, name="Abe Approver"),
        "lead": make_user(Role.SERVICE_LEAD, name="Lee Lead"),
        "admin": make_user(Role.ADMIN, name="Ann Admin"),
    }


def cases_of(count, theme=None, **fields):
    made = []
    for _ in range(count):
        case = make_case(**fields)
        if theme is not None:
            case.themes = [theme]
        made.append(case)
    db.session.commit()
    return made


@pytest.fixture
def year_data(people):
    """Known counts: 7 web comments on short breaks, 2 by phone on transport, 6 excluded (individual)."""
    breaks = make_theme(name="Short breaks", slug="short-breaks")
    transport = make_theme(name="Transport", slug="transport")
    web = cases_of(7, breaks, channel=Channel.WEB, reg56_topic=Reg56Topic.CONTENT_GAPS,
                   submitter_role=SubmitterRole.PARENT_CARER)
    phone = cases_of(2, transport, channel=Channel.PHONE, reg56_topic=Reg56Topic.ACCESSIBILITY,
                     submitter_role=SubmitterRole.YOUNG_PERSON)
    excluded = cases_of(6, channel=Channel.EMAIL, reg56_topic=Reg56Topic.INDIVIDUAL_CASE,
                        submitter_role=SubmitterRole.PARENT_CARER)
    for case in web[:5]:  # answered within the deadline
        case.resolved_at = datetime(2026, 11, 5, 12, tzinfo=UTC)
    db.session.commit()
    done = add_action(web[0], description="Add holiday clubs to the directory", status=ActionStatus.DONE)
    published = publish(people["author"], people["approver"], breaks, [web[0]], title="Holiday clubs for older children",
                        you_said="Families said holiday clubs for older children were missing.",
                        we_did="We added holiday clubs to the directory.", actions=[done])
    other = publish(people["author"], people["approver"], transport, [phone[0]], title="Transport forms were hard to find",
                    you_said="Young people said the transport form was hard to find.",
                    we_did="We moved the form to the front page.")
    draft = make_entry(people["author"], breaks, [web[1]], title="Unpublished draft about swimming",
                       you_said="A draft nobody should read.")
    return {"breaks": breaks, "transport": transport, "web": web, "phone": phone, "excluded": excluded,
            "published": [published, other], "draft": draft}


def build_report(year=YEAR):
    build = create_build(year, start_month=9, requested_by_label="test")
    build_annual_report(build.id)
    return get_build(build.id)


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def write_pdf(tmp_path, pdf, name="report.pdf"):
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


TODAY = date(2026, 11, 20)
