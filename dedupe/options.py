"""Options shared by every stage, as one frozen dataclass.

Defaults were chosen with ``benchmarks/quality.py --sweep`` (see the
README's "Operating point" section), over n-gram sizes 2-5, containment
0.75-0.95 and Jaccard 0.5-0.8 on Japanese, Chinese and English documents
with planted copies:

- ``ngram=3`` has the widest plateau: F1 >= 0.9995 for every containment
  from 0.75 to 0.9. 2-token shingles start removing same-topic Chinese
  text (worst precision 0.990-0.996 below 0.9); 4 and 5 lose recall on
  lightly edited CJK copies as soon as containment rises (an edit breaks
  ``ngram`` shingles), so they only work in a narrow band.
- ``containment=0.85``: worst precision 0.9989 and worst recall 0.9992
  across the languages; lower values remove more templated same-topic
  sentences (a Chinese article repeats "<region> version is shown in
  <places> ... its programmes differ" with the region changed), 0.9 and
  above miss edited and truncated copies.
- ``threshold=0.7`` (Jaccard): in ``clean`` a copy at least as long as
  its kept original must reach both the containment and this Jaccard
  threshold (near-duplicate), while a shorter one (a truncated copy, a
  fragment) is judged by containment alone. Below about 0.74 the Jaccard
  test is implied by containment 0.85 for equal-length copies, so the sweep
  of 0.5-0.8 gave identical scores; raise it to keep lightly edited copies.
  It also decides which documents and paragraphs ``scan`` groups.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from dedupe.errors import OptionsError

Keep = Literal["first", "longest"]


@dataclass(frozen=True)
class Options:
    """How duplicates are found and which copy is kept.

    threshold:
        Jaccard similarity of shingle sets at or above which two segments
        are near-duplicates.
    containment:
        Share of a segment's shingles found in a kept segment at or above
        which the segment is a truncated copy or a fragment of it.
    ngram:
        Tokens per shingle. A token is one Han/Kana/Hangul/Thai character
        or one word in scripts that separate words with spaces.
    min_tokens:
        Segments (paragraphs or sentences) with fewer tokens are never
        removed on their own: short lines repeat legitimately.
    keep:
        ``"first"`` keeps the first occurrence, ``"longest"`` the longest.
    sentences:
        Also look for repeated sentences inside kept paragraphs.
    num_perm, seed:
        MinHash signature size and permutation seed (LSH candidates).
    """

    threshold: float = 0.7
    containment: float = 0.85
    ngram: int = 3
    min_tokens: int = 8
    keep: Keep = "first"
    sentences: bool = True
    num_perm: int = 128
    seed: int = 1

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise OptionsError(f"threshold must be in (0, 1], got {self.threshold!r}")
        if not 0.0 < self.containment <= 1.0:
            raise OptionsError(f"containment must be in (0, 1], got {self.containment!r}")
        if not isinstance(self.ngram, int) or not 1 <= self.ngram <= 16:
            raise OptionsError(f"ngram must be an integer from 1 to 16, got {self.ngram!r}")
        if not isinstance(self.min_tokens, int) or self.min_tokens < 1:
            raise OptionsError(f"min_tokens must be a positive integer, got {self.min_tokens!r}")
        if self.keep not in ("first", "longest"):
            raise OptionsError(f"keep must be 'first' or 'longest', got {self.keep!r}")
        if not isinstance(self.num_perm, int) or not 8 <= self.num_perm <= 1024:
            raise OptionsError(f"num_perm must be an integer from 8 to 1024, got {self.num_perm!r}")

    @classmethod
    def build(cls, options: "Options | None" = None, **overrides: Any) -> "Options":
        """Options from an optional base plus keyword overrides; unknown
        keywords are an error that names them."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise OptionsError(f"unknown option(s): {', '.join(unknown)}")
        base = options if options is not None else cls()
        return replace(base, **overrides) if overrides else base
