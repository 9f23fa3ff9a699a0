"""The one place that decides who may use a route."""
from functools import wraps

from flask import abort
from flask_login import current_user

from feedback_app.accounts.models import Role
from feedback_app.extensions import login_manager

TEAM_ROLES = (Role.TEAM, Role.ADMIN)
STAFF_ROLES = (Role.TEAM, Role.ADMIN, Role.SERVICE_LEAD)


def roles_required(*roles):
    """Anonymous people are sent to sign in; signed-in people without the role get a 403."""
    allowed = {Role(role) for role in roles}

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


team_required = roles_required(*TEAM_ROLES)
staff_required = roles_required(*STAFF_ROLES)
admin_required = roles_required(Role.ADMIN)
