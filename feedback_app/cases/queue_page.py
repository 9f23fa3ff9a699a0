"""One page of the triage queue, with the counts beside its filters, at the same cost for any number of cases.

Each count reads at most `count_limit` + 1 matching cases (a LIMIT inside the count), so a council
with a million cases pays what one with ten thousand pays. Past the limit a count is not shown
(None here): the heading says "more than 1,000", and the filters narrow the list until numbers return.
"""
import math
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Integer, any_, case as when, func, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from feedback_app.cases.models import OPEN_STATUSES, Case, CaseStatus, case_services, case_themes
from feedback_app.cases.queries import (
    EXCLUSIONS,
    PAGE_SIZE,
    UNCLASSIFIED,
    filtered_cases,
    overdue_condition,
    queue_order,
    with_row_details,
)
from feedback_app.directory.models import Service, Theme
from feedback_app.extensions import db

DEFAULT_COUNT_LIMIT = 1000


@dataclass
class QueuePage:
    cases: list
    total: int  # exact; or the limit, when more cases match (`more`)
    more: bool
    page: int
    pages: int  # when `more`, this page and the next one if there is one: the last page is not counted
    counts: dict  # facet -> {value: count}, or None when more cases than the limit would be counted
    themes: list = field(default_factory=list)  # [(Theme, count or None)]
    services: list = field(default_factory=list)  # [(Service, count or None)]

    @property
    def first_number(self):
        return (self.page - 1) * PAGE_SIZE + 1 if self.cases else 0

    @property
    def last_number(self):
        return (self.page - 1) * PAGE_SIZE + len(self.cases)

    @property
    def total_text(self):
        return f"more than {self.total:,}" if self.more else f"{self.total:,}"


def list_cases(user, filters, page, *, today, count_limit=DEFAULT_COUNT_LIMIT):
    """One page of the queue, its total and the counts shown beside each filter: a fixed number of queries.

    A facet whose own filter is not set counts the listed cases themselves, so those counts come
    from one window of them; a facet that is set counts what choosing another value would list.
    """
    listed = _Window(_listed_window(user, filters, today, count_limit), count_limit)
    cases, page, pages = _page_of_cases(user, filters, today, page, listed.total, listed.more)
    counts = listed.flags()
    if filters.status == "all":  # leaving the status out changes nothing
        counts["status"] = _status_counts(listed)
    else:
        counts["status"] = _status_counts(_Window(_skipping(user, filters, today, "status", count_limit),
                                                  count_limit))
    counts["channel"] = (_own(user, filters, today, "channel", count_limit) if filters.channel else listed
                         ).counts("channel")
    counts["topic"] = _topic_counts(
        _own(user, filters, today, "topic", count_limit) if filters.topic else listed)
    counts["excluded"] = _excluded_counts(
        _own(user, filters, today, "excluded", count_limit) if filters.excluded else listed)
    return QueuePage(
        cases=cases, total=listed.total, more=listed.more, page=page, pages=pages, counts=counts,
        themes=_taxonomy_counts(Theme, case_themes.c.theme_id,
                                _own(user, filters, today, "theme", count_limit) if filters.theme else listed),
        services=_taxonomy_counts(Service, case_services.c.service_id,
                                  _own(user, filters, today, "service", count_limit) if filters.service
                                  else listed),
    )


def _page_of_cases(user, filters, today, page, total, more):
    """The cases of one page; past the count limit, one row more than a page tells whether a next page exists."""
    def fetch(number, size):
        return db.session.scalars(
            with_row_details(filtered_cases(user, filters, today))
            .order_by(*queue_order(filters.sort))
            .limit(size)
            .offset((number - 1) * PAGE_SIZE)
        ).all()

    if not more:
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(max(1, page), pages)
        return fetch(page, PAGE_SIZE), page, pages
    cases = fetch(page, PAGE_SIZE + 1)
    if not cases and page > 1:  # past the end of a list too long to count: back to its start
        page, cases = 1, fetch(1, PAGE_SIZE + 1)
    has_next = len(cases) > PAGE_SIZE
    return cases[:PAGE_SIZE], page, page + 1 if has_next else page


def _columns(user, today):
    """What each counted case carries: enough for every facet and the three "only show" boxes."""
    def flag(condition, name):
        return when((condition, 1), else_=0).label(name)

    return (
        Case.id.label("id"), Case.status.label("status"), Case.merged_into_id.is_(None).label("unmerged"),
        Case.channel.label("channel"), Case.reg56_topic.label("topic"),
        flag(overdue_condition(today), "overdue"), flag(Case.assignee_id == user.id, "mine"),
        flag(Case.possible_follow_up_of_id.is_not(None), "follow_up"),
    )


def _fetch_window(query, user, today, limit):
    """At most `limit` + 1 matching cases: enough to count up to the limit, and to know it was passed."""
    return db.session.execute(query.with_only_columns(*_columns(user, today)).limit(limit + 1)).all()


def _listed_window(user, filters, today, limit):
    return _fetch_window(filtered_cases(user, filters, today), user, today, limit)


def _skipping(user, filters, today, facet, limit):
    return _fetch_window(filtered_cases(user, filters, today, skip=(facet,)), user, today, limit)


def _own(user, filters, today, facet, limit):
    return _Window(_skipping(user, filters, today, facet, limit), limit)


class _Window:
    """Counts over the rows of one window; every count is None when the window passed the limit."""

    def __init__(self, rows, limit):
        self.more = len(rows) > limit
        self.rows = [] if self.more else rows
        self.total = limit if self.more else len(rows)

    def counts(self, column):
        return None if self.more else dict(Counter(getattr(row, column) for row in self.rows))

    def flags(self):
        return {name: None if self.more else sum(getattr(row, name) for row in self.rows)
                for name in ("overdue", "mine", "follow_up")}

    @property
    def ids(self):
        return [row.id for row in self.rows]


def _status_counts(window):
    if window.more:
        return None
    counts = {status.value: 0 for status in CaseStatus}
    counts["all"] = len(window.rows)
    for row in window.rows:
        if row.unmerged:
            counts[row.status] = counts.get(row.status, 0) + 1
    counts["open"] = sum(counts[status.value] for status in OPEN_STATUSES)
    return counts


def _topic_counts(window):
    counts = window.counts("topic")
    return None if counts is None else {(topic or UNCLASSIFIED): number for topic, number in counts.items()}


def _excluded_counts(window):
    counts = window.counts("topic")
    if counts is None:
        return None
    excluded = sum(number for topic, number in counts.items() if topic in EXCLUSIONS)
    return {"yes": excluded, "no": sum(counts.values()) - excluded}


def _among(column, ids):
    """`column` is one of `ids`: on PostgreSQL one array parameter, not a thousand bound values."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(literal(ids, ARRAY(Integer)))
    return column.in_(ids)


def _taxonomy_counts(model, key, window):
    """Active themes or services (and retired ones still in use), each with its count in the window: one query."""
    per_item = (
        select(key.label("item_id"), func.count().label("number"))
        .where(_among(key.table.c.case_id, window.ids))
        .group_by(key)
        .subquery()
    )
    number = func.coalesce(per_item.c.number, 0)
    order = (model.position, model.name) if model is Theme else (model.name,)
    rows = db.session.execute(
        select(model, number)
        .outerjoin(per_item, per_item.c.item_id == model.id)
        .where(or_(model.active.is_(True), per_item.c.number > 0))
        .order_by(*order)
    ).all()
    return [(item, None if window.more else count) for item, count in rows]
