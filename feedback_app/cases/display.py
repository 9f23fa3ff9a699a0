"""Plain English for the queue, the case page and the export: dates, tags, filter options, audit events."""
from datetime import datetime

from feedback_app.cases.models import CaseStatus, Channel, ClockStopReason, Reg56Topic, ReplyPreference, SubmitterRole
from feedback_app.cases.queries import OPEN_STATUSES, UNCLASSIFIED
from feedback_app.common.working_days import COUNCIL_TIME_ZONE, working_days_between

SUMMARY_LENGTH = 100

STATUS_TAG_CLASSES = {
    CaseStatus.RECEIVED: "govuk-tag--blue",
    CaseStatus.WITH_SERVICE: "govuk-tag--light-blue",
    CaseStatus.RESOLVED: "govuk-tag--green",
    CaseStatus.CLOSED: "govuk-tag--grey",
}

ACTION_WORDS = {
    "case.opened": "Case opened",
    "intake.received": "Feedback received",
    "case.acknowledgement_queued": "Acknowledgement sent to the family",
    "case.classified": "Classified",
    "case.assigned": "Sent to services",
    "case.clock_stopped": "Clock stopped",
    "case.clock_restarted": "Clock restarted",
    "case.note_added": "Note added for colleagues",
    "case.replied": "Reply sent to the family",
    "case.resolved": "Resolved",
    "case.closed": "Closed",
    "case.reopened": "Re-opened",
    "case.linked": "Linked to another case",
    "case.merged": "Merged into another case",
    "case.unmerged": "Unmerged",
    "case.duplicate_merged_in": "A duplicate was merged into this case",
    "case.duplicate_unmerged": "A duplicate was unmerged from this case",
    "case.split": "Split into separate cases",
    "case.split_from": "Made by splitting another case",
    "case.message_received": "Message received from the family",
    "case.email_bounced": "An email to the family could not be delivered",
    "case.reminder_sent": "Overdue reminder sent",
    "inbound_email.new_case": "Email received: new case",
    "inbound_email.joined_case": "Email received: added to this case",
    "inbound_email.possible_follow_up": "Email received: possible follow-up of another case",
    "inbound_email.released": "Held email released by the team",
}

FIELD_WORDS = {
    "status": "Status", "reg56_topic": "Topic", "themes": "Themes", "services": "Services",
    "assignee": "Owner", "acknowledge_by": "Acknowledge by", "respond_by": "Respond by",
    "clock_stopped_on": "Clock stopped on", "resolved_at": "Resolved", "closed_at": "Closed",
    "closed_reason": "Reason for closing", "excluded_reason": "Reason for exclusion",
    "merged_into": "Merged into", "channel": "Channel", "submitter_role": "Who gave it",
    "reply_preference": "Reply wanted", "consent_publish": "May be published", "page_url": "Page",
    "reason": "Reason", "detail": "Detail", "working_days_stopped": "Working days stopped",
    "linked_case": "Linked case", "duplicate": "Duplicate", "parts": "New cases", "split_from": "Split from",
    "subject": "Subject", "template": "Template", "emailed": "Emailed", "step": "Reminder",
    "due_on": "Due on", "to": "Sent to", "form": "Form", "directory_service": "Directory service",
    "kind": "Kind", "outcome": "Outcome", "source": "Source", "attachments": "Attachments",
    "attachments_left_out": "Attachments left out",
}
# Values shown through their enum's label.
_LABELLED = {
    "status": CaseStatus, "reg56_topic": Reg56Topic, "channel": Channel, "submitter_role": SubmitterRole,
    "reply_preference": ReplyPreference, "reason": ClockStopReason,
}
# Never shown to someone who may not see contact details, whatever an event recorded.
CONTACT_FIELDS = {"contact_name", "contact_email", "contact_phone", "on_behalf_of", "from", "from_address"}
_INTERNAL_FIELDS = {"outbound_email_id"}


def govuk_date(day):
    return f"{day.day} {day:%B %Y}" if day is not None else ""


def govuk_short_date(day):
    """For tables, where GOV.UK style shortens the month: '2 Nov 2026'."""
    return f"{day.day} {day:%b %Y}" if day is not None else ""


def govuk_datetime(moment):
    """A UTC moment in the council's time: '2 November 2026 at 3:04pm'."""
    if moment is None:
        return ""
    local = moment.astimezone(COUNCIL_TIME_ZONE)
    return f"{govuk_date(local.date())} at {local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def status_label(status):
    return CaseStatus(status).label


def channel_label(channel):
    return Channel(channel).label


def status_tag_class(status):
    return STATUS_TAG_CLASSES.get(CaseStatus(status), "govuk-tag--grey")


def summary(text, length=SUMMARY_LENGTH):
    """The first words of the feedback on one line, cut at a word."""
    flat = " ".join((text or "").split())
    if len(flat) <= length:
        return flat
    cut = flat[:length].rsplit(" ", 1)[0] if " " in flat[:length] else flat[:length]
    return cut.rstrip(" ,.;:") + "…"


