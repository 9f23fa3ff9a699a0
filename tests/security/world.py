"""A small council: one case per service, an action, links, entries and email, so every URL resolves."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from feedback_app.accounts.models import Role
from feedback_app.actions.partner_links import create_partner_link
from feedback_app.actions.services import record_action
from feedback_app.admin.services import add_response_template
from feedback_app.cases.models import Reg56Topic, ReplyPreference
from feedback_app.cases.triage_services import assign_case
from feedback_app.extensions import db
from feedback_app.intake.email_services import ingest_email
from feedback_app.intake.models import Attachment
from feedback_app.outbox.models import OutboundEmail
from feedback_app.publishing.services import (
    EntryContent,
    approve_and_publish,
    create_entry,
    submit_for_approval,
)
from tests.conftest import CORPUS
from tests.factories import make_case, make_service, make_theme, make_user

TODAY = date(2026, 11, 20)


@dataclass
class World:
    users: dict
    services: dict
    theme: object
    case: object  # the case of service "own": the one every case URL names
    other_case: object
    action: object
    partner_link: object
    partner_token: str
    vote_token: str
    published: object
    draft: object
    finding: object
    template: object
    held_email_id: int
    attachment_id: int
    victim: object  # a user the admin routes may deactivate without locking anyone out
    extra: dict = field(default_factory=dict)


def content(theme, cases, **fields):
    values = {"title": "Short breaks for older children",
              "you_said": "Several families said the short breaks page lists nothing for children over 12.",
              "we_did": "We added three holiday clubs for older children to the directory.",
              "theme": theme, "reg56_topic": Reg56Topic.CONTENT_GAPS, "reporting_year": 2026,
              "cases": list(cases), "actions": [], "is_paraphrase": True}
    values.update(fields)
    return EntryContent(**values)


def build_world():
    team = make_user(Role.TEAM, name="Tess Team")
    approver = make_user(Role.TEAM, name="Abe Approver")
    admin = make_user(Role.ADMIN, name="Ann Admin")
    own_lead = make_user(Role.SERVICE_LEAD, name="Olu Own")
    other_lead = make_user(Role.SERVICE_LEAD, name="Ola Other")
    victim = make_user(Role.TEAM, name="Vic Victim")
    own = make_service(name="Transport", leads=[own_lead])
    other = make_service(name="Health", leads=[other_lead])
    theme = make_theme(name="Short breaks", slug="short-breaks")

    case = make_case("The bus pass page is out of date.", contact_name="Pat Family",
                     contact_email="pat@family.example", reply_preference=ReplyPreference.EMAIL,
                     consent_publish=True, reg56_topic=Reg56Topic.CONTENT_GAPS)
    assign_case(case, services=[own], actor=team)
    other_case = make_case("The hospital transport page has no phone number.", consent_publish=True)
    assign_case(other_case, services=[other], actor=team)
    action = record_action(case, service=own, description="Rewrite the bus pass page", owner_name="Olu Own",
                           actor=team, today=TODAY)
    partner_link, partner_token = create_partner_link(action, recipient_name="Pam Partner",
                                                      recipient_email="pam@partner.example", actor=team)

    published = create_entry(content(theme, [case]), author=team, today=TODAY)
    submit_for_approval(published, actor=team)
    approve_and_publish(published, approver=approver, base_url="http://localhost/", today=TODAY)
    body = db.session.scalar(select(OutboundEmail.body_text).where(OutboundEmail.body_text.contains("/entries/vote/")))
    vote_token = body.split("/entries/vote/")[1].split("/")[0]

    draft = create_entry(content(theme, [other_case], title="Hospital transport",
                                 you_said="A parent on 07700 900123 said the page has no phone number."),
                         author=team, today=TODAY)
    finding = draft.findings[0]

    template = add_response_template(name="Thanks", subject="About {reference}",
                                     body="Thank you for your feedback ({reference}).", actor=admin)
    held = ingest_email((CORPUS / "emails" / "16-spam.eml").read_bytes(), source="file")
    ingest_email((CORPUS / "emails" / "06-pdf-attachment.eml").read_bytes(), source="file")
    attachment_id = db.session.scalar(select(Attachment.id).order_by(Attachment.id))
    db.session.commit()
    return World(
        users={"team": team, "admin": admin, "own_lead": own_lead, "other_lead": other_lead, "approver": approver},
        services={"own": own, "other": other}, theme=theme, case=case, other_case=other_case, action=action,
        partner_link=partner_link, partner_token=partner_token, vote_token=vote_token, published=published,
        draft=draft, finding=finding, template=template, held_email_id=held.inbound_email_id,
        attachment_id=attachment_id, victim=victim,
    )
