"""Report pages: the public list and the published files, the team's builds and text, and the dashboard."""
import hashlib
import re
from base64 import b64encode

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from feedback_app.cases.display import COUNCIL_TIME_ZONE, govuk_date
from feedback_app.common.auth import team_required
from feedback_app.common.working_days import council_today
from feedback_app.publishing.reporting_years import configured_start_month, year_choices, year_label
from feedback_app.reports import bp, queries
from feedback_app.reports.dashboard import dashboard_data
from feedback_app.reports.forms import ReportTextForm, RequestBuildForm
from feedback_app.reports.services import ReportError, publish_build, request_build, save_report_text, withdraw_build

STYLE = re.compile(rb"<style>(.*?)</style>", re.S)
# The stored page has no script and one inline stylesheet, allowed by its hash, not by 'unsafe-inline'.
REPORT_CSP = ("default-src 'none'; style-src {style}; img-src 'self' data:; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'; object-src 'none'")


def _html_response(html):
    hashes = " ".join(f"'sha256-{b64encode(hashlib.sha256(body).digest()).decode()}'"
                      for body in STYLE.findall(html)) or "'none'"
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = REPORT_CSP.format(style=hashes)
    return response


def _pdf_response(build):
    filename = f"annual-report-{build.year}.pdf"
    response = Response(build.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.context_processor
def _report_helpers():
    return {"council_date": lambda moment: govuk_date(moment.astimezone(COUNCIL_TIME_ZONE).date())}


# --- Public ------------------------------------------------------------------------------------

@bp.route("/reports")
def public_reports():
    start_month = configured_start_month()
    reports = [{"build": build, "label": year_label(build.year, start_month),
                "pdf_size": f"{len(build.pdf or b'') / 1024:,.0f} KB"} for build in queries.list_published_builds()]
    return render_template("reports/public-reports.html", reports=reports)


@bp.route("/reports/<int:year>")
def public_report(year):
    build = queries.get_published_build(year)
    if build is None:
        abort(404)
    return _html_response(build.html)


@bp.route("/reports/<int:year>.pdf")
def public_report_pdf(year):
    build = queries.get_published_build(year)
    if build is None:
        abort(404)
    return _pdf_response(build)


# --- The team ------------------------------------------------------------------------------------

def _year_pairs():
    return year_choices(council_today(), configured_start_month())


@bp.route("/reports/manage", methods=["GET", "POST"])
@team_required
def manage():
    form = RequestBuildForm()
    form.set_years(_year_pairs())
    if form.validate_on_submit():
        build = request_build(form.year.data, start_month=configured_start_month(), requested_by=current_user)
        flash(f"The {year_label(build.year, configured_start_month())} report is queued to build", "success")
        return redirect(url_for("reports.show_build", build_id=build.id))
    start_month = configured_start_month()
    return render_template("reports/manage.html", form=form, builds=queries.list_builds(),
                           year_label=lambda year: year_label(year, start_month),
                           years=_year_pairs()), (400 if form.errors else 200)


@bp.route("/reports/manage/builds/<int:build_id>")
@team_required
def show_build(build_id):
    build = queries.get_build(build_id) or abort(404)
    return render_template("reports/build.html", build=build,
                           label=year_label(build.year, configured_start_month()))


@bp.route("/reports/manage/builds/<int:build_id>/report.html")
@team_required
def preview_html(build_id):
    build = queries.get_build(build_id)
    if build is None or build.html is None:
        abort(404)
    return _html_response(build.html)


@bp.route("/reports/manage/builds/<int:build_id>/report.pdf")
@team_required
def preview_pdf(build_id):
    build = queries.get_build(build_id)
    if build is None or build.pdf is None:
        abort(404)
    return _pdf_response(build)


@bp.route("/reports/manage/builds/<int:build_id>/rebuild", methods=["POST"])
@team_required
def rebuild(build_id):
    build = queries.get_build(build_id) or abort(404)
    new = request_build(build.year, start_month=configured_start_month(), requested_by=current_user)
    flash("A new build is queued; the earlier one is kept", "success")
    return redirect(url_for("reports.show_build", build_id=new.id))


@bp.route("/reports/manage/builds/<int:build_id>/publish", methods=["POST"])
@team_required
def publish(build_id):
    try:
        build = publish_build(build_id, user=current_user)
    except ReportError as error:
        flash(str(error))
        return redirect(url_for("reports.manage"))
    flash(f"The {year_label(build.year, configured_start_month())} report is published", "success")
    return redirect(url_for("reports.show_build", build_id=build.id))


@bp.route("/reports/manage/builds/<int:build_id>/withdraw", methods=["POST"])
@team_required
def withdraw(build_id):
    try:
        build = withdraw_build(build_id, user=current_user)
    except ReportError as error:
        flash(str(error))
        return redirect(url_for("reports.manage"))
    flash("The report is withdrawn from the public pages", "success")
    return redirect(url_for("reports.show_build", build_id=build.id))


@bp.route("/reports/manage/<int:year>/text", methods=["GET", "POST"])
@team_required
def edit_text(year):
    text = queries.get_report_text(year)
    form = ReportTextForm(obj=text)
    if form.validate_on_submit():
        save_report_text(year, introduction=form.introduction.data or "", next_steps=form.next_steps.data or "",
                         user=current_user)
        flash("The text is saved. Build the report again to include it", "success")
        return redirect(url_for("reports.manage"))
    return render_template("reports/text-form.html", form=form,
                           label=year_label(year, configured_start_month()), year=year)


@bp.route("/reports/dashboard")
@team_required
def dashboard():
    return render_template("reports/dashboard.html", **dashboard_data(council_today(), configured_start_month()))
