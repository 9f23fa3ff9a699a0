"""Case work pages: classify, route, the clock, replies, notes, resolve, close, re-open, duplicates, split, bulk."""
from flask import abort, flash, redirect, render_template, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from feedback_app.accounts.models import Role, User
from feedback_app.cases import bp
from feedback_app.cases import merge_services as merging
from feedback_app.cases import triage_services as triage
from feedback_app.cases.bulk_services import BULK_ACTIONS, bulk_apply
from feedback_app.cases.models import Case, CaseStatus, ClockStopReason, Reg56Topic, ReplyPreference, ResponseTemplate
from feedback_app.cases.permissions import get_visible_case, may_see_contact_details, may_triage, visible_cases
from feedback_app.cases.triage_emails import fill_placeholders, format_date, placeholder_values
from feedback_app.cases.triage_forms import (
    BULK_TITLES,
    AssignForm,
    BulkForm,
    ClassifyForm,
    CloseForm,
    DuplicateForm,
    NoteForm,
    ReopenForm,
    ReplyForm,
    ResolveForm,
    RestartClockForm,
    SplitForm,
    StopClockForm,
    TemplateChoiceForm,
    UnmergeForm,
)
from feedback_app.common.auth import staff_required
from feedback_app.directory.models import Service, Theme
from feedback_app.extensions import db

SUGGESTIONS = 5


# --- Helpers ---------------------------------------------------------------------------------

def _load(reference, *, triage_only):
    """The case if this person may see it (404 otherwise); triage pages also need the team (403)."""
    case = get_visible_case(current_user, reference)
    if triage_only and not may_triage(current_user):
        abort(403)
    return case


def case_path(case):
    return f"{request.script_root}/cases/{case.reference}"


def _render(page, case, form, **context):
    html = render_template(f"cases/triage/{page}.html", case=case, form=form, back_url=case_path(case),
                           summary_rows=_summary_rows(case), show_contact=may_see_contact_details(current_user),
                           is_open=case.status in triage.OPEN_STATUSES, status=CaseStatus(case.status).label.lower(),
                           **context)
    return html, (400 if form.errors else 200)


def _summary_rows(case):
    """The case as it is now, beside every form: what a person checks before (and after) a stale form."""
    status = CaseStatus(case.status).label
    if case.merged_into is not None:
        status = f"{status} (merged into {case.merged_into.reference})"
    clock = (f"Stopped since {format_date(case.clock_stopped_on)}" if case.clock_stopped_on else "Running")
    rows = [
        ("Status", status),
        ("Received", format_date(case.received_on)),
        ("Respond by", format_date(case.respond_by)),
        ("Clock", clock),
        ("Topic", Reg56Topic(case.reg56_topic).label if case.reg56_topic else "Not classified yet"),
        ("Themes", ", ".join(theme.name for theme in case.themes) or "None yet"),
        ("Services", ", ".join(service.name for service in case.services) or "Not sent to a service yet"),
        ("Owner", (case.assignee.name or case.assignee.email) if case.assignee is not None else "No one yet"),
    ]
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


def _done(case, message):
    flash(message, "success")
    return redirect(case_path(case))


def _version(form):
    # A form posted without its version cannot prove it is fresh: 0 never matches a case.
    return form.version.data or "0"


REFUSED = object()


def _attempt(form, case, change, *args, **kwargs):
    """Run one service change; a refusal becomes the form's error, and the form takes the current version
    (the page shows the case as it is now, so a second press is a deliberate one)."""
    try:
        return change(*args, **kwargs)
    except triage.CaseWorkError as error:
        db.session.rollback()
        form.show_error(error.message)
        form.version.data = case.version
        return REFUSED


def _themes_for(case=None):
    """Active themes, and any retired theme the case still has, in taxonomy order."""
    held = [theme.id for theme in case.themes] if case is not None else []
    return db.session.scalars(
        select(Theme).where(or_(Theme.active.is_(True), Theme.id.in_(held))).order_by(Theme.position, Theme.name)
    ).all()


def _chosen(model, ids):
    ids = list(ids or [])
    if not ids:
        return []
    found = {item.id: item for item in db.session.scalars(select(model).where(model.id.in_(ids)))}
    return [found[item_id] for item_id in ids if item_id in found]


