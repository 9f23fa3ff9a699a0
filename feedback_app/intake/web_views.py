"""Web intake views: the public feedback form, its young people's version, directory links and staff entry."""
import logging
from datetime import date
from hmac import compare_digest
from itertools import groupby

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from feedback_app.cases.models import Channel, Reg56Topic, ReplyPreference, SubmitterRole
from feedback_app.common.auth import team_required
from feedback_app.directory.models import ThemeFacet
from feedback_app.extensions import limiter
from feedback_app.intake import bp
from feedback_app.intake import web_journey as journey
from feedback_app.intake.directory_links import allowed_directory_url, clean_service_name
from feedback_app.intake.web_forms import (
    CONSENT_LABELS, FEEDBACK_MAX_LENGTH, REPLY_LABELS, ROLE_LABELS, STAFF_CHANNELS, STAFF_FEEDBACK_MAX_LENGTH,
    TOPIC_LABELS, TOPIC_UNDECIDED, YES, CheckAnswersForm, StaffFeedbackForm,
)
from feedback_app.intake.web_services import (
    council_today, directory_preset_theme_slugs, get_themes_by_slug, list_active_themes, list_public_themes,
    record_staff_feedback, submit_feedback,
)

log = logging.getLogger(__name__)

FACET_LABELS = {
    ThemeFacet.SERVICE_AREA: "Area of support",
    ThemeFacet.WEBSITE: "About the website or directory",
    ThemeFacet.KIND: "Kind of feedback",
}


def _submission_limit():
    return current_app.config["RATELIMIT_SUBMISSIONS"]


# --- Starting: the form, the young people's form, and a directory page's link ------------------

@bp.get("/feedback", defaults={"voice": "adult"}, endpoint="start")
@bp.get("/feedback/young-people", defaults={"voice": "young"}, endpoint="start")
def start(voice):
    journey.start(voice)
    return _go_to("your-feedback", voice)


@bp.get("/feedback/page")
def directory_page():
    """ "Is this information correct?" from a directory page: an address not on our list is dropped unseen."""
    page_url = allowed_directory_url(request.args.get("url", ""), current_app.config["DIRECTORY_HOSTS"])
    if not page_url:
        journey.start("adult")
    else:
        journey.start(
            "adult",
            channel=str(Channel.DIRECTORY_PAGE),
            page_url=page_url,
            service=clean_service_name(request.args.get("service", "")),
            topic=str(Reg56Topic.ACCESSIBILITY),
            preset_themes=directory_preset_theme_slugs(),
        )
    return _go_to("your-feedback", "adult")


# --- The question pages ----------------------------------------------------------------------

# Only the question slugs match, so a wrong method on /feedback/sent is a 405, not a missing question.
_STEP = "<any(" + ", ".join(f'"{slug}"' for slug in journey.STEP_ORDER) + "):step>"


@bp.route(f"/feedback/{_STEP}", methods=["GET", "POST"], defaults={"voice": "adult"}, endpoint="question")
@bp.route(f"/feedback/young-people/{_STEP}", methods=["GET", "POST"], defaults={"voice": "young"},
          endpoint="question")
def question(step, voice):
    draft = journey.current_draft()
    if draft is None and journey.receipt() is not None:
        # The back button after sending: show what happened rather than an empty form.
        return redirect(url_for("intake.sent", voice=voice))
    draft = draft or journey.start(voice)
    themes = list_public_themes()
    has_themes = bool(themes)
    missing = journey.first_unanswered(draft, has_themes, before=step)
    if missing:
        return _go_to(missing, voice)
    if not journey.applies(step, draft, has_themes):
        return _go_on(draft, voice, has_themes)

    form_class, template, _answer = journey.STEPS[step]
    options = {"theme_choices": [theme.slug for theme in themes]} if step == "themes" else {}
    if request.method == "POST":
        form = form_class(**options)
        if form.validate():
            if getattr(form, "caught_a_bot", False):
                journey.mark_suspected_bot(draft)
                draft = journey.current_draft()
            if journey.save_answers(draft, form.answers()):
                return _go_on(journey.current_draft(), voice, has_themes)
            _too_long_to_keep(form)
    else:
        form = form_class(data=form_class.initial(draft), **options)

    previous = journey.previous_step(step, draft, has_themes)
    return render_template(
        template,
        form=form,
        voice=voice,
        draft=draft,
        themes=themes,
        back_url=_step_url(previous, voice) if previous else url_for("pages.home"),
        feedback_max_length=FEEDBACK_MAX_LENGTH,
        topic_labels=TOPIC_LABELS[voice],
        role_labels=ROLE_LABELS[voice],
        reply_labels=REPLY_LABELS[voice],
        consent_labels=CONSENT_LABELS[voice],
    ), (400 if form.errors else 200)


