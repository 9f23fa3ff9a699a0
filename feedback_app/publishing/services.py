"""Entries through their states: write, check, approve and publish (families told), withdraw."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from feedback_app.accounts.models import Role
from feedback_app.audit.services import record_event
from feedback_app.cases.models import Reg56Topic
from feedback_app.common import versions
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.publishing import identifiers
from feedback_app.publishing.models import Entry, EntryStatus, IdentifierFinding
from feedback_app.publishing.notices import queue_notices

STALE = "Someone else changed this entry while you were working on it. Check the latest version and try again."
EDITABLE = (EntryStatus.DRAFT, EntryStatus.AWAITING_APPROVAL)
TEXT_FIELDS = ("title", "you_said", "we_did", "we_could_not")
FIELD_LABELS = {"title": "the title", "you_said": "“You said”", "we_did": "“We did”",
                "we_could_not": "“We couldn’t, because…”"}
ACTION_FIELD = "action:{}"
TITLE_LIMIT = 200
TEXT_LIMIT = 10_000
EARLIEST_YEAR, LATEST_YEAR = 2014, 2100  # the SEND Regulations date from 2014


class EntryError(Exception):
    """A change that cannot be made; the message is written for the person who asked. `field`: where to show it."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field

    @property
    def message(self):
        return self.args[0]


@dataclass
class EntryContent:
    """What a person writes and chooses for an entry; the form gives it, the services check it."""

    title: str
    you_said: str
    we_did: str = ""
    we_could_not: str = ""
    theme: object = None
    reg56_topic: str = ""
    reporting_year: int | None = None
    cases: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    is_paraphrase: bool = False


# Someone else's concurrent change (the version column, seen at any flush) is refused in words.
entry_change = versions.refusing_stale_changes(lambda: EntryError(STALE), rollback_on=EntryError)


def check_version(entry, expected_version):
    versions.check_version(entry, expected_version, lambda: EntryError(STALE))


def require_team(actor, doing="do this"):
    if actor is None or actor.role not in (Role.TEAM, Role.ADMIN):
        raise EntryError(f"Only the Local Offer team can {doing}.")


# --- What the audit may say: states, references and counts, never the entry's text ------------

def state(entry):
    return {
        "status": str(entry.status),
        "theme": entry.theme.slug if entry.theme is not None else None,
        "reg56_topic": entry.reg56_topic,
        "reporting_year": entry.reporting_year,
        "is_paraphrase": entry.is_paraphrase,
        "cases": [case.reference for case in entry.cases],
        "actions": [action.id for action in entry.actions],
    }


def finding_counts(findings):
    """{kind: count}: what the audit records about findings."""
    return dict(sorted(Counter(finding.kind for finding in findings).items()))


def is_overridden(finding):
    return finding.overridden_by_id is not None


def outstanding(entry):
    return [finding for finding in entry.findings if not is_overridden(finding)]


# --- The rules on content ---------------------------------------------------------------------

def case_problem(case, is_paraphrase):
    """Why `case` may not be linked to an entry, or None."""
    if case.merged_into_id is not None:
        merged_into = case.merged_into.reference if case.merged_into is not None else "another case"
        return f"{case.reference} was merged into {merged_into}. Link {merged_into} instead."
    if case.is_excluded:
        label = Reg56Topic(case.reg56_topic).label.split("–", 1)[-1].strip()
        return f"{case.reference} is excluded from publication ({label}), so it cannot be linked to an entry."
    if not case.consent_publish and not is_paraphrase:
        return (f"{case.reference}: the person did not agree to their words being published. "
                "Link it only if “You said” is a fresh paraphrase, and tick the box to say so.")
    return None


def check_cases(cases, is_paraphrase):
    if not cases:
        raise EntryError("Enter the reference of at least one case this entry answers", "case_references")
    for case in cases:
        problem = case_problem(case, is_paraphrase)
        if problem:
            raise EntryError(problem, "case_references")


def check_content(content):
    if not content.title:
        raise EntryError("Enter a title", "title")
    if len(content.title) > TITLE_LIMIT:
        raise EntryError(f"Title must be {TITLE_LIMIT} characters or fewer", "title")
    if not content.you_said:
        raise EntryError("Enter what people said", "you_said")
    for name in ("you_said", "we_did", "we_could_not"):
        if len(getattr(content, name) or "") > TEXT_LIMIT:
            raise EntryError(f"This must be {TEXT_LIMIT:,} characters or fewer", name)
    if content.theme is None:
        raise EntryError("Choose a theme", "theme")
    topic = Reg56Topic(content.reg56_topic) if content.reg56_topic in set(Reg56Topic) else None
    if topic is None or topic.is_exclusion:
        raise EntryError("Choose what the comments were about", "reg56_topic")
    if content.reporting_year is None or not EARLIEST_YEAR <= content.reporting_year <= LATEST_YEAR:
        raise EntryError("Choose a reporting year", "reporting_year")
    check_cases(content.cases, content.is_paraphrase)
    case_ids = {case.id for case in content.cases}
    if any(action.case_id not in case_ids for action in content.actions):
        raise EntryError("Choose actions of the linked cases only", "actions")


