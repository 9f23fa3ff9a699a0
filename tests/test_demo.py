"""The demo council that `make run` seeds: the whole loop, through the real services."""
from sqlalchemy import func, select

from feedback_app.actions.models import Action
from feedback_app.cases.models import Case, CaseStatus
from feedback_app.demo.services import DEMO_PASSWORD, seed_demo_data
from feedback_app.extensions import db
from feedback_app.publishing.models import Entry, EntryStatus


def test_the_demo_council_shows_every_stage_and_seeds_once(app, client, auth):
    assert seed_demo_data() is True
    statuses = dict(db.session.execute(select(Case.status, func.count()).group_by(Case.status)).all())
    assert statuses[CaseStatus.WITH_SERVICE] > 10 and statuses[CaseStatus.RESOLVED] == 1
    assert statuses[CaseStatus.CLOSED] == 2  # the exclusions, each with its reason
    assert db.session.scalar(select(func.count()).select_from(Action)) == 2
    entries = {entry.title: entry.status for entry in db.session.scalars(select(Entry))}
    assert sorted(entries.values()) == sorted([EntryStatus.PUBLISHED, EntryStatus.DRAFT, EntryStatus.WITHDRAWN])

    public = client.get("/you-said-we-did").get_data(as_text=True)
    assert "Plain English on the EHC needs assessment pages" in public and "CAMHS" not in public
    auth.sign_in("lead@demo.example", DEMO_PASSWORD)
    assert client.get("/cases").status_code == 200

    assert seed_demo_data() is False
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 3
