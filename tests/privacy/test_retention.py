"""The retention schedule: the dry run, applying it, and what survives anonymisation."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import Case, CaseStatus, case_themes
from feedback_app.extensions import db
from feedback_app.intake.models import InboundEmail, InboundOutcome
from feedback_app.privacy.anonymise import REMOVED_TEXT
from feedback_app.privacy.retention import add_months, apply_retention, dry_run
from tests.factories import make_case, make_theme
from tests.privacy.helpers import EMAIL, NAME, PHONE, database_contains, days_ago, expired_case


def theme_counts():
    return dict(db.session.execute(select(case_themes.c.theme_id, func.count()).group_by(case_themes.c.theme_id)).all())


def test_dry_run_counts_by_kind_and_changes_nothing(app):
    expired_case(published=True, theme=make_theme())
    expired_case(email="other@example.org")
    counts = dry_run()
    assert counts["published"] == 1 and counts["resolved"] == 1
    assert database_contains(EMAIL)  # still there: a dry run only counts
    assert all(isinstance(value, int) for value in counts.values())


def test_applying_removes_the_contact_everywhere_and_keeps_counts_and_entries(app):
    theme = make_theme()
    case, entry = expired_case(theme=theme, published=True)
    before_counts, reference, received_on = theme_counts(), case.reference, case.received_on
    entry_text = (entry.title, entry.you_said, entry.we_did, entry.status)

    counts = apply_retention()

    assert counts["published"] == 1
    assert database_contains(EMAIL, NAME, PHONE, "Tommy Bloggsworth") == []
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.anonymised_at is not None
    assert case.body == entry.you_said  # the published paraphrase replaces the free text
    assert (case.reference, case.received_on) == (reference, received_on)
    assert theme_counts() == before_counts
    assert (entry.title, entry.you_said, entry.we_did, entry.status) == entry_text
    assert all(note.body == REMOVED_TEXT for note in case.notes)
    assert all(message.body == REMOVED_TEXT for message in case.messages)
    inbound = db.session.scalars(select(InboundEmail).where(InboundEmail.case_id == case.id)).one()
    assert inbound.raw == b"" and inbound.attachments == []


def test_unpublished_case_text_becomes_the_fixed_removal_text_and_is_audited_by_kind(app):
    case, _ = expired_case()
    apply_retention()
    db.session.expire_all()
    assert db.session.get(Case, case.id).body == REMOVED_TEXT
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.case-anonymised")).one()
    assert event.case_id == case.id and event.after["kind"] == "resolved" and event.after["notes"] == 1
    assert event.after["audit_events_scrubbed"] >= 1
    run = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.retention-applied")).one()
    assert run.after["resolved"] == 1
    # The audit events themselves survive; only their payloads lost the contact details.
    scrubbed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.contact-changed")).one()
    assert scrubbed.after["contact_email"] == REMOVED_TEXT and PHONE not in scrubbed.after["note"]


def test_open_and_recently_closed_cases_are_kept(app):
    open_case = make_case(contact_email="open@example.org")
    recent, _ = expired_case(email="recent@example.org", closed_at=days_ago(30))
    counts = apply_retention()
    assert sum(counts.values()) == 0
    db.session.expire_all()
    assert db.session.get(Case, open_case.id).contact_email == "open@example.org"
    assert db.session.get(Case, recent.id).contact_email == "recent@example.org"


def test_excluded_closed_cases_have_their_own_period(app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_SCHEDULE", {**app.config["RETENTION_SCHEDULE"], "closed_excluded": 1})
    case, _ = expired_case(status=CaseStatus.CLOSED, closed_at=days_ago(40))
    case.reg56_topic = "vexatious"
    db.session.commit()
    assert dry_run()["closed_excluded"] == 1


def test_held_inbound_email_is_anonymised_after_three_months(app):
    def inbound(identity, received_at):
        email = InboundEmail(identity=identity, from_address="spammer@example.net", from_name="Spam", subject="Buy",
                             kind="new", outcome=InboundOutcome.HELD, raw=b"From: spammer@example.net",
                             received_at=received_at)
        db.session.add(email)
        return email

    old, new = inbound("<old@x>", days_ago(100)), inbound("<new@x>", days_ago(10))
    db.session.commit()
    assert dry_run()["held_email"] == 1
    apply_retention()
    db.session.expire_all()
    assert db.session.get(InboundEmail, old.id).raw == b""
    assert db.session.get(InboundEmail, old.id).from_address == ""
    assert db.session.get(InboundEmail, new.id).from_address == "spammer@example.net"


def test_applying_twice_does_nothing_the_second_time(app):
    expired_case()
    assert apply_retention()["resolved"] == 1
    assert sum(apply_retention().values()) == 0


def test_add_months_clamps_to_month_end():
    assert add_months(datetime(2024, 1, 31, tzinfo=timezone.utc), 1) == datetime(2024, 2, 29, tzinfo=timezone.utc)
    assert add_months(datetime(2024, 11, 5, tzinfo=timezone.utc), 24) == datetime(2026, 11, 5, tzinfo=timezone.utc)


def test_beat_runs_the_retention_task_daily(app):
    from workers import tasks

    entry = app.config["CELERY"]["beat_schedule"]["apply-retention"]
    assert entry["task"] == "privacy.apply-retention" == tasks.apply_retention.name
    expired_case()
    tasks.apply_retention()
    assert database_contains(EMAIL) == []


def test_a_merged_duplicate_is_kept_while_its_target_is_open(app):
    target = make_case(contact_email="target@example.org")
    duplicate, _ = expired_case(email="dup@example.org")
    duplicate.merged_into_id = target.id
    db.session.commit()
    assert sum(dry_run().values()) == 0
    target.status, target.closed_at = CaseStatus.CLOSED, days_ago(800)
    db.session.commit()
    counts = dry_run()
    assert counts["closed_excluded"] == 1 and counts["resolved"] == 1  # the duplicate, and the target itself


def test_command_line_dry_run_then_apply(app):
    expired_case()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "retention"])
    assert result.exit_code == 0 and "Would anonymise      1  Resolved or closed cases" in result.output
    assert database_contains(EMAIL)
    result = runner.invoke(args=["privacy", "retention", "--apply"])
    assert result.exit_code == 0 and "Anonymised      1  Resolved or closed cases" in result.output
    assert database_contains(EMAIL) == []
