"""The two WSGI apps the intake benchmark runs under gunicorn: the real app, and a one-INSERT Flask app.

Both read BENCH_APP_DATABASE_URL from the environment; gunicorn imports them as factories
(`_intake_apps:real_app()`, `_intake_apps:baseline_app()`) with bench/ on its Python path.
"""
import gc
import os

import _common


def real_app():
    from feedback_app import create_app

    app = create_app(_common.bench_config(os.environ["BENCH_APP_DATABASE_URL"]))
    gc.freeze()  # as wsgi.py does in production: start-up's objects out of the collector's reach
    return app


def baseline_app():
    """The limit: Flask, a pooled SQLAlchemy engine on the same database, one INSERT and commit per POST."""
    from flask import Flask, redirect, request
    from sqlalchemy import create_engine, text

    engine = create_engine(_common.sqlalchemy_url(os.environ["BENCH_APP_DATABASE_URL"]), pool_pre_ping=True)
    app = Flask("baseline")
    gc.freeze()  # the same as the real app, so the two differ only in what a request does

    @app.post("/submit")
    def submit():
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO bench_baseline (body) VALUES (:body)"),
                               {"body": request.form.get("body", "")})
        return redirect("/sent")

    return app
