"""What it takes to call a unit a copy, beyond shingle similarity.

Real writing repeats short, formulaic things on purpose (lead-ins before
code such as "Run the tests:", one-line list items, captions), and it
writes near-identical sentences that say different things ("Add the file
a.md" and "Add the file b.md", "has a cover" and "has no cover"). An LLM
loop or a copy-paste accident repeats *runs* of long text. Two rules
follow:

- *differences that matter*: numbers, versions, code spans, paths, file
  names, URLs and negations that differ make two units different whatever
  their Jaccard (:func:`conflict`);
- *evidence*: a unit shorter than ``Options.evidence_tokens`` (in
  :func:`weighted_tokens`) is removed only as part of a longer repeated
  run: next to a removal that is long, or next to a short one that is
  itself so supported, or right after the text it repeats
  (:func:`unsupported`);
- *distance*: a copy more than :data:`NEAR_BLOCKS` kept paragraphs from
  its original, and from the nearest earlier occurrence of its text (code
  blocks, tables and headings between counting by their lines,
  :data:`LINES_PER_BLOCK`), needs :data:`FAR_FACTOR` times that length to
  stand on its own. A
  writer repeats a formula ("Note that this code does not compile yet.")
  or a reminder chapters apart; a loop or a paste repeats what it has
  just written, or whole runs. So does a list item that repeats a list
  item: lists repeat items on purpose, a loop repeats runs of them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import regex

from dedupe._lazy import LazyAlternation, LazyPattern
from dedupe.core.shingle import script_counts, span_counts

#: Han, Kana and Hangul characters are one token each, yet a word of
#: Chinese is about 1.5 characters and of Japanese about 2 (and a Korean
#: word 2-3 syllables): counting each as half a token keeps a 12-word
#: English sentence and its translation about equally "long".
WIDE_TOKEN_WEIGHT = 0.5

#: Kept prose paragraphs between a removal and its copy beyond which the
#: copy is far. In a book kept as one file, the lone repeats that are
#: formulas and reminders sat 58 to 1,984 paragraphs from their first
#: occurrence; the accidents, in that book and in a looping LLM answer,
#: 1 paragraph away, and the loop's runs up to 48 (supported by their
#: length and their neighbours, far or not).
NEAR_BLOCKS = 20
#: Lines of a block that is not prose (code, a table, a heading) that
#: count as one paragraph in :data:`NEAR_BLOCKS`: about the lines of a
#: paragraph on a page. A reference page repeats a reminder ("For a
#: complete enumeration of the available configuration options, see
#: Settings.") after ten short paragraphs and six code examples of 215
#: lines: far, as on the page.
LINES_PER_BLOCK = 5
#: How many times ``Options.evidence_tokens`` a unit far from its copy
#: needs to be evidence on its own (a run of touching removals, together).
#: The far formulas of that book are 12 to 14.5 tokens long.
FAR_FACTOR = 2.0

# Without a "/" in the text no URL with a scheme and no path can match, so
# the expression without them finds the same spans, in the same order,
# two and a half times faster: the path alternative reads each word again
# from each of its characters.
_SALIENT = LazyAlternation((
    (r"`[^`]+`", ()),  # code spans
    (r"\]\[[^\]]+\]|\]\([^)]+\)", ()),  # link references and targets
    (r"(?:https?|ftp|file|mailto)://\S+", ("/",)),  # URLs
    (r"www\.\S+", ()),
    (r"[\w.~-]*(?:/[\w.~*@:+-]+)+/?", ("/",)),  # paths
    (r"\b[\w-]+\.[a-z][a-z0-9]{0,4}\b", ()),  # file names
    (r"v?\d+(?:[.,:]\d+)*", ()),  # numbers and versions
))


def salient_spans(text: str) -> Iterator[regex.Match[str]]:
    """The salient tokens of ``text`` (code spans, links, URLs, paths,
    file names, numbers), as the one expression of them finds them."""
    return _SALIENT.for_text(text).finditer(text)


_NEGATION = LazyPattern(
    r"\b(?:not|no|never|none|nothing|nobody|nowhere|neither|nor|cannot|without)\b|n't\b"
    r"|[不没沒未無无非别別莫勿否]|ない|なく|なかっ|ません|없|않|못|아니"
)


@dataclass(frozen=True)
class Marks:
    """The parts of a unit whose change changes what it says."""

    salient: frozenset[str]
    negations: int
    compact: str  # the unit normalized, without white space or backticks


# A Latin word in text mostly of the space-less scripts names something (a
# product, a tier, a language), as a code span does in English: "Standard
# Load Balancer を使用するリソースには接続できます" is not "Basic Load
# Balancer を使用する..." with one token changed.
_LATIN_WORD = LazyPattern(r"[a-z][a-z0-9+#]*")


def marks(text: str) -> Marks:
    """Salient tokens and the number of negations in ``text``, compared in
    NFKC case-folded form (so full-width digits equal ASCII ones), with
    white space removed (so a re-wrapped copy is the same). In text that
    weighs more in Han, Kana and Hangul than in words of other scripts
    (:func:`weighted_tokens`), each Latin word is salient too."""
    norm = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    salient = frozenset(_compact_span(m.group()) for m in salient_spans(norm))
    words, wide = script_counts(norm)
    if WIDE_TOKEN_WEIGHT * wide > words:
        salient |= frozenset(_LATIN_WORD.findall(norm))
    return Marks(salient - {""}, len(_NEGATION.findall(norm)), _compact(norm))


_SPACE_OR_TICK = LazyPattern(r"[\s`]+")


def _compact(text: str) -> str:
    return _SPACE_OR_TICK.sub("", text).strip(".,")


def _compact_span(span: str) -> str:
    """:func:`_compact` of a salient span. Only a code span or a link
    (which start with a backtick or a bracket) can hold white space, and
    only those or a URL a backtick: the others need only their ends
    stripped, without a pass of the expression (a third of the time of
    :func:`marks`)."""
    if span[0] in "`]" or "`" in span:
        return _compact(span)
    return span.strip(".,")


def conflict(a: Marks, b: Marks, shorter: bool) -> bool:
    """Whether unit ``a`` says something different from ``b``.

    A salient token of one unit counts as missing from the other when it is
    nowhere in the other's text (not only among its salient tokens, so a
    copy cut inside a code span still matches). Equal-length pairs differ
    when each misses a salient token of the other (a substitution: "2019"
    for "2020", "a.md" for "b.md") or when their negation counts differ.
    When ``a`` is the shorter (a fragment or a truncated copy of ``b``),
    every salient token and negation of ``a`` must be found in ``b``."""
    own = any(t not in b.compact for t in a.salient)
    if shorter:
        return own or a.negations > b.negations
    if a.negations != b.negations:
        return True
    return own and any(t not in a.compact for t in b.salient)


def weighted_tokens(text: str) -> float:
    """Tokens of ``text`` with Han/Kana/Hangul characters weighed
    :data:`WIDE_TOKEN_WEIGHT` each."""
    words, wide = script_counts(text)
    return words + WIDE_TOKEN_WEIGHT * wide


_LAST_END = LazyPattern(r".*(?:[。！？]|[.!?](?=\s))", regex.DOTALL)


def is_long(text: str, evidence_tokens: float) -> bool:
    """Whether ``text`` alone is long enough to be evidence of a copy. A
    lead-in (the sentence that ends a unit with a colon, before code or a
    list) counts half: "In this case the request body looks like:" is
    formula, whatever comes before it."""
    stripped = text.rstrip()
    if not stripped.endswith((":", "：")):
        return weighted_tokens(text) >= evidence_tokens
    m = _LAST_END.match(stripped)
    cut = m.end() if m else 0
    return weighted_tokens(stripped[:cut]) + weighted_tokens(stripped[cut:]) / 2 >= evidence_tokens


_COLONS = (ord(":"), ord("："))


def span_weights(texts: list[str], doc: np.ndarray, starts: np.ndarray,
                 ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`weighted_tokens` of ``texts[doc[i]][starts[i]:ends[i]]`` for
    every span, in one kernel call, and the code point of each span's
    last character that is not white space (-1 for none)."""
    words, wide, last = span_counts(texts, doc, starts, ends)
    return words + WIDE_TOKEN_WEIGHT * wide, last


