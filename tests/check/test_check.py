"""dedupe check end to end: rules, exit codes, ignores, on a small Markdown
site with planted repeats, a copied article and a boilerplate-heavy page
(:func:`tests.sites.make_site`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dedupe.check.rules import RULES
from dedupe.check.rules.dup004 import findings_in_chunk as _findings_in_chunk
from dedupe.check.run import CheckSettings, run_check
from dedupe.cli import main
from tests.sites import FOOTER, make_site, page, prose  # noqa: F401


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def check_json(args: list[str], capsys) -> tuple[int, dict]:
    code, out, _ = run(["check", "--no-config", "--format", "json", *args], capsys)
    return code, json.loads(out)


# -- DUP001 and exit codes -------------------------------------------------------


def test_exit_codes_0_1_2(tmp_path, capsys):
    site = make_site(tmp_path)
    assert run(["check", "--no-config", str(site["clean-a"])], capsys)[0] == 0
    code, out, err = run(["check", "--no-config", str(site["intro"])], capsys)
    assert code == 1
    assert f"{site['intro']}:" in out and "DUP001" in out
    code, out, err = run(["check", "--no-config", str(tmp_path / "missing.md")], capsys)
    assert code == 2 and err.startswith("dedupe: error:") and err.count("\n") == 1
    with pytest.raises(SystemExit) as exc:
        main(["check", "--no-config", "--format", "yaml", str(site["intro"])])
    assert exc.value.code == 2


def test_text_line_names_rule_and_kept_copy(tmp_path, capsys):
    site = make_site(tmp_path)
    code, out, err = run(["check", "--no-config", "--select", "DUP001", str(site["intro"])], capsys)
    lines = out.splitlines()
    assert len(lines) == 1
    text = site["intro"].read_text()
    last = text.rstrip("\n").split("\n\n")[-2]  # the repeated paragraph before the footer
    line_no = text[: text.rindex(last)].count("\n") + 1
    kept_line = text[: text.index(last)].count("\n") + 1
    assert lines[0] == (f"{site['intro']}:{line_no}:1: DUP001 exact copy of the text at line "
                        f"{kept_line} (similarity 1.00)")
    assert "1 finding in 1 of 1 file(s)" in err


def test_exit_zero_reports_but_passes(tmp_path, capsys):
    site = make_site(tmp_path)
    code, out, _ = run(["check", "--no-config", "--exit-zero", str(site["intro"])], capsys)
    assert code == 0 and "DUP001" in out


def test_fail_on_and_severity(tmp_path, capsys):
    site = make_site(tmp_path)
    intro = str(site["intro"])
    # DUP001 is a warning by default: failing at "error" only passes.
    assert run(["check", "--no-config", "--fail-on", "error", intro], capsys)[0] == 0
    assert run(["check", "--no-config", "--fail-on", "error", "--severity", "DUP001=error", intro],
               capsys)[0] == 1
    code, data = check_json(["--severity", "DUP001=info", intro], capsys)
    assert code == 0 and data["findings"][0]["severity"] == "info"
    assert data["summary"]["failing"] == 0
    code, _, err = run(["check", "--no-config", "--severity", "DUP001=fatal", intro], capsys)
    assert code == 2 and "fatal" in err


def test_select_and_ignore(tmp_path, capsys):
    site = make_site(tmp_path)
    intro = str(site["intro"])
    assert run(["check", "--no-config", "--ignore", "DUP001", intro], capsys)[0] == 0
    assert run(["check", "--no-config", "--select", "DUP002,DUP003", intro], capsys)[0] == 0
    assert run(["check", "--no-config", "--select", "DUP", "--ignore", "DUP00", intro], capsys)[0] == 0
    code, _, err = run(["check", "--no-config", "--select", "DUP999", intro], capsys)
    assert code == 2 and "DUP999" in err


def test_json_has_design_keys(tmp_path, capsys):
    site = make_site(tmp_path)
    code, data = check_json([str(site["intro"])], capsys)
    assert code == 1 and data["version"] == 1
    f = data["findings"][0]
    for key in ("path", "kind", "start", "end", "line", "end_line", "similarity", "duplicate_of",
                "rule", "severity", "message", "fingerprint"):
        assert key in f
    assert set(f["duplicate_of"]) >= {"path", "start", "end", "line"}
    text = site["intro"].read_text()
    assert f["duplicate_of"]["path"] == f["path"]
    kept = text[f["duplicate_of"]["start"]:f["duplicate_of"]["end"]]
    assert text[f["start"]:f["end"]] == kept
    assert data["summary"]["files"] == 1 and data["summary"]["by_rule"] == {"DUP001": 1}


def test_include_exclude_and_gitignore(tmp_path, capsys):
    site = make_site(tmp_path)
    docs = tmp_path / "docs"
    (docs / "drafts").mkdir()
    (docs / "drafts" / "copy.md").write_text(site["intro"].read_text())
    (docs / "build").mkdir()
    (docs / "build" / "copy.md").write_text(site["intro"].read_text())
    (docs / ".gitignore").write_text("build/\n")
    args = ["--select", "DUP001", str(docs)]
    _, data = check_json(args, capsys)
    paths = {Path(f["path"]).relative_to(docs).as_posix() for f in data["findings"]}
    assert paths == {"intro.md", "drafts/copy.md"}
    _, data = check_json(args + ["--exclude", "drafts/*"], capsys)
    assert {Path(f["path"]).name for f in data["findings"]} == {"intro.md"}
    _, data = check_json(args + ["--no-gitignore"], capsys)
    assert "build/copy.md" in {Path(f["path"]).relative_to(docs).as_posix() for f in data["findings"]}
    _, data = check_json(args + ["--include", "clean-*.md"], capsys)
    assert data["summary"]["files"] == 3 and data["findings"] == []


def test_run_check_library_function(tmp_path):
    site = make_site(tmp_path)
    report = run_check([str(site["intro"])], CheckSettings(rules=frozenset({"DUP001"})))
    assert report.files == 1 and [f.rule for f in report.findings] == ["DUP001"]
    assert report.failing == report.findings
    assert report.texts[str(site["intro"])] == site["intro"].read_text()


def test_every_rule_is_documented():
    for rid, rule in RULES.items():
        assert rid == rule.id and rule.short and rule.full and rule.help


# -- cross-file rules ------------------------------------------------------------


def test_site_findings_one_per_planted_problem(tmp_path):
    site = make_site(tmp_path)
    report = run_check([str(tmp_path / "docs")], CheckSettings())
    got = {(Path(f.path).stem, f.rule, f.kind) for f in report.findings}
    assert got == {
        ("intro", "DUP001", "exact"),
        ("guide", "DUP002", "near-duplicate"),
        ("news", "DUP003", "copied-passage"),
        ("stub", "DUP005", "boilerplate"),
    }
    dup2 = next(f for f in report.findings if f.rule == "DUP002")
    assert Path(dup2.duplicate_of.path).stem == "guide-copy" and dup2.similarity >= 0.7
    dup3 = next(f for f in report.findings if f.rule == "DUP003")
    assert dup3.duplicate_of.path == str(site["intro"])
    news, intro = site["news"].read_text(), site["intro"].read_text()
    assert news[dup3.start:dup3.end] == intro[dup3.duplicate_of.start:dup3.duplicate_of.end]
    dup5 = next(f for f in report.findings if f.rule == "DUP005")
    assert 0.5 < dup5.share <= 1.0 and f"{dup5.share:.0%}" in dup5.message


def test_boilerplate_limit(tmp_path, capsys):
    make_site(tmp_path)
    docs = str(tmp_path / "docs")
    _, data = check_json(["--select", "DUP005", docs], capsys)
    (f,) = data["findings"]
    share = f["similarity"]
    _, data = check_json(["--select", "DUP005", "--boilerplate-limit", str(round(share + 0.01, 2)), docs],
                         capsys)
    assert data["findings"] == []
    _, data = check_json(["--select", "DUP005", "--boilerplate-limit", "0.1", docs], capsys)
    assert len(data["findings"]) == 8  # every page carries the footer


def test_cross_file_rules_can_be_ignored(tmp_path, capsys):
    make_site(tmp_path)
    code, data = check_json(["--ignore", "DUP002,DUP003,DUP005", str(tmp_path / "docs")], capsys)
    assert code == 1 and {f["rule"] for f in data["findings"]} == {"DUP001"}


def test_index_rule_flags_a_copy_of_a_published_article(tmp_path, capsys):
    site = make_site(tmp_path)
    db = str(tmp_path / "published.db")
    assert main(["index", "add", "--db", db, str(site["guide"]), str(site["clean-a"])]) == 0
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    copy = drafts / "repost.md"
    copy.write_text(site["guide"].read_text().replace("title: Guide", "title: Repost"))
    new = drafts / "new.md"
    # No footer: a block shared with published pages is a copied passage
    # for DUP004 (site footers usually come from templates, not sources).
    new.write_text(f"# New\n\n{prose(60)}\n\n{prose(61)}\n")
    capsys.readouterr()
    code, data = check_json(["--index", db, "--select", "DUP004", str(copy)], capsys)
    assert code == 1
    (f,) = data["findings"]
    assert f["rule"] == "DUP004" and f["severity"] == "error"
    assert f["duplicate_of"]["path"] == str(site["guide"])
    assert check_json(["--index", db, "--select", "DUP004", str(new)], capsys)[0] == 0
    code, _, err = run(["check", "--no-config", "--index", str(tmp_path / "nope.db"), str(new)], capsys)
    assert code == 2 and err.startswith("dedupe: error:")


def test_jobs_do_not_change_the_result(tmp_path):
    from dedupe.io.chunks import POOL_ABOVE_FILES
    from dedupe.options import ScanOptions

    docs = tmp_path / "many"
    docs.mkdir()
    for i in range(POOL_ABOVE_FILES + 6):
        paras = [prose(1000 + i), prose(2000 + i)]
        if i % 5 == 0:
            paras.append(paras[0])  # a repeat in every fifth file
        (docs / f"p{i:03d}.md").write_text("\n\n".join(paras) + "\n")
    one = run_check([str(docs)], CheckSettings(rules=frozenset({"DUP001"}), scan=ScanOptions(jobs=1)))
    two = run_check([str(docs)], CheckSettings(rules=frozenset({"DUP001"}), scan=ScanOptions(jobs=2)))
    assert len(one.findings) == 14
    assert one.findings == two.findings
    # Every rule, the files' own in a worker while the corpus scan runs here.
    for i in range(3):
        (docs / f"copy{i}.md").write_text((docs / f"p{i:03d}.md").read_text())
    every = frozenset({"DUP001", "DUP002", "DUP003", "DUP005"})
    alone = run_check([str(docs)], CheckSettings(rules=every, scan=ScanOptions(jobs=1)))
    beside = run_check([str(docs)], CheckSettings(rules=every, scan=ScanOptions(jobs=0)))
    assert {f.rule for f in alone.findings} >= {"DUP001", "DUP002"}
    assert alone.findings == beside.findings


def _chunk_where(chunk, location, options):
    """DUP004's chunk function, noting the process it ran in."""
    with open(os.environ["DEDUPE_TEST_PIDS"], "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\n")
    return _findings_in_chunk(chunk, location, options)


