"""``dedupe check --format html``: one self-contained page for writers.

The page shows every article that has findings (or holds a kept original
that another article copies), with each duplicate group highlighted in its
own colour: copies in a strong tint, each with a small link to its kept
original; the original in a lighter tint of the same colour. A summary table
with counts per file and rule sits at the top, and every article has a
legend of its groups.

The module has three parts. The *view model* (frozen dataclasses, built by
``build_view`` from a ``CheckReport``) holds what the page says: groups,
copies, legends, counts, all as plain text and numbers. The *builder*
(``el``) is the only way markup is made: it escapes every text child and
every attribute value, so article text can reach the page only as text; the
few trusted pieces (the stylesheet, the doctype) are marked with ``safe``.
The *markup* functions turn the view into elements. The stylesheet is
package data, ``report.css``, inlined into the page.

The builder is written here rather than taken from Jinja2 because the page
is one fixed layout whose hardest part, splitting overlapping highlights
into well-nested pieces, is code either way, and a dozen lines of escaping
builder cost less than a new dependency for every user of the library.

Safety does not rest on escaping alone: the page also carries a
Content-Security-Policy that allows no script and no network access at all,
so a ``<script>`` in an article could not run in the report even if an
escaping mistake slipped in later. The page needs nothing but itself: no
external fonts, styles, images or scripts.
"""

from __future__ import annotations

import bisect
import functools
import html
import importlib.resources
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dedupe.check.findings import CheckReport, Finding

__all__ = ["ReportView", "build_view", "render_html"]


# ---- the escaping builder ----------------------------------------------------


class Markup(str):
    """HTML that is safe to put on the page as it is.

    Only ``el``, ``frag`` and ``safe`` make one; any other ``str`` handed to
    the builder is text and gets escaped.
    """

    __slots__ = ()


_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
_VOID = frozenset({"meta"})
_SPECIAL = re.compile("[&<>\"'\r]")


def _escaped(text: str) -> str:
    """``text`` safe in content and in double-quoted attribute values.

    A carriage return becomes a character reference because an HTML parser
    turns a literal one into a line feed, which would change the text shown.
    """
    # Most pieces of an article need no escaping; a search is cheaper than six replaces.
    return html.escape(text, quote=True).replace("\r", "&#13;") if _SPECIAL.search(text) else text


def escape(value: object) -> Markup:
    """``value`` as markup: escaped unless it already is markup."""
    return value if isinstance(value, Markup) else Markup(_escaped(str(value)))


def safe(trusted: str) -> Markup:
    """Mark text the program itself wrote (never article text) as markup."""
    return Markup(trusted)


def _content(children: Iterable[str | int | None]) -> str:
    return "".join([c if isinstance(c, Markup) else _escaped(str(c)) for c in children if c is not None])


def frag(*children: str | int | None) -> Markup:
    """Children side by side, without an element around them."""
    return Markup(_content(children))


@functools.cache
def _name(name: str) -> str:
    """A tag or attribute name, refused unless plainly one: names come from
    this module, but one with a space or quote in it would be markup."""
    # Python names cannot hold "-", and "class" is a keyword: data_copy
    # and class_ stand for data-copy and class.
    name = name.rstrip("_").replace("_", "-")
    if not _NAME.match(name):
        raise ValueError(f"not a tag or attribute name: {name!r}")
    return name


def _attr(name: str, value: str | float | bool) -> str:
    if value is True:
        return f" {_name(name)}"
    # Markup is escaped here too: an element is never a valid attribute value.
    return f' {_name(name)}="{_escaped(str(value))}"'


def _opening(tag: str, attrs: dict[str, str | float | bool | None]) -> str:
    """``<tag attrs>``, ``None`` and ``False`` attributes left out."""
    return f"<{tag}{''.join([_attr(k, v) for k, v in attrs.items() if v is not None and v is not False])}>"


def el(tag: str, *children: str | int | None, **attrs: str | float | bool | None) -> Markup:
    """The element ``<tag attrs>children</tag>``; ``None`` and ``False``
    attributes and ``None`` children are left out."""
    tag = _name(tag)
    if tag in _VOID:
        if children:
            raise ValueError(f"<{tag}> cannot have children")
        return Markup(_opening(tag, attrs))
    return Markup(f"{_opening(tag, attrs)}{_content(children)}</{tag}>")


