"""Read-only entry queries: the team's lists, and the published read model every public output is built from.

Public pages, the feed, the API and the CSV all go through `PublishedEntry`, which carries only the
fields that may be published: no case, no author or approver, no finding, and the number of comments
already suppressed below the small-number threshold.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from feedback_app.actions.models import Action, ActionStatus
from feedback_app.cases.models import Case, Reg56Topic
from feedback_app.directory.models import Theme
from feedback_app.extensions import db
from feedback_app.publishing.models import Entry, EntryNotice, EntryStatus, IdentifierFinding, entry_cases
from feedback_app.publishing.reporting_years import year_label
from feedback_app.publishing.stats import format_count, published_number

PUBLIC_PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50
MAX_PER_PAGE = 100
FEED_SIZE = 50
MAX_SEARCH_LENGTH = 200
MAX_SEARCH_WORDS = 10


@dataclass(frozen=True)
class PublicFilters:
    """What the public list, the API and the CSV are narrowed to."""

    theme: str = ""
    year: int | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args):
        """Lenient, for the HTML page: a year that is not a number is ignored."""
        year = (args.get("year") or "").strip()
        return cls(theme=(args.get("theme") or "").strip()[:80], year=int(year) if year.isdigit() else None,
                   q=" ".join((args.get("q") or "").split())[:MAX_SEARCH_LENGTH])

    def to_args(self):
        args = {"theme": self.theme, "year": self.year, "q": self.q}
        return {name: value for name, value in args.items() if value not in ("", None)}


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_number(self):
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_number(self):
        return (self.page - 1) * self.per_page + len(self.items)


@dataclass(frozen=True)
class PublishedAction:
    description: str
    status: str
    status_label: str


@dataclass(frozen=True)
class PublishedEntry:
    """An entry as the public may see it, and nothing more."""

    id: int
    title: str
    you_said: str
    we_did: str
    we_could_not: str
    theme_slug: str
    theme_name: str
    topic: str
    topic_label: str
    reporting_year: int
    reporting_year_label: str
    comments: int | None  # None when the number is suppressed
    comments_text: str
    published_at: datetime
    updated_at: datetime
    actions: tuple = field(default_factory=tuple)


def comment_count():
    """How many cases an entry answers, as a column, so a list never loads the cases themselves."""
    return (select(func.count()).select_from(entry_cases).where(entry_cases.c.entry_id == Entry.id)
            .correlate(Entry).scalar_subquery())


def outstanding_findings_count():
    return (select(func.count(IdentifierFinding.id))
            .where(IdentifierFinding.entry_id == Entry.id, IdentifierFinding.overridden_by_id.is_(None))
            .correlate(Entry).scalar_subquery())


def to_published(entry, count, start_month):
    published_at = entry.published_at or entry.updated_at  # rows made outside the workflow (demo data) may lack it
    return PublishedEntry(
        id=entry.id,
        title=entry.title,
        you_said=entry.you_said,
        we_did=entry.we_did,
        we_could_not=entry.we_could_not,
        theme_slug=entry.theme.slug if entry.theme is not None else "",
        theme_name=entry.theme.name if entry.theme is not None else "",
        topic=entry.reg56_topic,
        topic_label=Reg56Topic(entry.reg56_topic).label,
        reporting_year=entry.reporting_year,
        reporting_year_label=year_label(entry.reporting_year, start_month),
        comments=published_number(count),
        comments_text=format_count(count),
        published_at=published_at,
        updated_at=max(entry.updated_at, published_at),
        actions=tuple(
            PublishedAction(description=action.description, status=str(action.status),
                            status_label=ActionStatus(action.status).label)
            for action in entry.actions
        ),
    )


# --- Public ---------------------------------------------------------------------------------

def _published(filters):
    query = select(Entry).where(Entry.status == EntryStatus.PUBLISHED)
    if filters.theme:
        query = query.where(Entry.theme.has(Theme.slug == filters.theme))
    if filters.year is not None:
        query = query.where(Entry.reporting_year == filters.year)
    words = filters.q.split()[:MAX_SEARCH_WORDS]
    if words:
        # LIKE on lower-cased text: the same answers on PostgreSQL and SQLite, and fast enough for
        # the few hundred entries a council publishes.
        columns = (Entry.title, Entry.you_said, Entry.we_did)
        query = query.where(and_(*(
            or_(*(func.lower(column).contains(word.lower(), autoescape=True) for column in columns))
            for word in words
        )))
    return query


def _published_rows(query, start_month):
    query = query.add_columns(comment_count()).options(selectinload(Entry.theme), selectinload(Entry.actions))
    return [to_published(entry, count, start_month) for entry, count in db.session.execute(query).all()]


def list_published_entries(filters, *, page=1, per_page=PUBLIC_PAGE_SIZE, start_month):
    """One page of published entries, newest first, in four queries whatever the page size."""
    base = _published(filters)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    query = (base.order_by(Entry.published_at.desc(), Entry.id.desc())
             .limit(per_page).offset((page - 1) * per_page))
    return Page(items=_published_rows(query, start_month), total=total, page=page, per_page=per_page)


def iter_published_entries(filters, *, start_month, batch=500):
    """Every matching published entry, in batches (for the CSV), oldest first so the file reads as a log."""
    last_id = 0
    while True:
        query = _published(filters).where(Entry.id > last_id).order_by(Entry.id).limit(batch)
        rows = _published_rows(query, start_month)
        yield from rows
        if len(rows) < batch:
            return
        last_id = rows[-1].id


def get_published_entry(entry_id, *, start_month):
    rows = _published_rows(_published(PublicFilters()).where(Entry.id == entry_id), start_month)
    return rows[0] if rows else None


def list_feed_entries(*, start_month, limit=FEED_SIZE):
    query = _published(PublicFilters()).order_by(Entry.published_at.desc(), Entry.id.desc()).limit(limit)
    return _published_rows(query, start_month)


def latest_public_change():
    """When the public list last changed: an entry published, or withdrawn from it."""
    return db.session.scalar(
        select(func.max(Entry.updated_at)).where(Entry.status.in_((EntryStatus.PUBLISHED, EntryStatus.WITHDRAWN)))
    )


def list_published_years():
    return db.session.scalars(
        select(Entry.reporting_year).where(Entry.status == EntryStatus.PUBLISHED).distinct()
        .order_by(Entry.reporting_year.desc())
    ).all()


def list_published_themes():
    """Themes that have at least one published entry, in the taxonomy's order."""
    published_theme_ids = select(Entry.theme_id).where(Entry.status == EntryStatus.PUBLISHED)
    return db.session.scalars(
        select(Theme).where(Theme.id.in_(published_theme_ids)).order_by(Theme.position, Theme.name)
    ).all()


