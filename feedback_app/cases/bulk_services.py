"""Changing several cases at once from the queue: each through the single-case function, each audited."""
from dataclasses import dataclass

from feedback_app.cases.models import Case
from feedback_app.cases.permissions import may_triage, visible_cases
from feedback_app.cases.triage_services import KEEP, CaseWorkError, assign_case, classify_case, close_case
from feedback_app.extensions import db

BULK_ACTIONS = ("assign", "classify", "close")


@dataclass(frozen=True)
class BulkOutcome:
    reference: str
    changed: bool
    message: str


def bulk_apply(references, *, action, actor, services=(), assignee=KEEP, themes=(), reg56_topic=None, reason=""):
    """Apply one change to each case in turn; one case refusing does not stop the others.

    Classifying adds the chosen themes to each case's own, and sets the topic when one is given;
    `reason` is the exclusion reason when classifying, the closing reason when closing.
    """
    if not may_triage(actor):
        raise CaseWorkError("Only the Local Offer team can change several cases at once")
    if action not in BULK_ACTIONS:
        raise CaseWorkError("Choose what to do with the selected cases")
    outcomes = []
    for reference in dict.fromkeys(reference.strip() for reference in references if reference.strip()):
        case = db.session.scalar(visible_cases(actor).where(Case.reference == reference))
        if case is None:
            outcomes.append(BulkOutcome(reference, False, f"{reference}: there is no case with this reference"))
            continue
        try:
            message = _apply_one(case, action, actor, services, assignee, themes, reg56_topic, reason)
        except CaseWorkError as error:
            db.session.rollback()
            outcomes.append(BulkOutcome(reference, False, f"{reference}: {error.message}"))
        else:
            outcomes.append(BulkOutcome(reference, True, message))
    return outcomes


def _apply_one(case, action, actor, services, assignee, themes, reg56_topic, reason):
    if action == "assign":
        assign_case(case, services=services, assignee=assignee, actor=actor)
        return f"{case.reference}: sent to {', '.join(service.name for service in case.services)}"
    if action == "classify":
        if not themes and not reg56_topic:
            raise CaseWorkError("Select a topic or at least one theme")
        classify_case(case, themes=[*case.themes, *themes], reg56_topic=reg56_topic or case.reg56_topic,
                      excluded_reason=reason or case.excluded_reason, actor=actor)
        return f"{case.reference}: classified"
    close_case(case, reason=reason, actor=actor)
    return f"{case.reference}: closed"
