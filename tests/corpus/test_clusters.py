"""Near-duplicate documents compared without their boilerplate, and the
same comparison done ahead on whole documents and corrected afterwards
(what the scan does while its workers learn the templates): both must
give the same similarities for any boilerplate."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe.corpus.batches import BatchConfig, Corpus, Intake, Spool, batch_stream, run_batches
from dedupe.corpus.clusters import document_pairs, without
from dedupe.corpus.grouping import doc_rank
from dedupe.io.sources import as_documents
from dedupe.options import Options, ScanOptions
from tests.corpus.test_scan import planted_corpus


def analyzed(docs: list[tuple[str, str]]) -> tuple[Corpus, Spool]:
    """Stage 1 of the scan over ``docs``, in this process."""
    cfg = BatchConfig.for_options(Options(), ScanOptions(jobs=1))
    spool = Spool()
    intake = Intake(spool, strict=True)
    corpus = run_batches(batch_stream(as_documents(docs)), cfg, 1, intake).corpus(intake.ids, intake.lengths)
    return corpus, spool


@pytest.fixture(scope="module")
def planted():
    docs, _ = planted_corpus()
    c, spool = analyzed(list(docs.items()))
    yield c
    spool.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(share=st.sampled_from([0.0, 0.05, 0.3, 0.8, 1.0]), whole_docs=st.integers(0, 5), seed=st.integers(0, 2**32 - 1))
def test_whole_comparison_corrected_for_boilerplate_equals_comparing_without_it(planted, share, whole_docs, seed):
    c = planted
    rng = np.random.default_rng(seed)
    boilerplate = rng.random(c.para_doc.size) < share
    # Some documents all boilerplate: they are compared whole again.
    for d in rng.choice(len(c.ids), size=whole_docs, replace=False):
        boilerplate[c.para_doc == d] = True
    rank = doc_rank(c.ids, c.lengths, "first")
    direct = document_pairs(c, rank, boilerplate)
    ahead = without(c, document_pairs(c, rank, np.zeros(c.para_doc.size, dtype=bool)), boilerplate)
    assert np.array_equal(ahead.order, direct.order)
    assert np.array_equal(ahead.pairs, direct.pairs)
    assert np.array_equal(ahead.similarity, direct.similarity)
    assert direct.pairs.size > 0  # the planted near-duplicates are candidates


def test_forked_processes_read_the_spool_at_the_same_time():
    """The spool is read with positioned reads: two processes forked from
    the one that wrote it read different texts at once and get each one
    whole, which a shared file position would mix up."""
    texts = [f"document {i} " + "日本語の文章と English words " * (i % 7 + 1) for i in range(400)]
    spool = Spool()
    for t in texts:
        spool.extend(t.encode("utf-8"), [len(t.encode("utf-8"))])
    spool.seal()
    children = []
    for part in range(2):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports by exit status
            ok = all(spool.text(i) == texts[i] for _ in range(20) for i in range(part, len(texts), 2))
            os._exit(0 if ok else 1)
        children.append(pid)
    statuses = [os.waitpid(pid, 0)[1] for pid in children]
    assert all(spool.text(i) == texts[i] for i in range(len(texts)))
    spool.close()
    assert statuses == [0, 0]
