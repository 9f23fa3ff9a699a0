"""Intake throughput: the public form's "Send feedback" through gunicorn and PostgreSQL, against one INSERT.

The app side posts the final step of the feedback journey (check your answers) with a session
cookie holding a finished draft, signed with the app's own session serializer, and a valid CSRF
token: the one request of the journey that creates a case (case, themes, reference, audit event,
acknowledgement queued in the outbox). The baseline is a minimal Flask view doing one INSERT,
under the same gunicorn settings and database. The load driver: threads with http.client, bounded
concurrency, a fixed duration. Every success (the 302 to the confirmation page) must have made
exactly one case.
"""
import http.client
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import _common
from _generate import ensure_dataset

TARGET = 0.5
COOKIE_POOL = 400


def main():
    _common.header("intake throughput")
    url = ensure_dataset()
    default_workers = 2 if _common.is_tiny() else 2 * (os.cpu_count() or 1) + 1  # tiny: only that it runs
    workers = int(os.environ.get("BENCH_WORKERS", default_workers))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", 2 * workers))
    duration = float(os.environ.get("BENCH_DURATION", 2 if _common.is_tiny() else 10))
    # Every worker's first requests are slow (imports, connections, templates): not what is measured.
    warm_up = max(1.0 if _common.is_tiny() else 2.0, duration / 4)
    print(f"gunicorn sync workers={workers}, client concurrency={concurrency}, duration={duration:.0f} s per run")
    requests = _app_requests(url, 50 if _common.is_tiny() else COOKIE_POOL)
    with _common.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS bench_baseline (id serial PRIMARY KEY, body text NOT NULL)")
        marks = _common.snapshot(connection)
    app_rates, base_rates, all_exact = [], [], True
    try:
        for _ in range(_common.runs(3)):
            with _gunicorn("_intake_apps:baseline_app()", url, workers) as port:
                connection = _common.connect(url, autocommit=True)
                connection.execute("TRUNCATE bench_baseline")
                body = urlencode({"body": "The short breaks page still lists a scheme that closed last year."})
                _drive(port, lambda i: ("/submit", body, ""), concurrency, warm_up)
                connection.execute("TRUNCATE bench_baseline")
                stats = _drive(port, lambda i: ("/submit", body, ""), concurrency, duration)
                rows = connection.execute("SELECT count(*) FROM bench_baseline").fetchone()[0]
                connection.close()
            all_exact &= _exact("baseline", stats, rows)
            base_rates.append(stats["ok"] / stats["seconds"])
            with _gunicorn("_intake_apps:real_app()", url, workers) as port:
                connection = _common.connect(url, autocommit=True)
                _drive(port, lambda i: requests[i % len(requests)], concurrency, warm_up)
                before = connection.execute("SELECT count(*) FROM cases").fetchone()[0]
                stats = _drive(port, lambda i: requests[i % len(requests)], concurrency, duration)
                made = connection.execute("SELECT count(*) FROM cases").fetchone()[0] - before
                connection.close()
            all_exact &= _exact("app", stats, made)
            app_rates.append(stats["ok"] / stats["seconds"])
    finally:
        with _common.connect(url) as connection:
            _common.restore(connection, marks)
        _purge_queue()
    passed = _common.report("form submissions", measured=_common.median(app_rates),
                            baseline=_common.median(base_rates), unit="req/s", target=TARGET, higher_is_better=True)
    passed &= _common.check("every success made exactly one case", all_exact, "counted after each run:")
    _common.finish(passed)


def _exact(side, stats, rows):
    print(f"  {side}: {stats['ok']} successes, {stats['errors']} errors, {rows} rows made "
          f"in {stats['seconds']:.1f} s", flush=True)
    return stats["ok"] == rows and stats["errors"] == 0


def _app_requests(url, count):
    """(path, body, cookie) for `count` finished drafts, each with its own token and CSRF token.

    A signed cookie session keeps nothing on the server, so posting one again makes another case:
    the pool is cycled, and every success is still one case.
    """
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from feedback_app import create_app
    from feedback_app.intake import web_journey as journey

    app = create_app(_common.bench_config(url))
    serializer = app.session_interface.get_signing_serializer(app)
    requests = []
    for number in range(count):
        with app.test_request_context("/feedback/check-your-answers", method="POST"):
            draft = journey.start("adult")
            draft.update(body=f"Feedback {number}: the short breaks page still lists a scheme that closed last year.",
                         topic="content_quality", role="parent_carer", on_behalf_of="",
                         themes=["short_breaks"] if number % 2 else ["transport", "information"],
                         reply="email", phone="", email=f"parent{number}@example.org", name="Sam Parent",
                         consent="yes")
            session[journey.DRAFT_KEY] = draft
            csrf = generate_csrf()
            cookie = serializer.dumps(dict(session))
        body = urlencode({"token": draft["token"], "csrf_token": csrf})
        requests.append(("/feedback/check-your-answers", body, f"session={cookie}"))
    return requests


class _gunicorn:
    """gunicorn on a free loopback port, started and stopped by this process (its own pid only)."""

    def __init__(self, target, url, workers):
        self.target, self.url, self.workers = target, url, workers

    def __enter__(self):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        bench_dir = Path(__file__).resolve().parent
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        env = {**os.environ, "BENCH_APP_DATABASE_URL": self.url, "PYTHONPATH": str(_common.ROOT)}
        self.process = subprocess.Popen(
            [gunicorn, "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--worker-class", "sync",
             "--pythonpath", str(bench_dir), "--log-level", "warning", "--backlog", "2048", self.target],
            env=env, cwd=_common.ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/health-of-bench")
                connection.getresponse().read()
                return self.port
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited at start")
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def _drive(port, request_for, concurrency, duration):
    """Closed-loop load: `concurrency` threads, each posting one request after another until the time is up."""
    lock = threading.Lock()
    counter = iter(range(10**9))
    stats = {"ok": 0, "errors": 0}
    stop_at = time.perf_counter() + duration

    def worker():
        ok = errors = 0
        while time.perf_counter() < stop_at:
            with lock:
                number = next(counter)
            path, body, cookie = request_for(number)
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            if cookie:
                headers["Cookie"] = cookie
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                location = response.getheader("Location", "")
                if response.status == 302 and location.endswith("/sent"):
                    ok += 1
                else:
                    errors += 1
            except OSError:
                errors += 1
        with lock:
            stats["ok"] += ok
            stats["errors"] += errors

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats["seconds"] = time.perf_counter() - started
    return stats


def _purge_queue():
    """The acknowledgement tasks the submissions queued on the bench's Redis broker: nobody will run them."""
    broker = os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL")
    if not broker:
        return
    import redis

    redis.Redis.from_url(broker).delete("celery")


if __name__ == "__main__":
    main()
