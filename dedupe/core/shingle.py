"""Script-aware tokens and hashed token n-grams, computed in numpy.

A token is one character in scripts written without spaces between words
(Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer, Myanmar) and one run of
letters, digits and marks elsewhere; a mixed sentence mixes both. Anything
else (white space, punctuation, symbols) only separates tokens.

The hot path never builds a Python string per token or per shingle: a whole
batch of segments is normalized as one string, turned into an array of code
points, classified through a lookup table, and hashed arithmetically. Each
token is hashed once (a polynomial over its characters' mixed code points)
and n-grams are combined from token hashes with multiply-adds, then mixed
with the MurmurHash3 64-bit finalizer.

The loops over characters and tokens run in a compiled kernel
(``dedupe/core/_kernel.c``) when it was built at install; the numpy
functions here are the reference it is tested against bit for bit, and
what runs where it was not built (a one-line notice says so) or when
``DEDUPE_PURE_PYTHON=1`` is set.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from types import ModuleType

import numpy as np
import regex
import xxhash

from dedupe._lazy import LazyPattern
from dedupe.core.normalize import normalize
from dedupe.io.tablecache import cached_tables

#: Set to 1 to run the numpy reference instead of the compiled kernel.
PURE_ENV = "DEDUPE_PURE_PYTHON"


def _load_kernel() -> ModuleType | None:
    """The compiled kernel, or ``None`` (with a notice) for the numpy
    implementation. Decided once, at import, like the tables below."""
    reason = f"{PURE_ENV} is set"
    if os.environ.get(PURE_ENV, "") in ("", "0"):
        try:
            from dedupe.core import _kernel  # type: ignore[attr-defined]

            return _kernel
        except ImportError:
            reason = "the compiled kernel is not built (no C compiler at install?)"
    import logging  # noqa: PLC0415  (only this notice needs it: 1.3 ms of every start otherwise)

    logging.getLogger("dedupe").warning("dedupe: %s; using the slower numpy implementation", reason)
    return None


KERNEL = _load_kernel()

WORD, SINGLE, BOUNDARY = 1, 2, 3  # 0 is a separator: white space, punctuation

_SINGLE_SCRIPTS = (
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
    r"\u30fc\u3005\u3006\u303b]"
)


# Planes 4-13 hold no assigned characters and 15-16 are private use, so the
# Unicode-property tables are built from planes 0-3 and 14 only: a quarter
# of the code points, a quarter of the import time.
_PLANES = ((0, 0x40000), (0xE0000, 0xE1000))


def property_runs(patterns: Sequence[str | LazyPattern | regex.Pattern | re.Pattern[str]]) -> list[list[tuple[int, int]]]:
    """For each pattern, the ``(start, end)`` code-point ranges of its runs
    over every assigned plane (the planes' text is built once for all)."""
    out: list[list[tuple[int, int]]] = [[] for _ in patterns]
    compiled = [regex.compile(p) if isinstance(p, str) else p for p in patterns]
    for lo, hi in _PLANES:
        cps = np.arange(lo, hi, dtype=np.uint32)
        if lo == 0:
            cps[0xD800:0xE000] = 0x20  # surrogates cannot be encoded
        chars = cps.tobytes().decode("utf-32-le")
        for runs, pattern in zip(out, compiled):
            runs.extend((lo + m.start(), lo + m.end()) for m in pattern.finditer(chars))
    return out


def _class_table() -> np.ndarray:
    """Class of every code point, built once at import from Unicode
    properties (a constant, like a compiled regex)."""
    table = np.zeros(0x110000, dtype=np.uint8)
    words, single = property_runs([r"[\p{L}\p{N}\p{M}]+", _SINGLE_SCRIPTS + "+"])
    for a, b in words:
        table[a:b] = WORD
    for a, b in single:
        table[a:b] = SINGLE
    table[0] = BOUNDARY
    return table


_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_SEED = np.uint64(0x9E3779B97F4A7C15)
# Odd multipliers for the position of a character in a token and of a token
# in an n-gram; distinct so that "ab cd" and "abc d" hash apart.
_CHAR_POW = np.cumprod(np.full(64, 0x100000001B3, dtype=np.uint64), dtype=np.uint64)
_GRAM_MUL = np.array(
    [(0x9E3779B97F4A7C15 ^ (0x2545F4914F6CDD1D * (k + 1))) & (2**64 - 1) | 1 for k in range(16)],
    dtype=np.uint64,
)


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: a fast avalanching bijection."""
    h = h ^ (h >> _S33)
    h = h * _M1
    h = h ^ (h >> _S33)
    h = h * _M2
    return h ^ (h >> _S33)


@dataclass(frozen=True)
class ShingleSets:
    """Shingle hashes of many segments in one flat array.

    ``hashes[offsets[i]:offsets[i+1]]`` are segment *i*'s n-gram hashes in
    text order (repeats included: MinHash ignores them, and ``unique``
    gives the set). ``tokens[i]`` is its token count and ``keys[i]`` an
    exact-content key: equal keys mean equal token sequences.
    """

    hashes: np.ndarray
    offsets: np.ndarray
    tokens: np.ndarray
    keys: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def raw(self, i: int) -> np.ndarray:
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]

    def unique(self, i: int) -> np.ndarray:
        """Segment *i*'s shingle set, sorted."""
        return sorted_unique(self.raw(i))


def filled(buffer: np.ndarray, n: int) -> np.ndarray:
    """The first ``n`` items of ``buffer``, which the kernel filled: it
    is made as large as the most the kernel may write. Shrunk where it
    lies (a ``realloc``) instead of copied out, which touched every page
    of a fresh array: stage 1 of the 20 MB speed benchmark took 0.52
    CPU s instead of 0.54. ``buffer`` must be a fresh array of this
    module's, with no view of it anywhere."""
    buffer.resize(n, refcheck=False)
    return buffer


def gather_runs(values: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``values[starts[i]:stops[i]]`` for every *i*, concatenated, and the
    *i* each element came from."""
    lengths = (stops - starts).astype(np.int64)
    owner = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    first = np.zeros(lengths.size, dtype=np.int64)
    np.cumsum(lengths[:-1], out=first[1:])
    idx = np.arange(int(lengths.sum()), dtype=np.int64) - first[owner] + starts.astype(np.int64)[owner]
    return values[idx], owner


def sorted_unique(values: np.ndarray, overwrite: bool = False) -> np.ndarray:
    """``np.unique(values)`` by sorting. numpy 2.3+ answers ``np.unique``
    on integers with a hash table, which measures 6-20x slower than a sort
    on shingle hashes (random 64-bit values), small arrays and large. With
    ``overwrite``, ``values`` is sorted in place instead of copied (for
    arrays of tens of millions of candidate pairs)."""
    if overwrite:
        values.sort()
        s = values
    else:
        s = np.sort(values)
    if s.size < 2:
        return s
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def among(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """``np.isin(values, members)`` for integers (members cast to the
    values' type), by a binary search in the sorted members. numpy's own
    finds its members with ``np.unique``, whose first call in a process
    imports ``numpy.ma``: 5 ms of each process of a scan, the workers
    included, for nothing a scan uses."""
    values = np.asarray(values)
    keys = sorted_unique(np.asarray(members, dtype=values.dtype).ravel())
    if keys.size == 0:
        return np.zeros(values.shape, dtype=bool)
    at = np.searchsorted(keys, values)
    np.minimum(at, keys.size - 1, out=at)
    return keys[at] == values


def unique_sets(sets: ShingleSets, overwrite: bool = False) -> ShingleSets:
    """Each segment's shingles as a set: sorted, repeats dropped (what
    MinHash and verification see; the order and repeats are not needed
    once signatures are made). With ``overwrite`` the sets are made in
    ``sets.hashes`` itself, which must be a fresh array of the caller's
    with no view of it anywhere (as :func:`filled` needs): the corpus's
    document sets are as large as its shingles, and a second array that
    large was 10,000 fresh pages of the 20 MB scan."""
    if KERNEL is None:
        return unique_sets_numpy(sets)
    out = sets.hashes if overwrite else np.empty(sets.hashes.size, dtype=np.uint64)
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    n = KERNEL.unique_sets(sets.hashes, sets.offsets, out, offsets)
    return ShingleSets(filled(out, n), offsets, sets.tokens, sets.keys)


def unique_sets_numpy(sets: ShingleSets) -> ShingleSets:
    """:func:`unique_sets` in numpy (the reference of the kernel)."""
    seg = np.repeat(np.arange(len(sets), dtype=np.int64), np.diff(sets.offsets))
    order = np.lexsort((sets.hashes, seg))
    h, seg = sets.hashes[order], seg[order]
    keep = np.ones(h.size, dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (seg[1:] != seg[:-1])
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum(np.bincount(seg[keep], minlength=len(sets)), out=offsets[1:])
    return ShingleSets(h[keep], offsets, sets.tokens, sets.keys)


def _normalization_tables() -> tuple[np.ndarray, np.ndarray]:
    """``(mapped, unsafe)`` for every code point: ``mapped[c]`` is the
    single code point that NFKC then case folding turn ``c`` into, and
    ``unsafe[c]`` says that ``c`` needs the full algorithm instead: it
    expands to several characters, is a combining mark, or may compose
    with the character before it. Text made only of safe characters
    normalizes character by character (a constant table, built at import
    from the few thousand code points that normalization changes)."""
    mapped = np.arange(0x110000, dtype=np.uint32)
    unsafe = np.zeros(0x110000, dtype=bool)
    # Hangul syllables decompose but NFKC composes them back: unchanged.
    changing = regex.compile(r"[\p{NFKD_QC=N}\p{NFKC_QC=M}\p{CWCF}\p{CWCM}--[\uAC00-\uD7A3]]+", regex.V1)
    composing, changed = property_runs([r"[^\p{ccc=0}]+|\p{NFKC_QC=M}+", changing])
    for a, b in composing:
        unsafe[a:b] = True
    for a, b in changed:
        for c in range(a, b):
            out = normalize(chr(c))
            if len(out) == 1:
                mapped[c] = ord(out)
            else:
                unsafe[c] = True
    # A character that maps onto a combining or composing one is unsafe too.
    unsafe |= unsafe[mapped]
    return mapped, unsafe


def char_hashes(cp: np.ndarray) -> np.ndarray:
    """The hash of each code point, ``fmix64(c + seed)``: computed where it
    is needed (a table of all of them took a fifth of the import time)."""
    return fmix64(cp.astype(np.uint64) + _SEED)


def normalized_code_points(texts: Sequence[str]) -> np.ndarray:
    """Code points of ``normalize("\\0".join(texts))`` (NUL characters in a
    text become spaces). Texts of safe characters go through the lookup
    table; only texts with a character that needs it take the full
    Unicode algorithm."""
    joined = "\x00".join(t.replace("\x00", " ") for t in texts)
    raw = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    t = tables()
    mapped, unsafe = t.mapped, t.unsafe
    bad = np.flatnonzero(unsafe[raw])
    if bad.size == 0:
        return mapped[raw]
    bounds = np.flatnonzero(raw == 0)
    which = sorted_unique(np.searchsorted(bounds, bad))
    parts, pos = [], 0
    for t in which.tolist():
        start = int(bounds[t - 1]) + 1 if t > 0 else 0
        stop = int(bounds[t]) if t < bounds.size else raw.size
        parts.append(mapped[raw[pos:start]])
        parts.append(np.frombuffer(normalize(texts[t].replace("\x00", " ")).encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
        pos = stop
    parts.append(mapped[raw[pos:]])
    return np.concatenate(parts)


def token_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hash of every token of every text, and the index of its text."""
    if KERNEL is None:
        return token_hashes_numpy(texts)
    th, tok_off = _kernel_tokens(texts)
    seg = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(tok_off))
    return th, seg


def _kernel_tokens(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token hashes and each text's first token (``len(texts) + 1``
    offsets), from the kernel."""
    cp = normalized_code_points(texts)
    th = np.empty(cp.size, dtype=np.uint64)
    tok_off = np.zeros(max(len(texts), 1) + 1, dtype=np.int64)
    n = KERNEL.tokens(cp, tables().classes, _CHAR_POW, int(_SEED), th, tok_off)  # type: ignore[union-attr]
    return filled(th, n), tok_off[: len(texts) + 1]


def token_hashes_numpy(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`token_hashes` in numpy (the reference of the kernel)."""
    cp = normalized_code_points(texts)
    if cp.size == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    cls = tables().classes[cp]
    is_word = cls == WORD
    is_tok = is_word | (cls == SINGLE)
    # A token starts at a single-character token or at the first
    # character of a run of word characters.
    starts = cls == SINGLE
    starts[0] |= is_word[0]
    starts[1:] |= is_word[1:] & ~is_word[:-1]
    tok_chars = np.flatnonzero(is_tok)
    if tok_chars.size == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    tok_starts = starts[tok_chars]
    first = np.flatnonzero(tok_starts)
    # Position of each character inside its token: its index minus the
    # index of the latest token start at or before it.
    idx = np.arange(tok_chars.size)
    pos = idx - np.maximum.accumulate(np.where(tok_starts, idx, 0))
    vals = char_hashes(cp[tok_chars]) * _CHAR_POW[pos & 63]
    th = np.add.reduceat(vals, first)
    lengths = np.diff(np.append(first, tok_chars.size)).astype(np.uint64)
    th = fmix64(th + lengths * _M2)
    # Text of each token: count the tokens of each text by searching the
    # few text boundaries among the token starts (not the reverse).
    bounds = np.flatnonzero(cls == BOUNDARY)
    cuts = np.searchsorted(tok_chars[first], bounds)
    counts = np.diff(np.concatenate(([0], cuts, [first.size])))
    seg = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    return th, seg


def token_stream(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hash of every token of every text, in order, and each text's first
    token (``len(texts) + 1`` offsets): what :func:`ngrams` shingles. A
    text split at white space has the tokens of its pieces, one after the
    other, so one stream serves a paragraph and its sentences."""
    if KERNEL is None:
        return token_stream_numpy(texts)
    return _kernel_tokens(texts)


def token_stream_numpy(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`token_stream` in numpy (the reference of the kernel)."""
    th, seg = token_hashes_numpy(texts)
    tok_off = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(seg, minlength=len(texts)), out=tok_off[1:])
    return th, tok_off


def span_stream(texts: list[str], doc: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                digits: np.ndarray, mask: Callable[[str], str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`token_stream` of ``mask(texts[doc[i]][starts[i]:ends[i]])``
    for every span, where ``mask`` replaces each run of the characters the
    table ``digits`` marks by ``0``: in one pass of the kernel, which
    masks, normalizes and tokenizes without building a string per span
    (the spans that need the full Unicode normalization, a few, are
    masked and normalized here first). Without the kernel, the spans are
    masked and tokenized as strings."""
    doc, starts, ends = (np.ascontiguousarray(a, dtype=np.int64) for a in (doc, starts, ends))
    if KERNEL is None:
        return token_stream([mask(texts[d][a:b]) for d, a, b in zip(doc.tolist(), starts.tolist(), ends.tolist())])
    t = tables()
    digit = digits.view(np.uint8)
    unsafe = np.zeros(doc.size, dtype=np.uint8)
    repl: list[str | None] = [None] * doc.size
    if KERNEL.masked_unsafe(texts, doc, starts, ends, digit, t.unsafe.view(np.uint8), unsafe):
        for i in np.flatnonzero(unsafe).tolist():
            repl[i] = normalize(mask(texts[doc[i]][starts[i] : ends[i]]).replace("\x00", " "))
    room = int((ends - starts).sum()) + sum(len(r) for r in repl if r is not None)
    th = np.empty(room, dtype=np.uint64)
    tok_off = np.zeros(doc.size + 1, dtype=np.int64)
    n = KERNEL.span_tokens(texts, doc, starts, ends, repl, digit, t.mapped, t.classes, _CHAR_POW, int(_SEED),
                           th, tok_off)
    return filled(th, n), tok_off


def shingle(texts: Sequence[str], ngram: int = 3) -> ShingleSets:
    """Hashed token n-grams of each text (a text shorter than ``ngram``
    tokens gets one shingle of all its tokens; an empty text gets none)."""
    return ngrams(*token_stream(texts), ngram)


def shingle_numpy(texts: Sequence[str], ngram: int = 3) -> ShingleSets:
    """:func:`shingle` in numpy (the reference of the kernel)."""
    return ngrams_numpy(*token_stream_numpy(texts), ngram)


def ngrams(th: np.ndarray, tok_off: np.ndarray, ngram: int = 3) -> ShingleSets:
    """The shingle sets of the texts whose tokens are ``th[tok_off[i]:tok_off[i+1]]``
    (:func:`token_stream`), as :func:`shingle` makes them."""
    if KERNEL is None or not 1 <= ngram <= _GRAM_MUL.size:
        return ngrams_numpy(th, tok_off, ngram)
    out = np.empty(th.size, dtype=np.uint64)
    offsets = np.zeros(tok_off.size, dtype=np.int64)
    n = KERNEL.ngrams(th, tok_off, _GRAM_MUL, ngram, out, offsets)
    return ShingleSets(filled(out, n), offsets, np.diff(tok_off), sequence_keys(th, tok_off))


def ngrams_numpy(th: np.ndarray, tok_off: np.ndarray, ngram: int = 3) -> ShingleSets:
    """:func:`ngrams` in numpy (the reference of the kernel)."""
    n_texts = tok_off.size - 1
    counts = np.diff(tok_off)
    th = th[tok_off[0] : tok_off[-1]]
    seg = np.repeat(np.arange(n_texts, dtype=np.int64), counts)
    starts = tok_off[:-1] - tok_off[0]
    keys = sequence_keys_xxhash(th, tok_off - tok_off[0])
    t = th.size
    if t >= ngram:
        g = th[: t - ngram + 1] * _GRAM_MUL[0]
        for k in range(1, ngram):
            g = g + th[k : t - ngram + 1 + k] * _GRAM_MUL[k]
        valid = seg[: t - ngram + 1] == seg[ngram - 1 :]
        g, gseg = g[valid], seg[: t - ngram + 1][valid]
    else:
        g, gseg = np.zeros(0, np.uint64), np.zeros(0, np.int64)
    short = np.flatnonzero((counts > 0) & (counts < ngram))
    if short.size:
        acc = np.zeros(short.size, dtype=np.uint64)
        for k in range(ngram - 1):
            has = counts[short] > k
            idx = starts[short[has]] + k
            acc[has] += th[idx] * _GRAM_MUL[k]
        g = np.concatenate([g, acc])
        gseg = np.concatenate([gseg, short])
        order = np.argsort(gseg, kind="stable")
        g, gseg = g[order], gseg[order]
    g = fmix64(g)
    offsets = np.zeros(n_texts + 1, dtype=np.int64)
    np.cumsum(np.bincount(gseg, minlength=n_texts), out=offsets[1:])
    return ShingleSets(g, offsets, counts, keys)


def sequence_keys(th: np.ndarray, tok_off: np.ndarray) -> np.ndarray:
    """An xxh3 digest of each text's token-hash sequence
    ``th[tok_off[i]:tok_off[i+1]]``: texts that differ only in case, width,
    white space or punctuation get the same key. The kernel hashes them
    all in one call (stage 1 of the 20 MB speed benchmark spent 0.04 s of
    its 0.52 CPU s calling the digest unit by unit)."""
    if KERNEL is None:
        return sequence_keys_xxhash(th, tok_off)
    raw = np.ascontiguousarray(th, dtype=np.uint64).view(np.uint8)
    out = np.empty(tok_off.size - 1, dtype=np.uint64)
    KERNEL.xxh3_slices(raw, np.asarray(tok_off, dtype=np.int64) * 8, out)
    return out


def sequence_keys_xxhash(th: np.ndarray, tok_off: np.ndarray) -> np.ndarray:
    """:func:`sequence_keys` through the ``xxhash`` package, one unit at a
    time (the reference of the kernel)."""
    # Slices of a memoryview, not of a bytes copy: nothing is copied per text.
    raw = np.ascontiguousarray(th, dtype=np.uint64).data.cast("B")
    cuts = (tok_off * 8).tolist()
    digest = xxhash.xxh3_64_intdigest
    return np.fromiter((digest(raw[a:b]) for a, b in zip(cuts[:-1], cuts[1:])), dtype=np.uint64,
                       count=len(cuts) - 1)


# Classes for weighing a unit's length on its raw characters (see
# dedupe.core.evidence): 1 for letters, digits and marks, which run into
# words, 2 for the characters of the space-less scripts, which count one by
# one. The marks the token classes add to those scripts (ー々〆〻) count
# as the scripts' regular expressions place them.
_WIDE = LazyPattern(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
_WORD = LazyPattern(r"[\p{L}\p{N}\p{M}]+")


def _count_table(classes: np.ndarray) -> np.ndarray:
    table = classes.copy()
    table[table == BOUNDARY] = 0
    for ch in "\u30fc\u3005\u3006\u303b":
        table[ord(ch)] = SINGLE if _WIDE.match(ch) else WORD
    return table


@dataclass(frozen=True)
class Tables:
    """Per-code-point constants built from Unicode properties: token
    classes, the normalization table and its unsafe characters, and the
    classes for weighing a unit's length."""

    classes: np.ndarray
    mapped: np.ndarray
    unsafe: np.ndarray
    counts: np.ndarray


@functools.cache
def tables() -> Tables:
    """The tables, built on first use and then the same object for the life
    of the process (a constant, like a compiled regex; built at import
    they were most of the time ``import dedupe`` took). They are kept on
    disk for the next process (:mod:`dedupe.io.tablecache`)."""
    arrays = cached_tables("tokens", [f.name for f in fields(Tables)], table_sources(normalize.__module__),
                           _build_tables)
    return Tables(**arrays)


def table_sources(*modules: str) -> list[str]:
    """The source files of this module (:func:`property_runs`) and of the
    modules named: the code a cached table (:mod:`dedupe.io.tablecache`)
    is computed by."""
    return [__file__, *(str(sys.modules[m].__file__) for m in modules)]


def _build_tables() -> dict[str, np.ndarray]:
    classes = _class_table()
    mapped, unsafe = _normalization_tables()
    return {"classes": classes, "mapped": mapped, "unsafe": unsafe, "counts": _count_table(classes)}


def script_counts(text: str) -> tuple[int, int]:
    """``(words, wide)``: the runs of letters, digits and marks of ``text``
    outside the space-less scripts, and the characters of those scripts
    (Han, Kana, Hangul, Thai, Lao, Khmer, Myanmar), on the text as it is."""
    if KERNEL is None:
        return script_counts_regex(text)
    return KERNEL.script_counts(text, tables().counts)


def script_counts_regex(text: str) -> tuple[int, int]:
    """:func:`script_counts` by regular expressions (the reference)."""
    return len(_WORD.findall(_WIDE.sub(" ", text))), len(_WIDE.findall(text))


def span_counts(texts: list[str], doc: np.ndarray, starts: np.ndarray,
                ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`script_counts` of ``texts[doc[i]][starts[i]:ends[i]]`` for
    every span ``i`` (``(words, wide)``, int64 arrays), and the code point
    of each span's last character that is not white space (-1 for none):
    one kernel call instead of one per span."""
    if KERNEL is None:
        return span_counts_regex(texts, doc, starts, ends)
    n = len(doc)
    words, wide, last = (np.empty(n, dtype=np.int64) for _ in range(3))
    KERNEL.span_counts(texts, np.ascontiguousarray(doc, dtype=np.int64), np.ascontiguousarray(starts, dtype=np.int64),
                       np.ascontiguousarray(ends, dtype=np.int64), tables().counts, words, wide, last)
    return words, wide, last


def span_counts_regex(texts: list[str], doc: np.ndarray, starts: np.ndarray,
                      ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`span_counts` by regular expressions (the reference)."""
    spans = [texts[d][a:b] for d, a, b in zip(np.asarray(doc).tolist(), np.asarray(starts).tolist(),
                                               np.asarray(ends).tolist())]
    counts = [script_counts_regex(t) for t in spans]
    words = np.array([w for w, _ in counts], dtype=np.int64)
    wide = np.array([x for _, x in counts], dtype=np.int64)
    last = np.array([ord(t.rstrip()[-1]) if t.rstrip() else -1 for t in spans], dtype=np.int64)
    return words, wide, last


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` as strings, one Python step per character:
    for display, tests and the few quoted units the detector asks about
    (whether a quote is another's words written another way), never the
    hot path."""
    norm = normalize(text)
    classes = tables().classes
    out: list[str] = []
    word: list[str] = []
    for ch in norm:
        c = classes[ord(ch)]
        if c == WORD:
            word.append(ch)
            continue
        if word:
            out.append("".join(word))
            word = []
        if c == SINGLE:
            out.append(ch)
    if word:
        out.append("".join(word))
    return out
