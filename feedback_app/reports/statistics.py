"""The annual report's figures: gathered with a fixed set of queries, small numbers suppressed."""
from dataclasses import dataclass, field
from datetime import timedelta
from statistics import median

from flask import current_app

from feedback_app.actions.models import ActionStatus
from feedback_app.cases.models import Case, Channel, Reg56Topic, SubmitterRole
from feedback_app.common.working_days import COUNCIL_TIME_ZONE, is_working_day
from feedback_app.publishing.reporting_years import year_bounds, year_label
from feedback_app.publishing.stats import format_count, published_number
from feedback_app.reports import queries
from feedback_app.reports.charts import bar_chart

NOT_CLASSIFIED = "Not yet classified"


@dataclass
class Figure:
    """A data table and the chart drawn from it; both show the same (suppressed) numbers."""

    key: str
    title: str
    label_heading: str
    rows: list  # [(label, [counts])]
    series: list = field(default_factory=lambda: ["Comments"])
    threshold: int = 5

    @property
    def table(self):
        return [(label, [format_count(count, self.threshold) for count in counts]) for label, counts in self.rows]

    @property
    def chart(self):
        rows = [(label, [published_number(count, self.threshold) for count in counts],
                 [format_count(count, self.threshold) for count in counts]) for label, counts in self.rows]
        description = "; ".join(f"{label}: {', '.join(texts)}" for label, texts in self.table) or "No data"
        return bar_chart(f"chart-{self.key}", self.title, description, rows,
                         series_names=self.series if len(self.series) > 1 else None)


def _labelled(counts, enum):
    """Consumes `counts`. Rows for every member of an enum that occurred, in the enum's order, then anything unknown."""
    rows = [(member.label, [counts.pop(member.value)]) for member in enum if member.value in counts]
    if None in counts:
        rows.append((NOT_CLASSIFIED, [counts.pop(None)]))
    rows += [(str(value), [count]) for value, count in sorted(counts.items(), key=lambda item: str(item[0]))]
    return rows


def _resolution_date(resolved_at):
    return resolved_at.astimezone(COUNCIL_TIME_ZONE).date()


def _working_days_counter(days):
    """working_days_between() for many pairs at once: a running count over the span, read twice per pair.

    Counting day by day for each of 10,000 cases took seconds; this is one pass over the span.
    """
    if not days:
        return lambda start, end: 0
    start_of_span = min(days)
    running, total = [], 0
    for offset in range((max(days) - start_of_span).days + 1):
        total += is_working_day(start_of_span + timedelta(days=offset))
        running.append(total)
    # Working days after `start` up to and including `end`, as working_days_between() counts them.
    return lambda start, end: running[(end - start_of_span).days] - running[(start - start_of_span).days]


def timeliness(first, last, today, allowed_days):
    """Answered on time, counting the whole time taken and then leaving out time the clock was stopped."""
    elapsed, net = [], []
    rows = [(received_on, _resolution_date(resolved_at), stopped)
            for received_on, resolved_at, stopped in queries.list_resolution_times(first, last)]
    between = _working_days_counter([day for received_on, resolved_on, _ in rows for day in (received_on, resolved_on)])
    for received_on, resolved_on, stopped in rows:
        taken = max(between(received_on, resolved_on), 0)
        elapsed.append(taken)
        net.append(max(taken - (stopped or 0), 0))
    return {
        "answered": len(elapsed),
        "on_time_elapsed": sum(1 for days in elapsed if days <= allowed_days),
        "on_time_net": sum(1 for days in net if days <= allowed_days),
        "median_elapsed": median(elapsed) if elapsed else None,
        "median_net": median(net) if net else None,
        "open_overdue": queries.count_open_overdue(first, last, today),
        "allowed_days": allowed_days,
    }


def gather_report_data(year, *, start_month, today, threshold=None):
    """Everything the report template shows for a reporting year (plain data, no ORM objects)."""
    threshold = current_app.config["SMALL_NUMBER_THRESHOLD"] if threshold is None else threshold
    first, last = year_bounds(year, start_month)
    total = queries.count_cases(first, last)
    by_topic = queries.count_cases_by(Case.reg56_topic, first, last)
    excluded = [(Reg56Topic(topic).label, [count]) for topic, count in sorted(by_topic.items(), key=lambda i: str(i[0]))
                if topic in queries.EXCLUSION_TOPICS]
    topics = _labelled({k: v for k, v in by_topic.items() if k not in queries.EXCLUSION_TOPICS}, Reg56Topic)

    def figure(key, title, heading, rows, **kwargs):
        return Figure(key, title, heading, rows, threshold=threshold, **kwargs)

    figures = {
        "channel": figure("channel", "Comments by how they reached us", "Channel",
                          _labelled(queries.count_cases_by(Case.channel, first, last), Channel)),
        "role": figure("role", "Comments by who made them", "Who commented",
                       _labelled(queries.count_cases_by(Case.submitter_role, first, last), SubmitterRole)),
        "theme": figure("theme", "Comments by theme", "Theme",
                        [(name, [count]) for name, count in queries.count_cases_by_theme(first, last)]),
        "topic": figure("topic", "Comments by what they were about (regulation 56)", "Topic", topics),
        "excluded": figure("excluded", "Comments not published, and why", "Reason", excluded),
    }
    actions = queries.count_actions_by_status(first, last)
    figures["actions"] = figure("actions", "Actions by progress", "Progress",
                                _labelled(dict(actions), ActionStatus))

    previous_first, previous_last = year_bounds(year - 1, start_month)
    comparison = None
    if queries.has_cases(previous_first, previous_last):
        now = dict(queries.count_cases_by_theme(first, last))
        before = dict(queries.count_cases_by_theme(previous_first, previous_last))
        names = list(dict.fromkeys(list(before) + list(now)))
        comparison = figure("years", "Comments by theme, this year and last", "Theme",
                            [(name, [before.get(name, 0), now.get(name, 0)]) for name in names],
                            series=[year_label(year - 1, start_month), year_label(year, start_month)])

    entries = queries.list_published_entries(year)
    themes = {}
    for entry in entries:
        themes.setdefault(entry.theme.name if entry.theme else "Other comments", []).append({
            "title": entry.title, "you_said": entry.you_said, "we_did": entry.we_did,
            "we_could_not": entry.we_could_not,
            "actions": [{"description": action.description, "status": ActionStatus(action.status).label}
                        for action in entry.actions],
        })
    allowed = current_app.config["RESPOND_WORKING_DAYS"]
    timely = timeliness(first, last, today, allowed)
    return {
        "year": year, "year_label": year_label(year, start_month), "first": first, "last": last,
        "threshold": threshold, "total": format_count(total, threshold), "total_count": total,
        "excluded_total": format_count(sum(count for _, (count,) in excluded), threshold),
        "figures": figures, "comparison": comparison, "entry_themes": list(themes.items()),
        "entry_count": len(entries),
        "timeliness": {key: (format_count(value, threshold) if key in ("answered", "on_time_elapsed",
                                                                        "on_time_net", "open_overdue") else value)
                       for key, value in timely.items()},
        "actions_done": format_count(actions.get(ActionStatus.DONE.value, 0), threshold),
        "actions_open": format_count(
            actions.get(ActionStatus.PLANNED.value, 0) + actions.get(ActionStatus.IN_PROGRESS.value, 0), threshold),
    }
