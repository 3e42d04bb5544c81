"""Boilerplate models: learned by a scan, saved, loaded, and stripped by
``dedupe clean --boilerplate``."""

from __future__ import annotations

import json

import random

import numpy as np

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.corpus.boilerplate import (
    BoilerplateModel,
    ModelBlock,
    clean_with_model,
    find_boilerplate,
    load_model,
    mask,
    model_from_blocks,
    save_model,
)
from dedupe.corpus import templates as tp
from dedupe.cli import main
from dedupe.errors import InputError
from dedupe.options import Options

BODIES = [
    "The council approved the new library budget on Monday after a long debate about costs and staffing.",
    "Residents said the reading rooms are crowded every afternoon and children have nowhere quiet to study.",
    "The harbour authority will dredge the northern channel next spring so that larger ferries can dock.",
    "A local orchestra is touring village halls this winter with a programme of folk songs and sea shanties.",
]
FOOTER = "© {y} Example Media. All rights reserved. Last updated {d} March {y}."
BYLINE = "By Staff Reporter, updated {d} June {y} at {h}:{m}"


def _doc(i: int) -> str:
    return "\n\n".join([
        BYLINE.format(d=i + 1, y=2000 + i, h=10 + i, m=10 * i),
        BODIES[i],
        "Loading video…",
        FOOTER.format(y=2010 + i, d=i + 2),
    ])


@pytest.fixture
def model():
    r = dedupe.scan([(f"d{i}", _doc(i)) for i in range(4)])
    return r.boilerplate_model()


def test_mask_keeps_everything_but_digits():
    assert mask("Updated 12 March 2024, page 3") == "Updated 0 March 0, page 0"


def test_scan_learns_footer_byline_and_video_line(model):
    texts = sorted(b.text.split(" ")[0] for b in model.blocks)
    assert texts == ["By", "Loading", "©"]
    assert all(b.documents == 4 for b in model.blocks)


def test_model_round_trips_through_json(model, tmp_path):
    path = tmp_path / "model.json"
    save_model(model, path)
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == 2
    assert data["shingling"] == {"ngram": 3, "mask_digits": True, "tokens": "script-aware"}
    assert load_model(path) == model


def test_strips_blocks_with_other_dates_and_keeps_the_rest(model):
    text = _doc(0).replace("2010", "2031").replace("June 2000", "June 2029") + "\n"
    result = clean_with_model(text, Options(), model)
    assert [r.kind for r in result.removed] == ["boilerplate"] * 3
    assert result.text == BODIES[0] + "\n"
    removed = [text[r.start : r.end] for r in result.removed]
    assert removed == [
        "By Staff Reporter, updated 1 June 2029 at 10:0",
        "Loading video…",
        "© 2031 Example Media. All rights reserved. Last updated 2 March 2031.",
    ]


def test_repeats_still_collapse_and_point_at_kept_text(model):
    text = "\n\n".join([BODIES[1], BODIES[2], BODIES[1], FOOTER.format(y=1999, d=9)]) + "\n"
    result = clean_with_model(text, Options(), model)
    kinds = [r.kind for r in result.removed]
    assert kinds == ["exact", "boilerplate"]
    dup = result.removed[0]
    assert text[dup.duplicate_of.start : dup.duplicate_of.end] == BODIES[1]
    assert result.text == f"{BODIES[1]}\n\n{BODIES[2]}\n"


def test_sentence_level_block():
    m = BoilerplateModel((ModelBlock("Read more stories like this at example.com every day.", 5, "sentence"),))
    text = "A long first sentence about the council budget debate. Read more stories like this at example.com every day."
    (r,) = find_boilerplate(text, m)
    assert text[r.start : r.end] == "Read more stories like this at example.com every day."


def test_unrelated_text_is_untouched(model):
    text = "\n\n".join(BODIES) + "\n"
    assert clean_with_model(text, Options(), model).removed == []


def test_bad_model_files(tmp_path):
    p = tmp_path / "m.json"
    with pytest.raises(InputError, match="no such boilerplate model"):
        load_model(p)
    p.write_text("{oops", "utf-8")
    with pytest.raises(InputError, match="malformed JSON"):
        load_model(p)
    p.write_text(json.dumps({"version": 99}), "utf-8")
    with pytest.raises(InputError, match="version 99"):
        load_model(p)
    p.write_text(json.dumps({"version": 1, "blocks": []}), "utf-8")
    with pytest.raises(InputError, match="malformed boilerplate model"):
        load_model(p)


