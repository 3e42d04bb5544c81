"""Boilerplate templates: short blocks whose fixed words (the *frame*)
recur across documents while some parts (the *slots*) change: bylines with
an author, a date and a reading time, "責任編輯：{name}", a footer that
names the page's title.

Frame and slots are learned from document frequency, not from a list of
words. A token of a short block is a frame token at *level* ``s`` when at
least ``s`` documents have it in a short block; the other tokens are
slots. Each block proposes its frame at every level (and the same with a
lone frame token between two slots counted as slot, for a title with a
common word in it); a proposal's *support* is the number of documents
whose blocks propose it, and each block keeps the proposal with the most
support. Proposals kept in enough documents are templates; every short
block then joins the best supported template it matches (frame tokens in
order, each slot filled by at least one token), so a block whose own
proposal split off (a title with a common phrase in it) still joins.

Precision comes from three rules: blocks are short (``MAX_WEIGHT``), the
frame is a real share of each block (``MIN_SHARE``, at least ``MIN_FRAME``
words that are not digits), and the frame is *specific*: its documents
hold at least ``SPECIFIC`` of the documents of its rarest frame word. A
frame of common words ("he said the {} would {}") occurs in few of the
documents those words occur in; a byline's frame words rarely occur
anywhere else.

A frame is a tuple of token hashes with :data:`SLOT` for each run of slot
tokens; its text form (for reports and model files) is the tokens joined
by spaces with ``{}`` for a slot: ``by {} 0 0 0 min read``.
"""

from __future__ import annotations

import functools
import itertools
from bisect import bisect_left
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import xxhash

from dedupe.core.evidence import weighted_tokens
from dedupe.core.shingle import KERNEL, among, gather_runs, sequence_keys, sorted_unique, token_hashes, tokens

#: A run of slot tokens in a frame (no token hashes to 0 in practice).
SLOT = 0
SLOT_TEXT = "{}"
#: A block longer than this (in words; a Han/Kana/Hangul character counts
#: half) is prose, never a template.
MAX_WEIGHT = 24.0
#: The frame holds at least this share of a block's tokens ...
MIN_SHARE = 0.25
#: ... and at least this many tokens that are not digits.
MIN_FRAME = 3
#: A slot holds at most this many tokens: a name, a date, a count, a
#: title; a caption's description or a sentence's clause is content.
MAX_SLOT = 12
#: A template's documents are at least this share of the documents that
#: hold its rarest frame word in a short block.
SPECIFIC = 0.5

Frame = tuple[int, ...]
T = TypeVar("T")


@functools.cache
def digit_hash() -> int:
    """The hash of the token every digit run is masked to (computed on
    first use: it needs the tokenizer's Unicode tables)."""
    return int(token_hashes(["0"])[0][0])


def eligible(text: str) -> bool:
    """Whether ``text`` is short enough to be a template block."""
    return weighted_tokens(text) <= MAX_WEIGHT


