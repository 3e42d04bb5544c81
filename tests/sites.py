"""Site builders shared by the tests: made-up prose, pages with a footer,
and a small docs site with one planted problem per rule."""

from __future__ import annotations

import random
from pathlib import Path


def _vocabulary(n: int = 3000) -> tuple[str, ...]:
    rng = random.Random(0)
    return tuple(
        "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
        for _ in range(n)
    )


_VOCAB = _vocabulary()


def prose(seed: int, sentences: int = 3) -> str:
    """A paragraph of made-up words, different for every seed."""
    rng = random.Random(seed)
    out = []
    for _ in range(sentences):
        words = [rng.choice(_VOCAB) for _ in range(rng.randint(10, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


FOOTER = ("Thanks for reading the Example Docs. This page was last updated on {date} and is "
          "published under the Creative Commons licence; report mistakes on the issue tracker "
          "and subscribe to the newsletter for monthly updates about new guides.")


def page(title: str, paragraphs: list[str], date: str = "2025-01-01") -> str:
    body = "\n\n".join(paragraphs)
    return f"---\ntitle: {title}\n---\n\n# {title}\n\n{body}\n\n{FOOTER.format(date=date)}\n"


def make_site(root: Path) -> dict[str, Path]:
    """A docs site with one planted problem per rule:

    - ``intro.md`` repeats its first paragraph at the end (DUP001);
    - ``guide-copy.md`` is ``guide.md`` with one word changed (DUP002);
    - ``news.md`` copies a paragraph of ``intro.md`` (DUP003);
    - ``stub.md`` is a heading, one sentence and the footer (DUP005);
    - ``clean-a.md`` … ``clean-c.md`` have nothing to report.
    Every page ends with the same footer with a different date.
    """
    docs = root / "docs"
    docs.mkdir(parents=True)
    intro = [prose(1), prose(2), prose(3)]
    guide = [prose(10), prose(11), prose(12), prose(13)]
    guide_copy = list(guide)
    guide_copy[1] = guide_copy[1].replace(".", " indeed.", 1)
    files = {
        "intro": page("Intro", intro + [intro[0]], "2025-01-02"),
        "guide": page("Guide", guide, "2025-02-03"),
        "guide-copy": page("Guide copy", guide_copy, "2025-03-04"),
        "news": page("News", [prose(20), intro[1], prose(21)], "2025-04-05"),
        "stub": page("Stub", ["Coming soon."], "2025-05-06"),
        "clean-a": page("A", [prose(30), prose(31)], "2025-06-07"),
        "clean-b": page("B", [prose(40), prose(41)], "2025-07-08"),
        "clean-c": page("C", [prose(50), prose(51)], "2025-08-09"),
    }
    out = {}
    for name, text in files.items():
        p = docs / f"{name}.md"
        p.write_text(text, encoding="utf-8")
        out[name] = p
    return out


#: Three long English sentences on unrelated subjects, for detection fixtures.
LONG_SENTENCES = [
    "The configuration loader reads every file in the settings folder, merges the values in "
    "alphabetical order and reports the first key that has a value of the wrong type.",
    "When the cache is cold the first request takes noticeably longer, because the templates are "
    "compiled and stored before the response is written back to the client.",
    "Each worker keeps its own connection pool, so a slow database query holds up only the requests "
    "that were routed to that worker and never the whole service.",
]