def _around(tag: str, children: list[str | int | None], **attrs: str | float | bool | None) -> list[Markup]:
    """:func:`el` as pieces to join once: the opening tag, the escaped
    children, the closing tag. For the elements around every article:
    each :func:`el` copies its whole content, and a report of 25,000 pages
    is 28 MB."""
    tag = _name(tag)
    return [Markup(_opening(tag, attrs)), *(c if isinstance(c, Markup) else Markup(_escaped(str(c)))
                                            for c in children if c is not None), Markup(f"</{tag}>")]


# ---- the view model ----------------------------------------------------------

# Golden-angle steps spread consecutive group hues as far apart as possible,
# so neighbouring groups never share a colour however many groups there are.
_GOLDEN_ANGLE = 137.508
_EXCERPT_CHARS = 72
_NAMED_COPIES = 8  # an original's tooltip names this many copies, then "…"

_KIND_LABEL = {
    "exact": "exact copy",
    "near-duplicate": "near-duplicate",
    "contained": "truncated copy / fragment",
    "repeated-sentence": "repeated sentence",
    "boilerplate": "boilerplate",
}


@dataclass(frozen=True)
class Group:
    """Findings that repeat the same kept span; one colour on the page."""

    number: int
    path: str
    start: int
    end: int
    line: int
    copies: tuple[int, ...]  # indices into the report's findings
    on_page: bool  # the original's text is in the report, so it can be linked
    excerpt: str

    @property
    def hue(self) -> float:
        return round(((self.number - 1) * _GOLDEN_ANGLE) % 360.0, 3)

    @property
    def anchor(self) -> str:
        return f"k-{self.number}"


@dataclass(frozen=True)
class Copy:
    """One finding as its article shows it."""

    index: int  # in the report's findings, which the anchors name
    path: str
    rule: str
    group: Group
    start: int
    end: int
    line: int
    end_line: int
    tooltip: str
    pill: str
    suppressed: bool

    @property
    def anchor(self) -> str:
        return f"c-{self.index}"


@dataclass(frozen=True)
class Original:
    """The kept original of a group, highlighted in the article holding it."""

    group: Group
    start: int
    end: int
    tooltip: str
    pill: str


@dataclass(frozen=True)
class LegendRow:
    group: Group
    original: str  # where the original is, said from this article
    copies: tuple[tuple[str, str], ...]  # (where, anchor) of each copy


@dataclass(frozen=True)
class Article:
    path: str
    number: int
    subtitle: str
    legend: tuple[LegendRow, ...]
    copies: tuple[Copy, ...]  # in text order
    originals: tuple[Original, ...]
    text: str | None  # None: a finding names a file whose text is not in the report
    lang: str | None

    @property
    def anchor(self) -> str:
        return f"file-{self.number}"


@dataclass(frozen=True)
class SummaryRow:
    path: str
    anchor: str
    findings: int
    per_rule: tuple[int, ...]
    suppressed: int
    groups: int
    duplicated: str | None  # share of the text, "12.5%"; None without the text


@dataclass(frozen=True)
class Summary:
    findings: int
    groups: int
    affected: int
    files: int
    rules: tuple[str, ...]
    show_suppressed: bool  # the column exists only when something is suppressed
    rows: tuple[SummaryRow, ...]
    total: SummaryRow
    kinds: str  # "exact copy 3 · near-duplicate 1"
    clean: tuple[str, ...]  # checked files without findings


@dataclass(frozen=True)
class ReportView:
    """Everything the page says, before any markup."""

    title: str
    headline: str
    summary: Summary
    articles: tuple[Article, ...]
    groups: tuple[Group, ...]


def _where(path: str, line: int, here: str) -> str:
    return f"line {line}" if path == here else f"{path} line {line}"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def _excerpt(text: str | None, start: int, end: int) -> str:
    if text is None:
        return ""
    piece = " ".join(text[max(0, start):max(0, end)].split())
    return piece if len(piece) <= _EXCERPT_CHARS else piece[: _EXCERPT_CHARS - 1] + "…"


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "–"


