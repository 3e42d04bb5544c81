"""The HTML report in a real browser: headless Chromium loads the page, the
DOM it builds is checked for the highlights, a ``<script>`` inside an article
must not have run, and a screenshot must come out.

Chromium is a test requirement: CI installs Debian's ``chromium`` package
(see ``.ci/run``), so a missing browser fails these tests rather than
skipping them.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from dedupe.check.formats.html import render_html
from tests.check.test_html import (
    PARA_A,
    PARA_B,
    article_node,
    copy_text,
    make_finding,
    parse,
    real_article,
    report_for,
    shown_text,
)

TITLE = "Weekly check"
WIDTH, HEIGHT = 1280, 1600

HOSTILE = (
    "# Hostile article\n\n"
    + PARA_A + "\n\n"
    + '<script>document.title = "pwned"; document.body.dataset.ran = "1";</script>\n\n'
    + "<img src=x onerror=\"document.title = 'pwned'\"> <b>not bold</b> &amp; done\n\n"
    + PARA_A + "\n\n"
    + PARA_B + "\n\n"
    + '<script>document.title = "pwned"; document.body.dataset.ran = "1";</script>\n'
)
HOSTILE_PATH = 'posts/<script>document.title="pwned"</script>.md'


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "headless Chromium is required for the HTML report tests but was not found on PATH; "
        "install the Debian package 'chromium' (.ci/run does this)"
    )


def _run_chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", f"--user-data-dir={tmp / 'profile'}", *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp)
    assert proc.returncode == 0, f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}"
    return proc


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """A report with a hostile article, a real (or generated) one, and a
    cross-file copy, written to a file; and the texts it shows."""
    tmp = tmp_path_factory.mktemp("html-report")
    texts = {HOSTILE_PATH: HOSTILE, "post.md": real_article()}
    report = report_for(texts)
    # The scripts themselves are highlighted copies, so escaping inside marks is exercised.
    first = HOSTILE.index("<script>")
    second = HOSTILE.rindex("<script>")
    line_end = HOSTILE.index("\n", first)
    report.findings.append(make_finding(HOSTILE_PATH, HOSTILE, second, len(HOSTILE) - 1,
                                        HOSTILE_PATH, HOSTILE, first, line_end, rule="DUP001"))
    p = HOSTILE.rindex(PARA_B)
    report.findings.append(make_finding(HOSTILE_PATH, HOSTILE, p, p + len(PARA_B), "post.md",
                                        texts["post.md"], 0, 40, kind="near-duplicate", rule="DUP003"))
    path = tmp / "report.html"
    path.write_text(render_html(report, texts, title=TITLE), encoding="utf-8")
    return tmp, path, report, texts


def test_browser_dom_has_every_highlight_and_the_article_text(page):
    tmp, path, report, texts = page
    dom = parse(_run_chromium(tmp, "--dump-dom", path.as_uri()).stdout)
    for i, f in enumerate(report.findings):
        mark = dom.by_id(f"c-{i}")
        assert mark is not None and mark.tag == "mark" and "copy" in mark.classes
        assert copy_text(dom, i) == texts[f.path][f.start:f.end].replace("\n", "")
        link = next(c for c in mark.children if not isinstance(c, str) and "pill" in c.classes)
        target = dom.by_id(link.attrs["href"].removeprefix("#"))
        assert target is not None and "orig" in target.classes
    for p, text in texts.items():
        assert shown_text(dom, p) == text


def test_script_in_an_article_does_not_run(page):
    tmp, path, report, texts = page
    dom = parse(_run_chromium(tmp, "--dump-dom", path.as_uri()).stdout)
    title = "".join(n.text() for n in dom.find_all("title"))
    assert title.startswith(TITLE) and "pwned" not in title
    assert not dom.find_all("script") and not dom.find_all("img")
    body = dom.find_all("body")[0]
    assert "data-ran" not in body.attrs
    section = article_node(dom, HOSTILE_PATH)
    assert not section.find_all("b")
    assert '<script>document.title = "pwned"' in shown_text(dom, HOSTILE_PATH)


def test_screenshot_is_a_png_of_the_page(page):
    tmp, path, report, texts = page
    shot = tmp / "report.png"
    _run_chromium(tmp, f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={shot}", path.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (WIDTH, HEIGHT)
    # A blank page compresses to a few kilobytes; text and highlights do not.
    assert len(data) > 20_000
