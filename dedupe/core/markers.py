"""Inline ignore markers for Markdown and HTML.

    <!-- dedupe: off -->       stop reporting from here ...
    <!-- dedupe: on -->        ... to here (or to the end of the file)
    <!-- dedupe: ignore-next -->   do not report the next block (the run of
                                   non-blank lines after the marker)

A finding is suppressed when it starts inside a suppressed region (a
finding about the whole article: when the article's text, after any
front matter, starts inside one). The
text there is still read: a later copy of it, outside the region, is
reported as usual, so wrap the copy you mean to keep, not the original.
Markers inside fenced code blocks and code spans are examples, not
markers, and are skipped; a marker with an unknown directive is an
error, because a typo would otherwise silently report (or hide)
everything after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dedupe.core.segment import closes_fence, fence_opening, paragraphs
from dedupe.core.segment import lines as segment_lines
from dedupe.errors import InputError

_MARKER = re.compile(r"<!--\s*dedupe\s*:\s*([A-Za-z-]*)\s*-->")
DIRECTIVES = ("off", "on", "ignore-next")
# A run of backticks, the shortest text, and a run of as many: a code span,
# whose text is shown as it is. A marker inside one is an example (a page
# that documents the markers), not a comment.
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def _markers(line: str) -> list[re.Match[str]]:
    """The markers of one line outside its code spans."""
    found = list(_MARKER.finditer(line))
    if not found or "`" not in line:
        return found
    spans = [m.span() for m in _CODE_SPAN.finditer(line)]
    return [m for m in found if not any(a <= m.start() < b for a, b in spans)]


@dataclass(frozen=True)
class Region:
    """``[start, end)`` character offsets that are not reported."""

    start: int
    end: int
    line: int
    end_line: int


def suppressed_regions(text: str, name: str = "<text>") -> list[Region]:
    """The regions of ``text`` that inline markers switch off, in order."""
    lines = [(ln.start, ln.end) for ln in segment_lines(text)]
    regions: list[Region] = []
    fence: str | None = None
    off_at: tuple[int, int] | None = None  # (offset, line number) where "off" began
    pending_next = False
    i = 0
    while i < len(lines):
        start, end = lines[i]
        body = text[start:end]
        if fence is None:
            fence = fence_opening(body)
            at_fence = fence is not None
        else:
            at_fence = closes_fence(body, fence)
            if at_fence:
                fence = None
        if fence is not None and not at_fence:
            i += 1
            continue
        if pending_next and body.strip() and not _MARKER.fullmatch(body.strip()):
            j = i
            while j + 1 < len(lines) and text[lines[j + 1][0]:lines[j + 1][1]].strip():
                j += 1
            if off_at is None:
                regions.append(Region(start, lines[j][1], i + 1, j + 1))
            pending_next = False
            i = j + 1
            continue
        if fence is None:
            for mm in _markers(body):
                directive = mm.group(1).lower()
                if directive not in DIRECTIVES:
                    raise InputError(
                        f"{name}:{i + 1}: unknown dedupe marker {mm.group(0)!r} "
                        f"(expected one of: {', '.join(f'<!-- dedupe: {d} -->' for d in DIRECTIVES)})"
                    )
                if directive == "off" and off_at is None:
                    off_at = (start + mm.start(), i + 1)
                elif directive == "on" and off_at is not None:
                    regions.append(Region(off_at[0], start + mm.start(), off_at[1], i + 1))
                    off_at = None
                elif directive == "ignore-next":
                    pending_next = True
        i += 1
    if off_at is not None:
        regions.append(Region(off_at[0], len(text), off_at[1], max(len(lines), 1)))
    return regions


def article_start(text: str) -> int:
    """Where the article's own text begins: after front matter, blank lines
    and marker lines. Findings about the whole article (a near-duplicate
    article, a mostly-boilerplate one) are suppressed when this offset is,
    so an ``off`` marker at the top of the body switches them off."""
    # Front matter as the segmenter sees it, so that the two never disagree.
    first = next(iter(paragraphs(text)), None)
    pos = first.end if first is not None and first.kind == "front_matter" else 0
    for line in text[pos:].splitlines(keepends=True):
        body = line.strip()
        if body and not _MARKER.fullmatch(body):
            break
        pos += len(line)
    return min(pos, len(text))


def is_suppressed(offset: int, regions: list[Region]) -> bool:
    return any(r.start <= offset < r.end for r in regions)
