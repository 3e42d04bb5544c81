"""Hypothesis strategies shared by the test modules: documents made of
multilingual paragraphs with planted repeats and Markdown structure."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"

_LATIN = "abcdefghijklmnopqrstuvwxyz"
_KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
_KANJI = "日本語文章業界技術開発市場競争信頼性速度向上企業導入課題情報社会実装専門知識"
_HANZI = "中国文化历史城市经济发展人民政府学校大学研究科学技术国家世界音乐电影"

latin_word = st.text(_LATIN, min_size=2, max_size=9)


@st.composite
def english_sentence(draw) -> str:
    words = draw(st.lists(latin_word, min_size=8, max_size=18))
    words[0] = words[0].capitalize()
    return " ".join(words) + draw(st.sampled_from([".", ".", "!", "?"]))


@st.composite
def japanese_sentence(draw) -> str:
    body = draw(st.text(_KANA + _KANJI, min_size=12, max_size=40))
    return body + "。"


@st.composite
def chinese_sentence(draw) -> str:
    body = draw(st.text(_HANZI, min_size=12, max_size=40))
    return body + draw(st.sampled_from(["。", "！", "？"]))


sentence = st.one_of(english_sentence(), japanese_sentence(), chinese_sentence())


@st.composite
def paragraph(draw) -> str:
    sents = draw(st.lists(sentence, min_size=1, max_size=4))
    joiner = "" if all(s[-1] in "。！？" for s in sents) else " "
    return joiner.join(sents)


structural_line = st.sampled_from(
    ["## Summary", "# Notes", "---", "***", "| a | b |", "- item", "* yes", "1. one"]
)


@st.composite
def document(draw, max_paragraphs: int = 8) -> str:
    """A Markdown document whose paragraphs may repeat earlier ones, whole
    or as single sentences, between legitimately repeated structure."""
    pool = draw(st.lists(paragraph(), min_size=1, max_size=max_paragraphs))
    blocks: list[str] = []
    if draw(st.booleans()):
        blocks.append("---\ntitle: " + draw(latin_word) + "\n---")
    for _ in range(draw(st.integers(1, max_paragraphs + 4))):
        choice = draw(st.integers(0, 9))
        if choice <= 4:
            blocks.append(draw(st.sampled_from(pool)))
        elif choice <= 6:
            blocks.append(draw(structural_line))
        elif choice == 7:
            blocks.append("```\n" + draw(st.sampled_from(pool)) + "\n```")
        else:
            # A repeated sentence as a paragraph of its own, or glued on.
            p = draw(st.sampled_from(pool))
            blocks.append(p.split("。")[0] + "。" if "。" in p else p.split(". ")[0])
    gap = draw(st.sampled_from(["\n\n", "\n\n\n", "\r\n\r\n"]))
    return gap.join(blocks) + draw(st.sampled_from(["", "\n", "\n\n"]))


@st.composite
def long_document(draw) -> str:
    """A document of 20 to 70 blocks, most of them new text, where a few
    paragraphs repeat whole (long ones, which go wherever they repeat, and
    generated ones of any script) and a few sentences of 10 to 16 words
    repeat glued onto new paragraphs or as list items: near and far for the
    evidence rule's distance, with removed paragraphs between or not, under
    headings that repeat, differ or name releases, code blocks of up to
    30 lines between (which count by their lines), list items with their
    description indented under them, the same steps nested under two
    items, tables whose rows start with no pipe, a reference's entries
    (a name alone on the first line), numbered examples with a note right
    under their code, callouts whose bodies may repeat (indented, or
    between a pymdown block's lines), headings in HTML, and quotes of the
    page's text as written or written another way (other case, spacing or
    punctuation, a style guide's wrong way)."""
    from tests.sites import prose

    seed = st.integers(0, 10**6)
    whole = [prose(x) for x in draw(st.lists(seed, min_size=1, max_size=3))]
    whole += draw(st.lists(paragraph(), max_size=2))
    glued = [prose(x, sentences=1) for x in draw(st.lists(seed, min_size=1, max_size=3))]
    headings = ["## Setup", "## Usage", "## 1.2.0", "## 1.1.0rc1", "### Changed", "<h2 id='usage'>Usage</h2>"]
    ways = [str, str.upper, lambda s: s.replace(", ", " , "), lambda s: s.replace(".", "!!")]
    blocks: list[str] = []
    for _ in range(draw(st.integers(20, 70))):
        choice = draw(st.integers(0, 14))
        filler = prose(draw(seed), sentences=draw(st.integers(1, 3)))
        if choice <= 2:
            blocks.append(draw(st.sampled_from(whole)))
        elif choice == 3:
            blocks.append(filler + " " + draw(st.sampled_from(glued)))
        elif choice == 4:
            blocks.append(draw(st.sampled_from(headings)))
        elif choice == 5:
            # A list whose items may repeat those of other lists.
            items = draw(st.lists(st.sampled_from(glued + [filler]), min_size=1, max_size=4))
            blocks.append("\n".join("- " + item for item in items))
        elif choice == 6:
            blocks.append("```\n" + "\n".join(f"line {k}" for k in range(draw(st.integers(1, 30)))) + "\n```")
        elif choice == 7:
            # An item of a reference (an option's name, or a sentence) with
            # its description indented under it, which may repeat the text
            # of other items.
            lead = draw(st.sampled_from([f"`option-{draw(seed)}`:", filler]))
            body = draw(st.lists(st.sampled_from(whole + glued + [filler]), min_size=1, max_size=3))
            blocks.append(f"* {lead}\n\n" + "\n\n".join(textwrap.indent(p, "    ") for p in body))
        elif choice == 8 and draw(st.booleans()):
            # A table whose rows do not start with a pipe, cells repeating.
            rows = draw(st.lists(st.sampled_from(glued + [filler]), min_size=1, max_size=3))
            blocks.append("name | description\n--- | ---\n" + "\n".join(f"`n{k}` | {r}" for k, r in enumerate(rows)))
        elif choice == 8:
            # The same steps nested under two items of a list.
            steps = "\n".join("    1. " + x for x in draw(st.lists(st.sampled_from(glued + [filler]), min_size=1,
                                                                      max_size=3)))
            blocks.append(f"- {filler}\n{steps}\n- {prose(draw(seed), sentences=1)}\n{steps}")
        elif choice == 9:
            # An entry of a reference: its name alone on the first line,
            # then its description, which may end with another's text.
            tail = draw(st.sampled_from(whole + glued + [filler]))
            blocks.append(f"`Name{draw(seed)}`  <a name=\"n\"></a>\n{filler}  \n{tail}")
        elif choice == 10:
            # A numbered example whose note is written right under its code.
            note = draw(st.sampled_from(glued + [filler]))
            blocks.append(f"1. {filler}\n    ```sql\n    SELECT {draw(seed)};\n    ```\n{note}")
        elif choice == 11:
            # A callout, whose body may repeat text of the page.
            body = draw(st.lists(st.sampled_from(whole + glued + [filler]), min_size=1, max_size=2))
            if draw(st.booleans()):
                blocks.append("!!! note\n" + "\n\n".join(textwrap.indent(p, "    ") for p in body))
            else:
                blocks.append("/// tip | Remember\n\n" + "\n\n".join(body) + "\n\n///")
        elif choice == 12:
            # A quote of the page's text, as written or another way.
            blocks.append("> " + draw(st.sampled_from(ways))(draw(st.sampled_from(whole + glued))))
        else:
            blocks.append(filler)
    return "\n\n".join(blocks) + "\n"


# Characters that exercise every class and normalization path of the
# tokenizer: Latin with accents and ligatures, full-width forms, combining
# marks, Cyrillic, Greek, Han, Kana (half-width too), Hangul (syllables and
# jamo), Thai, digits of several scripts, the prolonged sound and
# iteration marks, punctuation, white space, NUL, a lone surrogate and an
# astral Han character and emoji.
_MIXED = (
    "abcxyzABCXYZ0189éÉßẞﬁﬃİıǄǅ" "ＡＢｃｄ０１２" "\u0301\u0308\u0323\u3099" "абвгдЖЗИ" "αβγΣς"
    "日本語中国文化历史" "あいうカキクｶﾞｷﾞ" "한국어\u1100\u1161\u11a8" "ภาษาไทย" "٠١٢३४५"
    "ー々〆〻" ".,;:!?。、！？「」()[]-_/'\"" " \t\n\r\u3000\u00a0" "\x00\ud800" "\U00020000\U0001f600"
)

#: Short texts of many scripts and awkward characters, for comparing two
#: implementations of the tokenizer bit for bit.
mixed_text = st.text(st.sampled_from(_MIXED), max_size=60)
mixed_texts = st.lists(st.one_of(mixed_text, paragraph()), max_size=12)


@st.composite
def spans_of(draw, texts: list[str], most: int = 8) -> list[tuple[int, int, int]]:
    """Up to ``most`` spans ``(text, start, end)`` of ``texts``, empty ones
    and whole texts included, in any order."""
    out = []
    for _ in range(draw(st.integers(0, most))):
        d = draw(st.integers(0, len(texts) - 1))
        a = draw(st.integers(0, len(texts[d])))
        out.append((d, a, draw(st.integers(a, len(texts[d])))))
    return out


def span_arrays(spans: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The texts, starts and ends of ``spans`` as the three int64 arrays
    the span functions take."""
    doc, starts, ends = (np.array([s[k] for s in spans], dtype=np.int64) for k in range(3))
    return doc, starts, ends
