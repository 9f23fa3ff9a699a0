"""privacy: retention and erasure

Revision ID: 0007
Revises: 0006

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The audit trail stays append-only, with one exception: a transaction that has set
# feedback.audit_scrub = 'on' (only feedback_app/privacy/anonymise.py does, with SET LOCAL) may
# rewrite before/after, so contact details can be scrubbed from the payloads of anonymised cases.
# Deletes stay refused, and every other column stays unchangeable.
SCRUBBABLE_AUDIT_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('feedback.audit_scrub', true) = 'on'
       AND NEW.id = OLD.id AND NEW.occurred_at = OLD.occurred_at AND NEW.action = OLD.action
       AND NEW.subject_type = OLD.subject_type
       AND NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id
       AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.actor_label = OLD.actor_label THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
"""

STRICT_AUDIT_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def upgrade():
    op.create_table('retention_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('privacy_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('term_kind', sa.String(length=10), nullable=False),
    sa.Column('term_digest', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_requests_term_digest'), ['term_digest'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_anonymised_at'), ['anonymised_at'], unique=False)
    with op.batch_alter_table('inbound_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SCRUBBABLE_AUDIT_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(STRICT_AUDIT_TRIGGER)
    with op.batch_alter_table('inbound_emails', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_anonymised_at'))
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_requests_term_digest'))
    op.drop_table('privacy_requests')
    op.drop_table('retention_runs')
