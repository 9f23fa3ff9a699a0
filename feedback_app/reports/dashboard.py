"""The team's dashboard: is the annual report due, and volumes, themes, overdue cases and time to respond."""
from datetime import date

from feedback_app.common.working_days import working_days_between
from feedback_app.publishing.reporting_years import reporting_year_for, year_bounds, year_label
from feedback_app.reports import queries
from feedback_app.reports.statistics import Figure, timeliness

# The duty is to publish at least once a year: warn a month before a year has passed.
WARN_AFTER_MONTHS = 11
OVERDUE_BANDS = ((1, 5, "1 to 5 working days"), (6, 20, "6 to 20 working days"), (21, None, "More than 20 working days"))


def _months_before(day, months):
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # The last day of a shorter month stands in for a day it does not have (31 March - 1 month).
    for candidate in range(day.day, 27, -1) if day.day > 28 else (day.day,):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return date(year, month, 28)


def report_warning(today):
    """Text of the warning, or None when a report was published within the last 11 months."""
    published = queries.list_published_builds()
    latest = max((build.published_at for build in published if build.published_at), default=None)
    if latest is None:
        return "No annual report has been published yet. The law asks for one at least once a year."
    if latest.date() < _months_before(today, WARN_AFTER_MONTHS):
        return (f"The last annual report was published on {latest.day} {latest:%B %Y}, more than "
                f"{WARN_AFTER_MONTHS} months ago. The law asks for one at least once a year.")
    return None


def dashboard_data(today, start_month):
    year = reporting_year_for(today, start_month)
    first, last = year_bounds(year, start_month)
    # Staff see exact numbers: a threshold of 0 suppresses nothing.
    monthly_first = _months_before(today, 11).replace(day=1)
    months = queries.count_cases_by_month(monthly_first, today)
    month_rows, cursor = [], monthly_first
    while cursor <= today:
        month_rows.append((f"{cursor:%B %Y}", [months.get(cursor, 0)]))
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    overdue = [0] * len(OVERDUE_BANDS)
    for respond_by in queries.list_open_overdue_deadlines(today):
        late = working_days_between(respond_by, today)
        for index, (low, high, _) in enumerate(OVERDUE_BANDS):
            if late >= low and (high is None or late <= high):
                overdue[index] += 1
    timely = timeliness(first, last, today, _allowed_days())
    return {
        "warning": report_warning(today),
        "year_label": year_label(year, start_month),
        "volumes": Figure("volumes", "Comments received each month", "Month", month_rows, threshold=0),
        "themes": Figure("themes", f"Comments by theme, {year_label(year, start_month)}", "Theme",
                         [(name, [count]) for name, count in queries.count_cases_by_theme(first, last)],
                         threshold=0),
        "overdue": Figure("overdue", "Open cases past their response deadline, by how late", "How late",
                          [(label, [overdue[index]]) for index, (_, _, label) in enumerate(OVERDUE_BANDS)],
                          series=["Cases"], threshold=0),
        "timeliness": Figure("timeliness", f"Answers on time, {year_label(year, start_month)}", "Measure", [
            ("Answered", [timely["answered"]]),
            ("On time, counting all the time taken", [timely["on_time_elapsed"]]),
            ("On time, leaving out paused time", [timely["on_time_net"]]),
        ], threshold=0),
        "median_days": timely["median_elapsed"],
    }


def _allowed_days():
    from flask import current_app

    return current_app.config["RESPOND_WORKING_DAYS"]
