"""The team's report pages, the Celery task path, publishing and the public pages; who may see what."""
import pytest

from feedback_app.extensions import db
from feedback_app.reports.models import BuildStatus, ReportBuild
from feedback_app.reports.queries import get_build
from feedback_app.reports.services import create_build, publish_build
from tests.reports.conftest import YEAR, build_report

TEAM_PATHS = ["/reports/manage", "/reports/dashboard", f"/reports/manage/{YEAR}/text"]


def run_task(app, build_id):
    """The worker's path: the named task, run in this process (the suite's broker is in memory)."""
    return app.extensions["celery"].tasks["reports.build"].apply(args=(build_id,)).get()


@pytest.mark.parametrize("path", TEAM_PATHS)
def test_anonymous_people_are_sent_to_sign_in_and_service_leads_refused(client, auth, people, path):
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    auth.sign_in(people["lead"])
    assert client.get(path).status_code == 403
    assert client.post("/reports/manage", data={"year": YEAR}).status_code == 403
    assert db.session.query(ReportBuild).count() == 0


@pytest.mark.parametrize("path", TEAM_PATHS)
def test_the_team_sees_its_pages(client, auth, people, path):
    auth.sign_in(people["author"])
    assert client.get(path).status_code == 200


def test_a_year_that_is_not_offered_is_refused_with_an_error_and_nothing_queued(client, auth, people):
    auth.sign_in(people["author"])
    response = client.post("/reports/manage", data={"year": "1066"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert db.session.query(ReportBuild).count() == 0


def test_the_team_asks_for_a_build_and_the_task_builds_it(client, auth, people, year_data, app):
    auth.sign_in(people["author"])
    response = client.post("/reports/manage", data={"year": YEAR})
    build = db.session.query(ReportBuild).one()
    assert response.headers["Location"].endswith(f"/reports/manage/builds/{build.id}")
    assert build.status == BuildStatus.QUEUED and build.requested_by_id == people["author"].id
    assert "Queued" in client.get(f"/reports/manage/builds/{build.id}").get_data(as_text=True)

    assert run_task(app, build.id) == "ready"
    db.session.expire_all()
    build = get_build(build.id)
    assert build.status == BuildStatus.READY and len(build.html_sha256) == 64 and build.built_at
    page = client.get(f"/reports/manage/builds/{build.id}").get_data(as_text=True)
    assert build.pdf_sha256 in page and "Publish this version" in page
    # Safe to run twice: the ready build is left as it is.
    assert run_task(app, build.id) == "ready"
    assert get_build(build.id).html_sha256 == build.html_sha256


def test_a_failed_build_is_recorded_with_its_reason(client, auth, people, app, monkeypatch):
    import feedback_app.reports.build as build_module

    def broken(*args, **kwargs):
        raise RuntimeError("the fonts are missing")

    monkeypatch.setattr(build_module, "render_pdf", broken)
    build = create_build(YEAR, start_month=9, requested_by=people["author"])
    assert run_task(app, build.id) == "failed"
    db.session.expire_all()
    build = get_build(build.id)
    assert build.status == BuildStatus.FAILED
    assert build.failure_reason == "RuntimeError: the fonts are missing"
    assert build.step == "Rendering the PDF"
    auth.sign_in(people["author"])
    assert "the fonts are missing" in client.get(f"/reports/manage/builds/{build.id}").get_data(as_text=True)


def test_publishing_one_version_per_year_and_withdrawing(client, auth, people, year_data):
    first, second = build_report(), build_report()
    assert client.get(f"/reports/{YEAR}").status_code == 404
    assert client.get(f"/reports/manage/builds/{first.id}/report.html").status_code == 302
    auth.sign_in(people["author"])
    client.post(f"/reports/manage/builds/{first.id}/publish")
    client.post(f"/reports/manage/builds/{second.id}/publish")
    db.session.expire_all()
    assert [get_build(first.id).is_published, get_build(second.id).is_published] == [False, True]
    auth.sign_out()

    listing = client.get("/reports").get_data(as_text=True)
    assert f'href="/reports/{YEAR}"' in listing and f'href="/reports/{YEAR}.pdf"' in listing
    assert listing.index(f'href="/reports/{YEAR}"') < listing.index(f'href="/reports/{YEAR}.pdf"')
    html = client.get(f"/reports/{YEAR}")
    assert html.data == get_build(second.id).html
    assert "sha256-" in html.headers["Content-Security-Policy"]
    pdf = client.get(f"/reports/{YEAR}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data == get_build(second.id).pdf

    auth.sign_in(people["author"])
    client.post(f"/reports/manage/builds/{second.id}/withdraw")
    for path in (f"/reports/{YEAR}", f"/reports/{YEAR}.pdf"):
        assert client.get(path).status_code == 404
    assert f"/reports/{YEAR}" not in client.get("/reports").get_data(as_text=True)


def test_a_failed_build_cannot_be_published(client, auth, people, monkeypatch):
    build = create_build(YEAR, start_month=9, requested_by=people["author"])
    auth.sign_in(people["author"])
    client.post(f"/reports/manage/builds/{build.id}/publish")
    assert get_build(build.id).is_published is False


def test_the_team_edits_the_introduction_and_next_steps(client, auth, people, year_data):
    auth.sign_in(people["author"])
    response = client.post(f"/reports/manage/{YEAR}/text", data={
        "introduction": "Thank you to the parent carer forum.", "next_steps": "We will review the transport pages."})
    assert response.status_code == 302
    html = build_report().html.decode()
    assert "Thank you to the parent carer forum." in html and "We will review the transport pages." in html


def test_the_dashboard_warns_when_the_last_report_is_old(client, auth, people, year_data):
    from datetime import UTC, datetime, timedelta

    auth.sign_in(people["author"])
    assert "No annual report has been published yet" in client.get("/reports/dashboard").get_data(as_text=True)
    build = publish_build(build_report().id, user=people["author"])
    page = client.get("/reports/dashboard").get_data(as_text=True)
    assert "more than 11 months ago" not in page and "up to date" in page
    build.published_at = datetime.now(UTC) - timedelta(days=340)
    db.session.commit()
    page = client.get("/reports/dashboard").get_data(as_text=True)
    assert "more than 11 months ago" in page
    for caption in ("Comments received each month", "Open cases past their response deadline, by how late"):
        assert caption in page
    assert page.count('role="img"') == 4


def test_the_command_line_builds_the_same_report_with_a_progress_bar(app, people, year_data, tmp_path):
    result = app.test_cli_runner().invoke(args=[
        "report", "build", "--year", str(YEAR), "--html", str(tmp_path / "r.html"), "--pdf", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    assert "sha256" in result.output
    build = db.session.query(ReportBuild).one()
    assert build.requested_by_label == "command line" and build.status == BuildStatus.READY
    assert (tmp_path / "r.html").read_bytes() == build.html
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"
