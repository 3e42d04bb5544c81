"""What find_duplicates / clean must catch, and what they must leave alone."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.core.detect import _Document, _sections_apart, _settled
from dedupe.core.verify import compare
from dedupe.options import Options
from tests.sites import prose
from tests.strategies import document

EN = [
    "The city council met on Monday to discuss the proposed expansion of the public library, "
    "which has outgrown its current building after a decade of rising membership.",
    "Several residents spoke in favour of the plan, arguing that the reading rooms are crowded "
    "every afternoon and that children have nowhere quiet to study after school.",
    "Opponents pointed to the cost, estimated at twelve million dollars, and asked whether the "
    "money would be better spent on repairing roads and bridges across the district.",
]
JA = [
    "市議会は月曜日に会合を開き、公共図書館の拡張計画について議論した。会員数の増加が十年続き、現在の建物では手狭になっている。",
    "何人かの住民は計画に賛成の意見を述べ、閲覧室は毎日午後に混雑しており、子どもたちが放課後に静かに勉強できる場所がないと訴えた。",
    "反対派は一千二百万ドルと見積もられる費用を指摘し、その資金は地区全体の道路や橋の補修に使うべきではないかと問いかけた。",
]
ZH = [
    "市议会周一召开会议，讨论扩建公共图书馆的计划。十年来会员人数不断增加，现有建筑已经不够用了。",
    "几位居民发言支持该计划，他们认为阅览室每天下午都很拥挤，孩子们放学后没有安静的地方学习。",
    "反对者指出该计划预计耗资一千二百万美元，并质疑这笔钱是否更应该用于修缮全区的道路和桥梁。",
]


def doc(*paras):
    return "\n\n".join(paras) + "\n"


def removed_texts(text, **kw):
    return [(r.kind, text[r.start : r.end]) for r in dedupe.find_duplicates(text, **kw)]


@pytest.mark.parametrize("paras", [EN, JA, ZH], ids=["en", "ja", "zh"])
def test_exact_repeat_of_a_run_of_paragraphs(paras):
    text = doc(*paras, *paras[:2], paras[2])
    result = dedupe.clean(text)
    assert result.text == doc(*paras)
    assert [r.kind for r in result.removed] == ["exact"] * 3
    for r in result.removed:
        kept = text[r.duplicate_of.start : r.duplicate_of.end]
        assert kept == text[r.start : r.end]
        assert r.duplicate_of.end <= len(doc(*paras))


@pytest.mark.parametrize("paras", [EN, JA, ZH], ids=["en", "ja", "zh"])
def test_reformatted_copies_are_exact_after_normalization(paras):
    p = paras[0]
    variants = [
        p.replace(" ", "  ").upper(),
        # full-width Latin letters and digits
        "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in p),
        # re-wrapped into several lines
        "\n".join(p[i : i + 30] for i in range(0, len(p), 30)) if paras is not EN else p.replace(", ", ",\n"),
    ]
    for v in variants:
        text = doc(p, paras[1], v)
        assert removed_texts(text) == [("exact", v)], v


def test_near_duplicate_with_small_edits():
    p = EN[1]
    edited = p.replace("crowded", "packed")  # one word in 27, about 3 %
    text = doc(p, EN[0], edited)
    [(kind, span)] = removed_texts(text)
    assert kind == "near-duplicate" and span == edited
    ja_edit = JA[1].replace("勉強", "学習")
    assert removed_texts(doc(JA[1], JA[0], ja_edit)) == [("near-duplicate", ja_edit)]


@pytest.mark.parametrize("paras", [EN, JA, ZH], ids=["en", "ja", "zh"])
def test_truncated_copy_is_contained(paras):
    p = paras[2]
    cut = len(p) // 6
    for truncated in (p[cut:].strip(), p[:-cut].strip()):
        text = doc(p, paras[0], truncated)
        [(kind, span)] = removed_texts(text)
        assert kind in ("contained", "near-duplicate") and span == truncated


def test_merged_paragraph_with_trailing_fragment_is_removed_sentence_by_sentence():
    # The shape in the motivating article: the last sentence of one kept
    # paragraph, then a whole kept paragraph, then the start of the next.
    last_sentence = JA[0].split("。")[1] + "。"
    merged = last_sentence + " " + JA[1] + " " + JA[2][:14]
    text = doc(*JA, merged)
    result = dedupe.clean(text)
    assert result.text == doc(*JA)
    assert {r.kind for r in result.removed} <= {"repeated-sentence", "contained", "near-duplicate"}


def test_sentence_repeated_as_its_own_paragraph():
    sentence = EN[0].split(", which")[0] + "."
    full = EN[0].replace(", which", ". It")  # two sentences, first equal to `sentence`
    text = doc(full, EN[1], sentence)
    [(kind, span)] = removed_texts(text)
    assert kind == "repeated-sentence" and span == sentence


def test_sentence_repeated_inside_a_later_paragraph_keeps_the_rest():
    new = "A vote on the plan is expected before the end of the month, the mayor said on Tuesday."
    later = JA[0].split("。")[0] + "。" + "図書館の新しい計画について市長は来月までに決定すると述べた。"
    text = doc(*EN, EN[1].split(", arguing")[0] + ". " + new)
    rem = removed_texts(text)
    # An 8-word sentence repeated on its own is below evidence_tokens: kept;
    # without the evidence rule it is a repeated sentence and goes alone.
    assert rem == []
    off = dedupe.clean(text, evidence_tokens=0).removed
    assert [(r.kind, text[r.start:r.end]) for r in off] == [("repeated-sentence", EN[1].split(", arguing")[0] + ".")]
    text = doc(*JA, later)
    result = dedupe.clean(text)
    assert "図書館の新しい計画について市長は来月までに決定すると述べた。" in result.text
    assert [r.kind for r in result.removed] == ["repeated-sentence"]
    assert result.text.count(JA[0].split("。")[0]) == 1


def test_copy_of_half_a_paragraph_plus_new_text_keeps_the_new_text():
    first_half = EN[2].split(", and asked")[0] + "."
    new = "Others asked for a public vote before any contract is signed with a builder this year."
    text = doc(EN[2], EN[0], first_half + " " + new)
    # An 11-word sentence alone is no evidence of a copy by default: kept.
    assert new in dedupe.clean(text).text
    result = dedupe.clean(text, evidence_tokens=8)
    assert new in result.text
    assert result.text.count("estimated at twelve million dollars") == 1
    assert result.text.startswith(EN[2])


def test_same_topic_paragraphs_are_kept():
    for paras in (EN, JA, ZH):
        assert dedupe.find_duplicates(doc(*paras)) == []


def test_structure_repeats_legitimately():
    text = (
        "---\ntitle: Notes\n---\n\n## Summary\n\n" + EN[0] + "\n\n---\n\n## Summary\n\n"
        "| a | b |\n|---|---|\n\n| a | b |\n|---|---|\n\n- yes\n- yes\n\n"
        "```\n" + EN[1] + "\n```\n\n```\n" + EN[1] + "\n```\n\n---\n"
    )
    assert dedupe.find_duplicates(text) == []


def test_front_matter_is_not_a_source():
    text = '---\ntitle: "' + EN[0] + '"\n---\n\n' + EN[0] + "\n"
    assert dedupe.find_duplicates(text) == []


def test_short_repeated_lines_are_not_removed_by_default():
    text = doc("Thanks for reading.", EN[0], "Thanks for reading.")
    assert dedupe.find_duplicates(text) == []
    assert removed_texts(text, min_tokens=2) == []  # too short to be evidence of a copy on its own
    assert removed_texts(text, min_tokens=2, evidence_tokens=0) == [("exact", "Thanks for reading.")]


def test_keep_longest_keeps_the_full_copy():
    truncated = EN[1][: len(EN[1]) * 3 // 4]
    text = doc(truncated, EN[0], EN[1])
    # Kept first, the truncated copy cannot stand for the full one, which
    # has text of its own: nothing is removed.
    assert dedupe.find_duplicates(text) == []
    longest = dedupe.clean(text, keep="longest")
    assert longest.text == doc(EN[0], EN[1])
    [r] = longest.removed
    assert text[r.duplicate_of.start : r.duplicate_of.end] == EN[1]


def test_threshold_option_changes_what_counts_as_near_duplicate():
    p = EN[1]
    words = p.split()
    edited = " ".join(w.upper() if i % 6 == 0 else w + "s" if i % 5 == 0 else w for i, w in enumerate(words))
    text = doc(p, edited)
    assert dedupe.find_duplicates(text, threshold=0.95, containment=0.95) == []
    assert dedupe.find_duplicates(text, threshold=0.25, containment=0.3) != []


def test_no_sentences_option_compares_whole_paragraphs_only():
    sentence = EN[0].split(", which")[0] + "."
    text = doc(EN[0].replace(", which", ". It"), EN[1], "Intro words here. " + sentence)
    assert dedupe.find_duplicates(text) != []
    assert dedupe.find_duplicates(text, sentences=False) == []


def test_unknown_and_invalid_options_are_clear_errors():
    with pytest.raises(dedupe.OptionsError, match="unknown option"):
        dedupe.clean("x", treshold=0.5)
    with pytest.raises(ValueError, match="threshold"):
        dedupe.clean("x", threshold=1.5)
    with pytest.raises(dedupe.InputError, match="str"):
        dedupe.clean(b"bytes")


def test_one_paragraph_per_line_documents():
    text = "\n".join([EN[0], EN[1], EN[0], EN[2]]) + "\n"
    result = dedupe.clean(text)
    assert result.text == "\n".join([EN[0], EN[1], EN[2]]) + "\n"


def test_a_strict_threshold_keeps_edited_copies_of_equal_length():
    p = EN[1]
    edited = p.replace("crowded", "packed")
    text = doc(p, EN[0], edited)
    [r] = dedupe.find_duplicates(text)
    assert r.kind == "near-duplicate" and 0.7 <= r.similarity < 0.95
    assert dedupe.find_duplicates(text, threshold=0.95) == []
    # A truncated copy is judged by containment whatever the threshold.
    truncated = p[: len(p) * 4 // 5].strip()
    assert [x.kind for x in dedupe.find_duplicates(doc(p, EN[0], truncated), threshold=0.95)] == ["contained"]


def test_many_tiny_lines_are_never_candidates():
    # 100,000 lines of two or three words once took 10 GB: units under
    # min_tokens can never be removed, so they get no candidate pairs.
    words = ["alpha", "beta", "gamma", "delta"]
    text = "\n".join(f"{words[i % 4]} {words[(i // 4) % 4]} {i % 3}" for i in range(30_000)) + "\n"
    doc = _Document(text, Options())
    assert all(doc.candidates.of(u) == [] for u in range(len(doc.units)))
    assert dedupe.clean(text).text == text


def test_near_identical_paragraphs_have_bounded_candidates():
    # Thousands of paragraphs that all look alike (a generated list, a
    # log): the candidate pairs grow with the units, not with their square
    # (the earliest units, the kept copies, meet all the others), and the exact
    # repeat of the shared sentence is still removed from every one.
    shared = "The same closing sentence follows every one of these generated entries in the list."
    paras = [f"Entry number {i} records a reading taken at station {i % 97} during the night shift. {shared}"
             for i in range(3_000)]
    text = "\n\n".join(paras) + "\n"
    doc = _Document(text, Options())
    pairs = sum(len(doc.candidates.of(u)) for u in range(len(doc.units))) // 2
    assert pairs < 40 * len(doc.units)
    out = dedupe.clean(text).text
    assert out.count(shared) == 1
    assert all(f"Entry number {i} records" in out for i in range(0, 3_000, 250))


@settings(max_examples=60, deadline=None)
@given(document(), st.sampled_from([2, 3, 5]))
def test_every_candidate_pair_is_compared_exactly_as_its_two_sets(text, ngram):
    """The detector computes every candidate pair's overlap in one call;
    each must be the comparison of the two units' own shingle sets."""
    doc = _Document(text, Options(ngram=ngram, min_tokens=1))
    everything = set(range(len(doc.units)))
    for i in range(len(doc.units)):
        for c, sim in doc.compared(i, everything):
            assert sim == compare(doc.sets.unique(i), doc.sets.unique(c))


