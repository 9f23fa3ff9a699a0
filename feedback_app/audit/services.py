"""Writing audit events; services call this inside their own transaction."""
from feedback_app.audit.models import AuditEvent
from feedback_app.extensions import db


def record_event(action, *, subject, actor=None, actor_label="", case=None, before=None, after=None):
    """Add an audit event for `subject` to the current transaction (the caller commits)."""
    if actor is None and not actor_label:
        actor_label = "system"
    if subject.id is None:
        db.session.flush()
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label,
        subject_type=type(subject).__tablename__,
        subject_id=subject.id,
        case=case,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event

