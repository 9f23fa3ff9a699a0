"""actions, partner links, published entries

Revision ID: 0004
Revises: 0003

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('you_said', sa.Text(), nullable=False),
    sa.Column('we_did', sa.Text(), nullable=False),
    sa.Column('we_could_not', sa.Text(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('reg56_topic', sa.String(length=30), nullable=False),
    sa.Column('reporting_year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('is_paraphrase', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name=op.f('fk_entries_approver_id_users')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_entries_author_id_users')),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_entries_theme_id_themes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entries'))
    )
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entries_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_entries_reporting_year'), ['reporting_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_entries_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_entries_theme_id'), ['theme_id'], unique=False)

    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancelled_reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_actions_case_id_cases')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_actions_owner_id_users')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_actions_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_status'), ['status'], unique=False)

    op.create_table('entry_cases',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_entry_cases_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_entry_cases_entry_id_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'case_id', name=op.f('pk_entry_cases'))
    )
    with op.batch_alter_table('entry_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_cases_case_id'), ['case_id'], unique=False)

    op.create_table('entry_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_entry_notices_case_id_cases')),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_entry_notices_entry_id_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_notices')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_entry_notices_token_digest'))
    )
    with op.batch_alter_table('entry_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_notices_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_notices_entry_id'), ['entry_id'], unique=False)

    op.create_table('identifier_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('overridden_reason', sa.Text(), nullable=False),
    sa.Column('overridden_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_identifier_findings_entry_id_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['overridden_by_id'], ['users.id'], name=op.f('fk_identifier_findings_overridden_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identifier_findings'))
    )
    with op.batch_alter_table('identifier_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identifier_findings_entry_id'), ['entry_id'], unique=False)

    op.create_table('entry_actions',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_entry_actions_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_entry_actions_entry_id_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'action_id', name=op.f('pk_entry_actions'))
    )
    with op.batch_alter_table('entry_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_actions_action_id'), ['action_id'], unique=False)

    op.create_table('partner_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('recipient_email', sa.String(length=254), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_partner_links_action_id_actions')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_partner_links_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_links')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_partner_links_token_digest'))
    )
    with op.batch_alter_table('partner_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_links_action_id'), ['action_id'], unique=False)



def downgrade():
    with op.batch_alter_table('partner_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_links_action_id'))

    op.drop_table('partner_links')
    with op.batch_alter_table('entry_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_actions_action_id'))

    op.drop_table('entry_actions')
    with op.batch_alter_table('identifier_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identifier_findings_entry_id'))

    op.drop_table('identifier_findings')
    with op.batch_alter_table('entry_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_notices_entry_id'))
        batch_op.drop_index(batch_op.f('ix_entry_notices_case_id'))

    op.drop_table('entry_notices')
    with op.batch_alter_table('entry_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_cases_case_id'))

    op.drop_table('entry_cases')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_status'))
        batch_op.drop_index(batch_op.f('ix_actions_service_id'))
        batch_op.drop_index(batch_op.f('ix_actions_due_on'))
        batch_op.drop_index(batch_op.f('ix_actions_case_id'))

    op.drop_table('actions')
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entries_theme_id'))
        batch_op.drop_index(batch_op.f('ix_entries_status'))
        batch_op.drop_index(batch_op.f('ix_entries_reporting_year'))
        batch_op.drop_index(batch_op.f('ix_entries_published_at'))

    op.drop_table('entries')
