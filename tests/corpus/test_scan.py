"""dedupe.scan on a generated corpus whose truth the test knows: planted
near-duplicate documents, copied passages and templated boilerplate with
varying dates. Paragraph text comes from the shared English news corpus
when it is present and is generated otherwise."""

from __future__ import annotations

import json
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.errors import InputError, OptionsError
from dedupe.options import ScanOptions, SourceOptions
from dedupe.corpus.scan import boilerplate_share, boilerplate_shares, format_text
from dedupe.io.sources import Skipped

from tests.strategies import CORPUS

_WORDS = (
    "river market council school winter engine garden letter museum station harbour "
    "budget island doctor theatre mountain village factory library festival bridge "
    "forest airport hospital election contract painter orchestra"
).split()


def _generated_paragraphs(n: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(n):
        sents = []
        for _ in range(rng.randint(3, 5)):
            words = [rng.choice(_WORDS) + str(rng.randint(0, 99)) for _ in range(rng.randint(10, 16))]
            sents.append(" ".join(words).capitalize() + ".")
        out.append(" ".join(sents))
    return out


def _paragraphs(n: int, rng: random.Random) -> list[str]:
    path = CORPUS / "en-news-articles.jsonl"
    if path.exists():
        texts = [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]
        # Drop the corpus' own repeated articles so that the planted truth
        # is the only truth.
        seen, unique = set(), []
        for t in texts:
            key = " ".join(t.split()[:30])
            if key not in seen and len(t) > 400:
                seen.add(key)
                unique.append(t[:900].rsplit(". ", 1)[0] + ".")
        rng.shuffle(unique)
        if len(unique) >= n:
            return unique[:n]
    return _generated_paragraphs(n, rng)


MONTHS = ["January", "March", "June", "October"]


def planted_corpus(seed: int = 7):
    """Documents and the truth about them."""
    rng = random.Random(seed)
    paras = _paragraphs(130, rng)
    docs: dict[str, str] = {}
    footer_docs = []
    for i in range(40):
        body = paras[3 * i : 3 * i + 3]
        parts = list(body)
        if i % 4 != 3:  # 30 of 40 documents carry the templated footer
            y, d, m = rng.randint(2001, 2025), rng.randint(1, 28), rng.choice(MONTHS)
            parts.append(f"© {y} Example Media. All rights reserved. Last updated {d} {m} {y}, "
                         f"page {rng.randint(1, 500)} of the print edition.")
            footer_docs.append(f"doc{i:02d}")
        if i % 5 == 0:
            parts.insert(0, "Loading video…")
        docs[f"doc{i:02d}"] = "\n\n".join(parts)
    # Near-duplicates of doc03: an exact copy and a lightly edited one.
    base = docs["doc03"]
    docs["doc03-copy"] = base
    words = base.split(" ")
    words[5] = "EDITED"
    docs["doc03-edit"] = " ".join(words)
    # A paragraph of doc10 copied into a new document.
    src_para = paras[31]
    thief = "\n\n".join([paras[120], src_para, paras[121]])
    docs["zz-thief"] = thief
    # Two adjacent sentences of doc20's first paragraph inside a new paragraph.
    donor = paras[60]
    sents = [s.strip() + "." for s in donor.split(". ") if s.strip()]
    run = " ".join(s.rstrip(".") + "." for s in sents[1:3])
    run = run.replace("..", ".")
    mixed = f"{paras[122]}\n\n{paras[123].split('. ')[0]}. {run} {paras[124].split('. ')[0]}."
    docs["zz-borrower"] = mixed
    truth = {
        "cluster": ["doc03", "doc03-copy", "doc03-edit"],
        "footer_docs": footer_docs,
        "zz-thief": (thief.index(src_para), thief.index(src_para) + len(src_para)),
        "src": ("doc10", docs["doc10"].index(src_para)),
        "run": (mixed.index(run), mixed.index(run) + len(run)),
        "donor": ("doc20", docs["doc20"].index(sents[1][:40])),
    }
    return docs, truth


@pytest.fixture(scope="module")
def corpus():
    return planted_corpus()


@pytest.fixture(scope="module")
def result(corpus):
    docs, _ = corpus
    return dedupe.scan(list(docs.items()))


def test_finds_the_planted_near_duplicate_documents(result, corpus):
    _, truth = corpus
    assert [list(c.members) for c in result.clusters] == [truth["cluster"]]
    assert 0.7 <= result.clusters[0].similarity < 1.0


def test_templated_footer_with_changing_dates_is_one_block(result, corpus):
    docs, truth = corpus
    footer = [b for b in result.boilerplate if "Example Media" in b.text]
    assert len(footer) == 1
    block = footer[0]
    expected = set(truth["footer_docs"])
    assert {o.id for o in block.occurrences} == expected
    assert block.documents == len(expected)
    for o in block.occurrences:
        assert docs[o.id][o.start : o.end].startswith("©")
    assert block.text == docs[block.occurrences[0].id][block.occurrences[0].start : block.occurrences[0].end]


def test_short_recurring_line_is_boilerplate(result):
    video = [b for b in result.boilerplate if b.text == "Loading video…"]
    assert len(video) == 1 and video[0].documents == 8


def test_copied_paragraph_is_a_passage_pointing_at_its_source(result, corpus):
    docs, truth = corpus
    mine = [p for p in result.passages if p.id == "zz-thief"]
    assert len(mine) == 1
    p = mine[0]
    assert (p.start, p.end) == truth["zz-thief"]
    assert p.duplicate_of.id == truth["src"][0]
    assert p.duplicate_of.start == truth["src"][1]
    assert docs[p.duplicate_of.id][p.duplicate_of.start : p.duplicate_of.end] == docs["zz-thief"][p.start : p.end]


def test_run_of_copied_sentences_is_one_passage(result, corpus):
    docs, truth = corpus
    mine = [p for p in result.passages if p.id == "zz-borrower"]
    assert len(mine) == 1
    p = mine[0]
    assert (p.start, p.end) == truth["run"]
    assert p.duplicate_of.id == "doc20"
    assert docs["doc20"][p.duplicate_of.start : p.duplicate_of.end] == docs["zz-borrower"][p.start : p.end]


def test_boilerplate_and_cluster_members_are_not_reported_as_passages(result):
    ids = {p.id for p in result.passages}
    assert ids == {"zz-thief", "zz-borrower"}


def test_boilerplate_share(result, corpus):
    docs, _ = corpus
    occ = [o for b in result.boilerplate for o in b.occurrences if o.id == "doc00"]
    covered = sum(o.end - o.start for o in occ)
    assert boilerplate_share(result, "doc00") == pytest.approx(covered / len(docs["doc00"]))
    assert boilerplate_share(result, "zz-thief") == 0.0
    shares = boilerplate_shares(result)
    assert "zz-thief" not in shares
    assert shares["doc00"] == boilerplate_share(result, "doc00")
    with pytest.raises(InputError):
        boilerplate_share(result, "nope")


def test_json_mirrors_the_result(result):
    d = json.loads(json.dumps(result.to_dict()))
    assert d["version"] == 1
    assert set(d) >= {"clusters", "passages", "boilerplate", "summary"}
    assert set(d["clusters"][0]) == {"members", "similarity"}
    assert set(d["passages"][0]) >= {"id", "start", "end", "duplicate_of"}
    assert set(d["passages"][0]["duplicate_of"]) == {"id", "start", "end"}
    assert set(d["boilerplate"][0]) >= {"text", "documents", "occurrences"}
    assert set(d["boilerplate"][0]["occurrences"][0]) == {"id", "start", "end"}
    assert d["summary"]["documents"] == 44


def test_text_summary_names_clusters_blocks_and_passages(result):
    out = format_text(result)
    assert "Near-duplicate documents: 1 cluster(s)" in out
    assert "doc03  (canonical)" in out
    assert "Boilerplate: 2 block(s)" in out
    assert "Copied passages: 2" in out


def _comparable(r) -> dict:
    d = r.to_dict()
    d.pop("summary")
    return d


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False))
def test_results_do_not_depend_on_document_order(corpus, result, rnd):
    docs, _ = corpus
    items = list(docs.items())
    rnd.shuffle(items)
    assert _comparable(dedupe.scan(items)) == _comparable(result)


