"""The HTML report of ``dedupe check``: escaping, highlights, links, summary.

The page is parsed back with the standard library's HTML parser into a small
tree, and the tests read what a browser would show: the text of each article
line, the highlighted pieces of each finding, the targets of the links.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.check.findings import CheckReport, Finding, Location
from dedupe.check.formats.html import Markup, ReportView, build_view, el, frag, render_html, safe
from dedupe.check.rules.dup001 import findings_for_removals
from dedupe.io.textio import LineIndex

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
ARTICLE = SHARED / "corpus" / "gpt-5.2-article.md"

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# ---- a tiny DOM ------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)
    parent: "Node | None" = None

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list["Node"]:
        return [
            n for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def by_id(self, ident: str) -> "Node | None":
        found = [n for n in self.iter() if n.attrs.get("id") == ident]
        assert len(found) <= 1, f"duplicate id {ident}"
        return found[0] if found else None

    def text(self, skip_pills: bool = True) -> str:
        out = []
        for c in self.children:
            if isinstance(c, str):
                out.append(c)
            elif not (skip_pills and "pill" in c.classes):
                out.append(c.text(skip_pills))
        return "".join(out)

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.cur = self.root
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, {k: v or "" for k, v in attrs}, parent=self.cur))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.cur.tag != tag:
            self.errors.append(f"</{tag}> closes <{self.cur.tag}>")
            return
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(page: str) -> Node:
    """The page as a tree; fails on tags that do not nest properly."""
    b = _TreeBuilder()
    b.feed(page)
    b.close()
    assert not b.errors, b.errors[:5]
    assert b.cur is b.root, f"unclosed <{b.cur.tag}>"
    return b.root


def article_node(dom: Node, path: str) -> Node:
    found = [n for n in dom.find_all("section", cls="article") if n.attrs.get("data-path") == path]
    assert len(found) == 1, f"{len(found)} sections for {path!r}"
    return found[0]


def shown_text(dom: Node, path: str) -> str:
    """The article's text as the page shows it, line numbers and pills left out."""
    lines = article_node(dom, path).find_all("span", cls="line")
    return "\n".join(line.text() for line in lines)


def copy_text(dom: Node, index: int) -> str:
    """All highlighted pieces of finding ``index``, in page order."""
    return "".join(n.text() for n in dom.find_all("mark", data_copy=str(index)))


def orig_text(dom: Node, group: int) -> str:
    return "".join(n.text() for n in dom.find_all("mark", data_orig=str(group)))


def group_hues(page: str) -> dict[int, str]:
    return {int(g): h for g, h in re.findall(r"\.g(\d+)\{--h:([0-9.]+)\}", page)}


# ---- building reports --------------------------------------------------------


def make_finding(path: str, text: str, start: int, end: int, orig_path: str, orig_text_: str,
                 ostart: int, oend: int, kind: str = "exact", rule: str = "DUP001", **extra) -> Finding:
    idx, oidx = LineIndex(text), LineIndex(orig_text_)
    return Finding(
        path=path, rule=rule, kind=kind, start=start, end=end, span=idx.span(start, end),
        similarity=1.0, duplicate_of=Location(orig_path, ostart, oend, oidx.line(ostart)),
        message=f"{kind} of {orig_path} line {oidx.line(ostart)}", **extra,
    )


def report_for(texts: dict[str, str]) -> CheckReport:
    """The real detector's findings for each text, as ``check`` builds them."""
    report = CheckReport(files=len(texts))
    for path, text in texts.items():
        report.findings.extend(findings_for_removals(path, text, dedupe.find_duplicates(text)))
    return report


PARA_A = "The harbour bridge opened in the spring after nine years of careful work by the city."
PARA_B = "Tickets for the festival sold out within an hour, and the organisers added a second night."
PARA_C = "A new library branch will open on the east side with a reading room for children."


def looped_article() -> str:
    return "\n\n".join(["# Notes", PARA_A, PARA_B, PARA_C, PARA_A, PARA_B, "Closing words here.", PARA_A])


def real_article() -> str:
    return ARTICLE.read_text(encoding="utf-8") if ARTICLE.exists() else looped_article()


# ---- tests -----------------------------------------------------------------


def test_every_finding_is_highlighted_with_its_exact_text():
    texts = {"post.md": real_article()}
    report = report_for(texts)
    assert report.findings, "the test article must contain repeats"
    dom = parse(render_html(report, texts))
    for i, f in enumerate(report.findings):
        first = dom.by_id(f"c-{i}")
        assert first is not None and "copy" in first.classes
        assert copy_text(dom, i) == texts["post.md"][f.start:f.end].replace("\n", "")
    # Highlighting never changes the text: the page shows the article as is.
    assert shown_text(dom, "post.md") == texts["post.md"]


