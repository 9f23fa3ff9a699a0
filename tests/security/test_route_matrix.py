"""The authorisation matrix: every route × method × role gets the table's status; refusals change nothing."""
import hashlib

import pytest
from sqlalchemy import select

from feedback_app.actions.partner_links import create_partner_link
from feedback_app.extensions import db
from feedback_app.reports.models import BuildStatus
from feedback_app.reports.services import create_build, publish_build
from tests.factories import PASSWORD, make_service, make_theme
from tests.security.route_matrix import (
    ENDS_SESSION,
    MATRIX,
    ROLES,
    SIGN_IN,
    TESTED_METHODS,
    expectation,
    is_refusal,
)
from tests.security.world import build_world

FORGED_TOKEN = "A" * 43  # the shape of a real token (token_urlsafe(32)), so only the lookup can refuse it


def app_rules(app):
    """The application's own rules (not the test-only /_test routes), as (rule, methods)."""
    return [(rule, rule.methods - {"HEAD", "OPTIONS"}) for rule in app.url_map.iter_rules()
            if not rule.rule.startswith("/_test/")]


def test_every_route_has_a_row_and_every_row_a_route(app):
    rules = {rule.rule: methods for rule, methods in app_rules(app)}
    missing = sorted(set(rules) - set(MATRIX))
    assert not missing, "routes without a row in tests/security/route_matrix.py:\n" + "\n".join(missing)
    stale = sorted(set(MATRIX) - set(rules))
    assert not stale, f"rows for routes that no longer exist: {stale}"
    for rule, methods in rules.items():
        declared = set(MATRIX[rule]) - {"params"}
        for method in methods:
            assert method in declared, f"{rule}: no expectations for {method}"
        for method in declared:
            assert set(MATRIX[rule][method]) == set(ROLES), f"{rule} {method}: every role needs an expectation"


@pytest.fixture
def matrix_world(app):
    world = build_world()
    # Objects that only the admin pages change, so an admin's empty POST cannot alter the rest of the run.
    world.extra["spare_service"] = make_service(name="Spare service")
    world.extra["spare_theme"] = make_theme(name="Spare theme")
    world.extra["spare_link"], _ = create_partner_link(world.action, recipient_name="Sam Spare",
                                                       recipient_email="sam@partner.example", actor=world.users["team"])
    world.extra["report"] = published_report(world.users["team"])
    return world


def published_report(user, year=2025):
    """A built and published annual report, made directly: building one for real is the reports tests' job."""
    build = create_build(year, start_month=9, requested_by=user)
    build.status, build.html, build.pdf = BuildStatus.READY, b"<!doctype html><title>Report</title>", b"%PDF-1.7\n"
    build.built_at = build.requested_at
    db.session.commit()
    return publish_build(build.id, user=user)


def url_values(world, role):
    """What each URL variable names; the link roles use their real token, everyone else a forged one."""
    return {
        "reference": world.case.reference,
        "action_id": world.action.id,
        "link_id": world.partner_link.id,
        "template_id": world.template.id,
        "service_id": world.extra["spare_service"].id,
        "theme_id": world.extra["spare_theme"].id,
        "user_id": world.victim.id,
        "entry_id": world.draft.id,
        "finding_id": world.finding.id,
        "inbound_id": world.held_email_id,
        "attachment_id": world.attachment_id,
        "step": "your-feedback",
        "filename": "favicon.svg",
        "token": world.vote_token if role == "family" else world.partner_token if role == "partner" else FORGED_TOKEN,
        "answer": "yes",
        "published_entry_id": world.published.id,
        "spare_link_id": world.extra["spare_link"].id,
        "build_id": world.extra["report"].id,
        "year": world.extra["report"].year,
    }


def build_url(rule, world, role):
    values = url_values(world, role)
    overrides = MATRIX[rule.rule].get("params", {})
    path = rule.rule
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        name = path[start + 1:end].rsplit(":", 1)[-1]  # <converter(args):name> or <name>
        path = path[:start] + str(values[overrides.get(name, name)]) + path[end + 1:]
    return path


def signed_in_clients(app, world):
    users = {"other_lead": world.users["other_lead"], "own_lead": world.users["own_lead"],
             "team": world.users["team"], "admin": world.users["admin"]}
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role in users:
            response = client.post("/sign-in", data={"email": users[role].email, "password": PASSWORD})
            assert response.status_code == 302, f"{role} could not sign in"
        clients[role] = client
    # The link holders use their links first: holding one must not open anything else.
    assert clients["family"].get(f"/entries/vote/{world.vote_token}/yes").status_code == 200
    assert clients["partner"].get(f"/partner/{world.partner_token}").status_code == 200
    return clients


def database_fingerprint():
    """A digest of every row of every table, read on a fresh connection (what is committed)."""
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def outcome(response):
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.split("?")[0].endswith("/sign-in"):
        return SIGN_IN
    return response.status_code


def rule_order(rule):
    return (rule.rule in ENDS_SESSION, ENDS_SESSION.index(rule.rule) if rule.rule in ENDS_SESSION else 0, rule.rule)


def test_every_route_method_and_role_gets_the_expected_status(app, matrix_world):
    world = matrix_world
    clients = signed_in_clients(app, world)
    wrong = []
    for rule, methods in sorted(app_rules(app), key=lambda pair: rule_order(pair[0])):
        row = MATRIX.get(rule.rule)
        if row is None:
            wrong.append(f"{rule.rule}: no row in the table")
            continue
        for method in sorted(set(TESTED_METHODS) | methods):
            # Refused POSTs in a row are checked together: the database before the first and after the last.
            refused, before = [], None
            for role in (*ROLES, None):
                expected = expectation(row, method, role) if role else None
                if role is None or not (method == "POST" and is_refusal(expected, role)):
                    if refused and database_fingerprint() != before:
                        wrong.append(f"{method} {rule.rule}: refused {refused}, but the database changed")
                    refused = []
                    if role is None:
                        break
                elif not refused:
                    before = database_fingerprint()
                    refused.append(role)
                else:
                    refused.append(role)
                url = build_url(rule, world, role)
                response = clients[role].open(url, method=method, data={})
                got = outcome(response)
                response.close()  # streamed bodies (CSV) end their request context now
                db.session.rollback()  # what the request left in the shared session is not ours to see
                if got != expected:
                    wrong.append(f"{method} {url} as {role}: expected {expected}, got {got}")
    assert not wrong, f"{len(wrong)} wrong:\n" + "\n".join(wrong)
