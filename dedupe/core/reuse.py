"""Text reuse across documents: when a pair of sentences counts as copied,
and how matched sentences make one passage.

A copied passage is rarely copied whole. A writer who lifts several
sentences from a longer source changes a word here and there, merges two
sentences into one, drops one and swaps two. Each such sentence still
shares most of its shingles with one sentence of the source (or, when
merged, contains most of each of two), but no paragraph of the copy is a
near-duplicate of a paragraph of the source. So pairs of sentences are
judged on their exact shingle sets (:func:`strength`):

- *strong*: Jaccard at least ``threshold``, or one of the two contains at
  least ``containment`` of the other (a fragment, or a sentence merged into
  a longer one): a copy on its own, when the sentence is long enough to be
  evidence (:mod:`dedupe.core.evidence`);
- *weak*: Jaccard at least :data:`WEAK_JACCARD` or containment at least
  :data:`WEAK_CONTAINMENT`: what one or two changed words leave of a
  sentence, which same-topic writing reaches by chance now and then, so a
  weak pair counts only beside another match of the same passage.

Matches are then merged into passages (:func:`group_runs`): consecutive
sentences of the copy whose sources are sentences of one document lying
within :data:`WINDOW` sentences of each other, in any order (reordered and
dropped sentences). A passage stands when it holds matches of two long
sentences, weak or strong, or strong matches of shorter sentences that
together are long enough (:func:`supported`). A lone sentence stands only
when its match is strong and it is an exact copy, or long twice over: real
writing repeats formulas ("Note that this code does not compile yet.") in
slightly different words, which a loop or a copy does not need to; a lone
short sentence never stands.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from dedupe.core.verify import reaches

#: Jaccard of a sentence and its lightly edited copy: one changed token
#: in a sentence of 15 tokens leaves 0.625 (3-grams), two leave about 0.45.
WEAK_JACCARD = 0.45
#: The share of a sentence found in another that makes a weak match.
WEAK_CONTAINMENT = 0.6
#: Source sentences of one passage lie at most this many sentences apart
#: from the passage's others (a dropped or moved sentence in between).
WINDOW = 3
NONE, WEAK, STRONG = 0, 1, 2


def strength(inter: int, size_a: int, size_b: int, threshold: float, containment: float) -> tuple[int, float]:
    """``(NONE | WEAK | STRONG, similarity)`` of two sentences whose shingle
    sets have ``size_a`` and ``size_b`` elements and ``inter`` in common.
    The similarity is the Jaccard, or the containment of the smaller in
    the larger when that is what decides."""
    if inter <= 0 or size_a <= 0 or size_b <= 0:
        return NONE, 0.0
    jac = inter / (size_a + size_b - inter)
    cont = inter / min(size_a, size_b)
    if jac >= threshold:
        return STRONG, jac
    if cont >= containment:
        return STRONG, cont
    if jac >= WEAK_JACCARD or cont >= WEAK_CONTAINMENT:
        return WEAK, max(jac, cont)
    return NONE, 0.0


def weakest(threshold: float, containment: float) -> tuple[float, float]:
    """The Jaccard and the containment that :func:`strength`'s weakest
    rule needs: a pair of sets that reaches neither
    (:func:`dedupe.core.verify.reaches`) is ``NONE``."""
    return min(threshold, WEAK_JACCARD), min(containment, WEAK_CONTAINMENT)


def may_match(inter: np.ndarray, size_a: np.ndarray, size_b: np.ndarray, threshold: float,
              containment: float) -> np.ndarray:
    """Which pairs :func:`strength` might not call ``NONE``: its weakest
    rule over whole arrays, in the same float arithmetic, so that the
    pairs it would reject need no call (they are almost all of an LSH's
    candidates)."""
    return reaches(inter, size_a, size_b, *weakest(threshold, containment))


@dataclass(frozen=True)
class Part:
    """One matched sentence of a copy: its position in the copy, the source
    document and the source sentence's position there, how strong the
    match is, whether both sentences are long enough to be evidence
    (:func:`dedupe.core.evidence.is_long`), the weighted tokens of the
    shorter one, and whether they are equal after normalization."""

    copy: int
    source: Hashable
    at: int
    strength: int
    long: bool
    weight: float = 0.0
    exact: bool = False


def group_runs(parts: Sequence[Part]) -> list[list[int]]:
    """Indices of ``parts`` grouped into candidate passages, each in copy
    order: one source document, copy sentences consecutive (or the same
    one, merged from two), source sentences within :data:`WINDOW` of the
    run's. Deterministic for any order of ``parts``."""
    order = sorted(range(len(parts)), key=lambda i: (str(parts[i].source), parts[i].copy, parts[i].at))
    out: list[list[int]] = []
    lo = hi = last = 0
    for i in order:
        p = parts[i]
        run = out[-1] if out else None
        if (run is not None and parts[run[0]].source == p.source and p.copy - last <= 1
                and lo - WINDOW <= p.at <= hi + WINDOW):
            run.append(i)
            lo, hi = min(lo, p.at), max(hi, p.at)
        else:
            out.append([i])
            lo = hi = p.at
        last = p.copy
    return out


#: A lone sentence that is not an exact copy must weigh this many times
#: the evidence length.
LONE_FACTOR = 2.0


def supported(parts: Sequence[Part], evidence_tokens: float) -> bool:
    """Whether matched sentences make a passage: matches of two long
    sentences; strong matches of two or more sentences that together weigh
    ``evidence_tokens``; or one strong match of a long sentence that is
    exact or weighs :data:`LONE_FACTOR` times ``evidence_tokens``."""
    long = [p for p in parts if p.long]
    if len({p.copy for p in long}) >= 2:
        return True
    # Short sentences copied side by side weigh together, as they will
    # once the copy is one piece (the evidence rule's long runs).
    weights = {p.copy: p.weight for p in parts if p.strength == STRONG}
    if len(weights) >= 2 and len(weights) == len({p.copy for p in parts}) and sum(weights.values()) >= evidence_tokens:
        return True
    return any(p.strength == STRONG and (p.exact or p.weight >= LONE_FACTOR * evidence_tokens) for p in long)
