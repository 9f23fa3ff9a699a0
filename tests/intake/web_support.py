"""Helpers shared by the web intake tests: walking the feedback form and reading its pages."""
from bs4 import BeautifulSoup
from sqlalchemy import select

from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import Case
from feedback_app.extensions import db
from feedback_app.outbox.models import OutboundEmail

ADULT = "/feedback"
YOUNG = "/feedback/young-people"

ANSWERS = {
    "your-feedback": {"feedback": "The short breaks page still lists a scheme that closed last year."},
    "what-it-is-about": {"topic": "content_quality"},
    "who-you-are": {"role": "parent_carer"},
    "themes": {},
    "who-for": {},
    "reply": {"reply": "email"},
    "email-address": {"email": "parent@example.org", "name": "Sam Parent"},
    "phone-number": {},
    "publishing": {"consent": "yes"},
}


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def title(response):
    return soup(response).title.get_text(" ", strip=True)


def visible_text(response):
    return " ".join(soup(response).body.get_text(" ", strip=True).split())


def error_summary(response):
    """The error summary's links as (text, href) pairs."""
    summary = soup(response).select_one(".govuk-error-summary")
    if summary is None:
        return []
    return [(link.get_text(strip=True), link["href"]) for link in summary.select("a")]


def token(client, prefix=ADULT):
    page = soup(client.get(f"{prefix}/check-your-answers"))
    return page.select_one("input[name=token]")["value"]


def answer_all(client, prefix=ADULT, start=True, **changes):
    """Answer every question (changes replace a page's answers; None skips a page); returns the last response.

    A page that does not apply to these answers (who-for, email-address, phone-number…) redirects onwards.
    """
    if start:
        client.get(prefix)
    response = None
    for step, data in ANSWERS.items():
        data = changes.get(step.replace("-", "_"), data)
        if data is None:
            continue
        response = client.post(f"{prefix}/{step}", data=data)
        assert response.status_code == 302, (step, error_summary(response))
    return response


def send(client, prefix=ADULT, **changes):
    """Walk the whole form and press "Send feedback"; returns the confirmation page's response."""
    answer_all(client, prefix, **changes)
    response = client.post(f"{prefix}/check-your-answers", data={"token": token(client, prefix)})
    assert response.status_code == 302 and response.headers["Location"] == f"{prefix}/sent"
    return client.get(f"{prefix}/sent")


def all_cases():
    return db.session.scalars(select(Case).order_by(Case.id)).all()


def all_emails():
    return db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)).all()


def audit_actions(case):
    return [event.action for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id))]