def _services_for(case=None):
    held = [service.id for service in case.services] if case is not None else []
    return db.session.scalars(
        select(Service).where(or_(Service.active.is_(True), Service.id.in_(held))).order_by(Service.name)
    ).all()


def _owner_choices(blank_label):
    people = db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_([Role.TEAM, Role.ADMIN, Role.SERVICE_LEAD]))
        .order_by(User.name, User.email)
    ).all()
    return [("", blank_label)] + [
        (person.id, f"{person.name or person.email} ({person.role_label})") for person in people
    ]


def _select_choices(pairs):
    return [SelectChoice(str(value), label) for value, label in pairs]


# --- Classify and route ----------------------------------------------------------------------

@bp.route("/cases/<reference>/classify", methods=["GET", "POST"])
@staff_required
def classify(reference):
    case = _load(reference, triage_only=True)
    form = ClassifyForm()
    form.set_theme_choices(_themes_for(case))
    if form.validate_on_submit():
        if _attempt(form, case, triage.classify_case, case, themes=_chosen(Theme, form.chosen_theme_ids()),
                    reg56_topic=form.reg56_topic.data, excluded_reason=form.excluded_reason.data,
                    actor=current_user, expected_version=_version(form)) is not REFUSED:
            closed = " and closed as excluded" if case.is_excluded and case.status == CaseStatus.CLOSED else ""
            return _done(case, f"{case.reference} is classified{closed}")
    elif request.method == "GET":
        form.version.data = case.version
        form.reg56_topic.data = case.reg56_topic
        form.excluded_reason.data = case.excluded_reason
        form.set_themes(case.themes)
    return _render("classify", case, form, suggestions=_suggestions(case))


def _suggestions(case):
    try:
        from feedback_app.cases.similarity import suggest_similar_cases
    except ImportError:  # duplicate suggestions are optional: no module, no suggestions
        return []
    return suggest_similar_cases(case, limit=SUGGESTIONS)


@bp.route("/cases/<reference>/assign", methods=["GET", "POST"])
@staff_required
def assign(reference):
    case = _load(reference, triage_only=True)
    form = AssignForm()
    form.services.choices = _select_choices((service.id, service.name) for service in _services_for(case))
    form.assignee.choices = _select_choices(_owner_choices("No one yet"))
    if form.validate_on_submit():
        assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
        if _attempt(form, case, triage.assign_case, case, services=_chosen(Service, form.services.data),
                    assignee=assignee, actor=current_user, expected_version=_version(form)) is not REFUSED:
            return _done(case, f"{case.reference} is sent to {', '.join(service.name for service in case.services)}")
    elif request.method == "GET":
        form.version.data = case.version
        form.services.data = [service.id for service in case.services]
        form.assignee.data = case.assignee_id
    return _render("assign", case, form)


# --- The clock -------------------------------------------------------------------------------

@bp.route("/cases/<reference>/clock", methods=["GET", "POST"])
@staff_required
def clock(reference):
    case = _load(reference, triage_only=False)
    wanted = request.form.get("clock_action") if request.method == "POST" else None
    restarting = wanted == "restart" if wanted in ("stop", "restart") else case.clock_stopped_on is not None
    form = RestartClockForm() if restarting else StopClockForm()
    if form.validate_on_submit():
        if restarting:
            result = _attempt(form, case, triage.restart_clock, case, actor=current_user,
                              expected_version=_version(form))
            done = "The clock is running again. Respond by {}"
        else:
            result = _attempt(form, case, triage.stop_clock, case, reason=ClockStopReason(form.reason.data),
                              detail=form.detail.data, actor=current_user, expected_version=_version(form))
            done = "The clock is stopped"
        if result is not REFUSED:
            return _done(case, done.format(format_date(case.respond_by)))
    elif request.method == "GET":
        form.version.data = case.version
    stop = next((stop for stop in reversed(case.clock_stops) if stop.restarted_on is None), None)
    stopped = None
    if stop is not None:
        detail = f" ({stop.detail})" if stop.detail else ""
        stopped = f"The clock stopped on {format_date(stop.stopped_on)}: {ClockStopReason(stop.reason).label}{detail}."
    return _render("clock", case, form, restarting=restarting, stopped=stopped)


# --- Replies and notes -----------------------------------------------------------------------