def _candidate_inputs(data):
    """Shingle sets, candidate pairs, keys and a containment for
    :class:`_Candidates`: hashes spread over the sketches' buckets (their
    top bits), few enough that sets share many; sets crowded past a
    bucket's count too; some units repeating another's tokens (equal keys,
    as on a page, only for equal contents)."""
    import numpy as np

    from dedupe.core.shingle import ShingleSets, unique_sets

    pool = np.array(data.draw(st.lists(st.integers(0, 2**64 - 1), min_size=2, max_size=40, unique=True)),
                    dtype=np.uint64)
    raw = [data.draw(st.lists(st.integers(0, len(pool) - 1), max_size=60)) for _ in range(data.draw(st.integers(2, 12)))]
    raw += [raw[i] for i in data.draw(st.lists(st.integers(0, len(raw) - 1), max_size=3))]
    lengths = np.array([len(r) for r in raw], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    hashes = pool[np.array([i for r in raw for i in r], dtype=np.int64)] if lengths.sum() else np.zeros(0, np.uint64)
    sets = unique_sets(ShingleSets(hashes, offsets, lengths, np.zeros(len(raw), np.uint64)))
    n = len(raw)
    pairs = np.array(data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
        lambda p: p[0] != p[1]), min_size=1, max_size=50)), dtype=np.int64)
    keys = np.array([hash(tuple(r)) % 2**63 for r in raw], dtype=np.uint64)
    return sets, pairs, keys, data.draw(st.sampled_from([0.01, 0.5, 0.85, 1.0]))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_candidates_bounded_first_are_those_of_every_pair_merged(data):
    """With many pairs a page's candidates bound each pair's intersection
    before merging it; what they keep of each direction (the sources a
    unit may copy, with their intersections) is what merging every pair
    keeps, for every containment."""
    from dedupe.core import detect

    sets, pairs, keys, containment = _candidate_inputs(data)
    saved = detect.BOUND_PAIRS
    try:
        detect.BOUND_PAIRS = 0
        bounded = detect._Candidates(pairs.copy(), sets, keys, containment)
        detect.BOUND_PAIRS = 10**9
        merged = detect._Candidates(pairs.copy(), sets, keys, containment)
    finally:
        detect.BOUND_PAIRS = saved
    for u in range(len(sets)):
        assert list(bounded.sources_of(u)) == list(merged.sources_of(u))
        assert sorted(bounded.of(u)) == sorted(merged.of(u))


