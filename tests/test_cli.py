import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dedupe.cli import main
from tests.processes import run_dedupe

PARA = [
    "The council approved the new library budget on Monday after a long debate about costs and staffing levels.",
    "Residents said the reading rooms are crowded every afternoon and children have nowhere quiet to study.",
    "市議会は月曜日に図書館の新しい予算を承認した。費用と人員について長い議論が続いた。",
]
TEXT = "\n\n".join([*PARA, PARA[0], PARA[2]]) + "\n"
CLEAN = "\n\n".join(PARA) + "\n"


@pytest.fixture
def article(tmp_path):
    p = tmp_path / "article.md"
    p.write_text(TEXT, encoding="utf-8")
    return p


def test_clean_prints_canonical_text(article, capsys):
    assert main(["clean", str(article)]) == 0
    assert capsys.readouterr().out == CLEAN
    assert article.read_text(encoding="utf-8") == TEXT  # input untouched


def test_clean_output_file_and_report(article, tmp_path, capsys):
    out, rep = tmp_path / "out.md", tmp_path / "r.json"
    assert main(["clean", str(article), "-o", str(out), "--report", str(rep)]) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text(encoding="utf-8") == CLEAN
    report = json.loads(rep.read_text(encoding="utf-8"))
    assert report["version"] == 1
    kinds = [r["kind"] for r in report["removed"]]
    assert kinds == ["exact", "exact"]
    first = report["removed"][0]
    assert TEXT[first["start"] : first["end"]] == PARA[0]
    assert TEXT[first["duplicate_of"]["start"] : first["duplicate_of"]["end"]] == PARA[0]


def test_clean_in_place_and_stdin(article, capsys, monkeypatch):
    assert main(["clean", "--in-place", str(article)]) == 0
    assert article.read_text(encoding="utf-8") == CLEAN
    assert os.listdir(article.parent) == ["article.md"]


def test_clean_preserves_crlf_and_bom(tmp_path, capsys):
    p = tmp_path / "w.md"
    p.write_bytes(("\ufeff" + TEXT.replace("\n", "\r\n")).encode("utf-8"))
    out = tmp_path / "o.md"
    assert main(["clean", str(p), "-o", str(out)]) == 0
    assert out.read_bytes() == ("\ufeff" + CLEAN.replace("\n", "\r\n")).encode("utf-8")