@bp.route("/cases/<reference>/reply", methods=["GET", "POST"])
@staff_required
def reply(reference):
    case = _load(reference, triage_only=False)
    templates = db.session.scalars(
        select(ResponseTemplate).where(ResponseTemplate.active.is_(True)).order_by(ResponseTemplate.name)
    ).all()
    picker = TemplateChoiceForm(formdata=request.args if "template" in request.args else None)
    picker.template.choices = _select_choices([("", "None: write your own")] + [(t.id, t.name) for t in templates])
    form = ReplyForm()
    if form.validate_on_submit():
        template_id = form.template_id.data or ""
        template = db.session.get(ResponseTemplate, int(template_id)) if template_id.isdigit() else None
        if _attempt(form, case, triage.reply_to_family, case, subject=form.subject.data, body=form.body.data,
                    actor=current_user, template=template, expected_version=_version(form)) is not REFUSED:
            return _done(case, "Your reply is on its way to the family")
    elif request.method == "GET":
        form.version.data = case.version
        chosen = next((t for t in templates if t.id == picker.template.data), None) if picker.validate() else None
        values = placeholder_values(case)
        if chosen is not None:
            form.template_id.data = str(chosen.id)
            form.subject.data = fill_placeholders(chosen.subject, values)
            form.body.data = fill_placeholders(chosen.body, values)
        else:
            form.subject.data = f"Your feedback – reference {case.reference}"
    return _render("reply", case, form, picker=picker, has_templates=bool(templates))


@bp.route("/cases/<reference>/note", methods=["GET", "POST"])
@staff_required
def note(reference):
    case = _load(reference, triage_only=False)
    form = NoteForm()
    if form.validate_on_submit():
        if _attempt(form, case, triage.add_note, case, body=form.body.data, actor=current_user) is not REFUSED:
            return _done(case, "Your note is added")
    elif request.method == "GET":
        form.version.data = case.version
    return _render("note", case, form)


# --- Resolve, close, re-open -----------------------------------------------------------------

@bp.route("/cases/<reference>/resolve", methods=["GET", "POST"])
@staff_required
def resolve(reference):
    case = _load(reference, triage_only=False)
    form = ResolveForm()
    if form.validate_on_submit():
        if _attempt(form, case, triage.resolve_case, case, response=form.response.data, actor=current_user,
                    expected_version=_version(form)) is not REFUSED:
            return _done(case, f"{case.reference} is resolved")
    elif request.method == "GET":
        form.version.data = case.version
    emailed = case.reply_preference == ReplyPreference.EMAIL and bool(case.contact_email)
    return _render("resolve", case, form, emailed=emailed)


@bp.route("/cases/<reference>/close", methods=["GET", "POST"])
@staff_required
def close(reference):
    case = _load(reference, triage_only=True)
    form = CloseForm()
    if form.validate_on_submit():
        if _attempt(form, case, triage.close_case, case, reason=form.reason.data, actor=current_user,
                    expected_version=_version(form)) is not REFUSED:
            return _done(case, f"{case.reference} is closed")
    elif request.method == "GET":
        form.version.data = case.version
    return _render("close", case, form)


@bp.route("/cases/<reference>/reopen", methods=["GET", "POST"])
@staff_required
def reopen(reference):
    case = _load(reference, triage_only=True)
    form = ReopenForm()
    if form.validate_on_submit():
        if _attempt(form, case, triage.reopen_case, case, reason=form.reason.data, actor=current_user,
                    expected_version=_version(form)) is not REFUSED:
            return _done(case, f"{case.reference} is open again. Respond by {format_date(case.respond_by)}")
    elif request.method == "GET":
        form.version.data = case.version
    return _render("reopen", case, form)


# --- Duplicates and split --------------------------------------------------------------------

@bp.route("/cases/<reference>/duplicates", methods=["GET", "POST"])
@staff_required
def duplicates(reference):
    case = _load(reference, triage_only=True)
    unmerging = request.method == "POST" and "unmerge" in request.form
    form = UnmergeForm() if unmerging else DuplicateForm()
    if form.validate_on_submit():
        result = _unmerge(form, case) if unmerging else _link_or_merge(form, case)
        if result is not None:
            return result
    elif request.method == "GET":
        form.version.data = case.version
    merge_form = form if not unmerging else DuplicateForm(formdata=None, version=case.version)
    unmerge_form = form if unmerging else UnmergeForm(formdata=None, version=case.version)
    return _render(
        "duplicates", case, form, merge_form=merge_form, unmerge_form=unmerge_form,
        suggestions=[(other, score) for other, score in _suggestions(case) if other.id != case.id],
        linked=merging.linked_cases(case), merged_in=merging.merged_duplicates(case),
    )


