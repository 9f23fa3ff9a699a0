"""Duplicates: link related cases, merge one into another (reversibly), split one message into several cases."""
from sqlalchemy import exists, or_, select

from feedback_app.audit.services import record_event
from feedback_app.cases.models import Case, CaseLink, CaseNote, CaseStatus
from feedback_app.cases.services import open_case
from feedback_app.cases.triage_services import (
    CaseWorkError,
    bump_version,
    case_change,
    check_version,
    commit,
    refuse_if_merged,
    state,
)
from feedback_app.common.types import utcnow
from feedback_app.extensions import db

MAX_PARTS = 5
# What a part of a split case keeps from the original: who sent it, how, when, and what they agreed to.
COPIED_FIELDS = (
    "submitter_role", "page_url", "on_behalf_of", "contact_name", "contact_email", "contact_phone",
    "reply_preference", "consent_publish", "acknowledged_at",
)


@case_change
def link_cases(case, other, *, actor):
    """Record that two cases are related; stored both ways, so either case lists the other."""
    if case.id == other.id:
        raise CaseWorkError("You cannot link a case to itself")
    linked = db.session.scalar(select(exists().where(
        or_((CaseLink.case_id == case.id) & (CaseLink.linked_case_id == other.id),
            (CaseLink.case_id == other.id) & (CaseLink.linked_case_id == case.id)))))
    if linked:
        raise CaseWorkError(f"{case.reference} and {other.reference} are already linked")
    db.session.add_all([CaseLink(case_id=case.id, linked_case_id=other.id),
                        CaseLink(case_id=other.id, linked_case_id=case.id)])
    for this, that in ((case, other), (other, case)):
        record_event("case.linked", subject=this, case=this, actor=actor, after={"linked_case": that.reference})
    commit()


def linked_cases(case):
    return db.session.scalars(
        select(Case).join(CaseLink, CaseLink.linked_case_id == Case.id).where(CaseLink.case_id == case.id)
        .order_by(Case.id)
    ).all()


def merged_duplicates(case):
    return db.session.scalars(select(Case).where(Case.merged_into_id == case.id).order_by(Case.id)).all()


@case_change
def merge_case(duplicate, into, *, actor, expected_version=None):
    """Close `duplicate` as merged into `into`, keeping all its data; unmerge_case undoes it exactly."""
    check_version(duplicate, expected_version)
    if duplicate.id == into.id:
        raise CaseWorkError("You cannot merge a case into itself")
    refuse_if_merged(duplicate)
    if into.merged_into_id is not None:
        raise CaseWorkError(
            f"{into.reference} was itself merged into {into.merged_into.reference}. "
            f"Merge into {into.merged_into.reference} instead."
        )
    if duplicate.status == CaseStatus.CLOSED:
        raise CaseWorkError(f"{duplicate.reference} is closed. Re-open it before merging it.")
    if merged_duplicates(duplicate):
        raise CaseWorkError(
            f"Other cases are merged into {duplicate.reference}. Unmerge them first, or merge them into "
            f"{into.reference} directly."
        )
    keys = ("status", "merged_into", "closed_at", "closed_reason")
    before = state(duplicate, *keys)
    duplicate.status_before_merge = duplicate.status
    duplicate.status = CaseStatus.CLOSED
    duplicate.merged_into = into
    duplicate.closed_at = utcnow()
    duplicate.closed_reason = f"Merged into {into.reference}"
    bump_version(duplicate)
    record_event("case.merged", subject=duplicate, case=duplicate, actor=actor, before=before,
                 after=state(duplicate, *keys))
    record_event("case.duplicate_merged_in", subject=into, case=into, actor=actor,
                 after={"duplicate": duplicate.reference})
    commit()
    return duplicate


@case_change
def unmerge_case(duplicate, *, actor, expected_version=None):
    """Give a merged case back its own life: the status it had, no merge, no closing."""
    check_version(duplicate, expected_version)
    into = duplicate.merged_into
    if into is None:
        raise CaseWorkError(f"{duplicate.reference} is not merged into another case")
    keys = ("status", "merged_into", "closed_at", "closed_reason")
    before = state(duplicate, *keys)
    duplicate.status = duplicate.status_before_merge or CaseStatus.RECEIVED
    duplicate.status_before_merge = ""
    duplicate.merged_into = None
    duplicate.closed_at = None
    duplicate.closed_reason = ""
    bump_version(duplicate)
    record_event("case.unmerged", subject=duplicate, case=duplicate, actor=actor, before=before,
                 after=state(duplicate, *keys))
    record_event("case.duplicate_unmerged", subject=into, case=into, actor=actor,
                 after={"duplicate": duplicate.reference})
    commit()
    return duplicate


@case_change
def split_case(case, *, parts, actor, expected_version=None):
    """Make a new case of each (text, themes) part; the original keeps its text and notes the split."""
    check_version(case, expected_version)
    refuse_if_merged(case)
    parts = [((text or "").strip(), list(themes)) for text, themes in parts]
    parts = [(text, themes) for text, themes in parts if text]
    if not parts:
        raise CaseWorkError("Enter the text of at least one part")
    if len(parts) > MAX_PARTS:
        raise CaseWorkError(f"You can split a case into at most {MAX_PARTS} parts")
    copied = {name: getattr(case, name) for name in COPIED_FIELDS}
    new_cases = []
    for text, themes in parts:
        part = open_case(channel=case.channel, received_on=case.received_on, themes=themes, actor=actor,
                         body=text, split_from_id=case.id, **copied)
        record_event("case.split_from", subject=part, case=part, actor=actor,
                     after={"split_from": case.reference, **state(part, "themes")})
        new_cases.append(part)
    references = [part.reference for part in new_cases]
    db.session.add(CaseNote(case=case, author=actor, body=f"Split into {', '.join(references)}."))
    bump_version(case)
    record_event("case.split", subject=case, case=case, actor=actor, after={"parts": references})
    commit()
    return new_cases