@settings(max_examples=200, deadline=None)
@given(st.data(), st.booleans())
def test_candidates_are_each_pair_in_both_directions(data, bounded):
    """What a unit may copy is each pair it is in, in pair order, whose
    other unit holds ``containment`` of its set (or whose text is the
    same), with their intersection; every candidate of a unit is every
    other unit of its pairs. Only the pairs that may copy are turned into
    directions, and the candidates are listed when first asked for."""
    from dedupe.core import detect

    sets, pairs, keys, containment = _candidate_inputs(data)
    saved = detect.BOUND_PAIRS
    try:
        detect.BOUND_PAIRS = 0 if bounded else 10**9
        found = detect._Candidates(pairs.copy(), sets, keys, containment)
    finally:
        detect.BOUND_PAIRS = saved
    for u in range(len(sets)):
        expected, others = [], []
        for a, b in pairs.tolist():
            if u not in (a, b):
                continue
            v = b if a == u else a
            others.append(v)
            mine, theirs = set(sets.unique(u).tolist()), set(sets.unique(v).tolist())
            shared = len(mine & theirs)
            if keys[u] == keys[v] or (mine and shared / len(mine) >= containment):
                expected.append((v, shared))
        assert list(found.sources_of(u)) == expected
        assert sorted(found.of(u)) == sorted(others)


