"""A recheck's outcome in the graph: a stored copy fetched again is unchanged, changed (and how) or gone."""

from __future__ import annotations

from sqlalchemy.orm import Session

from archive.store.models import Check, Document
from archive.urls import url_key


def record_check(session: Session, url: str, previous: int, current: int | None, status: int | None,
                 detail: str | None) -> str:
    """A recheck's outcome, with what changed when the text did (credit lines removed, words)."""
    if current is None:
        outcome = "gone"
    elif current == previous:
        outcome = "unchanged"
    else:
        outcome = "changed"
        old, new = session.get(Document, previous), session.get(Document, current)
        detail = change_summary(old, new)
    session.add(Check(url=url, url_key=url_key(url), outcome=outcome, http_status=status,
                      document_id=current, detail=detail))
    return outcome


def change_summary(old: Document, new: Document) -> str:
    credits = lambda doc: {c["text"] for c in (doc.signals or {}).get("credits") or () if c.get("kind") != "canonical"}  # noqa: E731
    removed = credits(old) - credits(new)
    parts = [f"credit removed: {text!r}" for text in sorted(removed)]
    if (old.title or "") != (new.title or ""):
        parts.append(f"title was {old.title!r}")
    delta = len(new.text.split()) - len(old.text.split())
    parts.append(f"text {'+' if delta >= 0 else ''}{delta} words")
    return "; ".join(parts)
