"""Configuration: [tool.dedupe] in pyproject.toml or .dedupe.toml, found by
walking up; flags override; unknown keys name themselves."""

from __future__ import annotations

import json

import pytest

from dedupe.cli import main
from dedupe.check.config import Config, build_settings, discover, load
from dedupe.errors import ConfigError
from tests.sites import make_site


def test_pyproject_found_by_walking_up(tmp_path):
    make_site(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "site"\n\n[tool.dedupe]\nthreshold = 0.8\nmin-tokens = 12\n'
        'select = ["DUP001"]\n')
    cfg = discover([str(tmp_path / "docs" / "intro.md")])
    assert cfg.path == (tmp_path / "pyproject.toml").resolve()
    s = build_settings({}, cfg)
    assert s.options.threshold == 0.8 and s.options.min_tokens == 12 and s.rules == {"DUP001"}


def test_dedupe_toml_wins_and_pyproject_without_table_is_passed_over(tmp_path):
    (tmp_path / ".dedupe.toml").write_text("ngram = 4\n")
    sub = tmp_path / "site"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no [tool.dedupe]
    (tmp_path / "pyproject.toml").write_text("[tool.dedupe]\nngram = 5\n")
    cfg = discover([str(sub)])
    assert cfg.path == (tmp_path / ".dedupe.toml").resolve()
    assert build_settings({}, cfg).options.ngram == 4


def test_no_config_gives_defaults(tmp_path):
    assert discover([str(tmp_path)]) == Config()
    s = build_settings({}, Config())
    assert s.check.fail_on == "warning" and s.check.boilerplate_limit == 0.5 and s.check.index is None


def test_flags_override_config(tmp_path):
    (tmp_path / ".dedupe.toml").write_text(
        'threshold = 0.8\nselect = ["DUP001"]\nfail-on = "error"\nexclude = ["drafts/*"]\n')
    cfg = discover([str(tmp_path)])
    s = build_settings({"threshold": 0.9, "select": ["DUP002"], "fail_on": None, "exclude": None}, cfg)
    assert s.options.threshold == 0.9 and s.rules == {"DUP002"}
    # A configured glob with a / is relative to the configuration file's folder.
    assert s.check.fail_on == "error" and s.sources.exclude == (f"{tmp_path}/drafts/*",)


def test_every_flag_has_a_key(tmp_path):
    (tmp_path / ".dedupe.toml").write_text(
        'threshold = 0.75\ncontainment = 0.9\nngram = 4\nmin-tokens = 10\nkeep = "longest"\n'
        'sentences = false\nselect = ["DUP00"]\nignore = ["DUP005"]\n'
        '[severity]\nDUP003 = "error"\n')
    (tmp_path / "more.toml").write_text(
        'fail-on = "info"\ninclude = ["*.md"]\nexclude = ["x/*"]\nrespect-gitignore = false\n'
        'boilerplate-limit = 0.7\nindex = "pub/index.db"\nbaseline = "base.json"\nformat = "sarif"\n'
        'exit-zero = true\nencoding = "latin-1"\nerrors = "replace"\nmax-line-length = 5000\n')
    s = build_settings({}, discover([str(tmp_path)]))
    assert (s.options.threshold, s.options.containment, s.options.ngram, s.options.min_tokens,
            s.options.keep, s.options.sentences) == (0.75, 0.9, 4, 10, "longest", False)
    assert s.rules == {"DUP001", "DUP002", "DUP003", "DUP004"} and s.severity["DUP003"] == "error"
    m = build_settings({}, load(tmp_path / "more.toml"))
    assert m.check.fail_on == "info" and m.sources.include == ("*.md",) and m.sources.exclude == (f"{tmp_path}/x/*",)
    assert m.sources.respect_gitignore is False and m.check.boilerplate_limit == 0.7
    # Paths in a configuration file are relative to the file's folder.
    assert m.check.index == str(tmp_path / "pub" / "index.db") and m.check.baseline == str(tmp_path / "base.json")
    assert m.check.format == "sarif" and m.check.exit_zero and m.sources.encoding == "latin-1"
    assert m.sources.errors == "replace"
    assert m.sources.max_line_length == 5000


