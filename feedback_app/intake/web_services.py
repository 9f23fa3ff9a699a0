"""Web and staff intake: feedback becomes a case in one transaction, with its acknowledgement queued."""
from sqlalchemy import select

from feedback_app.audit.services import record_event
from feedback_app.cases.models import Channel, Reg56Topic
from feedback_app.cases.services import open_case
from feedback_app.common.working_days import council_today
from feedback_app.directory.models import Theme, ThemeFacet
from feedback_app.extensions import db
from feedback_app.intake.acknowledgements import queue_acknowledgement

SIGNPOSTED_REASON = "Signposted to the complaints and casework route at submission"
# Staff choosing an exclusion at entry: recorded, counted and closed; triage can re-open it.
STAFF_EXCLUDED_REASONS = {
    Reg56Topic.INDIVIDUAL_CASE: "About an individual's own support: signposted to the complaints and casework route",
    Reg56Topic.VEXATIOUS: "Recorded as vexatious or abusive at entry",
    Reg56Topic.NOT_LOCAL_OFFER: "Not about the Local Offer",
}
DIRECTORY_ACCURACY_THEME = "directory_accuracy"


def submit_feedback(*, body, reg56_topic, submitter_role, reply_preference, consent_publish, on_behalf_of="",
                    theme_slugs=(), contact_name="", contact_email="", contact_phone="", channel=Channel.WEB,
                    page_url="", directory_service="", form="web", active_themes=None):
    """A family's feedback from the public form: the case, its audit trail and acknowledgement, one commit.

    Feedback about a child's own support is recorded and counted, but closed as excluded: it
    belongs to the complaints and casework route, which the confirmation page signposts.
    `active_themes`: every active theme, when the caller has just read them (saves a query).
    """
    reg56_topic = Reg56Topic(reg56_topic)
    individual = reg56_topic == Reg56Topic.INDIVIDUAL_CASE
    return _record(
        actor=None,
        actor_label="directory page link" if channel == Channel.DIRECTORY_PAGE else "public web form",
        channel=Channel(channel),
        received_on=council_today(),
        body=body,
        reg56_topic=reg56_topic,
        excluded_reason=SIGNPOSTED_REASON if individual else "",
        submitter_role=submitter_role,
        on_behalf_of=on_behalf_of,
        theme_slugs=theme_slugs,
        active_themes=active_themes,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        reply_preference=reply_preference,
        consent_publish=bool(consent_publish) and not individual,
        page_url=page_url,
        intake_details={"form": form, "directory_service": directory_service} if directory_service
        else {"form": form},
    )


def record_staff_feedback(*, recorded_by, channel, received_on, body, submitter_role, reply_preference,
                          consent_publish, reg56_topic=None, on_behalf_of="", theme_slugs=(), contact_name="",
                          contact_email="", contact_phone=""):
    """Feedback the team took by phone, at an event, by letter or from the forum; deadlines run from `received_on`."""
    reg56_topic = Reg56Topic(reg56_topic) if reg56_topic else None
    return _record(
        actor=recorded_by,
        actor_label="",
        channel=Channel(channel),
        received_on=received_on,
        body=body,
        reg56_topic=reg56_topic,
        excluded_reason=STAFF_EXCLUDED_REASONS.get(reg56_topic, ""),
        submitter_role=submitter_role,
        on_behalf_of=on_behalf_of,
        theme_slugs=theme_slugs,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        reply_preference=reply_preference,
        consent_publish=bool(consent_publish),
        page_url="",
        intake_details={"form": "staff entry"},
        created_by_id=recorded_by.id,
    )


def _record(*, actor, actor_label, channel, received_on, theme_slugs, intake_details, active_themes=None,
            **fields):
    themes = get_themes_by_slug(theme_slugs) if active_themes is None else themes_by_slug(active_themes, theme_slugs)
    try:
        case = open_case(channel=channel, received_on=received_on, themes=themes, actor=actor,
                         actor_label=actor_label, **fields)
        # Who, how and about what – never the words or contact details, which stay on the case.
        record_event(
            "intake.received", subject=case, case=case, actor=actor, actor_label=actor_label,
            after={
                **intake_details,
                "channel": str(channel),
                "submitter_role": str(fields["submitter_role"]),
                "reg56_topic": str(fields["reg56_topic"]) if fields["reg56_topic"] else None,
                "themes": [theme.slug for theme in themes],
                "reply_preference": str(fields["reply_preference"]),
                "consent_publish": fields["consent_publish"],
                "page_url": fields["page_url"],
            },
        )
        queue_acknowledgement(case)  # only when they gave an email address; sent after the commit
        commit_keeping_state()
    except Exception:
        db.session.rollback()
        raise
    return case


# --- Reads for the forms ---------------------------------------------------------------------

def list_active_themes(facets=None):
    query = select(Theme).where(Theme.active.is_(True)).order_by(Theme.position, Theme.name)
    if facets is not None:
        query = query.where(Theme.facet.in_([str(facet) for facet in facets]))
    return db.session.scalars(query).all()


def list_public_themes():
    """The themes a family may choose from: the service areas."""
    return list_active_themes(facets=[ThemeFacet.SERVICE_AREA])


def commit_keeping_state():
    """Commit without expiring what was just written: the confirmation reads the case's reference and
    deadline next, and re-reading a row this request has just inserted would cost a query for nothing."""
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def themes_by_slug(themes, slugs):
    """get_themes_by_slug over themes already read (active, in order), without another query."""
    wanted = {slug for slug in slugs if isinstance(slug, str)}
    return [theme for theme in themes if theme.slug in wanted and theme.active]


def get_themes_by_slug(slugs):
    slugs = [slug for slug in slugs if isinstance(slug, str)]
    if not slugs:
        return []
    return db.session.scalars(
        select(Theme).where(Theme.slug.in_(slugs), Theme.active.is_(True)).order_by(Theme.position, Theme.name)
    ).all()


def directory_preset_theme_slugs():
    """The "out of date or wrong information" theme for directory-page feedback, when the council has it."""
    return [theme.slug for theme in get_themes_by_slug([DIRECTORY_ACCURACY_THEME])]
