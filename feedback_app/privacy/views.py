"""Privacy pages: the retention schedule (admins) and subject access / erasure (team and admins)."""
from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from feedback_app.common.auth import admin_required, team_required
from feedback_app.privacy import bp
from feedback_app.privacy import retention
from feedback_app.privacy import subject_access as sar
from feedback_app.privacy.forms import ApplyRetentionForm, ErasureForm, ExportForm, SubjectSearchForm


@bp.route("/admin/retention")
@admin_required
def retention_report():
    return render_template(
        "privacy/retention.html", counts=retention.dry_run(), schedule=retention.schedule(),
        labels=retention.KIND_LABELS, runs=retention.last_runs(), form=ApplyRetentionForm(),
    )


@bp.route("/admin/retention/apply", methods=["POST"])
@admin_required
def apply_retention():
    form = ApplyRetentionForm()
    if form.validate_on_submit():
        counts = retention.apply_retention(actor=current_user)
        flash(f"Retention schedule applied: {sum(counts.values())} items anonymised.")
    return redirect(url_for("privacy.retention_report"))


def _subject_page(search, found=None, erasure=None, status=200):
    export = erasure_form = None
    if found is not None:
        export = ExportForm(term=search.term.data)
        erasure_form = erasure or ErasureForm(term=search.term.data)
    return render_template("privacy/subject-access.html", form=erasure if erasure and erasure.errors else search,
                           search=search, found=found, export=export, erasure=erasure_form), status


@bp.route("/privacy/subject-access", methods=["GET", "POST"])
@team_required
def subject_access():
    search = SubjectSearchForm()
    if not search.validate_on_submit():
        return _subject_page(search, status=400 if search.errors else 200)
    try:
        found = sar.search(search.term.data, current_user)
    except sar.PrivacyError as error:
        search.term.errors = [str(error)]
        return _subject_page(search, status=400)
    return _subject_page(search, found=found)


@bp.route("/privacy/subject-access/export", methods=["POST"])
@team_required
def export():
    form = ExportForm()
    try:
        if not form.validate_on_submit():
            raise sar.PrivacyError("Enter an email address or a phone number")
        archive = sar.export_archive(form.term.data, current_user)
    except sar.PrivacyError as error:
        flash(str(error))
        return redirect(url_for("privacy.subject_access"))
    return Response(archive, mimetype="application/zip",
                    headers={"Content-Disposition": "attachment; filename=subject-access.zip",
                             "Cache-Control": "no-store"})


@bp.route("/privacy/subject-access/erase", methods=["POST"])
@team_required
def erase():
    form = ErasureForm()
    search = SubjectSearchForm(formdata=None, term=form.term.data)
    try:
        found = sar.summary(form.term.data)
    except sar.PrivacyError as error:
        search.term.errors = [str(error)]
        return _subject_page(search, status=400)
    if not form.validate_on_submit():
        return _subject_page(search, found=found, erasure=form, status=400)
    counts = sar.erase(form.term.data, current_user, form.reason.data)
    cases, emails = counts["cases"], counts["unlinked_emails"]
    flash(f"Anonymised {cases} case{'s' if cases != 1 else ''} and {emails} email{'s' if emails != 1 else ''} "
          "without a case. "
          "The contact details and their words have been removed; counts, themes and published entries remain.")
    return redirect(url_for("privacy.subject_access"))
