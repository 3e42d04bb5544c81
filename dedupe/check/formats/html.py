"""``dedupe check --format html``: one self-contained page for writers.

The page shows every article that has findings (or holds a kept original
that another article copies), with each duplicate group highlighted in its
own colour: copies in a strong tint, each with a small link to its kept
original; the original in a lighter tint of the same colour. A summary table
with counts per file and rule sits at the top, and every article has a
legend of its groups.

Safety: every piece of article text, path and message is escaped with
``html.escape`` before it reaches the page, and the page also carries a
Content-Security-Policy that allows no script and no network access at all,
so a ``<script>`` in an article can never run in the report even if an
escaping mistake slipped in later. The page needs nothing but itself: no
external fonts, styles, images or scripts.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

__all__ = ["render_html"]

# Golden-angle steps spread consecutive group hues as far apart as possible,
# so neighbouring groups never share a colour however many groups there are.
_GOLDEN_ANGLE = 137.508
_EXCERPT_CHARS = 72

_LETTER = re.compile(r"[^\W\d_]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

_KIND_LABEL = {
    "exact": "exact copy",
    "near-duplicate": "near-duplicate",
    "contained": "truncated copy / fragment",
    "repeated-sentence": "repeated sentence",
    "boilerplate": "boilerplate",
}


def _esc(value: object) -> str:
    """Escape for both text content and double-quoted attribute values.

    A carriage return becomes a character reference because an HTML parser
    turns a literal one into a line feed, which would change the text shown.
    """
    return html.escape(str(value), quote=True).replace("\r", "&#13;")


@dataclass(frozen=True)
class _Group:
    """Findings that repeat the same kept span; one colour on the page."""

    number: int
    path: str
    start: int
    end: int
    line: int
    copies: tuple[int, ...]  # indices into the report's findings

    @property
    def hue(self) -> float:
        return round(((self.number - 1) * _GOLDEN_ANGLE) % 360.0, 3)

    @property
    def anchor(self) -> str:
        return f"k-{self.number}"


@dataclass(frozen=True)
class _Mark:
    """A highlight to draw in one article: a copy or a kept original."""

    start: int
    end: int
    order: int  # tie-breaker: stable nesting of marks with equal spans
    open_first: str  # opening tag of the first piece (carries id and pill)
    open_rest: str  # opening tag of continuation pieces


@dataclass
class _Article:
    path: str
    number: int
    findings: list[int] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)  # groups to list in the legend

    @property
    def anchor(self) -> str:
        return f"file-{self.number}"


def _where(path: str, line: int, here: str) -> str:
    return f"line {line}" if path == here else f"{path} line {line}"


def _excerpt(text: str | None, start: int, end: int) -> str:
    if text is None:
        return ""
    piece = " ".join(text[max(0, start):max(0, end)].split())
    return piece if len(piece) <= _EXCERPT_CHARS else piece[: _EXCERPT_CHARS - 1] + "…"


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


def _render_line(text: str, ls: int, le: int, marks: Sequence[_Mark], opened: set[int]) -> str:
    """HTML of ``text[ls:le]`` with ``marks`` (already clipped to the line).

    Overlapping marks that do not nest are split into pieces so the HTML
    stays well formed; only a mark's first piece carries its id and pill,
    which ``opened`` (mark orders seen so far) keeps track of across lines.
    """
    points = sorted({ls, le, *(m.start for m in marks), *(m.end for m in marks)})
    empty: dict[int, list[_Mark]] = {}
    for m in marks:
        if m.start == m.end:
            empty.setdefault(m.start, []).append(m)
    by_start = sorted((m for m in marks if m.end > m.start), key=lambda m: m.start)
    out: list[str] = []
    stack: list[_Mark] = []
    active: list[_Mark] = []
    j = 0
    for i, a in enumerate(points):
        # Zero-length marks (a finding with no text left) still get their
        # anchor and pill, at their position.
        for m in empty.get(a, ()):
            if m.order not in opened:
                opened.add(m.order)
                out.append(m.open_first + "</mark>")
        if i + 1 == len(points):
            break
        b = points[i + 1]
        # Sweep: only the marks covering this piece are sorted, so a line
        # with thousands of findings stays linear in practice.
        while j < len(by_start) and by_start[j].start <= a:
            active.append(by_start[j])
            j += 1
        active = [m for m in active if m.end > a]
        want = sorted(active, key=lambda m: (m.start, -m.end, m.order))
        keep = 0
        while keep < len(stack) and keep < len(want) and stack[keep] is want[keep]:
            keep += 1
        out.append("</mark>" * (len(stack) - keep))
        del stack[keep:]
        for m in want[keep:]:
            if m.order in opened:
                out.append(m.open_rest)
            else:
                opened.add(m.order)
                out.append(m.open_first)
            stack.append(m)
        out.append(_esc(text[a:b]))
    out.append("</mark>" * len(stack))
    return "".join(out)


def _render_text(text: str, marks: list[_Mark]) -> str:
    """The article as numbered lines, with highlights split at line ends."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    ends = [s - 1 for s in starts[1:]] + [len(text)]
    per_line: list[list[_Mark]] = [[] for _ in starts]
    for m in marks:
        first = bisect.bisect_right(starts, m.start) - 1
        last = bisect.bisect_right(starts, max(m.start, m.end - 1)) - 1
        placed = False
        for ln in range(first, last + 1):
            s, e = max(m.start, starts[ln]), min(m.end, ends[ln])
            if e > s:
                per_line[ln].append(_Mark(s, e, m.order, m.open_first, m.open_rest))
                placed = True
        if not placed:
            # Nothing visible to highlight (an empty span, or only a line
            # break): still place the mark, empty, so its anchor and pill exist.
            at = min(m.start, ends[first])
            per_line[first].append(_Mark(at, at, m.order, m.open_first, m.open_rest))
    opened: set[int] = set()
    rows = []
    for n, (ls, le) in enumerate(zip(starts, ends), start=1):
        body = _render_line(text, ls, le, per_line[n - 1], opened)
        rows.append(f'<span class="line" data-n="{n}">{body}</span>')
    return "".join(rows)


