"""The benchmarks run: each script in bench/ at BENCH_SIZE=tiny against the test PostgreSQL prints a ratio.

Only that they run and report; their timings are never asserted here (see bench/README.md).
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_env

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPTS = sorted(path.name for path in BENCH.glob("[a-z]*.py"))


def test_every_benchmark_is_found():
    assert {"intake_throughput.py", "list_pages.py", "email_ingestion.py"} <= set(SCRIPTS)


def _bench_database_url():
    if not os.environ.get("TEST_DATABASE_URL") and os.environ.get("TEST_POSTGRES_URL"):
        pytest.skip("the benchmarks need PostgreSQL: they run once, in the PostgreSQL pass of run-tests.sh")
    return require_env("TEST_DATABASE_URL")


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_runs_on_a_tiny_size_and_prints_its_ratio(script, tmp_path):
    database_url = _bench_database_url()
    if script == "email_ingestion.py":
        require_env("TEST_IMAP_HOST")
    env = {**os.environ, "BENCH_SIZE": "tiny", "TEST_DATABASE_URL": database_url, "BENCH_RESULTS_DIR": str(tmp_path),
           "BENCH_STRICT": "0", "BENCH_DURATION": "1", "BENCH_RUNS": "1"}
    env.pop("BENCH_DATABASE_URL", None)
    result = subprocess.run([sys.executable, str(BENCH / script)], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " ratio " in result.stdout and "×" in result.stdout, result.stdout
    assert "RESULT:" in result.stdout
