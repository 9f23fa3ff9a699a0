"""one full-text document per case for the queue's search

Revision ID: 0009
Revises: 0008

The queue's search matched the case text and its messages through two expression indexes and a
UNION of ids: every page gathered all matching ids first (160,000 of a million cases for a common
word, about 300 ms a query). One stored document per case (its text and the family's messages),
kept by triggers and indexed once, lets a page of results and each capped count stop as soon as
they have enough (bench/list_pages.py). Outbound messages are left out: our acknowledgements and
replies repeat the same words on every case.

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

FUNCTIONS = """
CREATE FUNCTION case_search_document(case_id integer, case_body text) RETURNS tsvector AS $$
    SELECT to_tsvector('english', coalesce(case_body, '')) || coalesce(
        (SELECT to_tsvector('english', string_agg(m.body, ' ' ORDER BY m.id)) FROM case_messages m
         WHERE m.case_id = $1 AND m.direction = 'inbound'),
        ''::tsvector)
$$ LANGUAGE sql STABLE;

CREATE FUNCTION cases_search_vector() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN  -- a new case has no messages yet
        NEW.search_vector := to_tsvector('english', coalesce(NEW.body, ''));
    ELSE
        NEW.search_vector := case_search_document(NEW.id, NEW.body);
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION case_messages_search_vector() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.direction = 'inbound' THEN
            UPDATE cases SET search_vector = coalesce(search_vector, ''::tsvector)
                || to_tsvector('english', coalesce(NEW.body, ''))
            WHERE id = NEW.case_id AND body IS DISTINCT FROM NEW.body;  -- an email's first message is the case text
        END IF;
        RETURN NULL;
    END IF;
    -- Edited, moved to another case (split, merge) or deleted (anonymised): rebuilt from what is left.
    UPDATE cases SET search_vector = case_search_document(id, body)
    WHERE id = OLD.case_id OR (TG_OP = 'UPDATE' AND id = NEW.case_id);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER cases_search_vector BEFORE INSERT OR UPDATE OF body ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_search_vector();
CREATE TRIGGER case_messages_search_vector AFTER INSERT OR DELETE OR UPDATE OF body, case_id, direction
    ON case_messages FOR EACH ROW EXECUTE FUNCTION case_messages_search_vector();
"""


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_vector', postgresql.TSVECTOR().with_variant(sa.Text(), 'sqlite'),
                                      nullable=True))
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite searches with LIKE (feedback_app/cases/queries.py)
    op.execute(FUNCTIONS)
    op.execute("UPDATE cases SET search_vector = case_search_document(id, body)")
    op.execute("CREATE INDEX ix_cases_search_vector ON cases USING gin (search_vector)")
    op.execute("DROP INDEX ix_case_messages_body_fts")
    op.execute("DROP INDEX ix_cases_body_fts")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_cases_body_fts ON cases USING gin (to_tsvector('english', body))")
        op.execute("CREATE INDEX ix_case_messages_body_fts ON case_messages USING gin (to_tsvector('english', body))")
        op.execute("DROP INDEX ix_cases_search_vector")
        op.execute("DROP TRIGGER case_messages_search_vector ON case_messages")
        op.execute("DROP TRIGGER cases_search_vector ON cases")
        op.execute("DROP FUNCTION case_messages_search_vector()")
        op.execute("DROP FUNCTION cases_search_vector()")
        op.execute("DROP FUNCTION case_search_document(integer, text)")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('search_vector')
