"""Hypothesis on the public feedback form and staff entry: whatever is posted, never a server error."""
from hypothesis import given

from feedback_app.accounts.models import Role
from tests.factories import PASSWORD, make_theme, make_user
from tests.fuzz.strategies import FUZZ, check_answers, staff_entry, web_journey
from tests.intake.web_support import ADULT, YOUNG


def test_any_answers_to_the_feedback_form_get_a_page_or_a_redirect(app):
    make_theme(name="Short breaks", slug="short-breaks")

    @FUZZ
    @given(journey=web_journey, last=check_answers)
    def walk(journey, last):
        for prefix in (ADULT, YOUNG):
            client = app.test_client()
            client.get(prefix)
            for step, data in journey.items():
                response = client.post(f"{prefix}/{step}", data=data)
                assert response.status_code in (200, 302, 400), (step, data, response.status_code)
            response = client.post(f"{prefix}/check-your-answers", data=last)
            assert response.status_code in (200, 302, 400), (last, response.status_code)

    walk()


def test_any_staff_entry_is_recorded_or_refused_with_errors(app):
    make_theme(name="Short breaks", slug="short-breaks")
    client = app.test_client()
    assert client.post("/sign-in", data={"email": make_user(Role.TEAM).email, "password": PASSWORD}).status_code == 302

    @FUZZ
    @given(data=staff_entry)
    def record(data):
        response = client.post("/intake/record", data=data)
        assert response.status_code in (302, 400), (data, response.status_code)

    record()