def test_check_exit_codes_and_json(article, tmp_path, capsys):
    assert main(["check", str(article)]) == 1
    out = capsys.readouterr().out
    assert f"{article}:7:1:" in out and "line 1" in out
    clean = tmp_path / "clean.md"
    clean.write_text(CLEAN, encoding="utf-8")
    assert main(["check", str(clean)]) == 0
    assert main(["check", "--format", "json", str(tmp_path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1
    f = data["findings"][0]
    for key in ("path", "kind", "start", "end", "line", "end_line", "similarity", "duplicate_of"):
        assert key in f
    assert f["duplicate_of"]["path"] == f["path"] == str(article)
    assert set(f["duplicate_of"]) >= {"path", "start", "end", "line"}


def bad(capsys, argv):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dedupe: error: ") and "Traceback" not in err
    return lines[0]


def test_bad_inputs_get_one_line_and_exit_2(tmp_path, capsys):
    assert "no such file" in bad(capsys, ["clean", str(tmp_path / "missing.md")])
    assert "need --in-place or --diff" in bad(capsys, ["clean", str(tmp_path)])
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"abc\x00def")
    assert "binary file" in bad(capsys, ["clean", str(binary)])
    latin = tmp_path / "l.txt"
    latin.write_bytes("naïve text here".encode("latin-1"))
    msg = bad(capsys, ["clean", str(latin)])
    assert str(latin) in msg and "byte offset 2" in msg
    assert main(["clean", "--encoding", "latin-1", str(latin)]) == 0
    assert capsys.readouterr().out == "naïve text here"
    assert main(["clean", "--errors", "replace", str(latin)]) == 0
    assert "\ufffd" in capsys.readouterr().out
    assert "no such file" in bad(capsys, ["check", str(tmp_path / "missing")])
    assert "--in-place" in bad(capsys, ["clean", "--in-place", "-"])
    assert "threshold" in bad(capsys, ["clean", "--threshold", "2", str(latin)])


def test_huge_single_line_file(tmp_path, capsys):
    p = tmp_path / "huge.txt"
    p.write_text("a" * (50 * 1024 * 1024))
    msg = bad(capsys, ["clean", str(p)])
    assert "line 1 is 52,428,800 characters long" in msg and "--max-line-length" in msg


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["clean", "a.md", "-o", "b.md", "--in-place"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


def test_help_explains_with_examples(capsys):
    with pytest.raises(SystemExit):
        main(["clean", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "--threshold" in out and "--keep" in out


def test_help_names_every_environment_variable_the_package_reads(capsys):
    import re

    read = set()
    for module in (Path(__file__).resolve().parents[1] / "dedupe").rglob("*.py"):
        read |= set(re.findall(r'"(DEDUPE_[A-Z_]+|NO_COLOR)"', module.read_text(encoding="utf-8")))
    assert {"DEDUPE_CACHE_DIR", "DEDUPE_PURE_PYTHON"} <= read
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert [name for name in sorted(read) if name not in out] == []


def test_in_place_on_a_read_only_file_fails_and_changes_nothing(capsys):
    # Root may write anything, so the file is made read-only for an
    # ordinary user and the command runs as that user.
    folder = Path(tempfile.mkdtemp(prefix="dedupe-ro-"))
    try:
        os.chmod(folder, 0o755)
        p = folder / "ro.md"
        p.write_text(TEXT, encoding="utf-8")
        os.chmod(p, 0o444)
        as_root = os.geteuid() == 0
        if as_root:
            os.seteuid(65534)
        try:
            msg = bad(capsys, ["clean", "--in-place", str(p)])
        finally:
            if as_root:
                os.seteuid(0)
        assert "not writable" in msg
        assert p.read_text(encoding="utf-8") == TEXT
        assert os.listdir(folder) == ["ro.md"]
    finally:
        shutil.rmtree(folder)


def test_real_subprocess_with_stdin_and_module_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "dedupe", "clean", "-"], input=TEXT, capture_output=True, text=True,
        encoding="utf-8", cwd=Path(__file__).parents[1],
    )
    assert proc.returncode == 0 and proc.stdout == CLEAN and proc.stderr == ""


def test_an_unknown_flag_is_one_line_with_a_hint(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--tresh", "0.8", "."])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1
    assert "unrecognized arguments: --tresh" in err and "did you mean --threshold?" in err


def test_flags_that_do_not_go_together_are_a_usage_error(capsys):
    assert main(["clean", "-", "--in-place"]) == 2
    assert capsys.readouterr().err == "dedupe: error: --in-place needs a file, not standard input\n"


def test_clean_writes_through_a_symlink_and_never_over_its_input(tmp_path, capsys):
    target = tmp_path / "real.md"
    target.write_text("Alpha beta gamma delta epsilon zeta eta theta iota kappa.\n\n"
                      "Alpha beta gamma delta epsilon zeta eta theta iota kappa.\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    assert main(["clean", "--no-config", "--in-place", str(link)]) == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").count("Alpha") == 1
    before = target.read_text(encoding="utf-8")
    assert main(["clean", "--no-config", str(target), "-o", str(link)]) == 2
    assert main(["clean", "--no-config", str(target), "--report", str(target)]) == 2
    assert "is an input" in capsys.readouterr().err and target.read_text(encoding="utf-8") == before


def test_an_empty_file_cleans_to_nothing(tmp_path, capsys):
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    assert main(["clean", "--no-config", str(empty)]) == 0
    assert capsys.readouterr().out == ""


def test_check_reads_standard_input_under_a_given_name(tmp_path, monkeypatch, capsys):
    import io

    para = "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu."
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"{para}\n\n{para}\n".encode())))
    assert main(["check", "--no-config", "--format", "json", "--stdin-filename", "docs/post.md", "-"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["path"] for f in findings] == ["docs/post.md"]


def test_check_writes_its_report_to_a_file_but_never_over_an_input(tmp_path, capsys):
    post = tmp_path / "post.md"
    post.write_text("Alpha beta gamma delta epsilon zeta eta theta iota kappa.\n", encoding="utf-8")
    report = tmp_path / "report.json"
    assert main(["check", "--no-config", "-q", "--format", "json", "--output-file", str(report), str(post)]) == 0
    assert json.loads(report.read_text(encoding="utf-8"))["findings"] == []
    assert capsys.readouterr() == ("", "")
    assert main(["check", "--no-config", "--output-file", str(post), str(post)]) == 2


def test_a_check_of_nothing_fails(tmp_path, capsys):
    assert main(["check", "--no-config", str(tmp_path)]) == 2
    assert "nothing to check" in capsys.readouterr().err
    assert main(["check", "--no-config", "/dev/null"]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_colour_only_when_asked_or_on_a_terminal(tmp_path, capsys, monkeypatch):
    para = "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu."
    post = tmp_path / "post.md"
    post.write_text(f"{para}\n\n{para}\n", encoding="utf-8")
    assert main(["check", "--no-config", str(post)]) == 1
    assert "\x1b[" not in capsys.readouterr().out  # not a terminal
    assert main(["check", "--no-config", "--color", "always", str(post)]) == 1
    out = capsys.readouterr().out
    assert "\x1b[33mDUP001\x1b[0m" in out and out.startswith("\x1b[1m")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["check", "--no-config", str(post)]) == 1
    assert "\x1b[" not in capsys.readouterr().out


def test_binary_standard_input_stops_at_the_first_nul_byte():
    # `cat /dev/zero | dedupe clean -` must end with one line, not fill memory.
    proc = subprocess.Popen([sys.executable, "-m", "dedupe", "clean", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        for _ in range(10_000):  # up to 10 GB; the reader must stop long before
            proc.stdin.write(b"\0" * (1 << 20))
    except BrokenPipeError:
        pass
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.decode().strip().splitlines() == ["dedupe: error: <stdin>: binary input (NUL byte at offset 0); not text"]


@pytest.fixture(scope="module")
def big_inputs(tmp_path_factory):
    """About 27 MB of prose three ways: one Markdown file, a JSONL corpus
    of 30,000 documents, and a folder of 200 files (enough for workers)."""
    import random

    rng = random.Random(3)
    vocab = ["".join(rng.choice("abcdefghij") for _ in range(6)) for _ in range(2000)]
    paras = [" ".join(rng.choices(vocab, k=30)) + "." for _ in range(150_000)]
    root = tmp_path_factory.mktemp("big")
    (root / "big.md").write_text("".join(p + "\n\n" for p in paras))
    with open(root / "corpus.jsonl", "w") as fh:
        for d in range(0, len(paras), 5):
            fh.write(json.dumps({"id": f"d{d}", "text": "\n\n".join(paras[d : d + 5])}) + "\n")
    (root / "site").mkdir()
    for f in range(200):
        (root / "site" / f"p{f:03}.md").write_text("\n\n".join(paras[f * 750 : (f + 1) * 750]) + "\n")
    return root


@pytest.mark.parametrize("argv", [
    ["clean", "big.md"],
    ["scan", "big.md"],
    ["check", "big.md"],
    # Workers: the thread that reads their results ran out of memory and
    # the command waited for ever.
    ["scan", "corpus.jsonl", "--jobs", "2"],
    ["check", "site", "--jobs", "2"],
], ids=" ".join)
def test_out_of_memory_is_one_line_and_exit_2(big_inputs, argv):
    proc = run_dedupe([*argv, "--no-config"], cwd=big_inputs, memory=300 << 20, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    said = ["dedupe: error: out of memory; split the input or raise the memory limit"]
    if "--jobs" in argv:
        # A worker may run out where it cannot even report it (unpickling
        # its task, sending its result): the pool then breaks, and the
        # command says that a worker died.
        assert lines == said or lines == [
            "dedupe: error: a worker process ended without finishing its work (killed, most often for lack of "
            "memory); run with --jobs 1 or with more memory"]
    else:
        assert lines == said


def test_memory_the_system_refuses_is_the_out_of_memory_line(monkeypatch, capsys):
    """ENOMEM from the system (a fork past a memory limit) is the same one
    line as a MemoryError, not 'Cannot allocate memory'."""
    import errno

    from dedupe import cli

    def refuse(_args):
        raise OSError(errno.ENOMEM, "Cannot allocate memory")

    monkeypatch.setitem(cli._COMMANDS, "scan", refuse)
    assert main(["scan", "x.jsonl", "--no-config"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "dedupe: error: out of memory; split the input or raise the memory limit"]


_FAILING_MANAGER = """
import sys
from concurrent.futures import process
run = process._ExecutorManagerThread.run

def failing(self):
    raise RuntimeError("dictionary changed size during iteration")

process._ExecutorManagerThread.run = failing
from dedupe.cli import main
sys.exit(main(sys.argv[1:]))
"""


_UNRAISABLE_OOM = """
import sys
from dedupe import cli

class Starved:
    def __del__(self):
        raise MemoryError  # as a thread that cannot start reports it

def scan(_args):
    Starved()
    return 0

cli._COMMANDS["scan"] = scan
sys.exit(cli.main(sys.argv[1:]))
"""


def test_memory_lost_where_python_cannot_raise_it_is_the_out_of_memory_line():
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-c", _UNRAISABLE_OOM, "scan", "x.jsonl", "--no-config"],
                          cwd=root, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["dedupe: error: out of memory; split the input or raise the memory limit"]


def test_a_failed_worker_pool_thread_is_one_line_and_exit_2_not_a_hang(tmp_path):
    """The thread that manages the worker pool can fail (CPython 3.11's
    does when a worker dies while a task cannot be pickled): before, the
    command printed its traceback and waited for ever on a task or on the
    workers left behind."""
    site = tmp_path / "site"
    site.mkdir()
    for i in range(80):
        (site / f"p{i:02d}.md").write_text(f"Page {i} says something about harbours and ferries number {i}.\n")
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-c", _FAILING_MANAGER, "check", str(site), "--jobs", "2", "--no-config"],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "dedupe: error: a worker process ended without finishing its work (killed, most often for lack of "
        "memory); run with --jobs 1 or with more memory"]


_COPIED = ("The harbour authority announced on Tuesday that the northern pier will close for repairs until "
           "the end of the summer season, affecting ferry routes. Local fishermen said the closure would cost "
           "them several weeks of income, and asked the council for a temporary landing place.")


def _marked_site(root: Path, wrapped: bool) -> None:
    root.mkdir()
    (root / "a.md").write_text(f"# A\n\n{_COPIED}\n\nA bakery opened downtown with sourdough loaves and "
                               "cinnamon buns every morning for the whole neighbourhood.\n")
    copy = f"<!-- dedupe: off -->\n{_COPIED}\n<!-- dedupe: on -->" if wrapped else _COPIED
    (root / "b.md").write_text(f"# B\n\nSomething new about trains, stations and timetables that nobody "
                               f"reads, said the writer of this page.\n\n{copy}\n")


@pytest.mark.parametrize("wrapped", [False, True])
def test_scan_honours_inline_markers_as_check_does(tmp_path, capsys, wrapped):
    site = tmp_path / "site"
    _marked_site(site, wrapped)
    assert main(["scan", str(site), "--format", "json", "--no-config"]) == 0
    passages = json.loads(capsys.readouterr().out)["passages"]
    assert main(["check", str(site), "--format", "json", "--no-config"]) in (0, 1)
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert len(passages) == len([f for f in findings if f["rule"] == "DUP003"]) == (0 if wrapped else 1)


@pytest.mark.parametrize("wrapped", [False, True])
def test_index_query_honours_inline_markers(tmp_path, capsys, wrapped):
    site = tmp_path / "site"
    _marked_site(site, wrapped)
    db = str(tmp_path / "published.db")
    assert main(["index", "add", "--db", db, str(site / "a.md")]) == 0
    capsys.readouterr()
    assert main(["index", "query", "--db", db, str(site / "b.md"), "--format", "json"]) == (0 if wrapped else 1)
    matches = json.loads(capsys.readouterr().out)["results"][0]["matches"]
    assert len(matches) == (0 if wrapped else 1)


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dedupe: error: "), err
    return lines[0]


def test_a_name_too_long_for_the_file_system_is_one_line(tmp_path, capsys):
    assert main(["check", str(tmp_path / ("a" * 300 + ".md"))]) == 2
    assert "File name too long" in _one_error_line(capsys.readouterr().err)


def test_a_broken_redis_url_is_one_line(capsys):
    assert main(["index", "info", "--db", "redis://[::1"]) == 2
    assert "not a Redis URL" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("content", [
    '{"text": "x", "n": ' + "9" * 5000 + "}",
    '{"text": "x", "n": ' + "[" * 100_000 + "]" * 100_000 + "}",
])
def test_json_the_parser_refuses_is_a_skipped_record(tmp_path, capsys, content):
    data = tmp_path / "c.jsonl"
    data.write_text(content + "\n" + json.dumps({"text": _COPIED}) + "\n")
    assert main(["scan", str(data), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["documents"] == 1
    assert main(["scan", str(data), "--strict"]) == 2
    assert "c.jsonl:1" in _one_error_line(capsys.readouterr().err)


def test_numbers_too_long_in_a_config_baseline_or_model_are_one_line(tmp_path, capsys, monkeypatch):
    site = tmp_path / "site"
    _marked_site(site, wrapped=False)
    huge = "9" * 5000
    (tmp_path / "base.json").write_text('{"version": 1, "findings": ' + huge + "}")
    (tmp_path / "model.json").write_text('{"version": ' + huge + "}")
    (tmp_path / ".dedupe.toml").write_text(f"min-tokens = {huge}\n")
    monkeypatch.chdir(tmp_path)
    for argv in (["check", "site"],
                 ["check", "site", "--no-config", "--baseline", "base.json"],
                 ["clean", "site/a.md", "--no-config", "--boilerplate", "model.json"]):
        assert main(argv) == 2
        assert "too long to read" in _one_error_line(capsys.readouterr().err)


def test_file_names_that_are_not_utf8_are_reported_and_indexed(tmp_path, capsys):
    site = tmp_path / "site"
    _marked_site(site, wrapped=False)
    odd = os.path.join(os.fsencode(site), b"b\xff.md")
    os.rename(site / "b.md", odd)
    for fmt in ("text", "json", "sarif", "github"):
        # A real process: its standard output is strict UTF-8, as in CI.
        proc = subprocess.run([sys.executable, "-m", "dedupe", "check", str(site), "--format", fmt, "--no-config"],
                              capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"})
        assert proc.returncode == 1, proc.stderr
        out = proc.stdout.decode("utf-8")  # valid UTF-8, whatever the names
        if fmt in ("json", "sarif"):
            assert json.loads(out)
        else:
            assert "udcff.md" in out
    db = str(tmp_path / "i.db")
    assert main(["index", "add", "--db", db, str(site)]) == 0
    assert main(["index", "query", "--db", db, str(site / "a.md"), "--format", "json"]) == 1
    hits = json.loads(capsys.readouterr().out.split("\n", 1)[1])["results"][0]["matches"]
    assert hits[0]["duplicate_of"]["id"].endswith("b\\xff.md")
    assert main(["index", "remove", "--db", db, os.fsdecode(odd)]) == 0


def test_a_model_or_baseline_never_replaces_an_input(tmp_path, capsys, monkeypatch):
    site = tmp_path / "site"
    _marked_site(site, wrapped=False)
    data = tmp_path / "c.jsonl"
    data.write_text(json.dumps({"text": _COPIED}) + "\n")
    before = {p: p.read_bytes() for p in (data, site / "a.md", site / "b.md")}
    monkeypatch.chdir(tmp_path)
    for argv in (["scan", "c.jsonl", "--save-boilerplate", "c.jsonl"],
                 ["scan", "site", "--save-boilerplate", "site/a.md"],
                 ["check", "site", "--no-config", "--baseline", "site/b.md", "--update-baseline"]):
        assert main(argv) == 2
        assert "is an input" in _one_error_line(capsys.readouterr().err)
    assert {p: p.read_bytes() for p in before} == before


def test_check_verbose_names_every_checked_file(tmp_path, capsys):
    site = tmp_path / "site"
    _marked_site(site, wrapped=False)
    assert main(["check", str(site), "-v", "--no-config"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"dedupe: {site / 'a.md'}: 0 finding(s)" in err
    assert f"dedupe: {site / 'b.md'}: 1 finding(s)" in err
    with pytest.raises(SystemExit) as exit_:
        main(["check", str(site), "-v", "-q"])
    assert exit_.value.code == 2


def test_a_closed_output_pipe_ends_quietly(article):
    # `dedupe clean article.md | head -0`: the reader has gone before the
    # output is written, so the first write meets a closed pipe.
    read_end, write_end = os.pipe()
    os.close(read_end)
    proc = subprocess.run([sys.executable, "-m", "dedupe", "clean", str(article)],
                          stdout=write_end, stderr=subprocess.PIPE, timeout=120)
    os.close(write_end)
    assert proc.returncode == 141
    assert proc.stderr == b""
