"""Rule ids, selection by id or prefix, severities."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.errors import OptionsError
from dedupe.check.rules import RULES, SEVERITIES, select_rules, severities, severity_rank


def test_the_five_rules_and_their_default_severities():
    assert list(RULES) == ["DUP001", "DUP002", "DUP003", "DUP004", "DUP005"]
    assert {r.severity for r in RULES.values()} <= set(SEVERITIES)
    assert RULES["DUP004"].severity == "error"  # copying a published article is the worst


def test_select_all_by_default_and_by_prefix():
    assert select_rules() == frozenset(RULES)
    assert select_rules(["DUP"]) == frozenset(RULES)
    assert select_rules(["ALL"]) == frozenset(RULES)
    assert select_rules(["dup001", "DUP003"]) == {"DUP001", "DUP003"}


def test_ignore_wins_over_select():
    assert select_rules(["DUP"], ["DUP005"]) == frozenset(RULES) - {"DUP005"}
    assert select_rules(None, ["DUP00"]) == frozenset()


@pytest.mark.parametrize("bad", ["DUP9", "XYZ", "DUP0011"])
def test_unknown_rule_names_it(bad):
    with pytest.raises(OptionsError, match=bad):
        select_rules([bad])
    with pytest.raises(OptionsError, match=bad):
        select_rules(None, [bad])


def test_severity_overrides():
    sev = severities({"dup005": "info"})
    assert sev["DUP005"] == "info" and sev["DUP001"] == RULES["DUP001"].severity
    with pytest.raises(OptionsError, match="loud"):
        severities({"DUP001": "loud"})
    with pytest.raises(OptionsError, match="DUP042"):
        severities({"DUP042": "info"})
    assert severity_rank("info") < severity_rank("warning") < severity_rank("error")


def _other_occurrence(blocks, path):
    """The definition: the largest block found in ``path`` and in another
    article (the first such on ties), and its first other occurrence by id
    and offset."""
    best = None
    for b in blocks:
        if not any(o.id == path for o in b.occurrences):
            continue
        others = sorted((o for o in b.occurrences if o.id != path), key=lambda o: (o.id, o.start))
        if others and (best is None or len(b.text) > best[0]):
            best = (len(b.text), others[0])
    return None if best is None else best[1]


@st.composite
def _blocks(draw):
    from dedupe.corpus.scan import BoilerplateBlock, Occurrence

    ids = st.sampled_from(["a.md", "b.md", "c.md", "d.md", "e.md"])
    occurrence = st.builds(Occurrence, ids, st.integers(0, 50), st.just(60))
    return [BoilerplateBlock("x" * draw(st.integers(1, 4)), 2, tuple(draw(st.lists(occurrence, min_size=1, max_size=6))))
            for _ in range(draw(st.integers(0, 6)))]


@given(_blocks(), st.sets(st.sampled_from(["a.md", "b.md", "c.md", "f.md"])))
def test_dup005_names_the_other_occurrence_of_the_largest_shared_block(blocks, paths):
    from dedupe.check.rules.dup005 import other_occurrences

    found = other_occurrences(blocks, paths)
    assert found == {p: o for p in paths if (o := _other_occurrence(blocks, p)) is not None}
