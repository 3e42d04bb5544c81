"""The persistent index: dedupe.Index, findings_against_index and the
`dedupe index` / `dedupe check --index` commands, on a real SQLite file
and a real redis-server.

Articles come from ../shared/corpus/ja-wikipedia-paragraphs.jsonl
(Wikipedia text, CC BY-SA 4.0) when it is present, and are generated
otherwise.
"""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.check.findings import Finding
from dedupe.check.rules.dup004 import findings_against_index
from dedupe.cli import main
from dedupe.errors import IndexFormatError, InputError
from dedupe.index.index import Index, IndexMatch, add_paths, content_hash
from dedupe.options import Options
from dedupe.core.shingle import tokens

from tests.strategies import CORPUS, document, paragraph

_WORDS = (
    "river market council school budget harbour station library garden museum bridge "
    "engine winter summer policy report village railway festival theatre hospital "
    "farmer teacher doctor artist writer soldier captain student builder merchant"
).split()


def _generated_articles(n: int) -> list[list[str]]:
    rng = random.Random(7)
    out = []
    for _ in range(n):
        paras = []
        for _ in range(rng.randint(3, 6)):
            sents = [
                " ".join(rng.choice(_WORDS) for _ in range(rng.randint(9, 16))).capitalize() + "."
                for _ in range(rng.randint(1, 4))
            ]
            paras.append(" ".join(sents))
        out.append(paras)
    return out


def _articles(n: int) -> list[list[str]]:
    """``n`` articles, each a list of paragraphs (articles group the
    corpus's paragraphs by their Wikipedia title)."""
    src = CORPUS / "ja-wikipedia-paragraphs.jsonl"
    if not src.exists():
        return _generated_articles(n)
    by_title: dict[str, list[str]] = {}
    with src.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            by_title.setdefault(rec.get("title") or rec["id"], []).append(rec["text"])
    arts = [p[:5] for p in by_title.values() if len(p) >= 3]
    return arts[:n] if len(arts) >= n else _generated_articles(n)


ARTICLES = _articles(24)
PUBLISHED = ARTICLES[:16]
UNPUBLISHED = ARTICLES[16:]


def _md(title: str, paras: list[str]) -> str:
    return f"# {title}\n\n" + "\n\n".join(paras) + "\n"


