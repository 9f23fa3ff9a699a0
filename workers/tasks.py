"""Celery tasks: thin, named wrappers over service functions, each safe to run twice."""
from celery import shared_task

from feedback_app.outbox import services as outbox


@shared_task(name="outbox.send-email", bind=True, max_retries=5)
def send_email(self, email_id):
    try:
        return outbox.send_email(email_id)
    except Exception as error:
        # Exponential backoff: 30 s, 1 min, 2 min… then the beat sweep keeps trying until MAX_ATTEMPTS.
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


@shared_task(name="outbox.send-emails")
def send_emails(email_ids):
    # One publish for a batch committed together (inbound email); each is then sent, and retried, on its own.
    for email_id in email_ids:
        send_email.delay(email_id)


@shared_task(name="outbox.send-pending")
def send_pending_email():
    for email_id in outbox.list_pending_email_ids():
        send_email.delay(email_id)


@shared_task(name="outbox.requeue-stale")
def requeue_stale_email():
    return outbox.requeue_stale_claims()


@shared_task(name="intake.poll-mailbox")
def poll_mailbox():
    # Safe to run twice: each message is taken once by its identity, and moved only after its commit.
    from feedback_app.intake import mailbox

    return mailbox.poll_mailbox()


@shared_task(name="cases.send-overdue-reminders")
def send_overdue_reminders():
    from feedback_app.cases.reminders import send_overdue_reminders as send

    return send()


@shared_task(name="actions.chase-overdue")
def chase_overdue_actions():
    # Safe to run twice: each action is chased once per due date (a ReminderSent row decides).
    from feedback_app.actions.services import chase_overdue_actions as chase

    return chase()


@shared_task(name="reports.build")
def build_annual_report(build_id):
    # Safe to run twice: a build already ready or failed is left alone.
    from feedback_app.reports.build import build_annual_report as build

    return str(build(build_id))


@shared_task(name="privacy.apply-retention")
def apply_retention():
    # Safe to run twice: what is already anonymised is skipped (anonymised_at is set).
    from feedback_app.privacy.retention import apply_retention as apply

    return apply()
