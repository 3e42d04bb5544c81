"""Split text into paragraphs, sentences and Markdown structure, keeping
``[start, end)`` character offsets into the input.

Paragraph rule: when the body of a document (outside front matter and
fenced code) has at least one blank line between two prose lines,
paragraphs are separated by blank lines and the lines in between are one
re-wrapped paragraph. Otherwise the document is written one paragraph per
line, and every line is a paragraph.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add

import numpy as np

from dedupe._lazy import LazyPattern
from dedupe.core import structure
from dedupe.core.shingle import KERNEL

#: Segment kinds that are never removed and never serve as a kept copy:
#: they repeat legitimately (headings, rules, table rows, the markup of
#: :mod:`dedupe.core.structure`) or are not prose.
PROTECTED = frozenset({"front_matter", "code", "math", "heading", "rule", "table"}) | structure.KINDS


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    kind: str

    @property
    def protected(self) -> bool:
        return self.kind in PROTECTED


@dataclass(frozen=True)
class Line:
    start: int  # first character
    end: int  # one past the last character, line break excluded
    text: str


FENCE = LazyPattern(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = LazyPattern(r"^ {0,3}#{1,6}(?:\s|$)")
# A heading written in HTML on one line: "<h3 id='27'>Q: 27. ...</h3>".
_HTML_HEADING = LazyPattern(r"(?i)^ {0,3}<h([1-6])(?:\s[^<>]*)?>(.*)</h\1>\s*$")
_TAG = LazyPattern(r"<[^<>]*>")
_RULE = LazyPattern(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE = LazyPattern(r"^\s*\|")
_TABLE_DELIMITER = LazyPattern(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
# A list item's marker: a bullet, or a number and its dot or parenthesis.
_LIST_MARK = r"(?:[-*+]|\d{1,9}[.)])"
_LIST = LazyPattern(r"^\s*" + _LIST_MARK + r"\s+\S")
_SETEXT = LazyPattern(r"^ {0,3}(?:=+|-+)[ \t]*$")
# A line that only names what the lines under it describe: a code span or a
# bold term, maybe with an HTML anchor.
_TERM = LazyPattern(r"[ \t]*(?:`[^`\n]+`|\*\*[^*\n]+\*\*)[ \t]*(?:<a\b[^>\n]*>[ \t]*</a>[ \t]*)?\n")
# The first characters (after white space) each of the four can match.
_FENCE_HEADS, _HEADING_HEADS, _RULE_HEADS, _TABLE_HEADS = "`~", "#", "-*_", "|"
# A line that none of the block patterns below can match: at most three
# spaces, then a character that starts none of them (fences, indented code,
# structure.block_end and line_kind, headings, rules, tables, list items).
# Most lines of prose are answered by this one match.
_PLAIN = LazyPattern(r" {0,3}(?!import\s|export\s)[^\s`~<\[\-#*_|{!?/:+.=$\d]")


def fence_opening(line: str, nested: bool = False) -> str | None:
    """The fence (its run of backticks or tildes) with which ``line`` opens
    a fenced code block, or None. As in CommonMark, what follows a fence
    of backticks holds no backtick: a line that starts with
    "```x` y```" holds inline code, and taking it for a fence turned
    the code and prose of the rest of a translated book inside out.
    ``nested``: the line continues a list item or an admonition, where a
    fence is indented as the item's text is (four spaces, often), not at
    most three; taken for prose, such a fence's code became a paragraph,
    and its closing fence, indented three, opened a block that swallowed
    the next list item."""
    if nested:
        line = line.lstrip(" \t")
    m = FENCE.match(line)
    if m is None:
        return None
    fence = m.group(1)
    if fence[0] == "`" and "`" in line[m.end():]:
        return None
    return fence


def opens_list_item(text: str, seg: Segment) -> bool:
    """Whether segment ``seg`` of ``text`` begins with a list item's
    marker: a list item, or a line of markup written as one (an option's
    name as an item, with its description indented under it)."""
    return _LIST.match(text[seg.start : seg.start + 64]) is not None


def ends_indented_body(text: str, seg: Segment) -> bool:
    """Whether segment ``seg`` of ``text`` ends the indented body of the
    line above it (an admonition's, a pymdown tab's): it is prose that is
    not indented. Markup at the margin (a heading, a fence) does not."""
    return not seg.protected and not indent(text, seg)


def names_an_entry(text: str, seg: Segment) -> bool:
    """Whether paragraph ``seg`` of ``text`` is a reference's entry: a
    first line that only names its subject (``DelaySeconds`` and its
    anchor), then the lines that describe it."""
    return _TERM.match(text, seg.start, seg.end) is not None


def indent(text: str, seg: Segment) -> int:
    """The white space before segment ``seg`` of ``text`` on its line, in
    columns (a tab to the next multiple of four), as a nested list item
    or the paragraphs and code of an item's body have it; 0 when
    something else comes first (a quote's marker)."""
    line = text.rfind("\n", 0, seg.start) + 1
    lead = text[line : seg.start]
    return len(lead.expandtabs(4)) if not lead.strip() else 0


def closes_fence(line: str, fence: str) -> bool:
    """Whether ``line`` closes a block opened by ``fence``: as many of its
    character or more, then only white space. Any indentation is taken,
    so that a fence inside a list item closes."""
    body = line.strip()
    return body.startswith(fence) and not body.lstrip(fence[0])


# A sentence ends at CJK terminal punctuation (no space needed after it) or
# at Latin terminal punctuation followed by white space or the end, in both
# cases with any closing quotes or brackets that follow.
_CLOSERS = r"[\"'”’」』）】〕〉》\)\]]*"
_SENTENCE_END = LazyPattern(
    r"(?:[。！？]+|[!?]+(?=[^\p{L}\p{N}]|$))" + _CLOSERS + r"|[.…]+" + _CLOSERS + r"(?=\s|$)"
)

# "!" or "." inside a code span or a tag ends no sentence.
_INERT = LazyPattern(structure.CODE_SPAN + r"|<[^<>\n]+>|!?\[[^\]\n]*\]\([^)\n]*\)")
_INERT_HINT = LazyPattern(r"[`<\[]")


def lines(text: str) -> list[Line]:
    """Lines with offsets; a ``\\r`` that ends a line (before ``\\n`` or
    at the end of the text) is not part of it."""
    return [Line(*line) for line in zip(*_line_table(text))]


def _line_table(text: str) -> tuple[list[int], list[int], list[str]]:
    """The starts, ends and texts of the lines of :func:`lines`, as three
    lists built by the interpreter's own loops: a Python loop making an
    object per line took 0.10 s of the segmenter's 0.35 over the speed
    benchmark's 20 MB of articles, these lists 0.07."""
    texts = text.split("\n")
    starts = list(accumulate(map(add, map(len, texts), repeat(1)), initial=0))
    starts.pop()
    ends = list(map(add, starts, map(len, texts)))
    if "\r" in text:
        for i, part in enumerate(texts):
            if part.endswith("\r"):
                texts[i], ends[i] = part[:-1], ends[i] - 1
    return starts, ends, texts


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    # White space as str.isspace() has it (NBSP, U+3000, form feed too),
    # as tidy.delete_spans strips it: a span ending in white space that
    # the output strips would point at text the output does not hold.
    while start < end and (text[start].isspace() or text[start] == "\ufeff"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _front_matter_end(texts: list[str]) -> int:
    """Index of the line after the front matter, 0 when there is none."""
    if not texts:
        return 0
    first = texts[0].lstrip("\ufeff").rstrip()
    if first not in ("---", "+++"):
        return 0
    for i in range(1, len(texts)):
        if texts[i].rstrip() in (first, "..."):
            return i + 1
    return 0


def _blocks(texts: list[str], begin: int) -> Iterator[tuple[str, int, int]]:
    """(kind, first line, last line) for each structural block after ``begin``."""
    i = begin
    n = len(texts)
    # What an indented line after a blank line continues: a list item or an
    # admonition body is prose, anything else starts an indented code block.
    lead = ""
    prev_blank = True
    while i < n:
        t = texts[i]
        if not t.strip():
            yield ("blank", i, i)
            prev_blank = True
            i += 1
            continue
        if "|" in t and _delimiter_row(texts, i + 1) and (lead or not structure.is_indented_code(t)):
            # A table whose rows need not start with a pipe: its header,
            # its delimiter row, and the rows with a pipe after them.
            kind, j = "table", i + 1
            while j + 1 < n and "|" in texts[j + 1] and texts[j + 1].strip():
                j += 1
        elif _PLAIN.match(t):
            # Most lines of prose: one match says what every pattern
            # would, and no more than three spaces make no indented code.
            yield ("prose", i, i)
            lead, prev_blank = "", False
            i += 1
            continue
        else:
            kind, j = _block_at(texts, i, lead, prev_blank)
        yield (kind, i, j)
        if kind in ("list_item", "admonition"):
            lead = kind
        elif kind in ("code", "table") and lead and t[:1] in " \t":
            pass  # a fence or a table in an item's body: the body goes on after it
        elif kind == "code" or not structure.is_indented_code(t):
            lead = ""  # an indented line continues the lead; anything else ends it
        prev_blank = False
        i = j + 1


def _delimiter_row(texts: list[str], i: int) -> bool:
    """Whether line ``i`` is a table's delimiter row (``--- | :---:``)."""
    return i < len(texts) and "|" in texts[i] and _TABLE_DELIMITER.match(texts[i]) is not None


def _block_at(texts: list[str], i: int, lead: str, prev_blank: bool) -> tuple[str, int]:
    """Kind and last line of the block that starts at non-blank line ``i``."""
    t = texts[i]
    n = len(texts)
    # Each pattern below needs a given first character (after white space
    # as str.isspace() has it, which holds every \s of the expressions):
    # a line is tried only against those its first character can start.
    head = t.lstrip()[:1]
    body = lead in ("list_item", "admonition")  # a body's blocks are indented as its text is
    fence = fence_opening(t, body) if head in _FENCE_HEADS else None
    if fence:
        j = i + 1
        while j < n and not closes_fence(texts[j], fence):
            j += 1
        return "code", min(j, n - 1)
    if prev_blank and structure.is_indented_code(t) and not body:
        j = last = i
        while j + 1 < n and (structure.is_indented_code(texts[j + 1]) or not texts[j + 1].strip()):
            j += 1
            if texts[j].strip():
                last = j
        return "code", last
    if head == "$" and t.strip().startswith("$$"):
        # Display math (TeX between "$$" lines, or on one line): an equation
        # a text states again on purpose, never prose.
        if t.strip() != "$$":
            return "math", i
        j = min(i + 1, n - 1)
        while j < n - 1 and not texts[j].rstrip().endswith("$$"):
            j += 1
        return "math", j
    if head == "<" and _HTML_HEADING.match(t):
        return "heading", i
    multi = structure.block_end(texts, i)
    if multi is not None:
        return multi
    if head in _HEADING_HEADS and _HEADING.match(t.lstrip(" \t") if body else t):
        return "heading", i
    if head in _RULE_HEADS and _RULE.match(t):
        return "rule", i
    if head in _TABLE_HEADS and _TABLE.match(t):
        j = i
        while j + 1 < n and _TABLE.match(texts[j + 1]):
            j += 1
        return "table", j
    kind = structure.line_kind(t)
    if kind is not None:
        return kind, i
    if _LIST.match(t):
        return "list_item", i
    return "prose", i


def paragraphs(text: str) -> list[Segment]:
    """Top-level segments of ``text`` in order, each with its kind."""
    plain = _plain_spans(text)
    if plain is None:
        return _paragraphs_by_lines(text)
    return [Segment(s, e, kind) for s, e, kind in plain]


def spans(text: str) -> list[tuple[int, int, str]]:
    """:func:`paragraphs` as ``(start, end, kind)`` tuples: what a corpus
    scan reads of every document, without an object per paragraph (stage
    1 of the 20 MB speed benchmark made 52,000 of them, 0.03 s)."""
    plain = _plain_spans(text)
    if plain is None:
        return [(seg.start, seg.end, seg.kind) for seg in _paragraphs_by_lines(text)]
    return plain


@dataclass(frozen=True)
class SpanTable:
    """Spans of many texts as arrays, in order: span ``i`` is
    ``texts[text[i]][start[i]:end[i]]`` and its kind is ``kinds[kind[i]]``."""

    text: np.ndarray
    start: np.ndarray
    end: np.ndarray
    kind: np.ndarray


def span_table(texts: Sequence[str], kinds: Sequence[str]) -> SpanTable:
    """The spans of :func:`spans` of every text of ``texts`` whose kind is
    one of ``kinds``. The texts of plain lines, most texts by far, are read
    in one kernel call; the others take :func:`spans` one by one. A call
    and a tuple per paragraph of every document cost the 20 MB speed
    benchmark's scan about 0.025 s more (medians of ten runs each)."""
    if KERNEL is None:
        return span_table_by_text(texts, kinds)
    rows = np.frombuffer(KERNEL.plain_paragraph_rows(list(texts), structure.prose_table(), structure.PROSE_SHARE),
                         dtype=np.int64).reshape(-1, 5)
    text, start, end, verdict, item = (rows[:, k] for k in range(5))
    markup = verdict == structure.MARKUP
    for i in np.flatnonzero(verdict == structure.UNDECIDED).tolist():
        markup[i] = structure.markup_by_expression(texts[text[i]][start[i]:end[i]])
    code = {name: kinds.index(name) if name in kinds else -1 for name in ("structure", "list_item", "paragraph")}
    kind = np.where(markup, code["structure"], np.where(item == 1, code["list_item"], code["paragraph"]))
    plain = (start >= 0) & (kind >= 0)
    parts = [(text[plain], start[plain], end[plain], kind[plain])]
    rest = text[start < 0]
    if rest.size:
        other = span_table_by_text([texts[t] for t in rest.tolist()], kinds)
        parts.append((rest[other.text], other.start, other.end, other.kind))
    text, start, end, kind = (np.concatenate(column) for column in zip(*parts))
    # Each text's spans came from one of the two: a stable sort on the
    # text puts them in order without moving any within a text.
    order = np.argsort(text, kind="stable")
    return SpanTable(text[order], start[order], end[order], kind[order].astype(np.int8))


def span_table_by_text(texts: Sequence[str], kinds: Sequence[str]) -> SpanTable:
    """:func:`span_table`, one text at a time (the reference)."""
    rows = [(t, s, e, kinds.index(kind)) for t, text in enumerate(texts) for s, e, kind in spans(text)
            if kind in kinds]
    table = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return SpanTable(table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy(), table[:, 3].astype(np.int8))


def _plain_spans(text: str) -> list[tuple[int, int, str]] | None:
    """The segments of a text of plain prose lines, from the kernel, or
    ``None`` for other text (and without the kernel)."""
    plain = None if KERNEL is None else KERNEL.plain_paragraphs(text, structure.prose_table(), structure.PROSE_SHARE)
    if plain is None:
        return None
    # All but 66 of the speed benchmark's 20,796 articles are only blank
    # lines, plain prose lines and ordered list items: the kernel reads
    # each in one call, and the segmenter takes 0.09 s there, not 0.21.
    return [(s, e, "structure" if verdict == structure.MARKUP
             or (verdict == structure.UNDECIDED and structure.markup_by_expression(text[s:e]))
             else "list_item" if item else "paragraph")
            for s, e, verdict, item in plain]


def _paragraphs_by_lines(text: str) -> list[Segment]:
    """:func:`paragraphs`, block by block: what any text takes without the
    kernel, and text with more than plain prose lines with it."""
    starts, ends, texts = _line_table(text)
    fm = _front_matter_end(texts)
    out: list[Segment] = []
    if fm:
        s, e = _strip(text, starts[0], ends[fm - 1])
        out.append(Segment(s, e, "front_matter"))
    blocks = list(_blocks(texts, fm))
    blank_style = _blank_line_style(blocks)
    current: list[int] | None = None  # [kind_is_list, first, last]
    current_kind = ""

    def flush() -> None:
        nonlocal current
        if current is not None:
            s, e = _strip(text, starts[current[0]], ends[current[1]])
            if e > s:
                # Prose by syntax may still be mostly markup, paths or code.
                kind = "structure" if structure.mostly_markup(text[s:e]) else current_kind
                out.append(Segment(s, e, kind))
            current = None

    for kind, a, b in blocks:
        if kind == "prose":
            # A setext underline turns the paragraph above into a heading.
            if current is not None and _SETEXT.match(texts[a]) and current_kind == "paragraph":
                current_kind = "heading"
                current[1] = a
                flush()
                continue
            if blank_style and current is not None:
                current[1] = b
                continue
            flush()
            current, current_kind = [a, b], "paragraph"
            if not blank_style:
                flush()
            continue
        flush()
        if kind == "blank":
            continue
        if kind == "list_item":
            current, current_kind = [a, b], "list_item"
            if not blank_style:
                flush()
            continue
        s, e = _strip(text, starts[a], ends[b])
        if e > s:
            out.append(Segment(s, e, kind))
    flush()
    return out


def _blank_line_style(blocks: list[tuple[str, int, int]]) -> bool:
    """Whether paragraphs are separated by blank lines: some blank line
    sits between two prose lines (else each prose line is a paragraph)."""
    seen_prose = pending_blank = False
    for kind, _, _ in blocks:
        if kind == "blank":
            pending_blank = seen_prose
        elif kind in ("prose", "list_item"):
            if pending_blank:
                return True
            seen_prose = True
    return False


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``; a trailing piece without
    terminal punctuation is a sentence too (it may be a fragment)."""
    if end is None:
        end = len(text)
    out: list[tuple[int, int]] = []
    pos = start
    # `assert_eq!`, <!-- x --> or ![image](src) ends no sentence.
    # Every inert span holds a backtick, "<" or "[": prose without any
    # (most of it) skips the search.
    inert = ([(m.start(), m.end()) for m in _INERT.finditer(text, start, end)]
             if _INERT_HINT.search(text, start, end) else [])
    for m in _SENTENCE_END.finditer(text, start, end):
        if inert and any(a <= m.start() < b for a, b in inert):
            continue
        s, e = _strip_ws(text, pos, m.end())
        if e > s:
            out.append((s, e))
        pos = m.end()
    s, e = _strip_ws(text, pos, end)
    if e > s:
        out.append((s, e))
    return out


def sentence_spans(texts: list[str], doc: np.ndarray, starts: np.ndarray,
                   ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`sentences` of every span ``texts[doc[i]][starts[i]:ends[i]]``,
    in order, as three arrays: the span each sentence is in, its start and
    its end. One call of the kernel for all of them where it is built."""
    doc, starts, ends = (np.ascontiguousarray(a, dtype=np.int64) for a in (doc, starts, ends))
    if KERNEL is None:
        found = [(i, a, b) for i, (d, s, e) in enumerate(zip(doc.tolist(), starts.tolist(), ends.tolist()))
                 for a, b in sentences(texts[d], s, e)]
        out = np.array(found, dtype=np.int64).reshape(-1, 3)
        return out[:, 0].copy(), out[:, 1].copy(), out[:, 2].copy()
    room = max(16, int((ends - starts).sum()) // 32 + doc.size)
    while True:
        para, first, last = (np.empty(room, dtype=np.int64) for _ in range(3))
        n = KERNEL.sentence_spans(texts, doc, starts, ends, structure.prose_table(), para, first, last)
        if n >= 0:
            return para[:n], first[:n], last[:n]
        room *= 4


def _strip_ws(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True)
class Unit:
    """What is compared for repetition: a prose paragraph (``block`` is its
    number among the prose paragraphs) or one of its sentences."""

    start: int
    end: int
    block: int
    is_sentence: bool


@dataclass(frozen=True)
class Sections:
    """The section of each prose segment, by the headings above it."""

    of: list[int]  # for each segment that is not protected, its section's number
    paths: list[tuple[tuple[int, str], ...]]  # for each section, (level, title) of its headings


#: The level of a tab in a heading path (:func:`sections`): below every
#: heading, and each tab's title its own.
TAB_LEVEL = 7
# A tab's opening and closing lines: Hugo's {{% codetab %}} and {{< tab >}},
# Docusaurus' <TabItem>, pymdown's === "Title", and Next.js's <AppOnly> and
# <PagesOnly> (the page as each of its two routers shows it); and what ends
# a group.
_TAB_OPEN = LazyPattern(r"^\s*(?:\{\{[<%]\s*(?:codetab|tab)\b|<(?:TabItem\b|AppOnly>|PagesOnly>)|===[+!]?\s)")
_TAB_CLOSE = LazyPattern(r"^\s*(?:\{\{[<%]\s*/(?:codetab|tabs?)\b|</(?:TabItem|Tabs|AppOnly|PagesOnly)>)")
# Microsoft Learn's tabs are headings that link to "#tab/...", and a rule
# ("---") ends the group.
_TAB_HEADING = LazyPattern(r"\[[^\]]*\]\(#tab/[^)]*\)")


def sections(text: str, segments: Sequence[Segment]) -> Sections:
    """The sections of a text's :func:`paragraphs` ``segments``: two
    segments share a section number exactly when the headings above them,
    level by level, say the same (titles with white space and case
    folded). A setext heading is of level 1 (``===``) or 2 (``---``). A
    tab of a group of tabs (one per language or system) is a section of
    its own under them, at :data:`TAB_LEVEL`, until its closing line (a
    rule, after a tab heading), the next tab, a heading, or (a pymdown
    tab, whose body is indented) the first prose that is not indented."""
    path: list[tuple[int, str]] = []
    numbers: dict[tuple[tuple[int, str], ...], int] = {}
    out: list[int] = []
    here = -1  # the current section's number, once a segment needs it
    tabs, indented_tab = 0, False
    for seg in segments:
        head = text[seg.start : seg.start + 64]
        in_tab = bool(path) and path[-1][0] == TAB_LEVEL
        level, title = _heading(text[seg.start : seg.end]) if seg.kind == "heading" else (0, "")
        tab_line = seg.protected and _TAB_OPEN.match(head) is not None
        opens = tab_line or (bool(title) and _TAB_HEADING.fullmatch(title) is not None)
        if opens or (seg.protected and _TAB_CLOSE.match(head)) or (in_tab and seg.kind == "rule"):
            if in_tab:
                path.pop()
            if opens:
                tabs += 1
                path.append((TAB_LEVEL, f"tab {tabs}"))
                indented_tab = tab_line and head.lstrip().startswith("===")
            here = -1
        elif seg.kind == "heading":
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, title))
            here = -1
        elif not seg.protected:
            if in_tab and indented_tab and ends_indented_body(text, seg):
                path.pop()
                here = -1
            if here < 0:
                here = numbers.setdefault(tuple(path), len(numbers))
            out.append(here)
    return Sections(out, list(numbers))


def _heading(block: str) -> tuple[int, str]:
    """Level and title (white space folded, case folded) of a heading."""
    first, _, rest = block.partition("\n")
    line = first.strip()
    html = _HTML_HEADING.match(line)
    if html:
        return int(html.group(1)), " ".join(_TAG.sub("", html.group(2)).split()).casefold()
    if line.startswith("#"):
        level = len(line) - len(line.lstrip("#"))
        title = line[level:].strip()
        bare = title.rstrip("#")
        if not bare or bare[-1] in " \t":  # closing hashes, not "C#"
            title = bare
        return level, " ".join(title.split()).casefold()
    return (1 if rest.strip().startswith("=") else 2), " ".join(line.split()).casefold()


def units(text: str, with_sentences: bool = True, segments: Sequence[Segment] | None = None) -> list[Unit]:
    """The prose paragraphs of ``text`` (structure left out), each followed
    by its sentences when it has two or more: the one rule for what one
    text, the index and its queries compare. ``segments`` are the text's
    :func:`paragraphs`, when the caller has them."""
    blocks = [s for s in (paragraphs(text) if segments is None else segments) if not s.protected]
    by_block: list[list[tuple[int, int]]] = [[] for _ in blocks]
    if with_sentences and blocks:
        starts = np.array([b.start for b in blocks], dtype=np.int64)
        ends = np.array([b.end for b in blocks], dtype=np.int64)
        which, first, last = sentence_spans([text], np.zeros(len(blocks), dtype=np.int64), starts, ends)
        for i, s, e in zip(which.tolist(), first.tolist(), last.tolist()):
            by_block[i].append((s, e))
    out: list[Unit] = []
    for i, b in enumerate(blocks):
        out.append(Unit(b.start, b.end, i, False))
        own = by_block[i]
        if len(own) >= 2:
            if own[0][0] == b.start and text[b.start] in _MARK_HEADS:
                # A "sentence" that is the marker alone ("0." of "0. AA") stays.
                past = _past_mark(text, b.start)
                if past < own[0][1]:
                    own[0] = (past, own[0][1])
            out.extend(Unit(s, e, i, True) for s, e in own)
    return out


# A list item's marker or a block quote's, before a paragraph's first
# sentence: it belongs to the paragraph, so that removing that sentence
# alone leaves the rest of the item in its list (or the quote a quote).
_MARK = LazyPattern(_LIST_MARK + r"[ \t]+|>[ \t]*")
_MARK_HEADS = "-*+>0123456789"


def _past_mark(text: str, start: int) -> int:
    m = _MARK.match(text, start)
    return m.end() if m else start
