"""Smoke tests for the benchmarks, and checks that the quality benchmark's
generator tells the truth about the copies it plants.

The benchmarks are not tests: nothing here asserts a timing or a score
that a slower machine or a worse run could miss; the truth checks are
about the generator itself.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import _data  # noqa: E402
import quality  # noqa: E402
import scale  # noqa: E402
import speed  # noqa: E402

from dedupe.core.shingle import shingle  # noqa: E402
from dedupe.core.verify import compare  # noqa: E402


@pytest.fixture(scope="module")
def sources():
    """A few real sources per language when the shared corpus is here,
    synthetic ones otherwise (the generator must work on both)."""
    out = {}
    for lang, srcs in _data.default_sources(("ja", "zh", "en")).items():
        out[lang] = srcs[:80]
    out["en-synthetic"] = _data.synthetic_sources("en", n=20, seed=3)
    out["ja-synthetic"] = _data.synthetic_sources("ja", n=20, seed=3)
    return out


@pytest.fixture(scope="module")
def docs(sources):
    return list(_data.iter_documents(sources, _data.KINDS, docs_per_kind=4, seed=7))


def _tokens(text: str) -> set[int]:
    sets = shingle([text], 1)
    return set(sets.unique(0).tolist())


def test_every_kind_and_language_is_generated(docs, sources):
    seen = {(d.lang, d.kind) for d in docs}
    assert seen == {(lang, k) for lang in sources for k in _data.KINDS}
    for d in docs:
        assert d.labels.shape == (len(d.text),)
        assert set(np.unique(d.labels).tolist()) <= {_data.KEEP, _data.REMOVE, _data.EITHER}


def test_positive_documents_plant_copies_of_earlier_text(docs):
    for d in docs:
        if d.kind not in _data.POSITIVE_KINDS:
            assert not (d.labels == _data.REMOVE).any(), d.id
            continue
        assert d.copies, d.id
        for start, end, src_start, src_end in d.copies:
            # The copy comes after the text it copies and only covers
            # characters labelled for removal.
            assert src_end <= start, d.id
            assert (d.labels[start:end] == _data.REMOVE).all()
            assert (d.labels[src_start:src_end] != _data.REMOVE).any()
            copy, source = d.text[start:end], d.text[src_start:src_end]
            sets = shingle([copy, source], 3)
            sim = compare(sets.unique(0), sets.unique(1))
            if d.kind in ("exact", "repeated-block", "merged", "sentence-paragraph", "sentence-inside"):
                # Verbatim pieces of the source paragraph.
                assert copy.strip() in source, d.id
            elif d.kind == "reformatted":
                # Same tokens in the same order after normalization.
                assert shingle([copy], 3).keys[0] == shingle([d.text[src_start:src_end]], 3).keys[0]
            elif d.kind == "edited":
                assert 0.6 <= sim.jaccard < 1.0 or sim.jaccard == 1.0 and copy != source, d.id
            elif d.kind == "truncated":
                assert len(copy) < len(source) and sim.containment >= 0.9, d.id


def test_negative_documents_keep_what_they_must(docs):
    for d in docs:
        if d.kind == "code":
            assert d.text.count("```python") == 2
        elif d.kind == "front-matter":
            assert d.text.startswith("---\ntitle: ")
        elif d.kind == "extended":
            # New text after a copied head is labelled to keep.
            either = d.labels == _data.EITHER
            if either.any():
                last = int(np.flatnonzero(either)[-1])
                assert (d.labels[last + 1 : last + 20] == _data.KEEP).all()


def test_score_counts_visible_characters():
    labels = np.array([0, 0, 1, 1, 1, 2, 0], dtype=np.int8)
    doc = _data.LabelledDoc("t", "en", "exact", "ab cde\n", labels, ())
    c = quality.score(doc, [(2, 5)])  # " cd": the space does not count
    assert (c.tp, c.fp, c.fn) == (2, 0, 0)
    c = quality.score(doc, [(0, 2)])
    assert (c.tp, c.fp, c.fn) == (0, 2, 2) and c.precision == 0.0


def test_baseline_removes_exact_repeats_and_misses_cjk_edits():
    base = quality.baseline_tool()
    text = "one two three four five six seven eight\n\nnine ten\n\none two three four five six seven eight\n"
    assert [text[s:e] for s, e in base(text)] == ["one two three four five six seven eight"]


def test_quality_benchmark_runs_on_a_jsonl_corpus(tmp_path, capsys):
    rng = random.Random(0)
    rows = []
    for src in _data.synthetic_sources("en", n=12, seed=1):
        rows += [{"id": f"{src.id}-{k}", "title": src.title, "text": p} for k, p in enumerate(src.paragraphs)]
    rng.shuffle(rows)
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "q.json"
    assert quality.main(["--langs", "", "--corpus", str(path), "--docs", "2", "--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["by_language"]) == {"mine", "all"}
    assert set(result["by_kind"]) == set(_data.KINDS)
    assert set(result["by_language"]["mine"]) == {"dedupe", "datasketch"}
    across = result["across_documents"]  # the cross-document part, on the same corpus
    assert across["answers"] > 0 and across["templates"] > 0
    assert set(across["passages"]["all"]) == {"dedupe scan", "dedupe index", "datasketch"}
    assert set(across["boilerplate"]["all"]) == {"dedupe scan", "datasketch"}
    printed = capsys.readouterr().out
    assert "| language |" in printed and "blocks per template" in printed


def test_speed_benchmark_smoke(tmp_path, capsys):
    out = tmp_path / "s.json"
    # A small corpus for the whole processes: the scans and both baselines
    # still run as processes of their own.
    assert speed.main(["--limit", "60", "--runs", "1", "--scan-mb", "0.3", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    names = [r["pipeline"] for r in result["rows"]]
    assert names[0] == "dedupe (OPH)" and "datasketch" in names
    assert all(r["scan_mb_s"] > 0 for r in result["rows"])
    processes = [r["process"] for r in result["processes"]]
    assert processes[0] == "dedupe scan, kernel, --jobs 1" and any(p.startswith("datasketch pipeline") for p in processes)
    assert all(r["cpu_s"] > 0 for r in result["processes"])
    assert "speed-up" in capsys.readouterr().out


def test_scale_benchmark_smoke(tmp_path, capsys):
    """Two small sizes, one worker: the runs' user and system time and page
    faults are reported, and the ratios between the sizes printed."""
    out = tmp_path / "scale.json"
    assert scale.main(["--sizes", "200", "400", "--jobs", "1", "--workdir", str(tmp_path), "--json", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert [r["target_paragraphs"] for r in rows] == [200, 400]
    for r in rows:
        assert r["user_seconds"] > 0 and r["system_seconds"] >= 0 and r["page_faults"] > 0
        assert r["cpu_seconds"] == pytest.approx(r["user_seconds"] + r["system_seconds"], abs=0.011)
    assert "x user" in capsys.readouterr().out


def test_speed_data_truth_marks_copies_after_their_originals():
    data = speed.make_data(limit=80, seed=2)
    assert data.copies
    texts = data.texts
    sets = shingle(texts, 3)
    for i in data.copies:
        # Some earlier paragraph shares most of the copy's shingles.
        best = max(compare(sets.unique(i), sets.unique(j)).containment for j in range(i))
        assert best >= 0.6


def test_a_baseline_process_loads_only_what_its_pipeline_needs(tmp_path):
    """Whole-process baselines are timed beside ``dedupe scan``: they must
    not pay for numpy and dedupe, which a user's pipeline would not import."""
    corpus = tmp_path / "c.jsonl"
    text = "one two three four five six seven eight nine ten eleven twelve"
    corpus.write_text("".join(json.dumps({"text": t}) + "\n" for t in (text, text, "something else entirely")))
    code = "import sys, baselines; print(sorted(m for m in ('numpy', 'dedupe') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=BENCH, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    found = subprocess.run([sys.executable, "baselines.py", "datasketch", str(corpus)], cwd=BENCH,
                           capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "1"  # the second paragraph is the first's copy


def test_keep_first_does_not_chain():
    # 0~1 and 1~2 but not 0~2: 1 goes, 2 stays (its only match was removed).
    assert speed.keep_first(3, [(0, 1), (1, 2)]) == {1}
    assert speed.keep_first(3, [(0, 1), (0, 2), (1, 2)]) == {1, 2}