def test_index_rule_runs_in_workers_beside_the_files_rule(tmp_path, monkeypatch):
    """Many files are checked against the index in worker processes, with
    the findings of one process, also when DUP001's workers started first
    (its pool keeps DUP004 from forking its own until it is collected)."""
    from dedupe.check.options import CheckOptions
    from dedupe.check.rules import dup004
    from dedupe.io.chunks import POOL_ABOVE_FILES
    from dedupe.options import ScanOptions, resolve_jobs

    published, drafts = tmp_path / "published", tmp_path / "drafts"
    published.mkdir()
    drafts.mkdir()
    for i in range(20):
        (published / f"a{i:02d}.md").write_text(f"{prose(3000 + i)}\n\n{prose(4000 + i)}\n")
    db = str(tmp_path / "published.db")
    assert main(["index", "add", "--no-config", "--db", db, str(published)]) == 0
    for i in range(POOL_ABOVE_FILES + 6):
        paras = [prose(5000 + i), prose(4000 + i % 20) if i % 4 == 0 else prose(6000 + i)]
        if i % 5 == 0:
            paras.append(paras[0])
        (drafts / f"p{i:03d}.md").write_text("\n\n".join(paras) + "\n")
    pids = tmp_path / "pids"
    monkeypatch.setenv("DEDUPE_TEST_PIDS", str(pids))
    monkeypatch.setattr(dup004, "findings_in_chunk", _chunk_where)
    rules = frozenset({"DUP001", "DUP004"})
    found = {}
    # jobs=0 on a corpus this small: DUP001's workers start beside the scan.
    for jobs in (1, 0):
        pids.write_text("")
        found[jobs] = run_check([str(drafts)], CheckSettings(rules=rules, scan=ScanOptions(jobs=jobs),
                                                             check=CheckOptions(index=db)))
        ran_in = set(pids.read_text().split())
        assert (ran_in == {str(os.getpid())}) == (resolve_jobs(jobs) == 1), ran_in
    assert found[1].findings == found[0].findings
    assert sum(f.rule == "DUP004" for f in found[1].findings) == 18
    assert sum(f.rule == "DUP001" for f in found[1].findings) == 14


