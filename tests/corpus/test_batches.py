"""Stage 1 of a scan tokenizes each prose paragraph once, as its
sentences one after the other: the shingles, keys and signatures it
gives paragraphs and sentences are exactly those of masking and shingling
each paragraph and each sentence on its own."""

from __future__ import annotations

import mmap
import multiprocessing
from unittest.mock import patch

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.core.segment import paragraphs, sentences
from dedupe.core.shingle import token_stream
from dedupe.core.signature import minhash
from dedupe.corpus import batches as B
from dedupe.corpus import boilerplate as bp
from dedupe.options import Options, ScanOptions
from tests.strategies import _MIXED, document, mixed_text, paragraph

# Text where sentences end next to combining marks, digits of several
# scripts, NUL, full-width forms and space-less scripts.
_SENTENCES = st.lists(st.one_of(mixed_text, paragraph(), st.sampled_from(list(_MIXED))), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(_SENTENCES, st.sampled_from([" ", "  ", "\n", "\u3000", ""]))
def test_a_text_tokenizes_as_its_sentences_one_after_another(parts, gap):
    text = gap.join(parts)
    spans = sentences(text)
    whole, _ = token_stream(bp.mask_all([text]))
    th, off = token_stream(bp.mask_all([text[a:b] for a, b in spans]))
    assert np.array_equal(whole, th)
    assert off[-1] == th.size


@settings(max_examples=60, deadline=None)
@given(st.lists(document(), min_size=1, max_size=4))
def test_batch_sets_equal_shingling_each_paragraph_and_sentence_alone(texts):
    cfg = B.BatchConfig.for_options(Options(), ScanOptions())
    batch = B._analyze(texts, cfg)
    para_texts = [texts[d][a:b] for d, a, b in zip(batch.para_doc, batch.para_start, batch.para_end)]
    own = bp.masked_sets(para_texts, cfg.ngram)
    assert np.array_equal(batch.para_key, own.keys)
    assert np.array_equal(batch.para_tokens, own.tokens)
    for i in range(len(para_texts)):
        assert np.array_equal(batch.para_hash[batch.para_off[i] : batch.para_off[i + 1]], own.unique(i))
    assert np.array_equal(batch.para_bands, B._bands32(minhash(own, cfg.num_perm, cfg.seed), cfg.bands, cfg.rows))
    sent_texts = [texts[batch.para_doc[p]][a:b] for p, a, b in zip(batch.sent_para, batch.sent_start, batch.sent_end)]
    alone = bp.masked_sets(sent_texts, cfg.ngram)
    assert np.array_equal(batch.sent_key, alone.keys)
    assert np.array_equal(batch.sent_tokens, alone.tokens)
    assert np.array_equal(batch.sent_bands,
                          B._bands32(minhash(alone, B.SENT_PERM, cfg.seed), cfg.sent_bands, cfg.sent_rows))


def test_sentences_are_those_of_the_long_prose_paragraphs():
    text = "A heading\n=========\n\nOne two three four five six seven eight nine ten eleven. Twelve thirteen" \
           " fourteen fifteen sixteen seventeen eighteen nineteen twenty.\n\nShort one.\n"
    batch = B._analyze([text], B.BatchConfig.for_options(Options(), ScanOptions()))
    kinds = batch.para_kind.tolist()
    assert kinds == [B.HEADING, B.PROSE, B.SHORT]
    prose = [s for s in paragraphs(text) if s.kind == "paragraph"][0]
    assert list(zip(batch.sent_start.tolist(), batch.sent_end.tolist())) == sentences(text, prose.start, prose.end)
    assert set(batch.sent_para.tolist()) == {1}


class _Unmovable(mmap.mmap):
    """A map the system cannot resize, as where there is no ``mremap``."""

    def resize(self, newsize: int) -> None:
        raise SystemError("mmap: resizing not available--no mremap()")


@settings(max_examples=40, deadline=None)
@given(st.lists(document(max_paragraphs=4), min_size=1, max_size=8), st.data(), st.booleans())
def test_batches_merged_as_they_arrive_are_the_corpus_of_one_batch(texts, data, movable):
    """Splitting the documents into batches, wherever the cuts fall, and
    merging the batches one at a time gives every array of the corpus as
    analyzing all documents at once does: indices shifted past the batches
    before, offsets continued, the columns grown many times, in place or
    (where maps cannot move) by copying."""
    cfg = B.BatchConfig.for_options(Options(), ScanOptions())
    ids, lengths = [str(i) for i in range(len(texts))], [len(t) for t in texts]
    cuts = sorted(data.draw(st.sets(st.integers(1, len(texts) - 1), max_size=len(texts) - 1))) if len(texts) > 1 else []
    with patch.object(B, "_anonymous", B._anonymous if movable else (lambda size: _Unmovable(-1, size))):
        merged = B.Merged(cfg)
        for a, b in zip([0, *cuts], [*cuts, len(texts)]):
            merged.add(B._analyze(texts[a:b], cfg))
        got = merged.corpus(ids, lengths)
    whole = B.Merged(cfg)
    whole.add(B._analyze(texts, cfg))
    want = whole.corpus(ids, lengths)
    for name, value in vars(want).items():
        if isinstance(value, np.ndarray):
            assert getattr(got, name).dtype == value.dtype, name
            assert np.array_equal(getattr(got, name), value), name


def test_an_empty_corpus_has_empty_arrays_of_every_width():
    cfg = B.BatchConfig.for_options(Options(), ScanOptions())
    c = B.Merged(cfg).corpus([], [])
    assert c.para_off.tolist() == [0]
    assert c.doc_bands.shape == (0, cfg.bands) and c.mask_bands.shape == (0, cfg.bp_bands)
    assert c.sent_bands.shape == (0, cfg.sent_bands) and c.para_hash.dtype == np.uint64


def test_a_forked_worker_writing_to_the_corpus_leaves_this_process_s_alone():
    """The columns are private memory: what a forked worker writes into
    them (it should not, but a bug might) is its own copy."""
    cfg = B.BatchConfig.for_options(Options(), ScanOptions())
    merged = B.Merged(cfg)
    merged.add(B._analyze(["One paragraph here, long enough to be prose for the test.", "Another one."], cfg))
    corpus = merged.corpus(["a", "b"], [60, 12])
    before = corpus.para_start.copy()
    ctx = multiprocessing.get_context("fork")
    child = ctx.Process(target=_overwrite, args=(corpus,))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert np.array_equal(corpus.para_start, before)


def _overwrite(corpus: B.Corpus) -> None:
    corpus.para_start[:] = -1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(document(max_paragraphs=4), st.booleans()), min_size=1, max_size=8))
