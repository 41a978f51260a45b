"""A word-level diff of two copies: what a spinner substituted, what an editor added or cut."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from archive.provenance.text import tokens


@dataclass(frozen=True, slots=True)
class Chunk:
    op: str  # equal, replace (a substitution), insert (only in B), delete (only in A)
    a: tuple[str, ...]
    b: tuple[str, ...]


def word_diff(text_a: str, text_b: str) -> list[Chunk]:
    a, b = tokens(text_a), tokens(text_b)
    return [Chunk(op.tag, a.shown[op.src_start : op.src_end], b.shown[op.dest_start : op.dest_end])
            for op in Levenshtein.opcodes(a.norm, b.norm)]


def summary(chunks: list[Chunk]) -> dict[str, int]:
    out = {"equal": 0, "substituted": 0, "inserted": 0, "deleted": 0}
    for c in chunks:
        if c.op == "equal":
            out["equal"] += len(c.a)
        elif c.op == "replace":
            out["substituted"] += len(c.b)
        elif c.op == "insert":
            out["inserted"] += len(c.b)
        else:
            out["deleted"] += len(c.a)
    return out
