"""Configuration classes, chosen by the FEEDBACK_CONFIG environment variable."""
import os
from pathlib import Path

from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("FEEDBACK_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_int(name, default):
    return int(os.environ.get(name, default))


class Config:
    """Settings shared by every configuration; each can be overridden from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Demo Borough Council")
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "Support for families with SEND – feedback")
    PHASE = os.environ.get("PHASE", "beta")
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "localoffer@demo.example")
    DPO_EMAIL = os.environ.get("DPO_EMAIL", "dpo@demo.example")
    # Optional parts of the privacy notice (feedback_app/pages/views.py); left out when empty.
    DPO_POSTAL_ADDRESS = os.environ.get("DPO_POSTAL_ADDRESS", "")
    ICO_REGISTRATION_NUMBER = os.environ.get("ICO_REGISTRATION_NUMBER", "")
    # Months personal data is kept after a case closes (or an unlinked inbound email arrives), by kind;
    # then feedback_app/privacy/retention.py anonymises it. Keys are the kinds that module names.
    RETENTION_SCHEDULE = {
        "published": _env_int("RETENTION_MONTHS_PUBLISHED", 24),
        "resolved": _env_int("RETENTION_MONTHS_RESOLVED", 24),
        "closed_excluded": _env_int("RETENTION_MONTHS_CLOSED_EXCLUDED", 24),
        "held_email": _env_int("RETENTION_MONTHS_HELD_EMAIL", 3),
        "unlinked_email": _env_int("RETENTION_MONTHS_UNLINKED_EMAIL", 3),
    }
    CASE_REFERENCE_PREFIX = os.environ.get("CASE_REFERENCE_PREFIX", "LO")
    ACKNOWLEDGE_WORKING_DAYS = _env_int("ACKNOWLEDGE_WORKING_DAYS", 3)
    RESPOND_WORKING_DAYS = _env_int("RESPOND_WORKING_DAYS", 20)
    # Reporting years start on the first of this month (9: September, an academic year; 4: April).
    REPORTING_YEAR_START_MONTH = _env_int("REPORTING_YEAR_START_MONTH", 9)
    # Published statistics show "fewer than N" below this number, so nobody can be identified.
    SMALL_NUMBER_THRESHOLD = _env_int("SMALL_NUMBER_THRESHOLD", 5)
    # The queue counts at most this many cases for its heading and each filter's number; past it,
    # "more than 1,000" and no number, so a page costs the same at any size (feedback_app/cases/queue_page.py).
    QUEUE_COUNT_LIMIT = _env_int("QUEUE_COUNT_LIMIT", 1000)
    PARTNER_LINK_DAYS = _env_int("PARTNER_LINK_DAYS", 28)
    # Overdue reminders: the team is told once a response is this many working days late.
    ESCALATE_AFTER_WORKING_DAYS = _env_int("ESCALATE_AFTER_WORKING_DAYS", 5)
    TEAM_EMAIL = os.environ.get("TEAM_EMAIL") or CONTACT_EMAIL
    # Where feedback about one child's own support is signposted (the web form's confirmation page).
    COMPLAINTS_URL = os.environ.get("COMPLAINTS_URL", "https://www.demo.example/complaints")
    SENDIASS_URL = os.environ.get("SENDIASS_URL", "https://www.demo.example/sendiass")

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60
    # Account security (feedback_app/accounts): timeouts enforced on the server at every request.
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 30)
    SESSION_ABSOLUTE_HOURS = _env_int("SESSION_ABSOLUTE_HOURS", 8)
    SIGN_IN_MAX_FAILURES = _env_int("SIGN_IN_MAX_FAILURES", 5)
    SIGN_IN_FAILURE_WINDOW_MINUTES = _env_int("SIGN_IN_FAILURE_WINDOW_MINUTES", 15)
    LOCKOUT_MINUTES = _env_int("LOCKOUT_MINUTES", 15)
    SIGN_IN_LIMIT_PER_IP = os.environ.get("SIGN_IN_LIMIT_PER_IP", "30 per 15 minutes")
    SIGN_IN_LIMIT_PER_EMAIL = os.environ.get("SIGN_IN_LIMIT_PER_EMAIL", "5 per 15 minutes")
    PASSWORD_RESET_MINUTES = _env_int("PASSWORD_RESET_MINUTES", 60)
    PASSWORD_RESET_LIMIT_PER_IP = os.environ.get("PASSWORD_RESET_LIMIT_PER_IP", "10 per hour")
    # The default until an admin changes it on /admin/security.
    REQUIRE_TWO_FACTOR = os.environ.get("REQUIRE_TWO_FACTOR", "false").lower() == "true"

    # Mail: "smtp" sends through SMTP_*; "folder" writes .eml files to MAIL_FOLDER.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", str(INSTANCE_DIR / "mail"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "Local Offer team <localoffer@demo.example>")
    MAIL_DOMAIN = os.environ.get("MAIL_DOMAIN", "demo.example")
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = _env_int("SMTP_PORT", 25)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "false").lower() == "true"
    SMTP_TIMEOUT = 30

    # Inbound mail (IMAP), polled by the beat schedule when IMAP_HOST is set.
    IMAP_HOST = os.environ.get("IMAP_HOST", "")
    IMAP_PORT = _env_int("IMAP_PORT", 993)
    IMAP_SSL = os.environ.get("IMAP_SSL", "true").lower() == "true"
    IMAP_USERNAME = os.environ.get("IMAP_USERNAME", "")
    IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")
    IMAP_FOLDER = os.environ.get("IMAP_FOLDER", "INBOX")
    IMAP_PROCESSED_FOLDER = os.environ.get("IMAP_PROCESSED_FOLDER", "Processed")
    # Inbound limits: a larger message is held for the team; extra attachments are dropped and noted.
    INTAKE_MAX_MESSAGE_BYTES = _env_int("INTAKE_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)
    INTAKE_MAX_ATTACHMENT_BYTES = _env_int("INTAKE_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
    INTAKE_MAX_ATTACHMENTS = _env_int("INTAKE_MAX_ATTACHMENTS", 10)

    # The public address of the application (e.g. https://feedback.council.example), used for links
    # in email sent by background tasks, where there is no request to take the host from.
    BASE_URL = os.environ.get("BASE_URL", "")

    # Hosts of the council's directory whose pages may carry "Is this information correct?" links.
    DIRECTORY_HOSTS = _env_list("DIRECTORY_HOSTS", "localoffer.demo.example,www.localoffer.demo.example")

    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SUBMISSIONS = os.environ.get("RATELIMIT_SUBMISSIONS", "20 per hour")

    CELERY = {
        "broker_url": "memory://",
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "beat_schedule": {
            "send-pending-email": {"task": "outbox.send-pending", "schedule": 60.0},
            "poll-mailbox": {"task": "intake.poll-mailbox", "schedule": 60.0},
            # A worker killed mid-send leaves its claim; released 15 minutes on, then sent by the sweep.
            "release-stale-email-claims": {"task": "outbox.requeue-stale", "schedule": crontab(minute="*/5")},
            "send-overdue-reminders": {"task": "cases.send-overdue-reminders", "schedule": crontab(hour=7, minute=0)},
            "chase-overdue-actions": {"task": "actions.chase-overdue", "schedule": crontab(hour=7, minute=15)},
            "apply-retention": {"task": "privacy.apply-retention", "schedule": crontab(hour=2, minute=30)},
        },
    }

    DEMO_DATA = False

    @classmethod
    def check(cls):
        """Refuse to start with settings that would be unsafe for this configuration."""


class EmbeddedConfig(Config):
    """No servers needed: SQLite in the instance folder, tasks in-process, mail to a folder."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "embedded-default-not-for-production")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'feedback.sqlite3'}"
    )
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "folder")
    CELERY = {**Config.CELERY, "task_always_eager": True, "task_eager_propagates": False}
    DEMO_DATA = True


