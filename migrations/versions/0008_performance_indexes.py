"""indexes for list pages at scale

Revision ID: 0008
Revises: 0007

Measured with bench/list_pages.py (bench/README.md). The triage queue counts cases by status on
every page: ix_cases_status_merged_into_id lets PostgreSQL count them from the index alone. The
working queue (open and not merged) is a few per cent of all cases: ix_cases_open_queue holds only
those rows, with the columns the queue's totals, facet counts and overdue filter read, so they
no longer visit the table's pages. The public list pages published entries newest first and
offers the years and themes that have any: three (status, …) indexes answer those from the index.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# The same text as Case.__table_args__ (feedback_app/cases/models.py): the queue's own condition.
OPEN_QUEUE_PREDICATE = "status IN ('received', 'with_service') AND merged_into_id IS NULL"
OPEN_QUEUE_COLUMNS = ['status', 'respond_by', 'clock_stopped_on', 'channel', 'reg56_topic', 'assignee_id',
                      'possible_follow_up_of_id']


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_status_merged_into_id', ['status', 'merged_into_id'], unique=False)
        batch_op.create_index('ix_cases_open_queue', OPEN_QUEUE_COLUMNS, unique=False,
                              postgresql_where=sa.text(OPEN_QUEUE_PREDICATE),
                              sqlite_where=sa.text(OPEN_QUEUE_PREDICATE))
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.create_index('ix_entries_status_published_at', ['status', 'published_at', 'id'], unique=False)
        batch_op.create_index('ix_entries_status_reporting_year', ['status', 'reporting_year'], unique=False)
        batch_op.create_index('ix_entries_status_theme_id', ['status', 'theme_id'], unique=False)


def downgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_index('ix_entries_status_theme_id')
        batch_op.drop_index('ix_entries_status_reporting_year')
        batch_op.drop_index('ix_entries_status_published_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_open_queue')
        batch_op.drop_index('ix_cases_status_merged_into_id')
