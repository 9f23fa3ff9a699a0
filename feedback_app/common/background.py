"""Starting background work by task name, without importing the workers package."""
import logging

from flask import current_app

log = logging.getLogger(__name__)
# Best effort, after the commit: a person is waiting for the page, and the beat sweep is the safety net.
# Celery's default publish retry (3 retries, 0.2 s apart, each reconnecting) made a submission take
# ~0.9 s (up to 1.7 s) with Redis down, ~0.2 s with this; one quick retry still covers a transient blip.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}


def enqueue(task_name, *args):
    """Send a task; if the broker is down, log it: the beat sweep picks the work up later."""
    celery = current_app.extensions["celery"]
    try:
        celery.tasks[task_name].apply_async(args, retry_policy=PUBLISH_RETRY)
    except Exception:
        log.warning("could not enqueue %s%r; the periodic sweep will retry", task_name, args, exc_info=True)
        return False
    return True
