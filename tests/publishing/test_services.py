"""The entry workflow: the consent rule, the check and its overrides, approval by someone else, notices and answers."""
import json

import pytest
from sqlalchemy import select

from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import Reg56Topic, ReplyPreference
from feedback_app.extensions import db
from feedback_app.outbox.models import OutboundEmail
from feedback_app.publishing.models import Entry, EntryNotice, EntryStatus, IdentifierFinding
from feedback_app.publishing.notices import find_notice_by_token, record_answer
from feedback_app.publishing.services import (
    STALE,
    EntryError,
    approve_and_publish,
    override_finding,
    return_to_draft,
    submit_for_approval,
    update_entry,
    withdraw_entry,
)
from tests.factories import make_case
from tests.publishing.conftest import (
    TODAY,
    add_action,
    consenting_case,
    content,
    family_case,
    make_entry,
    publish,
)

NAMED = "Mrs Okafor told us the occupational therapy page says nothing about children not in school."


def fresh(entry):
    db.session.expire_all()
    return db.session.get(Entry, entry.id)


def audit_json():
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    return json.dumps([{"action": event.action, "before": event.before, "after": event.after} for event in events])


# --- Writing, and the consent rule ------------------------------------------------------------

def test_a_new_entry_is_a_draft_by_its_author_with_its_cases_and_actions(people, theme):
    case = consenting_case()
    action = add_action(case)
    entry = make_entry(people["author"], theme, [case], actions=[action])
    entry = fresh(entry)
    assert entry.status == EntryStatus.DRAFT
    assert entry.author_id == people["author"].id
    assert [c.reference for c in entry.cases] == [case.reference]
    assert entry.actions == [action]
    assert entry.findings == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.created"))
    assert event.after["cases"] == [case.reference] and event.after["findings"] == {}


def test_a_case_without_consent_needs_a_fresh_paraphrase(people, theme):
    case = make_case("Nothing for over-12s.", consent_publish=False, reg56_topic=Reg56Topic.CONTENT_GAPS)
    with pytest.raises(EntryError, match="did not agree to their words being published") as refused:
        make_entry(people["author"], theme, [case], is_paraphrase=False)
    assert refused.value.field == "case_references"
    assert db.session.scalar(select(Entry)) is None
    entry = make_entry(people["author"], theme, [case], is_paraphrase=True)
    assert fresh(entry).cases[0].id == case.id


def test_a_consenting_case_may_be_linked_without_a_paraphrase(people, theme):
    entry = make_entry(people["author"], theme, [consenting_case()], is_paraphrase=False)
    assert fresh(entry).is_paraphrase is False


@pytest.mark.parametrize("topic", [Reg56Topic.INDIVIDUAL_CASE, Reg56Topic.VEXATIOUS, Reg56Topic.NOT_LOCAL_OFFER])
def test_an_excluded_case_can_never_be_linked(people, theme, topic):
    case = make_case("About my son's own plan.", consent_publish=True, reg56_topic=topic, excluded_reason="Excluded")
    with pytest.raises(EntryError, match=f"{case.reference} is excluded from publication"):
        make_entry(people["author"], theme, [case], is_paraphrase=True)


def test_an_excluded_topic_cannot_be_the_entrys_topic(people, theme):
    with pytest.raises(EntryError, match="Choose what the comments were about"):
        make_entry(people["author"], theme, reg56_topic=Reg56Topic.VEXATIOUS)


def test_an_entry_needs_a_case_and_its_actions_must_be_the_cases_own(people, theme):
    with pytest.raises(EntryError, match="at least one case"):
        make_entry(people["author"], theme, [])
    other_action = add_action(consenting_case())
    with pytest.raises(EntryError, match="actions of the linked cases only"):
        make_entry(people["author"], theme, [consenting_case()], actions=[other_action])


def test_a_service_lead_cannot_write_entries(people, theme):
    with pytest.raises(EntryError, match="Only the Local Offer team"):
        make_entry(people["lead"], theme)


# --- The check, overrides and approval --------------------------------------------------------

def test_findings_block_approval_until_the_text_is_edited(people, theme):
    case = consenting_case()
    entry = make_entry(people["author"], theme, [case], you_said=NAMED)
    assert [(f.kind, f.field) for f in entry.findings] == [("name", "you_said")]
    submit_for_approval(entry, actor=people["author"])
    with pytest.raises(EntryError) as blocked:
        approve_and_publish(entry, approver=people["approver"], today=TODAY)
    assert "a name in “You said”" in blocked.value.message
    assert "Okafor" not in blocked.value.message
    entry = fresh(entry)
    assert entry.status == EntryStatus.AWAITING_APPROVAL
    update_entry(entry, content(theme, [case], you_said="A family told us the page says nothing about children "
                                                        "not in school."), actor=people["author"], today=TODAY)
    entry = fresh(entry)
    assert entry.findings == [] and entry.status == EntryStatus.AWAITING_APPROVAL
    approve_and_publish(entry, approver=people["approver"], today=TODAY)
    assert fresh(entry).status == EntryStatus.PUBLISHED


