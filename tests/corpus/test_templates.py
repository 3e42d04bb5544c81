"""A block tries only the templates anchored at one of its tokens; that
must find what trying every template in order finds."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedupe.corpus import templates as tp

_token = st.integers(1, 6)
_frame = st.lists(st.one_of(_token, st.just(tp.SLOT)), min_size=1, max_size=5).filter(
    lambda f: any(t != tp.SLOT for t in f))


@settings(max_examples=400, deadline=None)
@given(st.lists(_token, max_size=10), st.lists(_frame, max_size=8))
def test_a_block_takes_the_first_template_it_fills(toks, frames):
    templates = [tp.Template(tuple(f), k, 1) for k, f in enumerate(frames)]
    assert tp.assign(toks, templates, tp.anchors(templates)) == tp.best_match(toks, templates)


def _learned_by_definition(blocks, docs, need):
    """:func:`tp.learn` as its docstring defines it: every block proposes,
    every block tries the standing templates."""
    df = tp.document_frequency(blocks, docs)
    seen: dict[int, tuple[tp.Proposal, set[int]]] = {}
    for toks, d in zip(blocks, docs):
        for p in tp.proposals(toks, [df[t] for t in toks], need):
            seen.setdefault(p.key, (p, set()))[1].add(d)
    found = sorted((tp.Template(p.frame, k, len(ds)) for k, (p, ds) in seen.items() if len(ds) >= need),
                   key=tp.rank_key)
    standing = [t for t in found
                if tp.holds(t.frame, len({d for b, d in zip(blocks, docs) if tp.match(b, t.frame)}), need, df)]
    assigned = [tp.best_match(toks, standing) for toks in blocks]
    taken: dict[int, set[int]] = {}
    for (j, _), d in zip(assigned, docs):
        if j >= 0:
            taken.setdefault(j, set()).add(d)
    kept = [j for j in range(len(standing)) if tp.holds(standing[j].frame, len(taken.get(j, ())), need, df)]
    renumber = {j: k for k, j in enumerate(kept)}
    return ([standing[j] for j in kept], [renumber.get(j, -1) for j, _ in assigned],
            [pos if j in renumber else () for j, pos in assigned])


# Blocks that share a frame of common tokens across documents, around
# slot tokens of their own, and blocks of random tokens beside them.
_common = st.sampled_from([tp.digit_hash(), 1, 2, 3, 4, 5])
_framed = st.tuples(st.lists(_common, min_size=2, max_size=5), st.lists(st.integers(6, 40), min_size=1, max_size=3),
                    st.lists(_common, max_size=3)).map(lambda t: [*t[0], *t[1], *t[2]])
_block = st.one_of(_framed, st.lists(st.one_of(_common, st.integers(6, 40)), min_size=1, max_size=14))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_block, st.integers(0, 11)), max_size=40), st.integers(1, 5))
@example([([1, 2, 3, 7], 0), ([1, 2, 3, 8], 1)], 2)  # frame tokens in exactly ``need`` documents
# A block that holds a template's anchor without filling it does not
# make the template stand.
@example([([1, 2, tp.digit_hash(), 6], 0), ([1, 2, 2, 6], 1), ([1, 2], 2)], 1)
def test_learning_finds_what_every_block_proposing_and_trying_finds(items, need):
    """:func:`tp.learn` leaves out of its loops the blocks that cannot
    propose a frame or fill a template; what it learns must not change,
    with the kernel or without it."""
    items.sort(key=lambda item: item[1])  # a scan's blocks come in document order
    blocks, docs = [b for b, _ in items], [d for _, d in items]
    learned = tp.learn(blocks, docs, need)
    assert (learned.templates, learned.of, learned.positions) == _learned_by_definition(blocks, docs, need)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tp, "KERNEL", None)
        learned = tp.learn(blocks, docs, need)
    assert (learned.templates, learned.of, learned.positions) == _learned_by_definition(blocks, docs, need)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_block, st.lists(st.integers(0, 11), min_size=1, max_size=6)), max_size=12),
       st.integers(1, 5))
def test_equal_blocks_learn_what_each_block_alone_would(items, need):
    """:func:`tp.learn` proposes, matches and assigns each distinct block
    once; a block repeated in many documents (a footer) must learn what
    the definition learns block by block."""
    pairs = sorted(((b, d) for b, ds in items for d in ds), key=lambda item: item[1])
    blocks, docs = [b for b, _ in pairs], [d for _, d in pairs]
    learned = tp.learn(blocks, docs, need)
    assert (learned.templates, learned.of, learned.positions) == _learned_by_definition(blocks, docs, need)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["by Ann Lee 3 min read", "by Bo Chen 12 min read", "photo: Reuters",
                                 "photo: AP 2024", "All rights reserved 2001", "read more"]), max_size=30),
       st.integers(1, 4))
def test_blocks_as_one_array_learn_what_blocks_as_lists_learn(texts, need):
    docs = list(range(len(texts)))
    as_lists = tp.learn([t.tolist() for t in tp.block_tokens(texts)], docs, need)
    as_array = tp.learn(tp.TokenBlocks.of(texts), docs, need)
    assert (as_array.templates, as_array.of, as_array.positions) == \
        (as_lists.templates, as_lists.of, as_lists.positions)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from([1, 2, tp.SLOT, 2**64 - 1]), max_size=6), min_size=1, max_size=8),
       st.lists(st.integers(0, 20), max_size=12))
def test_blocks_as_tuples_are_their_tokens(blocks, rows):
    """Equal blocks, empty ones and the largest token value among them."""
    rows = [r % len(blocks) for r in rows]
    assert tp.TokenBlocks.of_lists(blocks).tuples(rows) == {r: tuple(blocks[r]) for r in rows}
