"""The options model: each option declared once, and the command line,
the configuration files, validation and the README generated from it."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from dedupe.check.options import CheckOptions
from dedupe.cli import build_parser, main
from dedupe.errors import ConfigError, OptionsError
from dedupe.options import (
    Options,
    ScanOptions,
    SourceOptions,
    add_arguments,
    config_keys,
    from_flags,
    markdown_table,
    option,
    spec_of,
    validate,
)
from tests.sites import prose

README = Path(__file__).resolve().parent.parent / "README.md"
GROUPS = {"detection": Options, "scan": ScanOptions, "sources": SourceOptions, "check": CheckOptions}


@dataclass(frozen=True)
class _Made:
    """An option group made up for the test, declared as the real ones are."""

    ratio: float = option(0.5, "a share", low=0.0, high=1.0, low_open=True)
    count: int = option(3, "a count", low=1)
    mode: str = option("a", "a choice", choices=("a", "b"))
    flag: bool = option(True, "a switch")
    globs: tuple[str, ...] = option((), "patterns")

    def __post_init__(self) -> None:
        validate(self)


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_arguments(p, _Made, "made")
    return p.parse_args(argv)


def test_a_declared_field_becomes_a_flag_a_key_and_a_check():
    args = _parse(["--ratio", "0.25", "--no-flag", "--globs", "*.md", "--globs", "*.txt"])
    made = from_flags(_Made, vars(args), {"count": 7, "mode": "b"})
    assert made == _Made(ratio=0.25, count=7, mode="b", flag=False, globs=("*.md", "*.txt"))
    assert set(config_keys(_Made)) == {"ratio", "count", "mode", "flag", "globs"}
    with pytest.raises(OptionsError, match=r"ratio must be a number in \(0, 1\]"):
        _Made(ratio=0.0)
    with pytest.raises(ConfigError, match=r"cfg: 'count' must be an integer >= 1, got 0"):
        from_flags(_Made, {}, {"count": 0}, "cfg")


def test_flags_win_over_the_configuration_over_the_defaults():
    args = _parse(["--count", "9"])
    assert from_flags(_Made, vars(args), {"count": 4, "ratio": 0.75}) == _Made(count=9, ratio=0.75)
    assert from_flags(_Made, vars(_parse([])), None) == _Made()


@pytest.mark.parametrize("bad", [{"threshold": 0}, {"ngram": 0}, {"keep": "last"}, {"num_perm": 4},
                                 {"seed": -1}, {"sentences": "yes"}, {"min_tokens": 1.5}])
def test_out_of_range_options_are_named_errors(bad):
    with pytest.raises(OptionsError, match=next(iter(bad))):
        Options(**bad)


def test_jobs_zero_means_one_per_cpu_everywhere():
    assert ScanOptions(jobs=0).jobs == 0
    with pytest.raises(OptionsError, match="jobs"):
        ScanOptions(jobs=-1)


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_detection_option_is_a_flag_of_clean_check_and_scan():
    names = {f.name for f in fields(Options)}
    for cmd in ("clean", "check", "scan"):
        dests = {a.dest for a in _commands()[cmd]._actions}
        assert names <= dests, cmd


def test_every_option_has_a_configuration_key():
    from dedupe.check.config import KEYS

    for cls in GROUPS.values():
        assert {f.name.replace("_", "-") for f in fields(cls)} <= set(KEYS)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_help_names_each_default_once(group, capsys):
    """The default is added to each flag's help from its value (or its
    ``shown`` text), so no help text says it again: ``--select`` once read
    "(default: all) (default none)"."""
    for f in fields(GROUPS[group]):
        assert "default" not in spec_of(f).help, f.name
    parser = argparse.ArgumentParser()
    add_arguments(parser, GROUPS[group], group)
    helps = {a.dest: a.help for a in parser._actions}
    for f in fields(GROUPS[group]):
        assert helps[f.name].count("default") == 1, helps[f.name]
    if group == "check":
        assert helps["select"].endswith("(default all rules)")


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_readme_option_tables_are_the_generated_ones(group):
    text = README.read_text(encoding="utf-8")
    m = re.search(rf"<!-- options:{group} -->\n(.*?)<!-- /options:{group} -->", text, re.S)
    assert m, f"README has no <!-- options:{group} --> table"
    assert m.group(1).strip() == markdown_table(GROUPS[group]).strip()


def test_keep_longest_reaches_the_cross_article_rules(tmp_path, capsys):
    """b.md is a.md plus a paragraph: with --keep longest, a.md is the copy."""
    a = "\n\n".join(prose(i) for i in range(1, 6)) + "\n"
    (tmp_path / "a.md").write_text(a, encoding="utf-8")
    (tmp_path / "b.md").write_text(a + "\n" + prose(9) + "\n", encoding="utf-8")
    argv = ["check", "--no-config", "--select", "DUP002", "--format", "json", str(tmp_path)]
    import json

    main(argv)
    first = [f["path"] for f in json.loads(capsys.readouterr().out)["findings"]]
    main(argv + ["--keep", "longest"])
    longest = [f["path"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert first == [str(tmp_path / "b.md")] and longest == [str(tmp_path / "a.md")]