def test_copies_carry_tooltip_and_link_to_their_kept_original():
    text = looped_article()
    report = report_for({"post.md": text})
    dom = parse(render_html(report, {"post.md": text}))
    for i, f in enumerate(report.findings):
        mark = dom.by_id(f"c-{i}")
        assert mark.attrs["title"].startswith(f"copy of line {f.duplicate_of.line}")
        pills = [c for c in mark.children if isinstance(c, Node) and "pill" in c.classes]
        assert len(pills) == 1 and pills[0].tag == "a"
        target = dom.by_id(pills[0].attrs["href"].removeprefix("#"))
        assert target is not None and "orig" in target.classes
        group = int(target.attrs["data-orig"])
        d = f.duplicate_of
        assert orig_text(dom, group) == text[d.start:d.end].replace("\n", "")
        # Same colour class on the copy and its lighter original.
        assert f"g{group}" in mark.classes and f"g{group}" in target.classes


def test_kept_original_links_back_to_its_first_copy():
    text = looped_article()
    report = report_for({"post.md": text})
    dom = parse(render_html(report, {"post.md": text}))
    originals = dom.find_all("mark", cls="orig")
    anchored = [m for m in originals if "id" in m.attrs]
    assert anchored, "kept originals must be anchored"
    for m in anchored:
        pill = next(c for c in m.children if isinstance(c, Node) and "pill" in c.classes)
        copy = dom.by_id(pill.attrs["href"].removeprefix("#"))
        assert copy is not None and copy.attrs["data-group"] == m.attrs["data-orig"]


def test_each_duplicate_group_has_its_own_colour():
    text = "\n\n".join([PARA_A, PARA_B, PARA_C, PARA_A, PARA_B, PARA_C, PARA_A])
    report = report_for({"post.md": text})
    page = render_html(report, {"post.md": text})
    dom = parse(page)
    originals = {(f.duplicate_of.start, f.duplicate_of.end) for f in report.findings}
    assert len(originals) == 3
    hues = group_hues(page)
    assert len(hues) == 3 and len(set(hues.values())) == 3
    group_of_copy = {i: dom.by_id(f"c-{i}").attrs["data-group"] for i in range(len(report.findings))}
    for i, f in enumerate(report.findings):
        for j, g in enumerate(report.findings):
            same = (f.duplicate_of.start, f.duplicate_of.end) == (g.duplicate_of.start, g.duplicate_of.end)
            assert (group_of_copy[i] == group_of_copy[j]) == same


def test_many_groups_keep_distinct_colours():
    lines = [f"Paragraph number {n} talks about topic {n} at some considerable length." for n in range(60)]
    text = "\n\n".join(lines + lines)
    report = report_for({"long.md": text})
    hues = group_hues(render_html(report, {"long.md": text}))
    assert len(hues) == 60 and len(set(hues.values())) == 60


def test_article_script_and_markup_are_escaped():
    hostile = (
        '<script>document.title="pwned"</script>\n\n'
        "<img src=x onerror=\"alert('x')\"> & <b>bold</b> \"quoted\" 'single'\n\n"
        '<script>document.title="pwned"</script>\n'
    )
    path = 'evil"><script>alert(1)</script>.md'
    first, second = 0, hostile.rindex("<script>")
    f = make_finding(path, hostile, second, len(hostile) - 1, path, hostile, first, hostile.index("\n"))
    page = render_html(CheckReport([f], files=1), {path: hostile})
    assert "<script" not in page.lower()
    assert "<img" not in page.lower() and "<b>bold" not in page
    dom = parse(page)
    assert not dom.find_all("script") and not dom.find_all("img")
    assert not [n for n in article_node(dom, path).find_all("b")]
    assert shown_text(dom, path) == hostile
    assert article_node(dom, path).attrs["data-path"] == path
    assert copy_text(dom, 0) == '<script>document.title="pwned"</script>'


def test_page_is_self_contained():
    texts = {"a.md": looped_article(), "b.md": "See https://example.com/x and <a href='http://evil'>here</a>."}
    page = render_html(report_for(texts), texts)
    dom = parse(page)
    for n in dom.iter():
        for attr in ("href", "src", "action", "data", "srcset"):
            if attr in n.attrs:
                assert n.attrs[attr].startswith("#"), (n.tag, attr, n.attrs[attr])
    assert not dom.find_all("script") and not dom.find_all("link") and not dom.find_all("iframe")
    style = "".join(n.text() for n in dom.find_all("style"))
    assert "url(" not in style and "@import" not in style
    csp = [m for m in dom.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0].attrs["content"]
    assert "script-src" not in csp[0].attrs["content"]


