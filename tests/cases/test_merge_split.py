"""Duplicates: linking, merging (reversibly) and splitting cases."""
from datetime import date

import pytest
from sqlalchemy import inspect, select

from feedback_app.accounts.models import Role
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.merge_services import link_cases, linked_cases, merge_case, split_case, unmerge_case
from feedback_app.cases.models import Case, CaseLink, CaseNote, CaseStatus, Channel, ReplyPreference
from feedback_app.cases.triage_services import CaseWorkError, assign_case, close_case, resolve_case
from feedback_app.extensions import db
from tests.factories import make_case, make_service, make_theme, make_user


@pytest.fixture
def team(app):
    return make_user(Role.TEAM)


def columns(case):
    """Every column of a case but its version counter, as the database holds it."""
    db.session.expire(case)
    return {attr.key: getattr(case, attr.key) for attr in inspect(Case).column_attrs if attr.key != "version"}


def actions(case):
    return [event.action for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id))]


def test_link_records_both_ways_once(team):
    first, second = make_case(), make_case()
    link_cases(first, second, actor=team)
    assert linked_cases(first) == [second] and linked_cases(second) == [first]
    assert "case.linked" in actions(first) and "case.linked" in actions(second)
    with pytest.raises(CaseWorkError, match="already linked"):
        link_cases(second, first, actor=team)
    with pytest.raises(CaseWorkError, match="cannot link a case to itself"):
        link_cases(first, first, actor=team)
    assert len(db.session.scalars(select(CaseLink)).all()) == 2


def test_merge_closes_the_duplicate_and_unmerge_restores_both_exactly(team):
    service = make_service()
    duplicate, into = make_case(body="Bus pass form broken"), make_case(body="The bus pass form does not work")
    assign_case(duplicate, services=[service], actor=team)
    before_duplicate, before_into = columns(duplicate), columns(into)

    merge_case(duplicate, into, actor=team, expected_version=duplicate.version)
    assert duplicate.status == CaseStatus.CLOSED
    assert duplicate.merged_into_id == into.id and duplicate.status_before_merge == "with_service"
    assert duplicate.closed_reason == f"Merged into {into.reference}" and duplicate.closed_at is not None
    merged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.merged")).one()
    assert merged.before["status"] == "with_service" and merged.after["merged_into"] == into.reference
    assert "case.duplicate_merged_in" in actions(into)

    unmerge_case(duplicate, actor=team, expected_version=duplicate.version)
    assert columns(duplicate) == before_duplicate
    assert columns(into) == before_into
    assert actions(duplicate)[-2:] == ["case.merged", "case.unmerged"]
    assert "case.duplicate_unmerged" in actions(into)


def test_a_resolved_duplicate_comes_back_resolved(team):
    duplicate, into = make_case(), make_case()
    resolve_case(duplicate, response="Answered", actor=team)
    resolved_at = duplicate.resolved_at
    merge_case(duplicate, into, actor=team)
    unmerge_case(duplicate, actor=team)
    assert (duplicate.status, duplicate.resolved_at) == (CaseStatus.RESOLVED, resolved_at)


def test_impossible_merges_are_refused_with_a_reason(team):
    first, second, third = make_case(), make_case(), make_case()
    with pytest.raises(CaseWorkError, match="cannot merge a case into itself"):
        merge_case(first, first, actor=team)
    merge_case(first, second, actor=team)
    with pytest.raises(CaseWorkError, match=f"{first.reference} was merged into {second.reference}"):
        merge_case(first, third, actor=team)  # already merged
    with pytest.raises(CaseWorkError, match=f"was itself merged into {second.reference}"):
        merge_case(third, first, actor=team)  # into a merged case
    with pytest.raises(CaseWorkError, match="Other cases are merged into"):
        merge_case(second, third, actor=team)
    close_case(third, reason="Spam", actor=team)
    with pytest.raises(CaseWorkError, match="is closed. Re-open it"):
        merge_case(third, second, actor=team)
    with pytest.raises(CaseWorkError, match="is not merged"):
        unmerge_case(second, actor=team)


def test_merge_refuses_a_stale_form(team):
    duplicate, into = make_case(), make_case()
    with pytest.raises(CaseWorkError, match="Someone else changed this case"):
        merge_case(duplicate, into, actor=team, expected_version=duplicate.version + 1)
    assert db.session.get(Case, duplicate.id).merged_into_id is None


def test_split_makes_new_cases_each_with_its_own_themes(team):
    transport, short_breaks = make_theme(slug="transport"), make_theme(slug="short-breaks")
    original = make_case(body="Two things: the bus and short breaks.", channel=Channel.EMAIL,
                         received_on=date(2026, 11, 4), contact_name="Jo", contact_email="jo@example.com",
                         reply_preference=ReplyPreference.EMAIL)
    parts = split_case(original, parts=[("The bus is late.", [transport]), ("", [short_breaks]),
                                        ("Short breaks are full.", [short_breaks])],
                       actor=team, expected_version=original.version)
    assert [part.body for part in parts] == ["The bus is late.", "Short breaks are full."]
    assert [[theme.slug for theme in part.themes] for part in parts] == [["transport"], ["short-breaks"]]
    for part in parts:
        assert part.split_from_id == original.id and part.reference != original.reference
        assert (part.channel, part.received_on, part.contact_email, part.contact_name) == (
            "email", date(2026, 11, 4), "jo@example.com", "Jo")
        assert part.respond_by == original.respond_by and part.status == CaseStatus.RECEIVED
        assert actions(part) == ["case.opened", "case.split_from"]
    db.session.expire_all()
    original = db.session.get(Case, original.id)
    assert original.body == "Two things: the bus and short breaks." and original.themes == []
    [note] = db.session.scalars(select(CaseNote).where(CaseNote.case_id == original.id)).all()
    assert note.body == f"Split into {parts[0].reference}, {parts[1].reference}."
    split = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.split")).one()
    assert split.after == {"parts": [parts[0].reference, parts[1].reference]}


def test_split_needs_one_to_five_parts_and_an_unmerged_case(team):
    case, other = make_case(), make_case()
    with pytest.raises(CaseWorkError, match="at least one part"):
        split_case(case, parts=[(" ", [])], actor=team)
    with pytest.raises(CaseWorkError, match="at most 5 parts"):
        split_case(case, parts=[(f"Part {n}", []) for n in range(6)], actor=team)
    merge_case(case, other, actor=team)
    with pytest.raises(CaseWorkError, match="was merged into"):
        split_case(case, parts=[("Part", [])], actor=team)
    assert db.session.scalar(select(Case).where(Case.split_from_id == case.id)) is None
