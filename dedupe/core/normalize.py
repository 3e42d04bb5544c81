"""Text normalization before tokenizing.

NFKC folds full-width and half-width forms (``ＡＢＣ`` → ``ABC``,
``ｶﾞ`` → ``ガ``) and composes combining marks, so dakuten and other marks
that change meaning are kept, never stripped. Case folding follows.
White space and punctuation are folded later by the tokenizer, which
treats every run of them as one token boundary.
"""

from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    """NFKC, then Unicode case folding."""
    return unicodedata.normalize("NFKC", text).casefold()
