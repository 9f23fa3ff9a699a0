"""Read-only case queries: the filtered queue with its counts, one case's timeline, notes and related cases."""
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, literal_column, or_, select, union
from sqlalchemy.orm import joinedload, load_only, selectinload

from feedback_app.accounts.models import User
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseLink,
    CaseNote,
    CaseStatus,
    Channel,
    Reg56Topic,
    case_services,
    case_themes,
)
from feedback_app.cases.permissions import visible_cases
from feedback_app.directory.models import Service, Theme
from feedback_app.extensions import db
from feedback_app.intake.models import Attachment, CaseMessage, MessageDirection

PAGE_SIZE = 50
EXPORT_BATCH = 500
MAX_SEARCH_LENGTH = 200
EXCLUSIONS = tuple(topic for topic in Reg56Topic if topic.is_exclusion)
# "open" (received or with a service) is the working queue; "all" also shows merged duplicates.
STATUS_CHOICES = ("open", *(status.value for status in CaseStatus), "all")
UNCLASSIFIED = "none"
SORTS = ("newest", "oldest", "respond_by")
# Written into the SQL, not bound: the configuration of the documents migration 0009 stores.
_ENGLISH = literal_column("'english'")
_TRUE = ("yes", "on", "true", "1")


@dataclass(frozen=True)
class QueueFilters:
    """What the queue (and its CSV) is narrowed to; built from query parameters, safe to put back in links."""

    status: str = "open"
    theme: str = ""
    service: str = ""
    channel: str = ""
    topic: str = ""
    excluded: str = ""
    overdue: bool = False
    mine: bool = False
    follow_up: bool = False
    q: str = ""
    sort: str = "newest"

    @classmethod
    def from_args(cls, args):
        """A value that is not one of the choices is ignored, as if the filter were not set."""
        def text(name):
            return " ".join((args.get(name) or "").split())

        def choice(name, allowed, default=""):
            value = text(name)
            return value if value in allowed else default

        return cls(
            status=choice("status", STATUS_CHOICES, "open"),
            theme=text("theme")[:80],
            service=text("service")[:80],
            channel=choice("channel", [channel.value for channel in Channel]),
            topic=choice("topic", [topic.value for topic in Reg56Topic] + [UNCLASSIFIED]),
            excluded=choice("excluded", ("yes", "no")),
            overdue=text("overdue").lower() in _TRUE,
            mine=text("mine").lower() in _TRUE,
            follow_up=text("follow_up").lower() in _TRUE,
            q=text("q")[:MAX_SEARCH_LENGTH],
            sort=choice("sort", SORTS, "newest"),
        )

    def to_args(self):
        """The query parameters that give these filters back; defaults are left out of links."""
        defaults = asdict(QueueFilters())
        args = {}
        for name, value in asdict(self).items():
            if value == defaults[name]:
                continue
            args[name] = "yes" if value is True else value
        return args

    @property
    def narrowed(self):
        """True when anything beyond the default view (open cases, newest first) is asked for."""
        return bool(set(self.to_args()) - {"sort"})


# --- The queue -------------------------------------------------------------------------------

def overdue_condition(today, *, known_open=False):
    """Open, past its response date, and not waiting with the clock stopped.

    `known_open`: the query already keeps open cases only. Saying so twice would make PostgreSQL
    square its estimate of how many are open (and choose a plan for 0.2 % of the cases, not 4 %).
    """
    late = Case.respond_by.is_not(None) & (Case.respond_by < today) & Case.clock_stopped_on.is_(None)
    return late if known_open else Case.status.in_(OPEN_STATUSES) & late


def _excluded_condition():
    return Case.reg56_topic.in_(EXCLUSIONS)


def _search_condition(q):
    """Words in the feedback or in the family's messages; a pasted reference finds its case."""
    if db.engine.dialect.name == "postgresql":
        # One stored document per case (migration 0009), so each row is checked, or the GIN index
        # asked, without gathering every match first.
        return or_(Case.search_vector.op("@@", is_comparison=True)(func.plainto_tsquery(_ENGLISH, q)),
                   Case.reference == q.upper())
    # SQLite: every word somewhere in the same text, case-insensitively, as plainto_tsquery's AND would.
    patterns = [f"%{_escape_like(word)}%" for word in q.split()]
    return or_(
        and_(*(Case.body.ilike(pattern, escape="\\") for pattern in patterns)),
        exists().where(
            CaseMessage.case_id == Case.id, CaseMessage.direction == MessageDirection.INBOUND,
            *(CaseMessage.body.ilike(pattern, escape="\\") for pattern in patterns)
        ),
        Case.reference == q.upper(),
    )


def _escape_like(word):
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(user, filters, today, skip=()):
    """The WHERE of the queue for these filters; `skip` leaves out one facet, to count that facet's values."""
    conditions = []
    if "status" not in skip:
        if filters.status == "open":
            conditions.append(Case.status.in_(OPEN_STATUSES))
        elif filters.status != "all":
            conditions.append(Case.status == filters.status)
        if filters.status != "all":
            conditions.append(Case.merged_into_id.is_(None))
    if filters.theme and "theme" not in skip:
        conditions.append(_tagged(case_themes.c.theme_id, Theme, filters.theme))
    if filters.service and "service" not in skip:
        conditions.append(_tagged(case_services.c.service_id, Service, filters.service))
    if filters.channel and "channel" not in skip:
        conditions.append(Case.channel == filters.channel)
    if filters.topic and "topic" not in skip:
        conditions.append(Case.reg56_topic.is_(None) if filters.topic == UNCLASSIFIED
                          else Case.reg56_topic == filters.topic)
    if filters.excluded and "excluded" not in skip:
        excluded = _excluded_condition()
        conditions.append(excluded if filters.excluded == "yes" else or_(Case.reg56_topic.is_(None), ~excluded))
    if filters.overdue:
        conditions.append(overdue_condition(today, known_open="status" not in skip and filters.status == "open"))
    if filters.mine:
        conditions.append(Case.assignee_id == user.id)
    if filters.follow_up:
        conditions.append(Case.possible_follow_up_of_id.is_not(None))
    if filters.q:
        conditions.append(_search_condition(filters.q))
    return conditions


