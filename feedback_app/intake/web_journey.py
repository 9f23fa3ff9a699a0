"""The public feedback journey: its question pages, the answers kept between them, and where to go next.

Answers live in the Flask session until the final "Send feedback", which is the only thing that
creates a case. Flask's session is a signed cookie, and browsers drop cookies over 4 KB without a
word, so every save is measured first and refused with a readable error rather than lost.
"""
import secrets

from flask import current_app, session

from feedback_app.cases.models import Channel, Reg56Topic, ReplyPreference, SubmitterRole
from feedback_app.intake import web_forms

DRAFT_KEY = "feedback_draft"
RECEIPT_KEY = "feedback_sent"

# slug: (form class, template, whether the draft holds its answer). Follow-up questions have pages
# of their own rather than conditional reveals: GOV.UK Frontend marks those with aria-expanded on a
# radio, which is invalid ARIA (axe flags it), and the Design System advises a page for anything more.
STEPS = {
    "your-feedback": (web_forms.FeedbackForm, "intake/your-feedback.html", lambda draft: "body" in draft),
    "what-it-is-about": (web_forms.TopicForm, "intake/what-it-is-about.html", lambda draft: "topic" in draft),
    "who-you-are": (web_forms.RoleForm, "intake/who-you-are.html", lambda draft: "role" in draft),
    "who-for": (web_forms.OnBehalfForm, "intake/who-for.html", lambda draft: bool(draft.get("on_behalf_of"))),
    "themes": (web_forms.ThemesForm, "intake/themes.html", lambda draft: "themes" in draft),
    "reply": (web_forms.ReplyForm, "intake/reply.html", lambda draft: "reply" in draft),
    "email-address": (web_forms.EmailForm, "intake/email-address.html", lambda draft: bool(draft.get("email"))),
    "phone-number": (web_forms.PhoneForm, "intake/phone-number.html", lambda draft: bool(draft.get("phone"))),
    "publishing": (web_forms.ConsentForm, "intake/publishing.html", lambda draft: "consent" in draft),
}
STEP_ORDER = list(STEPS)

# werkzeug's dump_cookie warns, and browsers give up, above 4093 bytes for the whole Set-Cookie value.
COOKIE_LIMIT = 4093
COOKIE_ATTRIBUTES = 120  # "session=", Path, HttpOnly, Secure, SameSite
# Room kept, when the feedback is saved, for the typical size of the answers still to come; a later
# answer that still does not fit gets its own readable error on its own page.
LATER_ANSWERS_RESERVE = {"on_behalf_of": 100, "themes": 150, "email": 150, "phone": 30, "name": 100, "consent": 20}


def start(voice, **preset):
    """A fresh draft: any unsent answers and any earlier receipt go (a shared computer shows nothing old)."""
    session.pop(RECEIPT_KEY, None)
    draft = {"voice": voice, "channel": str(Channel.WEB), "token": secrets.token_urlsafe(16), **preset}
    session[DRAFT_KEY] = draft
    return draft


def current_draft():
    draft = session.get(DRAFT_KEY)
    return draft if isinstance(draft, dict) and draft.get("token") else None


def applies(step, draft, has_themes):
    if step == "who-for":
        return draft.get("role") == SubmitterRole.ON_BEHALF
    if step == "email-address":
        return draft.get("reply") == ReplyPreference.EMAIL
    if step == "phone-number":
        return draft.get("reply") == ReplyPreference.PHONE
    if step == "themes":
        return has_themes
    if step == "publishing":  # not published whatever they say: it goes to the casework route
        return draft.get("topic") != Reg56Topic.INDIVIDUAL_CASE
    return True


def is_answered(step, draft):
    return STEPS[step][2](draft)


def first_unanswered(draft, has_themes, before=None):
    """The first question still to answer (only those before `before`, when given); None when none."""
    for step in STEP_ORDER:
        if step == before:
            return None
        if applies(step, draft, has_themes) and not is_answered(step, draft):
            return step
    return None


def previous_step(step, draft, has_themes):
    """The question before `step` (before "Check your answers" when `step` is None); None for the first."""
    end = STEP_ORDER.index(step) if step else len(STEP_ORDER)
    earlier = [slug for slug in STEP_ORDER[:end] if applies(slug, draft, has_themes)]
    return earlier[-1] if earlier else None


def save_answers(draft, answers):
    """Add `answers` to the draft if the session cookie can still hold it; False when it cannot."""
    updated = {**draft, **answers}
    reserve = 0
    if "body" in answers:
        reserve = sum(size for key, size in LATER_ANSWERS_RESERVE.items() if key not in updated)
    if not _fits({**session, DRAFT_KEY: updated}, reserve):
        return False
    session[DRAFT_KEY] = updated
    return True


def mark_suspected_bot(draft):
    session[DRAFT_KEY] = {**draft, "bot": True}


def finish(draft, case):
    """After the commit: the answers go, and only what the confirmation page needs is kept."""
    session.pop(DRAFT_KEY, None)
    session[RECEIPT_KEY] = {
        "token": draft["token"],
        "reference": case.reference if case is not None else "",
        "respond_by": case.respond_by.isoformat() if case is not None else "",
        "excluded": bool(case is not None and case.is_excluded),
        "emailed": bool(case is not None and case.contact_email),
        "reply": draft.get("reply", ""),
    }


def receipt():
    value = session.get(RECEIPT_KEY)
    return value if isinstance(value, dict) and "token" in value else None


def _fits(candidate, reserve):
    interface = current_app.session_interface
    get_serializer = getattr(interface, "get_signing_serializer", None)
    serializer = get_serializer(current_app) if get_serializer else None
    if serializer is None:  # a server-side session store has no cookie to outgrow
        return True
    return len(serializer.dumps(dict(candidate))) + reserve + COOKIE_ATTRIBUTES <= COOKIE_LIMIT