def apply_content(entry, content):
    entry.title = content.title
    entry.you_said = content.you_said
    entry.we_did = content.we_did or ""
    entry.we_could_not = content.we_could_not or ""
    entry.theme = content.theme
    entry.reg56_topic = str(Reg56Topic(content.reg56_topic))
    entry.reporting_year = content.reporting_year
    entry.is_paraphrase = bool(content.is_paraphrase)
    entry.cases = list(dict.fromkeys(content.cases))
    entry.actions = list(dict.fromkeys(content.actions))


# --- The identifier check ---------------------------------------------------------------------

def entry_texts(entry):
    """Every text the public will read: the entry's own, and the descriptions of its actions."""
    texts = {name: getattr(entry, name) or "" for name in TEXT_FIELDS}
    texts.update({ACTION_FIELD.format(action.id): action.description or "" for action in entry.actions})
    return texts


def refresh_findings(entry, *, old_texts, today=None):
    """Run the check again; a finding whose identifier is still there keeps its row (and any override).

    Findings are matched by kind, field and the text they cover, compared in memory only: the text
    is never stored. What is no longer in the text is removed, override and all.
    """
    texts = entry_texts(entry)
    found = identifiers.check_fields(texts, identifiers.known_details_for(entry.cases), today or date.today())
    pool = {}
    for finding in sorted(entry.findings, key=lambda finding: not is_overridden(finding)):
        covered = old_texts.get(finding.field, "")[finding.start:finding.start + finding.length]
        pool.setdefault((finding.kind, finding.field, covered), []).append(finding)
    kept = []
    for item in found:
        candidates = pool.get((item.kind, item.field, texts[item.field][item.start:item.end]))
        if candidates:
            finding = candidates.pop(0)
            finding.start, finding.length = item.start, item.length
        else:
            finding = IdentifierFinding(kind=item.kind, field=item.field, start=item.start, length=item.length)
        kept.append(finding)
    for leftovers in pool.values():
        for finding in leftovers:
            db.session.delete(finding)
    entry.findings = kept
    return kept


def describe_findings(findings):
    """'a name in “You said”, an NHS number in “We did”': kinds and places, never the text."""
    return ", ".join(f"{kind_phrase(finding.kind)} in {FIELD_LABELS.get(finding.field, 'an action’s description')}"
                     for finding in findings)


def kind_phrase(kind):
    label = identifiers.KIND_LABELS.get(kind, kind)
    label = label if label.startswith("NHS") else label[0].lower() + label[1:]
    return f"{'an' if label[0].lower() in 'aeiou' or label.startswith('NHS') else 'a'} {label}"


# --- Writing ----------------------------------------------------------------------------------

@entry_change
def create_entry(content, *, author, today=None):
    """A new draft, checked at once; the caller shows its findings."""
    require_team(author, "write entries")
    check_content(content)
    entry = Entry(status=EntryStatus.DRAFT, author_id=author.id, findings=[])
    apply_content(entry, content)
    db.session.add(entry)
    db.session.flush()
    findings = refresh_findings(entry, old_texts={}, today=today)
    record_event("entry.created", subject=entry, actor=author,
                 after={**state(entry), "findings": finding_counts(findings)})
    db.session.commit()
    return entry


@entry_change
def update_entry(entry, content, *, actor, expected_version=None, today=None):
    """Change a draft, or an entry awaiting approval (it stays there); the check runs again."""
    require_team(actor, "change entries")
    check_version(entry, expected_version)
    if entry.status not in EDITABLE:
        raise EntryError("A published or withdrawn entry cannot be changed. Write a new entry instead.")
    check_content(content)
    old_texts, before = entry_texts(entry), state(entry)
    before_findings = finding_counts(entry.findings)
    apply_content(entry, content)
    # Cases and actions live in link tables: bumping the version makes those changes count too.
    entry.version = entry.version + 1
    findings = refresh_findings(entry, old_texts=old_texts, today=today)
    changed_text = [name for name in TEXT_FIELDS if getattr(entry, name) != old_texts[name]]
    record_event("entry.updated", subject=entry, actor=actor,
                 before={**before, "findings": before_findings},
                 after={**state(entry), "findings": finding_counts(findings), "changed_text": changed_text})
    db.session.commit()
    return entry