def test_cross_file_copy_links_to_the_original_in_the_other_article():
    a = "Intro to A.\n\n" + PARA_A + "\n"
    b = "Intro to B.\n\n" + PARA_C + "\n\n" + PARA_A + "\n"
    f = make_finding("b.md", b, b.index(PARA_A), b.index(PARA_A) + len(PARA_A),
                     "a.md", a, a.index(PARA_A), a.index(PARA_A) + len(PARA_A), rule="DUP003")
    dom = parse(render_html(CheckReport([f], files=2), {"a.md": a, "b.md": b}))
    mark = dom.by_id("c-0")
    assert mark.attrs["title"].startswith("copy of a.md line 3")
    assert any(n.attrs.get("data-path") == "b.md" for n in mark.ancestors())
    pill = next(c for c in mark.children if isinstance(c, Node) and "pill" in c.classes)
    target = dom.by_id(pill.attrs["href"].removeprefix("#"))
    assert target.text() == PARA_A
    assert any(n.attrs.get("data-path") == "a.md" for n in target.ancestors())
    # a.md has no findings of its own but is shown because it holds the original.
    assert shown_text(dom, "a.md") == a


def test_original_outside_the_report_is_named_not_linked():
    b = "Intro.\n\n" + PARA_A + "\n"
    f = make_finding("b.md", b, b.index(PARA_A), len(b) - 1, "published/old.md", PARA_A, 0, len(PARA_A),
                     rule="DUP004")
    dom = parse(render_html(CheckReport([f], files=1), {"b.md": b}))
    mark = dom.by_id("c-0")
    assert mark.attrs["title"].startswith("copy of published/old.md line 1")
    pills = [c for c in mark.children if isinstance(c, Node) and "pill" in c.classes]
    assert pills[0].tag == "span" and "href" not in pills[0].attrs
    assert "not in this report" in article_node(dom, "b.md").text()


def test_finding_in_a_file_without_text_is_still_listed():
    f = make_finding("gone.md", "x\n" * 5, 2, 4, "gone.md", "x\n" * 5, 0, 1)
    dom = parse(render_html(CheckReport([f], files=1), {}))
    section = article_node(dom, "gone.md")
    assert "Text not available" in section.text()
    assert dom.by_id("c-0") is not None


def test_summary_table_counts_per_file_and_rule():
    a = looped_article()
    b = "Intro to B.\n\n" + PARA_C + "\n"
    report = report_for({"a.md": a, "b.md": b, "c.md": "Nothing repeated here at all.\n"})
    n_a = len(report.findings)
    report.findings.append(make_finding("b.md", b, b.index(PARA_C), len(b) - 1, "a.md", a,
                                        a.index(PARA_C), a.index(PARA_C) + len(PARA_C), rule="DUP003"))
    texts = {"a.md": a, "b.md": b, "c.md": "Nothing repeated here at all.\n"}
    dom = parse(render_html(report, texts))
    table = dom.find_all("table", cls="summary")[0]
    header = [th.text().strip() for th in table.find_all("th")]
    assert header[:4] == ["Article", "Findings", "DUP001", "DUP003"]
    rows = {tr.find_all("td")[0].text(): [td.text() for td in tr.find_all("td")]
            for tr in table.find_all("tbody")[0].find_all("tr")}
    assert rows["a.md"][1:4] == [str(n_a), str(n_a), "0"]
    assert rows["b.md"][1:4] == ["1", "0", "1"]
    assert "c.md" not in rows  # listed among the files without findings instead
    total = [td.text() for td in table.find_all("tfoot")[0].find_all("td")]
    assert total[1:4] == [str(n_a + 1), str(n_a), "1"]
    links = [a_.attrs["href"] for a_ in table.find_all("a")]
    assert all(dom.by_id(h.removeprefix("#")) is not None for h in links)
    assert "c.md" in dom.find_all("details", cls="clean")[0].text()


def test_suppressed_and_severity_fields_are_shown_when_present():
    text = looped_article()
    base = report_for({"post.md": text}).findings
    assert len(base) >= 2
    from dataclasses import replace

    findings = [replace(base[0], suppressed="baseline", severity="error")] + base[1:]
    dom = parse(render_html(CheckReport(findings, files=1), {"post.md": text}))
    mark = dom.by_id("c-0")
    assert "suppressed" in mark.classes
    assert "suppressed (baseline)" in mark.attrs["title"] and "error" in mark.attrs["title"]
    assert "suppressed" not in dom.by_id("c-1").classes