def test_cli_save_then_clean(tmp_path, capsys):
    site = tmp_path / "site"
    site.mkdir()
    for i in range(4):
        (site / f"p{i}.md").write_text(_doc(i) + "\n", "utf-8")
    model_path = tmp_path / "model.json"
    assert main(["scan", str(site), "--save-boilerplate", str(model_path)]) == 0
    capsys.readouterr()
    assert len(json.loads(model_path.read_text("utf-8"))["blocks"]) == 3
    new = tmp_path / "new.md"
    new.write_text(_doc(3).replace("2013", "2040") + "\n", "utf-8")
    report = tmp_path / "r.json"
    assert main(["clean", "--boilerplate", str(model_path), str(new), "--report", str(report)]) == 0
    assert capsys.readouterr().out == BODIES[3] + "\n"
    removed = json.loads(report.read_text("utf-8"))["removed"]
    assert [r["kind"] for r in removed] == ["boilerplate"] * 3
    assert main(["clean", "--boilerplate", str(tmp_path / "none.json"), str(new)]) == 2
    assert "no such boilerplate model" in capsys.readouterr().err


# --- templates with slots ------------------------------------------------------

FIRST = ["Anna", "Ben", "Clara", "David", "Elena", "Farid", "Grace", "Hugo"]
LAST = ["Abbott", "Brennan", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia"]
MONTHS = ["January", "March", "May", "July", "September", "November"]
WORDS = ("harbour ferry council budget library orchestra village winter station bridge river museum garden "
         "teacher market festival railway hospital school tower island mountain valley forest meadow").split()
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋"


def _body(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + "."


def _byline_site(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """Pages with a byline whose author, date and reading time all change,
    an editor line whose name changes, and a body of their own."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        byline = (f"By {rng.choice(FIRST)} {rng.choice(LAST)} · {rng.choice(MONTHS)} {rng.randint(1, 28)}, 2025"
                  f" · {rng.randint(2, 25)} min read")
        editor = "責任編輯：" + rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        docs.append((f"p{i:02d}", "\n\n".join([byline, _body(rng), _body(rng), editor]) + "\n"))
    return docs


def test_bylines_whose_words_all_change_are_one_block_each():
    docs = _byline_site(12)
    result = dedupe.scan(docs)
    by_template = {b.template: b for b in result.boilerplate}
    assert set(by_template) == {"by {} 0 0 0 min read", "責 任 編 輯 {}"}
    for b in by_template.values():
        assert b.documents == 12
        assert sorted(o.id for o in b.occurrences) == [d for d, _ in docs]
    texts = dict(docs)
    for o in by_template["by {} 0 0 0 min read"].occurrences:
        assert texts[o.id][o.start : o.end].startswith("By ")
        assert texts[o.id][o.start : o.end].endswith("min read")


def test_a_template_model_strips_a_new_byline_and_keeps_the_body(tmp_path):
    model = dedupe.scan(_byline_site(12)).boilerplate_model()
    path = tmp_path / "model.json"
    save_model(model, path)
    assert load_model(path) == model
    body = "The ferry timetable changes next week while the northern pier is repaired and repainted by the council."
    text = "By Zoe Quartermain · December 30, 2025 · 41 min read\n\n" + body + "\n\n責任編輯：欧阳修\n"
    result = clean_with_model(text, Options(), load_model(path))
    assert [r.kind for r in result.removed] == ["boilerplate", "boilerplate"]
    assert result.text == body + "\n"


def test_version_1_models_are_still_read(tmp_path):
    p = tmp_path / "old.json"
    p.write_text(json.dumps({"version": 1, "shingling": {"ngram": 3, "mask_digits": True}, "threshold": 0.5,
                             "blocks": [{"level": "paragraph", "documents": 4, "text": "Loading video…"}]}), "utf-8")
    m = load_model(p)
    assert m.blocks == (ModelBlock("Loading video…", 4),)
    assert [r.kind for r in clean_with_model("Loading video…\n\n" + BODIES[0] + "\n", Options(), m).removed] == [
        "boilerplate"]


def test_sentences_sharing_common_words_are_not_a_template():
    # A frame of common words in a few documents: the words occur in short
    # paragraphs of every document, in other orders.
    rng = random.Random(3)
    docs = []
    for i in range(30):
        paras = [_body(rng)]
        if i % 5 == 0:
            paras.append(f"He said the {rng.choice(WORDS)} would {rng.choice(WORDS)} the {rng.choice(WORDS)}.")
        words = ["he", "said", "the", "would", *rng.sample(WORDS, 4)]
        rng.shuffle(words)
        paras.append(" ".join(words).capitalize() + ".")
        docs.append((f"n{i:02d}", "\n\n".join(paras) + "\n"))
    assert [b.template for b in dedupe.scan(docs).boilerplate if b.template] == []


def test_prose_paragraphs_are_never_template_blocks():
    rng = random.Random(5)
    frame = "The council met on {} and agreed that the {} should be {} before the end of the year, said {}."
    docs = [(f"d{i}", frame.format(*(" ".join(rng.choice(WORDS) for _ in range(3)) for _ in range(4)))
             + "\n\n" + _body(rng) + "\n") for i in range(10)]
    assert [b for b in dedupe.scan(docs).boilerplate if b.template] == []


_token = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_token, min_size=1, max_size=3), min_size=2, max_size=4),
       st.lists(st.lists(_token, min_size=1, max_size=4), min_size=4, max_size=4))
def test_any_filling_of_a_frame_matches_it(runs, fills):
    """A text made of the frame's runs with a slot filled between each
    pair matches the frame, and its positions are the runs' tokens."""
    words = [w for r in runs for w in r]
    if len(words) < 3:
        return
    parts: list[str] = []
    for k, r in enumerate(runs):
        if k:
            parts.append(" ".join(fills[k - 1]))
        parts.append(" ".join(r))
    form = " {} ".join(" ".join(r) for r in runs)
    frame = tp.parse_frame(form)
    (toks,) = tp.block_tokens([" ".join(parts)])
    pos = tp.match(toks.tolist(), frame)
    assert [toks[p] for p in pos] == [x for x in frame if x != tp.SLOT] or not pos
    if all(len(f) <= tp.MAX_SLOT for f in fills) and len(words) >= tp.MIN_SHARE * toks.size:
        assert pos
    assert tp.template_text(" ".join(parts), pos).replace(" {} ", " ").split() == words if pos else True


# Blocks of a few hashes from a small vocabulary, so that tokens recur
# across documents at many frequencies (and the digit's hash among them).
_vocab = st.sampled_from([tp.digit_hash(), *range(1, 12)])
_blocks = st.lists(st.tuples(st.lists(_vocab, min_size=1, max_size=14), st.integers(0, 9)), min_size=1, max_size=40)


@settings(max_examples=80, deadline=None)
@given(_blocks)
def test_document_frequency_counts_each_document_once_per_token(items):
    blocks, docs = [b for b, _ in items], [d for _, d in items]
    expected: dict[int, set[int]] = {}
    for b, d in items:
        for t in b:
            expected.setdefault(t, set()).add(d)
    assert tp.document_frequency(blocks, docs) == {t: len(ds) for t, ds in expected.items()}


@settings(max_examples=150, deadline=None)
@given(st.lists(_vocab, min_size=1, max_size=30), st.lists(st.integers(1, 12), min_size=30, max_size=30),
       st.integers(1, 6))
def test_proposals_are_every_acceptable_frame_of_every_level(toks, freqs, need):
    """What :func:`proposals` returns, by its definition: at every level,
    the frame of the tokens at least that frequent (and the same without
    lone frame tokens), when acceptable. The function stops early where
    no later level can be acceptable; this holds that it loses nothing."""
    df = freqs[: len(toks)]
    n = len(toks)
    expected = {}
    for s in sorted({d for d in df if d >= need}):
        keep = [d >= s for d in df]
        lone = [keep[i] and 0 < i < n - 1 and not keep[i - 1] and not keep[i + 1] for i in range(n)]
        for k in (keep, [a and not b for a, b in zip(keep, lone)]):
            frame = _collapsed(toks, k)
            if _acceptable(frame, k):
                expected.setdefault(tp.frame_key(frame), frame)
    assert {p.key: p.frame for p in tp.proposals(toks, df, need)} == expected


def _collapsed(toks, keep):
    """``toks`` with each run of tokens not kept made one slot."""
    out = []
    for t, k in zip(toks, keep):
        if k:
            out.append(t)
        elif not out or out[-1] != tp.SLOT:
            out.append(tp.SLOT)
    return tuple(out)

def _acceptable(frame, keep):
    """A frame with a slot, ``MIN_FRAME`` words, ``MIN_SHARE`` of the
    block's tokens and no slot longer than ``MAX_SLOT`` tokens."""
    n, digit = len(keep), tp.digit_hash()
    literal = [i for i in range(n) if keep[i]]
    gaps = [b - a - 1 for a, b in zip([-1, *literal], [*literal, n]) if b - a > 1]
    words = sum(1 for t in frame if t != tp.SLOT and t != digit)
    return (tp.SLOT in frame and words >= tp.MIN_FRAME and len(literal) >= tp.MIN_SHARE * n
            and max(gaps, default=0) <= tp.MAX_SLOT)


def _proposals_by_definition(toks, df, need):
    """:func:`tp.proposals` as its docstring defines it, a level at a time,
    each frame checked on its own."""
    n, digit = len(toks), tp.digit_hash()
    out = {}
    for s in sorted({d for d in df if d >= need}):
        keep = [d >= s for d in df]
        if sum(keep) < tp.MIN_SHARE * n or sum(k and t != digit for k, t in zip(keep, toks)) < tp.MIN_FRAME:
            break
        lone = [keep[i] and 0 < i < n - 1 and not keep[i - 1] and not keep[i + 1] for i in range(n)]
        for k in (keep, [a and not b for a, b in zip(keep, lone)]):
            frame = _collapsed(toks, k)
            if _acceptable(frame, k):
                key = tp.frame_key(frame)
                out.setdefault(key, tp.Proposal(frame, key, sum(k)))
    return list(out.values())


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_proposals_are_what_the_definition_gives(data):
    """Tokens that repeat, the slot and digit tokens among them, blocks
    longer than the longest slot, and frequencies on both sides of every
    level."""
    pool = [1, 2, 3, 4, 5, tp.SLOT, tp.digit_hash()]
    toks = data.draw(st.lists(st.sampled_from(pool), max_size=40))
    df = data.draw(st.lists(st.integers(0, 6), min_size=len(toks), max_size=len(toks)))
    need = data.draw(st.integers(1, 4))
    assert tp.proposals(toks, df, need) == _proposals_by_definition(toks, df, need)


def test_a_slot_of_the_longest_length_is_proposed_and_a_longer_one_is_not():
    for gap, proposed in ((tp.MAX_SLOT, True), (tp.MAX_SLOT + 1, False)):
        toks = [1, 2, 3] + [4] * gap + [5, 1, 2]
        df = [5, 5, 5] + [1] * gap + [5, 5, 5]
        assert bool(tp.proposals(toks, df, 2)) is proposed
        assert tp.proposals(toks, df, 2) == _proposals_by_definition(toks, df, 2)


def test_a_lone_token_made_slot_is_not_proposed_when_the_slot_it_makes_is_too_long():
    # Slots of six either side of a lone frame token: the frame with it is
    # acceptable, the frame with it made slot has one slot of thirteen.
    toks = [1, 2, 3] + [4] * 6 + [5] + [4] * 6 + [1, 2, 3]
    df = [5, 5, 5] + [1] * 6 + [5] + [1] * 6 + [5, 5, 5]
    assert [p.frame for p in tp.proposals(toks, df, 2)] == [(1, 2, 3, tp.SLOT, 5, tp.SLOT, 1, 2, 3)]
    assert tp.proposals(toks, df, 2) == _proposals_by_definition(toks, df, 2)


_pool = st.sampled_from([1, 2, 3, 4, 5, tp.SLOT, tp.digit_hash()])


@settings(max_examples=300, deadline=None)
@given(st.data(), st.lists(st.lists(_pool, max_size=40), max_size=8), st.integers(1, 4), st.sampled_from([40, 1 << 21]),
       st.booleans())
def test_block_proposals_are_each_blocks_proposals(data, blocks, need, chunk, kernel):
    """Every level of every block at once, in chunks of blocks or in one,
    from the kernel or from the numpy arrays, gives what
    :func:`tp.proposals` gives block by block, in its order."""
    dfs = [data.draw(st.lists(st.integers(0, 6), min_size=len(b), max_size=len(b))) for b in blocks]
    flat = np.array([d for df in dfs for d in df], dtype=np.int64)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tp, "PROPOSAL_CHUNK", chunk)
        if not kernel:
            mp.setattr(tp, "KERNEL", None)
        got = tp.block_proposals(tp.TokenBlocks.of_lists(blocks), flat, need)
    assert got == [tp.proposals(b, df, need) for b, df in zip(blocks, dfs)]


def _candidates_by_definition(blocks, docs, need, df):
    """:func:`tp.candidates` by its definition: every block's proposals,
    each frame supported by the documents whose blocks propose it."""
    seen = {}
    for toks, d in zip(blocks, docs):
        for p in tp.proposals(toks, [df[t] for t in toks], need):
            seen.setdefault(p.key, (p, set()))[1].add(d)
    found = [tp.Template(p.frame, k, len(ds)) for k, (p, ds) in seen.items() if len(ds) >= need]
    return sorted(found, key=tp.rank_key)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(_pool, min_size=1, max_size=16), st.integers(0, 6)), max_size=40),
       st.integers(1, 4))
