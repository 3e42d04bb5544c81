import os

import pytest

from dedupe.errors import InputError, OutputError
from dedupe.io.textio import read_text, write_atomic


def test_crlf_and_bom_are_read_as_they_are(tmp_path):
    p = tmp_path / "a.md"
    p.write_bytes("\ufeffone\r\ntwo\r\n".encode("utf-8"))
    assert read_text(p) == "\ufeffone\r\ntwo\r\n"


def test_missing_directory_binary_empty(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "nope.md")
    with pytest.raises(InputError, match="is a directory"):
        read_text(tmp_path)
    b = tmp_path / "img.png"
    b.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match=r"binary file \(NUL byte at offset 8\)"):
        read_text(b)
    e = tmp_path / "empty.md"
    e.write_text("  \n\n")
    with pytest.raises(InputError, match="empty file"):
        read_text(e)


def test_undecodable_bytes_name_the_offset_and_the_way_out(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("café au lait".encode("latin-1"))
    with pytest.raises(InputError) as exc:
        read_text(p)
    msg = str(exc.value)
    assert str(p) in msg and "byte offset 3" in msg and "--encoding" in msg and "--errors replace" in msg
    assert read_text(p, encoding="latin-1") == "café au lait"
    assert read_text(p, errors="replace") == "caf\ufffd au lait"


def test_huge_line_is_refused_with_its_number(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("short\n" + "x" * 2000 + "\n")
    with pytest.raises(InputError, match="line 2 is 2,000 characters long"):
        read_text(p, max_line=1000)
    assert read_text(p, max_line=0).startswith("short")


def test_write_atomic_replaces_and_keeps_mode(tmp_path):
    p = tmp_path / "out.md"
    p.write_text("old")
    os.chmod(p, 0o640)
    write_atomic(p, "new\r\n")
    assert p.read_bytes() == b"new\r\n"
    assert os.stat(p).st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["out.md"]


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    p = tmp_path / "out.txt"
    p.write_text("old")
    with pytest.raises(OutputError, match="cannot encode"):
        write_atomic(p, "snow ☃", encoding="ascii")
    assert p.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_output_into_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError):
        write_atomic(tmp_path / "nope" / "out.md", "x")


def test_writes_keep_devices_modes_and_the_umask(tmp_path):
    import os
    import stat

    write_atomic("/dev/null", "nothing\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    old = tmp_path / "old.md"
    old.write_text("x")
    old.chmod(0o640)
    write_atomic(old, "y")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640 and old.read_text() == "y"
    mask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.md", "z")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o644


def test_boms_late_nuls_and_odd_codecs_are_one_line_errors(tmp_path):
    from dedupe.errors import InputError

    utf16 = tmp_path / "u16.md"
    utf16.write_bytes("héllo\n".encode("utf-16"))
    with pytest.raises(InputError, match="--encoding utf-16"):
        read_text(utf16)
    assert read_text(utf16, "utf-16") == "héllo\n"
    late = tmp_path / "late.md"
    late.write_bytes(b"a" * 20000 + b"\x00tail")
    with pytest.raises(InputError, match="NUL byte at offset 20000"):
        read_text(late)
    bad = tmp_path / "p.md"
    bad.write_bytes(b"\xff\xfex")
    with pytest.raises(InputError):
        read_text(bad, "punycode")


def test_a_utf8_bom_does_not_cost_the_first_jsonl_record(tmp_path):
    from dedupe.io.sources import iter_documents

    p = tmp_path / "c.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + b'{"id": "a", "text": "first"}\n{"id": "b", "text": "second"}\n')
    assert [d.id for d in iter_documents([str(p)])] == ["a", "b"]


def test_a_hard_linked_file_is_rewritten_for_every_link(tmp_path):
    a = tmp_path / "a.md"
    a.write_text("old text\n")
    b = tmp_path / "b.md"
    os.link(a, b)
    write_atomic(a, "new text\n")
    assert b.read_text() == "new text\n"
    assert os.path.samefile(a, b) and a.stat().st_nlink == 2
    with pytest.raises(OutputError, match="nothing written"):
        write_atomic(a, "caf\u00e9 \u2603\n", "ascii")
    assert b.read_text() == "new text\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]


def test_clean_in_place_keeps_hard_links(tmp_path):
    from dedupe.cli import main

    para = ("The committee will publish its final report on the river crossing next spring, after the "
            "public consultation closes and the engineers have answered every question.")
    post = tmp_path / "post.md"
    post.write_text(f"# Post\n\n{para}\n\n{para}\n")
    twin = tmp_path / "twin.md"
    os.link(post, twin)
    assert main(["clean", str(post), "--in-place"]) == 0
    assert twin.read_text() == f"# Post\n\n{para}\n"
    assert post.stat().st_nlink == 2
