"""GET /healthz: is the database (and, in production, Redis) answering?"""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from feedback_app.extensions import db

bp = Blueprint("health", __name__)


def _check_database():
    db.session.execute(text("SELECT 1"))
    return "ok"


def _check_redis(url):
    import redis

    redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    return "ok"


@bp.route("/healthz")
def healthz():
    checks = {"database": _check_database}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = lambda: _check_redis(current_app.config["REDIS_URL"])
    results = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as error:
            results[name] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in results.values())
    return jsonify(status="ok" if healthy else "error", checks=results), (200 if healthy else 503)