def _unmerge(form, case):
    """Unmerge this case, or (from the case it was merged into) one of its duplicates."""
    other_reference = (request.form.get("other_reference") or "").strip()
    duplicate = case
    if other_reference:
        duplicate = db.session.scalar(visible_cases(current_user).where(
            Case.reference == other_reference, Case.merged_into_id == case.id))
        if duplicate is None:
            form.show_error(f"{other_reference} is not merged into {case.reference}")
            return None
    expected = _version(form) if duplicate is case else None
    if _attempt(form, case, merging.unmerge_case, duplicate, actor=current_user,
                expected_version=expected) is not REFUSED:
        return _done(case, f"{duplicate.reference} is unmerged")
    return None


def _link_or_merge(form, case):
    other_reference = form.other_reference.data.upper()
    other = db.session.scalar(visible_cases(current_user).where(Case.reference == other_reference))
    if other is None:
        form.other_reference.errors.append(f"There is no case with the reference {other_reference}")
        return None
    if form.duplicate_action.data == "merge":
        result = _attempt(form, case, merging.merge_case, case, other, actor=current_user,
                          expected_version=_version(form))
        done = f"{case.reference} is merged into {other.reference}"
    else:
        result = _attempt(form, case, merging.link_cases, case, other, actor=current_user)
        done = f"{case.reference} and {other.reference} are linked"
    if result is not REFUSED:
        return _done(case, done)
    return None


@bp.route("/cases/<reference>/split", methods=["GET", "POST"])
@staff_required
def split(reference):
    case = _load(reference, triage_only=True)
    form = SplitForm()
    themes = _themes_for()
    form.set_theme_choices(themes)
    if form.validate_on_submit():
        parts = [(text, _chosen(Theme, theme_ids)) for text, theme_ids in form.parts()]
        created = _attempt(form, case, merging.split_case, case, parts=parts, actor=current_user,
                           expected_version=_version(form))
        if created is not REFUSED:
            return _done(case, f"{case.reference} is split. New cases: {', '.join(c.reference for c in created)}")
    elif request.method == "GET":
        form.version.data = case.version
    return _render("split", case, form, part_numbers=range(1, merging.MAX_PARTS + 1))


# --- Bulk, from the queue --------------------------------------------------------------------

@bp.route("/cases/bulk", methods=["POST"])
@staff_required
def bulk():
    if not may_triage(current_user):
        abort(403)
    references = list(dict.fromkeys(ref.strip() for ref in request.form.getlist("case") if ref.strip()))
    action = request.form.get("bulk_action", "")
    queue = f"{request.script_root}/cases"
    if action not in BULK_ACTIONS:
        flash("Choose what to do with the selected cases", "important")
        return redirect(queue)
    if not references:
        flash("Select at least one case", "important")
        return redirect(queue)
    form = BulkForm()
    form.set_theme_choices(_themes_for())
    form.services.choices = _select_choices((service.id, service.name) for service in _services_for())
    form.assignee.choices = _select_choices(_owner_choices("Keep each case’s owner"))
    if form.confirm.data and form.validate_for(action):
        assignee = db.session.get(User, form.assignee.data) if form.assignee.data else triage.KEEP
        outcomes = bulk_apply(
            references, action=action, actor=current_user, services=_chosen(Service, form.services.data),
            assignee=assignee or triage.KEEP, themes=_chosen(Theme, form.chosen_theme_ids()),
            reg56_topic=form.reg56_topic.data or None, reason=form.reason.data,
        )
        changed = sum(outcome.changed for outcome in outcomes)
        flash(Markup(render_template("cases/triage/_bulk-outcomes.html", outcomes=outcomes, changed=changed)),
              "success" if changed == len(outcomes) else "important")
        return redirect(queue)
    cases = {case.reference: case for case in db.session.scalars(
        visible_cases(current_user).where(Case.reference.in_(references)))}
    html = render_template("cases/triage/bulk.html", form=form, action=action, title=BULK_TITLES[action],
                           references=references, cases=cases, back_url=queue,
                           exclusions=[topic.value for topic in Reg56Topic if topic.is_exclusion])
    return html, (400 if form.errors else 200)