def test_unknown_key_names_the_key_and_suggests(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.dedupe]\nmin_tokens = 5\n")
    with pytest.raises(ConfigError, match=r"unknown key 'min_tokens' \(did you mean 'min-tokens'\?\)"):
        discover([str(tmp_path)])
    (tmp_path / "pyproject.toml").write_text("[tool.dedupe]\nzzz = 1\n")
    with pytest.raises(ConfigError, match="unknown key 'zzz'"):
        discover([str(tmp_path)])


@pytest.mark.parametrize("body, match", [
    ("threshold = 'high'\n", "'threshold' must be"),
    ("threshold = 1.5\n", "threshold"),
    ("select = 'DUP001'\n", "'select' must be a list"),
    ("select = ['DUP9']\n", "DUP9"),
    ("fail-on = 'loud'\n", "loud"),
    ("format = 'yaml'\n", "yaml"),
    ("threshold = \n", "not valid TOML"),
])
def test_bad_values_are_config_errors(tmp_path, body, match):
    (tmp_path / ".dedupe.toml").write_text(body)
    with pytest.raises(ConfigError, match=match):
        build_settings({}, discover([str(tmp_path)]))


def test_paths_under_different_configs_are_an_error(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".dedupe.toml").write_text("ngram = 3\n")
    with pytest.raises(ConfigError, match="different configuration files"):
        discover([str(tmp_path / "a"), str(tmp_path / "b")])


def test_cli_uses_config_and_flags_override(tmp_path, capsys, monkeypatch):
    site = make_site(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.dedupe]\nignore = ["DUP001"]\nformat = "json"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check", "docs/intro.md"]) == 0  # DUP001 ignored by the file
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["check", "docs/intro.md", "--ignore", "DUP005", "--format", "text"]) == 1
    assert "DUP001" in capsys.readouterr().out
    assert main(["check", "--no-config", str(site["intro"])]) == 1
    capsys.readouterr()


def test_cli_config_flag_and_errors_exit_2(tmp_path, capsys):
    site = make_site(tmp_path)
    cfg = tmp_path / "ci.toml"
    cfg.write_text('fail-on = "error"\n')
    assert main(["check", "--config", str(cfg), str(site["intro"])]) == 0
    capsys.readouterr()
    cfg.write_text("treshold = 0.8\n")
    assert main(["check", "--config", str(cfg), str(site["intro"])]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dedupe: error:") and "unknown key 'treshold'" in err and "threshold" in err
    assert main(["check", "--config", str(tmp_path / "nope.toml"), str(site["intro"])]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_every_check_flag_has_a_configuration_key():
    """"Everything a flag can set, the configuration can set" — kept true as flags are added."""
    import argparse

    from dedupe.cli import build_parser
    from dedupe.check.config import KEYS

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    check = sub.choices["check"]
    # Flags about this one run, not settings of the project:
    not_settings = {"help", "config", "no_config", "update_baseline", "fix", "paths", "color", "quiet", "verbose",
                    "output_file", "stdin_filename"}
    dests = {a.dest for a in check._actions} - not_settings
    assert dests and {d.replace("_", "-") for d in dests} <= set(KEYS)


@pytest.mark.parametrize("key", ["baseline", "index"])
def test_configured_paths_stay_inside_the_project(tmp_path, key):
    project = tmp_path / "site"
    project.mkdir()
    (project / ".dedupe.toml").write_text(f'{key} = "../outside.json"\n')
    with pytest.raises(ConfigError, match=f"'{key}' = '../outside.json' is outside the project"):
        discover([str(project)])
    (project / ".dedupe.toml").write_text(f'{key} = "data/inside.json"\n')
    assert discover([str(project)]).values[key] == str(project / "data" / "inside.json")
