"""Two people edit one case at once: the second is told someone else changed it; no update is lost."""
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from bs4 import BeautifulSoup
from werkzeug.serving import make_server

from feedback_app.accounts.models import Role
from feedback_app.cases.models import Case, Reg56Topic
from feedback_app.cases.triage_services import STALE
from feedback_app.extensions import db
from tests.conftest import free_port
from tests.factories import make_case, make_user

pytestmark = pytest.mark.reliability


def _form(response):
    """The classify form's fields as the browser would send them (hidden version included)."""
    html = response if isinstance(response, str) else response.get_data(as_text=True)
    form = BeautifulSoup(html, "html.parser").select_one("form[method=post]")
    return {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}


def _error_summary(response):
    summary = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(".govuk-error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def _topic(case):
    db.session.expire_all()
    return db.session.get(Case, case.id).reg56_topic


def _signed_in(app, role):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": make_user(role).email, "password": "correct-horse-battery"})
    assert response.status_code == 302
    return client


def test_the_second_of_two_people_editing_a_case_is_told_and_nothing_is_lost(app):
    # Fails if the classify view stops sending the version it showed (expected_version) or
    # triage_services.check_version stops comparing it: Bea's stale form would overwrite Ali's topic.
    case = make_case()
    ali, bea = _signed_in(app, Role.TEAM), _signed_in(app, Role.TEAM)
    path = f"/cases/{case.reference}/classify"
    ali_form, bea_form = _form(ali.get(path)), _form(bea.get(path))
    assert ali_form["version"] == bea_form["version"]

    response = ali.post(path, data={**ali_form, "reg56_topic": Reg56Topic.CONTENT_QUALITY.value})
    assert response.status_code == 302
    response = bea.post(path, data={**bea_form, "reg56_topic": Reg56Topic.CONTENT_GAPS.value})
    assert response.status_code == 400
    assert STALE in _error_summary(response)
    assert _topic(case) == Reg56Topic.CONTENT_QUALITY  # Ali's change kept

    # Bea's page now carries the latest version: having checked, she may still make her change.
    fresh = _form(response)
    assert int(fresh["version"]) == int(bea_form["version"]) + 1
    assert bea.post(path, data={**fresh, "reg56_topic": Reg56Topic.CONTENT_GAPS.value}).status_code == 302
    assert _topic(case) == Reg56Topic.CONTENT_GAPS


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we look at, not the page it leads to


class Browser:
    """A person's browser against the live server: its own cookies, no redirects followed."""

    def __init__(self, base, email):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)
        assert self.post("/sign-in", {"email": email, "password": "correct-horse-battery"})[0] == 302

    def get(self, path):
        with self.opener.open(self.base + path, timeout=15) as response:
            return response.read().decode()

    def post(self, path, data):
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.fixture
def live_base(app):
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


def test_two_truly_simultaneous_submissions_keep_exactly_one(app, live_base):
    # Both requests may read the same version before either writes: then check_version passes for both
    # and only the mapper's version_id_col (UPDATE ... WHERE version = n) refuses the loser.
    # Fails if Case.__mapper_args__ loses version_id_col or case_change stops turning StaleDataError
    # into the STALE message (a 500 or a silently lost update).
    case = make_case()
    path = f"/cases/{case.reference}/classify"
    people = [Browser(live_base, make_user(Role.TEAM).email) for _ in range(2)]
    topics = [Reg56Topic.CONTENT_QUALITY, Reg56Topic.CONTENT_GAPS]
    for _ in range(5):
        forms = [_form(person.get(path)) for person in people]
        barrier = threading.Barrier(2)
        results = [None, None]

        def submit(index):
            barrier.wait()
            results[index] = people[index].post(path, {**forms[index], "reg56_topic": topics[index].value})

        threads = [threading.Thread(target=submit, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        statuses = sorted(status for status, _ in results)
        assert statuses == [302, 400], statuses
        loser = next(body for status, body in results if status == 400)
        assert STALE in " ".join(BeautifulSoup(loser, "html.parser").select_one(".govuk-error-summary")
                                 .get_text(" ", strip=True).split())
        winner = next(index for index, (status, _) in enumerate(results) if status == 302)
        assert _topic(case) == topics[winner]
        topics.reverse()  # the next round changes the topic again, whoever wins