def block_tokens(masked: Sequence[str]) -> list[np.ndarray]:
    """The token hashes of each digit-masked text
    (:func:`dedupe.corpus.boilerplate.mask_all`)."""
    blocks = TokenBlocks.of(masked)
    bounds = blocks.offsets.tolist()
    return [blocks.tokens[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


@dataclass(frozen=True)
class TokenBlocks:
    """Blocks' token hashes in one array: block ``i`` is
    ``tokens[offsets[i]:offsets[i + 1]]``. :func:`learn` counts over all
    of them at once, and takes a block's tokens as a tuple (:meth:`tuples`)
    only for the few blocks it looks at one by one: a list per block took
    0.015 s of the 20 MB speed benchmark corpus's 6,398 blocks."""

    tokens: np.ndarray  # uint64
    offsets: np.ndarray  # int64, one more than the blocks

    @classmethod
    def of(cls, masked: Sequence[str]) -> TokenBlocks:
        """The tokens of digit-masked texts (:func:`block_tokens`)."""
        th, seg = token_hashes(list(masked))
        return cls(th, np.searchsorted(seg, np.arange(len(masked) + 1)).astype(np.int64))

    @classmethod
    def of_lists(cls, blocks: Sequence[Sequence[int]]) -> TokenBlocks:
        lengths = np.fromiter(map(len, blocks), dtype=np.int64, count=len(blocks))
        offsets = np.zeros(len(blocks) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        tokens = np.fromiter(itertools.chain.from_iterable(blocks), dtype=np.uint64, count=int(offsets[-1]))
        return cls(tokens, offsets)

    def __len__(self) -> int:
        return self.offsets.size - 1

    def tuples(self, rows: Sequence[int]) -> dict[int, tuple[int, ...]]:
        """The tokens of the blocks ``rows``, each as a tuple, made in one
        gather: equal blocks share one tuple, made once from the block's
        bytes. A footer is one block tens of thousands of times over: the
        60,187 blocks of a million paragraphs that propose, hold or fill a
        template took 0.385 s as one list of every token, 0.034 s now."""
        at = np.asarray(rows, dtype=np.int64)
        starts, stops = self.offsets[at], self.offsets[at + 1]
        raw = gather_runs(self.tokens, starts, stops)[0].tobytes()
        width = self.tokens.itemsize
        bounds = list(itertools.accumulate(((stops - starts) * width).tolist(), initial=0))
        made: dict[bytes, tuple[int, ...]] = {}
        out: dict[int, tuple[int, ...]] = {}
        for r, a, b in zip(at.tolist(), bounds[:-1], bounds[1:]):
            key = raw[a:b]
            seq = made.get(key)
            if seq is None:
                seq = made[key] = tuple(memoryview(key).cast("Q"))
            out[r] = seq
        return out


def frame_key(frame: Frame) -> int:
    """A 63-bit key of a frame (fits a signed 64-bit column)."""
    return xxhash.xxh3_64_intdigest(np.array(frame, dtype=np.uint64).tobytes()) >> 1


def _gaps(positions: Sequence[int], n: int) -> list[int]:
    """Lengths of the runs of ``n`` tokens outside ``positions`` (sorted)."""
    edges = [-1, *positions, n]
    return [b - a - 1 for a, b in zip(edges[:-1], edges[1:]) if b - a > 1]


def _framed(toks: Sequence[T], keep: Sequence[bool], slot: T,
            digit: object = None) -> tuple[tuple[T, ...], int, int, int]:
    """``toks`` with each run of tokens not kept replaced by one ``slot``,
    and, from the same pass, what makes it an acceptable frame: the tokens
    kept, those of them that are words (neither ``slot`` nor the ``digit``
    token), and the longest run of tokens not kept."""
    frame: list[T] = []
    literal = words = run = longest = 0
    for t, k in zip(toks, keep):
        if k:
            frame.append(t)
            literal += 1
            words += t != slot and t != digit
            run = 0
        else:
            if not frame or frame[-1] != slot:
                frame.append(slot)
            run += 1
            if run > longest:  # not max(): a call per token was a sixth of this loop
                longest = run
    return tuple(frame), literal, words, longest


@dataclass(frozen=True)
class Proposal:
    frame: Frame
    key: int
    literal: int  # frame tokens


def proposals(toks: Sequence[int], df: Sequence[int], need: int) -> list[Proposal]:
    """The frames block ``toks`` proposes: at each level ``s`` (a document
    frequency of one of its tokens, at least ``need``) the tokens found
    in ``s`` documents or more, and the same with a lone frame token
    between two slots made slot too. A frame is acceptable when it has a
    slot, at least ``MIN_FRAME`` words, ``MIN_SHARE`` of the block's tokens
    and no slot longer than ``MAX_SLOT`` tokens.

    Each level's frame is made in one pass with what decides it
    (:func:`_framed`), and how many tokens and words a level keeps is read
    from the sorted frequencies: the dozen passes per level this replaced
    were a quarter of a scan of the Rust book."""
    n = len(toks)
    out: dict[int, Proposal] = {}
    digit = digit_hash()
    by_df = sorted(df)
    words_by_df = sorted(d for t, d in zip(toks, df) if t != digit)
    for s in sorted({d for d in df if d >= need}):
        # Each level keeps fewer tokens than the one before: once too few
        # are left for a frame, no later one has enough.
        if n - bisect_left(by_df, s) < MIN_SHARE * n or len(words_by_df) - bisect_left(words_by_df, s) < MIN_FRAME:
            break
        keep = [d >= s for d in df]
        # A lone kept token between two that are not, made slot too.
        alone = [i for i in range(1, n - 1) if keep[i] and not keep[i - 1] and not keep[i + 1]]
        variants = [keep]
        if alone:
            merged = keep.copy()
            for i in alone:
                merged[i] = False
            variants.append(merged)
        for k in variants:
            frame, literal, words, longest = _framed(toks, k, SLOT, digit)
            if SLOT in frame and words >= MIN_FRAME and literal >= MIN_SHARE * n and longest <= MAX_SLOT:
                key = frame_key(frame)
                out.setdefault(key, Proposal(frame, key, literal))
    return list(out.values())


#: :func:`proposed` expands every level of a block into a copy of
#: its tokens (the kernel makes room for as many): blocks are taken in
#: chunks of at most this many (a block's levels times its tokens,
#: bounded by its tokens squared).
PROPOSAL_CHUNK = 1 << 21


def block_proposals(blocks: TokenBlocks, df: np.ndarray, need: int) -> list[list[Proposal]]:
    """:func:`proposals` of each block of ``blocks``, ``df`` the document
    frequency of each of their tokens, from :func:`proposed` (what the
    Spark job reads; a local scan counts the frames' support on the
    arrays themselves, :func:`candidates`)."""
    frames = proposed(blocks, df, need)
    keys = frames.keys(np.arange(len(frames))).tolist()
    out: list[dict[int, Proposal]] = [{} for _ in range(len(blocks))]
    for i, (b, key) in enumerate(zip(frames.block.tolist(), keys)):
        out[b].setdefault(key, Proposal(frames.frame(i), key, int(frames.literal[i])))
    return [list(p.values()) for p in out]


@dataclass(frozen=True)
class Frames:
    """Frames proposed by blocks (:func:`proposed`): frame ``i`` is
    ``values[offsets[i]:offsets[i + 1]]``, proposed by block ``block[i]``
    and keeping ``literal[i]`` of its tokens. A block's frames are in the
    order :func:`proposals` makes them, and may repeat."""

    block: np.ndarray
    literal: np.ndarray
    values: np.ndarray  # uint64
    offsets: np.ndarray

    def __len__(self) -> int:
        return self.block.size

    def frame(self, i: int) -> Frame:
        return tuple(self.values[self.offsets[i]:self.offsets[i + 1]].tolist())

    def keys(self, rows: np.ndarray) -> np.ndarray:
        """The :func:`frame_key` of the frames ``rows`` (int64), the digests
        of all of them in one call (:func:`sequence_keys`)."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, stops = self.offsets[rows], self.offsets[rows + 1]
        offsets = np.zeros(rows.size + 1, dtype=np.int64)
        np.cumsum(stops - starts, out=offsets[1:])
        return (sequence_keys(gather_runs(self.values, starts, stops)[0], offsets) >> np.uint64(1)).view(np.int64)

    def sketches(self) -> np.ndarray:
        """A 64-bit hash of each frame, in a few array calls: equal frames
        have equal sketches, so a frame whose sketch is proposed by too
        few documents is proposed by too few itself."""
        lengths = np.diff(self.offsets)
        owner = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
        place = np.arange(self.values.size, dtype=np.int64) - self.offsets[:-1][owner]
        power = np.cumprod(np.full(int(lengths.max(initial=0)) + 1, _SKETCH, dtype=np.uint64))
        out = lengths.astype(np.uint64) * np.uint64(_SKETCH)
        np.add.at(out, owner, (self.values ^ (self.values >> np.uint64(29))) * power[place])
        return out.view(np.int64)

    @classmethod
    def concatenate(cls, parts: Sequence[tuple[int, Frames]]) -> Frames:
        """The frames of ``parts``, each ``(first block, frames)``, in turn."""
        ends = list(itertools.accumulate((int(p.offsets[-1]) for _, p in parts), initial=0))
        return cls(np.concatenate([p.block + lo for lo, p in parts] or [np.zeros(0, np.int64)]),
                   np.concatenate([p.literal for _, p in parts] or [np.zeros(0, np.int64)]),
                   np.concatenate([p.values for _, p in parts] or [np.zeros(0, np.uint64)]),
                   np.concatenate([np.zeros(1, np.int64)] + [p.offsets[1:] + at for (_, p), at in zip(parts, ends)]))


#: An odd 64-bit multiplier (the golden ratio's): the base of :meth:`Frames.sketches`.
_SKETCH = 0x9E3779B97F4A7C15


def proposed(blocks: TokenBlocks, df: np.ndarray, need: int) -> Frames:
    """The frames :func:`proposals` makes of each block of ``blocks``,
    ``df`` the document frequency of each of their tokens: every level of
    every block in one kernel call (:func:`_kernel_frames`), or in a few
    array calls without the kernel (:class:`_Levels`), where
    :func:`proposals` reads each level's tokens in a Python loop. That
    loop was most of the time Chinese and Japanese docs took to learn
    templates: a character is a token, so a short block has some forty
    tokens and as many levels."""
    df = np.asarray(df, dtype=np.int64)
    lengths = np.diff(blocks.offsets)
    cost = np.cumsum(lengths * lengths)
    parts: list[tuple[int, Frames]] = []
    lo = 0
    while lo < len(blocks):
        base = int(cost[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(cost, base + PROPOSAL_CHUNK, side="right")))
        a, b = int(blocks.offsets[lo]), int(blocks.offsets[hi])
        chunk = TokenBlocks(blocks.tokens[a:b], blocks.offsets[lo:hi + 1] - a)
        frames = _Levels(chunk, df[a:b], need).frames() if KERNEL is None else _kernel_frames(chunk, df[a:b], need)
        parts.append((lo, frames))
        lo = hi
    return Frames.concatenate(parts)


def _kernel_frames(blocks: TokenBlocks, df: np.ndarray, need: int) -> Frames:
    """:class:`_Levels`'s frames from the kernel, which reads each level
    of a block once where the arrays pass over it a few dozen times: the
    1,277 distinct short blocks of the Chinese Rust book took 0.041 s in
    the arrays, 0.006 s here."""
    lengths = np.diff(blocks.offsets)
    # Room for two frames a level, a level per token; only what is
    # written is touched.
    block, literal = (np.empty(2 * int(lengths.sum()), dtype=np.int64) for _ in range(2))
    values = np.empty(2 * int((lengths * lengths).sum()), dtype=np.uint64)
    offsets = np.empty(block.size + 1, dtype=np.int64)
    count = KERNEL.level_frames(blocks.tokens, blocks.offsets, df, need, digit_hash(), SLOT, MIN_SHARE,  # type: ignore[union-attr]
                                MIN_FRAME, MAX_SLOT, block, literal, values, offsets)
    return Frames(block[:count], literal[:count], values[:offsets[count]], offsets[:count + 1])


class _Levels:
    """Every level :func:`proposals` reads of some blocks, each a row of
    the block's tokens: ``row`` (of each element), ``pos`` (in its
    block), ``tok`` and ``keep`` (the level keeps it)."""

    def __init__(self, blocks: TokenBlocks, df: np.ndarray, need: int) -> None:
        off = blocks.offsets
        lengths = np.diff(off)
        block = np.repeat(np.arange(len(blocks), dtype=np.int64), lengths)
        # A block's levels are its distinct frequencies of at least need,
        # ascending; each keeps the block's tokens from its place in the
        # block's sorted frequencies on (and so the words).
        span = int(df.max()) + 1 if df.size else 1
        key = block * span + df
        levels = sorted_unique(key[df >= need])
        self.block, level = levels // span, levels % span
        kept = off[1:][self.block] - np.searchsorted(np.sort(key), levels)
        word = blocks.tokens != digit_hash()
        word_end = np.cumsum(np.bincount(block[word], minlength=len(blocks)))
        kept_words = word_end[self.block] - np.searchsorted(np.sort(key[word]), levels)
        # A level keeps fewer than the one below it: proposals stops at the
        # first with too few, so those after it are not read either.
        read = (kept >= MIN_SHARE * lengths[self.block]) & (kept_words >= MIN_FRAME)
        self.block, level = self.block[read], level[read]
        self.n = lengths[self.block]
        flat, self.row = gather_runs(np.arange(df.size, dtype=np.int64), off[self.block], off[self.block + 1])
        self.pos = flat - off[self.block][self.row]
        self.tok = blocks.tokens[flat]
        self.keep = df[flat] >= level[self.row]

    def shifted(self, values: np.ndarray, by: int, fill: bool | int) -> np.ndarray:
        """``values`` of the element ``by`` before (1) or after (-1) each,
        ``fill`` past the block's ends."""
        out = np.full_like(values, fill)
        if by > 0:
            out[1:] = values[:-1]
            out[self.pos == 0] = fill
        else:
            out[:-1] = values[1:]
            out[self.pos == self.n[self.row] - 1] = fill
        return out

    def frames(self) -> Frames:
        """The acceptable frames of every level, as :func:`proposals`
        orders them: by level, the level's frame before the one with its
        lone frame tokens made slot."""
        keep = self.keep
        alone = (keep & ~self.shifted(keep, 1, True) & ~self.shifted(keep, -1, True)
                 & (self.pos > 0) & (self.pos < self.n[self.row] - 1))
        found = [self.acceptable(keep, np.ones(self.n.size, dtype=bool)),
                 self.acceptable(keep & ~alone, np.bincount(self.row[alone], minlength=self.n.size) > 0)]
        row, literal, values, counts = (np.concatenate(column) for column in zip(*found))
        order = np.lexsort((np.repeat([0, 1], [found[0][0].size, found[1][0].size]), row))
        ends = np.cumsum(counts)
        values = gather_runs(values, (ends - counts)[order], ends[order])[0]
        offsets = np.zeros(order.size + 1, dtype=np.int64)
        np.cumsum(counts[order], out=offsets[1:])
        return Frames(self.block[row[order]], literal[order], values, offsets)

    def acceptable(self, keep: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, ...]:
        """The rows (of ``rows``) whose tokens ``keep`` marks make an
        acceptable frame (:func:`_framed`), the tokens each keeps, and the
        frames: their tokens one after the other, and how many each has."""
        tok, row, n = self.tok, self.row, self.n
        first = self.pos == 0
        before = self.shifted(keep, 1, False)
        # A run of tokens not kept is one slot, unless the token before it
        # is kept and is the slot token itself (a frame's last token is
        # what the next run is compared with).
        slot = ~keep & (first | (before & (self.shifted(tok, 1, SLOT) != SLOT)))
        starts = np.flatnonzero(~keep & (first | before))
        ends = np.flatnonzero(~keep & self.shifted(keep, -1, True))
        longest = np.zeros(n.size, dtype=np.int64)
        np.maximum.at(longest, row[starts], ends - starts + 1)
        literal = np.bincount(row[keep], minlength=n.size)
        words = np.bincount(row[keep & (tok != SLOT) & (tok != digit_hash())], minlength=n.size)
        has_slot = np.bincount(row[slot | (keep & (tok == SLOT))], minlength=n.size) > 0
        ok = rows & has_slot & (words >= MIN_FRAME) & (literal >= MIN_SHARE * n) & (longest <= MAX_SLOT)
        emit = (keep | slot) & ok[row]
        accepted = np.flatnonzero(ok)
        return (accepted, literal[accepted], np.where(keep, tok, np.uint64(SLOT))[emit],
                np.bincount(row[emit], minlength=n.size)[accepted])


def _find(toks: Sequence[int], run: list[int], pos: int) -> int:
    """The first place at ``pos`` or after where ``toks`` holds ``run``,
    or -1. Only the places of the run's first token are compared (a
    comparison at every place was a third of what matching took)."""
    m, stop = len(run), len(toks) - len(run) + 1
    while pos < stop:
        try:
            pos = toks.index(run[0], pos, stop)
        except ValueError:
            return -1
        if list(toks[pos:pos + m]) == run:
            return pos
        pos += 1
    return -1


def match(toks: Sequence[int], frame: Frame) -> tuple[int, ...]:
    """Positions in ``toks`` of the frame's tokens when ``toks`` fills the
    frame (every slot with at least one token); ``()`` when it does not."""
    n = len(toks)
    runs: list[list[int]] = [[]]
    for t in frame:
        if t == SLOT:
            runs.append([])
        else:
            runs[-1].append(t)
    lead, trail = frame[0] == SLOT, frame[-1] == SLOT
    pos, out = 0, list[int]()
    for r, run in enumerate(runs):
        if not run:
            continue
        m = len(run)
        last = r == len(runs) - 1
        if r == 0:
            at = 0 if list(toks[:m]) == run else -1
        elif last and not trail:
            at = n - m if n - m >= pos and list(toks[n - m:]) == run else -1
        else:
            at = _find(toks, run, pos)
        if at < 0:
            return ()
        out.extend(range(at, at + m))
        pos = at + m + 1  # the slot after this run holds a token at least
    if (lead and out and out[0] == 0) or (trail and out and out[-1] >= n - 1):
        return ()
    ok = len(out) >= MIN_SHARE * n and max(_gaps(out, n), default=0) <= MAX_SLOT
    return tuple(out) if ok else ()


@dataclass(frozen=True)
class Template:
    frame: Frame
    key: int
    support: int  # documents whose blocks proposed it


def rank_key(t: Template) -> tuple[int, int, int]:
    """Candidates in the order blocks try them: the most frame tokens
    over all the documents that propose it first (a template rather than
    a variant with a frequent slot value in it, which fewer documents
    propose; a byline's frame rather than its date alone, which holds
    fewer tokens), then by key."""
    literal = sum(1 for x in t.frame if x != SLOT)
    return (-t.support * literal, -literal, t.key)


def best_match(toks: Sequence[int], templates: Sequence[Template]) -> tuple[int, tuple[int, ...]]:
    """The first template of ``templates`` (in :func:`rank_key` order)
    that ``toks`` fills, and the positions of its frame; ``(-1, ())``
    when none does."""
    for i, t in enumerate(templates):
        pos = match(toks, t.frame)
        if pos:
            return i, pos
    return -1, ()


def anchors(templates: Sequence[Template]) -> dict[int, list[int]]:
    """For each token, the templates (indices, in order) whose first
    literal token it is: a block tries only the templates anchored at one
    of its tokens."""
    out: dict[int, list[int]] = {}
    for i, t in enumerate(templates):
        first = next(x for x in t.frame if x != SLOT)
        out.setdefault(first, []).append(i)
    return out


def assign(toks: Sequence[int], templates: Sequence[Template], index: Mapping[int, list[int]]) -> tuple[int, tuple[int, ...]]:
    """:func:`best_match` over the templates anchored at a token of ``toks``."""
    # Few tokens anchor a template: the set intersection finds a block's
    # in one call, where a lookup per token took a tenth of the time the
    # 20 MB benchmark corpus took to learn its templates (0.062 s, now 0.055).
    tried = sorted({i for t in index.keys() & set(toks) for i in index[t]})
    i, pos = best_match(toks, [templates[j] for j in tried])
    return (tried[i], pos) if i >= 0 else (-1, ())


def specific(frame: Frame, documents: int, df: Mapping[int, int]) -> bool:
    """Whether a template found in ``documents`` documents is specific to
    them: its rarest frame word is not much more widespread."""
    digit = digit_hash()
    rarest = min((df.get(t, 0) for t in frame if t != SLOT and t != digit), default=0)
    return rarest > 0 and documents >= SPECIFIC * rarest


def template_text(masked: str, positions: Sequence[int]) -> str:
    """The text form of the frame that the digit-masked text ``masked``
    fills at ``positions``."""
    toks = tokens(masked)
    keep = [False] * len(toks)
    for p in positions:
        keep[p] = True
    return " ".join(_framed(toks, keep, SLOT_TEXT)[0])


def parse_frame(text: str) -> Frame:
    """The frame of a text form (:func:`template_text`)."""
    parts = text.split()
    words = [p for p in parts if p != SLOT_TEXT]
    hashes = iter(token_hashes(words)[0].tolist() if words else [])
    return tuple(SLOT if p == SLOT_TEXT else next(hashes) for p in parts)


def document_frequency(blocks: Sequence[Sequence[int]], docs: Sequence[int]) -> dict[int, int]:
    """For each token, the number of documents with a block holding it."""
    tokens, counts, _ = _Flat(_token_blocks(blocks), docs).document_frequency()
    return dict(zip(tokens.tolist(), counts.tolist()))


class _Flat:
    """Every token of every block in one array, with its block and
    document: the counts over all blocks in a few array calls."""

    def __init__(self, blocks: TokenBlocks, docs: Sequence[int]) -> None:
        self.lengths = np.diff(blocks.offsets)
        self.tokens = blocks.tokens
        self.block = np.repeat(np.arange(len(blocks), dtype=np.int64), self.lengths)
        self.doc = np.repeat(np.asarray(docs, dtype=np.int64), self.lengths)

    def document_frequency(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The distinct tokens, sorted; the documents holding each; and
        that count for each token of each block."""
        distinct, inverse = np.unique(self.tokens, return_inverse=True)
        # Each (token, document) pair once, as one integer: a sort of plain
        # integers is several times faster than one by token then document.
        docs = int(self.doc.max()) + 1 if self.doc.size else 1
        pairs = sorted_unique(inverse.astype(np.int64) * docs + self.doc, overwrite=True)
        counts = np.bincount(pairs // docs, minlength=distinct.size)
        return distinct, counts, counts[inverse]

    def per_block(self, mask: np.ndarray) -> np.ndarray:
        """For each block, how many of its tokens ``mask`` holds."""
        return np.bincount(self.block[mask], minlength=self.lengths.size)

    def among(self, tokens: Collection[int]) -> np.ndarray:
        """Which tokens of the blocks are among ``tokens``."""
        return among(self.tokens, np.fromiter(tokens, dtype=np.uint64, count=len(tokens)))

    def holders(self, tokens: set[int]) -> dict[int, list[int]]:
        """For each of ``tokens``, the blocks holding it, in block order."""
        out: dict[int, list[int]] = {t: [] for t in tokens}
        at = np.flatnonzero(self.among(tokens))
        for t, b in zip(self.tokens[at].tolist(), self.block[at].tolist()):
            held = out[t]
            if not held or held[-1] != b:
                held.append(b)
        return out

    def proposing(self, frequency: np.ndarray, need: int) -> np.ndarray:
        """The blocks that propose a frame at all (:func:`proposals`), given
        each token's document ``frequency``: at the lowest level every
        token found in ``need`` documents is kept, and a block whose kept
        tokens are too few for a frame there proposes none at any level."""
        kept = frequency >= need
        return np.flatnonzero((self.per_block(kept) >= MIN_SHARE * self.lengths)
                              & (self.per_block(kept & (self.tokens != digit_hash())) >= MIN_FRAME))

    def holding(self, tokens: Collection[int]) -> np.ndarray:
        """The blocks holding at least one of ``tokens``."""
        return np.flatnonzero(self.per_block(self.among(tokens)))


def candidates(blocks: Sequence[Sequence[int]], docs: Sequence[int], need: int,
               df: Mapping[int, int]) -> list[Template]:
    """Every frame proposed by blocks of at least ``need`` documents, in
    :func:`rank_key` order."""
    # Equal blocks propose the same frames, so each is proposed once: a
    # footer repeated in 30 % of 200,000 documents, its digits masked,
    # is one block 60,000 times over.
    distinct: dict[tuple[int, ...], int] = {}
    which = np.array([distinct.setdefault(tuple(toks), len(distinct)) for toks in blocks], dtype=np.int64)
    tokens = TokenBlocks.of_lists(list(distinct))
    frequency = np.fromiter(map(df.__getitem__, tokens.tokens.tolist()), dtype=np.int64, count=tokens.tokens.size)
    frames = proposed(tokens, frequency, need)
    if not len(frames):
        return []
    # Most frames are proposed in one document: counted first by their
    # sketches, only the frames that may have support enough are keyed.
    holders = _Holders(which, np.asarray(docs, dtype=np.int64))
    maybe = np.flatnonzero(holders.support(frames.sketches(), frames.block) >= need)
    keys = frames.keys(maybe)
    support = holders.support(keys, frames.block[maybe])
    found: dict[int, Template] = {}
    for i, key, n in zip(maybe.tolist(), keys.tolist(), support.tolist()):
        if n >= need and key not in found:
            found[key] = Template(frames.frame(i), key, n)
    return sorted(found.values(), key=rank_key)


class _Holders:
    """The documents of each block (``which``: the block of each
    occurrence, ``docs``: its document)."""

    def __init__(self, which: np.ndarray, docs: np.ndarray) -> None:
        order = np.argsort(which, kind="stable")
        self.block, self.doc = which[order], docs[order]

    def support(self, keys: np.ndarray, block: np.ndarray) -> np.ndarray:
        """For each frame (its key, the block proposing it), the
        documents whose blocks propose a frame of that key."""
        if keys.size == 0:
            return np.zeros(0, dtype=np.int64)
        doc, owner = gather_runs(self.doc, np.searchsorted(self.block, block),
                                 np.searchsorted(self.block, block, side="right"))
        key = keys[owner]
        order = np.lexsort((doc, key))
        key, doc = key[order], doc[order]
        pair = np.ones(key.size, dtype=bool)
        pair[1:] = (key[1:] != key[:-1]) | (doc[1:] != doc[:-1])
        key = key[pair]
        run = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        counts = np.diff(np.append(run, key.size))
        return counts[np.searchsorted(key[run], keys)]



@dataclass(frozen=True)
class Assignment:
    """The templates kept, and for each block the index of its template
    (-1: none) and the positions of the frame in it."""

    templates: list[Template]
    of: list[int]
    positions: list[tuple[int, ...]]


def anchor(frame: Frame, df: Mapping[int, int]) -> int:
    """The rarest token of a frame: only blocks with it can fill it."""
    return min((x for x in frame if x != SLOT), key=lambda x: (df[x], x))


def holds(frame: Frame, documents: int, need: int, df: Mapping[int, int]) -> bool:
    """Whether a template whose blocks are in ``documents`` documents is
    kept: in ``need`` documents at least, and :func:`specific` to them."""
    return documents >= need and specific(frame, documents, df)


def _stands(t: Template, held: Sequence[int], blocks: TokenBlocks, docs: Sequence[int], need: int,
            df: Mapping[int, int]) -> bool:
    """Whether ``t`` stands (:func:`holds`) with the blocks ``held`` that
    hold its anchor (``docs``: every block's document)."""
    return holds(t.frame, len({docs[b] for b, ok in zip(held, filling(blocks, held, t.frame)) if ok}), need, df)


def filling(blocks: TokenBlocks, rows: Sequence[int], frame: Frame) -> list[bool]:
    """Whether each block of ``rows`` fills ``frame`` (:func:`match`). The
    kernel matches every block (the 17 candidates of the Chinese Rust book
    over 5,345 blocks: 0.0002 s, and 0.013 s by :func:`match`); without it
    each distinct block is matched once, since equal blocks fill a frame
    alike."""
    if KERNEL is not None:
        out = np.empty(len(rows), dtype=np.uint8)
        KERNEL.frame_fills(blocks.tokens, blocks.offsets, np.asarray(rows, dtype=np.int64),
                           np.array(frame, dtype=np.uint64), SLOT, MIN_SHARE, MAX_SLOT, out)
        return out.astype(bool).tolist()
    seqs = blocks.tuples(rows)
    fills: dict[tuple[int, ...], bool] = {}
    for b in rows:
        if seqs[b] not in fills:
            fills[seqs[b]] = bool(match(seqs[b], frame))
    return [fills[seqs[b]] for b in rows]


def _token_blocks(blocks: Sequence[Sequence[int]] | TokenBlocks) -> TokenBlocks:
    return blocks if isinstance(blocks, TokenBlocks) else TokenBlocks.of_lists(blocks)


def learn(blocks: Sequence[Sequence[int]] | TokenBlocks, docs: Sequence[int], need: int) -> Assignment:
    """Templates of short blocks (token hashes, and the document of each)
    and the template each block fills.

    A candidate stands when the blocks that fill it are in at least
    ``need`` documents and it is :func:`specific` to them. Each block
    takes the first standing template it fills (:func:`rank_key`: the
    order); a template taken in fewer than ``need`` documents, or not
    specific to those, is dropped, and its blocks are no template's.
    ``blocks`` may be :class:`TokenBlocks`."""
    blocks = _token_blocks(blocks)
    flat = _Flat(blocks, docs)
    distinct, counts, frequency = flat.document_frequency()
    df = dict(zip(distinct.tolist(), counts.tolist()))
    # Most short blocks hold too few frequent tokens to propose anything,
    # and most hold no template's anchor: found for all blocks at once,
    # they skip the per-block loops (on the 20 MB speed benchmark corpus,
    # 6,398 blocks and no template, learning took 0.055 s, now 0.013 s).
    proposing = flat.proposing(frequency, need).tolist()
    seqs = blocks.tuples(proposing)
    found = candidates([seqs[b] for b in proposing], [docs[b] for b in proposing], need, df)
    holders = flat.holders({anchor(t.frame, df) for t in found})
    standing = [t for t in found if _stands(t, holders[anchor(t.frame, df)], blocks, docs, need, df)]
    index = anchors(standing)
    holding = flat.holding(index.keys()).tolist() if index else []
    seqs.update(blocks.tuples(sorted(set(holding) - seqs.keys())))
    assigned: list[tuple[int, tuple[int, ...]]] = [(-1, ())] * len(blocks)
    chosen: dict[tuple[int, ...], tuple[int, tuple[int, ...]]] = {}  # equal blocks take the same template
    for b in holding:
        if seqs[b] not in chosen:
            chosen[seqs[b]] = assign(seqs[b], standing, index)
        assigned[b] = chosen[seqs[b]]
    taken: dict[int, set[int]] = {}
    for (j, _), d in zip(assigned, docs):
        if j >= 0:
            taken.setdefault(j, set()).add(d)
    kept = [j for j in range(len(standing)) if holds(standing[j].frame, len(taken.get(j, ())), need, df)]
    renumber = {j: k for k, j in enumerate(kept)}
    return Assignment([standing[j] for j in kept], [renumber.get(j, -1) for j, _ in assigned],
                      [pos if j in renumber else () for j, pos in assigned])
