"""Initial schema: outlets, stories, documents, fingerprints, edges, skipped captures.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outlets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('domain')
    )
    op.create_table('skipped',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('warc_file', sa.Text(), nullable=True),
    sa.Column('warc_offset', sa.BigInteger(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url', 'reason', 'warc_file', 'warc_offset', name='uq_skipped')
    )
    op.create_table('stories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('origin_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_key', sa.String(length=2000), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('page_title', sa.Text(), nullable=True),
    sa.Column('author', sa.Text(), nullable=True),
    sa.Column('published', sa.DateTime(), nullable=True),
    sa.Column('date_trust', sa.Double(), nullable=False),
    sa.Column('site_name', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=12), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_digest', sa.String(length=64), nullable=False),
    sa.Column('signals', sa.JSON(), nullable=False),
    sa.Column('fingerprint_count', sa.Integer(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('payload_digest', sa.String(length=80), nullable=True),
    sa.Column('warc_file', sa.Text(), nullable=True),
    sa.Column('warc_offset', sa.BigInteger(), nullable=True),
    sa.Column('warc_length', sa.BigInteger(), nullable=True),
    sa.Column('warc_record_id', sa.String(length=100), nullable=True),
    sa.Column('discovered_via', sa.String(length=200), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlets.id'], ),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url_key', 'text_digest', name='uq_capture')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_outlet_id'), ['outlet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_payload_digest'), ['payload_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_story_id'), ['story_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_text_digest'), ['text_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_url_key'), ['url_key'], unique=False)

    with op.batch_alter_table('stories', schema=None) as batch_op:  # stories and documents point at each other
        batch_op.create_foreign_key('fk_stories_origin_id', 'documents', ['origin_id'], ['id'], ondelete='SET NULL')

    op.create_table('edges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('derived_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('confidence', sa.Double(), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['derived_id'], ['documents.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['documents.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'derived_id', name='uq_edge')
    )
    with op.batch_alter_table('edges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edges_derived_id'), ['derived_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_edges_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_edges_story_id'), ['story_id'], unique=False)

    op.create_table('fingerprints',
    sa.Column('hash', sa.BigInteger(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('hash', 'document_id')
    )
    with op.batch_alter_table('fingerprints', schema=None) as batch_op:
        batch_op.create_index('ix_fingerprints_document', ['document_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('fingerprints', schema=None) as batch_op:
        batch_op.drop_index('ix_fingerprints_document')

    op.drop_table('fingerprints')
    with op.batch_alter_table('edges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edges_story_id'))
        batch_op.drop_index(batch_op.f('ix_edges_source_id'))
        batch_op.drop_index(batch_op.f('ix_edges_derived_id'))

    op.drop_table('edges')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_url_key'))
        batch_op.drop_index(batch_op.f('ix_documents_text_digest'))
        batch_op.drop_index(batch_op.f('ix_documents_story_id'))
        batch_op.drop_index(batch_op.f('ix_documents_payload_digest'))
        batch_op.drop_index(batch_op.f('ix_documents_outlet_id'))

    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_constraint('fk_stories_origin_id', type_='foreignkey')
    op.drop_table('documents')
    op.drop_table('stories')
    op.drop_table('skipped')
    op.drop_table('outlets')