def test_speed_benchmark_runs_on_a_tiny_site(tmp_path, capsys):
    """benchmarks/check_speed.py end to end on 20 files (a smoke test, no timings asserted)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "check_speed.py"
    spec = importlib.util.spec_from_file_location("check_speed", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    planted = mod.make_site(tmp_path / "site", 40)
    assert len(list((tmp_path / "site").rglob("*.md"))) == 40 and sum(planted.values()) > 0
    out = tmp_path / "speed.json"
    assert mod.main(["--files", "20", "--sample", "1", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["files"] == 20 and data["summary"]["files"] == 20
    assert "dedupe check DIR (all rules)" in capsys.readouterr().out


def test_bad_input_in_a_folder_exits_2_naming_the_file(tmp_path, capsys):
    make_site(tmp_path)
    bad = tmp_path / "docs" / "broken.md"
    bad.write_bytes(b"caf\xe9 au lait\n")  # Latin-1, not UTF-8
    code, out, err = run(["check", "--no-config", str(tmp_path / "docs")], capsys)
    assert code == 2 and out == ""
    assert err.startswith("dedupe: error:") and "broken.md" in err and err.count("\n") == 1
    code, out, err = run(["check", "--no-config", "--errors", "replace", str(tmp_path / "docs")], capsys)
    assert code == 1


def test_pages_sharing_only_footers_are_boilerplate_not_near_duplicates(tmp_path, capsys):
    """Six pages of one sentence each and the same two footers: documents
    are compared without their boilerplate, so the footers are reported
    (DUP005) and the pages are not near-duplicates of each other (DUP002)."""
    footers = [prose(900, 4), prose(901, 4)]
    for i in range(6):
        (tmp_path / f"p{i}.md").write_text("\n\n".join([prose(100 + i, 1), *footers]) + "\n", encoding="utf-8")
    assert main(["check", "--no-config", "--format", "json", str(tmp_path)]) == 1
    rules = [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert rules == ["DUP005"] * 6


def test_the_original_is_the_article_committed_first(tmp_path, capsys):
    """In a git work tree the earlier article is the original, whatever the
    paths; outside one (or uncommitted), path order decides."""
    import os
    import shutil
    import subprocess

    text = "\n\n".join(prose(i) for i in range(60, 64)) + "\n"

    def commit(name, body, when):
        (tmp_path / name).write_text(body, encoding="utf-8")
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        for args in (["add", name], ["commit", "-q", "-m", name]):
            subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                           cwd=tmp_path, env=env, check=True, capture_output=True)

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    commit("z-original.md", text, "2020-01-01T00:00:00")
    commit("a-copy.md", text.replace(".", " indeed.", 1), "2024-01-01T00:00:00")
    argv = ["check", "--no-config", "--select", "DUP002", "--format", "json", str(tmp_path)]
    assert main(argv) == 1
    [f] = json.loads(capsys.readouterr().out)["findings"]
    assert f["path"].endswith("a-copy.md") and f["duplicate_of"]["path"].endswith("z-original.md")
    shutil.rmtree(tmp_path / ".git")
    assert main(argv) == 1  # no history: path order
    [f] = json.loads(capsys.readouterr().out)["findings"]
    assert f["path"].endswith("z-original.md")


def test_pages_that_are_mostly_a_byline_with_changing_parts_are_boilerplate(tmp_path, capsys):
    """A stub that is a byline and an editor line, whose author, date,
    reading time and editor change from page to page, around one short
    sentence of its own: the byline and the editor line fill templates, so
    the stubs are largely boilerplate (DUP005) although no two bylines are
    alike; pages with a real body are not reported."""
    import random

    rng = random.Random(3)
    first, last = ["Anna", "Ben", "Clara", "David", "Elena"], ["Abbott", "Brennan", "Castillo", "Dubois"]
    months = ["January", "March", "May", "July", "September"]
    for i in range(10):
        byline = (f"By {first[i % 5]} {last[i % 4]} · {months[(i * 3) % 5]} {rng.randint(1, 28)}, 2025"
                  f" · {rng.randint(2, 25)} min read")
        editor = "責任編輯：" + "王李张刘陈杨黄赵吴周"[i] + "伟芳娜敏静丽强磊军洋"[(i * 7) % 10]
        body = [prose(200 + i, 1)] if i < 4 else [prose(300 + i, 3), prose(400 + i, 3), prose(500 + i, 3)]
        (tmp_path / f"p{i}.md").write_text("\n\n".join([byline, *body, editor]) + "\n", encoding="utf-8")
    # The stubs are 30-45 % byline and editor line, the full pages under 10 %.
    _, data = check_json(["--no-config", "--select", "DUP005", "--boilerplate-limit", "0.25", str(tmp_path)], capsys)
    assert sorted(Path(f["path"]).name for f in data["findings"]) == [f"p{i}.md" for i in range(4)]
    assert all(f["kind"] == "boilerplate" and f["similarity"] > 0.25 for f in data["findings"])
