"""Find repeated text inside one document.

Units are the document's prose paragraphs and, inside them, sentences.
Paragraphs are visited in keep order (first occurrence first, or longest
first); each one is compared, exactly, with the kept units it shares
shingles with. A paragraph that duplicates a kept unit is removed whole;
otherwise its sentences are checked the same way, and a sentence that
repeats kept text is removed while the rest of the paragraph stays.

Only kept units ever serve as the copy a removal points to, so nothing is
removed through a chain (A~B, B~C) unless it is itself verified against
the copy that survives.

Two rules of :mod:`dedupe.core.evidence` sit on top: a pair whose numbers,
paths, code spans or negations differ is never a match, and a short unit
is removed only inside a longer repeated run. The second needs to know the
neighbours' fate, so detection runs again with the unsupported short units
barred until none is left (two passes on a document with such repeats,
one on the rest).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from dedupe._lazy import LazyPattern
from dedupe.core import evidence
from dedupe.core.candidates import lsh_pairs, overlap_pairs, pairs_from_buckets
from dedupe.core.results import Removal, Span
from dedupe.core.segment import (
    TAB_LEVEL,
    Segment,
    Unit,
    ends_indented_body,
    indent,
    names_an_entry,
    opens_list_item,
    paragraphs,
    sections,
    units,
)
from dedupe.core.shingle import ShingleSets, shingle, tokens, unique_sets
from dedupe.core.signature import minhash
from dedupe.core.tidy import delete_spans
from dedupe.core.verify import (
    Similarity,
    compare,
    longest_new_run,
    reaching_intersections,
    set_intersections,
    set_sketches,
)
from dedupe.options import Options

# Above this many units, candidates come from MinHash LSH instead of the
# exact shingle co-occurrence count, whose cost grows with shared phrases.
LSH_ABOVE_UNITS = 20_000
# LSH is tuned for a lower Jaccard than the removal threshold so that
# truncated copies, whose Jaccard with the original is low, still collide.
LSH_THRESHOLD = 0.5
# A bucket of more units than this (a shingle or band shared by many) links
# each unit to the bucket's first REACH units, the earliest copies, and to
# its predecessor, not to every other: 20,000 near-identical paragraphs took
# minutes and gigabytes through all-pairs buckets. Linking to 1 or 4
# predecessors removed the same text on them and on quality.py.
BUCKET_CAP = 64
REACH = 16

_RANK = {"exact": 0, "near-duplicate": 1, "contained": 2, "repeated-sentence": 2}


@dataclass
class _Match:
    kind: str
    source: int
    similarity: float
    size: int


class _Document:
    """Units, their shingle sets and candidate neighbours."""

    def __init__(self, text: str, options: Options) -> None:
        self.text = text
        self.options = options
        segments = paragraphs(text)
        found = units(text, options.sentences, segments)
        self._code = [(s.start, s.end) for s in segments if s.kind == "code"]
        self._code_text: str | None = None
        # Paragraphs first, so that a paragraph's number is its unit number.
        self.units: list[Unit] = [u for u in found if not u.is_sentence]
        self.n_blocks = len(self.units)
        self.sentences_of: list[list[int]] = [[] for _ in self.units]
        for u in found:
            if u.is_sentence:
                self.sentences_of[u.block].append(len(self.units))
                self.units.append(u)
        # A paragraph in a block quote that repeats the text's own words is
        # a quotation ("Let's look at that phrase again: > ..."), never a
        # copy of the words it quotes. The other way round it may be: a
        # loop that repeats a quoted note as plain text.
        self._quoted = np.array([text.startswith(">", u.start) for u in self.units[: self.n_blocks]], dtype=bool)
        # Text repeated under headings that say something else is parallel
        # writing (the same lead-in in each section of a how-to): it needs
        # twice the evidence length, and reworded it never counts alone
        # (_parallel, _held_to_more). Under the headings of two
        # releases ("## 0.13.0", "## 0.13.0.dev0") it is a release's entries
        # again in its pre-release: never a copy (may_copy). A loop that
        # repeats its headings repeats the same section.
        headed = sections(text, segments)
        self.section, self._paths = np.array(headed.of, dtype=np.int64), headed.paths
        # The list each paragraph is an item of (-1: none). A list item is
        # never a copy of another list's item, nor of a paragraph's text
        # (may_copy); two items of one list are parallel text (_parallel).
        # And the item each paragraph is or is part of, and each item's
        # examples: what an item repeats of another stays while it keeps
        # text or an example of its own (_own_items).
        self.list_of, self.item_of, self.item_fixed = _lists(text, segments)
        self.listed = self.list_of >= 0
        # The callout (an admonition, a container) each paragraph is in the
        # body of: under other headings, one callout's text is never a copy
        # of another's (may_copy).
        self.callout_of = _callouts(text, segments)
        self.fixed_before = _fixed_before(text, segments)
        # A lead-in says what it introduces: the block that stays right
        # after it (code, a table), where it ends with a colon.
        self.introduces = _introduced(text, segments)
        self.sets: ShingleSets = shingle([text[u.start : u.end] for u in self.units], options.ngram)
        self._sets = unique_sets(self.sets)
        self._unique: dict[int, np.ndarray] = {}  # the remainder units' sets
        self._keys: dict[int, int] = {}
        self._marks: dict[int, evidence.Marks] = {}
        self._formulas: set[int] | None = None  # keys of is_formula, once asked
        self._blocks = np.fromiter((u.block for u in self.units), dtype=np.int64, count=len(self.units))
        self.candidates = self._candidates()
        self.n_units = len(self.units)  # before any remainder unit is added
        self.barred: set[int] = set()
        # One edit (a word changed, dropped or added) leaves at most
        # ``ngram`` shingles in a row unmatched; a longer run is two new
        # tokens or more in a row, new text that must stay. On quality.py
        # this costs 0.001 of edited-copy recall.
        self.new_run = options.ngram + 1

    def marks(self, i: int) -> evidence.Marks:
        if i not in self._marks:
            self._marks[i] = evidence.marks(self.text[self.units[i].start : self.units[i].end])
        return self._marks[i]

    def is_formula(self, u: int) -> bool:
        """Whether the very text of unit ``u`` is found in more than two
        places of the text (as a paragraph or a sentence): the page's
        formula, which says nothing of a run."""
        if self._formulas is None:
            keys, counts = np.unique(self.sets.keys[: self.n_units], return_counts=True)
            self._formulas = set(keys[counts > 2].tolist())
        return int(self.sets.keys[u]) in self._formulas

    def introduces_other(self, u: int, source: int) -> bool:
        """Whether unit ``u`` ends a lead-in whose block (code, a table)
        is not the one its ``source``'s lead-in introduces: a writer's
        formula before each example ("You can replace the deprecated
        signatures with the following command:" before each codemod),
        which stays unless it is evidence on its own. A loop repeats the
        code with its lead-in."""
        b = self.units[u].block
        shown, theirs = self.introduces[b], self.introduces[self.units[source].block]
        if shown is None or theirs is None or self.text[self.units[u].end : self.units[b].end].strip():
            return False
        return shown != theirs

    def shows_a_variant(self, u: int, source: int) -> bool:
        """Whether quoted unit ``u`` says (each of its sentences says) its
        quoted ``source``'s words, written another way: with other white
        space inside a line, punctuation, character width or case. A style
        guide quotes the right way and the wrong ones side by side ("在
        LeanCloud 上" and "在LeanCloud上", "巴西隊！" and "巴西隊！！"); a
        loop or a paste repeats a quote as it was, wrapped anew at most."""
        a, b = self.units[u], self.units[source]
        if not (self._quoted[a.block] and self._quoted[b.block]):
            return False
        theirs = self.text[b.start : b.end]
        if _surface(self.text[a.start : a.end]) in _surface(theirs):
            return False
        words = _joined(tokens(theirs))
        parts = self.sentences_of[u] if u < self.n_blocks and self.sentences_of[u] else [u]
        return all(_joined(tokens(self.text[self.units[p].start : self.units[p].end])) in words for p in parts)

    def shown_as_code(self, of: Iterable[int]) -> set[int]:
        """The units of ``of`` whose words a code block of the text holds
        too, in order: the rendered half of an example whose source the
        page shows ("Example:" then "Result:"), which a reference page
        repeats in every section on purpose."""
        if not self._code:
            return set()
        if self._code_text is None:
            self._code_text = "\n".join(" ".join(self.text[a:b].split()) for a, b in self._code)
        shown = set()
        for u in of:
            words = " ".join(self.text[self.units[u].start : self.units[u].end].split())
            if words in self._code_text:
                shown.add(u)
        return shown

    def may_copy(self, copy: np.ndarray, source: np.ndarray) -> np.ndarray:
        """Whether a unit of paragraph ``copy[i]`` may be a copy of one of
        paragraph ``source[i]``: not a quotation of unquoted text, nor a
        list item of a paragraph's text or the other way round, nor a list
        item of another list's item, nor, across two sections, a release's
        text in another release or a subsection's in its twin under
        another parent (see ``__init__`` and :func:`_sections_apart`)."""
        if len(self._paths) < 2 and not self._quoted.any() and not self.listed.any():
            return np.ones(copy.size, dtype=bool)  # most pages of a site: nothing to ask
        # A point of a summary ("Summary: - equals() ...") restates what the
        # text said, and a paragraph may spell out a point listed before
        # it; the items of two lists repeat on purpose (the arguments two
        # blocks share, listed for each, or a summary's points in the
        # details). A loop repeats list items in their list, paragraphs as
        # paragraphs.
        never = (self._quoted[copy] & ~self._quoted[source]) | (self.list_of[copy] != self.list_of[source])
        a, b = self.section[copy], self.section[source]
        # A writer repeats a callout (the same warning in each section that
        # deletes data, the same tip for two ways of doing one thing).
        c, d = self.callout_of[copy], self.callout_of[source]
        never |= (c >= 0) & (d >= 0) & (c != d) & (a != b)
        apart = np.flatnonzero(a != b)
        parallel = np.zeros(copy.size, dtype=bool)
        if apart.size:
            pairs, back = np.unique(np.stack([a[apart], b[apart]], axis=1), axis=0, return_inverse=True)
            kept_apart = np.array([_sections_apart(self._paths[x], self._paths[y]) for x, y in pairs.tolist()])
            parallel[apart] = kept_apart[back.ravel()]
        return ~(never | parallel)

    def reset(self, barred: set[int]) -> None:
        """Forget the remainder units of a previous pass."""
        self.barred = barred
        if len(self.units) == self.n_units:
            return
        for i in range(self.n_units, len(self.units)):
            self._unique.pop(i, None)
            self._keys.pop(i, None)
            self._marks.pop(i, None)
        del self.units[self.n_units :]
        self.candidates.forget_remainders()

    def unique(self, i: int) -> np.ndarray:
        """The sorted set of unit ``i``'s shingles."""
        if i < self.n_units:
            return self._sets.hashes[self._sets.offsets[i] : self._sets.offsets[i + 1]]
        return self._unique[i]

    def compared(self, i: int, sources: set[int]) -> Iterator[tuple[int, Similarity]]:
        """Each candidate of unit ``i`` among ``sources`` that may be what
        ``i`` copies (:meth:`_Candidates.sources_of`), in candidate order,
        with the similarity of their shingle sets."""
        for c, n in self.candidates.sources_of(i):
            if c not in sources:
                continue
            a, b = self.unique(i), self.unique(c)
            yield c, Similarity(n, a.size, b.size) if n >= 0 else compare(a, b)

    def key(self, i: int) -> int:
        return self._keys[i] if i in self._keys else int(self.sets.keys[i])

    def add_remainder(self, block: int, kept: list[int], dropped: set[int]) -> int:
        """A unit for what stays of a paragraph whose other sentences were
        removed, so that later paragraphs meet the same source here as they
        will when the cleaned text is cleaned again."""
        spans = [(self.units[s].start, self.units[s].end) for s in sorted(dropped)]
        b = self.units[block]
        piece = delete_spans(self.text[b.start : b.end], [(x - b.start, y - b.start) for x, y in spans])
        one = shingle([piece], self.options.ngram)
        first, last = self.units[kept[0]], self.units[kept[-1]]
        # The kept copy a removal points at must be kept text: the run of
        # kept sentences when it is unbroken, else its largest sentence.
        if not any(first.start < self.units[s].start < last.end for s in dropped):
            span = (first.start, last.end)
        else:
            big = max(kept, key=lambda s: self.units[s].end - self.units[s].start)
            span = (self.units[big].start, self.units[big].end)
        r = len(self.units)
        self.units.append(Unit(span[0], span[1], block, False))
        self._unique[r] = one.unique(0)
        self._keys[r] = int(one.keys[0])
        near: set[int] = set(self.candidates.of(block))
        for s in self.sentences_of[block]:
            near.update(self.candidates.of(s))
        others = np.array(sorted(near), dtype=np.int64)
        # Earlier remainders among them are past the units' block array.
        blocks = np.array([self.units[u].block for u in others.tolist()], dtype=np.int64)
        mine = np.full(others.size, block, dtype=np.int64)
        self.candidates.add_remainder(r, others[self.may_copy(mine, blocks)].tolist(),
                                      others[self.may_copy(blocks, mine)].tolist())
        return r

    def _candidates(self) -> _Candidates:
        tokens = self.sets.tokens
        # Only units that can be removed or kept as a source need
        # neighbours: those of min_tokens or more, and sentences, which may
        # go as a leftover fragment; a line of two words never does.
        is_sentence = np.fromiter((u.is_sentence for u in self.units), dtype=bool, count=len(self.units))
        active = np.flatnonzero((tokens >= self.options.min_tokens) | (is_sentence & (tokens > 0)))
        if active.size <= LSH_ABOVE_UNITS:
            pairs = overlap_pairs(self.sets, active, BUCKET_CAP, REACH)
        else:
            sigs = minhash(self.sets, self.options.num_perm, self.options.seed)[active]
            pairs = active[lsh_pairs(sigs, LSH_THRESHOLD, BUCKET_CAP, REACH)]
        # Exact repeats are always candidates, however often they repeat.
        exact = pairs_from_buckets(self.sets.keys[active], active, max_bucket=1)
        if exact.size:
            pairs = np.concatenate([pairs, exact]) if pairs.size else exact
        return _Candidates(pairs, self._sets, self.sets.keys, self.options.containment,
                           lambda copy, source: self.may_copy(self._blocks[copy], self._blocks[source]))

    def best_match(self, i: int, sources: set[int]) -> _Match | None:
        opts = self.options
        best: _Match | None = None
        if i in self.barred:
            return None
        for c, sim in self.compared(i, sources):
            if self.key(i) == self.key(c):
                m = _Match("exact", c, 1.0, self.units[c].end - self.units[c].start)
            else:
                if sim.containment < opts.containment:
                    # Too much of this unit is its own (a copy with new
                    # text added): never removed whole, whatever Jaccard.
                    continue
                if evidence.conflict(self.marks(i), self.marks(c), sim.size_a < sim.size_b):
                    continue
                if longest_new_run(self.sets.raw(i) if i < self.n_units else self.unique(i),
                                   self.unique(c)) > self.new_run:
                    # New text in a row (a clause, a sentence): only the
                    # copied part may go, so the unit's sentences decide.
                    continue
                if sim.jaccard >= opts.threshold:
                    m = _Match("near-duplicate", c, sim.jaccard, sim.size_b)
                elif sim.size_a < sim.size_b:
                    # A truncated copy or fragment: judged by containment,
                    # since its Jaccard with the whole falls with its length.
                    m = _Match("contained", c, sim.containment, sim.size_b)
                else:
                    continue
            if best is None or _better(m, best, self.units):
                best = m
        return best


class _Candidates:
    """Each unit's candidates, in the order their pairs were found, with
    the size of the intersection of the two units' sets.

    Every pair's intersection is computed in one call when the candidates
    are found, and each direction of a pair is marked as a possible copy
    (the copy's set contained enough in the source's, or the same text):
    a long list of short, similar items (a changelog) has hundreds of
    thousands of pairs, and comparing them one call at a time took most of
    a check's time. Only the pairs that share something a copy needs are
    turned into directions (:meth:`sources_of`); every candidate of a unit
    (:meth:`of`) is listed on first use, for the remainder units
    (:meth:`_Document.add_remainder`), which get their candidates
    afterwards, without intersections (-1), and are forgotten between
    passes."""

    def __init__(self, pairs: np.ndarray, sets: ShingleSets, keys: np.ndarray, containment: float,
                 allowed: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None) -> None:
        self._pairs = pairs = pairs.reshape(-1, 2)
        self._n = len(sets)
        inter = _intersections(sets, pairs, containment)
        same = keys[pairs[:, 0]] == keys[pairs[:, 1]]
        # A pair whose sets share nothing, or too little for either
        # direction to reach ``containment`` (``_intersections`` gives it
        # 0), is a copy in no direction unless its texts are the same.
        # Most pairs of a long Chinese or Japanese text are such: 2.1
        # million of the Japanese Rust book as one text, of which 3,300
        # may copy. Turning every pair into two directions before asking
        # took 0.85 s, most of it the fresh memory of a dozen arrays of
        # 4 million values.
        hit = np.flatnonzero(same | (inter > 0))
        pairs, inter, same = pairs[hit], inter[hit], same[hit]
        size = np.diff(sets.offsets)
        # Each pair once per direction, a -> b (copy -> source) first.
        src, dst, both = pairs.ravel(), pairs[:, ::-1].ravel(), np.repeat(inter, 2)
        sz = size[src]
        may_copy = np.repeat(same, 2) | ((sz > 0) & (both / np.maximum(sz, 1) >= containment))
        keep = np.flatnonzero(may_copy)
        if allowed is not None:  # (copy units, source units) -> which may be copies
            keep = keep[allowed(src[keep], dst[keep])]
        keep = keep[np.argsort(src[keep], kind="stable")]
        self._copies = (np.searchsorted(src[keep], np.arange(self._n + 1)), dst[keep], both[keep])
        self._all: tuple[np.ndarray, np.ndarray] | None = None
        self._later: dict[int, list[int]] = {}

    def of(self, u: int) -> list[int]:
        """Every candidate of ``u``, in no particular order."""
        if self._all is None:
            # Entry j of the flat pairs is paired with entry j ^ 1. Grouped
            # by an unstable sort: the candidates of a unit are taken as a
            # set, and a stable sort of the 4 million entries of a long
            # Japanese text took 0.66 s, this one 0.13 s.
            flat = self._pairs.ravel()
            order = np.argsort(flat)
            order ^= 1
            bounds = np.zeros(self._n + 1, dtype=np.int64)
            np.cumsum(np.bincount(flat, minlength=self._n), out=bounds[1:])
            self._all = (bounds, flat[order])
            del flat, order
            self._pairs = self._pairs[:0]  # listed in ``_all`` now
        bounds, dst = self._all
        found = dst[bounds[u] : bounds[u + 1]].tolist() if u + 1 < bounds.size else []
        return found + self._later.get(u, [])

    def sources_of(self, u: int) -> Iterator[tuple[int, int]]:
        """The candidates ``u`` may copy, with the intersection of their
        sets (-1: not computed); candidates whose sets hold too little of
        ``u``'s are left out, since they cannot be its source."""
        bounds, dst, inter = self._copies
        if u + 1 < bounds.size:
            a, b = bounds[u], bounds[u + 1]
            yield from zip(dst[a:b].tolist(), inter[a:b].tolist())
        for c in self._later.get(u, ()):
            yield c, -1

    def add_remainder(self, r: int, sources: list[int], copies: list[int]) -> None:
        """Remainder unit ``r``, which may copy ``sources`` and be copied by
        ``copies``."""
        self._later[r] = list(sources)
        for u in copies:
            self._later.setdefault(u, []).append(r)

    def forget_remainders(self) -> None:
        self._later.clear()


#: With at least this many candidate pairs, :func:`_intersections` bounds
#: each pair's intersection before merging it.
BOUND_PAIRS = 1_000


def _intersections(sets: ShingleSets, pairs: np.ndarray, containment: float) -> np.ndarray:
    """``|A∩B|`` of every pair that either direction of may need (a copy
    holds ``containment`` of its set in the other's), and 0 for the rest,
    whose intersections are never read.

    A direction a -> b that reaches ``containment`` of a's set reaches it
    of the smaller set too, so :func:`reaching_intersections` gives it
    exactly. Most pairs of a page of Chinese or Japanese (a token a
    character) share a few common shingles and no more: on the Japanese
    Rust book, 7,086 of 404,379 pairs reach, and bounding them first took
    0.073 s where merging them all took 0.153 s. A page of few pairs, most
    of which reach (5,000 generated pages: 145,220 of 179,140), merges
    them at once."""
    if len(pairs) < BOUND_PAIRS:
        return set_intersections(sets, pairs)
    return reaching_intersections(sets, set_sketches(sets), pairs, math.inf, containment)


def _better(m: _Match, best: _Match, units: list[Unit]) -> bool:
    # Most certain kind, then highest similarity, then the smallest kept
    # span (the most precise pointer), then the earliest.
    key_m = (_RANK[m.kind], -m.similarity, m.size, units[m.source].start)
    key_b = (_RANK[best.kind], -best.similarity, best.size, units[best.source].start)
    return key_m < key_b


# Numbers, versions and dates, and month names: what tells the headings of
# two releases apart ("0.13.0 (May 22nd, 2020)", "[1.2.0] - 2020-05-01",
# "v2.1.0rc1"), or of two numbered steps.
_NUMBERED = re.compile(r"v?\d[\w.\-]*|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b\.?")


#: A version in a heading ("v2.0.1", "(18.0)"), past the section number a
#: heading may start with ("1.2 Installation"): two headings with
#: different ones name two releases, whatever words they add ("Planned
#: Breaking API Changes (7.0)", "Breaking API Changes (3.0)").
_VERSION = re.compile(r"\bv?\d+(?:\.\d+)+")
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s")


def _sections_apart(a: tuple[tuple[int, str], ...], b: tuple[tuple[int, str], ...]) -> bool:
    """Whether the text of two sections, by their heading paths, is never
    a copy of the other's: they part at two headings of one level that
    name two releases (:func:`_versions_apart`), or at two headings of one
    level under which they go on with the same headings (twins: "### Save
    your data" under "## Run with the CLI" and under "## Run with
    Compose", each half of the page complete for its reader), or at two
    tabs of a group. A loop that repeats its headings repeats them under
    the same parent."""
    for k, (x, y) in enumerate(zip(a, b)):
        if x != y:
            if x[0] == y[0] == TAB_LEVEL:
                return True  # two tabs of a group, each complete for its reader
            twins = x[0] == y[0] and len(a) == len(b) > k + 1 and a[k + 1 :] == b[k + 1 :]
            return twins or _versions_apart(x, y)
    return False


def _versions_apart(a: tuple[int, str], b: tuple[int, str]) -> bool:
    """Whether two different headings of one level name two releases:
    headings that differ only in their numbers (two releases of a
    changelog, not "1. Setup" and "2. Usage"), or that hold different
    versions. What lies under them may differ too: "### Deprecated: X"
    under one release, "### Removed: X" under the next."""
    (la, ta), (lb, tb) = a, b
    if la != lb:
        return False
    if _NUMBERED.sub("#", ta) == _NUMBERED.sub("#", tb):
        return True
    va, vb = (set(_VERSION.findall(_SECTION_NUMBER.sub("", t, count=1))) for t in (ta, tb))
    return bool(va) and bool(vb) and va != vb


def find_duplicates(text: str, options: Options) -> list[Removal]:
    """Removals that would turn ``text`` into its canonical text, which
    cleaned again loses nothing more.

    One settling of the evidence rule (:func:`_settled`) can leave a unit
    that the cleaned text no longer protects: it bars a unit for good in
    its first pass, when a neighbour that a later pass removes still stood
    between it and its copy. So the cleaned text is settled again, and
    what that finds joins the removals, until it finds nothing; most texts
    with removals take one more settling, texts without none."""
    return canonical(text, options)[0]


def canonical(text: str, options: Options) -> tuple[list[Removal], str]:
    """:func:`find_duplicates` of ``text`` and the text without them, which
    the last settling has made already."""
    found = _settled(text, options)
    cleaned = text
    while found:
        cleaned = delete_spans(text, [(r.start, r.end) for r in found])
        more = _settled(cleaned, options)
        if not more:
            break
        # A copy that the cleaned text's settling points at may hold text
        # removed before (a sentence gone from its middle): mapped back,
        # it points at what stays of it.
        more = [_still_kept(text, r, found) for r in _moved_back(text, found, cleaned, more)]
        # What the cleaned text's settling removes may hold removed text:
        # the rest of a paragraph whose sentence went, removed whole. Its
        # span, mapped back, takes in that removal, which then goes.
        found = [r for r in found if not any(m.start <= r.start and r.end <= m.end for m in more)]
        found = sorted([_still_kept(text, r, more) for r in found] + more, key=lambda r: r.start)
    return found, cleaned


def _still_kept(text: str, r: Removal, later: list[Removal]) -> Removal:
    """``r`` pointing at what stays of its kept copy once ``later`` goes
    too: the copy of a removal that takes all of it, or the part of it
    that no removal takes (the larger, if one takes its middle)."""
    a, b = r.duplicate_of.start, r.duplicate_of.end
    for m in later:
        if m.end <= a or b <= m.start:
            continue
        if m.start <= a and b <= m.end:
            a, b = m.duplicate_of.start, m.duplicate_of.end
        elif m.start - a >= b - m.end:
            b = m.start
        else:
            a = m.end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
    if (a, b) == (r.duplicate_of.start, r.duplicate_of.end):
        return r
    return Removal(r.start, r.end, r.kind, Span(a, b), r.similarity)


def _moved_back(text: str, found: list[Removal], cleaned: str, more: list[Removal]) -> list[Removal]:
    """``more`` (removals from ``cleaned``, ``text`` without ``found``) at
    their places in ``text``. Cleaning changes nothing outside the removed
    spans but white space, so the n-th visible character of one is the
    n-th of the other."""
    kept = np.ones(len(text), dtype=bool)
    for r in found:
        kept[r.start : r.end] = False
    here = np.flatnonzero(kept & ~_spaces(text))
    there = np.flatnonzero(~_spaces(cleaned))

    def start(o: int) -> int:
        return int(here[np.searchsorted(there, o)])

    def end(o: int) -> int:
        return int(here[np.searchsorted(there, o) - 1]) + 1

    return [Removal(start(r.start), end(r.end), r.kind,
                    Span(start(r.duplicate_of.start), end(r.duplicate_of.end)), r.similarity) for r in more]


#: The code points ``str.isspace`` holds: none is past U+3000.
_SPACES = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)


def _spaces(text: str) -> np.ndarray:
    """Which characters of ``text`` are white space (``str.isspace``), in
    one numpy pass rather than a Python call per character."""
    return np.isin(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4"), _SPACES)


def _settled(text: str, options: Options) -> list[Removal]:
    """Removals of ``text`` once the evidence rule bars no more units."""
    doc = _Document(text, options)
    barred: set[int] = set()
    # Each pass bars at least one more unit, so this ends; in practice a
    # second pass settles it (a third only when barring shifts a match).
    while True:
        doc.reset(barred)
        removals, removed = _detect(doc)
        parallel = _parallel(doc, removed)
        held = _far(doc, removed) | parallel
        # A lead-in that introduces other code than its original is the
        # page's formula: it joins no run, and stays unless long alone.
        leads = {r.unit for r in removed if doc.introduces_other(r.unit, r.source)}
        removed = _long_runs(doc, _held_to_more(doc, removed, held, parallel), held, leads)
        weak = evidence.unsupported(removed, partial(_next_to, doc), partial(_aligned, doc),
                                    partial(_stutter, doc, removed))
        weak |= doc.shown_as_code(r.unit for r in removed)
        weak |= _own_items(doc, removed)
        weak |= _sister_sentences(doc, removed, parallel)
        weak |= {r.unit for r in removed if not r.long and r.unit in leads}
        weak |= {r.unit for r in removed if doc.shows_a_variant(r.unit, r.source)}
        if not weak:
            return removals
        for u in weak:
            barred.add(u)
            if u < doc.n_blocks:  # a short paragraph's sentences are shorter still
                barred.update(doc.sentences_of[u])


def _detect(doc: _Document) -> tuple[list[Removal], list[evidence.Removed]]:
    """One pass: the removals, and what the evidence rule needs of them."""
    options = doc.options
    units = doc.units
    tokens = doc.sets.tokens
    order = list(range(doc.n_blocks))
    if options.keep == "longest":
        order.sort(key=lambda b: (-int(tokens[b]), units[b].start))
    sources: set[int] = set()
    removals: list[Removal] = []
    removed: list[evidence.Removed] = []

    def remove(i: int, match: _Match, kind: str) -> None:
        src = units[match.source]
        removals.append(
            Removal(units[i].start, units[i].end, kind, Span(src.start, src.end), match.similarity)
        )
        long = evidence.is_long(doc.text[units[i].start : units[i].end], options.evidence_tokens)
        removed.append(evidence.Removed(i, match.source, long, match.kind == "exact"))

    for b in order:
        if tokens[b] < options.min_tokens:
            continue
        match = doc.best_match(b, sources)
        if match is not None:
            # A paragraph that repeats one sentence of a kept paragraph.
            kind = "repeated-sentence" if units[match.source].is_sentence else match.kind
            remove(b, match, kind)
            continue
        _sentences(doc, b, sources, remove)
    removals.sort(key=lambda r: r.start)
    return removals, removed


def _sentences(doc: _Document, b: int, sources: set[int], remove) -> None:
    """The sentences of kept paragraph ``b`` that repeat kept text go; what
    stays of the paragraph becomes a source."""
    options = doc.options
    tokens = doc.sets.tokens
    own = doc.sentences_of[b]
    dropped: set[int] = set()
    kept_any = False
    for s in own:
        if tokens[s] < options.min_tokens:
            continue
        m = doc.best_match(s, sources)
        if m is not None:
            remove(s, m, "repeated-sentence")
            dropped.add(s)
        else:
            # A kept sentence is a source for the rest of its paragraph
            # at once; it would become one below in any case. Adding it in
            # place, not through a union per sentence, keeps this linear.
            sources.add(s)
            kept_any = True
    if dropped and not kept_any:
        # Every full sentence repeats kept text: a leftover fragment
        # (a truncated sentence at a broken paragraph edge) goes too
        # when all of it is found in a kept unit.
        for s in own:
            if s in dropped or tokens[s] == 0:
                continue
            m = _fragment_match(doc, s, sources)
            if m is not None:
                remove(s, m, "contained")
                dropped.add(s)
    if dropped:
        kept_all = [s for s in own if s not in dropped]
        if kept_all:
            sources.add(doc.add_remainder(b, kept_all, dropped))
    else:
        sources.add(b)


def _next_to(doc: _Document, u: int) -> list[int]:
    """Units next to ``u`` in the text: the neighbouring sentences of its
    paragraph, and across a paragraph edge the neighbouring paragraph and
    its edge sentence."""
    unit = doc.units[u]
    b = unit.block
    own = doc.sentences_of[b]
    out: list[int] = []
    if unit.is_sentence:
        k = own.index(u)
        if k > 0:
            out.append(own[k - 1])
        if k + 1 < len(own):
            out.append(own[k + 1])
        first, last = k == 0, k == len(own) - 1
    else:
        first = last = True
    if first and b > 0:
        out.append(b - 1)
        out.extend(doc.sentences_of[b - 1][-1:])
    if last and b + 1 < doc.n_blocks:
        out.append(b + 1)
        out.extend(doc.sentences_of[b + 1][:1])
    return out


def _far(doc: _Document, removed: list[evidence.Removed]) -> set[int]:
    """The removed units far from their text's other occurrences: more
    than :data:`evidence.NEAR_BLOCKS` blocks that stay from the copy they
    point at and from the nearest earlier unit of the same text (kept or
    removed: a sentence that ends each of a thousand entries repeats the
    entry before it, not only the first). Only what stays counts, as the
    cleaned text will show it, so that cleaning it again decides the
    same."""
    if not removed:
        return set()
    gone = np.zeros(doc.n_blocks, dtype=bool)
    left = [len(own) for own in doc.sentences_of]
    for r in removed:
        b = doc.units[r.unit].block
        if r.unit < doc.n_blocks:
            gone[b] = True
        else:
            left[b] -= 1
            gone[b] |= left[b] == 0
    # kept[i]: paragraphs that stay among the first i; the blocks that
    # always stay (code, tables, headings) count as doc.fixed_before says.
    kept = np.concatenate(([0], np.cumsum(~gone)))
    fixed = doc.fixed_before

    def apart(u: int, v: int) -> int:
        lo, hi = sorted((doc.units[u].block, doc.units[v].block))
        return int(kept[hi] - kept[lo + 1] + fixed[hi] - fixed[lo]) if lo < hi else 0

    earlier = _same_text_before(doc, [r.unit for r in removed])
    return {r.unit for r in removed
            if min(apart(r.unit, r.source), apart(r.unit, earlier.get(r.unit, r.source))) > evidence.NEAR_BLOCKS}


def _lists(text: str, segments: Sequence[Segment]) -> tuple[np.ndarray, np.ndarray, dict[int, list[str]]]:
    """For each prose paragraph, the number of the list it is an item of,
    or -1; the number of the list item it is or is part of, or -1; and
    for each item, the blocks of its body that always stay (code, tables).
    A list is list items one after the other at one indentation: the
    items nested under two items of a list are two lists (the same steps
    of a test plan under each of two policies). An item's body is what is
    indented under it (an option's name as an item, its description below
    it, in paragraphs and code), up to the first block that is not, but for
    a note written right under the body's code, with no blank line between
    (Doris' "注：..." under each example of a numbered list)."""
    lists, items = [], []
    nesting: list[tuple[int, int]] = []  # (indentation, number) of the lists an item may join
    count, item, in_item = 0, -1, False
    after_code = -1  # where the code block just before ends, or -1
    fixed: dict[int, list[str]] = {}
    for seg in segments:
        is_item, column = seg.kind == "list_item", indent(text, seg)
        if is_item:
            while nesting and nesting[-1][0] > column:
                nesting.pop()
            if not nesting or nesting[-1][0] < column:
                nesting.append((column, count))
                count += 1
        else:
            nesting.clear()
        if (is_item or (seg.kind == "structure" and opens_list_item(text, seg))
                or (seg.kind == "paragraph" and names_an_entry(text, seg))):
            item, in_item = item + 1, True
        elif in_item and not column and not _right_under(text, after_code, seg):
            in_item = False
        if not seg.protected:
            lists.append(nesting[-1][1] if is_item else -1)
            items.append(item if in_item else -1)
        elif in_item:
            fixed.setdefault(item, []).append(text[seg.start : seg.end].strip())
        after_code = seg.end if seg.kind == "code" else -1
    return np.array(lists, dtype=np.int64), np.array(items, dtype=np.int64), fixed


def _callouts(text: str, segments: Sequence[Segment]) -> np.ndarray:
    """For each prose paragraph, the number of the callout whose body it is
    part of, or -1: the paragraphs indented under an admonition's line
    ("!!! info", "??? tip"), or those between a container's or a pymdown
    block's opening line (":::tip", "::::note", "/// tip | Title") and its
    closing one (":::", "///"), nested ones included."""
    out: list[int] = []
    number, indented, depth = -1, False, 0
    for seg in segments:
        head = text[seg.start : seg.end].strip() if seg.kind in ("container", "admonition") else ""
        if seg.kind == "container" or head.startswith("/"):
            if head.strip(head[0]):  # an opening line names what it opens
                number, depth = number + (depth == 0), depth + 1
            else:
                depth = max(depth - 1, 0)
        elif seg.kind == "admonition":
            number, indented = number + 1, True
        elif indented and ends_indented_body(text, seg):
            indented = False
        if not seg.protected:
            out.append(number if indented or depth else -1)
    return np.array(out, dtype=np.int64)


def _right_under(text: str, end: int, seg: Segment) -> bool:
    """Whether segment ``seg`` starts on the line after offset ``end``
    (-1: never), with no blank line between."""
    return end >= 0 and text.count("\n", end, seg.start) <= 1


def _fixed_before(text: str, segments: Sequence[Segment]) -> np.ndarray:
    """For each prose paragraph, the paragraphs that the blocks before it
    which always stay (code, tables, headings) are worth to the distance
    of :func:`_far`: one for each :data:`evidence.LINES_PER_BLOCK` lines
    of a block, begun."""
    out, fixed = [], 0
    for seg in segments:
        if seg.protected:
            fixed += -(-(text.count("\n", seg.start, seg.end) + 1) // evidence.LINES_PER_BLOCK)
        else:
            out.append(fixed)
    return np.array(out, dtype=np.int64)


_QUOTE_MARKS = LazyPattern(r"(?m)^[ \t]*(?:>[ \t]?)+")


def _surface(text: str) -> str:
    """``text`` as it reads, whatever its wrapping: block-quote marks
    dropped and each run of white space one space."""
    return " ".join(_QUOTE_MARKS.sub("", text).split())


def _joined(words: list[str]) -> str:
    """``words`` as one string in which a run of them is a substring."""
    return "\x00" + "\x00".join(words) + "\x00"


def _introduced(text: str, segments: Sequence[Segment]) -> list[str | None]:
    """For each prose paragraph that ends with a colon and has a block
    that always stays right after it (code, a table), that block's text;
    ``None`` for the others."""
    out: list[str | None] = []
    for k, seg in enumerate(segments):
        if seg.protected:
            continue
        after = segments[k + 1] if k + 1 < len(segments) else None
        lead = seg.end > seg.start and text[seg.end - 1] in ":："  # a paragraph ends with no white space
        out.append(text[after.start : after.end] if lead and after is not None and after.protected else None)
    return out


def _same_text_before(doc: _Document, of: list[int]) -> dict[int, int]:
    """For each unit of ``of``, the nearest unit before it with the very
    same text, where there is one."""
    keys = doc.sets.keys[: doc.n_units]
    wanted = np.unique(keys[np.asarray(of, dtype=np.int64)])
    same: dict[int, list[tuple[int, int]]] = {}
    for i in np.flatnonzero(np.isin(keys, wanted)).tolist():
        same.setdefault(int(keys[i]), []).append((doc.units[i].start, i))
    for places in same.values():
        places.sort()
    out: dict[int, int] = {}
    for u in of:
        places = same[int(keys[u])]
        k = bisect_left(places, (doc.units[u].start, -1))
        if k:
            out[u] = places[k - 1][1]
    return out


def _parallel(doc: _Document, removed: list[evidence.Removed]) -> set[int]:
    """The removals that repeat parallel text: a copy under other headings
    (the same lead-in in each section of a how-to), or a list item whose
    copy is an item of its list (a sub-step under each step that differs:
    "1. ... - React prepares to update ... 2. ... - React prepares ...").
    Writers repeat such text on purpose; a loop repeats runs of it."""
    out = set()
    for r in removed:
        a, b = doc.units[r.unit].block, doc.units[r.source].block
        if not _one_stretch(doc, r.unit, r.source) or (doc.listed[a] and doc.listed[b]):
            out.add(r.unit)
    return out


def _own_items(doc: _Document, removed: list[evidence.Removed]) -> set[int]:
    """The removals of a list item's text (sentences of its paragraph,
    paragraphs of its body) whose copy is another item's, where the item
    keeps text of its own: a sentence or paragraph of at least
    ``min_tokens`` that repeats nothing, or an example (code, a table)
    that no other item shows. Each item of a reference says its part
    about its own subject ("Updates to this field will trigger a
    stop/start" under two arguments, "As with regular git dependencies
    ..." under three install forms, how "&" and "|" combine bits, each
    with its own table of bits); a loop repeats whole items, which keep
    nothing of their own."""
    item = doc.item_of
    moved = []
    for r in removed:
        mine, theirs = item[doc.units[r.unit].block], item[doc.units[r.source].block]
        if mine >= 0 and theirs >= 0 and mine != theirs:
            moved.append(r.unit)
    if not moved:
        return set()
    gone = {r.unit for r in removed}
    tokens, need = doc.sets.tokens, doc.options.min_tokens
    own = {int(item[b]) for b in np.flatnonzero(item >= 0).tolist()
           if b not in gone and any(u not in gone and tokens[u] >= need for u in doc.sentences_of[b] or [b])}
    # So does an item whose example (code, a table) no other item shows.
    shown = Counter(block for blocks in doc.item_fixed.values() for block in blocks)
    own |= {i for i, blocks in doc.item_fixed.items() if any(shown[block] == 1 for block in blocks)}
    return {u for u in moved if item[doc.units[u].block] in own}


#: A sentence that shares less than this Jaccard with a sentence of another
#: paragraph is not that sentence reworded or edited.
OWN_SENTENCE = 0.5


def _sister_sentences(doc: _Document, removed: list[evidence.Removed], parallel: set[int]) -> set[int]:
    """The sentences a paragraph under another heading repeats of the
    paragraph they come from, where it keeps a sentence of its own: one
    that says what none of that paragraph's says (:func:`_says_as`).
    Sister sections open alike and go on alike ("Overall rules apply to
    every difficulty. Rhythm-related rules apply to 180 BPM beatmaps." and
    "Difficulty-specific rules apply only to their level. Rhythm-related
    rules ..."); a loop repeats a paragraph whole, or in pieces, or edited,
    never with a sentence of its own."""
    gone = {r.unit for r in removed}
    copied: dict[int, list[evidence.Removed]] = {}
    for r in removed:
        if r.unit >= doc.n_blocks and r.unit in parallel:
            copied.setdefault(doc.units[r.unit].block, []).append(r)
    need = doc.options.min_tokens
    out: set[int] = set()
    for b, found in copied.items():
        theirs = {t for r in found for t in doc.sentences_of[doc.units[r.source].block] or [doc.units[r.source].block]}
        own = [s for s in doc.sentences_of[b] if s not in gone and doc.sets.tokens[s] >= need]
        if any(not any(_says_as(doc, s, t) for t in theirs) for s in own):
            out.update(r.unit for r in found)
    return out


def _says_as(doc: _Document, s: int, t: int) -> bool:
    """Whether sentence ``s`` says what ``t`` says: their shingle sets'
    Jaccard at least :data:`OWN_SENTENCE`, and no difference that matters
    (:func:`evidence.conflict`: "`.js` 파일을 기입하지 않으면" is not
    "`.css` 파일을 기입하지 않으면")."""
    sim = compare(doc.unique(s), doc.unique(t))
    return sim.jaccard >= OWN_SENTENCE and not evidence.conflict(doc.marks(s), doc.marks(t), sim.size_a < sim.size_b)


def _held_to_more(doc: _Document, removed: list[evidence.Removed], held: set[int],
                  parallel: set[int]) -> list[evidence.Removed]:
    """``removed`` with each unit of ``held`` long only at
    :data:`evidence.FAR_FACTOR` times the evidence length, and each copy
    in ``parallel`` long alone only when exact and repeated with a
    neighbour: reworded under another heading, however long, it is the
    writer's variant (an option's description again under its deprecated
    name, with the one word that differs), and so is one paragraph again
    alone (two methods of a how-to, each ending with "You can now enable
    Live reloading ..."), unless a run of removals around it says loop
    (:func:`_long_runs`). With ``evidence_tokens=0`` (the rule off)
    every copy is long."""
    need = doc.options.evidence_tokens * evidence.FAR_FACTOR
    by_unit = {r.unit: r for r in removed}
    out = []
    for r in removed:
        if r.long and r.unit in parallel and need > 0 and not (r.exact and _with_neighbour(doc, r, by_unit)):
            r = replace(r, long=False)
        elif r.long and r.unit in held:
            u = doc.units[r.unit]
            r = replace(r, long=evidence.is_long(doc.text[u.start : u.end], need))
        out.append(r)
    return out


def _with_neighbour(doc: _Document, r: evidence.Removed, by_unit: dict[int, evidence.Removed]) -> bool:
    """Whether removed ``r`` repeats with a neighbour (code, tables and
    headings between or not): a unit next to it is removed too as an exact
    copy of the text next to ``r``'s copy, or the paragraph before or after
    it is the very same text as the one before or after its copy's (a list
    item too short to be removed), unless that text is a formula
    (:meth:`_Document.is_formula`). A neighbour in other words is a
    sister section's: a reference's example once per language says the
    same things in the same order, naming its own language; and a formula
    ("For more, see Enforcing Pod Security at the namespace level."
    closing each label of a reference) is next to every section's text."""
    if any(v in by_unit and by_unit[v].exact and not doc.is_formula(v)
           and _aligned(doc, r.unit, r.source, v, by_unit[v].source) for v in _next_to(doc, r.unit)):
        return True
    a, b, keys = doc.units[r.unit].block, doc.units[r.source].block, doc.sets.keys
    return any(0 <= min(a, b) + d and max(a, b) + d < doc.n_blocks and keys[a + d] == keys[b + d]
               and not doc.is_formula(a + d) for d in (-1, 1))


def _long_runs(doc: _Document, removed: list[evidence.Removed], held: set[int],
               alone: set[int]) -> list[evidence.Removed]:
    """Short removals that touch (white space between) and together reach
    the evidence length count as long: once the text is clean they are one
    piece, and cleaning again must decide the same. A run with a unit of
    ``held`` needs :data:`evidence.FAR_FACTOR` times that length. A run
    ends where its copies' headings change (:func:`_one_stretch`): a loop
    repeats a stretch of text, headings and all, while a usage section
    restates a sentence of the API's description and one of its return
    value side by side. A unit of ``alone`` joins no run: a lead-in that
    introduces other code than its original
    (:meth:`_Document.introduces_other`), with which a page goes on after
    a loop."""
    units = doc.units
    order = sorted(range(len(removed)), key=lambda k: units[removed[k].unit].start)
    out = list(removed)
    k = 0
    while k < len(order):
        j = k
        while j + 1 < len(order):
            this, after = removed[order[j]], removed[order[j + 1]]
            a, b = units[this.unit].end, units[after.unit].start
            if a > b or doc.text[a:b].strip() or not _one_stretch(doc, this.source, after.source) \
                    or this.unit in alone or after.unit in alone:
                break
            j += 1
        run = order[k : j + 1]
        if len(run) > 1 and not all(removed[r].long for r in run):
            first, last = units[removed[run[0]].unit], units[removed[run[-1]].unit]
            need = doc.options.evidence_tokens
            if any(removed[r].unit in held for r in run):
                need *= evidence.FAR_FACTOR
            if evidence.is_long(doc.text[first.start : last.end], need):
                for r in run:
                    out[r] = replace(out[r], long=True)
        k = j + 1
    return out


def _one_stretch(doc: _Document, u: int, v: int) -> bool:
    """Whether units ``u`` and ``v`` are under the same headings."""
    return bool(doc.section[doc.units[u].block] == doc.section[doc.units[v].block])


def _stutter(doc: _Document, removed: list[evidence.Removed], u: int, su: int) -> bool:
    """Unit ``u`` comes right after (or before) its copy ``su``, with only
    white space and removed text between: as it will once the text is clean, so that
    cleaning again decides the same."""
    units = doc.units
    a, b = units[su].end, units[u].start
    if a > b:  # with keep="longest" the kept copy may come after
        a, b = units[u].end, units[su].start
        if a > b:
            return False
    inside = [(units[r.unit].start, units[r.unit].end) for r in removed
              if a <= units[r.unit].start and units[r.unit].end <= b]
    gap = doc.text[a:b]
    # Most gaps hold kept text: more visible characters than removed ones.
    if len("".join(gap.split())) > sum(y - x for x, y in inside):
        return False
    keep = np.ones(b - a, dtype=bool)
    for x, y in inside:
        keep[x - a : y - a] = False
    return not "".join(np.array(list(gap))[keep].tolist()).strip()


def _aligned(doc: _Document, u: int, su: int, v: int, sv: int) -> bool:
    """Neighbours ``u`` and ``v`` repeat neighbouring text: their copies are
    different units in the same order, about as far apart."""
    units = doc.units
    if su == sv:
        # Pieces of one kept unit copied side by side: a repeated longer
        # unit when that unit is long, a formula repeated twice otherwise.
        src = units[su]
        return evidence.is_long(doc.text[src.start : src.end], doc.options.evidence_tokens)
    before = units[u].start < units[v].start
    if (units[su].start < units[sv].start) != before:
        return False
    # Two paragraphs of slack: a copy may skip a paragraph of the original
    # or a repeated sentence standing between the originals.
    gap = abs(units[sv].block - units[su].block) - abs(units[v].block - units[u].block)
    return abs(gap) <= 2


def _fragment_match(doc: _Document, i: int, sources: set[int]) -> _Match | None:
    best: _Match | None = None
    if i in doc.barred:
        return None
    for c, sim in doc.compared(i, sources):
        if sim.containment >= 1.0 and not evidence.conflict(doc.marks(i), doc.marks(c), True):
            m = _Match("contained", c, 1.0, sim.size_b)
            if best is None or _better(m, best, doc.units):
                best = m
    return best
