"""How sure the engine is of a parent: a probability fitted on labelled corpora, not a guess.

Each candidate parent of a copy is described by a few plain features of its evidence (its score,
its margin over the other candidates, whether a pointer, a credit, a date, a copied title or a
wire credit backs it, whether the two texts are twins, how far the other direction of the pair
scores below it, and the two together: where nothing tells two twins' order, it says so). A logistic regression fitted
on evaluation corpora with known truth (``python -m benchmarks.calibrate``) turns them into the
probability that this parent is the right one; its weights are kept in
``calibration.json`` beside this module, with the corpora it was fitted on and the calibration
error measured on corpora it was not fitted on. Without that file the softmax of the scores is
used.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

MODEL = Path(__file__).with_name("calibration.json")
FEATURES = ("bias", "score", "margin", "share", "rivals", "chosen", "wire", "pointer", "named", "later",
            "earlier", "title", "twins", "spin", "partial", "direction",
            "twin_guess")
_POINTERS = ("canonical_to_source", "og_url_to_source", "original_source_to_source", "syndication_source_to_source",
             "is_based_on_to_source", "link_to_source", "links_to_source")


def features(score: float, others: list[float], chosen: bool, kinds: set[str], twins: bool, spin: bool,
             partial: bool, direction: float = 1.0, twin_guess: bool = False) -> dict[str, float]:
    """The features of one candidate parent, from its score, its rivals' and its evidence kinds;
    ``direction``: how much better the edge scores than the reverse one (near 0: two texts whose
    order nothing tells); ``twin_guess``: a chosen parent that nothing but a coin set apart from
    a twin (the twins swapped, or the parent's twin as the source, score about as well: story.py)."""
    top = max([score, *others])
    share = math.exp(score - top) / sum(math.exp(w - top) for w in [score, *others])
    return {
        "bias": 1.0,
        "score": max(-10.0, min(10.0, score)) / 10,
        "margin": max(-10.0, min(10.0, score - max(others))) / 10 if others else 1.0,
        "share": share,
        "rivals": math.log1p(len(others)),
        "chosen": float(chosen),
        "wire": float("wire_credit" in kinds),
        "pointer": float(any(k in _POINTERS for k in kinds)),
        "named": float(any(k.endswith("_names_source") for k in kinds)),
        "later": float("published_later" in kinds),
        "earlier": float("published_earlier" in kinds),
        "title": float("title_copied" in kinds),
        "twins": float(twins),
        "spin": float(spin),
        "partial": float(partial),
        "direction": direction,
        # a parent chosen among twins nothing tells apart: a guess, not a finding
        "twin_guess": float(twin_guess),
    }


@lru_cache(maxsize=1)
def _weights() -> dict[str, float] | None:
    try:
        return json.loads(MODEL.read_text())["weights"]
    except (OSError, ValueError, KeyError):
        return None


def probability(values: dict[str, float]) -> float:
    """The probability that the candidate is the right parent."""
    weights = _weights()
    if weights is None:
        return values["share"] / (1 + math.exp(-values["score"] * 5))
    z = sum(weights.get(name, 0.0) * values[name] for name in FEATURES)
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
