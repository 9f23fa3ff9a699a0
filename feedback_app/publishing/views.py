"""Staff pages: write, check, approve, publish and withdraw entries."""
from collections import Counter
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from feedback_app.actions.models import ActionStatus
from feedback_app.cases.display import COUNCIL_TIME_ZONE, govuk_date, govuk_datetime
from feedback_app.cases.models import Reg56Topic
from feedback_app.common.auth import team_required
from feedback_app.common.pagination import page_number, pagination
from feedback_app.publishing import bp
from feedback_app.publishing.forms import (
    EntryForm,
    OverrideForm,
    ReturnForm,
    StepForm,
    WithdrawForm,
    choices,
    parse_references,
    publishable_topics,
)
from feedback_app.publishing.identifiers import KIND_LABELS
from feedback_app.publishing.models import EntryStatus
from feedback_app.publishing.queries import (
    count_answers,
    count_entries_by_status,
    find_cases,
    get_entry,
    get_finding,
    get_theme,
    list_actions_of_cases,
    list_active_themes,
    list_entries,
)
from feedback_app.publishing.reporting_years import (
    configured_start_month,
    derive_reporting_year,
    year_choices,
    year_label,
)
from feedback_app.publishing.services import (
    ACTION_FIELD,
    EntryContent,
    EntryError,
    approve_and_publish,
    create_entry,
    describe_findings,
    is_overridden,
    outstanding,
    override_finding,
    return_to_draft,
    submit_for_approval,
    update_entry,
    withdraw_entry,
)
from feedback_app.publishing.stats import format_count

STATUS_TAG_CLASSES = {
    EntryStatus.DRAFT: "govuk-tag--grey",
    EntryStatus.AWAITING_APPROVAL: "govuk-tag--yellow",
    EntryStatus.PUBLISHED: "govuk-tag--green",
    EntryStatus.WITHDRAWN: "govuk-tag--red",
}
FIELD_NAMES = {"title": "Title", "you_said": "You said", "we_did": "We did", "we_could_not": "We couldn’t, because…"}


@bp.app_template_filter("published_count")
def published_count_filter(count):
    """Any template may show a published number: `{{ n | published_count }}` gives '12' or 'fewer than 5'."""
    return format_count(count)


@bp.context_processor
def _entry_helpers():
    return {"entry_status_label": lambda status: EntryStatus(status).label,
            "entry_status_tag_class": lambda status: STATUS_TAG_CLASSES[EntryStatus(status)],
            "topic_label": lambda topic: Reg56Topic(topic).label if topic else "",
            "action_status_label": lambda status: ActionStatus(status).label,
            "govuk_date": govuk_date, "govuk_datetime": govuk_datetime,
            "council_date": lambda moment: govuk_date(moment.astimezone(COUNCIL_TIME_ZONE).date())}


# --- The list ---------------------------------------------------------------------------------

@bp.route("/entries")
@team_required
def entries():
    chosen = request.args.get("status", EntryStatus.AWAITING_APPROVAL)
    if chosen not in set(EntryStatus):
        chosen = EntryStatus.AWAITING_APPROVAL
    page = list_entries(EntryStatus(chosen), page=page_number(request.args.get("page")))
    counts = count_entries_by_status()
    tabs = [{"status": status, "label": status.label, "count": counts[status],
             "href": url_for("publishing.entries", status=status.value), "current": status == chosen}
            for status in EntryStatus]
    return render_template("publishing/entries.html", page=page, tabs=tabs, chosen=EntryStatus(chosen),
                           start_month=configured_start_month(), year_label=year_label,
                           pagination=pagination(page, lambda number: url_for(
                               "publishing.entries", status=chosen, **({"page": number} if number > 1 else {}))))


# --- Writing ----------------------------------------------------------------------------------

@bp.route("/entries/new", methods=["GET", "POST"])
@team_required
def new_entry():
    form = EntryForm()
    if request.method == "GET":
        references, _ = parse_references(" ".join(request.args.getlist("case")))
        form.case_references.data = ", ".join(references)
        cases = _known_cases(references)
        _suggest(form, cases)
    else:
        cases = _known_cases(form.references())
    _prepare(form, cases)
    if form.validate_on_submit():
        content = _content(form, cases)
        if content is not None:
            try:
                entry = create_entry(content, author=current_user)
            except EntryError as error:
                _show_error(form, error)
            else:
                flash(_saved_message(entry), "success")
                return redirect(url_for("publishing.show_entry", entry_id=entry.id))
    return _render_form(form, cases, entry=None)


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@team_required
def edit_entry(entry_id):
    entry = _entry_or_404(entry_id)
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.AWAITING_APPROVAL):
        flash("A published or withdrawn entry cannot be changed.")
        return redirect(url_for("publishing.show_entry", entry_id=entry.id))
    form = EntryForm(obj=None)
    if request.method == "GET":
        form.set_text(entry)
        form.version.data = entry.version
        form.theme.data = entry.theme_id
        form.reg56_topic.data = entry.reg56_topic
        form.reporting_year.data = entry.reporting_year
        form.is_paraphrase.data = entry.is_paraphrase
        form.case_references.data = ", ".join(case.reference for case in entry.cases)
        form.actions.data = [action.id for action in entry.actions]
        cases = list(entry.cases)
    else:
        cases = _known_cases(form.references())
    _prepare(form, cases, entry)
    if form.validate_on_submit():
        content = _content(form, cases)
        if content is not None:
            try:
                update_entry(entry, content, actor=current_user, expected_version=form.version.data)
            except EntryError as error:
                _show_error(form, error)
                entry = _entry_or_404(entry_id)
            else:
                flash(_saved_message(entry), "success")
                return redirect(url_for("publishing.show_entry", entry_id=entry.id))
    return _render_form(form, cases, entry=entry)