def test_a_batch_without_some_documents_is_the_batch_of_the_others(docs):
    """A document whose id came before is cut out of its batch's arrays:
    what is left is what analyzing the other documents alone gives."""
    cfg = B.BatchConfig.for_options(Options(), ScanOptions())
    texts = [t for t, _ in docs]
    keep = np.array([k for _, k in docs], dtype=bool)
    got = B._kept(B._analyze(texts, cfg), keep)
    want = B._analyze([t for t, k in docs if k], cfg)
    for name, value in vars(want).items():
        assert getattr(got, name).dtype == value.dtype, name
        assert np.array_equal(getattr(got, name), value), name


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(st.characters(exclude_categories=()), max_size=40), min_size=1, max_size=30),
       st.data(), st.sampled_from([(0, 1), (8, 64), (64 << 10, 4 << 20)]))
def test_documents_read_together_are_those_read_one_at_a_time(texts, data, limits):
    # Documents close together are read in one call, within a gap and a
    # size (tiny ones here, to cut reads anywhere); texts with surrogates
    # and every other code point come back as they went in.
    spool = B.Spool()
    try:
        encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
        spool.extend(b"".join(encoded), [len(e) for e in encoded])
        docs = sorted(data.draw(st.sets(st.integers(0, len(texts) - 1))))
        with patch.object(B, "_GAP", limits[0]), patch.object(B, "_CHUNK", limits[1]):
            assert spool.texts(docs) == [spool.text(d) for d in docs] == [texts[d] for d in docs]
    finally:
        spool.close()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=25), st.integers(0, 3), st.data())
def test_subsets_are_the_shingles_of_the_rows_chosen(lengths, start, data):
    # Sets whose offsets may start past the first hash, as a view does.
    offsets = np.cumsum([start, *lengths]).astype(np.int64)
    hashes = np.arange(int(offsets[-1]) + 2, dtype=np.uint64) * np.uint64(7919)
    sets = B.ShingleSets(hashes, offsets, np.arange(len(lengths), dtype=np.int64),
                         np.arange(len(lengths), dtype=np.uint64) + np.uint64(100))
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, max(len(lengths) - 1, 0)), max_size=len(lengths)))
                           if lengths else []), dtype=np.int64)
    got = B._subsets(sets, rows)
    assert [got.raw(i).tolist() for i in range(len(got))] == [sets.raw(int(r)).tolist() for r in rows]
    assert got.tokens.tolist() == sets.tokens[rows].tolist() and got.keys.tolist() == sets.keys[rows].tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 3 * B.BATCH_CHARS), max_size=12), st.integers(0, 9 * B.BATCH_DOCS),
       st.sampled_from([0, 1, 2]))
def test_a_scan_said_to_run_in_process_starts_no_worker(lengths, tiny, jobs):
    """Documents of these lengths and ``tiny`` one-character ones, in any
    order the stream gives them: where :func:`B.in_process` says so, stage
    1 is at most the batches ``ordered_map`` runs here and the later
    stages take no pool."""
    from dedupe.io.records import Document

    docs = [Document(f"d{i}", "x" * n) for i, n in enumerate(lengths)] + [Document(f"t{i}", "y") for i in range(tiny)]
    chars = sum(len(d.text) for d in docs)
    if B.in_process(jobs, len(docs), chars):
        batches = sum(1 for _ in B.batch_stream(docs))
        assert jobs == 1 or (batches <= B.IN_PROCESS_BATCHES and B.pool_jobs(jobs, chars) == 1)
    if jobs == 2:
        assert not B.in_process(jobs, len(docs), chars)
