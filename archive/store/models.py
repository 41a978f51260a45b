"""The provenance graph's tables (SQLAlchemy 2.0 typed models).

outlets 1─* documents *─1 stories; edges link a source document to a derived one and carry the
relation, a confidence and the evidence list. ``fingerprints`` is the candidate index: one row per
(hash, document), looked up by hash, so it can be partitioned by hash when it outgrows one server.
``segments`` and ``template_segments`` hold what is known of each site's template text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator):
    """Naive UTC in the database (SQLite keeps no zone), aware UTC never stored by mistake."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Outlet(Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    name: Mapped[str | None] = mapped_column(String(300))

    documents: Mapped[list[Document]] = relationship(back_populates="outlet")


class Story(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", use_alter=True, ondelete="SET NULL", name="fk_stories_origin_id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    documents: Mapped[list[Document]] = relationship(back_populates="story", foreign_keys="Document.story_id")
    origin: Mapped[Document | None] = relationship(foreign_keys=[origin_id], post_update=True)


class Document(Base):
    """One capture of one URL: a changed page becomes a new document with the same URL."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("url_key", "text_digest", name="uq_capture"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(String(2000), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlets.id"), index=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    page_title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None]
    date_trust: Mapped[float] = mapped_column(default=0.0)
    site_name: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    text_digest: Mapped[str] = mapped_column(String(64), index=True)
    signals: Mapped[dict[str, Any]] = mapped_column(default=dict)  # credits, links, spin marks
    fingerprint_count: Mapped[int] = mapped_column(default=0)
    fetched_at: Mapped[datetime | None]
    http_status: Mapped[int | None]
    payload_digest: Mapped[str | None] = mapped_column(String(80), index=True)
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_length: Mapped[int | None] = mapped_column(BigInteger)
    warc_record_id: Mapped[str | None] = mapped_column(String(100))
    discovered_via: Mapped[str | None] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    outlet: Mapped[Outlet] = relationship(back_populates="documents")
    story: Mapped[Story | None] = relationship(back_populates="documents", foreign_keys=[story_id])


class Fingerprint(Base):
    __tablename__ = "fingerprints"

    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_fingerprints_document", "document_id"),)


class Segment(Base):
    """A line or sentence of a document's text (:mod:`archive.provenance.template`), indexed by
    hash within its site, so the pages of a site that share it can be found."""

    __tablename__ = "segments"

    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    site: Mapped[str] = mapped_column(String(253))
    words: Mapped[int]

    __table_args__ = (Index("ix_segments_document", "document_id"), Index("ix_segments_site_hash", "site", "hash"))


class TemplateSegment(Base):
    """A segment known to be template text of a site: left out of what the engine compares, in
    every document that holds it."""

    __tablename__ = "template_segments"

    site: Mapped[str] = mapped_column(String(253), primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)

    __table_args__ = (Index("ix_template_segments_hash", "hash"),)


class Edge(Base):
    """``derived`` was made from ``source`` (or, with relation ``quotes``, quotes it)."""

    __tablename__ = "edges"
    __table_args__ = (UniqueConstraint("source_id", "derived_id", name="uq_edge"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    derived_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float]
    is_primary: Mapped[bool] = mapped_column(default=True)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)

    source: Mapped[Document] = relationship(foreign_keys=[source_id])
    derived: Mapped[Document] = relationship(foreign_keys=[derived_id])


class Skipped(Base):
    """A capture that gave no document (not HTML, no text, unreadable): counted, never lost."""

    __tablename__ = "skipped"
    __table_args__ = (UniqueConstraint("url", "reason", "warc_file", "warc_offset", name="uq_skipped"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(300))
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class Check(Base):
    """One re-fetch of a stored copy (``provenance recheck``): unchanged, changed (a new capture,
    ``document_id``) or gone (an error status or no answer)."""

    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(String(2000), index=True)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20))
    http_status: Mapped[int | None]
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    detail: Mapped[str | None] = mapped_column(Text)
