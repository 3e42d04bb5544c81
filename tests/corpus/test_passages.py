"""Passages copied across documents with light edits: found with their
spans in both documents; independent text and lone short sentences are not."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.core import evidence, reuse
from dedupe.corpus import passages
from dedupe.corpus.boilerplate import masked_sets
from dedupe.corpus.grouping import doc_rank, near_groups, runs, unit_rank
from dedupe.corpus.passages import judge
from dedupe.options import Options
from tests.corpus.test_clusters import analyzed
from tests.strategies import mixed_text, sentence

ROOT = Path(__file__).resolve().parents[2]

SOURCE = [
    "The harbour authority will dredge the northern channel next spring so that larger ferries can dock at the old quay.",
    "Engineers expect the work to take eleven weeks and to close the fish market car park for most of that time.",
    "Local traders have asked the council to provide a temporary parking area behind the railway station instead.",
    "The council said it would publish a revised traffic plan for the harbour district before the end of the month.",
]
EDITED = [
    "The harbour authority will dredge the northern channel next spring so that bigger ferries can dock at the old quay.",
    "Local traders have asked the council to provide a temporary parking area behind the bus station instead.",
    "Engineers expect the work to take eleven weeks and to close the fish market car park for most of that time.",
]
OTHER = ("A new bakery opened on the high street last week, selling bread made with flour from a mill up the valley. "
         "Its owner trained in three cities before coming home to the coast.")


def _scan(copy: str):
    return dedupe.scan([("a-source", " ".join(SOURCE) + "\n"), ("b-copy", OTHER + "\n\n" + copy + "\n")])


def test_lightly_edited_reordered_passage_is_found_with_spans_in_both_documents():
    copy = " ".join(EDITED)
    result = _scan(copy)
    (p,) = result.passages
    text = OTHER + "\n\n" + copy + "\n"
    src = " ".join(SOURCE) + "\n"
    assert (p.id, p.duplicate_of.id) == ("b-copy", "a-source")
    assert text[p.start : p.end] == copy
    assert src[p.duplicate_of.start : p.duplicate_of.end] == " ".join(SOURCE[:3])
    assert 0.45 <= p.similarity < 1.0


def test_independent_text_on_the_same_topic_is_not_a_passage():
    same_topic = ("Ferries have used the old quay since the nineteenth century, when the harbour was first walled. "
                  "Fishermen still land their catch there on Tuesday and Friday mornings.")
    assert _scan(same_topic).passages == ()


def test_a_lone_short_sentence_is_not_a_passage():
    short = "The council said it would publish a revised plan."
    result = dedupe.scan([("a", short + " " + " ".join(SOURCE[:2]) + "\n"), ("b", OTHER + " " + short + "\n")])
    assert result.passages == ()


#: Run in a child process: scan the corpus given as JSON in the order
#: given by the second argument's seed, print the passages as JSON.
CHILD = r"""
import json, random, sys
import dedupe
from dedupe.corpus import passages
docs = json.load(open(sys.argv[1], encoding="utf-8"))
random.Random(int(sys.argv[2])).shuffle(docs)
result = dedupe.scan(docs, jobs=1, min_documents=100_000)
print(json.dumps([p.to_dict() for p in result.passages]))
"""

SHARED = "The regional water board published its quarterly report on river levels and reservoir capacity yesterday."


def giant_bucket_corpus(n: int = 1050) -> list[list[str]]:
    """``n`` documents of unrelated words, each with one sentence in common
    (not boilerplate at ``min_documents=100_000``): its LSH buckets hold
    ``n`` sentences, over the fan-out cap of 1,000."""
    rng = random.Random(14)
    vocab = ["".join(rng.choice("bcdfghjklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(4000)]

    def sentence() -> str:
        return " ".join(rng.choice(vocab) for _ in range(rng.randint(10, 18))).capitalize() + "."

    return [[f"doc{i:04d}", f"{sentence()} {SHARED} {sentence()}\n\n{sentence()} {sentence()}\n"] for i in range(n)]


def _passages_in_child(corpus: Path, hash_seed: str, order: int) -> list[dict]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(order)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True, timeout=300)
    return json.loads(out.stdout)


def test_a_sentence_bucket_over_the_cap_links_copies_to_the_canonical_sentence(tmp_path):
    # Past the cap a bucket links each member to its first only; first in
    # canonical order, so every copy's source is the first document in id
    # order, whichever order the corpus comes in and whatever the hash seed.
    docs = giant_bucket_corpus()
    corpus = tmp_path / "docs.json"
    corpus.write_text(json.dumps(docs), encoding="utf-8")
    first = _passages_in_child(corpus, "0", 1)
    assert first == _passages_in_child(corpus, "777", 2)
    assert len(first) == len(docs) - 1
    at = docs[0][1].index(SHARED)
    assert {(p["duplicate_of"]["id"], p["duplicate_of"]["start"], p["duplicate_of"]["end"]) for p in first} == {
        ("doc0000", at, at + len(SHARED))}
    assert all(docs[int(p["id"][3:])][1][p["start"] : p["end"]] == SHARED for p in first)


@pytest.mark.parametrize("setting", [{"VERIFY_CHUNK": 7}, {"SHINGLE_CHARS": 300}, {"SHINGLE_CHARS": 1}])
def test_candidates_verified_in_small_pieces_find_the_same_passages(monkeypatch, setting):
    # Candidates are judged a chunk at a time, and their sentences
    # shingled a run of documents at a time, to bound the memory; no size
    # may change what is found (runs of one document included).
    docs = [*giant_bucket_corpus(200), ["a-source", " ".join(SOURCE) + "\n"],
            ["b-copy", OTHER + "\n\n" + " ".join(EDITED) + "\n"]]
    whole = dedupe.scan(docs, jobs=1, min_documents=100_000).passages
    for name, value in setting.items():
        monkeypatch.setattr(passages, name, value)
    assert dedupe.scan(docs, jobs=1, min_documents=100_000).passages == whole
    assert len(whole) == 200  # 199 copies of the shared sentence, one edited passage


# ---------------------------------------------------------------- copied paragraphs, by their definition


def _copied_paragraphs_by_definition(c, pg, cluster_of):
    """The rule of ``copied_paragraphs``, group by group and member by
    member: a member copies its group's canonical when it is the group's
    first paragraph in its document and that is not the canonical's
    document; a copy inside one document cluster is no finding."""
    grp = np.flatnonzero(np.isin(pg.canonical, pg.canonical[pg.canonical != pg.items]))
    order, bounds = runs(pg.canonical[grp])
    covered, found = set(), []
    for k in range(bounds.size - 1):
        sel = grp[order[bounds[k]:bounds[k + 1]]]
        src = int(pg.canonical[sel[0]])
        seen = {int(c.para_doc[src])}
        for pos in sel.tolist():
            m, d = int(pg.items[pos]), int(c.para_doc[pg.items[pos]])
            if d in seen:
                continue
            seen.add(d)
            covered.add(m)
            if cluster_of[d] != cluster_of[c.para_doc[src]]:
                found.append((d, int(c.para_start[m]), int(c.para_doc[src]), int(c.para_start[src]),
                              float(pg.similarity[pos])))
    return covered, found


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 7), min_size=1, max_size=6), min_size=2, max_size=9),
       st.lists(st.integers(0, 3), min_size=9, max_size=9), st.randoms(use_true_random=False))
def test_copied_paragraphs_follow_their_rule_member_by_member(layout, clusters, rnd):
    """Documents made of a few shared paragraphs (some lightly edited,
    some repeated inside one document), in random clusters."""

    pool = [" ".join(SOURCE[i % 4].split()[::-1] if i >= 4 else SOURCE[i].split()) for i in range(8)]
    docs = []
    for n, picks in enumerate(layout):
        paras = [pool[p] if rnd.random() < 0.7 else pool[p].replace("the", "a", 1) for p in picks]
        docs.append((f"d{n}", "\n\n".join(paras) + "\n"))
    c, spool = analyzed(docs)
    spool.close()
    rank = doc_rank(c.ids, c.lengths, "first")
    cluster_of = np.array([min(i for i in range(len(docs)) if clusters[i] == clusters[d]) for d in range(len(docs))])
    options = Options()
    shared = passages.Shared(rank, unit_rank(rank, c.para_doc, c.para_start), np.zeros(c.para_doc.size, bool),
                             cluster_of, 2, unit_rank(rank, c.sent_doc, c.sent_start))
    out, covered = passages.copied_paragraphs(c, options, shared)
    items = np.flatnonzero((c.para_kind == 0) & (c.para_tokens >= options.min_tokens))
    pg = near_groups(items, shared.para_rank, c.para_key, c.para_bands, c.para_off, c.para_hash, options.threshold)
    want_covered, want = _copied_paragraphs_by_definition(c, pg, cluster_of)
    assert set(np.flatnonzero(covered).tolist()) == want_covered
    assert sorted((m.copy_doc, m.c_start, m.src_doc, m.s_start, m.similarity) for m in out) == sorted(want)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(sentence, mixed_text), min_size=2, max_size=8), st.data())
def test_judge_decides_on_the_exact_masked_shingle_sets(texts, data):
    # Each pair's overlap, as judge computes it from sorted sets, equals
    # Python's set arithmetic on the same masked shingles.
    n = len(texts)
    pairs = np.array(data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1,
                                        max_size=12)), dtype=np.int64)
    options = Options()
    got = judge(texts, pairs, options)
    sets = masked_sets(texts, options.ngram)
    for i, (x, y) in enumerate(pairs.tolist()):
        a, b = set(sets.raw(x).tolist()), set(sets.raw(y).tolist())
        found, sim = reuse.strength(len(a & b), len(a), len(b), options.threshold, options.containment)
        if found == reuse.NONE:
            assert got.strength[i] == reuse.NONE
            continue
        # A copy by overlap is still none when a number, path or negation differs.
        differs = evidence.conflict(evidence.marks(texts[x]), evidence.marks(texts[y]), len(a) < len(b))
        assert (got.strength[i], got.similarity[i]) == ((reuse.NONE, 0.0) if differs else (found, sim))


# A truncated copy that adds a number its source lacks: copies by their
# sets, different by the evidence rule only because the copy is the
# shorter (as long as its source, a number on one side alone would not do).
_BRIDGE = "The new bridge over the river will open to traffic in the spring after years of work on its piers and deck."
_BRIDGE_CUT = "The new bridge over the river will open to traffic in the spring after 3 years of work"


@pytest.mark.parametrize("jobs", [1, 2])
def test_sentences_judged_in_workers_get_the_verdicts_of_judge(jobs):
    from dedupe.corpus.batches import Analyzed
    from dedupe.io.workers import ForkedPool
    from tests.corpus.test_clusters import analyzed

    docs = [("a", " ".join(SOURCE) + " " + _BRIDGE + "\n"), ("b", " ".join(EDITED) + "\n"),
            ("c", OTHER + " " + _BRIDGE_CUT + ".\n"), ("d", " ".join(SOURCE[::-1]) + "\n")]
    c, spool = analyzed(docs)
    spool.seal()
    texts = [docs[d][1][a:b] for d, a, b in zip(c.sent_doc.tolist(), c.sent_start.tolist(), c.sent_end.tolist())]
    pairs = np.array([(x, y) for x in range(len(texts)) for y in range(len(texts)) if c.sent_doc[x] > c.sent_doc[y]],
                     dtype=np.int64)
    options = Options()
    want = judge(texts, pairs, options)
    with ForkedPool(jobs, Analyzed(c, spool)) as pool:
        found = passages._verified(pool, options, pairs)
    spool.close()
    got = {(p.copy, p.at): (p.strength, sim, p.weight) for p, sim in found}
    hit = np.flatnonzero(want.strength != reuse.NONE)
    assert got == {tuple(pairs[i].tolist()): (int(want.strength[i]), float(want.similarity[i]), float(want.weight[i]))
                   for i in hit}
    # The cut copy of the bridge sentence is judged a copy by its sets and
    # not one by the evidence rule, as the shorter of the two.
    cut, whole = texts.index(_BRIDGE_CUT + "."), texts.index(_BRIDGE)
    sets = masked_sets([texts[cut], texts[whole]], options.ngram)
    a, b = (len(set(sets.raw(i).tolist())) for i in (0, 1))
    inter = len(set(sets.raw(0).tolist()) & set(sets.raw(1).tolist()))
    assert reuse.strength(inter, a, b, options.threshold, options.containment)[0] != reuse.NONE and a < b
    assert (cut, whole) not in got
