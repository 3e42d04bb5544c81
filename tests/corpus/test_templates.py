"""A block tries only the templates anchored at one of its tokens; that
must find what trying every template in order finds."""

from __future__ import annotations

from hypothesis import given, settings
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