def test_results_do_not_depend_on_jobs(corpus, result, monkeypatch):
    import importlib

    corpus_module = importlib.import_module("dedupe.corpus.batches")

    docs, _ = corpus
    # Small batches so that both workers get work.
    monkeypatch.setattr(corpus_module, "BATCH_DOCS", 7)
    two = dedupe.scan(list(docs.items()), jobs=2)
    assert _comparable(two) == _comparable(result)


def test_automatic_jobs_give_the_same_results_with_workers_as_in_process(corpus, result, monkeypatch):
    import importlib

    corpus_module = importlib.import_module("dedupe.corpus.batches")
    workers_module = importlib.import_module("dedupe.io.workers")

    docs, _ = corpus
    # Many small batches, and a threshold of two batches for analyzing in
    # this process: jobs=0 sends the rest of the corpus to workers.
    monkeypatch.setattr(corpus_module, "BATCH_DOCS", 5)
    monkeypatch.setattr(corpus_module, "IN_PROCESS_CHARS", 2 * corpus_module.BATCH_CHARS)
    started = []
    real = workers_module.start_method
    monkeypatch.setattr(workers_module, "start_method", lambda: started.append(1) or real())
    auto = dedupe.scan(list(docs.items()), jobs=0)
    assert len(docs) > 3 * 5 and (started or (os.cpu_count() or 1) == 1)
    assert _comparable(auto) == _comparable(result)