def is_overdue(case, today):
    return (
        case.status in OPEN_STATUSES and case.respond_by is not None
        and case.respond_by < today and case.clock_stopped_on is None
    )


def time_left(case, today):
    """Working days to the response date, in words."""
    if case.status not in OPEN_STATUSES:
        return f"Not counting: the case is {status_label(case.status).lower()}"
    if case.clock_stopped_on is not None:
        return "Not counting: the clock is stopped"
    if case.respond_by is None:
        return "No response date"
    days = working_days_between(today, case.respond_by)
    if days > 0:
        return f"{days} working day{'s' if days != 1 else ''} left"
    if days == 0 and case.respond_by >= today:
        return "Due today"
    late = max(1, -days)
    return f"Overdue by {late} working day{'s' if late != 1 else ''}"


def person(user):
    return (user.name or user.email) if user is not None else ""


# --- Filter options --------------------------------------------------------------------------

def _item(value, text, count, selected):
    """An option with its count; None is a count past the queue's count limit, so none is shown."""
    return {"value": value, "text": text if count is None else f"{text} ({count:,})", "selected": selected}


def _count(counts, value):
    return None if counts is None else counts.get(value, 0)


def filter_options(filters, result):
    """Items for the filter panel's selects, each with how many cases choosing it would show."""
    counts = result.counts
    status_counts = counts["status"]
    if status_counts is None and not result.more:  # the chosen status still shows what the list holds
        status_counts = {filters.status: result.total}
    status_names = [("open", "Open")] + [
        (status.value, status.label) for status in CaseStatus
    ] + [("all", "All, with merged duplicates")]
    return {
        "status": [_item(value, text, (status_counts or {}).get(value), filters.status == value)
                   for value, text in status_names],
        "theme": [{"value": "", "text": "Any theme"}] + [
            _item(theme.slug, theme.name, count, filters.theme == theme.slug) for theme, count in result.themes
        ],
        "service": [{"value": "", "text": "Any service"}] + [
            _item(service.slug, service.name, count, filters.service == service.slug)
            for service, count in result.services
        ],
        "channel": [{"value": "", "text": "Any channel"}] + [
            _item(channel.value, channel.label, _count(counts["channel"], channel.value),
                  filters.channel == channel.value) for channel in Channel
        ],
        "topic": [{"value": "", "text": "Any topic"}] + [
            _item(UNCLASSIFIED, "Not classified yet", _count(counts["topic"], UNCLASSIFIED),
                  filters.topic == UNCLASSIFIED)
        ] + [
            _item(topic.value, topic.label, _count(counts["topic"], topic.value), filters.topic == topic.value)
            for topic in Reg56Topic
        ],
        "excluded": [
            {"value": "", "text": "Excluded or not"},
            _item("no", "Not excluded", _count(counts["excluded"], "no"), filters.excluded == "no"),
            _item("yes", "Excluded", _count(counts["excluded"], "yes"), filters.excluded == "yes"),
        ],
        "sort": [
            {"value": "newest", "text": "Newest first", "selected": filters.sort == "newest"},
            {"value": "oldest", "text": "Oldest first", "selected": filters.sort == "oldest"},
            {"value": "respond_by", "text": "Respond by, soonest", "selected": filters.sort == "respond_by"},
        ],
    }


# --- Audit events ----------------------------------------------------------------------------

def timeline_items(entries, *, show_contact):
    """Timeline entries for the template: messages as they are, events with who acted and what changed."""
    items = []
    for entry in entries:
        item = {"entry": entry}
        if entry.event is not None:
            item.update(describe_event(entry.event, show_contact=show_contact))
            item["who"] = event_actor(entry.event, entry.actor)
        items.append(item)
    return items


def describe_event(event, *, show_contact):
    """What happened, in words, and each change as (what, before, after); before is None when not recorded."""
    action = ACTION_WORDS.get(event.action) or event.action.replace(".", ": ").replace("_", " ").capitalize()
    before, after = event.before or {}, event.after or {}
    hidden = _INTERNAL_FIELDS | (set() if show_contact else CONTACT_FIELDS)
    changes = []
    for key in list(dict.fromkeys([*before, *after])):
        if key in hidden:
            continue
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue  # recorded, but unchanged
        if key not in before and new in (None, "", []):
            continue  # nothing to say
        changes.append((
            FIELD_WORDS.get(key, key.replace("_", " ").capitalize()),
            _value(key, old) if key in before else None,
            _value(key, new) if key in after else "(removed)",
        ))
    return {"action": action, "changes": changes}


def _value(key, value):
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if key in _LABELLED:
        try:
            return _LABELLED[key](value).label
        except ValueError:
            return str(value)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return govuk_date(datetime.strptime(value, "%Y-%m-%d").date())
        except ValueError:
            return value
    return str(value)


def event_actor(event, actor):
    """Who acted: the person's email, or what acted for them ('system', 'email'…)."""
    if actor is not None:
        return actor.email
    return {"system": "The system", "email": "Email intake", "family": "The family"}.get(
        event.actor_label, event.actor_label or "The system"
    )
