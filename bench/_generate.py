"""Generated bench data: councils' cases, messages, actions and published entries, loaded with COPY.

`ensure_dataset()` builds the schema with the app's own migrations, then loads a realistic
distribution (channels, themes, services, open and overdue cases, conversations, actions, entries)
and leaves a marker so later runs at the same size reuse it. Run directly to (re)build one:
`BENCH_SIZE=100k python bench/_generate.py [--force]`.
"""
import hashlib
import json
import random
import sys
import time
from datetime import UTC, date, datetime, time as clock, timedelta
from pathlib import Path

import _common

SEED = 20261123
TODAY = date.today()
HISTORY_DAYS = 3 * 365
SEARCH_WORD = "wheelchair"  # in about one case in twenty: what the full-text bench searches for

THEMES = [
    ("early_years", "Early years and childcare", "service_area", 4), ("education", "SEN support in schools",
    "service_area", 14), ("special_schools", "Special schools and resourced provision", "service_area", 5),
    ("post16", "Post-16 education", "service_area", 3), ("ehc_plans", "EHC needs assessments and EHC plans",
    "service_area", 12), ("health", "Health services", "service_area", 5), ("therapies", "Therapies",
    "service_area", 6), ("mental_health", "Mental health (CAMHS)", "service_area", 5),
    ("neurodevelopmental", "Neurodevelopmental and autism assessment", "service_area", 6),
    ("social_care", "Social care and early help", "service_area", 3), ("short_breaks", "Short breaks",
    "service_area", 4), ("transport", "Travel and transport", "service_area", 6),
    ("preparing_for_adulthood", "Preparing for adulthood", "service_area", 2), ("housing", "Housing",
    "service_area", 1), ("leisure", "Leisure and activities", "service_area", 2), ("information",
    "Information, advice and support", "service_area", 4), ("money", "Money and benefits", "service_area", 2),
    ("personal_budgets", "Personal budgets and direct payments", "service_area", 2),
    ("directory_accuracy", "Out of date or wrong information", "website", 6), ("broken_link", "Broken link",
    "website", 3), ("missing_service", "Missing service", "website", 2), ("hard_to_find", "Hard to find",
    "website", 3), ("jargon", "Jargon or hard to read", "website", 1), ("mobile", "Using the website on a phone",
    "website", 1),
]
SERVICES = [
    ("education", "Education and inclusion"), ("send-assessment", "SEND assessment and EHC plans"),
    ("health", "Health (integrated care board)"), ("social-care", "Children's social care and short breaks"),
    ("transport", "Travel assistance"), ("adulthood", "Preparing for adulthood"),
    ("local-offer", "Local Offer website and information"), ("leisure", "Leisure, play and activities"),
    ("finance", "Personal budgets and direct payments"),
]
SERVICE_OF_THEME = {
    "early_years": 1, "education": 1, "special_schools": 1, "post16": 1, "ehc_plans": 2, "health": 3,
    "therapies": 3, "mental_health": 3, "neurodevelopmental": 3, "social_care": 4, "short_breaks": 4,
    "transport": 5, "preparing_for_adulthood": 6, "housing": 6, "leisure": 8, "money": 9, "personal_budgets": 9,
}
CHANNELS = (["web"] * 45 + ["email"] * 25 + ["directory_page"] * 10 + ["phone"] * 8 + ["event"] * 6
            + ["letter"] * 2 + ["forum"] * 4)
ROLES = ["parent_carer"] * 60 + ["young_person"] * 8 + ["child"] * 2 + ["professional"] * 18 + ["other"] * 7 \
    + ["unknown"] * 5
TOPICS = ["content_quality"] * 40 + ["content_gaps"] * 25 + ["accessibility"] * 20 + ["development_review"] * 5 \
    + ["individual_case"] * 7 + ["not_local_offer"] * 2 + ["vexatious"]
SENTENCES = [
    "The short breaks page still lists a scheme that closed last year.",
    "I could not find anything about speech and language therapy waiting times.",
    "The transport page does not say who to contact when the taxi does not arrive.",
    "Our son uses a wheelchair and the leisure centre listing says it is accessible when it is not.",
    "The EHC plan timeline is hard to follow and uses a lot of jargon.",
    "Please add information about autism assessment for children over eleven.",
    "The phone number for the SENCO network is wrong.",
    "We would like an easy read version of the guide to personal budgets.",
    "The website does not work well on my phone; the menu covers the text.",
    "Thank you, the new page about preparing for adulthood was really helpful.",
    "There is nothing about holiday clubs for disabled children in the north of the borough.",
    "The link to the parent carer forum is broken.",
    "It took me a long time to find the mental health support for teenagers.",
    "The directory lists a nursery that moved to a new address.",
    "The travel training information does not mention wheelchair accessible buses.",
    "I would like to know how the Local Offer is reviewed and who decides what goes on it.",
    "The page about direct payments does not explain what we can spend them on.",
    "My daughter is sixteen and we cannot find post-16 options for her college course.",
    "The occupational therapy referral form is not available in other languages.",
    "The search on the website never finds what I type.",
    "Could you list the special schools with places for next September?",
    "The information on respite care is out of date.",
    "The guide to annual reviews should say what happens if the school misses the date.",
    "We were told to look at the Local Offer but it did not answer our question about housing.",
]
ACTION_TEXTS = ["Update the directory listing", "Add a page about waiting times", "Fix the broken link",
                "Publish an easy read version", "Review the transport guidance with families",
                "Ask the provider to confirm accessibility"]