def _too_long_to_keep(form):
    """The session cookie is full: say so on the page, in words a family can act on."""
    contact = current_app.config["CONTACT_EMAIL"]
    if "feedback" in form:
        message = f"Your feedback is too long to send with this form. Shorten it, or email it to {contact}"
    else:
        message = "Your answer is too long. Shorten it, or shorten your feedback"
    first_field = next(field for field in form if field.name not in ("csrf_token", "website"))
    first_field.errors = [*first_field.errors, message]


# --- Check your answers, the one POST that makes a case, and the confirmation -------------------

@bp.route("/feedback/check-your-answers", methods=["GET", "POST"], defaults={"voice": "adult"},
          endpoint="check_answers")
@bp.route("/feedback/young-people/check-your-answers", methods=["GET", "POST"], defaults={"voice": "young"},
          endpoint="check_answers")
@limiter.limit(_submission_limit, methods=["POST"])
def check_answers(voice):
    form = CheckAnswersForm()
    draft = journey.current_draft()
    sent = journey.receipt()
    posted_token = (form.token.data or "") if request.method == "POST" else ""
    if sent and (draft is None or _same(posted_token, sent["token"])):
        # Sent already (a refresh, a second click, the back button): the same confirmation, no second case.
        return redirect(url_for("intake.sent", voice=voice))
    if draft is None:
        if request.method == "POST":
            flash("We could not find your answers. This can happen if the form was left open for a long "
                  "time. Please start again.", "important")
        return redirect(url_for("intake.start", voice=voice))

    active_themes = list_active_themes()  # one query for both: the public choices and the draft's slugs
    themes = [theme for theme in active_themes if theme.facet == ThemeFacet.SERVICE_AREA]
    missing = journey.first_unanswered(draft, bool(themes))
    if missing:
        return _go_to(missing, voice)

    if request.method == "POST" and form.validate():
        if not _same(posted_token, draft["token"]):  # a page from an earlier visit: show these answers again
            return redirect(url_for("intake.check_answers", voice=voice))
        if form.caught_a_bot or draft.get("bot"):
            # A person never sees the hidden field: keep nothing, look as if all went well.
            log.info("intake: hidden field filled on the feedback form; submission discarded")
            journey.finish(draft, None)
        else:
            case = submit_feedback(**_submission(draft, voice), active_themes=active_themes)
            journey.finish(draft, case)
        return redirect(url_for("intake.sent", voice=voice))

    form.token.data = draft["token"]
    return render_template(
        "intake/check-your-answers.html",
        form=form,
        voice=voice,
        draft=draft,
        rows=_answer_rows(draft, voice, bool(themes)),
        back_url=_step_url(journey.previous_step(None, draft, bool(themes)), voice),
    )


@bp.get("/feedback/sent", defaults={"voice": "adult"}, endpoint="sent")
@bp.get("/feedback/young-people/sent", defaults={"voice": "young"}, endpoint="sent")
def sent(voice):
    receipt = journey.receipt()
    if receipt is None:
        return redirect(url_for("intake.start", voice=voice))
    config = current_app.config
    return render_template(
        "intake/feedback-sent.html",
        voice=voice,
        receipt=receipt,
        respond_by=date.fromisoformat(receipt["respond_by"]) if receipt.get("respond_by") else None,
        working_days=config["RESPOND_WORKING_DAYS"],
        complaints_url=config.get("COMPLAINTS_URL", ""),
        sendiass_url=config.get("SENDIASS_URL", ""),
    )


def _same(posted, expected):
    return bool(posted) and compare_digest(posted.encode(), str(expected).encode())


def _submission(draft, voice):
    """The draft as the plain arguments submit_feedback takes."""
    return {
        "body": draft["body"],
        "reg56_topic": draft["topic"],
        "submitter_role": draft["role"],
        "on_behalf_of": draft.get("on_behalf_of", ""),
        "theme_slugs": [*draft.get("themes", []), *draft.get("preset_themes", [])],
        "reply_preference": draft["reply"],
        "contact_name": draft.get("name", ""),
        "contact_email": draft.get("email", ""),
        "contact_phone": draft.get("phone", ""),
        "consent_publish": draft.get("consent") == YES,
        "channel": draft.get("channel", str(Channel.WEB)),
        "page_url": draft.get("page_url", ""),
        "directory_service": draft.get("service", ""),
        "form": "young people" if voice == "young" else "web",
    }