def long_spans(texts: list[str], doc: np.ndarray, starts: np.ndarray, ends: np.ndarray,
               evidence_tokens: float) -> np.ndarray:
    """:func:`is_long` of ``texts[doc[i]][starts[i]:ends[i]]`` for every
    span, counted in one pass (one call per span was a tenth of a scan's
    first stage); the few spans that end in a colon take :func:`is_long`
    itself."""
    return weighed_spans(texts, doc, starts, ends, evidence_tokens)[0]


def weighed_spans(texts: list[str], doc: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                  evidence_tokens: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`long_spans` and the spans' :func:`weighted_tokens`, from one
    count."""
    weights, last = span_weights(texts, doc, starts, ends)
    out = weights >= evidence_tokens
    # Two comparisons, not np.isin: at a million paragraphs its 2,830
    # calls (two per batch) took 0.067 s.
    for i in np.flatnonzero((last == _COLONS[0]) | (last == _COLONS[1])).tolist():
        out[i] = is_long(texts[int(doc[i])][int(starts[i]) : int(ends[i])], evidence_tokens)
    return out, weights


@dataclass(frozen=True)
class Removed:
    """A removal as the evidence rule sees it: the unit, its copy's unit
    and whether the unit alone is long enough to stand as evidence."""

    unit: int
    source: int
    long: bool
    exact: bool = False


def unsupported(removed: Sequence[Removed], neighbours: Callable[[int], Iterable[int]],
                aligned: Callable[[int, int, int, int], bool],
                stutter: Callable[[int, int], bool]) -> set[int]:
    """Units of short removals that no long repeated run supports.

    ``neighbours(u)`` are the units next to ``u`` in the text;
    ``aligned(u, su, v, sv)`` says whether removed neighbours ``u`` and
    ``v`` repeat neighbouring text (their copies ``su`` and ``sv`` sit in
    the same order, about as far apart); ``stutter(u, su)`` whether ``u``
    follows its copy ``su`` with nothing but white space and removed text
    between (a generator repeating the sentence it has just
    written, which a writer does not do on purpose; exact repeats only,
    since "Calling a function is an expression. Calling a macro is an
    expression." is parallel writing). Support spreads from long removals
    and stutters along runs of aligned removed neighbours."""
    by_unit = {r.unit: r for r in removed}
    supported = {r.unit for r in removed if r.long or (r.exact and stutter(r.unit, r.source))}
    frontier = list(supported)
    while frontier:
        u = frontier.pop()
        for v in neighbours(u):
            r = by_unit.get(v)
            if r is None or v in supported:
                continue
            if aligned(u, by_unit[u].source, v, r.source):
                supported.add(v)
                frontier.append(v)
    return {r.unit for r in removed if r.unit not in supported}
