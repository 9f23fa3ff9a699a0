"""PostgreSQL restarted under load: no request hangs, and the app recovers without being restarted."""
import gc
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from config import ProductionConfig, TestConfig
from feedback_app import create_app
from feedback_app.extensions import db
from tests.conftest import free_port

pytestmark = pytest.mark.reliability
PG_BIN = Path("/usr/lib/postgresql/15/bin")
CLIENT_TIMEOUT = 15  # a request slower than this counts as a hang
THREADS = 4
PAGES = ("/you-said-we-did", "/healthz")


class PrivatePostgres:
    """A throwaway PostgreSQL 15 cluster (PostgreSQL refuses root, so it runs as the postgres user)."""

    def __init__(self):
        if not (PG_BIN / "initdb").exists():
            pytest.fail("PostgreSQL 15 is not installed")
        self.folder = Path(tempfile.mkdtemp(prefix="relpg", dir="/tmp"))  # short: socket paths are limited
        self.data, self.log = self.folder / "data", self.folder / "pg.log"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def _run(self, tool, *args):
        subprocess.run([*self.as_postgres, str(PG_BIN / tool), *map(str, args)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

    def pg_ctl(self, action, *extra):
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F", "-w", *extra, action)

    def remove(self):
        try:
            self.pg_ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    server.pg_ctl("start")
    yield server
    server.remove()


@pytest.fixture
def live_url(private_postgres):
    """The app on the private database, migrated, served by a threaded werkzeug server."""

    class RestartConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = private_postgres.url
        SQLALCHEMY_ENGINE_OPTIONS = ProductionConfig.SQLALCHEMY_ENGINE_OPTIONS  # what production runs with

    app = create_app(RestartConfig)
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    with app.app_context():
        db.engine.dispose()
    # The restart broke pooled connections; SQLAlchemy dropped them without closing them (they were
    # dead), and psycopg warns when such a connection is collected: collect them here, knowingly,
    # rather than in whichever later test the garbage collector happens to run in.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _get(url):
    """(status, seconds); a timeout is reported as status None: a hang."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=CLIENT_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (TimeoutError, urllib.error.URLError) as error:
        status = None if "timed out" in str(error) else "refused"
    return status, time.monotonic() - started


def _all_pages_ok(base):
    with ThreadPoolExecutor(THREADS * 2) as pool:
        results = list(pool.map(_get, [base + page for page in PAGES for _ in range(THREADS)]))
    return results


def test_requests_survive_a_postgres_restart_without_hanging_or_restarting_the_app(
        private_postgres, live_url, capsys):
    # Fails without pool_pre_ping in ProductionConfig's engine options: after the idle restart below,
    # each pooled connection is dead and its first request is a 500. Fails on a hang if a request
    # waited on the database with no bound (CLIENT_TIMEOUT).
    assert {status for status, _ in _all_pages_ok(live_url)} == {200}  # the pool holds live connections

    stop = threading.Event()
    results = []

    def load():
        while not stop.is_set():
            for page in PAGES:
                results.append(_get(live_url + page))

    workers = [threading.Thread(target=load) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    time.sleep(0.5)
    started = time.monotonic()
    private_postgres.pg_ctl("restart", "-m", "fast")  # under load
    restart_seconds = time.monotonic() - started
    time.sleep(1.0)
    stop.set()
    for worker in workers:
        worker.join(CLIENT_TIMEOUT * 2)
    assert not any(worker.is_alive() for worker in workers)
    statuses = [status for status, _ in results]
    assert None not in statuses, "a request hung"
    assert set(statuses) <= {200, 500, 503}, set(statuses)
    slowest = max(seconds for _, seconds in results)
    assert slowest < CLIENT_TIMEOUT

    # The app recovered on its own: every page answers again, from every thread.
    assert {status for status, _ in _all_pages_ok(live_url)} == {200}

    # A restart while idle: the pool's connections all die unseen; pre-ping replaces them quietly.
    private_postgres.pg_ctl("restart", "-m", "fast")
    after = _all_pages_ok(live_url)
    assert [status for status, _ in after] == [200] * len(after)
    with capsys.disabled():
        errors = sum(1 for status in statuses if status != 200)
        print(f"\n[reliability] PostgreSQL restart under load: {len(results)} requests, {errors} errors "
              f"(500/503) during a {restart_seconds:.2f} s restart, slowest {slowest:.2f} s, no hang")