def test_candidates_are_the_frames_proposed_in_enough_documents(items, need):
    blocks, docs = [b for b, _ in items], [d for _, d in items]
    df = tp.document_frequency(blocks, docs) if items else {}
    assert tp.candidates(blocks, docs, need, df) == _candidates_by_definition(blocks, docs, need, df)


def _match_by_definition(toks, frame):
    """:func:`tp.match` comparing the frame's runs at every place."""
    runs = [[]]
    for t in frame:
        if t == tp.SLOT:
            runs.append([])
        else:
            runs[-1].append(t)
    n, pos, out = len(toks), 0, []
    for r, run in enumerate(runs):
        if not run:
            continue
        m = len(run)
        if r == 0:
            at = 0 if list(toks[:m]) == run else -1
        elif r == len(runs) - 1 and frame[-1] != tp.SLOT:
            at = n - m if n - m >= pos and list(toks[n - m:]) == run else -1
        else:
            at = next((i for i in range(pos, n - m + 1) if list(toks[i:i + m]) == run), -1)
        if at < 0:
            return ()
        out.extend(range(at, at + m))
        pos = at + m + 1
    if (frame[0] == tp.SLOT and out and out[0] == 0) or (frame[-1] == tp.SLOT and out and out[-1] >= n - 1):
        return ()
    gaps = [b - a - 1 for a, b in zip([-1, *out], [*out, n]) if b - a > 1]
    return tuple(out) if len(out) >= tp.MIN_SHARE * n and max(gaps, default=0) <= tp.MAX_SLOT else ()


