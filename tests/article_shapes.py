"""A stand-alone article with the shapes of the motivating example: a
looping generator repeats a block of paragraphs, one copy has shifted
paragraph breaks (a merged paragraph ending in a fragment, then a
truncated one), and a paragraph's last sentence recurs on its own."""

from __future__ import annotations

import random

_KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだでどばびぶべぼ"
_KANJI = "日本語文章業界技術開発市場競争信頼性速度向上企業導入課題情報社会実装専門知識投資価値戦略進化時代未来"


def _sentence(rng: random.Random) -> str:
    n = rng.randint(18, 40)
    body = "".join(rng.choice(_KANJI if rng.random() < 0.4 else _KANA) for _ in range(n))
    if rng.random() < 0.3:
        body = body[:8] + "、GPT-" + str(rng.randint(2, 9)) + "." + str(rng.randint(0, 9)) + body[8:]
    return body + rng.choice("。。。？")


def _paragraph(rng: random.Random, sentences: int) -> str:
    return "".join(_sentence(rng) for _ in range(sentences))


def article(seed: int = 7) -> tuple[str, str]:
    """(looping article, the canonical text a user expects)."""
    rng = random.Random(seed)
    front = '---\nlayout: post\ntitle: "テスト記事"\n---'
    title = "テスト記事の見出しです。"
    intro = [_paragraph(rng, rng.randint(2, 5)) for _ in range(7)]
    last = intro[-1][intro[-1].rstrip("。？").rfind("。") + 1 :] if "。" in intro[-1][:-1] else intro[-1]
    block = [_paragraph(rng, rng.randint(2, 5)) for _ in range(11)]
    cut = len(block[1]) // 10
    merged = last + " " + block[0] + " " + block[1][:cut]
    parts = [front, title, *intro, last, *block, last, *block, last, *block, merged, block[1][cut:],
             *block[2:], last, *block]
    expected = [front, title, *intro, *block]
    return "\n\n".join(parts) + "\n\n", "\n\n".join(expected) + "\n"
