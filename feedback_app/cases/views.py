"""The queue, the case page and the queue's CSV export."""
from flask import Response, current_app, render_template, request, stream_with_context, url_for
from flask_login import current_user

from feedback_app.cases import bp, display
from feedback_app.cases.export import csv_filename, export_rows
from feedback_app.cases.models import ClockStopReason, Reg56Topic, ReplyPreference, SubmitterRole
from feedback_app.cases.permissions import get_visible_case, may_see_contact_details, may_triage
from feedback_app.cases.queries import (
    OPEN_STATUSES,
    QueueFilters,
    get_case_timeline,
    get_related_cases,
    iter_cases_for_export,
    list_case_attachments,
    list_case_notes,
)
from feedback_app.cases.queue_page import list_cases
from feedback_app.actions.queries import list_case_actions
from feedback_app.common.auth import staff_required
from feedback_app.common.pagination import page_number, pagination
from feedback_app.common.working_days import council_today


@bp.context_processor
def _display_helpers():
    return {
        "govuk_date": display.govuk_date, "govuk_short_date": display.govuk_short_date,
        "govuk_datetime": display.govuk_datetime,
        "status_label": display.status_label, "status_tag_class": display.status_tag_class,
        "channel_label": display.channel_label,
    }


@bp.route("/cases")
@staff_required
def queue():
    filters = QueueFilters.from_args(request.args)
    today = council_today()
    result = list_cases(current_user, filters, page_number(request.args.get("page")), today=today,
                        count_limit=current_app.config["QUEUE_COUNT_LIMIT"])
    args = filters.to_args()
    return render_template(
        "cases/queue.html",
        filters=filters,
        result=result,
        today=today,
        options=display.filter_options(filters, result),
        pagination=pagination(
            result, lambda number: url_for("cases.queue", **args, **({"page": number} if number > 1 else {}))),
        export_url=url_for("cases.export", **args),
        clear_url=url_for("cases.queue"),
        may_triage=may_triage(current_user),
        summary=display.summary,
        is_overdue=display.is_overdue,
        person=display.person,
    )


@bp.route("/cases/export.csv")
@staff_required
def export():
    filters = QueueFilters.from_args(request.args)
    today = council_today()
    cases = iter_cases_for_export(current_user, filters, today=today)
    rows = export_rows(cases, today=today, with_contact=may_see_contact_details(current_user))
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{csv_filename(today)}"',
            "Cache-Control": "no-store",  # personal data: never kept by a browser or proxy cache
        },
    )


@bp.route("/cases/<reference>")
@staff_required
def show(reference):
    case = get_visible_case(current_user, reference)
    today = council_today()
    show_contact = may_see_contact_details(current_user)
    open_stop = next((stop for stop in reversed(case.clock_stops) if stop.restarted_on is None), None)
    return render_template(
        "cases/case.html",
        case=case,
        today=today,
        show_contact=show_contact,
        may_triage=may_triage(current_user),
        is_open=case.status in OPEN_STATUSES,
        overdue=display.is_overdue(case, today),
        time_left=display.time_left(case, today),
        role_label=SubmitterRole(case.submitter_role).label,
        topic_label=Reg56Topic(case.reg56_topic).label if case.reg56_topic else "",
        reply_label=ReplyPreference(case.reply_preference).label,
        clock_stop=open_stop,
        clock_stop_reason=ClockStopReason(open_stop.reason).label if open_stop is not None else "",
        timeline=display.timeline_items(get_case_timeline(case), show_contact=show_contact),
        notes=list_case_notes(case),
        attachments=list_case_attachments(case),
        case_actions=list_case_actions(case),
        related=get_related_cases(current_user, case),
        person=display.person,
        queue_url=url_for("cases.queue"),
    )
