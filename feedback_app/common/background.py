"""Starting background work by task name, without importing the workers package."""
import logging

from flask import current_app

log = logging.getLogger(__name__)


def enqueue(task_name, *args):
    """Send a task; if the broker is down, log it: the beat sweep picks the work up later."""
    celery = current_app.extensions["celery"]
    try:
        celery.tasks[task_name].delay(*args)
    except Exception:
        log.warning("could not enqueue %s%r; the periodic sweep will retry", task_name, args, exc_info=True)
        return False
    return True