@pytest.mark.parametrize("a, b, apart", [
    ("0.13.0 (may 22nd, 2020)", "0.13.0.dev0 (april 30th, 2020)", True),
    ("[1.2.0] - 2020-05-01", "[1.1.0] - 2020-04-01", True),
    ("v2.1.0rc1", "v2.0.0", True),
    ("2024-05-01", "2024-04-30", True),
    ("step 1", "step 2", True),
    ("version 3 (beta)", "version 2", False),
    ("1. introduction", "2. setup", False),  # numbered sections that say something else
    ("1.2 installation", "1.3 usage", False),
    ("1.2 installation (v2.0)", "1.3 usage (v2.1)", True),
    ("planned breaking api changes (7.0)", "breaking api changes (3.0)", True),  # versions that differ
    ("breaking api changes (3.0)", "breaking api changes", False),
    ("usage", "setup", False),
    ("1.0", "setup", False),
    ("1.0", "1.0", False),  # the same section
])
def test_sections_of_two_releases_are_apart(a, b, apart):
    # Under two releases, whatever the headings below them (an entry
    # deprecated in one and removed in the next) or their depth.
    assert _sections_apart(((2, a), (3, "deprecated: x")), ((2, b), (3, "removed: x"))) is apart
    assert _sections_apart(((2, a),), ((2, b), (3, "changed"))) is apart
    assert not _sections_apart(((2, a),), ((2, a), (3, "changed")))  # one section inside the other
    assert not _sections_apart(((1, "notes"), (2, a)), ((2, b),))  # headings of other levels
    # The same subsections under two parents are twins, whatever the parents.
    assert _sections_apart(((2, a), (3, "changed")), ((2, b), (3, "changed"))) is (a != b)


