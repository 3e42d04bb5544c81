"""Report formats: text, json, sarif (validated against the SARIF 2.1.0
schema), github workflow commands, and the wiring of html."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import jsonschema
import pytest

from dedupe.check.run import CheckSettings, run_check
from dedupe.cli import main
from dedupe.check.formats import FORMATS, render
from dedupe.check.formats.github import GITHUB_LIMIT, escape_data, escape_property
from dedupe.check.formats.sarif import to_sarif
from dedupe.check.rules import RULES
from tests.sites import make_site, prose

SCHEMA = Path(__file__).resolve().parents[2].parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture()
def site(tmp_path, monkeypatch):
    files = make_site(tmp_path)
    monkeypatch.chdir(tmp_path)  # relative paths in reports, as in CI
    return files


def _out(capsys, *args):
    code = main(["check", "--no-config", *args])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_text_lines(site, capsys):
    code, out, err = _out(capsys, "docs")
    assert code == 1
    pattern = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rule>DUP00\d) (?P<msg>.+)$")
    parsed = [pattern.match(line) for line in out.splitlines()]
    assert all(parsed) and len(parsed) == 4
    by_rule = {m["rule"]: m for m in parsed}
    assert set(by_rule) == {"DUP001", "DUP002", "DUP003", "DUP005"}
    assert by_rule["DUP003"]["path"] == "docs/news.md" and "docs/intro.md:" in by_rule["DUP003"]["msg"]
    assert by_rule["DUP005"]["path"] == "docs/stub.md"
    assert "4 findings in 4 of 8 file(s)" in err


def test_json_report(site, capsys):
    code, out, _ = _out(capsys, "docs", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["version"] == 1 and data["summary"]["findings"] == 4
    texts = {p: Path(p).read_text() for p in {f["path"] for f in data["findings"]}}
    for f in data["findings"]:
        assert 1 <= f["line"] <= f["end_line"]
        assert set(f["duplicate_of"]) == {"path", "start", "end", "line"}
        if f["rule"] == "DUP003":
            kept = Path(f["duplicate_of"]["path"]).read_text()
            d = f["duplicate_of"]
            assert texts[f["path"]][f["start"]:f["end"]] == kept[d["start"]:d["end"]]


def _validate(doc: dict) -> None:
    if SCHEMA.is_file():
        jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
        return
    # Without the shared schema only a structural check is possible; say so
    # in the test report instead of passing quietly.
    warnings.warn(f"{SCHEMA} not found: SARIF checked structurally, not against the schema")
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "dedupe"
    for r in run["results"]:
        assert {"ruleId", "level", "message", "locations", "partialFingerprints"} <= set(r)
        assert r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_sarif_validates_and_carries_what_code_scanning_needs(site, capsys):
    code, out, _ = _out(capsys, "docs", "--format", "sarif")
    doc = json.loads(out)
    _validate(doc)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"]
    results = run["results"]
    assert len(results) == 4
    for r in results:
        assert r["level"] in ("error", "warning", "note")
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert not r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
        assert r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("docs/")
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    fps = [next(iter(r["partialFingerprints"].values())) for r in results]
    assert len(set(fps)) == len(fps)


def test_sarif_fingerprints_survive_line_moves(tmp_path):
    post = tmp_path / "post.md"
    a = prose(1)
    post.write_text(f"{a}\n\n{prose(2)}\n\n{a}\n")
    settings = CheckSettings(rules=frozenset({"DUP001"}))
    before = to_sarif(run_check([str(post)], settings))["runs"][0]["results"][0]
    post.write_text(f"# New title\n\n{prose(3)}\n\n{a}\n\n{prose(2)}\n\n{a.replace(' ', chr(10), 2)}\n")
    after = to_sarif(run_check([str(post)], settings))["runs"][0]["results"][0]
    assert before["partialFingerprints"] == after["partialFingerprints"]
    assert (before["locations"][0]["physicalLocation"]["region"]["startLine"]
            != after["locations"][0]["physicalLocation"]["region"]["startLine"])


def test_sarif_inline_suppressions(tmp_path):
    post = tmp_path / "post.md"
    a = prose(1)
    post.write_text(f"{a}\n\n{prose(2)}\n\n<!-- dedupe: ignore-next -->\n{a}\n")
    report = run_check([str(post)], CheckSettings(rules=frozenset({"DUP001"})))
    assert report.findings == [] and len(report.suppressed) == 1
    doc = to_sarif(report)
    _validate(doc)
    assert doc["runs"][0]["results"][0]["suppressions"][0]["kind"] == "inSource"


_GH = re.compile(r"^::(?P<type>error|warning|notice) (?P<props>[^:]*)::(?P<msg>.*)$")


def _props(s: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in s.split(","))


def test_github_annotations_parse(site, capsys):
    code, out, _ = _out(capsys, "docs", "--format", "github")
    lines = out.splitlines()
    annotations = [_GH.match(line) for line in lines[:-1]]
    assert all(annotations) and len(annotations) == 4
    for m in annotations:
        props = _props(m["props"])
        assert set(props) >= {"file", "line", "endLine", "title"}
        assert Path(props["file"]).is_file() and int(props["line"]) <= int(props["endLine"])
        assert props["title"].startswith("DUP00")
    assert lines[-1].startswith("dedupe: 4 findings in 4 of 8 file(s)")


def test_github_says_how_many_annotations_are_not_shown(tmp_path, capsys):
    a, b = prose(1), prose(2)
    post = tmp_path / "post.md"
    post.write_text("\n\n".join([a, b] + [a, b] * 7) + "\n")  # 14 repeats
    code, out, _ = _out(capsys, str(post), "--format", "github")
    lines = out.splitlines()
    assert sum(1 for line in lines if line.startswith("::warning ")) == GITHUB_LIMIT
    plain = [line for line in lines if line.startswith(f"{post}:")]
    assert len(plain) == 14 - GITHUB_LIMIT
    assert lines[-1].startswith("dedupe: 14 findings") and "4 more than GitHub's 10" in lines[-1]


def test_github_escaping():
    assert escape_data("50% done\nnext") == "50%25 done%0Anext"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_every_format_is_wired(site, capsys):
    assert set(FORMATS) == {"text", "json", "sarif", "github", "html"}
    report = run_check(["docs"], CheckSettings())
    for name in FORMATS:
        out = render(name, report)
        assert out.endswith("\n")
    code, out, _ = _out(capsys, "docs", "--format", "html")
    assert code == 1 and "<html" in out.lower() and "news.md" in out


def test_clean_site_gives_valid_empty_reports(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"p{i}.md").write_text(f"# P{i}\n\n{prose(300 + i)}\n\n{prose(400 + i)}\n")
    code, out, _ = _out(capsys, str(docs), "--format", "sarif")
    doc = json.loads(out)
    _validate(doc)
    assert code == 0 and doc["runs"][0]["results"] == []
    code, out, _ = _out(capsys, str(docs), "--format", "github")
    assert code == 0 and out == "dedupe: 0 findings in 0 of 3 file(s)\n"
    code, out, _ = _out(capsys, str(docs), "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == []


def test_a_file_name_cannot_start_an_output_line(tmp_path, capsys):
    """A name with newlines and a forged workflow command stays inside its
    own line in every format that prints lines, past GitHub's limit too."""
    para = prose(77)
    evil = "b\n::error file=README.md,line=1::forged\n::set-output name=ok::true\nx.md"
    names = [f"p{i:02d}.md" for i in range(12)] + [evil]
    for name in names:
        (tmp_path / name).write_text(f"{para}\n\n{para}\n", encoding="utf-8")
    for fmt in ("text", "github"):
        main(["check", "--no-config", "--select", "DUP001", "--format", fmt, str(tmp_path)])
        lines = capsys.readouterr().out.splitlines()
        assert not [ln for ln in lines if ln.startswith(("::error", "::set-output"))], fmt
        assert sum("forged" in ln for ln in lines) == 1, fmt


def test_a_file_name_cannot_make_a_sarif_link(tmp_path, capsys):
    para = prose(78)
    name = "evil](javascript:alert(1)) [x.md"
    (tmp_path / name).write_text(f"{para}\n\n{para}\n", encoding="utf-8")
    main(["check", "--no-config", "--format", "sarif", str(tmp_path)])
    [result] = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    text = result["message"]["text"]
    assert "evil\\](javascript:alert(1)) \\[x.md" in text and text.endswith("](1).")
    assert re.findall(r"(?<!\\)\]\(", text) == ["]("]  # the one link is ours