def _tagged(key, model, slug):
    """The case has the theme (or service) with this slug: one primary-key probe per case looked at.

    OFFSET 0 keeps the EXISTS a per-row check: left to itself, PostgreSQL turns it into a join that
    first gathers every case with that theme (180,000 of a million), even when 50 rows are wanted.
    """
    item_id = select(model.id).where(model.slug == slug).scalar_subquery()
    return exists(select(1).select_from(key.table).where(key.table.c.case_id == Case.id, key == item_id).offset(0))


def filtered_cases(user, filters, today, skip=()):
    """A SELECT of the cases `user` may see that match `filters` (every query here starts from visibility)."""
    return visible_cases(user).where(*_conditions(user, filters, today, skip))


def queue_order(sort):
    if sort == "oldest":
        return (Case.received_on.asc(), Case.id.asc())
    if sort == "respond_by":
        return (Case.respond_by.is_(None), Case.respond_by.asc(), Case.received_on.asc(), Case.id.asc())
    return (Case.received_on.desc(), Case.id.desc())


def with_row_details(query):
    return query.options(selectinload(Case.themes), selectinload(Case.services), selectinload(Case.assignee))


def iter_cases_for_export(user, filters, *, today):
    """Every matching case, in the queue's order, fetched in batches (a few queries per batch, never per row)."""
    query = (
        with_row_details(filtered_cases(user, filters, today))
        .order_by(*queue_order(filters.sort))
        .execution_options(yield_per=EXPORT_BATCH)
    )
    yield from db.session.scalars(query)


# --- One case --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineEntry:
    """A message to or from the family, or an audit event, at the time it happened."""

    at: datetime
    message: CaseMessage | None = None
    event: AuditEvent | None = None
    actor: User | None = None

    @property
    def kind(self):
        return "message" if self.message is not None else "event"


def get_case_timeline(case):
    """The conversation with the family and every audit event of `case`, oldest first (two queries)."""
    messages = db.session.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.created_at, CaseMessage.id)
    ).all()
    events = db.session.execute(
        select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.case_id == case.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    entries = [TimelineEntry(at=message.created_at, message=message) for message in messages]
    entries += [TimelineEntry(at=event.occurred_at, event=event, actor=actor) for event, actor in events]
    # A message and the event that recorded it share a moment: the message comes first.
    return sorted(entries, key=lambda entry: (entry.at, entry.kind == "event"))


def list_case_notes(case):
    """Notes between colleagues, oldest first, with their authors."""
    return db.session.scalars(
        select(CaseNote).options(joinedload(CaseNote.author))
        .where(CaseNote.case_id == case.id)
        .order_by(CaseNote.created_at, CaseNote.id)
    ).all()


def list_case_attachments(case):
    """The case's attachments, without their contents."""
    return db.session.scalars(
        select(Attachment)
        .options(load_only(Attachment.id, Attachment.filename, Attachment.content_type, Attachment.size))
        .where(Attachment.case_id == case.id)
        .order_by(Attachment.id)
    ).all()


@dataclass
class RelatedCases:
    """Cases connected to one case; those `user` may not see are left out (or only counted, for pointers)."""

    follow_up_of: Case | None = None
    merged_into: Case | None = None
    split_from: Case | None = None
    hidden: set = field(default_factory=set)  # "follow_up_of", "merged_into", "split_from" that exist, unseen
    merged_in: list = field(default_factory=list)
    linked: list = field(default_factory=list)
    split_into: list = field(default_factory=list)
    possible_follow_ups: list = field(default_factory=list)


def get_related_cases(user, case):
    """Follow-up, merge, split and link neighbours of `case` that `user` may see: one query."""
    pointers = {
        "follow_up_of": case.possible_follow_up_of_id,
        "merged_into": case.merged_into_id,
        "split_from": case.split_from_id,
    }
    linked_ids = union(
        select(CaseLink.linked_case_id).where(CaseLink.case_id == case.id),
        select(CaseLink.case_id).where(CaseLink.linked_case_id == case.id),
    )
    rows = db.session.execute(
        visible_cases(user)
        .add_columns(Case.id.in_(linked_ids).label("is_linked"))
        .where(or_(
            Case.id.in_([case_id for case_id in pointers.values() if case_id is not None]),
            Case.id.in_(linked_ids),
            Case.merged_into_id == case.id,
            Case.split_from_id == case.id,
            Case.possible_follow_up_of_id == case.id,
        ))
        .order_by(Case.id)
    ).all()
    neighbours = [neighbour for neighbour, _ in rows]
    linked = {neighbour.id for neighbour, is_linked in rows if is_linked}
    by_id = {neighbour.id: neighbour for neighbour in neighbours}
    related = RelatedCases()
    for name, case_id in pointers.items():
        if case_id is None:
            continue
        if case_id in by_id:
            setattr(related, name, by_id[case_id])
        else:
            related.hidden.add(name)
    for neighbour in neighbours:
        if neighbour.merged_into_id == case.id:
            related.merged_in.append(neighbour)
        if neighbour.split_from_id == case.id:
            related.split_into.append(neighbour)
        if neighbour.possible_follow_up_of_id == case.id:
            related.possible_follow_ups.append(neighbour)
        if neighbour.id in linked:
            related.linked.append(neighbour)
    return related