def test_findings_block_approval_until_overridden_with_a_reason(people, theme):
    entry = make_entry(people["author"], theme, you_said=NAMED)
    finding = entry.findings[0]
    with pytest.raises(EntryError, match="Enter why this is safe to publish"):
        override_finding(finding, reason="   ", actor=people["approver"])
    override_finding(finding, reason="A public figure, quoted with permission", actor=people["approver"])
    submit_for_approval(entry, actor=people["author"])
    approve_and_publish(fresh(entry), approver=people["approver"], today=TODAY)
    entry = fresh(entry)
    assert entry.status == EntryStatus.PUBLISHED
    assert entry.findings[0].overridden_by_id == people["approver"].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "identifier_finding.overridden"))
    assert event.after == {"entry_id": entry.id, "kind": "name", "field": "you_said",
                           "reason": "A public figure, quoted with permission"}


def test_an_override_survives_an_edit_elsewhere_but_not_a_new_identifier(people, theme):
    case = consenting_case()
    entry = make_entry(people["author"], theme, [case], you_said=NAMED)
    override_finding(entry.findings[0], reason="Agreed with the family", actor=people["approver"])
    update_entry(fresh(entry), content(theme, [case], you_said="Earlier: " + NAMED), actor=people["author"],
                 today=TODAY)
    entry = fresh(entry)
    assert len(entry.findings) == 1 and entry.findings[0].overridden_reason == "Agreed with the family"
    assert entry.findings[0].start == len("Earlier: Mrs ")
    update_entry(entry, content(theme, [case], you_said=NAMED + " Call 07700 900461."), actor=people["author"],
                 today=TODAY)
    entry = fresh(entry)
    assert [(f.kind, f.overridden_by_id is not None) for f in entry.findings] == [("name", True), ("phone", False)]


def test_the_check_covers_the_descriptions_of_linked_actions(people, theme):
    case = consenting_case()
    action = add_action(case, description="Ring Mrs Okafor back about the referral form")
    entry = make_entry(people["author"], theme, [case], actions=[action])
    assert [(f.kind, f.field) for f in entry.findings] == [("name", f"action:{action.id}")]


def test_the_author_cannot_approve_their_own_entry(people, theme):
    entry = make_entry(people["author"], theme)
    submit_for_approval(entry, actor=people["author"])
    with pytest.raises(EntryError, match="You wrote this entry, so another member of the team must approve it"):
        approve_and_publish(entry, approver=people["author"], today=TODAY)
    assert fresh(entry).status == EntryStatus.AWAITING_APPROVAL
    with pytest.raises(EntryError, match="Only the Local Offer team"):
        approve_and_publish(fresh(entry), approver=people["lead"], today=TODAY)
    approve_and_publish(fresh(entry), approver=people["admin"], today=TODAY)
    assert fresh(entry).approver_id == people["admin"].id


def test_only_an_entry_awaiting_approval_can_be_published(people, theme):
    entry = make_entry(people["author"], theme)
    with pytest.raises(EntryError, match="Send this entry for approval first"):
        approve_and_publish(entry, approver=people["approver"], today=TODAY)


def test_sending_for_approval_needs_a_response(people, theme):
    entry = make_entry(people["author"], theme, we_did="", we_could_not="")
    with pytest.raises(EntryError, match="Write what we did, or why we couldn’t"):
        submit_for_approval(entry, actor=people["author"])
    entry = make_entry(people["author"], theme, we_did="", we_could_not="The pool belongs to a private company.")
    assert submit_for_approval(entry, actor=people["author"]).status == EntryStatus.AWAITING_APPROVAL


def test_an_entry_can_be_returned_to_draft(people, theme):
    entry = make_entry(people["author"], theme)
    submit_for_approval(entry, actor=people["author"])
    return_to_draft(fresh(entry), actor=people["approver"], reason="Say which clubs")
    entry = fresh(entry)
    assert entry.status == EntryStatus.DRAFT and entry.submitted_at is None


def test_a_change_from_an_older_version_is_refused(people, theme):
    case = consenting_case()
    entry = make_entry(people["author"], theme, [case])
    version = entry.version
    update_entry(entry, content(theme, [case], title="New title"), actor=people["author"], expected_version=version)
    with pytest.raises(EntryError, match=STALE):
        update_entry(fresh(entry), content(theme, [case], title="Other title"), actor=people["approver"],
                     expected_version=version)
    assert fresh(entry).title == "New title"


