"""Rule ids, selection by id or prefix, severities."""

from __future__ import annotations

import pytest

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