def _known_cases(references):
    found = find_cases(references)
    return [found[reference] for reference in references if reference in found]


def _suggest(form, cases):
    """A new entry starts from its cases: their most common theme and topic, and the newest one's year."""
    themes = Counter(theme.id for case in cases for theme in case.themes if theme.active)
    topics = Counter(case.reg56_topic for case in cases if case.reg56_topic and not case.is_excluded)
    form.theme.data = themes.most_common(1)[0][0] if themes else None
    form.reg56_topic.data = topics.most_common(1)[0][0] if topics else None
    form.reporting_year.data = derive_reporting_year([case.received_on for case in cases], configured_start_month())


def _prepare(form, cases, entry=None):
    themes = list_active_themes()
    if entry is not None and entry.theme is not None and entry.theme not in themes:
        themes.append(entry.theme)  # a retired theme stays choosable for the entries that have it
    form.theme.choices = choices([("", "Choose a theme")] + [(theme.id, theme.name) for theme in themes])
    start_month = configured_start_month()
    derived = derive_reporting_year([case.received_on for case in cases], start_month)
    also = [derived, entry.reporting_year if entry is not None else None, form.reporting_year.data]
    years = year_choices(date.today(), start_month, also=also)
    form.reporting_year.choices = choices(years)
    if form.reporting_year.data is None and request.method == "GET":
        form.reporting_year.data = derived or years[0][0]
    form.reg56_topic.choices = publishable_topics()
    references = {case.id: case.reference for case in cases}
    form.actions.choices = choices(
        (action.id, f"{references[action.case_id]}: {action.description} ({ActionStatus(action.status).label})")
        for action in list_actions_of_cases(list(references))
    )


def _content(form, cases):
    """The form as an EntryContent; None (with the error shown) when a reference is not a case."""
    known = {case.reference for case in cases}
    unknown = [reference for reference in form.references() if reference not in known]
    if unknown:
        form.case_references.errors.append(f"There is no case {unknown[0]}. Check the reference")
        return None
    chosen = set(form.actions.data or [])
    actions = [action for action in list_actions_of_cases([case.id for case in cases]) if action.id in chosen]
    return EntryContent(
        title=form.title.data, you_said=form.you_said.data, we_did=form.we_did.data or "",
        we_could_not=form.we_could_not.data or "", theme=get_theme(form.theme.data),
        reg56_topic=form.reg56_topic.data, reporting_year=form.reporting_year.data, cases=cases,
        actions=actions, is_paraphrase=bool(form.is_paraphrase.data),
    )


def _show_error(form, error):
    field = getattr(form, error.field, None) if error.field else None
    (field if field is not None else form.submit).errors.append(error.message)


def _saved_message(entry):
    waiting = outstanding(entry)
    if not waiting:
        return "Entry saved. The check found nothing that could identify someone."
    several = len(waiting) > 1
    return (f"Entry saved. {len(waiting)} {'things' if several else 'thing'} in it could identify someone: "
            f"{describe_findings(waiting)}. Edit the text, or override {'each' if several else 'it'} with a reason.")


def _render_form(form, cases, entry):
    return render_template(
        "publishing/entry-form.html", form=form, entry=entry, cases=cases,
        findings=_finding_rows(entry) if entry is not None else [],
        back_url=url_for("publishing.show_entry", entry_id=entry.id) if entry else url_for("publishing.entries"),
    ), 400 if form.errors else 200


# --- One entry --------------------------------------------------------------------------------

@bp.route("/entries/<int:entry_id>")
@team_required
def show_entry(entry_id):
    return _render_entry(_entry_or_404(entry_id))


@bp.route("/entries/<int:entry_id>/submit", methods=["POST"])
@team_required
def submit_entry(entry_id):
    return _step(entry_id, lambda entry, form: submit_for_approval(
        entry, actor=current_user, expected_version=form.version.data), "Entry sent for approval.")


@bp.route("/entries/<int:entry_id>/approve", methods=["POST"])
@team_required
def approve_entry(entry_id):
    return _step(entry_id, lambda entry, form: approve_and_publish(
        entry, approver=current_user, base_url=request.host_url, expected_version=form.version.data),
        "Entry published. Families who asked for a reply by email will be told.")


@bp.route("/entries/<int:entry_id>/return", methods=["POST"])
@team_required
def return_entry(entry_id):
    return _step(entry_id, lambda entry, form: return_to_draft(
        entry, actor=current_user, reason=form.reason.data, expected_version=form.version.data),
        "Entry returned to draft.", form_class=ReturnForm)


