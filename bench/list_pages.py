"""List pages at scale: each page's server time against the bare SQL it issues, queries per page, growth.

Pages: the triage queue (unfiltered; theme + overdue; full-text search) signed in as the team, and
the public "You said, we did" list as the public sees it (not signed in). The app side is the Flask
test client (routing, permission checks, ORM, templates), in a process set up as wsgi.py sets it up
(start-up objects frozen out of the garbage collector); the baseline re-runs, on a plain psycopg
connection, exactly the SQL statements that request issued (captured with a before_cursor_execute
listener), fetching every row.
Results are kept in instance/bench/ so the growth from 10k to the largest size run can be shown.
"""
import gc
import json
import os

import _common
from _generate import SEARCH_WORD, ensure_dataset

PAGES = {  # name: (path, signed in as the team)
    "queue": ("/cases", True),
    "queue theme+overdue": ("/cases?theme=education&overdue=yes", True),
    "queue search": (f"/cases?q={SEARCH_WORD}", True),
    "public entries": ("/you-said-we-did", False),
}
RATIO_TARGET = 2.0
GROWTH_TARGET = 1.5


def main():
    _common.header("list pages")
    url = ensure_dataset()
    from sqlalchemy import event

    from feedback_app import create_app
    from feedback_app.extensions import db

    app = create_app(_common.bench_config(url))
    captured = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, parameters, context, many: captured.append((statement, parameters)))
    clients = {True: _signed_in_client(app), False: app.test_client()}
    gc.collect()
    gc.freeze()  # as wsgi.py does once the app is made
    repeats = _common.runs(7)
    results = {}
    all_passed = True
    with _common.connect(url, autocommit=True) as bare:
        for name, (path, signed_in) in PAGES.items():
            client = clients[signed_in]
            response = client.get(path)  # warm: templates compiled, plans cached, pages in memory
            assert response.status_code == 200, (path, response.status_code)
            app_times, bare_times = [], []
            for _ in range(repeats):
                captured.clear()
                seconds, response = _common.timed(client.get, path)
                assert response.status_code == 200, (path, response.status_code)
                app_times.append(seconds)
                statements = list(captured)
                bare_times.append(_run_bare(bare, statements))
            app_ms, bare_ms = _common.median(app_times) * 1000, _common.median(bare_times) * 1000
            results[name] = {"app_ms": app_ms, "bare_ms": bare_ms, "queries": len(statements)}
            all_passed &= _common.report(f"{name} ({len(statements)} queries)", measured=app_ms, baseline=bare_ms,
                                         unit="ms", target=RATIO_TARGET, higher_is_better=False)
    all_passed &= _growth(results)
    _save(results)
    _common.finish(all_passed)


def _signed_in_client(app):
    """A test client signed in as the generated team member, the way the sign-in page does it.

    Two-factor enrolment is waived for that account (when the app has it): this measures lists, not sign-in.
    """
    from flask_login import login_user

    from feedback_app.accounts.models import User
    from feedback_app.extensions import db

    try:
        from feedback_app.accounts.sessions import start_session
    except ImportError:
        start_session = login_user

    def bench_sign_in():
        user = db.session.get(User, 1)
        if hasattr(user, "two_factor_exempt") and not user.two_factor_exempt:
            user.two_factor_exempt = True
            db.session.commit()
        start_session(user)
        return "signed in"

    app.add_url_rule("/_bench/sign-in", "bench_sign_in", bench_sign_in)
    client = app.test_client()
    assert client.get("/_bench/sign-in").status_code == 200
    return client


def _run_bare(connection, statements):
    """The same statements, same parameters, fetched in full: what the database alone costs."""
    total = 0.0
    with connection.cursor() as cursor:
        for statement, parameters in statements:
            seconds, _ = _common.timed(_execute, cursor, statement, parameters)
            total += seconds
    return total


def _execute(cursor, statement, parameters):
    cursor.execute(statement, parameters or None)
    if cursor.description is not None:
        cursor.fetchall()


def _results_file(size):
    return _common.RESULTS_DIR / f"list_pages-{size}.json"


def _save(results):
    _common.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    _results_file(_common.size_name()).write_text(json.dumps(results, indent=2))


def _growth(results):
    """Against the 10k run kept from an earlier invocation: time growth and the number of queries."""
    size = _common.size_name()
    if size in ("tiny", "10k") or not _results_file("10k").exists():
        print(f"growth: run BENCH_SIZE=10k then a larger size to compare (this run: {size})")
        return True
    small = json.loads(_results_file("10k").read_text())
    passed = True
    for name, figures in results.items():
        if name not in small:
            continue
        passed &= _common.report(f"{name} growth 10k→{size}", measured=figures["app_ms"],
                                 baseline=small[name]["app_ms"], unit="ms", target=GROWTH_TARGET,
                                 higher_is_better=False)
        passed &= _common.check(f"{name} queries 10k→{size}", figures["queries"] == small[name]["queries"],
                                f"{small[name]['queries']} → {figures['queries']} queries (target: constant)")
    return passed


if __name__ == "__main__":
    os.environ.setdefault("FLASK_DEBUG", "0")
    main()
