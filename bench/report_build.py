"""The annual report build: time and peak memory of the whole build against WeasyPrint alone on the same HTML.

Generated data (BENCH_SIZE, 10k cases by default) plus published entries topped up to 1,000 in the
reported year (30 at tiny). The app side is build_annual_report(): the queries, the charts, the
template and the PDF, with its database writes. The baseline is WeasyPrint rendering the final HTML
that build produced, with the same URL fetcher, in the same process. Peak memory is measured with
tracemalloc in separate runs (tracing slows the timed runs down). The number of SQL statements of a
build is also printed: it must not grow with the number of cases (a fixed set of grouped queries).
"""
import gc
import tracemalloc

import _common
from _generate import ensure_dataset

TIME_TARGET = 1.5
MEMORY_TARGET = 2.0
# Statements of one build: the grouped counts, the entries with their actions and themes, the build's
# own reads and step commits. A number, not a function of the cases: this cap checks it stays one.
QUERY_CAP = 40
ENTRIES = {"tiny": 30}
DEFAULT_ENTRIES = 1000


def main():
    _common.header("annual report build")
    url = ensure_dataset()
    from sqlalchemy import event, func, select

    from feedback_app import create_app
    from feedback_app.cases.models import Case
    from feedback_app.extensions import db
    from feedback_app.publishing.models import Entry, EntryStatus
    from feedback_app.reports.build import build_annual_report
    from feedback_app.reports.queries import get_build
    from feedback_app.reports.render import render_pdf
    from feedback_app.reports.services import create_build

    app = create_app(_common.bench_config(url))
    statements = []
    all_passed = True
    with app.app_context(), _common.connect(url, autocommit=True) as bare:
        marks = _common.snapshot(bare)
        try:
            year = db.session.execute(
                select(Entry.reporting_year).where(Entry.status == EntryStatus.PUBLISHED)
                .group_by(Entry.reporting_year).order_by(func.count().desc()).limit(1)).scalar() or 2025
            entries = _top_up_entries(db, Entry, EntryStatus, year)
            cases = db.session.scalar(select(func.count(Case.id)))
            print(f"year {year}: {entries:,} published entries, {cases:,} cases in the database", flush=True)
            event.listen(db.engine, "before_cursor_execute",
                         lambda conn, cursor, statement, *args: statements.append(statement))

            def build():
                made = create_build(year, start_month=app.config["REPORTING_YEAR_START_MONTH"],
                                    requested_by_label="benchmark")
                statements.clear()
                status = build_annual_report(made.id)
                assert status == "ready", get_build(made.id).failure_reason
                return get_build(made.id)

            html = build().html.decode()  # warm: templates compiled, fonts loaded
            build_times, render_times = [], []
            for _ in range(_common.runs(3)):
                seconds, made = _common.timed(build)
                build_times.append(seconds)
                render_times.append(_common.timed(render_pdf, made.html.decode())[0])
            query_count = len(statements)
            build_peak = _peak(build)
            render_peak = _peak(lambda: render_pdf(html))
        finally:
            db.session.rollback()
            db.session.remove()
            _common.restore(bare, marks)
    all_passed &= _common.report("whole build vs WeasyPrint alone", measured=_common.median(build_times),
                                 baseline=_common.median(render_times), unit="s", target=TIME_TARGET,
                                 higher_is_better=False)
    all_passed &= _common.report("peak memory, build vs WeasyPrint alone", measured=build_peak / 2**20,
                                 baseline=render_peak / 2**20, unit="MiB", target=MEMORY_TARGET,
                                 higher_is_better=False)
    all_passed &= _common.check("SQL statements per build", query_count <= QUERY_CAP,
                                f"{query_count} (cap {QUERY_CAP}, whatever the number of cases)")
    print(f"HTML {len(html.encode()) / 1024:,.0f} KB", flush=True)
    _common.finish(all_passed)


def _top_up_entries(db, Entry, EntryStatus, year):
    """Published entries in `year` up to the benchmark's number (removed again by restore())."""
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from feedback_app.directory.models import Theme

    wanted = ENTRIES.get(_common.size_name(), DEFAULT_ENTRIES)
    have = db.session.scalar(select(func.count(Entry.id)).where(
        Entry.reporting_year == year, Entry.status == EntryStatus.PUBLISHED))
    theme_ids = db.session.scalars(select(Theme.id).order_by(Theme.id)).all() or [None]
    moment = datetime(year, 12, 1, 12, tzinfo=UTC)
    for number in range(have, wanted):
        db.session.add(Entry(
            title=f"Benchmark entry {number}", you_said="Families said the page about short breaks was out of date.",
            we_did="We updated the page and checked it with the parent carer forum.", we_could_not="",
            theme_id=theme_ids[number % len(theme_ids)], reg56_topic="content_quality", reporting_year=year,
            status=EntryStatus.PUBLISHED, is_paraphrase=True, published_at=moment))
    db.session.commit()
    return max(have, wanted)


def _peak(function):
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


if __name__ == "__main__":
    main()