_CSS = """
:root{--ink:#1f2328;--muted:#59636e;--rule:#d1d9e0;--page:#f3f4f6;--card:#fff}
*{box-sizing:border-box}
html{background:var(--page)}
body{margin:0;color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI","Noto Sans","Helvetica Neue",Arial,"Noto Sans CJK JP","Hiragino Sans","Yu Gothic UI","Microsoft YaHei",sans-serif}
a{color:#0969da}
header.top{background:#1f2328;color:#fff;padding:22px 0}
header.top .wrap,main{max-width:1120px;margin:0 auto;padding:0 32px}
header.top h1{margin:0;font-size:22px;font-weight:600;letter-spacing:.01em}
header.top p{margin:4px 0 0;color:#c9d1d9}
main{padding-top:24px;padding-bottom:64px}
.card{background:var(--card);border:1px solid var(--rule);border-radius:10px;margin:0 0 24px;overflow:hidden}
.card>h2{margin:0;padding:14px 20px;font-size:17px;border-bottom:1px solid var(--rule);background:#fafbfc}
.card>h2 small{font-weight:400;color:var(--muted);margin-left:8px;font-size:13px}
.stats{display:flex;gap:12px;flex-wrap:wrap;padding:16px 20px 4px}
.stat{border:1px solid var(--rule);border-radius:8px;padding:8px 14px;min-width:120px}
.stat b{display:block;font-size:22px;font-variant-numeric:tabular-nums}
.stat span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
table{border-collapse:collapse;width:100%}
th,td{padding:7px 20px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot td{font-weight:600;border-bottom:0}
td.path a{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:13px;word-break:break-all}
.share{display:inline-block;width:70px;height:8px;border-radius:4px;background:#eaeef2;margin-right:8px;vertical-align:middle;overflow:hidden}
.share i{display:block;height:100%;background:#cf222e}
.kinds{padding:4px 20px 16px;color:var(--muted);font-size:13px}
details.clean{padding:10px 20px;color:var(--muted);font-size:13px}
.key{display:flex;flex-wrap:wrap;gap:18px;padding:12px 20px;font-size:13px;color:var(--muted);border-bottom:1px solid var(--rule)}
.legend{padding:8px 0}
.legend>summary{padding:2px 20px 6px;cursor:pointer;color:var(--muted);font-size:13px;font-weight:600}
.legend th{padding:4px 20px;border-bottom:1px solid var(--rule);white-space:nowrap}
.legend td{border-bottom:0;padding:4px 20px;font-size:13px}
.legend td a{white-space:nowrap}
.legend .ex{color:var(--muted)}
.legend td.at{white-space:nowrap}
.swatch{display:inline-block;min-width:26px;padding:0 6px;border-radius:9px;text-align:center;font:600 11px/18px ui-monospace,Menlo,Consolas,monospace;color:#fff;background:hsl(var(--h) 62% 38%)}
.text{padding:14px 0 18px;border-top:1px solid var(--rule);font-size:16px;line-height:1.85}
.text[lang=ja],.text[lang=zh],.text[lang=ko]{font-size:16.5px;line-height:2;font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Yu Gothic UI","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif}
.text[lang=zh]{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif}
.text[lang=ko]{font-family:"Noto Sans CJK KR","Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",system-ui,sans-serif}
.line{display:block;position:relative;padding:0 28px 0 68px;white-space:pre-wrap;overflow-wrap:anywhere;min-height:1.85em}
.line::before{content:attr(data-n);position:absolute;left:0;width:50px;text-align:right;color:#8c959f;font:12px/inherit ui-monospace,Menlo,Consolas,monospace;padding-top:.2em;user-select:none}
mark{color:inherit;border-radius:3px;padding:2px 0;-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.copy{background:hsl(var(--h) 88% 80%);box-shadow:inset 0 -2px 0 hsl(var(--h) 62% 45%)}
mark.orig{background:hsl(var(--h) 90% 94%);box-shadow:inset 0 0 0 1px hsl(var(--h) 55% 72%)}
mark.copy.suppressed{background:transparent;box-shadow:inset 0 -2px 0 #8c959f}
a.pill{display:inline-block;margin:0 5px 0 1px;padding:0 7px;border-radius:9px;font:600 11px/17px ui-monospace,Menlo,Consolas,monospace;text-decoration:none;vertical-align:2px;user-select:none;white-space:nowrap;background:hsl(var(--h) 62% 38%);color:#fff}
mark.orig>a.pill{background:#fff;color:hsl(var(--h) 62% 30%);box-shadow:inset 0 0 0 1px hsl(var(--h) 55% 55%)}
span.pill{display:inline-block;margin:0 5px 0 1px;padding:0 7px;border-radius:9px;font:600 11px/17px ui-monospace,Menlo,Consolas,monospace;vertical-align:2px;background:hsl(var(--h) 62% 38%);color:#fff}
mark:target{outline:3px solid hsl(var(--h) 62% 38%);outline-offset:2px}
.missing{padding:14px 20px;color:#9a6700}
.missing li{margin:2px 0}
footer{color:var(--muted);font-size:12px;text-align:center;padding:0 0 32px}
""".strip()


