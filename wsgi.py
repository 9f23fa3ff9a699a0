"""WSGI entry point: `gunicorn wsgi:app`, and `flask --app wsgi ...` for the command line."""
import gc

from feedback_app import create_app

app = create_app()
# What start-up made (modules, mappers, compiled templates) lives as long as the process: frozen out
# of the collector's reach, so a full collection no longer walks ~160,000 objects in the middle of a
# request (10-30 ms each; bench/README.md), and forked workers keep sharing those pages.
gc.freeze()
