"""Template blocks are the short paragraphs that stage 1 weighed light
enough, read a few thousand documents at a time; what is read must not
depend on where the groups are cut."""

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
