"""Delete removed spans and tidy the white space around them.

Only white space that touches a removed span is changed: where a removal
joins two gaps (say the blank line before a deleted paragraph and the one
after it), the gap with the fewest line breaks stays, but a blank line on
either side stays too; a removal that
reaches the end of the text leaves a single line break. Every other
character of the input is kept as it is.
"""

from __future__ import annotations

from collections.abc import Iterable


def delete_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` without the (sorted, non-overlapping) spans, gaps tidied."""
    spans = sorted(spans)
    if not spans:
        return text
    out: list[str] = []
    pending: list[str] = []  # white space gathered around removals
    pos = 0
    cuts = [*spans, (len(text), len(text))]
    for k, (start, end) in enumerate(cuts):
        piece = text[pos:start]
        before_removed = k > 0
        after_removed = k < len(spans)
        body = piece
        lead = trail = ""
        if before_removed:
            stripped = body.lstrip()
            lead, body = body[: len(body) - len(stripped)], stripped
        if after_removed:
            stripped = body.rstrip()
            trail, body = body[len(stripped) :], stripped
        if not body:
            pending.extend([lead, trail])
        else:
            if before_removed:
                pending.append(lead)
                if out:
                    out.append(_choose_gap(pending))
                pending = []
            out.append(body)
            if after_removed:
                pending = [trail]
        pos = end
    if pending and out:
        out.append(_final_gap(pending))
    return "".join(out)


def _choose_gap(pieces: list[str]) -> str:
    with_breaks = [p for p in pieces if "\n" in p]
    if not with_breaks:
        return next((p for p in pieces if p), "")
    # A blank line on either side of a removal ends a block (a list, a
    # paragraph) and stays: the smallest gap that keeps one, else the
    # smallest. Without it, the paragraph after a removed last list item
    # joined the list.
    blank = [p for p in with_breaks if p.count("\n") >= 2]
    gap = min(blank or with_breaks, key=lambda p: p.count("\n"))
    # What follows a gap's last line break indents the next line: that of
    # the kept text after the gap (the last piece's) when it starts a line
    # of its own, not that of a removed line. Taking the removed line's
    # moved a heading after a deleted admonition body into the admonition.
    last = pieces[-1]
    if "\n" in last:
        return gap[: gap.rindex("\n") + 1] + last[last.rindex("\n") + 1 :]
    return gap


def _final_gap(pieces: list[str]) -> str:
    breaks = [p for p in pieces if "\n" in p]
    if not breaks:
        return ""
    return "\r\n" if "\r\n" in breaks[0] else "\n"
