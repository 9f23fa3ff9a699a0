"""Shared plumbing for the benchmarks: sizes, databases, the bench configuration, timing and reporting."""
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ first on the path, not the project
    sys.path.insert(0, str(ROOT))

SIZES = {"tiny": 300, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "instance" / "bench"))
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"


def size_name():
    name = os.environ.get("BENCH_SIZE", "10k").lower()
    if name not in SIZES:
        sys.exit(f"BENCH_SIZE must be one of {', '.join(SIZES)}, not {name!r}")
    return name


def case_count(name=None):
    return SIZES[name or size_name()]


def is_tiny():
    return size_name() == "tiny"


def runs(default=5):
    """How many times each side is measured (the median is reported); tiny runs each once or twice."""
    return int(os.environ.get("BENCH_RUNS", 2 if is_tiny() else default))


# --- PostgreSQL ----------------------------------------------------------------------------------

def server_url_or_skip():
    """The PostgreSQL URL from the environment; without one, say why and stop (exit 0: nothing to measure)."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    if not url.startswith("postgresql"):
        print("SKIP: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL database; "
              "the benchmarks measure PostgreSQL only.")
        sys.exit(0)
    return url


def sqlalchemy_url(url):
    scheme, rest = url.split("://", 1)
    return ("postgresql+psycopg" if scheme in ("postgresql", "postgres", "postgresql+psycopg") else scheme) + "://" + rest


def libpq_url(url):
    """The same URL without SQLAlchemy's driver suffix, for psycopg.connect()."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest


def _with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def bench_database_url(purpose):
    """A database of its own for this bench data: BENCH_DATABASE_URL as given, else beside the test database.

    Beside it (`<test db>_bench_<purpose>`), because the test suite drops its own schema at start.
    """
    import psycopg

    explicit = os.environ.get("BENCH_DATABASE_URL")
    url = server_url_or_skip()
    try:
        admin = psycopg.connect(libpq_url(url if explicit else _with_database(url, "postgres")), autocommit=True,
                                connect_timeout=5)
    except psycopg.OperationalError as error:
        print(f"SKIP: PostgreSQL is not available at {urlsplit(url).hostname}:{urlsplit(url).port}: {error}")
        sys.exit(0)
    if explicit:  # used as given: its public schema is dropped and rebuilt for the bench data
        admin.close()
        return sqlalchemy_url(explicit)
    base = urlsplit(url).path.lstrip("/") or "postgres"
    name = f"{base}_bench_{purpose}"
    with admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            admin.execute(f'CREATE DATABASE "{name}"')
    return sqlalchemy_url(_with_database(url, name))


def connect(url, **options):
    import psycopg

    return psycopg.connect(libpq_url(url), **options)


def bench_config(database_url, **overrides):
    """The production-like configuration the benchmarks run the app with (rate limits off, CSRF on)."""
    from config import Config

    mail_folder = str(RESULTS_DIR / "mail")
    broker = os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL") or "memory://"
    attributes = {
        "SECRET_KEY": SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(database_url),
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "folder",
        "MAIL_FOLDER": mail_folder,
        "CELERY": {**Config.CELERY, "broker_url": broker},
        "DEMO_DATA": False,
        **overrides,
    }
    return type("BenchConfig", (Config,), attributes)


# --- Keeping bench databases reusable ----------------------------------------------------------------

def snapshot(connection):
    """The highest id of every table with one, so rows a benchmark adds can be removed afterwards."""
    tables = [row[0] for row in connection.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'id'"
        " AND data_type = 'integer'")]
    return {table: connection.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0]
            for table in tables}


def restore(connection, marks):
    """Delete what was added since `snapshot` (triggers off: the audit trail refuses deletes, rightly)."""
    connection.execute("SET session_replication_role = replica")
    case_tables = [row[0] for row in connection.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'case_id'"
        " AND table_name NOT IN (SELECT table_name FROM information_schema.columns"
        "  WHERE table_schema = 'public' AND column_name = 'id')")]
    for table in case_tables:  # association tables without an id of their own
        connection.execute(f'DELETE FROM "{table}" WHERE case_id > %s', (marks.get("cases", 0),))
    for table, mark in marks.items():
        connection.execute(f'DELETE FROM "{table}" WHERE id > %s', (mark,))
    connection.execute("SET session_replication_role = DEFAULT")
    connection.commit()


# --- Timing and reporting ---------------------------------------------------------------------------

def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def median(values):
    return statistics.median(values)


def header(title):
    print(f"# {title}: BENCH_SIZE={size_name()} ({case_count():,} cases), cores={os.cpu_count()}")


def report(name, *, measured, baseline, unit, target, higher_is_better, note=""):
    """One result line: both figures, their ratio, the target and PASS/MISS. Returns True on PASS."""
    ratio = measured / baseline if baseline else float("inf")
    passed = ratio >= target if higher_is_better else ratio <= target
    sign = "≥" if higher_is_better else "≤"
    print(f"{name}: app {measured:.2f} {unit}, baseline {baseline:.2f} {unit}, ratio {ratio:.2f}× "
          f"(target {sign} {target}×) {'PASS' if passed else 'MISS'}{' ' + note if note else ''}", flush=True)
    return passed


def check(name, condition, detail):
    print(f"{name}: {detail} {'PASS' if condition else 'MISS'}", flush=True)
    return condition


def finish(all_passed):
    """A MISS is a finding, not a crash: exit 0 unless BENCH_STRICT=1."""
    print("RESULT:", "all targets met" if all_passed else "some targets missed", flush=True)
    if not all_passed and os.environ.get("BENCH_STRICT") == "1":
        sys.exit(1)