@settings(max_examples=500, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=30), st.lists(st.integers(0, 4), min_size=1, max_size=10), st.booleans())
def test_match_finds_each_run_where_the_definition_does(toks, frame, as_tuple):
    """Runs that repeat, overlap and share first tokens, in a list or a
    tuple of tokens."""
    assert tp.match(tuple(toks) if as_tuple else toks, tuple(frame)) == _match_by_definition(toks, tuple(frame))


def _slot_of(length):
    return [1, 2] + [3] * length + [1, 2]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), max_size=30), min_size=1, max_size=6),
       st.lists(st.integers(0, 5), max_size=10), st.lists(st.integers(0, 3), min_size=1, max_size=10), st.booleans())
@example([[1, 2]], [0], [tp.SLOT, 1, tp.SLOT], True)  # a frame that starts with a slot, its run at the start
@example([[2, 1]], [0], [tp.SLOT, 1, tp.SLOT], True)  # and one that ends with a slot, its run at the end
@example([_slot_of(tp.MAX_SLOT), _slot_of(tp.MAX_SLOT + 1)], [0, 1], [1, 2, tp.SLOT, 1, 2], True)  # the longest slot
@example([[1, 2, 1, 2, 1] + [3] * tp.MAX_SLOT + [1, 2, 1, 2, 1] + [3] * (tp.MAX_SLOT + 1)], [0],
         [1, 2, 1, 2, 1, tp.SLOT, 1, 2, 1, 2, 1, tp.SLOT], True)  # a last slot one longer
def test_blocks_fill_a_frame_where_match_says(blocks, rows, frame, kernel):
    """:func:`tp.filling` of some blocks, repeats among them, with the
    kernel or block by block, is whether :func:`tp.match` finds the frame:
    slots at either end or side by side, runs that repeat, and the slot
    token inside blocks."""
    rows = [r % len(blocks) for r in rows]
    with pytest.MonkeyPatch.context() as mp:
        if not kernel:
            mp.setattr(tp, "KERNEL", None)
        got = tp.filling(tp.TokenBlocks.of_lists(blocks), rows, tuple(frame))
    assert got == [bool(tp.match(blocks[r], tuple(frame))) for r in rows]