@pytest.fixture(params=["sqlite", "redis"])
def location(request, tmp_path):
    """A new, empty index location of each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "published.db")
    return request.getfixturevalue("redis_server")


@pytest.fixture
def published(location):
    with Index(location) as index:
        index.add_many((f"posts/{i}.md", _md(f"Post {i}", p)) for i, p in enumerate(PUBLISHED))
        yield index


def test_planted_copy_is_a_near_duplicate_and_a_new_article_is_not(published):
    copy = _md("Copied title", PUBLISHED[3])
    matches = published.query(copy)
    near = [m for m in matches if m.kind == "near-duplicate"]
    assert [m.duplicate_of.id for m in near] == ["posts/3.md"]
    assert near[0].similarity >= 0.9
    assert near[0].duplicate_of.start == 0
    assert published.query(_md("New", UNPUBLISHED[0])) == []


def test_copied_paragraph_points_at_the_indexed_span(published):
    indexed_text = _md("Post 5", PUBLISHED[5])
    copied = PUBLISHED[5][1]
    text = _md("A new article", [UNPUBLISHED[1][0], copied, UNPUBLISHED[1][1]])
    matches = published.query(text)
    assert [m.kind for m in matches] == ["copied-passage"]
    m = matches[0]
    assert text[m.start : m.end] == copied
    d = m.duplicate_of
    assert d.id == "posts/5.md"
    assert indexed_text[d.start : d.end] == copied
    assert d.line == indexed_text[: d.start].count("\n") + 1
    assert m.line == text[: m.start].count("\n") + 1
    assert m.similarity == 1.0


def test_truncated_copy_is_found_by_containment(published):
    longest = max((p for a in PUBLISHED for p in a), key=len)
    cut = longest[len(longest) // 3 :].strip()
    text = _md("Excerpt", [UNPUBLISHED[2][0], cut])
    passages = [m for m in published.query(text) if m.kind == "copied-passage"]
    assert len(passages) == 1
    assert cut in text[passages[0].start : passages[0].end]
    assert passages[0].similarity >= Options().containment


def test_copied_sentences_inside_a_new_paragraph_are_one_passage():
    # Generated text, so that sentence boundaries are known exactly.
    src = ["Alpha beta gamma delta epsilon zeta eta theta iota kappa.",
           "Lambda mu nu xi omicron pi rho sigma tau upsilon phi.",
           "Chi psi omega one two three four five six seven eight."]
    new_a = "Completely different words about harbours and winter markets appear here first."
    new_b = "Then a closing remark that nobody has ever published before in this index."
    with Index(":memory:") as index:
        index.add("src", " ".join(src) + "\n")
        text = new_a + " " + src[0] + " " + src[1] + " " + new_b + "\n"
        matches = index.query(text)
    assert len(matches) == 1
    m = matches[0]
    assert text[m.start : m.end] == src[0] + " " + src[1]
    assert (m.duplicate_of.start, m.duplicate_of.end) == (0, len(src[0]) + 1 + len(src[1]))


def test_boilerplate_found_in_many_indexed_articles_is_not_a_copy(tmp_path):
    footer = ("Subscribe to our newsletter for weekly updates about the harbour, "
              "the market and the council, and follow us on every network.")
    arts = _generated_articles(8)
    with Index(tmp_path / "x.db") as index:
        index.add_many((f"p{i}", "\n\n".join(a) + "\n\n" + footer + "\n") for i, a in enumerate(arts[:6]))
        copied = arts[2][0]
        text = "\n\n".join([arts[7][0], copied, footer]) + "\n"
        matches = index.query(text)
        assert [(text[m.start : m.end], m.duplicate_of.id) for m in matches] == [(copied, "p2")]
        everything = index.query(text, boilerplate_docs=0)
        assert {text[m.start : m.end] for m in everything} == {copied, footer}
        # In fewer than five articles it is still a copy.
        index.remove("p0")
        index.remove("p1")
        assert footer in {text[m.start : m.end] for m in index.query(text)}


def test_readding_an_id_replaces_it(location):
    old, new = _md("Old", PUBLISHED[0]), _md("New", PUBLISHED[1])
    with Index(location) as index:
        index.add("post.md", old)
        index.add("post.md", new)
        assert len(index) == 1
        assert index.ids() == ["post.md"]
        assert index.query(old) == []
        assert [m.duplicate_of.id for m in index.query(new) if m.kind == "near-duplicate"] == ["post.md"]


def test_a_batch_ends_at_its_documents_or_its_characters(tmp_path, monkeypatch):
    """Each batch is one transaction: ``batch_size`` documents, or fewer
    that hold :data:`BATCH_CHARS` characters, so long pages never make a
    batch larger than short ones do."""
    from dedupe.index import index as index_mod

    texts = [_md(f"T{i}", PUBLISHED[i % len(PUBLISHED)]) for i in range(9)]
    written: list[list[int]] = []
    with Index(tmp_path / "x.db") as index:
        put_many = index._storage.put_many
        monkeypatch.setattr(index._storage, "put_many",
                            lambda recs: written.append([r.length for r in recs]) or put_many(recs))
        assert index.add_many([(f"a{i}", t) for i, t in enumerate(texts)], batch_size=4) == 9
        assert [len(b) for b in written] == [4, 4, 1]
        written.clear()
        limit = 2 * max(len(t) for t in texts)
        monkeypatch.setattr(index_mod, "BATCH_CHARS", limit)
        assert index.add_many([(f"b{i}", t) for i, t in enumerate(texts)], batch_size=100) == 9
        # A batch ends with the document that brings it to the limit.
        assert [n for b in written for n in b] == [len(t) for t in texts] and len(written) >= 3
        assert all(sum(b) >= limit and sum(b[:-1]) < limit for b in written[:-1])
        assert sum(written[-1][:-1]) < limit
        assert len(index) == 18


def test_remove_and_container_protocol(location):
    with Index(location) as index:
        index.add("a.md", _md("A", PUBLISHED[0]))
        index.add("b.md", _md("B", PUBLISHED[1]))
        assert len(index) == 2 and "a.md" in index and "c.md" not in index and 3 not in index
        assert index.remove("a.md") is True
        assert index.remove("a.md") is False
        assert "a.md" not in index and len(index) == 1
        assert index.query(_md("A", PUBLISHED[0])) == []
        assert index.query(_md("B", PUBLISHED[1]))


def test_reopened_index_keeps_its_documents_and_options(tmp_path):
    db = tmp_path / "x.db"
    with Index(db, Options(ngram=4)) as index:
        index.add("a.md", _md("A", PUBLISHED[0]))
    with Index(db) as index:
        assert index.options.ngram == 4
        assert len(index) == 1
        assert index.query(_md("A", PUBLISHED[0]))


def test_incompatible_options_are_a_clear_error(location):
    Index(location, Options(ngram=4)).close()
    with pytest.raises(IndexFormatError, match=r"built with ngram=4, not ngram=3"):
        Index(location, Options())
    with Index(location) as index:
        with pytest.raises(IndexFormatError, match="num_perm=128, not num_perm=64"):
            index.query("some text", options=Options(ngram=4, num_perm=64))


@pytest.mark.parametrize(
    "key, value, message",
    [("format_version", "99", "format version 99"), ("tokenizer", "0", "tokenizes text differently")],
)
def test_index_of_another_format_or_tokenizer_is_refused(tmp_path, key, value, message):
    db = tmp_path / "x.db"
    Index(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    with pytest.raises(IndexFormatError, match=message):
        Index(db)


def test_missing_index_is_not_created_when_asked_not_to(tmp_path):
    with pytest.raises(InputError, match="no such index"):
        Index(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def test_not_an_index_file(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(IndexFormatError, match="not a dedupe index"):
        Index(junk)


def test_bad_arguments_are_named_errors(tmp_path):
    with Index(tmp_path / "x.db") as index:
        with pytest.raises(InputError):
            index.add("", "text")
        with pytest.raises(InputError):
            index.add("a", b"bytes")  # type: ignore[arg-type]
        with pytest.raises(InputError):
            index.query(None)  # type: ignore[arg-type]


def test_own_entry_is_excluded(published):
    text = _md("Post 2", PUBLISHED[2])
    assert any(m.duplicate_of.id == "posts/2.md" for m in published.query(text))
    assert all(m.duplicate_of.id != "posts/2.md" for m in published.query(text, exclude="posts/2.md"))


def test_identical_text_without_prose_is_still_a_duplicate(tmp_path):
    code = "```\nprint('hello')\n```\n"
    with Index(tmp_path / "x.db") as index:
        index.add("code.md", code)
        index.add("empty.md", "")
        assert [(m.kind, m.duplicate_of.id, m.similarity) for m in index.query(code)] == [
            ("near-duplicate", "code.md", 1.0)
        ]
        assert index.query("") == []
        assert index.query("\n\n") == []


def test_match_to_dict_round_trips_through_json(published):
    m = published.query(_md("Copy", PUBLISHED[4]))[0]
    assert isinstance(m, IndexMatch)
    d = json.loads(json.dumps(m.to_dict()))
    assert d["kind"] == "near-duplicate"
    assert d["duplicate_of"]["id"] == "posts/4.md"
    assert set(d) == {"kind", "start", "end", "line", "end_line", "similarity", "duplicate_of"}


def test_findings_against_index(published):
    path = "drafts/new.md"
    copied = PUBLISHED[6][2]
    text = _md("Draft", [UNPUBLISHED[3][0], copied])
    findings = findings_against_index(published, path, text, Options())
    assert len(findings) == 1
    f = findings[0]
    assert isinstance(f, Finding)
    assert (f.rule, f.kind, f.path) == ("DUP004", "copied-passage", path)
    assert text[f.start : f.end] == copied
    assert f.line == 5 and f.column == 1
    assert f.duplicate_of.path == "posts/6.md"
    indexed = _md("Post 6", PUBLISHED[6])
    assert indexed[f.duplicate_of.start : f.duplicate_of.end] == copied
    assert f.duplicate_of.line == indexed[: f.duplicate_of.start].count("\n") + 1


def test_near_duplicate_finding_is_not_repeated_per_passage(published):
    text = _md("Copy", PUBLISHED[7])
    findings = findings_against_index(published, "copy.md", text, Options())
    assert [(f.kind, f.duplicate_of.path) for f in findings] == [("near-duplicate", "posts/7.md")]
    assert (findings[0].start, findings[0].end, findings[0].line) == (0, len(text), 1)


def test_exported_from_the_package():
    assert dedupe.Index is Index
    assert dedupe.IndexMatch is IndexMatch


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paras=st.lists(paragraph(), min_size=1, max_size=4))
def test_every_indexed_paragraph_is_found_again(tmp_path_factory, paras):
    """Whatever is indexed, each of its paragraphs long enough to count
    is reported as copied when it appears in a new text."""
    text = "\n\n".join(paras) + "\n"
    db = tmp_path_factory.mktemp("prop") / "p.db"
    with Index(db) as index:
        index.add("doc", text)
        opts = index.options
        for p in paras:
            q = "# Elsewhere\n\n" + p + "\n"
            if len(tokens(p)) < opts.min_tokens:
                continue
            matches = index.query(q)
            assert any(q[m.start : m.end] == p and m.duplicate_of.id == "doc" for m in matches), p


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=document())
def test_an_indexed_document_is_its_own_exact_near_duplicate(tmp_path_factory, doc):
    with Index(tmp_path_factory.mktemp("self") / "s.db") as index:
        index.add("doc", doc)
        matches = index.query(doc)
        if doc.strip():
            assert (matches[0].kind, matches[0].similarity, matches[0].duplicate_of.id) == ("near-duplicate", 1.0, "doc")
        else:
            assert matches == []
        assert index.query(doc, exclude="doc") == []


# -- through the command line ------------------------------------------


@pytest.fixture
def site(tmp_path, monkeypatch):
    """content/ with published posts, a planted copy and a new article,
    addressed by relative paths as a CI job would."""
    monkeypatch.chdir(tmp_path)
    content = Path("content")
    content.mkdir()
    for i, p in enumerate(PUBLISHED[:8]):
        (content / f"post-{i}.md").write_text(_md(f"Post {i}", p), encoding="utf-8")
    Path("copy.md").write_text(_md("Stolen", PUBLISHED[2]), encoding="utf-8")
    Path("new.md").write_text(_md("Fresh", UNPUBLISHED[4]), encoding="utf-8")
    return tmp_path


@pytest.fixture(params=["sqlite", "redis"])
def db(request, site):
    if request.param == "sqlite":
        return "published.db"
    return request.getfixturevalue("redis_server")


def test_cli_add_then_check_flags_the_copy_and_passes_the_new_article(db, capsys):
    assert main(["index", "add", "--db", db, "content/"]) == 0
    assert "added 8 document(s)" in capsys.readouterr().out
    assert main(["check", "--index", db, "copy.md"]) == 1
    out = capsys.readouterr().out
    assert "DUP004" in out and "content/post-2.md" in out
    assert main(["check", "--index", db, "new.md"]) == 0
    # A published article checked again is not a copy of itself.
    assert main(["check", "--index", db, "content/post-3.md"]) == 0


def test_cli_query_json_and_exit_codes(db, capsys):
    assert main(["index", "add", "--db", db, "content/post-2.md", "content/post-5.md"]) == 0
    capsys.readouterr()
    assert main(["index", "query", "--db", db, "--format", "json", "copy.md", "new.md"]) == 1
    report = json.loads(capsys.readouterr().out)
    by_path = {r["path"]: r["matches"] for r in report["results"]}
    assert by_path["new.md"] == []
    assert by_path["copy.md"][0]["kind"] == "near-duplicate"
    assert by_path["copy.md"][0]["duplicate_of"]["id"] == "content/post-2.md"
    assert main(["index", "query", "--db", db, "new.md"]) == 0


def test_cli_add_skips_bad_files_with_a_count_and_strict_makes_them_fatal(db, capsys):
    Path("content/broken.md").write_bytes(b"\x89PNG\x00\x01binary")
    assert main(["index", "add", "--db", db, "content/", "missing.md"]) == 2
    assert "missing.md: no such file or folder" in capsys.readouterr().err
    assert main(["index", "add", "--db", db, "content/"]) == 0
    cap = capsys.readouterr()
    assert "added 8 document(s)" in cap.out and "skipped 1 file(s)" in cap.out
    assert "content/broken.md: binary file" in cap.err
    assert main(["index", "remove", "--db", db, "content/post-0.md"]) == 0
    capsys.readouterr()
    assert main(["index", "add", "--db", db, "--strict", "content/"]) == 2
    assert "dedupe: error: content/broken.md: binary file" in capsys.readouterr().err
    # Nothing was written: post-0 is still removed.
    assert main(["index", "info", "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 7


def test_cli_remove_and_info(site, capsys):
    assert main(["index", "add", "--db", "p.db", "--ngram", "4", "content/"]) == 0
    assert main(["index", "remove", "--db", "p.db", "content/post-1.md", "nothere.md"]) == 0
    cap = capsys.readouterr()
    assert "removed 1 document(s)" in cap.out and "not in the index: nothere.md" in cap.err
    assert main(["index", "remove", "--db", "p.db", "--strict", "nothere.md"]) == 2
    capsys.readouterr()
    assert main(["index", "info", "--db", "p.db"]) == 0
    out = capsys.readouterr().out
    assert "documents:      7" in out and "ngram=4" in out
    assert main(["index", "query", "--db", "p.db", "--ngram", "3", "new.md"]) == 2
    assert "built with ngram=4, not ngram=3" in capsys.readouterr().err


def test_cli_query_of_a_missing_index_is_an_error_and_creates_nothing(site, capsys):
    assert main(["index", "query", "--db", "nope.db", "new.md"]) == 2
    assert "no such index" in capsys.readouterr().err
    assert not Path("nope.db").exists()


def test_add_paths_names_files_as_check_does(site):
    with Index("x.db") as index:
        res = add_paths(index, ["./content"])
        assert sorted(res.added) == [f"content/post-{i}.md" for i in range(8)]
        assert res.skipped == ()
        assert index.ids() == sorted(res.added)


def test_default_banding_is_what_lsh_params_chooses():
    from dedupe.core.candidates import lsh_params
    from dedupe.index.index import _DEFAULT_BANDING, LSH_THRESHOLD

    assert _DEFAULT_BANDING[128] == lsh_params(LSH_THRESHOLD, 128)


def test_a_mistyped_path_creates_no_index(tmp_path, capsys):
    db = tmp_path / "new.db"
    assert main(["index", "add", "--db", str(db), str(tmp_path / "contnet")]) == 2
    assert "contnet: no such file or folder" in capsys.readouterr().err and not db.exists()
    assert main(["index", "query", "--db", str(db), str(tmp_path / "nope.md")]) == 2


def _candidates_by_definition(index, q, eligible, exclude):
    """Index._candidates as first written, one posting at a time: each
    posting counts once for the whole text (a document posting under one of
    its band keys) or once for every eligible unit with its key; the most
    counted first, then by id (and unit)."""
    from dedupe.index.index import DOCUMENT_UNIT, MAX_CANDIDATES, MAX_DOCUMENTS

    unit_keys: dict[int, list[int]] = {}
    for u in eligible.tolist():
        for key in q.unit_bands[u].tolist():
            unit_keys.setdefault(key, []).append(u)
    doc_keys = set(q.bands.tolist())
    doc_hits: dict[str, int] = {}
    unit_hits: dict[int, dict[tuple[str, int], int]] = {}
    for key, doc, unit in index._storage.lookup(doc_keys | set(unit_keys)).tuples():
        if doc == exclude:
            continue
        if unit == DOCUMENT_UNIT:
            if key in doc_keys:
                doc_hits[doc] = doc_hits.get(doc, 0) + 1
        else:
            for u in unit_keys.get(key, ()):
                hits = unit_hits.setdefault(u, {})
                hits[(doc, unit)] = hits.get((doc, unit), 0) + 1
    doc_cands = set(sorted(doc_hits, key=lambda d: (-doc_hits[d], d))[:MAX_DOCUMENTS])
    return doc_cands, {u: sorted(h, key=lambda c: (-h[c], c))[:MAX_CANDIDATES] for u, h in unit_hits.items()}


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """An index of 90 pages drawn from 12 paragraphs, a page now and then
    holding one twice: more candidates per unit than a query keeps, and
    ties of every kind."""
    from tests.index.test_storage import _texts

    rng = random.Random(11)
    paras = [p for t in _texts(4, 21) for p in t.split("\n\n") if p.strip()]
    pages = ["\n\n".join(rng.choices(paras, k=rng.randint(2, 6))) + "\n" for _ in range(90)]
    db = tmp_path_factory.mktemp("crowded") / "i.db"
    with Index(db) as index:
        index.add_many((f"p{(i * 53) % 90:02d}", page) for i, page in enumerate(pages))
    return db, pages


@pytest.mark.parametrize("n", range(6))
@pytest.mark.parametrize("caps", [None, (8, 5)])
def test_candidates_are_the_most_shared_first(crowded, n, caps, monkeypatch):
    """Units with more candidates than a query keeps (117 at most), and
    with smaller caps, texts too."""
    from dedupe.index.index import _analyze

    if caps:
        monkeypatch.setattr("dedupe.index.index.MAX_DOCUMENTS", caps[0])
        monkeypatch.setattr("dedupe.index.index.MAX_CANDIDATES", caps[1])
    db, pages = crowded
    with Index(db, read_only=True) as index:
        for i in range(n * 15, n * 15 + 15):
            q = _analyze([("", pages[i])], index.options, index._banding)[0]
            eligible = np.flatnonzero(q.units["tokens"] >= 1 + i % 8)
            exclude = f"p{(i * 53) % 90:02d}" if i % 2 else None
            assert index._candidates(q, eligible, exclude) == _candidates_by_definition(index, q, eligible, exclude)


def _rows(db: Path) -> tuple[list, list]:
    with sqlite3.connect(db) as conn:
        docs = conn.execute("SELECT num, id, hash, length, lines, units, unit_offsets, unit_shingles, "
                            "unit_bands, shingles, bands FROM documents ORDER BY num").fetchall()
        postings = conn.execute("SELECT key, doc, unit FROM postings ORDER BY key, doc, unit").fetchall()
    return docs, postings


def test_batches_analyzed_in_workers_are_written_as_by_one_process(tmp_path):
    """Several batches go to worker processes, and the index holds the
    same rows, in the same order, as one built in one process."""
    from tests.index.test_storage import _texts

    texts = _texts(40, 8)
    docs = [(f"d{(i * 7) % 40:02d}", texts[i]) for i in range(40)]
    for jobs in (1, 2):
        with Index(tmp_path / f"j{jobs}.db") as index:
            assert index.add_many(iter(docs), batch_size=6, jobs=jobs) == 40
    assert _rows(tmp_path / "j1.db") == _rows(tmp_path / "j2.db")


def test_index_add_takes_jobs(tmp_path, capsys):
    from tests.index.test_storage import _texts

    site = tmp_path / "site"
    site.mkdir()
    for i, text in enumerate(_texts(12, 9)):
        (site / f"p{i:02d}.md").write_text(text, encoding="utf-8")
    for jobs in ("1", "2"):
        assert main(["index", "add", "--no-config", "--db", str(tmp_path / f"j{jobs}.db"), "--jobs", jobs,
                     str(site)]) == 0
    assert "added 12 document(s)" in capsys.readouterr().out
    assert _rows(tmp_path / "j1.db") == _rows(tmp_path / "j2.db")


def test_queries_in_a_snapshot_match_those_outside(crowded, monkeypatch):
    """With a cap of three postings most keys come back capped, so most
    lookups in the snapshot reuse postings read for an earlier query."""
    from dedupe.index import lookups

    monkeypatch.setattr("dedupe.index.index.LOOKUP_CAP", 3)
    monkeypatch.setattr(lookups, "LOOKUP_CAP", 3)
    from dedupe.index.index import _analyze

    db, pages = crowded

    def both(index, i):
        q = _analyze([("", pages[i])], index.options, index._banding)[0]
        exclude = f"p{i:02d}" if i % 2 else None
        eligible = np.flatnonzero(q.units["tokens"] >= 1)
        return index._candidates(q, eligible, exclude), index.query(pages[i], exclude=exclude)

    with Index(db, read_only=True) as index:
        outside = [both(index, i) for i in range(len(pages))]
        with index.snapshot():
            inside = [both(index, i) for i in range(len(pages))]
            shared = index._shared._capped
    assert inside == outside and any(m for _, m in outside)
    assert len(shared) > 100


def test_a_snapshot_does_not_see_writes_made_during_it(tmp_path):
    texts = [_md(f"Article {i}", paras) for i, paras in enumerate(ARTICLES[:3])]
    db = tmp_path / "i.db"
    with Index(db) as index:
        index.add("a.md", texts[0])
    with Index(db, read_only=True) as reader, reader.snapshot():
        assert reader.query(texts[1]) == []
        with Index(db) as writer:
            writer.add("b.md", texts[1])
        assert reader.query(texts[1]) == []
        with pytest.raises(InputError, match="inside a snapshot"):
            reader.add("c.md", texts[2])
    with Index(db, read_only=True) as reader:
        assert [m.duplicate_of.id for m in reader.query(texts[1])][:1] == ["b.md"]


def test_a_redis_snapshot_shares_nothing_and_refuses_writes(redis_server):
    texts = [_md(f"Article {i}", paras) for i, paras in enumerate(ARTICLES[:2])]
    with Index(redis_server) as index:
        index.add("a.md", texts[0])
        with index.snapshot():
            assert index._shared is None
            assert [m.duplicate_of.id for m in index.query(texts[0])][:1] == ["a.md"]
            with pytest.raises(InputError, match="inside a snapshot"):
                index.remove("a.md")
        assert index.remove("a.md")


def test_adding_unchanged_pages_again_writes_nothing(tmp_path, capsys):
    """Re-indexing a site writes only the pages whose text changed; an id
    twice in one batch still ends with its last text."""
    from tests.index.test_storage import _texts

    site = tmp_path / "site"
    site.mkdir()
    texts = _texts(12, 31)
    for i, text in enumerate(texts):
        (site / f"p{i:02d}.md").write_text(text, encoding="utf-8")
    db = tmp_path / "i.db"
    argv = ["index", "add", "--no-config", "--db", str(db), "--format", "json", str(site)]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    before = _rows(db)
    assert first["unchanged"] == 0 and main(argv) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["unchanged"] == 12 and len(again["added"]) == 12 and _rows(db) == before
    (site / "p03.md").write_text(texts[3] + "\nOne more line.\n", encoding="utf-8")
    assert main(argv[:-3] + [str(site)]) == 0
    assert "(12 in the index, 11 unchanged)" in capsys.readouterr().out
    docs_after, _ = _rows(db)
    assert [r[1] for r in docs_after][-1] == f"{site.as_posix()}/p03.md"  # rewritten: now the newest
    with Index(db) as index:
        assert index.add_many([("x", texts[0]), ("x", texts[1]), ("x", texts[0])], batch_size=10) == 3
        assert index.add_many([("x", texts[1]), ("x", texts[0])], batch_size=10) == 2
        assert index.add_many([("x", texts[0])]) == 0
    rows, _ = _rows(db)
    assert [r[2] for r in rows if r[1] == "x"] == [content_hash(texts[0])]


def test_a_text_given_twice_across_batches_read_ahead_ends_as_the_last(tmp_path):
    """Workers read batches ahead of the writes: an id given again later
    in the same call is compared with its earlier text, not the stored one."""
    from tests.index.test_storage import _texts

    a, b, *others = _texts(8, 33)
    with Index(tmp_path / "i.db") as index:
        index.add("x", a)
        docs = [("x", b), *((f"o{i}", t) for i, t in enumerate(others)), ("x", a)]
        assert index.add_many(docs, batch_size=1, jobs=2) == 8
    rows, _ = _rows(tmp_path / "i.db")
    assert [r[2] for r in rows if r[1] == "x"] == [content_hash(a)]
