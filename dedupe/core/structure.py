"""The structure model: markup that documents repeat by design.

Writers repeat markup on purpose: a file-name caption above every listing,
an include line per example, admonition openers, HTML comments, link
reference definitions, image lines. None of it is evidence of a loop or a
copy-paste accident, so the segmenter gives such blocks a protected kind
and the detector never removes or reports them by default.

Two layers:

- *syntax*: the block and include syntax of Markdown, HTML, reST and the
  common docs generators (mkdocs-material / pymdown, mdBook, Hugo,
  Jekyll / Liquid, Docusaurus / VitePress, MDX), recognised by
  :func:`line_kind` for one line and :func:`block_end` for the multi-line
  forms (HTML comments and blocks, reST directives with their bodies,
  snippet blocks);
- *content*: :func:`mostly_markup` calls a block structural when little of
  it is prose: most of its weight is tags, punctuation, URLs, paths, code
  spans or identifiers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import regex

from dedupe._lazy import LazyAlternation, LazyPattern
from dedupe.core.shingle import KERNEL, property_runs, table_sources
from dedupe.io.tablecache import cached_tables

#: Kinds this module gives to blocks; the segmenter protects all of them.
KINDS = frozenset({"comment", "html", "directive", "include", "admonition", "container",
                   "link_def", "image", "structure"})

# CommonMark's HTML block start conditions 2-6 (comments, processing
# instructions, declarations, CDATA, block-level tags), plus the media and
# inline-but-standalone tags that docs put on a line of their own.
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|"
    "dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|"
    "iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|"
    "summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul|img|picture|source|video|audio|svg|"
    "script|style|pre|textarea|br|object|embed|canvas|math"
)
_HTML_BLOCK = LazyPattern(rf"^ {{0,3}}</?(?:{_BLOCK_TAGS})(?=[\s/>]|$)", regex.IGNORECASE)
_HTML_TABLE = LazyPattern(r"^ {0,3}</?(?:table|caption|colgroup|col|thead|tbody|tfoot|tr)(?=[\s/>]|$)",
                          regex.IGNORECASE)
# A line that is one tag (any name, JSX components included) and nothing else.
_TAG_ONLY = LazyPattern(r"^ {0,3}</?[A-Za-z][\w.:-]*(?:\s[^<>]*)?/?>\s*$")
_COMMENT_OPEN = LazyPattern(r"^ {0,3}<!--")
_DIRECTIVE = LazyPattern(r"^\.\.\s+(?:[\w:.+-]+::|_[^:]*:|\|[^|]+\|\s+[\w-]+::|\[[^\]]+\])")
_LINK_LABEL = LazyPattern(r"^ {0,3}\[[^\]]+\]:\s*$")
_SNIPPET = LazyPattern(r"^\s*-{1,2}8<-{1,2}")

# Each syntax with the characters its lines can start with (after white
# space): a line is tried only against the patterns its first character
# can start (:func:`line_kind`), in this order.
_LINE_KINDS: tuple[tuple[str, str, LazyPattern], ...] = (
    # mdBook {{#include}} / {{#rustdoc_include}} / {{#playground}}, Hugo
    # {{< >}} and {{% %}} shortcodes, Liquid {{ }} / {% %} tags and the
    # {* path *} include of some docs sites, each alone on its line.
    ("include", "{", LazyPattern(r"^\s*(?:\{\{[#<%]?.*?[>%]?\}\}|\{%.*?%\}|\{\*.*?\*\})\s*$")),
    ("include", "-", _SNIPPET),
    # MDX module lines.
    ("include", "ie", LazyPattern(
        r"^(?:import\s+(?:[\w*{}\s,]+\s+from\s+)?['\"][^'\"]+['\"];?"
        r"|export\s+(?:default\s+|const\s+|let\s+|function\s+|\{|\*))")),
    # mkdocs-material / pymdown admonitions and collapsible blocks, pymdown
    # "///" blocks, Docusaurus / VitePress / markdown-it ":::" containers.
    ("admonition", "!?", LazyPattern(r"^ {0,3}(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s.*)?$")),
    ("admonition", "/", LazyPattern(r"^ {0,3}/{3,}(?:\s.*)?$")),
    # pymdown tabs (=== "Python"), whose body is indented as an admonition's.
    ("admonition", "=", LazyPattern(r'^ {0,3}===[+!]?\s+".*"\s*$')),
    ("container", ":", LazyPattern(r"^ {0,3}:{3,}(?:\s*[\w{].*)?$")),
    # [label]: url "title"
    ("link_def", "[", LazyPattern(r"^ {0,3}\[[^\]]+\]:\s*\S+(?:\s+[\"'(].*[\"')])?\s*$")),
    # A line that is one image, possibly linked: ![alt](src), [![alt](src)](href), ![alt][ref].
    ("image", "[!", LazyPattern(r"^\s*\[?!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])(?:\]\([^)]*\))?\s*$")),
    ("html", "<", _TAG_ONLY),
)


# What every pattern of _LINE_KINDS, or of block_end, needs at the start
# of a line, and the character each starts with: most lines are prose and
# are answered by this one match, and a line of markup is tried only
# against the patterns its first character can start (a line that starts
# with a link took some twenty expressions, now six).
_LINE_START = LazyPattern(r"\s*([{\-!?/:\[<=]|(?=import\s|export\s)[ie])")
_BLOCK_START = LazyPattern(r"\s*([<\[\-])|\.\.")
_KINDS_BY_START = {c: tuple((kind, pattern) for kind, starts, pattern in _LINE_KINDS if c in starts)
                   for c in "{-!?/:[<=ie"}


def line_kind(text: str) -> str | None:
    """The structural kind of one line by its syntax, or ``None`` for a line
    that is not markup by syntax alone."""
    m = _LINE_START.match(text)
    if m is None:
        return None
    for kind, pattern in _KINDS_BY_START[m.group(1)]:
        if pattern.match(text):
            return kind
    return None


def block_end(lines: list[str], i: int) -> tuple[str, int] | None:
    """``(kind, last line)`` of a multi-line structural block starting at
    line ``i``, or ``None`` when none starts there.

    HTML comments run to their ``-->``; HTML blocks (a block-level tag at the
    start of a line) to the next blank line, as in CommonMark, and are
    ``"prose"`` when they are not mostly markup; reST
    directives take the indented body that follows; a snippet block runs to
    its closing ``--8<--``."""
    t = lines[i]
    m = _BLOCK_START.match(t)
    if m is None:
        return None
    start = m.group(1) or "."  # "<" comments and HTML, "[" labels, "-" snippets, ".." directives
    n = len(lines)
    if start == "<" and _COMMENT_OPEN.match(t):
        j = i
        while j < n - 1 and "-->" not in (lines[j][t.index("<!--") + 4:] if j == i else lines[j]):
            j += 1
        return "comment", j
    if start == "<" and _HTML_BLOCK.match(t):
        j = i
        while j + 1 < n and lines[j + 1].strip():
            j += 1
        # <p>, <li> or <td> around prose (an HTML page) is prose; a block
        # that opens a table or a row is a table, as in Markdown, whatever
        # its cells say.
        table = _HTML_TABLE.match(t) is not None
        return ("html" if table or mostly_markup("\n".join(lines[i : j + 1])) else "prose"), j
    if start == "." and _DIRECTIVE.match(t):
        return "directive", _indented_body_end(lines, i)
    if start == "[" and _LINK_LABEL.match(t) and i + 1 < n and regex.match(r"^\s*\S+(?:\s+[\"'(].*)?$", lines[i + 1]):
        return "link_def", i + 1  # CommonMark lets the destination go on the next line
    if start == "-" and _SNIPPET.match(t) and regex.fullmatch(r"\s*-{1,2}8<-{1,2}\s*", t):
        j = i + 1
        while j < n and not _SNIPPET.match(lines[j]):
            j += 1
        return "include", min(j, n - 1)
    return None


def _indented_body_end(lines: list[str], i: int) -> int:
    """Last line of the indented (or option) lines and blank lines after
    line ``i``; trailing blank lines are not part of it."""
    j = last = i
    while j + 1 < len(lines):
        nxt = lines[j + 1]
        if nxt.strip() and not nxt[:1].isspace():
            break
        j += 1
        if nxt.strip():
            last = j
    return last


def is_indented_code(text: str) -> bool:
    """Four spaces or a tab before content: an indented code block line."""
    return text.startswith(("    ", "\t")) and bool(text.strip())


#: A code span: no CJK text and no sentence end followed by white space
#: inside, at most 80 characters, so that a stray backtick (a copy cut
#: inside a span) does not pair with one sentences away and turn prose
#: into code.
CODE_SPAN = (r"`(?:[^`\n.!?。！？\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]|[.!?](?=\S)){1,80}`")

# Markup and non-prose spans, removed before prose is weighed. A text is
# read with the alternatives it can match: the URL, path, file name and
# identifier ones try at every word and fail without a ":", a "/", a "."
# before a letter or a "_"; on the Rust book's 2,698 paragraphs that reach
# this expression it took 0.13 s whole and takes 0.048 s so (with four
# tests, sixteen variants at most).
_NON_PROSE = LazyAlternation((
    (r"<[^<>]*>", ()),  # HTML tags (attributes may wrap), JSX components
    (CODE_SPAN, ()),  # code spans
    (r"\]\([^)\s]*\)", ()),  # link targets
    (r"(?:https?|ftp|file|mailto):\S+|www\.\S+", (":", "www.")),  # URLs
    (r"[\w.~-]*(?:/[\w.~*@:+-]+)+/?", ("/",)),  # paths (a/b, ./x, /usr/bin)
    (r"\b[\w-]+\.(?:[a-z]{1,5}\d?)\b(?=[\s:;,)\]]|$)", LazyPattern(r"\.[a-z]")),  # file names
    (r"\b\w+(?:_\w+|::\w+)+\b", ("_", "::")),  # snake_case, a::b identifiers
    (r"&\w+;", ()),  # entities
))
_NOT_LETTER = LazyPattern(r"\P{L}+")
_SPACE = LazyPattern(r"\s+")
_WIDE = LazyPattern(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
# Every non-prose span above contains one of these; text without any (most
# prose paragraphs) skips the slow alternation.
_MARKUP_HINT = LazyPattern(r"[<`/_&\]:]|\w\.\w")

#: A block is markup when less than this share of its visible characters
#: is prose. The Rust book's captions ("Filename: src/main.rs" in a span,
#: 20-30 % prose) and include lines sit far below; the most code-heavy
#: prose paragraph of the three translations is above 0.45.
PROSE_SHARE = 0.4


@functools.cache
def prose_table() -> np.ndarray:
    """Bits of every code point for the kernel's :func:`prose_share` and
    :func:`dedupe.core.segment.sentence_spans`, from the regular
    expressions' classes: 1 white space, 2 a letter, 4 a wide character
    (which no code span holds), 8 a word character, 16 a character of the
    markup hint, 32 a digit or other number. Built on first use, once per
    process (a constant, as :func:`dedupe.core.shingle.tables`, and kept
    on disk as they are)."""
    return cached_tables("prose", ["prose"], table_sources(__name__), _prose_table)["prose"]


def _prose_table() -> dict[str, np.ndarray]:
    table = np.zeros(0x110000, dtype=np.uint8)
    patterns = (r"\s+", r"\p{L}+", _WIDE.pattern + "+", r"\w+", r"[<`/_&\]:]+", r"\p{N}+")
    for bit, runs in zip((1, 2, 4, 8, 16, 32), property_runs(patterns)):
        for a, b in runs:
            table[a:b] |= bit
    table[0xD800:0xE000] = 0  # lone surrogates: none of these
    return {"prose": table}


def prose_share(text: str) -> float:
    """Share of the visible characters of ``text`` that are prose letters,
    a Han/Kana/Hangul character weighing two (one such character carries
    about as much as a short word)."""
    if KERNEL is None:
        return prose_share_regex(text)
    return _share(text, KERNEL.prose_counts, KERNEL.prose_counts(text, prose_table()))


def _share(text: str, prose_counts: Callable[[str, np.ndarray], tuple[int, int, int, bool, int]],
           counts: tuple[int, int, int, bool, int]) -> float:
    """:func:`prose_share` of ``text`` from its ``counts`` by the kernel's
    ``prose_counts``."""
    visible, letters, wide, hint, _ = counts
    if visible == 0:
        return 0.0
    if hint:
        # Only text that may hold markup pays for the alternation.
        _, letters, rest_wide, _, _ = prose_counts(_NON_PROSE.for_text(text).sub(" ", text), prose_table())
        letters += rest_wide
    else:
        letters += wide
    return letters / (visible + wide)


def prose_share_regex(text: str) -> float:
    """:func:`prose_share` by regular expressions (the reference)."""
    visible = len(_SPACE.sub("", text))
    if visible == 0:
        return 0.0
    rest = _NON_PROSE.whole.sub(" ", text) if _MARKUP_HINT.search(text) else text
    wide = len(_WIDE.findall(text))
    letters = len(_NOT_LETTER.sub("", rest)) + (len(_WIDE.findall(rest)) if rest is not text else wide)
    return letters / (visible + wide)


#: The kernel's ``markup_verdict`` and ``plain_paragraphs`` answers:
#: mostly markup, or only the non-prose expression can tell (0 is prose).
MARKUP, UNDECIDED = 1, 2


def mostly_markup(text: str) -> bool:
    """A block whose content is mostly markup, punctuation, paths or
    identifiers: structure, whatever its syntax."""
    if KERNEL is None:
        return prose_share_regex(text) < PROSE_SHARE
    # The kernel's counts decide without the non-prose expression when the
    # text has no markup hint, or when even without the letters that
    # expression could remove (those of the runs where a span can start,
    # see the kernel's prose_counts) the share is prose's: it took a
    # quarter of the segmenter's time on the few paragraphs with a hint;
    # now four in five of them skip it.
    verdict = KERNEL.markup_verdict(text, prose_table(), PROSE_SHARE)
    if verdict != UNDECIDED:
        return bool(verdict)
    return markup_by_expression(text)


def markup_by_expression(text: str) -> bool:
    """:func:`mostly_markup` of a text the kernel's counts leave
    ``UNDECIDED``: the non-prose expression removes what it matches, and
    the share of what is left decides."""
    if KERNEL is None:
        return prose_share_regex(text) < PROSE_SHARE
    return _share(text, KERNEL.prose_counts, KERNEL.prose_counts(text, prose_table())) < PROSE_SHARE