# --- The team ---------------------------------------------------------------------------------

def count_entries_by_status():
    counts = dict(db.session.execute(select(Entry.status, func.count()).group_by(Entry.status)).all())
    return {status: counts.get(status, 0) for status in EntryStatus}


def list_entries(status, *, page=1, per_page=STAFF_PAGE_SIZE):
    """Entries in one state, most recently changed first: (entry, comments, findings still to check) rows."""
    base = select(Entry).where(Entry.status == status)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    query = (base.add_columns(comment_count(), outstanding_findings_count())
             .options(selectinload(Entry.theme), selectinload(Entry.author))
             .order_by(Entry.updated_at.desc(), Entry.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return Page(items=db.session.execute(query).all(), total=total, page=page, per_page=per_page)


def get_entry(entry_id):
    return db.session.scalar(
        select(Entry).where(Entry.id == entry_id).options(
            selectinload(Entry.theme), selectinload(Entry.author), selectinload(Entry.approver),
            selectinload(Entry.cases), selectinload(Entry.actions), selectinload(Entry.findings),
        )
    )


def get_finding(entry, finding_id):
    return next((finding for finding in entry.findings if finding.id == finding_id), None)


def find_cases(references):
    """{reference: Case} for the references that exist (the team may see every case)."""
    if not references:
        return {}
    cases = db.session.scalars(select(Case).where(Case.reference.in_(references))).all()
    return {case.reference: case for case in cases}


def list_actions_of_cases(case_ids):
    if not case_ids:
        return []
    return db.session.scalars(
        select(Action).where(Action.case_id.in_(case_ids)).order_by(Action.case_id, Action.id)
    ).all()


def get_theme(theme_id):
    return db.session.get(Theme, theme_id) if theme_id is not None else None


def list_active_themes():
    return db.session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.position, Theme.name)).all()


def count_answers(entry):
    """How many families were asked "Did this help?", and how many said yes and no."""
    row = db.session.execute(
        select(
            func.count(EntryNotice.id),
            func.count(EntryNotice.id).filter(EntryNotice.helpful.is_(True)),
            func.count(EntryNotice.id).filter(EntryNotice.helpful.is_(False)),
        ).where(EntryNotice.entry_id == entry.id)
    ).one()
    return {"asked": row[0], "yes": row[1], "no": row[2]}


def get_entry_of_notice(notice):
    return db.session.get(Entry, notice.entry_id)


def find_notice(token_digest):
    return db.session.scalar(select(EntryNotice).where(EntryNotice.token_digest == token_digest))
