"""Possible duplicates: similar open cases, best first, with bounded work."""
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from feedback_app.cases import similarity
from feedback_app.cases.models import CaseStatus
from feedback_app.cases.similarity import suggest_similar_cases, tokenise
from feedback_app.extensions import db
from tests.factories import make_case, make_theme

DAY = date(2026, 11, 2)
ORIGINAL = "The short breaks page lists a holiday club at the leisure centre that closed last year."
NEAR_DUPLICATE = "The short breaks page still lists the holiday club at the leisure centre, but it closed last year!"
RELATED = "Short breaks are hard to find on the website for disabled children."
UNRELATED = "The school bus driver has no training in autism and the journey takes two hours each way."


def case_on(body, days_before=1, **fields):
    return make_case(body=body, received_on=DAY - timedelta(days=days_before), **fields)


class StatementCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


@pytest.fixture
def count_statements(app):
    counter = StatementCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)


def test_tokenise_drops_stopwords_and_plurals():
    assert tokenise("The Short Breaks page is NOT up to date!") == ["short", "break", "page", "date"]


def test_a_near_duplicate_ranks_first_and_unrelated_text_is_left_out(app):
    target = make_case(body=ORIGINAL, received_on=DAY)
    near = case_on(NEAR_DUPLICATE, 3)
    related = case_on(RELATED, 2)
    unrelated = case_on(UNRELATED, 1)
    results = suggest_similar_cases(target)
    ranked = [case for case, _ in results]
    assert ranked[0] == near
    assert unrelated not in ranked and target not in ranked
    scores = dict((case.id, score) for case, score in results)
    assert scores[near.id] > 0.5
    assert all(score >= 0.2 for _, score in results)
    assert [score for _, score in results] == sorted((score for _, score in results), reverse=True)
    if related in ranked:
        assert scores[related.id] < scores[near.id]


def test_only_open_unmerged_cases_within_ninety_days_are_suggested(app):
    target = make_case(body=ORIGINAL, received_on=DAY)
    keep = case_on(ORIGINAL, 90)
    case_on(ORIGINAL, 91)
    later = make_case(body=ORIGINAL, received_on=DAY + timedelta(days=10))  # a later copy counts too
    closed = case_on(ORIGINAL, 5)
    closed.status = CaseStatus.CLOSED
    resolved = case_on(ORIGINAL, 6)
    resolved.status = CaseStatus.RESOLVED
    merged = case_on(ORIGINAL, 7)
    merged.merged_into_id = keep.id
    with_service = case_on(ORIGINAL, 8)
    with_service.status = CaseStatus.WITH_SERVICE
    db.session.commit()
    found = {case.id for case, _ in suggest_similar_cases(target, limit=10)}
    assert found == {keep.id, later.id, with_service.id}


def test_the_same_contact_or_shared_themes_break_a_tie(app):
    theme = make_theme("Short breaks")
    target = make_case(body=ORIGINAL, received_on=DAY, contact_email="Parent@Example.com", themes=[theme])
    plain = case_on(NEAR_DUPLICATE, 1)
    same_theme = case_on(NEAR_DUPLICATE, 2, themes=[theme])
    same_person = case_on(NEAR_DUPLICATE, 3, contact_email="parent@example.com")
    ranked = [case for case, _ in suggest_similar_cases(target)]
    assert ranked == [same_person, same_theme, plain]


def test_the_same_person_and_themes_alone_do_not_make_a_duplicate(app):
    theme = make_theme("Short breaks")
    target = make_case(body=ORIGINAL, received_on=DAY, contact_email="parent@example.com", themes=[theme])
    case_on(UNRELATED, 1, contact_email="parent@example.com", themes=[theme])
    assert suggest_similar_cases(target) == []


def test_an_empty_message_has_no_suggestions(app):
    target = make_case(body="", received_on=DAY)
    case_on("", 1)
    case_on(ORIGINAL, 1)
    assert suggest_similar_cases(target) == []


def test_the_limit_is_respected(app):
    target = make_case(body=ORIGINAL, received_on=DAY)
    for days in range(1, 8):
        case_on(NEAR_DUPLICATE, days)
    assert len(suggest_similar_cases(target)) == 5
    assert len(suggest_similar_cases(target, limit=2)) == 2


def test_work_is_bounded_to_the_most_recent_candidates_in_two_queries(app, monkeypatch, count_statements):
    assert similarity.MAX_CANDIDATES == 500
    monkeypatch.setattr(similarity, "MAX_CANDIDATES", 3)
    theme = make_theme()
    target = make_case(body=ORIGINAL, received_on=DAY, themes=[theme])
    newest = [case_on(NEAR_DUPLICATE, days, themes=[theme]) for days in (1, 2, 3)]
    for days in (4, 5, 6):
        case_on(ORIGINAL, days)  # better matches, but older than the three most recent
    target_id, theme_id, newest_ids = target.id, theme.id, {case.id for case in newest}
    db.session.expire_all()
    db.session.remove()
    target = db.session.get(type(target), target_id)
    list(target.themes)
    count_statements.count = 0
    results = suggest_similar_cases(target, limit=10)
    assert {case.id for case, _ in results} == newest_ids
    assert count_statements.count == 2  # the candidates, then their themes
    assert all([t.id for t in case.themes] == [theme_id] for case, _ in results)  # loaded: no more queries
    assert count_statements.count == 2