def _answer_rows(draft, voice, has_themes):
    """The summary list on "Check your answers", each row with a Change link back to its question."""
    young = voice == "young"

    def row(key, value, step, hidden):
        value = {"html": value} if isinstance(value, Markup) else {"text": value}
        return {
            "key": {"text": key},
            "value": value,
            "actions": {"items": [{"href": _step_url(step, voice), "text": "Change", "visuallyHiddenText": hidden}]},
        }

    rows = []
    if draft.get("page_url"):
        page = draft["service"] + "\n" + draft["page_url"] if draft.get("service") else draft["page_url"]
        rows.append({"key": {"text": "Page"}, "value": {"html": _lines(page)}})
    rows.append(row("What you told us" if young else "Your feedback", _lines(draft["body"]), "your-feedback",
                    "your feedback"))
    rows.append(row("What it is about", TOPIC_LABELS[voice].get(draft["topic"], ""), "what-it-is-about",
                    "what your feedback is about"))
    rows.append(row("Who you are" if young else "Who is giving it", ROLE_LABELS[voice].get(draft["role"], ""),
                    "who-you-are", "who is giving the feedback"))
    if journey.applies("who-for", draft, has_themes):
        rows.append(row("Telling us for" if young else "Giving feedback for", draft.get("on_behalf_of", ""),
                        "who-for", "who the feedback is for"))
    if has_themes:
        names = [theme.name for theme in get_themes_by_slug(draft.get("themes", []))]
        rows.append(row("Areas of support", _lines("\n".join(names)) if names else "None chosen", "themes",
                        "areas of support"))
    rows.append(row("Reply", REPLY_LABELS[voice].get(draft["reply"], ""), "reply", "if you want a reply"))
    contact_step = {ReplyPreference.EMAIL: "email-address", ReplyPreference.PHONE: "phone-number"}.get(draft["reply"])
    if contact_step == "email-address":
        rows.append(row("Email address", draft.get("email", ""), contact_step, "your email address"))
    if contact_step == "phone-number":
        rows.append(row("Phone number", draft.get("phone", ""), contact_step, "your phone number"))
    if contact_step and draft.get("name"):
        rows.append(row("Your name", draft["name"], contact_step, "your name"))
    if journey.applies("publishing", draft, has_themes):
        label = "Share what you said" if young else "Publish a summary"
        rows.append(row(label, "Yes" if draft.get("consent") == YES else "No", "publishing",
                        "if we can publish a summary"))
    return rows


def _lines(text):
    return Markup("<br>").join(text.split("\n"))


def _step_url(step, voice):
    return url_for("intake.question", step=step, voice=voice)


def _go_to(step, voice):
    return redirect(_step_url(step, voice))


def _go_on(draft, voice, has_themes):
    """The next question still to answer; "Check your answers" once there is none."""
    step = journey.first_unanswered(draft, has_themes)
    return _go_to(step, voice) if step else redirect(url_for("intake.check_answers", voice=voice))


# --- Staff entry -------------------------------------------------------------------------------

@bp.route("/intake/record", methods=["GET", "POST"])
@team_required
def record_feedback():
    """The team records feedback taken by phone, at an event, by letter, from the forum or by email."""
    themes = list_active_themes()
    today = council_today()
    options = {"theme_choices": [theme.slug for theme in themes], "today": today}
    if request.method == "POST":
        form = StaffFeedbackForm(**options)
        if form.validate():
            case = record_staff_feedback(recorded_by=current_user._get_current_object(), **form.record_arguments())
            flash(f"Feedback recorded as {case.reference}", "success")
            return redirect(url_for("accounts.home"))
    else:
        form = StaffFeedbackForm(data={"received_on": today}, **options)
    theme_groups = [
        (FACET_LABELS.get(facet, str(facet).replace("_", " ").capitalize()), list(group))
        for facet, group in groupby(sorted(themes, key=lambda theme: _facet_order(theme.facet)),
                                    key=lambda theme: theme.facet)
    ]
    return render_template(
        "intake/record-feedback.html",
        form=form,
        channels=STAFF_CHANNELS,
        theme_groups=theme_groups,
        roles=list(SubmitterRole),
        topics=list(Reg56Topic),
        topic_undecided=TOPIC_UNDECIDED,
        feedback_max_length=STAFF_FEEDBACK_MAX_LENGTH,
    ), (400 if form.errors else 200)


def _facet_order(facet):
    order = list(FACET_LABELS)
    return order.index(facet) if facet in order else len(order)
