"""annual reports and their builds

Revision ID: 0005
Revises: 0004

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_builds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('step', sa.String(length=100), nullable=False),
    sa.Column('failure_reason', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_label', sa.String(length=100), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('html', sa.LargeBinary(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('html_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('is_published', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_report_builds_published_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_report_builds_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_builds'))
    )
    with op.batch_alter_table('report_builds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_builds_is_published'), ['is_published'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_builds_year'), ['year'], unique=False)

    op.create_table('report_texts',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('introduction', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_report_texts_updated_by_id_users')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_report_texts'))
    )


def downgrade():
    op.drop_table('report_texts')
    with op.batch_alter_table('report_builds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_builds_year'))
        batch_op.drop_index(batch_op.f('ix_report_builds_is_published'))
    op.drop_table('report_builds')
