"""Imports every domain's models, so SQLAlchemy's metadata (and Alembic) sees all tables."""
from feedback_app.accounts.models import PasswordResetToken, RecoveryCode, SecuritySettings, User  # noqa: F401
from feedback_app.actions.models import Action, PartnerLink  # noqa: F401
from feedback_app.audit.models import AuditEvent  # noqa: F401
from feedback_app.cases.models import Case, CaseLink, CaseNote, ClockStop, ReminderSent, ResponseTemplate  # noqa: F401
from feedback_app.directory.models import Service, Theme  # noqa: F401
from feedback_app.intake.models import Attachment, CaseMessage, InboundEmail  # noqa: F401
from feedback_app.outbox.models import OutboundEmail  # noqa: F401
from feedback_app.publishing.models import Entry, EntryNotice, IdentifierFinding  # noqa: F401
from feedback_app.privacy.models import PrivacyRequest, RetentionRun  # noqa: F401
from feedback_app.reports.models import ReportBuild, ReportText  # noqa: F401
