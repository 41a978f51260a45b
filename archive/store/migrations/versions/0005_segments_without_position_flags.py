"""Segments without the top/bottom flags nothing reads; segments learnt for documents that have none.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Cross-site template text is found from the order of both pages' segments (the block that ends
both), not from flags stored per segment, so the ``edge`` and ``bottom`` columns go. Documents
without segments (stored before revision 0003, or whose segments revision 0004 dropped) get
them here, and their sites' template text is learnt from them in document order. This is the
one revision that runs the application's own template code, so it runs against the schema
that code expects.
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from sqlalchemy.orm import Session

    from archive.store.templates import backfill

    with op.batch_alter_table('segments') as batch:
        batch.drop_column('edge')
        batch.drop_column('bottom')
    backfill(Session(bind=op.get_bind()))


def downgrade() -> None:
    import sqlalchemy as sa

    with op.batch_alter_table('segments') as batch:
        batch.add_column(sa.Column('edge', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('bottom', sa.Boolean(), nullable=False, server_default=sa.false()))
