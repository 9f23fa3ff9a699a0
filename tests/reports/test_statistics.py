"""The report's numbers equal numbers counted independently here, and small ones are suppressed."""
from collections import Counter
from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from feedback_app.cases.models import Case, Channel, Reg56Topic, SubmitterRole
from feedback_app.extensions import db
from feedback_app.reports.statistics import gather_report_data
from tests.factories import make_case
from tests.reports.conftest import TODAY, build_report, cases_of


def shown(fmt_count):
    return str(fmt_count) if fmt_count >= 5 else "fewer than 5"


def table(html, caption):
    page = BeautifulSoup(html, "html.parser")
    for element in page.find_all("caption"):
        if element.get_text(strip=True) == caption:
            return {row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.find_all("td")]
                    for row in element.find_parent("table").tbody.find_all("tr") if row.th}
    raise AssertionError(f"no table captioned {caption!r}")


def year_cases():
    cases = db.session.scalars(select(Case)).all()
    return [case for case in cases
            if date(2026, 9, 1) <= case.received_on <= date(2027, 8, 31) and case.merged_into_id is None]


def test_counts_equal_counts_made_independently(app, year_data):
    # Outside the year: must not be counted.
    make_case(received_on=date(2026, 8, 31), channel=Channel.WEB)
    html = build_report().html.decode()
    cases = year_cases()

    channels = Counter(Channel(case.channel).label for case in cases)
    assert table(html, "Comments by how they reached us") == {label: [shown(n)] for label, n in channels.items()}
    roles = Counter(SubmitterRole(case.submitter_role).label for case in cases)
    assert table(html, "Comments by who made them") == {label: [shown(n)] for label, n in roles.items()}
    themes = Counter(theme.name for case in cases for theme in case.themes)
    assert table(html, "Comments by theme") == {name: [shown(n)] for name, n in themes.items()}
    excluded = Counter(Reg56Topic(case.reg56_topic).label for case in cases if case.is_excluded)
    assert table(html, "Comments not published, and why") == {label: [shown(n)] for label, n in excluded.items()}
    topics = Counter(Reg56Topic(case.reg56_topic).label for case in cases if not case.is_excluded)
    assert table(html, "Comments by what they were about (regulation 56)") == {
        label: [shown(n)] for label, n in topics.items()}
    assert f"We received {shown(len(cases))} comments this year" in html
    answered = [case for case in cases if case.resolved_at and not case.is_excluded]
    assert table(html, "Responses against our deadline")["Comments answered"] == [shown(len(answered))]


def test_small_numbers_are_suppressed_in_tables_charts_and_totals(app, people):
    cases_of(4, channel=Channel.LETTER, reg56_topic=Reg56Topic.VEXATIOUS)
    cases_of(5, channel=Channel.WEB, reg56_topic=Reg56Topic.CONTENT_QUALITY)
    html = build_report().html.decode()
    assert table(html, "Comments by how they reached us") == {"Web form": ["5"], "Letter": ["fewer than 5"]}
    page = BeautifulSoup(html, "html.parser")
    chart = page.find("svg", attrs={"aria-labelledby": "chart-channel-title chart-channel-desc"})
    # The suppressed row draws no bar (its length would give the number away) and says "fewer than 5".
    assert len(chart.find_all("rect", attrs={"height": "22"})) == 1
    assert "Letter: fewer than 5" in chart.desc.get_text()
    assert ">4<" not in str(chart)


def test_the_total_is_suppressed_when_small(app, people):
    cases_of(3)
    data = gather_report_data(2026, start_month=9, today=TODAY)
    assert data["total"] == "fewer than 5"


def test_timeliness_with_and_without_the_paused_clock(app, people):
    from datetime import UTC, datetime

    from feedback_app.cases.models import ClockStop, ClockStopReason

    cases = cases_of(6, received_on=date(2026, 11, 2), reg56_topic=Reg56Topic.CONTENT_QUALITY)
    for case in cases:
        # 2 Nov 2026 to 7 Dec 2026: 25 working days, more than the 20 allowed…
        case.resolved_at = datetime(2026, 12, 7, 12, tzinfo=UTC)
    for case in cases[:5]:
        # …but five of them paused for 10 working days: 15 days counted.
        db.session.add(ClockStop(case_id=case.id, stopped_on=date(2026, 11, 9), restarted_on=date(2026, 11, 23),
                                 reason=ClockStopReason.WAITING_ON_FAMILY, working_days_stopped=10))
    db.session.commit()
    timely = gather_report_data(2026, start_month=9, today=TODAY)["timeliness"]
    assert timely["answered"] == "6"
    assert timely["on_time_elapsed"] == "fewer than 5"
    assert timely["on_time_net"] == "5"


def test_a_year_with_an_earlier_year_compares_themes(app, year_data):
    assert gather_report_data(2026, start_month=9, today=TODAY)["comparison"] is None
    case = make_case(received_on=date(2025, 10, 1))
    case.themes = [year_data["breaks"]]
    db.session.commit()
    comparison = gather_report_data(2026, start_month=9, today=TODAY)["comparison"]
    assert comparison.series == ["2025 to 2026", "2026 to 2027"]
    assert dict(comparison.table)["Short breaks"] == ["fewer than 5", "7"]


def test_the_fast_working_day_count_agrees_with_the_one_place_that_counts_them(app):
    import random

    from feedback_app.common.working_days import working_days_between
    from feedback_app.reports.statistics import _working_days_counter

    rng = random.Random(6)
    start = date(2025, 12, 1)  # across Christmas and the spring bank holidays
    pairs = [(start + timedelta(days=rng.randrange(400)), start + timedelta(days=rng.randrange(400)))
             for _ in range(200)]
    between = _working_days_counter([day for pair in pairs for day in pair])
    assert [between(start, end) for start, end in pairs] == [working_days_between(start, end) for start, end in pairs]
