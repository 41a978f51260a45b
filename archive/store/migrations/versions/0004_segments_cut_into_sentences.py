"""Segments cut again: lines over 25 words are cut into sentences (they were cut over 60).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

A footer paragraph that names its own station ("WorldNow and KHMT, a Heartland Media station. All
Rights Reserved. ...") was one segment per station, so the group's shared footer sentences were
never seen as shared. Every document's segments are dropped here, to be computed again and the
template text learnt afresh from them, in document order, as a new archive would learn it (by
revision 0005). `provenance analyze` then brings the stories up to date with the new masks.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM template_segments"))
    op.execute(sa.text("DELETE FROM segments"))


def downgrade() -> None:
    """The older segments cannot be told apart from the new ones; they stay."""
