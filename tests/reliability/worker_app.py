"""A Celery worker for the SIGKILL test: the app on the test database and a private Redis, from env vars."""
import os

from config import TestConfig
from feedback_app import create_app


class KillTestConfig(TestConfig):
    SQLALCHEMY_DATABASE_URI = os.environ["RELIABILITY_DATABASE_URL"]
    MAIL_BACKEND = "smtp"
    SMTP_HOST = "127.0.0.1"
    SMTP_PORT = int(os.environ["RELIABILITY_SMTP_PORT"])
    # Redis keeps a delivered-but-unacknowledged (acks_late) message in its "unacked" set and gives it
    # back to the queue only once visibility_timeout has passed (default 1 hour) and a worker restores
    # it (at a worker's start-up, and periodically). A small value lets the test see redelivery in seconds.
    CELERY = {
        **TestConfig.CELERY,
        "broker_url": os.environ["RELIABILITY_BROKER_URL"],
        "broker_transport_options": {"visibility_timeout": int(os.environ["RELIABILITY_VISIBILITY_TIMEOUT"])},
    }


flask_app = create_app(KillTestConfig)
celery = flask_app.extensions["celery"]

# For the report-build kill test: this worker stalls inside the build (at the PDF step) and says so
# in a marker file, so the test can kill it there. Only the first worker gets the variable.
if os.environ.get("RELIABILITY_STALL_REPORT_AT"):
    import time
    from pathlib import Path

    import feedback_app.reports.build as report_build

    def _stall_in_pdf_step(html):
        Path(os.environ["RELIABILITY_STALL_REPORT_AT"]).touch()
        time.sleep(600)

    report_build.render_pdf = _stall_in_pdf_step