@bp.route("/entries/<int:entry_id>/withdraw", methods=["POST"])
@team_required
def withdraw(entry_id):
    return _step(entry_id, lambda entry, form: withdraw_entry(
        entry, reason=form.reason.data, actor=current_user, expected_version=form.version.data),
        "Entry withdrawn. It no longer appears on public pages, in the feed or in open data.",
        form_class=WithdrawForm)


@bp.route("/entries/<int:entry_id>/findings/<int:finding_id>/override", methods=["POST"])
@team_required
def override(entry_id, finding_id):
    entry = _entry_or_404(entry_id)
    finding = get_finding(entry, finding_id)
    if finding is None:
        abort(404)
    form = OverrideForm(prefix=f"finding-{finding.id}")
    if form.validate_on_submit():
        try:
            override_finding(finding, reason=form.reason.data, actor=current_user)
        except EntryError as error:
            _show_error(form, error)
        else:
            flash(f"Finding overridden: {KIND_LABELS.get(finding.kind, finding.kind).lower()} "
                  f"in {_field_name(entry, finding.field)}.", "success")
            return redirect(url_for("publishing.show_entry", entry_id=entry.id, _anchor="findings"))
    return _render_entry(entry, failed=form, failed_finding=finding.id), 400


def _step(entry_id, service, success, form_class=StepForm):
    entry = _entry_or_404(entry_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            service(entry, form)
        except EntryError as error:
            _show_error(form, error)
            entry = _entry_or_404(entry_id)
        else:
            flash(success, "success")
            return redirect(url_for("publishing.show_entry", entry_id=entry.id))
    return _render_entry(entry, failed=form), 400


def _render_entry(entry, failed=None, failed_finding=None):
    if failed is not None and hasattr(failed, "version"):
        failed.version.data = entry.version  # a retry after a refusal starts from the entry as it is now
    step = failed if isinstance(failed, StepForm) else StepForm(formdata=None, version=entry.version)
    return_form = failed if isinstance(failed, ReturnForm) else ReturnForm(formdata=None, version=entry.version)
    withdraw_form = (failed if isinstance(failed, WithdrawForm)
                     else WithdrawForm(formdata=None, version=entry.version))
    override_forms = {
        finding.id: (failed if finding.id == failed_finding
                     else OverrideForm(formdata=None, prefix=f"finding-{finding.id}"))
        for finding in entry.findings if not is_overridden(finding)
    }
    texts = {name: getattr(entry, name) or "" for name in FIELD_NAMES}
    marked = {name: _highlighted(text, [finding for finding in entry.findings if finding.field == name])
              for name, text in texts.items()}
    actions = [(action, _highlighted(action.description, [
        finding for finding in entry.findings if finding.field == ACTION_FIELD.format(action.id)]))
        for action in entry.actions]
    return render_template(
        "publishing/entry.html", entry=entry, form=failed, marked=marked, actions=actions,
        findings=_finding_rows(entry), override_forms=override_forms, step_form=step,
        return_form=return_form, withdraw_form=withdraw_form,
        is_author=entry.author_id == current_user.id, answers=count_answers(entry),
        comments=len(entry.cases), comments_published=format_count(len(entry.cases)),
        year=year_label(entry.reporting_year, configured_start_month()),
        back_url=url_for("publishing.entries", status=entry.status),
    )


def _finding_rows(entry):
    rows = []
    for finding in entry.findings:
        text = _field_text(entry, finding.field)
        rows.append({"finding": finding, "kind": KIND_LABELS.get(finding.kind, finding.kind),
                     "where": _field_name(entry, finding.field),
                     "found": text[finding.start:finding.start + finding.length],
                     "overridden": is_overridden(finding)})
    return rows


def _field_text(entry, field):
    if field in FIELD_NAMES:
        return getattr(entry, field) or ""
    action = next((action for action in entry.actions if ACTION_FIELD.format(action.id) == field), None)
    return action.description if action is not None else ""


def _field_name(entry, field):
    return FIELD_NAMES.get(field, "An action’s description")


def _highlighted(text, findings):
    """The text as HTML, each finding in a <mark> with its kind for screen readers; all of it escaped."""
    pieces, position = [], 0
    for finding in sorted(findings, key=lambda finding: finding.start):
        start, end = finding.start, min(finding.start + finding.length, len(text))
        if start < position or start >= len(text):
            continue
        label = KIND_LABELS.get(finding.kind, finding.kind).lower()
        note = "overridden" if is_overridden(finding) else "to check"
        pieces.append(_lines(text[position:start]))
        pieces.append(Markup('<mark id="found-{}">{}</mark><span class="govuk-visually-hidden"> ({}, {})</span>')
                      .format(finding.id, _lines(text[start:end]), label, note))
        position = end
    pieces.append(_lines(text[position:]))
    return Markup("").join(pieces)


def _lines(text):
    return Markup("<br>\n").join(escape(line) for line in text.replace("\r\n", "\n").split("\n"))


def _entry_or_404(entry_id):
    entry = get_entry(entry_id)
    if entry is None:
        abort(404)
    return entry
