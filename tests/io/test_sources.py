"""Documents from real files, folders, JSONL and standard input, with bad
inputs skipped and counted (or fatal with strict), and the ``dedupe scan``
command over them."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.cli import main
from dedupe.errors import InputError
from dedupe.io.sources import Document, JsonlChunk, Skipped, SourceOptions, iter_documents, iter_jsonl, jsonl_pieces
from dedupe.io.walk import GitIgnore, iter_files

FOOTER = "© {y} Example Media. All rights reserved. Last updated {d} March {y}."
BODIES = [
    "The council approved the new library budget on Monday after a long debate about costs and staffing.",
    "Residents said the reading rooms are crowded every afternoon and children have nowhere quiet to study.",
    "The harbour authority will dredge the northern channel next spring so that larger ferries can dock.",
    "A local orchestra is touring village halls this winter with a programme of folk songs and sea shanties.",
    "市議会は月曜日に図書館の新しい予算を承認した。費用と人員について長い議論が続いた。",
]


def _site(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i, body in enumerate(BODIES):
        (root / f"post{i}.md").write_text(f"# {body[4:12].title()}\n\n{body}\n\n{FOOTER.format(y=2010 + i, d=i + 1)}\n", "utf-8")
    return root


def _docs(paths, **kw) -> tuple[list[Document], list[Skipped]]:
    items = list(iter_documents([str(p) for p in paths], SourceOptions(**kw)))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Skipped)]


def test_folder_walk_skips_hidden_and_gitignored(tmp_path):
    site = _site(tmp_path / "site")
    (site / ".hidden").mkdir()
    (site / ".hidden" / "x.md").write_text("hidden", "utf-8")
    (site / "build").mkdir()
    (site / "build" / "out.md").write_text("generated", "utf-8")
    (site / "draft.tmp.md").write_text("draft", "utf-8")
    (site / ".gitignore").write_text("build/\n*.tmp.md\n", "utf-8")
    docs, skipped = _docs([site])
    assert [Path(d.id).name for d in docs] == [f"post{i}.md" for i in range(5)]
    assert skipped == []
    names = {p.name for p in iter_files([str(site)], respect_gitignore=False)}
    assert {"out.md", "draft.tmp.md"} <= names


def test_gitignore_rules():
    g = GitIgnore(["# comment", "", "*.log", "!keep.log", "/top.md", "docs/**/draft*", "tmp/"])
    assert g.ignored("a/b.log", False) is True
    assert g.ignored("keep.log", False) is False
    assert g.ignored("top.md", False) is True
    assert g.ignored("sub/top.md", False) is None
    assert g.ignored("docs/x/y/draft1.md", False) is True
    assert g.ignored("tmp", True) is True
    assert g.ignored("tmp", False) is None


def test_include_exclude_globs(tmp_path):
    site = _site(tmp_path / "site")
    (site / "notes.txt").write_text("plain text notes about nothing in particular", "utf-8")
    docs, _ = _docs([site], include=("*.txt",))
    assert [Path(d.id).name for d in docs] == ["notes.txt"]
    docs, _ = _docs([site], exclude=("post1.md", "*.txt"))
    assert "post1.md" not in {Path(d.id).name for d in docs}


def test_bad_files_are_skipped_with_their_path(tmp_path):
    site = _site(tmp_path / "site")
    (site / "latin1.md").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (site / "binary.md").write_bytes(b"\x00\x01\x02binary")
    docs, skipped = _docs([site])
    assert len(docs) == 5
    where = {Path(s.where).name: s.reason for s in skipped}
    assert set(where) == {"latin1.md", "binary.md"}
    assert "not valid utf-8" in where["latin1.md"]
    assert "binary" in where["binary.md"]
    with pytest.raises(InputError, match="binary.md"):
        _docs([site], strict=True)


def test_unreadable_file_is_skipped(tmp_path):
    site = _site(tmp_path / "site")
    (site / "dangling.md").symlink_to(tmp_path / "gone.md")
    docs, skipped = _docs([site])
    assert len(docs) == 5
    assert [Path(s.where).name for s in skipped] == ["dangling.md"]
    assert "no such file" in skipped[0].reason


def test_jsonl_records_and_bad_lines(tmp_path):
    p = tmp_path / "c.jsonl"
    lines = [
        json.dumps({"id": "a", "body": "first text"}),
        "",
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": 7, "body": "seventh"}),
        json.dumps({"body": "no id here"}),
        json.dumps({"id": "c", "body": 12}),
    ]
    p.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "d", "body": "\xff"}\n')
    docs, skipped = _docs([p], field="body")
    assert [(d.id, d.text) for d in docs] == [("a", "first text"), ("7", "seventh"), (f"{p}:7", "no id here")]
    assert [s.where for s in skipped] == [f"{p}:3", f"{p}:4", f"{p}:5", f"{p}:8", f"{p}:9"]
    assert "malformed JSON" in skipped[0].reason
    assert "no 'body' field" in skipped[1].reason
    assert "not valid utf-8" in skipped[4].reason
    with pytest.raises(InputError, match=":3: malformed JSON"):
        _docs([p], field="body", strict=True)


def test_jsonl_lines_of_white_space_are_no_records_but_are_counted(tmp_path):
    p = tmp_path / "w.jsonl"
    p.write_bytes(b'{"id": "a", "text": "one"}\r\n   \n\t\r\n\x0b\x0c\n\n{"id": "b", "text": "two"}\r\n \xc2\xa0 \n')
    docs, skipped = _docs([p])
    assert [(d.id, d.text) for d in docs] == [("a", "one"), ("b", "two")]
    # A no-break space is not white space to JSON: that line is a bad record, the seventh.
    assert [s.where for s in skipped] == [f"{p}:7"] and "malformed JSON" in skipped[0].reason


def test_missing_path_is_an_error_before_reading(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(iter_documents([str(tmp_path / "nope")]))


# ---------------------------------------------------------------- the command


def test_scan_folder_text_summary(tmp_path, capsys):
    site = _site(tmp_path / "site")
    (site / "copy.md").write_text((site / "post2.md").read_text("utf-8"), "utf-8")
    assert main(["scan", str(site)]) == 0
    out, err = capsys.readouterr()
    assert "Near-duplicate documents: 1 cluster(s)" in out
    assert f"{site / 'copy.md'}" in out and f"{site / 'post2.md'}" in out
    assert "Boilerplate: 1 block(s)" in out
    assert "6 documents  '© 2012 Example Media." in out  # copy.md sorts first
    # Not a terminal: no progress bar, only the final summary line.
    assert "\r" not in err
    assert err.startswith("dedupe: scanned 6 documents,") and "MB/s" in err


def test_scan_jsonl_json_output(tmp_path, capsys):
    p = tmp_path / "c.jsonl"
    recs = [{"id": f"n{i}", "text": f"{b}\n\n{FOOTER.format(y=2000 + i, d=i + 3)}"} for i, b in enumerate(BODIES)]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n{oops\n", "utf-8")
    assert main(["scan", str(p), "--field", "text", "--id-field", "id", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    d = json.loads(out)
    assert d["version"] == 1
    assert d["boilerplate"][0]["documents"] == 5
    assert [o["id"] for o in d["boilerplate"][0]["occurrences"]] == [f"n{i}" for i in range(5)]
    assert d["skipped"] == [{"where": f"{p}:6", "reason": d["skipped"][0]["reason"]}]
    assert d["summary"]["skipped"] == 1
    assert main(["scan", str(p), "--strict"]) == 2
    assert f"{p}:6" in capsys.readouterr().err


def test_scan_stdin_jsonl(tmp_path):
    data = "\n".join(json.dumps({"id": f"s{i % 5}", "text": b}) for i, b in enumerate(BODIES * 2))
    proc = subprocess.run(
        [sys.executable, "-m", "dedupe", "scan", "-", "--format", "json"],
        input=data.encode(), capture_output=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["summary"]["documents"] == 5
    assert d["summary"]["skipped"] == 5  # the second half repeats the ids
    assert b"\r" not in proc.stderr


def test_scan_jobs_gives_identical_json(tmp_path, capsys):
    site = _site(tmp_path / "site")
    outs = []
    for jobs in ("1", "2"):
        assert main(["scan", str(site), "--format", "json", "--jobs", jobs]) == 0
        d = json.loads(capsys.readouterr().out)
        d.pop("summary")
        outs.append(d)
    assert outs[0] == outs[1]


def test_scan_usage_errors(tmp_path, capsys):
    assert main(["scan", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.startswith("dedupe: error: ")
    assert main(["scan", str(tmp_path), "--jobs", "-1"]) == 2
    assert "jobs" in capsys.readouterr().err


# ---------------------------------------------------------------- JSONL in pieces

_LINES = st.one_of(
    st.builds(lambda i, t: json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False),
              st.integers(0, 5), st.text(max_size=30)),
    st.builds(lambda t: json.dumps({"text": t}), st.text(max_size=10)),  # no id: the line names it
    st.sampled_from(["", "  ", "\r", "{", "[1, 2]", '{"id": 1}', '{"id": true, "text": "x"}', '{"text": "a"}\r',
                     "\ufeff{}", '{"text": "tab\\tand\\nnewline"}', '{"text": "a"}\r{"text": "b"}']),
)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(_LINES, max_size=25), bom=st.booleans(), last_newline=st.booleans(),
       size=st.integers(1, 80))
def test_jsonl_read_in_pieces_of_any_size_gives_what_one_piece_gives(lines, bom, last_newline, size):
    """A scan's workers read a JSONL stream a piece at a time: each piece
    is whole lines that know where they start, so the records, the lines
    named in what is skipped and the ids of records without one are those
    of reading the stream whole."""
    data = ("\ufeff" if bom else "").encode() + "\n".join(lines).encode("utf-8", "surrogatepass")
    if last_newline and lines:
        data += b"\n"
    o = SourceOptions()
    pieces = list(jsonl_pieces(io.BytesIO(data), "c.jsonl", o, size))
    assert b"".join(p.data for p in pieces) == data
    assert all(p.data.endswith(b"\n") for p in pieces[:-1])
    assert [p.first_line for p in pieces] == [1 + sum(q.data.count(b"\n") for q in pieces[:k])
                                              for k in range(len(pieces))]
    whole = list(JsonlChunk("c.jsonl", data, 1, o).records())
    assert [r for p in pieces for r in p.records()] == whole
    assert list(iter_jsonl(io.BytesIO(data), "c.jsonl", o)) == whole
    # Every line that is not blank is a document or is skipped, by its number.
    named = [r.where if isinstance(r, Skipped) else r.id for r in whole]
    expected = [f"c.jsonl:{n}" for n, line in enumerate(lines, 1)
                if line.strip() and (line.strip("\ufeff") if n == 1 and bom else line).strip()
                and not line.startswith('{"id": "d')]
    assert [w for w in named if w.startswith("c.jsonl:")] == expected


_RAW_LINES = st.one_of(
    _LINES.map(lambda line: line.encode("utf-8")),
    st.builds(lambda i, t: json.dumps({"id": i, "text": t}).encode(), st.integers(-3, 3), st.text(max_size=8)),
    st.builds(lambda t: json.dumps({"id": "x", "text": t}, ensure_ascii=False).encode("utf-8", "surrogatepass"),
              st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=8)),
    st.sampled_from([b"\xe3\x80\x80", b"\x1c", b"\xc2\xa0", b"\x0b\x0c", b"\xff\xfe{}", b"\x80{}",
                     b'{"id": "n", "text": "a\x00b"}', b'{"id": "n", "text": "\xed\xa0\x80"}', b"\xef\xbb\xbf",
                     b'{"id": "s", "text": "\\ud800"}', b'[{"id": "x", "text": "y"}]', b"1" * 5000,
                     b'{"id": "l", "text": "' + b"x" * 60 + b'"}', b'{"text": "a", "id": null}', b'{"id": "x"}']),
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_RAW_LINES, max_size=12), first=st.sampled_from([1, 7]),
       options=st.sampled_from([SourceOptions(), SourceOptions(max_line_length=50),
                                SourceOptions(errors="replace"), SourceOptions(field="id", id_field="text"),
                                SourceOptions(encoding="latin-1")]))
def test_records_read_at_once_are_those_read_line_by_line(lines, first, options):
    """Records are read from a piece's decoded text at once where every
    line is plain UTF-8; whatever is not a plain record is read line by
    line, and nothing may differ from reading every line on its own."""
    piece = JsonlChunk("c.jsonl", b"\n".join(lines), first, options)
    assert list(piece.records()) == list(piece.records_line_by_line())


def test_a_line_longer_than_a_piece_is_one_piece():
    text = "word " * 5000
    data = (json.dumps({"id": "a", "text": "short"}) + "\n" + json.dumps({"id": "b", "text": text}) + "\n").encode()
    pieces = list(jsonl_pieces(io.BytesIO(data), "c.jsonl", SourceOptions(), 100))
    assert [p.first_line for p in pieces] == [1, 2]
    assert [d.text for p in pieces for d in p.records()] == ["short", text]


_JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                         max_size=3), max_leaves=8)
_JSON_LINES = st.one_of(
    st.builds(lambda v, before, after: before + json.dumps(v) + after, _JSON_VALUES,
              st.sampled_from(["", " ", "\t", "\r", "\ufeff", "\u3000"]),
              st.sampled_from(["", " ", "\r", "\n", "x", "}", ",1", "\x00"])),
    st.text(st.sampled_from(list('{}[]":,0123456789.eE+-truefalsn \\\t\r\ufeff')), max_size=20),
    st.sampled_from(["[" * 3000 + "]" * 3000, "1" * 5000, '"\\ud800"', "NaN", "-Infinity", "1e400", '{"a":1}{}']),
)


@settings(max_examples=500, deadline=None)
@given(_JSON_LINES)
def test_a_record_line_is_parsed_as_json_loads_parses_it(line):
    from dedupe.io.sources import _loads

    try:
        want = json.loads(line)
    except (ValueError, RecursionError):
        want = None
    got = _loads(line)
    # NaN is the one value not equal to itself: compare the texts.
    assert json.dumps(got) == json.dumps(want) and type(got) is type(want)