def _covered(spans: Iterable[tuple[int, int]]) -> int:
    """Characters covered by the union of ``spans``."""
    total, reach = 0, -1
    for s, e in sorted(spans):
        if e <= reach:
            continue
        total += e - max(s, reach)
        reach = e
    return total


def _clip(start: int, end: int, size: int) -> tuple[int, int]:
    # Offsets from an index or a stale baseline can point past the text.
    s = min(max(start, 0), size)
    return s, max(min(max(end, 0), size), s)


_LETTER = re.compile(r"[^\W\d_]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _guess_lang(text: str) -> str | None:
    """A ``lang`` for the article so the browser picks the right CJK glyphs.

    Han characters are shared by Chinese and Japanese but drawn differently;
    kana mark Japanese, Hangul Korean, and Han without either Chinese.
    """
    sample = text[:4000]
    letters = len(_LETTER.findall(sample))
    kana = len(_KANA.findall(sample))
    hangul = len(_HANGUL.findall(sample))
    han = len(_HAN.findall(sample))
    if letters == 0:
        return None
    if kana and (kana + han) * 5 >= letters:
        return "ja"
    if hangul * 5 >= letters:
        return "ko"
    if han * 5 >= letters:
        return "zh"
    return None


def _file_order(findings: Sequence[Finding], texts: Mapping[str, str]) -> dict[str, int]:
    """Position of every path: as given in ``texts``, then any path that
    only the findings name, so the page follows the check's own order."""
    order: dict[str, int] = {}
    for p in [*texts, *(f.path for f in findings), *(f.duplicate_of.path for f in findings)]:
        order.setdefault(p, len(order))
    return order


def _groups(findings: Sequence[Finding], order: Mapping[str, int],
            texts: Mapping[str, str]) -> list[Group]:
    """One group per kept span, numbered in reading order of the originals."""
    members: dict[tuple[str, int, int], list[int]] = {}
    for i, f in enumerate(findings):
        d = f.duplicate_of
        members.setdefault((d.path, d.start, d.end), []).append(i)
    keys = sorted(members, key=lambda k: (order[k[0]], k[1], k[2]))
    return [
        Group(n, path, start, end, findings[members[path, start, end][0]].duplicate_of.line,
              tuple(members[path, start, end]), path in texts,
              _excerpt(texts.get(path), start, end))
        for n, (path, start, end) in enumerate(keys, start=1)
    ]


def _copy(i: int, f: Finding, g: Group) -> Copy:
    parts = [f"copy of {_where(g.path, g.line, f.path)}", _KIND_LABEL.get(f.kind, f.kind),
             f"similarity {f.similarity:.2f}", f.rule, f.severity,
             f"suppressed ({f.suppressed})" if f.suppressed else ""]
    where = g.line if g.path == f.path else f"{g.path}:{g.line}"
    return Copy(i, f.path, f.rule, g, f.start, f.end, f.line, f.end_line,
                " · ".join(p for p in parts if p), f"{g.number} ↩ {where}", bool(f.suppressed))


def _original(g: Group, copies: Sequence[Copy], here: str, size: int) -> Original:
    named = [copies[i] for i in g.copies[:_NAMED_COPIES]]
    where = ", ".join(_where(c.path, c.line, here) for c in named)
    more = ", …" if len(g.copies) > _NAMED_COPIES else ""
    n = len(g.copies)
    tooltip = f"kept original of group {g.number} · {_plural(n, 'copy', 'copies')}: {where}{more}"
    start, end = _clip(g.start, g.end, size)
    return Original(g, start, end, tooltip, f"{g.number} kept ×{n}")


def _legend_row(g: Group, copies: Sequence[Copy], here: str) -> LegendRow:
    named = (copies[i] for i in g.copies)
    where = tuple((_where(c.path, c.line, here), c.anchor) for c in named)
    return LegendRow(g, _where(g.path, g.line, here), where)


def _article(path: str, number: int, own: Sequence[Copy], held: Sequence[Group],
             copies: Sequence[Copy], texts: Mapping[str, str]) -> Article:
    """The article at ``path`` with its copies ``own`` and the originals it
    ``held``; ``copies`` are all the report's, as legends and tooltips name
    copies in other articles too."""
    text = texts.get(path)
    own = sorted(own, key=lambda c: (c.start, c.end, c.index))
    legend = {g.number: g for g in held} | {c.group.number: c.group for c in own}
    subtitle = _plural(len(own), "finding") if own else "holds kept originals"
    originals = () if text is None else tuple(_original(g, copies, path, len(text)) for g in held)
    return Article(
        path, number, subtitle, tuple(_legend_row(legend[n], copies, path) for n in sorted(legend)),
        tuple(own), originals, text, None if text is None else _guess_lang(text),
    )


def _articles(copies: Sequence[Copy], groups: Sequence[Group], order: Mapping[str, int],
              texts: Mapping[str, str]) -> tuple[Article, ...]:
    """Articles with findings first (what the writer has to fix), then those
    shown only because they hold a kept original that others copy."""
    own: dict[str, list[Copy]] = {}
    held: dict[str, list[Group]] = {}
    for c in copies:
        own.setdefault(c.path, []).append(c)
    for g in groups:
        held.setdefault(g.path, []).append(g)
    ranked = sorted(own.keys() | held.keys(), key=lambda p: (p not in own, order[p]))
    return tuple(_article(p, order[p] + 1, own.get(p, []), held.get(p, []), copies, texts)
                 for p in ranked)


def _duplicated(a: Article) -> tuple[int, int]:
    """Characters of ``a`` inside some copy, and all its characters."""
    size = len(a.text or "")
    return min(_covered((c.start, c.end) for c in a.copies), size), size


def _summary_row(a: Article, rules: Sequence[str]) -> SummaryRow:
    rule_of = [c.rule or "—" for c in a.copies]
    duplicated = None if a.text is None else _pct(*_duplicated(a))
    return SummaryRow(a.path, a.anchor, len(a.copies), tuple(rule_of.count(r) for r in rules),
                      sum(c.suppressed for c in a.copies), len(a.legend), duplicated)


def _total_row(rows: Sequence[SummaryRow], affected: Sequence[Article], findings: Sequence[Finding],
               n_rules: int, n_groups: int) -> SummaryRow:
    # The total share is over all the text shown, not an average of the rows.
    measured = [_duplicated(a) for a in affected if a.text is not None]
    share = _pct(sum(d for d, _ in measured), sum(n for _, n in measured))
    per_rule = tuple(sum(r.per_rule[k] for r in rows) for k in range(n_rules))
    return SummaryRow("Total", "", len(findings), per_rule, sum(bool(f.suppressed) for f in findings),
                      n_groups, share)


def _summary(report: CheckReport, articles: Sequence[Article], groups: Sequence[Group],
             texts: Mapping[str, str], files: int) -> Summary:
    findings = report.findings
    rules = tuple(sorted({f.rule or "—" for f in findings}))
    affected = [a for a in articles if a.copies]
    rows = tuple(_summary_row(a, rules) for a in affected)
    total = _total_row(rows, affected, findings, len(rules), len(groups))
    kinds: dict[str, int] = {}
    for f in findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    affected_paths = {a.path for a in affected}
    return Summary(
        len(findings), len(groups), len(affected), files, rules,
        any(f.suppressed for f in findings), rows, total,
        " · ".join(f"{_KIND_LABEL.get(k, k)} {c}" for k, c in sorted(kinds.items())),
        tuple(p for p in texts if p not in affected_paths),
    )


def build_view(report: CheckReport, texts: Mapping[str, str] | None = None, *,
               title: str = "dedupe check report") -> ReportView:
    """What the page of ``report`` shows; ``texts`` default to the report's own."""
    texts = report.texts if texts is None else texts
    findings = report.findings
    order = _file_order(findings, texts)
    groups = _groups(findings, order, texts)
    group_of = {i: g for g in groups for i in g.copies}
    copies = [_copy(i, f, group_of[i]) for i, f in enumerate(findings)]
    articles = _articles(copies, groups, order, texts)
    files = report.files or len(order)
    summary = _summary(report, articles, groups, texts, files)
    headline = (f"{_plural(len(findings), 'finding')} in "
                f"{summary.affected} of {_plural(files, 'file')}")
    return ReportView(title, headline, summary, articles, tuple(groups))


# ---- markup: highlights --------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    """A highlight to draw: a copy or a kept original, or a piece of one."""

    start: int
    end: int
    order: int  # tie-breaker: stable nesting of marks with equal spans
    cls: str
    ident: str
    data: tuple[tuple[str, str], ...]
    title: str
    pill: Markup

    def piece(self, children: Sequence[str], first: bool) -> Markup:
        """One piece of the highlight; only the first carries id and pill, so
        a highlight split at line ends or around another is one target."""
        data = dict(self.data)
        if first:
            return el("mark", self.pill, *children, class_=self.cls, id=self.ident, **data,
                      title=self.title)
        return el("mark", *children, class_=f"{self.cls} cont", **data, title=self.title)


def _pill(c: Copy, label: str, cls: str = "pill") -> Markup:
    """A copy's link to its original; plain when the original is not on the page."""
    g = c.group
    if g.on_page:
        return el("a", label, class_=f"{cls} g{g.number}", href=f"#{g.anchor}", title=c.tooltip)
    return el("span", label, class_=f"{cls} g{g.number}", title=c.tooltip)


def _marks(a: Article, n_groups: int) -> list[_Mark]:
    # The order ranks originals before copies, then by number: marks with the
    # same span nest the same way whatever order they were listed in.
    marks = [
        _Mark(o.start, o.end, 2 * o.group.number, f"orig g{o.group.number}", o.group.anchor,
              (("data-orig", str(o.group.number)),), o.tooltip,
              el("a", o.pill, class_="pill", href=f"#c-{o.group.copies[0]}", title=o.tooltip))
        for o in a.originals
    ]
    size = len(a.text or "")
    for c in a.copies:
        start, end = _clip(c.start, c.end, size)
        cls = f"copy g{c.group.number}" + (" suppressed" if c.suppressed else "")
        data = (("data-copy", str(c.index)), ("data-group", str(c.group.number)))
        marks.append(_Mark(start, end, 2 * n_groups + 2 + c.index, cls, c.anchor, data, c.tooltip,
                           _pill(c, c.pill)))
    return marks


class _Nesting:
    """The marks open at the current point of a line, innermost last, each
    with the children it has collected; closing one makes its element."""

    def __init__(self, opened: set[int]) -> None:
        self.root: list[str] = []
        self.stack: list[tuple[_Mark, bool, list[str]]] = []
        self.opened = opened  # orders of marks whose first piece is drawn, across lines

    def add(self, child: str) -> None:
        (self.stack[-1][2] if self.stack else self.root).append(child)

    def _first(self, m: _Mark) -> bool:
        first = m.order not in self.opened
        self.opened.add(m.order)
        return first

    def close_to(self, depth: int) -> None:
        while len(self.stack) > depth:
            m, first, children = self.stack.pop()
            self.add(m.piece(children, first))

    def follow(self, want: Sequence[_Mark]) -> None:
        """Make the open marks ``want``, outermost first, keeping those that
        already are: a mark is only split where another crosses its edge."""
        keep = 0
        while keep < min(len(self.stack), len(want)) and self.stack[keep][0] is want[keep]:
            keep += 1
        self.close_to(keep)
        for m in want[keep:]:
            self.stack.append((m, self._first(m), []))

    def empty(self, m: _Mark) -> None:
        # A finding with no text left still gets its anchor and pill.
        if self._first(m):
            self.add(m.piece([], True))


def _line(text: str, start: int, end: int, marks: Sequence[_Mark], opened: set[int]) -> list[str]:
    """``text[start:end]`` with ``marks`` (already clipped to the line),
    overlapping marks that do not nest split into pieces that do."""
    points = sorted({start, end, *(m.start for m in marks), *(m.end for m in marks)})
    empty: dict[int, list[_Mark]] = {}
    for m in marks:
        if m.start == m.end:
            empty.setdefault(m.start, []).append(m)
    by_start = sorted((m for m in marks if m.end > m.start), key=lambda m: m.start)
    nest = _Nesting(opened)
    active: list[_Mark] = []
    j = 0
    for a, b in zip(points, [*points[1:], None]):
        for m in empty.get(a, ()):
            nest.empty(m)
        if b is None:
            break
        # Sweep: only the marks covering this piece are sorted, so a line
        # with thousands of findings stays linear in practice.
        while j < len(by_start) and by_start[j].start <= a:
            active.append(by_start[j])
            j += 1
        active = [m for m in active if m.end > a]
        nest.follow(sorted(active, key=lambda m: (m.start, -m.end, m.order)))
        nest.add(escape(text[a:b]))
    nest.close_to(0)
    return nest.root


def _per_line(marks: Sequence[_Mark], starts: Sequence[int], ends: Sequence[int]) -> list[list[_Mark]]:
    """Each mark cut at line ends, so every line is a block of its own."""
    per_line: list[list[_Mark]] = [[] for _ in starts]
    for m in marks:
        first = bisect.bisect_right(starts, m.start) - 1
        last = bisect.bisect_right(starts, max(m.start, m.end - 1)) - 1
        placed = False
        for ln in range(first, last + 1):
            s, e = max(m.start, starts[ln]), min(m.end, ends[ln])
            if e > s:
                per_line[ln].append(replace(m, start=s, end=e))
                placed = True
        if not placed:
            # Nothing visible to highlight (an empty span, or only a line
            # break): still place the mark, empty, so its anchor and pill exist.
            at = min(m.start, ends[first])
            per_line[first].append(replace(m, start=at, end=at))
    return per_line


def _text(text: str, marks: Sequence[_Mark]) -> Markup:
    """The article as numbered lines, with its highlights."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    ends = [s - 1 for s in starts[1:]] + [len(text)]
    opened: set[int] = set()
    return frag(*(
        el("span", *_line(text, s, e, line_marks, opened), class_="line", data_n=n)
        for n, (s, e, line_marks) in enumerate(zip(starts, ends, _per_line(marks, starts, ends)), 1)
    ))


# ---- markup: the page ----------------------------------------------------------


def _link(text: str, anchor: str) -> Markup:
    return el("a", text, href=f"#{anchor}")


def _legend(a: Article, link: Callable[[str, str], Markup]) -> Markup:
    rows = []
    for row in a.legend:
        g = row.group
        original = link(row.original, g.anchor) if g.on_page else f"{row.original} (not in this report)"
        copies = [x for where, anchor in row.copies for x in (", ", link(where, anchor))]
        rows.append(el("tr", el("td", el("span", g.number, class_=f"swatch g{g.number}")),
                       el("td", original, class_="at"), el("td", *copies[1:]),
                       el("td", g.excerpt, class_="ex")))
    head = el("tr", *(el("th", h) for h in ("Group", "Kept original", "Copies", "Text")))
    return el("details", el("summary", _plural(len(rows), "duplicate group")),
              el("table", el("thead", head), el("tbody", *rows)), class_="legend", open=True)


def _missing(a: Article) -> Markup:
    items = (el("li", _pill(c, str(c.group.number), "swatch"), " ",
                el("span", f"line {c.line}–{c.end_line}", id=c.anchor), ": ", c.tooltip)
             for c in a.copies)
    return el("div", "Text not available in this report.", el("ul", *items), class_="missing")


def _article_section(a: Article, n_groups: int, link: Callable[[str, str], Markup]) -> Markup:
    if a.text is None:
        body = _missing(a)
    else:
        body = el("div", _text(a.text, _marks(a, n_groups)), class_="text", lang=a.lang)
    return el("section", el("h2", a.path, el("small", a.subtitle)), _legend(a, link), body,
              class_="card article", id=a.anchor, data_path=a.path)


def _num(value: str | int | None) -> Markup:
    return el("td", value, class_="num")


def _row_cells(r: SummaryRow, s: Summary) -> list[str]:
    suppressed = [_num(r.suppressed)] if s.show_suppressed else []
    return [_num(r.findings), *map(_num, r.per_rule), *suppressed, _num(r.groups)]


def _summary_table(s: Summary) -> Markup:
    heads = ["Findings", *s.rules, *(["Suppressed"] if s.show_suppressed else []), "Groups",
             "Duplicated text"]
    head = el("tr", el("th", "Article"), *(el("th", h, class_="num") for h in heads))
    rows = []
    for r in s.rows:
        share = (frag(el("span", el("i", style=f"width:{r.duplicated}"), class_="share"), r.duplicated)
                 if r.duplicated is not None else "text not available")
        rows.append(el("tr", el("td", el("a", r.path, href=f"#{r.anchor}"), class_="path"),
                       *_row_cells(r, s), _num(share)))
    foot = el("tr", el("td", "Total"), *_row_cells(s.total, s), _num(s.total.duplicated))
    kinds = el("div", f"By kind: {s.kinds}", class_="kinds") if s.kinds else None
    return frag(el("table", el("thead", head), el("tbody", *rows), el("tfoot", foot),
                   class_="summary"), kinds)


def _summary_section(s: Summary) -> Markup:
    stats = [(s.findings, "findings"), (s.groups, "duplicate groups"),
             (s.affected, "articles affected"), (s.files, "files checked")]
    table = (_summary_table(s) if s.findings
             else el("p", "No repeated text found.", class_="kinds"))
    clean = None
    if s.clean:
        clean = el("details", el("summary", f"{len(s.clean)} file(s) without findings"),
                   el("ul", *(el("li", p) for p in s.clean)), class_="clean")
    return el("section", el("h2", "Summary"),
              el("div", *(el("div", el("b", n), el("span", what), class_="stat") for n, what in stats),
                 class_="stats"),
              table, clean, class_="card", id="summary")


def _key() -> Markup:
    """What the two kinds of highlight mean, drawn with real ones."""
    copy = el("span", el("mark", "copy", class_="copy g1"), " repeated text; its pill ",
              el("a", "1 ↩ 12", class_="pill g1", href="#summary"),
              " names the group and links to the line of the kept original")
    orig = el("span", el("mark", "kept original", class_="orig g1"), " the copy that stays")
    return el("div", el("div", copy, orig, class_="key", style="border:0"), class_="card")


_PACKAGE = __name__.rpartition(".")[0]


@functools.cache
def _stylesheet() -> Markup:
    css = importlib.resources.files(_PACKAGE).joinpath("report.css").read_text(encoding="utf-8")
    # A style element ends at the first "</": such text would end it early.
    if "</" in css:
        raise ValueError("report.css must not contain '</'")
    return safe(css.strip())


def _style(groups: Sequence[Group]) -> Markup:
    # Group colours are numbers the renderer makes, never text from the report.
    colours = "\n".join(f".g{g.number}{{--h:{g.hue}}}" for g in groups)
    return safe(f"<style>\n{_stylesheet()}\n{colours}\n</style>")


_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def render_view(view: ReportView) -> str:
    """The page of ``view``."""
    head = el("head", el("meta", charset="utf-8"),
              el("meta", http_equiv="Content-Security-Policy", content=_CSP),
              el("meta", name="viewport", content="width=device-width, initial-scale=1"),
              el("title", f"{view.title} — {view.headline}"), _style(view.groups))
    top = el("header", el("div", el("h1", view.title), el("p", view.headline), class_="wrap"),
             class_="top")
    # A group copied into many articles lists the same links to its copies in
    # the legend of each: made once per page, they cost as little as the text.
    link = functools.lru_cache(maxsize=None)(_link)
    sections = [x for a in view.articles for x in ("\n", _article_section(a, len(view.groups), link))]
    main = _around("main", [_summary_section(view.summary), "\n", _key() if view.articles else None,
                            "\n", *sections[1:]])
    footer = el("footer", "Generated by dedupe check --format html")
    body = _around("body", [top, "\n", *main, "\n", footer])
    return "".join(["<!DOCTYPE html>\n", *_around("html", [head, "\n", *body], lang="en"), "\n"])


def render_html(report: CheckReport, texts: Mapping[str, str] | None = None, *,
                title: str = "dedupe check report") -> str:
    """The whole report as one self-contained HTML page.

    ``texts`` maps each path to the file's text, into which the findings'
    offsets point (by default ``report.texts``). Files in ``texts`` without
    findings appear only in the summary, except those that hold a kept
    original copied from elsewhere, which are shown in full. A finding whose
    file is missing from ``texts`` is still listed, by line.
    """
    return render_view(build_view(report, texts, title=title))