def test_keep_longest_changes_the_canonical():
    a = "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau."
    b = a + " Upsilon phi chi psi omega."
    r = dedupe.scan([("a", a), ("b", b)], keep="longest", threshold=0.6)
    assert [list(c.members) for c in r.clusters] == [["b", "a"]]
    r = dedupe.scan([("a", a), ("b", b)], threshold=0.6)
    assert [list(c.members) for c in r.clusters] == [["a", "b"]]


def test_no_chaining_between_documents():
    # Letters only: digits are masked, so "w1" and "w2" would be one token.
    words = [a + b for a in "bcdfghjk" for b in "aeiouy"][:60]
    a = " ".join(words[:40])
    b = " ".join(words[8:48])  # Jaccard with a and with c about 0.6
    c = " ".join(words[16:56])
    r = dedupe.scan([("a", a), ("b", b), ("c", c)], threshold=0.55)
    members = [set(cl.members) for cl in r.clusters]
    assert {"a", "c"} not in members and not any({"a", "c"} <= m for m in members)


def test_accepted_document_shapes_and_bad_items():
    text = "One two three four five six seven eight nine ten eleven twelve thirteen."
    r = dedupe.scan([text, ("x", text), {"id": "y", "text": text}, {"text": text}, 42, ("z", None)])
    assert sorted(r.lengths) == ["0", "3", "x", "y"]
    assert len(r.skipped) == 2 and r.summary.skipped == 2
    assert all(isinstance(s, Skipped) for s in r.skipped)
    assert "document 4" in str(r.skipped[0])
    with pytest.raises(InputError):
        dedupe.scan([text, 42], strict=True)


def test_duplicate_ids_are_skipped_and_counted():
    r = dedupe.scan([("a", "x y z"), ("a", "p q r")])
    assert r.summary.documents == 1
    assert r.skipped[0].reason.startswith("duplicate document id")


def test_min_documents_and_min_share_rule(corpus):
    docs, _ = corpus
    items = list(docs.items())
    r = dedupe.scan(items, min_documents=9)
    assert [b.text for b in r.boilerplate if b.text == "Loading video…"] == []
    r = dedupe.scan(items, min_share=0.5)
    assert [b.documents for b in r.boilerplate] == [30]


def test_bad_options_are_named_errors():
    with pytest.raises(OptionsError):
        dedupe.scan([], min_documents=1)
    with pytest.raises(OptionsError):
        dedupe.scan([], jobs=-1)
    with pytest.raises(OptionsError):
        dedupe.scan([], nonsense=1)
    with pytest.raises(InputError):
        dedupe.scan("a single string")
    with pytest.raises(OptionsError):
        ScanOptions(min_share=2.0)


def test_empty_corpus():
    r = dedupe.scan([])
    assert r.clusters == () and r.passages == () and r.boilerplate == ()
    assert r.summary.documents == 0


def test_multilingual_copies_are_found():
    ja = "日本語の文章は単語の間に空白がないので、文字ごとにトークンとして扱う必要があります。これは重要な設計です。"
    zh = "中文的句子也没有空格，所以每个汉字都是一个词元，这一点对去重非常重要。我们必须正确处理。"
    docs = [("a", ja + "\n\n" + zh), ("b", "別の段落です。内容はまったく違うものにします。\n\n" + ja)]
    r = dedupe.scan(docs)
    assert [(p.id, p.duplicate_of.id) for p in r.passages] == [("b", "a")]