class ProductionConfig(Config):
    """PostgreSQL, Redis (broker and rate limits), Celery workers, SMTP."""

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"  # only over HTTPS, only for this host, path /
    REMEMBER_COOKIE_SECURE = True
    REQUIRE_TWO_FACTOR = os.environ.get("REQUIRE_TWO_FACTOR", "true").lower() == "true"
    PREFERRED_URL_SCHEME = "https"
    # Bounds on waiting for PostgreSQL, so a request fails (500) rather than hangs when the server is
    # unreachable: connect_timeout for a host that drops packets (a restart on the same host is refused
    # at once), pool_timeout for a pool exhausted by stuck requests. tests/reliability proves recovery.
    SQLALCHEMY_ENGINE_OPTIONS = {
        **Config.SQLALCHEMY_ENGINE_OPTIONS,
        "pool_timeout": 10,
        "connect_args": {"connect_timeout": 5},
    }
    RATELIMIT_STORAGE_URI = Config.REDIS_URL or "memory://"
    CELERY = {**Config.CELERY, "broker_url": Config.REDIS_URL}

    @classmethod
    def check(cls):
        if len(cls.SECRET_KEY) < 32:
            raise RuntimeError("Set SECRET_KEY to a random value of at least 32 characters.")
        if not cls.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
            raise RuntimeError("Set DATABASE_URL to a PostgreSQL database.")
        if not cls.REDIS_URL:
            raise RuntimeError("Set REDIS_URL to the Redis server used for Celery and rate limits.")


class TestConfig(Config):
    """The test suite: PostgreSQL when TEST_DATABASE_URL is set, else an SQLite file."""

    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    ARGON2_PROFILE = "CHEAPEST"  # hundreds of test accounts; production keeps RFC 9106's cost
    MAIL_BACKEND = "folder"
    SMTP_HOST = "127.0.0.1"
    # Not eager: tests see queued work and run tasks themselves, or start a real worker on Redis.
    CELERY = {**Config.CELERY, "broker_url": "memory://"}
    DIRECTORY_HOSTS = ["localoffer.demo.example"]


configs = {
    "embedded": EmbeddedConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_environment():
    name = os.environ.get("FEEDBACK_CONFIG", "embedded")
    try:
        return configs[name]
    except KeyError:
        raise RuntimeError(f"FEEDBACK_CONFIG must be one of {', '.join(configs)}, not {name!r}") from None