def test_no_findings_gives_a_plain_page():
    texts = {"ok.md": "Just one paragraph.\n"}
    dom = parse(render_html(CheckReport([], files=1), texts))
    assert "No repeated text found" in dom.text()
    assert not dom.find_all("mark")


def site() -> dict[str, str]:
    """Articles with every kind of finding a check of files gives: repeats
    inside one article, a near-duplicate article, a copied passage, a CJK
    article, and files without findings."""
    return {
        "a.md": looped_article(),
        "b.md": "# B\n\nIntro to B, which is its own text.\n\n" + PARA_A
                + "\n\nA closing line for B that nothing else has.\n",
        "c.md": looped_article().replace("Closing words here.", "Closing words there."),
        "notes/ja.md": "これは日本語の文章です。東京の天気は晴れです。\n\n"
                       "これは日本語の文章です。東京の天気は晴れです。\n",
        "notes/clean.md": "Nothing repeated here at all.\n",
        "about.md": "A page about the site, said once.\n",
        "post.md": real_article(),
        # Several files in one list, so a list made in set order (which the
        # hash seed decides) is unlikely to come out the same twice.
        **{f"drafts/{name}.md": f"The {name} draft has a line of its own.\n"
           for name in ("alpha", "beta", "gamma", "delta", "epsilon")},
    }


# Runs the command line with every folder listing shuffled: file systems
# list files in an order of their own (ext4 by hash, tmpfs newest first), so
# creating the files in another order would not reach the walk everywhere.
_SHUFFLED_CHECK = """
import os, random, runpy, sys
rng = random.Random(int(sys.argv[1]))
real_scandir = os.scandir
class _Shuffled:
    def __init__(self, path):
        with real_scandir(path) as it:
            self.entries = list(it)
        rng.shuffle(self.entries)
        self.it = iter(self.entries)
    def __iter__(self): return self
    def __next__(self): return next(self.it)
    def __enter__(self): return self
    def __exit__(self, *exc): return False
    def close(self): pass
def scandir(path="."):
    return _Shuffled(path)
os.scandir = scandir
sys.argv = ["dedupe", "check", "content", "--format", "html"]
runpy.run_module("dedupe", run_name="__main__")
"""


def check_in_new_process(root: Path, hash_seed: str, shuffle_seed: int) -> str:
    """``dedupe check content --format html`` in a fresh interpreter, with
    the site's files written, and listed, in an order of their own."""
    names = list(site())
    random.Random(shuffle_seed).shuffle(names)
    for name in names:
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(site()[name], encoding="utf-8")
    env = {**os.environ, "PYTHONHASHSEED": hash_seed,
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", _SHUFFLED_CHECK, str(shuffle_seed)],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and proc.stdout.startswith("<!DOCTYPE html>"), proc.stderr[-2000:]
    return proc.stdout


def test_output_does_not_depend_on_hash_seed_or_file_order(tmp_path):
    """Two processes with different hash seeds, each seeing the files in
    another order: the same page, byte for byte. (One process calling the
    renderer twice would pass even with set-order or hash-seed bugs.)"""
    seeds = [("0", 1), ("4242", 7)]
    orders = [random.Random(s).sample(list(site()), len(site())) for _, s in seeds]
    assert orders[0] != orders[1]
    pages = [check_in_new_process(tmp_path / f"run{n}", h, s) for n, (h, s) in enumerate(seeds)]
    assert pages[0] == pages[1]
    dom = parse(pages[0])
    rules = {th.text() for th in dom.find_all("table", cls="summary")[0].find_all("th")}
    assert {"DUP001", "DUP002", "DUP003"} <= rules, "the site must give every kind of finding"
    assert "about.md" in dom.find_all("details", cls="clean")[0].text()


def test_cjk_article_gets_a_language_for_its_glyphs():
    ja = "これは日本語の文章です。東京の天気は晴れです。\n\nこれは日本語の文章です。東京の天気は晴れです。\n"
    zh = "这是一个中文段落，介绍城市的历史和文化发展。\n\n这是一个中文段落，介绍城市的历史和文化发展。\n"
    texts = {"ja.md": ja, "zh.md": zh}
    findings = [
        make_finding(p, t, t.index("\n\n") + 2, len(t) - 1, p, t, 0, t.index("\n\n"))
        for p, t in texts.items()
    ]
    dom = parse(render_html(CheckReport(findings, files=2), texts))
    assert article_node(dom, "ja.md").find_all("div", cls="text")[0].attrs["lang"] == "ja"
    assert article_node(dom, "zh.md").find_all("div", cls="text")[0].attrs["lang"] == "zh"


_ALPHABET = "ab <>&\"'\n\r日本語。"


@st.composite
def text_and_spans(draw):
    text = draw(st.text(_ALPHABET, min_size=1, max_size=80))
    n = len(text)
    span = st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted)
    pairs = draw(st.lists(st.tuples(span, span), min_size=1, max_size=6))
    return text, pairs


