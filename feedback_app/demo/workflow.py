"""The demo council's work in progress: cases routed, actions recorded, entries drafted and published.

Everything goes through the same services the pages use, so the demo shows the whole loop
(intake → routing → action → "You said, we did") with a real audit trail.
"""
from sqlalchemy import select

from feedback_app.accounts.models import User
from feedback_app.actions.services import record_action, update_action_status
from feedback_app.cases.models import Case, CaseStatus
from feedback_app.cases.triage_services import assign_case, resolve_case
from feedback_app.demo.taxonomy import SERVICES
from feedback_app.directory.models import Service, Theme
from feedback_app.extensions import db
from feedback_app.publishing.reporting_years import configured_start_month, reporting_year_for
from feedback_app.publishing.services import (
    EntryContent,
    approve_and_publish,
    create_entry,
    override_finding,
    submit_for_approval,
    withdraw_entry,
)

SERVICE_FOR_THEME = {theme: slug for slug, _, themes in SERVICES for theme in themes}


def seed_demo_workflow(today, *, team_email, approver_email):
    team = db.session.scalar(select(User).where(User.email == team_email))
    approver = db.session.scalar(select(User).where(User.email == approver_email))
    services = {service.slug: service for service in db.session.scalars(select(Service))}
    cases = list(db.session.scalars(select(Case).order_by(Case.id)))
    for case in cases:
        if case.status == CaseStatus.RECEIVED:
            wanted = {SERVICE_FOR_THEME[theme.slug] for theme in case.themes if theme.slug in SERVICE_FOR_THEME}
            if wanted:
                assign_case(case, services=[services[slug] for slug in sorted(wanted)], assignee=team, actor=team)
    by_start = {case.body[:40]: case for case in cases}

    jargon = _case(by_start, "The EHC needs assessment page")
    forum = _case(by_start, "Writing on behalf of the Parent Carer Forum")
    plain_english = record_action(jargon, service=services["local-offer"], actor=team, today=today,
                                  description="Rewrite the EHC needs assessment pages in plain English, "
                                              "tested with the parent carer forum", owner=team)
    update_action_status(plain_english, status="in_progress", actor=team, today=today)
    update_action_status(plain_english, status="done", actor=team, today=today,
                         evidence="Pages rewritten with a glossary; 8 parents tested them in June.")
    resolve_case(jargon, actor=team, response="We rewrote the pages in plain English with a glossary.")
    short_breaks = _case(by_start, "There is nothing listed for short breaks")
    holiday_club = record_action(short_breaks, service=services["social-care"], actor=team, today=today,
                                 description="Commission a holiday club for 12 to 18 year olds in the Forest area",
                                 owner_name="Short breaks commissioning manager")
    update_action_status(holiday_club, status="in_progress", actor=team, today=today)

    themes = {theme.slug: theme for theme in db.session.scalars(select(Theme))}
    year = reporting_year_for(today, configured_start_month())
    published = create_entry(author=team, content=EntryContent(
        title="Plain English on the EHC needs assessment pages",
        you_said="Families told us the pages about EHC needs assessments were full of jargon and hard to follow.",
        we_did="We rewrote the pages in plain English, added a glossary and tested them with parents.",
        theme=themes["jargon"], reg56_topic="accessibility", reporting_year=year,
        cases=[jargon, forum], actions=[plain_english], is_paraphrase=True,
    ))
    _publish(published, author=team, approver=approver)
    camhs = _case(by_start, "The CAMHS page still lists a drop-in clinic")
    withdrawn = create_entry(author=team, content=EntryContent(
        title="The CAMHS drop-in clinic",
        you_said="You told us the CAMHS page listed a drop-in clinic that has closed.",
        we_did="We removed the clinic from the page.",
        theme=themes["directory_accuracy"], reg56_topic="content_quality", reporting_year=year,
        cases=[camhs], is_paraphrase=True,
    ))
    _publish(withdrawn, author=team, approver=approver)
    withdraw_entry(withdrawn, actor=approver,
                   reason="The health service reopened the clinic in a new place: the entry will be rewritten.")
    create_entry(author=team, content=EntryContent(
        title="Short breaks for older children",
        you_said="Parents told us there are no short breaks listed for children over 12 in the Forest area.",
        we_did="We are commissioning a holiday club for 12 to 18 year olds in the Forest area.",
        theme=themes["short_breaks"], reg56_topic="content_gaps", reporting_year=year,
        cases=[short_breaks], actions=[holiday_club], is_paraphrase=True,
    ))


def _case(by_start, start):
    return next(case for body, case in by_start.items() if body.startswith(start[:40]))


def _publish(entry, *, author, approver):
    # The demo text is a fresh paraphrase: any finding would be the checker being cautious, and is
    # overridden with a reason, as a team member would.
    for finding in list(entry.findings):
        override_finding(finding, reason="Demo text, checked by the team", actor=approver)
    submit_for_approval(entry, actor=author)
    approve_and_publish(entry, approver=approver)