def test_published_and_withdrawn_entries_cannot_be_changed(people, theme):
    case = consenting_case()
    entry = publish(people["author"], people["approver"], theme, [case])
    with pytest.raises(EntryError, match="cannot be changed"):
        update_entry(fresh(entry), content(theme, [case]), actor=people["author"])
    with pytest.raises(EntryError, match="Enter why you are withdrawing this entry"):
        withdraw_entry(fresh(entry), reason="", actor=people["approver"])
    withdraw_entry(fresh(entry), reason="A family recognised themselves", actor=people["approver"])
    entry = fresh(entry)
    assert entry.status == EntryStatus.WITHDRAWN and entry.withdrawn_reason == "A family recognised themselves"
    with pytest.raises(EntryError, match="Only a published entry can be withdrawn"):
        withdraw_entry(entry, reason="Again", actor=people["approver"])


# --- The audit never holds what was found ------------------------------------------------------

def test_the_audit_records_kinds_and_counts_never_the_personal_data(people, theme):
    body = ("My daughter Amelia Hart (DOB 14/02/2012) has been waiting for school transport to Oakfield Academy. "
            "Please call me on 07700 900461 or email amelia.hart.mum@example.org. We live at 12 Church Lane, "
            "Stroud GL5 1AB. Her NHS number is 943 476 5919.")
    case = make_case(body, consent_publish=False, reg56_topic=Reg56Topic.CONTENT_QUALITY,
                     contact_name="Jo Hart", contact_email="jo.hart@family.example", contact_phone="01452 496001")
    entry = make_entry(people["author"], theme, [case], you_said=body,
                       we_did="We wrote to Jo Hart at jo.hart@family.example and rang 01452 496001.")
    kinds = {f.kind for f in entry.findings}
    assert kinds == {"name", "date_of_birth", "school", "phone", "email", "address", "postcode", "nhs_number"}
    submit_for_approval(entry, actor=people["author"])
    with pytest.raises(EntryError):
        approve_and_publish(fresh(entry), approver=people["approver"], today=TODAY)
    for finding in fresh(entry).findings:
        override_finding(finding, reason="Test override", actor=people["approver"])
    approve_and_publish(fresh(entry), approver=people["approver"], today=TODAY)
    recorded = audit_json()
    for secret in ["Amelia", "Hart", "14/02/2012", "Oakfield", "07700", "900461", "amelia.hart", "Church Lane",
                   "GL5", "943 476 5919", "9434765919", "jo.hart", "496001"]:
        assert secret not in recorded, secret
    published = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.published"))
    assert published.after["overridden_findings"]["email"] == 2
    # The findings themselves hold positions only.
    assert {column.name for column in IdentifierFinding.__table__.columns} == {
        "id", "entry_id", "kind", "field", "start", "length", "overridden_reason", "overridden_by_id", "created_at"}


# --- Telling families, and their answers ------------------------------------------------------

def test_publishing_emails_families_who_asked_for_replies_by_email_once_each(people, theme):
    asked = family_case(email="asked@family.example")
    same_family = family_case(email="ASKED@family.example")
    by_phone = consenting_case(contact_email="phone@family.example", reply_preference=ReplyPreference.PHONE)
    no_address = consenting_case(reply_preference=ReplyPreference.EMAIL)
    entry = publish(people["author"], people["approver"], theme, [asked, same_family, by_phone, no_address])
    emails = db.session.scalars(select(OutboundEmail).where(OutboundEmail.purpose == "entry-published")).all()
    assert [email.to_address for email in emails] == ["asked@family.example"]
    body = emails[0].body_text
    assert f"http://localhost/you-said-we-did/{entry.id}" in body
    assert "Did this help?" in body and "/entries/vote/" in body and body.count("/entries/vote/") == 2
    notices = db.session.scalars(select(EntryNotice)).all()
    assert len(notices) == 1 and notices[0].case_id == asked.id
    token = body.split("/entries/vote/")[1].split("/")[0]
    assert token not in json.dumps([n.token_digest for n in notices])  # only its digest is kept
    assert find_notice_by_token(token).id == notices[0].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.published"))
    assert event.after["families_told"] == 1 and event.actor_id == people["approver"].id


def test_an_answer_is_recorded_once_and_a_later_one_replaces_it(people, theme):
    publish(people["author"], people["approver"], theme, [family_case()])
    token = db.session.scalar(select(OutboundEmail.body_text)).split("/entries/vote/")[1].split("/")[0]
    notice = find_notice_by_token(token)
    assert record_answer(notice, helpful=True) is True
    assert record_answer(notice, helpful=True) is False
    assert record_answer(notice, helpful=False) is True
    db.session.expire_all()
    assert db.session.scalar(select(EntryNotice)).helpful is False
    answers = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entry_notice.answered")).all()
    assert [event.after["helpful"] for event in answers] == [True, False]
    assert all(event.actor_label == "family" for event in answers)


def test_a_bad_token_finds_nothing(app):
    assert find_notice_by_token("not-a-token") is None
    assert find_notice_by_token("A" * 43) is None