@settings(max_examples=60, deadline=None)
@given(text_and_spans())
def test_any_overlap_of_highlights_keeps_text_and_structure(case):
    """Overlapping, nested, empty and line-crossing spans: the page stays well
    formed, shows the text unchanged, and anchors every finding and original."""
    text, pairs = case
    findings = [make_finding("t.md", text, s, e, "t.md", text, os_, oe, kind="near-duplicate")
                for (s, e), (os_, oe) in pairs]
    dom = parse(render_html(CheckReport(findings, files=1), {"t.md": text}))  # parse() checks nesting
    assert shown_text(dom, "t.md") == text
    for i, f in enumerate(findings):
        assert dom.by_id(f"c-{i}") is not None
        assert copy_text(dom, i) == text[f.start:f.end].replace("\n", "")
    groups = {(f.duplicate_of.start, f.duplicate_of.end) for f in findings}
    anchored = [m for m in dom.find_all("mark", cls="orig") if "id" in m.attrs]
    assert len(anchored) == len(groups)


# ---- the builder and the view model --------------------------------------------


def test_builder_escapes_text_and_attributes_unless_marked_safe():
    hostile = '<script>x="1"</script>&\r'
    page = el("p", hostile, el("b", "ok"), safe("<i>trusted</i>"), title=hostile, data_path=hostile)
    assert isinstance(page, Markup)
    assert page == ('<p title="&lt;script&gt;x=&quot;1&quot;&lt;/script&gt;&amp;&#13;" '
                    'data-path="&lt;script&gt;x=&quot;1&quot;&lt;/script&gt;&amp;&#13;">'
                    "&lt;script&gt;x=&quot;1&quot;&lt;/script&gt;&amp;&#13;<b>ok</b><i>trusted</i></p>")
    # Markup in an attribute is still escaped: an attribute holds only text.
    assert el("a", "x", title=el("b", "y")) == '<a title="&lt;b&gt;y&lt;/b&gt;">x</a>'
    assert frag("<", None, 3) == "&lt;3"
    assert el("details", open=True, hidden=False, id=None) == "<details open></details>"
    assert el("meta", charset="utf-8") == '<meta charset="utf-8">'


@pytest.mark.parametrize("bad", [{"tag": "p onclick=x"}, {"attr": 'x" onclick="y'}, {"attr": "on click"}])
def test_builder_refuses_names_that_could_inject(bad):
    with pytest.raises(ValueError):
        if "tag" in bad:
            el(bad["tag"], "x")
        else:
            el("p", "x", **{bad["attr"]: "v"})


def test_view_model_is_plain_frozen_data():
    texts = {"a.md": looped_article(), "b.md": "Intro to B.\n\n" + PARA_C + "\n"}
    report = report_for(texts)
    view = build_view(report, texts, title="T")
    assert isinstance(view, ReportView) and view.title == "T"
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.title = "changed"  # type: ignore[misc]
    assert view.summary.findings == len(report.findings)
    assert [a.path for a in view.articles] == ["a.md"] and view.summary.clean == ("b.md",)
    copy = view.articles[0].copies[0]
    f = report.findings[copy.index]
    assert (copy.line, copy.end_line) == (f.line, f.end_line)
    assert copy.group.excerpt.endswith("…")  # a long original is cut short in the legend
    assert copy.group.excerpt[:-1] in " ".join(texts["a.md"].split())
    assert not any(isinstance(v, Markup) for v in _values(view)), "markup belongs to the renderer"


def _values(obj):
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from _values(getattr(obj, f.name))
    elif isinstance(obj, tuple):
        for v in obj:
            yield from _values(v)
    else:
        yield obj


def test_stylesheet_is_package_data_inlined_into_the_page():
    css = resources.files("dedupe.check.formats").joinpath("report.css").read_text(encoding="utf-8")
    page = render_html(CheckReport([], files=0), {})
    assert css.strip() in page and "mark.copy" in css


def test_texts_default_to_the_reports_own():
    texts = {"post.md": looped_article()}
    report = report_for(texts)
    report.texts = dict(texts)
    assert render_html(report) == render_html(report, texts)