def ensure_dataset(name=None, *, force=False, quiet=False):
    """The URL of a database holding the generated data for this size, building it when needed."""
    name = name or _common.size_name()
    url = _common.bench_database_url(name)
    with _common.connect(url) as connection:
        if not force and _marker(connection) == (name, _common.case_count(name), schema_fingerprint()):
            return url
    started = time.perf_counter()
    _rebuild_schema(url)
    counts = load(url, _common.case_count(name))
    if not quiet:
        summary = ", ".join(f"{table} {number:,}" for table, number in counts.items())
        print(f"generated {name} in {time.perf_counter() - started:.1f} s: {summary}", flush=True)
    return url


def schema_fingerprint():
    """A digest of the migrations and of this generator: either changing means the data is rebuilt."""
    digest = hashlib.sha256()
    for path in sorted((_common.ROOT / "migrations" / "versions").glob("*.py")) + [Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _marker(connection):
    exists = connection.execute("SELECT to_regclass('public.bench_dataset')").fetchone()[0]
    if exists is None:
        return None
    columns = {row[0] for row in connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'bench_dataset'")}
    if "fingerprint" not in columns:  # made by an earlier version of this generator
        return None
    row = connection.execute("SELECT size, cases, fingerprint FROM bench_dataset").fetchone()
    return tuple(row) if row else None


def _rebuild_schema(url):
    from flask_migrate import upgrade

    from feedback_app import create_app
    from feedback_app.extensions import db

    with _common.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    app = create_app(_common.bench_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


# --- Loading --------------------------------------------------------------------------------------

class Loader:
    """COPY into a table, filling the NOT NULL columns a generator leaves out with a neutral value."""

    FILLERS = {"integer": 0, "boolean": False, "text": "", "character varying": "", "json": "{}",
               "jsonb": "{}", "bytea": b"", "date": TODAY}

    def __init__(self, cursor):
        self.cursor = cursor

    def copy(self, table, columns, rows):
        described = self.cursor.execute(
            "SELECT column_name, is_nullable, data_type, column_default FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position", (table,)).fetchall()
        extra = [(column, self._filler(column, data_type)) for column, nullable, data_type, default in described
                 if column not in columns and nullable == "NO" and default is None]
        names = [*columns, *(column for column, _ in extra)]
        filler = tuple(value for _, value in extra)
        count = 0
        with self.cursor.copy(f'COPY "{table}" ({", ".join(names)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row((*row, *filler) if filler else row)
                count += 1
        return count

    def _filler(self, column, data_type):
        if column == "version":
            return 1
        if data_type.startswith("timestamp"):
            return datetime.now(UTC)
        return self.FILLERS.get(data_type, "")


def load(url, total):
    rng = random.Random(SEED)
    counts = {}
    with _common.connect(url) as connection, connection.cursor() as cursor:
        loader = Loader(cursor)
        now = datetime.now(UTC)
        counts["users"] = loader.copy("users", ["id", "email", "name", "role", "password_hash", "active", "created_at"], [
            (1, "team@bench.example", "Team Member", "team", "!bench", True, now),
            (2, "admin@bench.example", "Admin", "admin", "!bench", True, now),
            *((2 + i, f"lead{i}@bench.example", f"Lead {i}", "service_lead", "!bench", True, now)
              for i in range(1, len(SERVICES) + 1)),
        ])
        counts["services"] = loader.copy("services", ["id", "slug", "name", "description", "email", "active"], [
            (i, slug, name, "", f"{slug}@bench.example", True) for i, (slug, name) in enumerate(SERVICES, 1)])
        loader.copy("service_leads", ["service_id", "user_id"], [(i, 2 + i) for i in range(1, len(SERVICES) + 1)])
        counts["themes"] = loader.copy("themes", ["id", "slug", "name", "facet", "position", "active"], [
            (i, slug, name, facet, i, True) for i, (slug, name, facet, _) in enumerate(THEMES, 1)])
        theme_weights = [weight for *_, weight in THEMES]
        theme_ids = list(range(1, len(THEMES) + 1))

        cases, case_themes, case_services, messages, actions, audit = [], [], [], [], [], []
        open_ids = []
        action_ids_by_case = {}
        # Ids follow time, as in a live system: the oldest case has the lowest id, open cases are recent.
        ages = sorted((int(HISTORY_DAYS * rng.random() ** 0.8) for _ in range(total)), reverse=True)
        for case_id, age in enumerate(ages, 1):
            row, themes, service_id, extra = _case(rng, case_id, age, theme_ids, theme_weights)
            cases.append(row)
            case_themes.extend((case_id, theme_id) for theme_id in themes)
            if service_id:
                case_services.append((case_id, service_id))
            messages.extend(extra["messages"])
            audit.extend(extra["audit"])
            if extra["action"] is not None:
                action_id = len(actions) + 1
                actions.append((action_id, case_id, service_id or 7, *extra["action"]))
                action_ids_by_case[case_id] = action_id
            if row[2] in ("received", "with_service"):
                open_ids.append(case_id)
        counts["cases"] = loader.copy("cases", CASE_COLUMNS, cases)
        counts["case_themes"] = loader.copy("case_themes", ["case_id", "theme_id"], case_themes)
        counts["case_services"] = loader.copy("case_services", ["case_id", "service_id"], case_services)
        # The per-message search trigger (migration 0009) would update a case per row: off during the
        # COPY, then every case's document in one statement, as the migration's own backfill does.
        cursor.execute("ALTER TABLE case_messages DISABLE TRIGGER case_messages_search_vector")
        counts["case_messages"] = loader.copy("case_messages", [
            "id", "case_id", "direction", "sender", "subject", "body", "created_at"],
            ((i, *message) for i, message in enumerate(messages, 1)))
        cursor.execute("ALTER TABLE case_messages ENABLE TRIGGER case_messages_search_vector")
        cursor.execute("UPDATE cases SET search_vector = case_search_document(id, body)"
                       " WHERE id IN (SELECT case_id FROM case_messages WHERE direction = 'inbound')")
        counts["actions"] = loader.copy("actions", [
            "id", "case_id", "service_id", "description", "owner_name", "due_on", "status", "completed_on",
            "created_at"], actions)
        counts["audit_events"] = loader.copy("audit_events", [
            "id", "occurred_at", "actor_id", "actor_label", "action", "subject_type", "subject_id", "case_id",
            "before", "after"], ((i, *event) for i, event in enumerate(audit, 1)))
        del cases, messages, audit
        entries, entry_cases, entry_actions = _entries(rng, total, action_ids_by_case)
        counts["entries"] = loader.copy("entries", ENTRY_COLUMNS, entries)
        loader.copy("entry_cases", ["entry_id", "case_id"], entry_cases)
        loader.copy("entry_actions", ["entry_id", "action_id"], entry_actions)
        for table in ("users", "services", "themes", "cases", "case_messages", "actions", "audit_events",
                      "entries"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                           f" (SELECT coalesce(max(id), 1) FROM {table}))")
        cursor.execute("CREATE TABLE bench_dataset (size text, cases integer, fingerprint text, generated_at timestamptz)")
        cursor.execute("INSERT INTO bench_dataset VALUES (%s, %s, %s, now())",
                       (next(k for k, v in _common.SIZES.items() if v == total), total, schema_fingerprint()))
        connection.commit()
    with _common.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return counts


CASE_COLUMNS = [
    "id", "reference", "status", "channel", "submitter_role", "reg56_topic", "body", "page_url", "received_on",
    "created_at", "acknowledge_by", "respond_by", "contact_name", "contact_email", "reply_preference",
    "consent_publish", "excluded_reason", "acknowledged_at", "assignee_id", "clock_stopped_on", "resolved_at",
    "closed_at", "closed_reason", "merged_into_id", "version",
]
ENTRY_COLUMNS = ["id", "title", "you_said", "we_did", "theme_id", "reg56_topic", "reporting_year", "status",
                 "is_paraphrase", "author_id", "approver_id", "published_at", "updated_at"]


def _moment(day, rng):
    return datetime.combine(day, clock(8 + rng.randrange(10), rng.randrange(60)), tzinfo=UTC)


def _case(rng, case_id, age, theme_ids, theme_weights):
    """One case `age` days old (ages skew recent: a growing service), its themes, service, messages, audit."""
    received = TODAY - timedelta(days=age)
    created = _moment(received, rng)
    channel = rng.choice(CHANNELS)
    topic = rng.choice(TOPICS)
    if age <= 40:
        status = rng.choices(["received", "with_service", "resolved", "closed"], [40, 45, 10, 5])[0]
    else:
        status = rng.choices(["received", "with_service", "resolved", "closed"], [1, 2, 58, 39])[0]
    if status == "received" and age < 5 and rng.random() < 0.5:
        topic = None  # not yet classified
    merged_into = None
    if case_id > 10 and status == "closed" and rng.random() < 0.05:
        merged_into = rng.randrange(1, case_id)
    body = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
    themes = sorted(set(rng.choices(theme_ids, theme_weights, k=rng.choice((0, 1, 1, 1, 1, 1, 2, 2, 2, 3)))))
    first_theme = THEMES[themes[0] - 1][0] if themes else None
    service_id = None if status == "received" else SERVICE_OF_THEME.get(first_theme, 7)
    wants_reply = rng.random() < 0.6
    email = f"family{case_id}@example.org" if wants_reply else ""
    respond_by = received + timedelta(days=28)
    resolved_at = _moment(received + timedelta(days=rng.randint(3, 40)), rng) \
        if status in ("resolved", "closed") else None
    clock_stopped = received + timedelta(days=3) if status == "with_service" and rng.random() < 0.05 else None
    row = (
        case_id, f"LO-{received.year}-{case_id:05d}", status, channel, rng.choice(ROLES), topic, body,
        "https://localoffer.demo.example/services/123" if channel == "directory_page" else "", received, created,
        received + timedelta(days=5), respond_by, "Sam Family" if wants_reply else "", email,
        "email" if wants_reply else "none", rng.random() < 0.7,
        "Signposted to the complaints and casework route" if topic == "individual_case" else "",
        created + timedelta(days=1) if status != "received" else None,
        1 if status != "received" and rng.random() < 0.5 else None, clock_stopped, resolved_at,
        resolved_at if status == "closed" else None, "Duplicate" if merged_into else "", merged_into, 1,
    )
    messages = []
    if channel == "email":
        messages.append((case_id, "inbound", email or "family@example.org", "Local Offer feedback", body, created))
    if wants_reply and status in ("resolved", "closed"):
        messages.append((case_id, "outbound", "localoffer@demo.example", f"Your feedback LO-{received.year}-"
                         f"{case_id:05d}", "Thank you for your feedback. We have updated the page.", resolved_at))
        if rng.random() < 0.15:
            messages.append((case_id, "inbound", email, "Re: your feedback", "Thank you, that helps.",
                             resolved_at + timedelta(days=1)))
    audit = [(created, None, "public web form", "case.opened", "case", case_id, case_id, None,
              json.dumps({"channel": channel, "status": "received", "reg56_topic": topic}))]
    if status != "received":
        audit.append((created + timedelta(days=1), 1, "", "case.status_changed", "case", case_id, case_id,
                       json.dumps({"status": "received"}), json.dumps({"status": status})))
    action = None
    if status != "received" and rng.random() < 0.15:
        due = received + timedelta(days=rng.randint(20, 90))
        done = status in ("resolved", "closed") and due < TODAY
        action = (rng.choice(ACTION_TEXTS), "Service lead", due, "done" if done else "planned",
                  due if done else None, created)
    return row, themes, service_id, {"messages": messages, "audit": audit, "action": action}


def _entries(rng, total, action_ids_by_case):
    entries, entry_cases, entry_actions = [], [], []
    closed_with_action = list(action_ids_by_case)
    for entry_id in range(1, max(5, total // 40) + 1):
        status = rng.choices(["published", "draft", "awaiting_approval", "withdrawn"], [80, 10, 5, 5])[0]
        published = _moment(TODAY - timedelta(days=int(HISTORY_DAYS * rng.random() ** 0.8)), rng)
        theme_id = rng.randrange(1, len(THEMES) + 1)
        year = published.year if published.month >= 9 else published.year - 1
        entries.append((entry_id, f"Entry {entry_id}: {THEMES[theme_id - 1][1]}", rng.choice(SENTENCES),
                        "We updated the page and checked it with the parent carer forum.", theme_id,
                        rng.choice(["content_quality", "content_gaps", "accessibility", "development_review"]),
                        year, status, True, 1, 2 if status in ("published", "withdrawn") else None,
                        published if status in ("published", "withdrawn") else None, published))
        for case_id in sorted(set(rng.randrange(1, total + 1) for _ in range(rng.choice((1, 2, 3, 5, 8))))):
            entry_cases.append((entry_id, case_id))
        if closed_with_action and rng.random() < 0.5:
            entry_actions.append((entry_id, action_ids_by_case[rng.choice(closed_with_action)]))
    return entries, entry_cases, sorted(set(entry_actions))


if __name__ == "__main__":
    _common.server_url_or_skip()
    print(ensure_dataset(force="--force" in sys.argv))
