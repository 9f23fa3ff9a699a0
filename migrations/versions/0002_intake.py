"""intake: inbound emails, attachments, case messages

Revision ID: 0002
Revises: 0001

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inbound_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identity', sa.String(length=300), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('from_address', sa.String(length=254), nullable=False),
    sa.Column('from_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('bounced_email_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['bounced_email_id'], ['outbound_emails.id'], name=op.f('fk_inbound_emails_bounced_email_id_outbound_emails')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_inbound_emails_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_emails')),
    sa.UniqueConstraint('identity', name=op.f('uq_inbound_emails_identity'))
    )
    with op.batch_alter_table('inbound_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_emails_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_emails_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_emails_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_emails_received_at'), ['received_at'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('inbound_email_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attachments_case_id_cases')),
    sa.ForeignKeyConstraint(['inbound_email_id'], ['inbound_emails.id'], name=op.f('fk_attachments_inbound_email_id_inbound_emails')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_inbound_email_id'), ['inbound_email_id'], unique=False)

    op.create_table('case_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('inbound_email_id', sa.Integer(), nullable=True),
    sa.Column('outbound_email_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_messages_case_id_cases')),
    sa.ForeignKeyConstraint(['inbound_email_id'], ['inbound_emails.id'], name=op.f('fk_case_messages_inbound_email_id_inbound_emails')),
    sa.ForeignKeyConstraint(['outbound_email_id'], ['outbound_emails.id'], name=op.f('fk_case_messages_outbound_email_id_outbound_emails')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_messages'))
    )
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_messages_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('possible_follow_up_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('intake_flag', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cases_possible_follow_up_of_id_cases'), 'cases', ['possible_follow_up_of_id'], ['id'])



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_possible_follow_up_of_id_cases'), type_='foreignkey')
        batch_op.drop_column('acknowledged_at')
        batch_op.drop_column('intake_flag')
        batch_op.drop_column('possible_follow_up_of_id')

    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_messages_case_id'))

    op.drop_table('case_messages')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_inbound_email_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_case_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('inbound_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_emails_received_at'))
        batch_op.drop_index(batch_op.f('ix_inbound_emails_outcome'))
        batch_op.drop_index(batch_op.f('ix_inbound_emails_message_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_emails_case_id'))

    op.drop_table('inbound_emails')