def test_a_templated_sentence_with_other_numbers_is_not_a_copied_passage():
    intro_a = "The harbour ferry timetable changes every winter, and the council publishes it late."
    intro_b = "Our market report covers vegetables, fish and the price of bread in the old town."
    same = "The period lasted from the year 1124 until the year 1126 in the old calendar."
    other = "The period lasted from the year 1741 until the year 1744 in the old calendar."
    copied = dedupe.scan([("a", f"{intro_a} {same}"), ("b", f"{intro_b} {same}")])
    assert [(p.id, p.duplicate_of.id) for p in copied.passages] == [("b", "a")]
    templated = dedupe.scan([("a", f"{intro_a} {same}"), ("b", f"{intro_b} {other}")])
    assert list(templated.passages) == []


# ---------------------------------------------------------------- JSONL read in the workers


def _jsonl_with_trouble(path) -> None:
    """The planted corpus as JSONL, with an id repeated in the same piece
    and in a later one, records without an id, and bad lines among them."""
    docs, _ = planted_corpus()
    lines = [json.dumps({"id": k, "text": v}, ensure_ascii=False) for k, v in docs.items()]
    lines.insert(3, json.dumps({"id": "doc01", "text": "a second doc01, in the same piece"}))
    lines.insert(5, json.dumps({"id": "twin", "text": "a new id"}))
    lines.insert(6, json.dumps({"id": "twin", "text": "the same id once more, in the same piece"}))
    lines.insert(10, "{not json")
    lines.insert(11, "")
    lines.insert(20, json.dumps({"text": docs["doc05"]}))  # no id: named by its line
    lines.append(json.dumps({"id": "doc02", "text": "a later doc02"}))
    lines.append(json.dumps({"id": "last", "text": None}))
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _without_time(r) -> dict:
    d = r.to_dict()
    d["summary"] = {k: v for k, v in d["summary"].items() if k not in ("seconds", "mb_per_s")}
    return d


@pytest.mark.parametrize("jobs", [1, 2])
def test_jsonl_read_a_piece_at_a_time_scans_as_its_documents_read_one_by_one(tmp_path, monkeypatch, jobs):
    from dedupe.corpus.scan import scan_paths
    from dedupe.io import sources

    path = tmp_path / "c.jsonl"
    _jsonl_with_trouble(path)
    one_by_one = dedupe.scan(sources.iter_documents([str(path)]), jobs=1)
    monkeypatch.setattr(sources, "JSONL_CHUNK", 2000)  # many pieces, each of a few documents
    assert len(list(sources.jsonl_pieces(path.open("rb"), str(path), SourceOptions()))) > 5
    pieces = scan_paths([str(path)], scan_options=ScanOptions(jobs=jobs))
    assert _without_time(pieces) == _without_time(one_by_one)
    assert [str(s) for s in pieces.skipped] == [
        "doc01: duplicate document id; only the first is scanned",
        "twin: duplicate document id; only the first is scanned",
        f"{path}:11: malformed JSON (Expecting property name enclosed in double quotes at line 1, column 2)",
        "doc02: duplicate document id; only the first is scanned",
        f"{path}:{len(path.read_text().splitlines())}: field 'text' is NoneType, not a string",
    ]
    assert f"{path}:21" in pieces.lengths


@pytest.mark.parametrize("jobs", [1, 2])
def test_with_strict_the_first_bad_input_in_input_order_is_raised(tmp_path, monkeypatch, jobs):
    from dedupe.corpus.scan import scan_paths
    from dedupe.io import sources

    monkeypatch.setattr(sources, "JSONL_CHUNK", 2000)
    path = tmp_path / "c.jsonl"
    _jsonl_with_trouble(path)
    strict = SourceOptions(strict=True)
    with pytest.raises(InputError, match=r"^doc01: duplicate document id"):
        scan_paths([str(path)], scan_options=ScanOptions(jobs=jobs), source_options=strict)
    # Without the duplicates before it, the first trouble is the bad
    # line, in a piece before the next duplicate.
    lines = [line for n, line in enumerate(path.read_text("utf-8").splitlines()) if n not in (3, 6)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(InputError, match=rf"c\.jsonl:{lines.index('{not json') + 1}: malformed JSON"):
        scan_paths([str(path)], scan_options=ScanOptions(jobs=jobs), source_options=strict)