def _group_css(groups: Iterable[_Group]) -> str:
    return "\n".join(f".g{g.number}{{--h:{g.hue}}}" for g in groups)


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


def render_html(report: Any, texts: Mapping[str, str], *, title: str = "dedupe check report") -> str:
    """The whole report as one self-contained HTML page.

    ``report`` is a :class:`dedupe.check.CheckReport` (or anything with a
    ``findings`` list of :class:`dedupe.check.Finding`); ``texts`` maps each
    path to the file's text, into which the findings' offsets point. Files in
    ``texts`` without findings appear only in the summary, except those that
    hold a kept original copied from elsewhere, which are shown in full.
    A finding whose file is missing from ``texts`` is still listed, by line.
    """
    findings = list(getattr(report, "findings", []))

    # Articles in a stable order: as given in ``texts``, then any path that
    # only the findings name.
    order: dict[str, int] = {}
    for p in list(texts) + [f.path for f in findings] + [f.duplicate_of.path for f in findings]:
        order.setdefault(p, len(order))

    # One group per kept span, numbered in reading order of the originals.
    by_key: dict[tuple[str, int, int], list[int]] = {}
    for i, f in enumerate(findings):
        d = f.duplicate_of
        by_key.setdefault((d.path, d.start, d.end), []).append(i)
    keys = sorted(by_key, key=lambda k: (order[k[0]], k[1], k[2]))
    groups: list[_Group] = []
    group_of: dict[int, _Group] = {}
    for n, key in enumerate(keys, start=1):
        members = by_key[key]
        g = _Group(n, key[0], key[1], key[2], findings[members[0]].duplicate_of.line, tuple(members))
        groups.append(g)
        for i in members:
            group_of[i] = g

    articles: dict[str, _Article] = {}

    def article(path: str) -> _Article:
        if path not in articles:
            articles[path] = _Article(path, order[path] + 1)
        return articles[path]

    for i, f in enumerate(findings):
        a = article(f.path)
        a.findings.append(i)
        if group_of[i].number not in a.groups:
            a.groups.append(group_of[i].number)
    for g in groups:
        a = article(g.path)
        if g.number not in a.groups:
            a.groups.append(g.number)
    # Articles with findings first (what the writer has to fix), then those
    # shown only because they hold a kept original that others copy.
    shown = sorted(articles.values(), key=lambda a: (not a.findings, a.number))
    for a in shown:
        a.groups.sort()
        a.findings.sort(key=lambda i: (findings[i].start, findings[i].end, i))

    def copy_title(i: int) -> str:
        f = findings[i]
        g = group_of[i]
        parts = [f"copy of {_where(g.path, g.line, f.path)}", _KIND_LABEL.get(f.kind, f.kind),
                 f"similarity {f.similarity:.2f}", getattr(f, "rule", "")]
        severity = getattr(f, "severity", None)
        if severity:
            parts.append(str(severity))
        suppressed = getattr(f, "suppressed", None)
        if suppressed:
            parts.append(f"suppressed ({suppressed})" if isinstance(suppressed, str) else "suppressed")
        return " · ".join(p for p in parts if p)

    def copy_link(i: int, label: str, cls: str = "pill") -> str:
        """Pill linking a copy to its original (plain pill if not on the page)."""
        g = group_of[i]
        tip = _esc(copy_title(i))
        if g.path in texts:
            return f'<a class="{cls} g{g.number}" href="#{g.anchor}" title="{tip}">{_esc(label)}</a>'
        return f'<span class="{cls} g{g.number}" title="{tip}">{_esc(label)}</span>'

    def marks_for(a: _Article, text: str) -> list[_Mark]:
        size = len(text)
        marks: list[_Mark] = []
        for g in groups:
            if g.path != a.path:
                continue
            first = g.copies[0]
            n_copies = len(g.copies)
            where = ", ".join(
                _where(findings[i].path, findings[i].line, a.path) for i in g.copies[:8]
            ) + (", …" if n_copies > 8 else "")
            tip = _esc(f"kept original of group {g.number} · {n_copies} "
                       f"{'copy' if n_copies == 1 else 'copies'}: {where}")
            cls = f"orig g{g.number}"
            pill = (f'<a class="pill" href="#c-{first}" title="{tip}">'
                    f"{g.number} kept ×{n_copies}</a>")
            s, e = min(max(g.start, 0), size), min(max(g.end, 0), size)
            marks.append(_Mark(max(s, 0), max(e, s), 2 * g.number,
                               f'<mark class="{cls}" id="{g.anchor}" data-orig="{g.number}" title="{tip}">{pill}',
                               f'<mark class="{cls} cont" data-orig="{g.number}" title="{tip}">'))
        for i in a.findings:
            f = findings[i]
            g = group_of[i]
            cls = f"copy g{g.number}" + (" suppressed" if getattr(f, "suppressed", False) else "")
            tip = _esc(copy_title(i))
            where = g.line if g.path == a.path else f"{g.path}:{g.line}"
            pill = copy_link(i, f"{g.number} ↩ {where}")
            s, e = min(max(f.start, 0), size), min(max(f.end, 0), size)
            marks.append(_Mark(s, max(e, s), 2 * len(groups) + 2 + i,
                               f'<mark class="{cls}" id="c-{i}" data-copy="{i}" data-group="{g.number}" '
                               f'title="{tip}">{pill}',
                               f'<mark class="{cls} cont" data-copy="{i}" data-group="{g.number}" '
                               f'title="{tip}">'))
        return marks

    # ---- summary -------------------------------------------------------
    rules = sorted({getattr(f, "rule", "") or "—" for f in findings})
    kinds: dict[str, int] = {}
    for f in findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    any_suppressed = any(getattr(f, "suppressed", False) for f in findings)
    n_files = getattr(report, "files", None) or len(order)
    with_findings = [a for a in shown if a.findings]

    head_cells = "".join(f'<th class="num">{_esc(r)}</th>' for r in rules)
    rows = []
    totals = {r: 0 for r in rules}
    total_dup = total_chars = 0
    for a in with_findings:
        per_rule = {r: 0 for r in rules}
        for i in a.findings:
            per_rule[getattr(findings[i], "rule", "") or "—"] += 1
        for r, c in per_rule.items():
            totals[r] += c
        text = texts.get(a.path)
        if text is not None:
            dup = _covered((findings[i].start, findings[i].end) for i in a.findings)
            dup = min(dup, len(text))
            total_dup += dup
            total_chars += len(text)
            share = (f'<span class="share"><i style="width:{_pct(dup, len(text))}"></i></span>'
                     f"{_pct(dup, len(text))}")
        else:
            share = "text not available"
        sup = sum(1 for i in a.findings if getattr(findings[i], "suppressed", False))
        rows.append(
            f'<tr><td class="path"><a href="#{a.anchor}">{_esc(a.path)}</a></td>'
            f'<td class="num">{len(a.findings)}</td>'
            + "".join(f'<td class="num">{per_rule[r]}</td>' for r in rules)
            + (f'<td class="num">{sup}</td>' if any_suppressed else "")
            + f'<td class="num">{len(a.groups)}</td><td class="num">{share}</td></tr>'
        )
    foot = (
        f'<tr><td>Total</td><td class="num">{len(findings)}</td>'
        + "".join(f'<td class="num">{totals[r]}</td>' for r in rules)
        + (f'<td class="num">{sum(1 for f in findings if getattr(f, "suppressed", False))}</td>'
           if any_suppressed else "")
        + f'<td class="num">{len(groups)}</td><td class="num">{_pct(total_dup, total_chars)}</td></tr>'
    )
    clean_paths = [p for p in texts if p not in {a.path for a in with_findings}]
    clean_block = ""
    if clean_paths:
        items = "".join(f"<li>{_esc(p)}</li>" for p in clean_paths)
        clean_block = (f'<details class="clean"><summary>{len(clean_paths)} '
                       f"file(s) without findings</summary><ul>{items}</ul></details>")
    kinds_line = " · ".join(f"{_esc(_KIND_LABEL.get(k, k))} {c}" for k, c in sorted(kinds.items()))
    if findings:
        table = (
            '<table class="summary"><thead><tr><th>Article</th><th class="num">Findings</th>'
            + head_cells
            + ('<th class="num">Suppressed</th>' if any_suppressed else "")
            + '<th class="num">Groups</th><th class="num">Duplicated text</th></tr></thead>'
            + f"<tbody>{''.join(rows)}</tbody><tfoot>{foot}</tfoot></table>"
            + (f'<div class="kinds">By kind: {kinds_line}</div>' if kinds_line else "")
        )
    else:
        table = '<p class="kinds">No repeated text found.</p>'
    summary = (
        '<section class="card" id="summary"><h2>Summary</h2>'
        '<div class="stats">'
        f'<div class="stat"><b>{len(findings)}</b><span>findings</span></div>'
        f'<div class="stat"><b>{len(groups)}</b><span>duplicate groups</span></div>'
        f'<div class="stat"><b>{len(with_findings)}</b><span>articles affected</span></div>'
        f'<div class="stat"><b>{n_files}</b><span>files checked</span></div>'
        "</div>"
        f"{table}{clean_block}</section>"
    )

    # ---- articles ------------------------------------------------------
    sections = []
    for a in shown:
        text = texts.get(a.path)
        legend_rows = []
        for num in a.groups:
            g = groups[num - 1]
            orig_where = _where(g.path, g.line, a.path)
            if g.path in texts:
                orig = f'<a href="#{g.anchor}">{_esc(orig_where)}</a>'
            else:
                orig = f"{_esc(orig_where)} (not in this report)"
            copies = ", ".join(
                f'<a href="#c-{i}">{_esc(_where(findings[i].path, findings[i].line, a.path))}</a>'
                for i in g.copies
            )
            ex = _excerpt(texts.get(g.path), g.start, g.end)
            legend_rows.append(
                f'<tr><td><span class="swatch g{g.number}">{g.number}</span></td>'
                f'<td class="at">{orig}</td><td>{copies}</td>'
                f'<td class="ex">{_esc(ex)}</td></tr>'
            )
        legend = (
            f'<details class="legend" open><summary>{len(legend_rows)} duplicate '
            f"group{'s' if len(legend_rows) != 1 else ''}</summary><table>"
            "<thead><tr><th>Group</th><th>Kept original</th><th>Copies</th><th>Text</th></tr></thead>"
            f'<tbody>{"".join(legend_rows)}</tbody></table></details>'
        )
        n = len(a.findings)
        sub = f"{n} finding{'s' if n != 1 else ''}" if n else "holds kept originals"
        if text is None:
            items = "".join(
                f'<li>{copy_link(i, str(group_of[i].number), "swatch")} '
                f'<span id="c-{i}">line {findings[i].line}–{findings[i].end_line}</span>: '
                f"{_esc(copy_title(i))}</li>"
                for i in a.findings
            )
            body = f'<div class="missing">Text not available in this report.<ul>{items}</ul></div>'
        else:
            lang = _guess_lang(text)
            lang_attr = f' lang="{lang}"' if lang else ""
            body = f'<div class="text"{lang_attr}>{_render_text(text, marks_for(a, text))}</div>'
        sections.append(
            f'<section class="card article" id="{a.anchor}" data-path="{_esc(a.path)}">'
            f"<h2>{_esc(a.path)}<small>{sub}</small></h2>{legend}{body}</section>"
        )

    key = ""
    if shown:
        key = (
            '<div class="card"><div class="key" style="border:0">'
            '<span><mark class="copy g1">copy</mark> repeated text; its pill '
            '<a class="pill g1" href="#summary">1 ↩ 12</a> names the group and links to the line '
            "of the kept original</span>"
            '<span><mark class="orig g1">kept original</mark> the copy that stays</span>'
            "</div></div>"
        )
    headline = (f"{len(findings)} finding{'s' if len(findings) != 1 else ''} in "
                f"{len(with_findings)} of {n_files} file{'s' if n_files != 1 else ''}")
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_esc(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)} — {_esc(headline)}</title>"
        f"<style>\n{_CSS}\n{_group_css(groups)}\n</style></head>\n"
        f'<body><header class="top"><div class="wrap"><h1>{_esc(title)}</h1>'
        f"<p>{_esc(headline)}</p></div></header>\n"
        f"<main>{summary}\n{key}\n" + "\n".join(sections) + "</main>\n"
        "<footer>Generated by dedupe check --format html</footer></body></html>\n"
    )
