"""Baseline: accept existing findings, fail only on new ones."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import HealthCheck, given, settings

from dedupe.check import baseline as baseline_mod
from dedupe.check.rules import RULES
from dedupe.check.run import CheckSettings, run_check
from dedupe.check.options import CheckOptions
from dedupe.cli import main
from tests.strategies import document
from tests.sites import prose


def _write(path, paragraphs):
    path.write_text("# Post\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def _check(capsys, *args):
    code = main(["check", "--no-config", *args])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_update_then_accept(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    post = tmp_path / "docs" / "post.md"
    post.parent.mkdir()
    a, b, c = prose(1), prose(2), prose(3)
    _write(post, [a, b, a, c, b])
    code, out, err = _check(capsys, "docs", "--baseline", "baseline.json", "--update-baseline")
    assert code == 0 and "2 finding(s) accepted" in err
    data = json.loads((tmp_path / "baseline.json").read_text())
    assert data["version"] == 1
    rows = data["findings"]
    assert rows == sorted(rows, key=lambda r: (r["path"], r["rule"], r["fingerprint"]))
    assert {r["path"] for r in rows} == {"docs/post.md"} and sum(r["count"] for r in rows) == 2
    code, out, err = _check(capsys, "docs", "--baseline", "baseline.json")
    assert code == 0 and out == "" and "2 accepted by the baseline" in err


def test_accepted_findings_survive_moves_and_rewrapping(tmp_path, capsys):
    post = tmp_path / "post.md"
    a, b = prose(1), prose(2)
    _write(post, [a, b, a])
    base = str(tmp_path / "b.json")
    assert _check(capsys, str(post), "--baseline", base, "--update-baseline")[0] == 0
    # New paragraphs above move every line; the copy is re-wrapped.
    rewrapped = a.replace(" ", "\n", 3)
    _write(post, [prose(5), prose(6), a, b, rewrapped])
    code, out, err = _check(capsys, str(post), "--baseline", base)
    assert code == 0, out


def test_a_new_copy_of_an_accepted_duplicate_is_new(tmp_path, capsys):
    post = tmp_path / "post.md"
    a, b = prose(1), prose(2)
    _write(post, [a, b, a])
    base = str(tmp_path / "b.json")
    _check(capsys, str(post), "--baseline", base, "--update-baseline")
    _write(post, [a, b, a, prose(3), a])
    code, out, err = _check(capsys, str(post), "--baseline", base)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1 and "DUP001" in lines[0]
    # The later copy (line 11, after "# Post" and four paragraphs) is the new one.
    assert lines[0].startswith(f"{post}:11:1: DUP001 exact copy of the text at line 3")
    assert "1 accepted by the baseline" in err


def test_new_duplicate_elsewhere_fails(tmp_path, capsys):
    post = tmp_path / "post.md"
    a, b, c = prose(1), prose(2), prose(3)
    _write(post, [a, b, a])
    base = str(tmp_path / "b.json")
    _check(capsys, str(post), "--baseline", base, "--update-baseline")
    _write(post, [a, b, a, c, c])
    code, out, _ = _check(capsys, str(post), "--baseline", base)
    assert code == 1 and len(out.splitlines()) == 1


def test_missing_baseline_is_an_error(tmp_path, capsys):
    post = tmp_path / "post.md"
    _write(post, [prose(1)])
    code, _, err = _check(capsys, str(post), "--baseline", str(tmp_path / "none.json"))
    assert code == 2 and "does not exist" in err and "--update-baseline" in err
    code, _, err = _check(capsys, str(post), "--update-baseline")
    assert code == 2 and "--baseline" in err


def test_bad_baseline_is_an_error(tmp_path, capsys):
    post = tmp_path / "post.md"
    _write(post, [prose(1)])
    base = tmp_path / "b.json"
    base.write_text("{not json")
    assert _check(capsys, str(post), "--baseline", str(base))[0] == 2
    base.write_text('{"version": 99, "findings": []}')
    code, _, err = _check(capsys, str(post), "--baseline", str(base))
    assert code == 2 and "version 99" in err


def test_baseline_paths_are_relative_to_the_baseline_file(tmp_path, capsys, monkeypatch):
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    a = prose(1)
    _write(site / "docs" / "post.md", [a, prose(2), a])
    monkeypatch.chdir(site)
    _check(capsys, "docs", "--baseline", "baseline.json", "--update-baseline")
    monkeypatch.chdir(tmp_path)  # another working directory, same files
    code, out, _ = _check(capsys, "site/docs", "--baseline", "site/baseline.json")
    assert code == 0, out


def test_sarif_emits_baselined_results_as_suppressed(tmp_path, capsys):
    post = tmp_path / "post.md"
    a = prose(1)
    _write(post, [a, prose(2), a])
    base = str(tmp_path / "b.json")
    _check(capsys, str(post), "--baseline", base, "--update-baseline")
    code, out, _ = _check(capsys, str(post), "--baseline", base, "--format", "sarif")
    assert code == 0
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["suppressions"][0]["kind"] == "external"


# -- properties ------------------------------------------------------------------

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=document())
def test_a_fresh_baseline_accepts_every_finding(tmp_path, doc):
    post = tmp_path / "post.md"
    post.write_text(doc, encoding="utf-8", newline="")
    base = tmp_path / "b.json"
    s = CheckSettings(rules=frozenset({"DUP001"}))
    before = run_check([str(post)], s)
    baseline_mod.write(base, before.findings)
    after = run_check([str(post)], CheckSettings(rules=s.rules, check=CheckOptions(baseline=str(base))))
    assert after.findings == []
    assert len(after.suppressed) == len(before.findings)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=document())
def test_fingerprints_ignore_white_space(tmp_path, doc):
    post = tmp_path / "post.md"
    post.write_text(doc, encoding="utf-8", newline="")
    for f in run_check([str(post)], CheckSettings(rules=frozenset({"DUP001"}))).findings:
        copy = doc[f.start:f.end]
        respaced = "  " + copy.replace(" ", " \n ") + "\n"
        shifted = "\n\n" + respaced
        moved = replace(f, start=2, end=2 + len(respaced), span=replace(f.span, line=3))
        assert RULES[f.rule].fingerprint(moved, shifted, ".") == f.fingerprint


_ENTRY = '{"path": "post.md", "rule": "DUP001", "fingerprint": "abc", "count": 1}'
_BAD_BASELINES = {
    # content: what the one error line must name (the bad field and its value)
    '{"version": 1, "findings": 5}': "'findings' is 5, not a list",
    '{"version": 1, "findings": null}': "'findings' is null, not a list",
    '{"version": 1, "findings": {"a": 1}}': "'findings' is {\"a\": 1}, not a list",
    '{"version": true, "findings": []}': "baseline version true is not supported",
    '{"version": 1.0, "findings": []}': "baseline version 1.0 is not supported",
    '{"version": ' + "9" * 40 + ', "findings": []}': "baseline version 9999",
    '[1, 2]': "a JSON array, not an object",
    '"findings"': "a JSON string, not an object",
    "null": "a JSON null, not an object",
    '{"version": 1, "findings": [' + _ENTRY.replace('"count": 1', '"count": 1e400') + "]}":
        "baseline entry 0: 'count' is Infinity",
    '{"version": 1, "findings": [' + _ENTRY.replace('"count": 1', '"count": -1') + "]}":
        "baseline entry 0: 'count' is -1",
    '{"version": 1, "findings": [' + _ENTRY.replace('"count": 1', '"count": 0') + "]}":
        "baseline entry 0: 'count' is 0",
    '{"version": 1, "findings": [' + _ENTRY.replace('"count": 1', '"count": true') + "]}":
        "baseline entry 0: 'count' is true",
    '{"version": 1, "findings": [' + _ENTRY.replace('"count": 1', '"count": 2.5') + "]}":
        "baseline entry 0: 'count' is 2.5",
    '{"version": 1, "findings": [' + _ENTRY.replace('"count": 1', '"count": "2"') + "]}":
        "baseline entry 0: 'count' is \"2\"",
    '{"version": 1, "findings": [' + _ENTRY.replace('"count": 1', '"count": ' + "9" * 30) + "]}":
        "baseline entry 0: 'count' is 999999999999999999999999999999",
    '{"version": 1, "findings": [' + _ENTRY + ", 7]}": "baseline entry 1 is 7, not an object",
    '{"version": 1, "findings": [[["post.md"]]]}': "baseline entry 0 is [[\"post.md\"]], not an object",
    '{"version": 1, "findings": [' + _ENTRY.replace('"post.md"', '{"nested": ["x"]}') + "]}":
        "baseline entry 0: 'path' is {\"nested\": [\"x\"]}, not a non-empty string",
    '{"version": 1, "findings": [' + _ENTRY.replace('"DUP001"', "null") + "]}":
        "baseline entry 0: 'rule' is null",
    '{"version": 1, "findings": [' + _ENTRY.replace('"abc"', "12") + "]}":
        "baseline entry 0: 'fingerprint' is 12",
    '{"version": 1, "findings": [{"path": "post.md"}]}': "baseline entry 0: 'rule' is null",
}


def test_every_bad_value_in_a_baseline_is_one_line_naming_the_file_and_the_field(tmp_path, capsys):
    post = tmp_path / "post.md"
    _write(post, [prose(1)])
    base = tmp_path / "base.json"
    for content, says in _BAD_BASELINES.items():
        base.write_text(content, encoding="utf-8")
        code, out, err = _check(capsys, str(post), "--baseline", str(base))
        lines = err.strip().splitlines()
        assert code == 2 and out == "", content
        assert len(lines) == 1 and lines[0].startswith(f"dedupe: error: {base}: "), (content, err)
        assert says in lines[0], (content, lines[0])
        assert len(lines[0]) < 300  # a huge value is cut short, not printed whole


def test_a_count_in_the_baseline_accepts_that_many_copies(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    a = prose(1)
    _write(tmp_path / "post.md", [a, prose(2), a, a])
    assert _check(capsys, "post.md", "--baseline", "base.json", "--update-baseline")[0] == 0
    data = json.loads((tmp_path / "base.json").read_text())
    assert [e["count"] for e in data["findings"]] == [2]
    data["findings"][0]["count"] = 1
    (tmp_path / "base.json").write_text(json.dumps(data))
    code, out, _ = _check(capsys, "post.md", "--baseline", "base.json")
    assert code == 1 and out.count("DUP001") == 1
