"""A Celery worker killed with SIGKILL in the middle of building the annual report: redelivered, built once."""
import os
import time

import pytest
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.reports.models import BuildStatus, ReportBuild
from feedback_app.reports.services import request_build
from tests.reliability.conftest import wait_until
from tests.reliability.test_worker_killed import ROOT, VISIBILITY_TIMEOUT, Worker

pytestmark = pytest.mark.reliability


def test_a_worker_killed_mid_build_is_replaced_and_the_report_is_built_once(
        app, suite_config, broker_app, private_redis, smtp_sink, tmp_path):
    # Fails if the build task refuses a build left "building" by a dead worker (it would stay
    # building for ever), if a redelivery made a second build instead of finishing this one, or if
    # the unacknowledged task were lost (task_acks_late, task_reject_on_worker_lost in config.py).
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RELIABILITY_DATABASE_URL": suite_config.SQLALCHEMY_DATABASE_URI,
           "RELIABILITY_BROKER_URL": private_redis.url, "RELIABILITY_SMTP_PORT": str(smtp_sink.port),
           "RELIABILITY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    stalled = tmp_path / "stalled-in-pdf-step"
    first = Worker({**env, "RELIABILITY_STALL_REPORT_AT": str(stalled)}, tmp_path / "first.log")
    second = None
    try:
        build_id = request_build(2026, start_month=9, requested_by=None).id  # committed, then queued
        assert wait_until(stalled.exists, 60), (tmp_path / "first.log").read_text()
        first.kill()
        db.session.expire_all()
        killed = db.session.get(ReportBuild, build_id)
        assert killed.status == BuildStatus.BUILDING and killed.step == "Rendering the PDF"

        # A worker restores unacknowledged tasks older than the visibility timeout when it starts:
        # start the replacement once that has passed, as a restarted worker would in production.
        time.sleep(VISIBILITY_TIMEOUT + 1)
        second = Worker(env, tmp_path / "second.log")
        log = tmp_path / "second.log"
        assert wait_until(lambda: "reports.build[" in log.read_text() and "succeeded" in log.read_text(), 60), \
            log.read_text()
    finally:
        first.stop()
        if second is not None:
            second.stop()
    db.session.expire_all()
    build = db.session.get(ReportBuild, build_id)
    assert build.status == BuildStatus.READY and build.html and build.pdf.startswith(b"%PDF")
    assert db.session.scalar(select(func.count()).select_from(ReportBuild)) == 1
