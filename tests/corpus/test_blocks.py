"""Template blocks are read a few thousand documents at a time and
weighed in one call per group; what is read must not depend on where the
groups are cut."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe.corpus import blocks
from dedupe.corpus import templates as tp
from dedupe.corpus.batches import HEADING
from tests.corpus.test_clusters import analyzed
from tests.strategies import document, mixed_text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(document(max_paragraphs=5), mixed_text), min_size=1, max_size=12),
       st.sampled_from([1, 2, 5, blocks.BLOCK_DOCS]))
def test_eligible_blocks_are_the_short_paragraphs_each_read_alone(texts, per_read):
    c, spool = analyzed([(f"d{i:02}", t) for i, t in enumerate(texts)])
    try:
        short = np.flatnonzero((c.para_kind != HEADING) & (c.para_tokens > 0)
                               & (c.para_tokens <= blocks.TEMPLATE_TOKENS))
        with patch.object(blocks, "BLOCK_DOCS", per_read):
            paras, found = blocks._eligible_blocks(c, short, spool)
        want = [(p, spool.text(int(c.para_doc[p]))[c.para_start[p]:c.para_end[p]]) for p in short.tolist()]
        want = [(p, block) for p, block in want if tp.eligible(block)]
        assert list(zip(paras, found)) == want
    finally:
        spool.close()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(mixed_text, document(max_paragraphs=3)), min_size=1, max_size=6), st.data())
def test_blocks_weighed_in_one_call_are_weighed_as_each_alone(texts, data):
    spans = data.draw(st.lists(st.integers(0, len(texts) - 1).flatmap(
        lambda d: st.tuples(st.just(d), st.integers(0, len(texts[d])), st.integers(0, len(texts[d])))), max_size=12))
    doc = np.array([d for d, _, _ in spans], dtype=np.int64)
    starts = np.array([min(a, b) for _, a, b in spans], dtype=np.int64)
    ends = np.array([max(a, b) for _, a, b in spans], dtype=np.int64)
    got = tp.eligible_spans(texts, doc, starts, ends).tolist()
    assert got == [tp.eligible(texts[d][a:b]) for d, a, b in zip(doc.tolist(), starts.tolist(), ends.tolist())]
