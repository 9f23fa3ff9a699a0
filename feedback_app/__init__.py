"""The "You Said, We Did" application: create_app() builds it for a configuration."""
import logging
from importlib import import_module

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, INSTANCE_DIR, config_from_environment
from feedback_app.extensions import celery_init_app, csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = str(BASE_DIR / "migrations")


def create_app(config_class=None):
    config_class = config_class or config_from_environment()
    config_class.check()

    app = Flask(__name__, instance_path=str(INSTANCE_DIR), static_folder=None)
    app.config.from_object(config_class)
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO)

    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _init_extensions(app):
    from feedback_app import models  # noqa: F401  (every model known to SQLAlchemy and Alembic)
    from feedback_app.frontend import init_frontend
    from feedback_app.accounts.sessions import init_account_security
    from feedback_app.common.request_guards import init_request_guards
    from feedback_app.security_headers import init_security_headers

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "important"
    login_manager.session_protection = "strong"
    celery_init_app(app)
    import workers.tasks  # noqa: F401  (registers the tasks, so eager mode can run them by name)

    init_request_guards(app)
    init_frontend(app)
    init_security_headers(app)
    init_account_security(app)


@login_manager.user_loader
def _load_user(user_id):
    from feedback_app.accounts.models import User

    return db.session.get(User, int(user_id))


# The modules that attach routes to the blueprints. Imported here, not by the packages themselves,
# so that importing a package's models never drags in views (and their imports) in a cycle.
VIEW_MODULES = (
    "pages.views", "accounts.views", "accounts.two_factor_views", "accounts.password_views",
    "intake.web_views", "intake.email_views", "cases.views",
    "cases.triage_views", "admin.views", "actions.views", "actions.partner_views", "publishing.views",
    "publishing.public_views", "reports.views", "privacy.views",
)


def _register_blueprints(app):
    from feedback_app.accounts import bp as accounts_bp
    from feedback_app.actions import bp as actions_bp
    from feedback_app.admin import bp as admin_bp
    from feedback_app.cases import bp as cases_bp
    from feedback_app.health import bp as health_bp
    from feedback_app.intake import bp as intake_bp
    from feedback_app.pages import pages_bp
    from feedback_app.privacy import bp as privacy_bp
    from feedback_app.publishing import bp as publishing_bp
    from feedback_app.reports import bp as reports_bp

    for module in VIEW_MODULES:
        import_module(f"feedback_app.{module}")
    for blueprint in (pages_bp, accounts_bp, health_bp, intake_bp, cases_bp, admin_bp, actions_bp, publishing_bp,
                      reports_bp, privacy_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(health_bp)


def _register_commands(app):
    from feedback_app.accounts.cli import users_cli
    from feedback_app.demo.cli import demo_data_command
    from feedback_app.intake.email_cli import intake_cli
    from feedback_app.privacy.cli import privacy_cli
    from feedback_app.reports.cli import report_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(intake_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(report_cli)
    app.cli.add_command(privacy_cli)