@pytest.mark.parametrize("a, b, twins", [
    ([(2, "run with the cli"), (3, "save your data")], [(2, "run with compose"), (3, "save your data")], True),
    ([(1, "install"), (2, "linux"), (3, "usage"), (4, "volumes")],
     [(1, "install"), (2, "macos"), (3, "usage"), (4, "volumes")], True),
    ([(2, "run with the cli"), (3, "save your data")], [(2, "run with compose"), (3, "back up")], False),
    ([(2, "linux"), (3, "usage")], [(2, "macos"), (3, "usage"), (4, "volumes")], False),  # not the same place
    ([(2, "linux"), (3, "usage")], [(2, "linux"), (3, "usage")], False),  # one section
    ([(2, "linux"), (3, "usage")], [(2, "linux"), (3, "setup")], False),  # sisters, not twins
    ([(2, "linux"), (4, "usage")], [(3, "macos"), (4, "usage")], False),  # parents of two levels
])
def test_the_same_subsections_under_two_parents_are_apart(a, b, twins):
    assert _sections_apart(tuple(a), tuple(b)) is twins
    assert _sections_apart(tuple(b), tuple(a)) is twins


def test_what_the_cleaned_text_would_lose_goes_in_the_same_clean():
    """The first settling bars the last "- S" of the closing list (a short
    list item whose neighbour still stands between it and its copy); what
    that settling removes takes the neighbour away, after which the item
    follows its copy: cleaning the cleaned text would remove it.
    find_duplicates settles the cleaned text again, so one clean does.
    (A text the property test of long documents found, shrunk.)"""
    s = prose(0, sentences=1)
    blocks = {"p": prose(0, sentences=3), "d": s + " " + s, "l": "- " + s, "h": "## Setup"}
    assert blocks["p"].startswith(s + " ")
    text = "\n\n".join(blocks[c] for c in "pddlpppppppdddppddppddppddh") + "\n\n" + "\n".join(["- " + s] * 3) + "\n"
    once = _settled(text, Options())
    result = dedupe.clean(text)
    assert result.removed[: len(once)] == once
    assert [text[r.start : r.end] for r in result.removed[len(once) :]] == ["- " + s]
    last = result.removed[-1]
    assert text[last.duplicate_of.start : last.duplicate_of.end] == "- " + s
    assert last.duplicate_of.start < last.start
    assert dedupe.clean(result.text).text == result.text


