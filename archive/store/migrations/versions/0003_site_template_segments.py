"""Site template text: each document's segments, and the segments known to be template.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Documents stored before this revision get their segments, and their sites' template text is
learnt from them, so an old graph and a new one analyse alike: by revision 0005, which does it with
the code of the latest schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('segments',
    sa.Column('hash', sa.BigInteger(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('site', sa.String(length=253), nullable=False),
    sa.Column('words', sa.Integer(), nullable=False),
    sa.Column('edge', sa.Boolean(), nullable=False),
    sa.Column('bottom', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('hash', 'document_id')
    )
    op.create_index('ix_segments_document', 'segments', ['document_id'], unique=False)
    op.create_index('ix_segments_site_hash', 'segments', ['site', 'hash'], unique=False)
    op.create_table('template_segments',
    sa.Column('site', sa.String(length=253), nullable=False),
    sa.Column('hash', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('site', 'hash')
    )
    op.create_index('ix_template_segments_hash', 'template_segments', ['hash'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_template_segments_hash', table_name='template_segments')
    op.drop_table('template_segments')
    op.drop_index('ix_segments_site_hash', table_name='segments')
    op.drop_index('ix_segments_document', table_name='segments')
    op.drop_table('segments')