@entry_change
def override_finding(finding, *, reason, actor):
    """Accept one finding as safe to publish, with the reason; audited by kind and place only."""
    require_team(actor, "override findings")
    entry = finding.entry
    if entry.status not in EDITABLE:
        raise EntryError("This entry can no longer be changed.")
    reason = (reason or "").strip()
    if not reason:
        raise EntryError("Enter why this is safe to publish", "reason")
    if is_overridden(finding):
        raise EntryError("This finding has already been overridden.")
    finding.overridden_reason = reason
    finding.overridden_by_id = actor.id
    record_event("identifier_finding.overridden", subject=finding, actor=actor,
                 after={"entry_id": entry.id, "kind": finding.kind, "field": finding.field, "reason": reason})
    db.session.commit()
    return finding


# --- Approval and publication -----------------------------------------------------------------

@entry_change
def submit_for_approval(entry, *, actor, expected_version=None):
    require_team(actor, "send entries for approval")
    check_version(entry, expected_version)
    if entry.status != EntryStatus.DRAFT:
        raise EntryError("Only a draft can be sent for approval.")
    if not (entry.we_did or entry.we_could_not):
        raise EntryError("Write what we did, or why we couldn’t, before sending this entry for approval.")
    check_cases(entry.cases, entry.is_paraphrase)
    before = state(entry)
    entry.status = EntryStatus.AWAITING_APPROVAL
    entry.submitted_at = utcnow()
    record_event("entry.submitted", subject=entry, actor=actor, before=before,
                 after={**state(entry), "findings_to_check": len(outstanding(entry))})
    db.session.commit()
    return entry


@entry_change
def approve_and_publish(entry, *, approver, base_url="", expected_version=None, today=None):
    """A second member of the team publishes; families who asked for replies are told, with "Did this help?".

    The check runs once more first (the directory or the cases may have changed), and anything it finds
    that nobody has overridden blocks publication.
    """
    require_team(approver, "approve entries")
    check_version(entry, expected_version)
    if entry.status == EntryStatus.DRAFT:
        raise EntryError("Send this entry for approval first.")
    if entry.status != EntryStatus.AWAITING_APPROVAL:
        raise EntryError("Only an entry awaiting approval can be published.")
    if entry.author_id == approver.id:
        raise EntryError("You wrote this entry, so another member of the team must approve it.")
    check_cases(entry.cases, entry.is_paraphrase)
    texts = entry_texts(entry)
    refresh_findings(entry, old_texts=texts, today=today)
    blocking = outstanding(entry)
    if blocking:
        db.session.commit()  # keep the refreshed findings, so the approver sees what blocks publication
        several = len(blocking) > 1
        raise EntryError(
            f"You cannot publish this entry yet. {len(blocking)} {'things' if several else 'thing'} in it could "
            f"identify someone: {describe_findings(blocking)}. Edit the text, or override "
            f"{'each finding' if several else 'the finding'} with a reason."
        )
    before = state(entry)
    entry.status = EntryStatus.PUBLISHED
    entry.approver_id = approver.id
    entry.published_at = utcnow()
    notices = queue_notices(entry, base_url)
    record_event("entry.published", subject=entry, actor=approver, before=before,
                 after={**state(entry), "families_told": notices,
                        "overridden_findings": finding_counts(entry.findings)})
    db.session.commit()
    return entry


@entry_change
def return_to_draft(entry, *, actor, reason="", expected_version=None):
    require_team(actor, "return entries to draft")
    check_version(entry, expected_version)
    if entry.status != EntryStatus.AWAITING_APPROVAL:
        raise EntryError("Only an entry awaiting approval can be returned to draft.")
    before = state(entry)
    entry.status = EntryStatus.DRAFT
    entry.submitted_at = None
    record_event("entry.returned_to_draft", subject=entry, actor=actor, before=before,
                 after={**state(entry), "reason": (reason or "").strip()})
    db.session.commit()
    return entry


@entry_change
def withdraw_entry(entry, *, reason, actor, expected_version=None):
    """Take a published entry off every public page, the feed and open data; it stays on record."""
    require_team(actor, "withdraw entries")
    check_version(entry, expected_version)
    if entry.status != EntryStatus.PUBLISHED:
        raise EntryError("Only a published entry can be withdrawn.")
    reason = (reason or "").strip()
    if not reason:
        raise EntryError("Enter why you are withdrawing this entry", "reason")
    before = state(entry)
    entry.status = EntryStatus.WITHDRAWN
    entry.withdrawn_at = utcnow()
    entry.withdrawn_reason = reason
    record_event("entry.withdrawn", subject=entry, actor=actor, before=before,
                 after={**state(entry), "reason": reason})
    db.session.commit()
    return entry