def test_a_second_settling_that_removes_the_rest_of_a_paragraph_takes_in_its_removed_sentence():
    """The first settling removes a sentence repeated inside a paragraph;
    settling the cleaned text removes the rest of the paragraph whole, and
    that removal, mapped back, holds the first: one removal, not two that
    overlap (which cut the cleaned text wrongly). A text the property test
    of long documents found, shrunk."""
    twice = "よれわひと社争ぬ章へほ度よとよ実課りぬに界とき速装語はは題知装頼発会なお。"
    para = f"{twice} {twice} Yvmlygv fexeoarg hyizoeefn aodh vejhhpzub awnhseovv yfwf cbs gnvxuanss."
    text = "\n\n".join([para, "## Usage", para, "## 1.1.0rc1", para]) + "\n"
    opts = {"keep": "longest", "threshold": 0.89, "min_tokens": 8, "ngram": 2}
    result = dedupe.clean(text, **opts)
    spans = [(r.start, r.end) for r in result.removed]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "removals overlap"
    assert dedupe.clean(result.text, **opts).text == result.text
    assert result.text.count("Yvmlygv") >= 1


def test_a_removal_points_at_what_stays_of_its_copy_after_a_second_settling():
    # Found by the long-document property: with keep="longest" the second
    # settling takes a repeated sentence out of the paragraph an earlier
    # removal points at; that removal now points at what stays of it.
    s = "Vose besulo luregi divo vava kesutalo luvipegu cosi lobamo dimo sole kiruvote pepu busa tari vudacago."
    p = s + (" Minenu ravo pipo tusahela boni vomirici girologu futoriza tebo cohi pipadubi vaka hahici gufama"
             " nafocefu fazecado. Peguvelo zapugi nisabi foromeze luroraza tukaguve sopica kelutina cofigeru zise"
             " sovu niba.")
    d, aa = f"{s} {s}", " ".join(["Aa aa aa aa aa aa aa aa."] * 2)
    x = p.split(" Peguvelo")[0] + " " + s
    shape = ["P", "P", "D", "P", "P", "D", "D", "D", "P", "D", "D", "P", "D", "AA", "D", "H", "AA", "X", "AA", "P"]
    text = "\n\n".join({"P": p, "D": d, "AA": aa, "H": "## Setup", "X": x}[k] for k in shape) + "\n"
    result = dedupe.clean(text, keep="longest")
    spans = [(r.start, r.end) for r in result.removed]
    for r in result.removed:
        kept = r.duplicate_of
        assert not any(a < kept.end and kept.start < b for a, b in spans)
        assert text[kept.start : kept.end] in result.text
    assert dedupe.clean(result.text, keep="longest").text == result.text


def test_an_items_body_is_what_is_indented_under_it():
    """Each paragraph knows the list item it is or is part of: the
    paragraphs indented under an item (code between or not), until the
    first block that is not indented."""
    text = "\n\n".join([
        "Intro paragraph before any list.",
        "* `npm install <folder>`:",
        "    Installs the package in the folder.",
        "    ```bash\n    npm install ../folder\n    ```",
        "    Example of what it links.",
        "* `npm install <tarball>`:",
        "    Installs a tarball.",
        "- A plain item with its own words.\n- Another plain item of the same list.",
        "    More about the second plain item.",
        "A paragraph after the list.",
    ]) + "\n"
    d = _Document(text, Options())
    paragraphs = [text[u.start : u.end].split()[0] for u in d.units[: d.n_blocks]]
    assert paragraphs == ["Intro", "Installs", "Example", "Installs", "-", "-", "More", "A"]
    assert d.item_of.tolist() == [-1, 0, 0, 1, 2, 3, 3, -1]
    assert d.list_of.tolist() == [-1, -1, -1, -1, 0, 0, -1, -1]


def test_the_items_nested_under_two_items_are_two_lists():
    text = "\n".join([
        "1. Unit tests",
        "1. End-to-end tests",
        "    - With the delete policy",
        "      1. Create a set, scale it down, confirm the claim is deleted.",
        "    - With the retain policy",
        "      1. Create a set, scale it down, confirm the claim still exists.",
        "1. Upgrade tests",
    ]) + "\n"
    d = _Document(text, Options())
    assert d.list_of.tolist() == [0, 0, 1, 2, 1, 3, 0]
