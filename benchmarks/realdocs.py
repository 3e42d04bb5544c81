"""Real-documents benchmark: intentional repetition must survive, planted
accidental repetition must go.

    python benchmarks/realdocs.py                     # the Rust book translations, when present
    python benchmarks/realdocs.py docs/ site/content  # any folders of Markdown pages
    python benchmarks/realdocs.py --json out.json --evidence-tokens 10

Each folder is one "language". Its pages are used twice:

- *untouched*: whatever ``clean`` removes is counted as real text lost
  (professionally edited pages hold almost no accidental repeats), and
  ``dedupe check`` findings on the folder are counted per 100 pages;
- *planted*: into every page with enough prose, an LLM-style loop is
  planted (a run of the page's own blocks repeated later: exact, lightly
  edited, or with its first paragraph truncated and merged into the next),
  and into some pages a passage copied from another page. Prose of a loop
  is labelled "remove", markup inside it (code, captions) "either"; the
  rest of the page "keep". A copied passage is another page's text, so
  ``clean`` keeps it; ``check`` must report it.

Reported per folder, for dedupe and for the naive baseline (drop any
blank-line block seen before in the page; in ``check``, any block seen
before in the folder): the share of real (keep) characters removed, the
share of pages losing any real character, the recall of planted loop
characters, ``check`` findings per 100 untouched pages, and the share of
planted loops and copied passages that ``check`` reports.

With no folder given and ``../shared/corpus/docs/`` beside the checkout,
the three Rust book translations are used (MIT or Apache-2.0 and MIT; see
that folder's README); without it, generated pages (:func:`synthetic_site`).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data  # noqa: E402

import dedupe  # noqa: E402
from dedupe.core.evidence import weighted_tokens  # noqa: E402
from dedupe.core.segment import Segment, paragraphs  # noqa: E402
from dedupe.options import Options  # noqa: E402

DOCS = _data.SHARED / "corpus" / "docs"
KEEP, REMOVE, EITHER = _data.KEEP, _data.REMOVE, _data.EITHER
PLANTS = ("loop-exact", "loop-edited", "loop-merged")
#: A loop repeats long paragraphs; a run is taken only where its prose has
#: at least this many tokens.
MIN_RUN_TOKENS = 60

Spans = list[tuple[int, int]]
Tool = Callable[[str], Spans]


@dataclass(frozen=True)
class Planted:
    path: str
    text: str
    labels: np.ndarray
    plant: str
    loop: tuple[int, int]  # span of the planted loop
    copied: tuple[int, int] | None  # span of a passage copied from another page
    original: tuple[str, int, int] | None = None  # (page, start, end) of what was copied


# --- pages --------------------------------------------------------------------


def load_pages(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*.md")) if p.is_file()}


_SUMMARY_LINK = regex.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")


def one_file(pages: dict[str, str]) -> str:
    """The pages as one document, as a book is also published (mdBook's
    print page): the chapters ``SUMMARY.md`` links to, in its order, where
    there is one, else every page in path order. Repeats that a folder
    keeps apart, in different pages, then meet inside one text."""
    if "SUMMARY.md" in pages:
        names = [n for n in dict.fromkeys(_SUMMARY_LINK.findall(pages["SUMMARY.md"])) if n in pages]
    else:
        names = list(pages)
    return "\n".join(pages[n] for n in names)


def one_file_removed(pages: dict[str, str], tools: dict[str, Tool]) -> dict[str, dict]:
    """What each tool removes from :func:`one_file` of the pages, all of it
    real text: the characters (non-space) and the removals."""
    text = one_file(pages)
    ones = np.zeros(len(text), dtype=np.int8)
    out = {}
    for t, tool in tools.items():
        score, spans = Score(), tool(text)
        score.add(text, ones, spans)
        out[t] = {"chars": len(text), "removals": len(spans), "real_removed": score.real_removed,
                  "real_removed_pct": score.row()["real_removed_pct"]}
    return out


def default_folders() -> list[Path]:
    return sorted(p for p in DOCS.glob("*") if p.is_dir()) if DOCS.is_dir() else []


def synthetic_site(lang: str = "en", pages: int = 30, seed: int = 0) -> dict[str, str]:
    """Pages shaped like a docs site: headings, file-name captions, include
    lines, admonitions, code, lead-ins before code, list items and prose
    from :func:`_data.synthetic_sources`."""
    rng = random.Random(f"site-{lang}-{seed}")
    sources = _data.synthetic_sources(lang, n=pages, seed=seed)
    lead = {"ja": "実行すると、次のように表示されます:", "zh": "运行后会输出："}.get(lang, "Run it and you will see:")
    caption = {"ja": "ファイル名", "zh": "文件名"}.get(lang, "Filename")
    out = {}
    for k, src in enumerate(sources):
        parts = [f"# {src.title}"]
        for j, para in enumerate(src.paragraphs):
            parts.append(para)
            r = rng.random()
            if r < 0.3:
                parts += [f'<span class="filename">{caption}: src/main.rs</span>',
                          f"```rust\n{{{{#rustdoc_include ../listings/ch{k:02d}/listing-{j:02d}/src/main.rs}}}}\n```"]
            elif r < 0.45:
                parts += [lead, "```console\n$ cargo run\n```"]
            elif r < 0.55:
                parts += ['!!! note "Note"', "- item one\n- item two"]
            elif r < 0.6:
                parts.append(f"![diagram](img/figure-{k}-{j}.svg)")
        out[f"page-{k:02d}.md"] = "\n\n".join(parts) + "\n"
    return out


def _prose(seg: Segment) -> bool:
    return not seg.protected and seg.kind != "list_item"


def _runs(text: str, segs: list[Segment], merged: bool) -> list[tuple[int, int]]:
    """``(first, last)`` segment indices of runs a loop can repeat: two to
    four blocks starting and ending on prose, with enough prose tokens;
    for a merged copy, prose paragraphs with nothing between them."""
    out = []
    for a in range(len(segs)):
        if not _prose(segs[a]):
            continue
        for b in range(a + 1, min(a + 4, len(segs))):
            if not _prose(segs[b]) or segs[b].kind == "structure":
                continue
            if merged and (b != a + 1 or not _prose(segs[a])):
                continue
            tokens = sum(_data.count_tokens(text[s.start : s.end]) for s in segs[a : b + 1] if _prose(s))
            if tokens >= MIN_RUN_TOKENS:
                out.append((a, b))
    return out


_NEGATORS = set("不没沒未無无非别別莫勿否") | {"never", "none", "nothing", "nobody", "neither", "cannot", "without"}


def _edit(piece: str, rng: random.Random, cjk: bool) -> str:
    """One or two words (CJK: characters) of a prose paragraph changed."""
    if cjk:
        # Negation characters are not drawn: a copy that gains a negation
        # says something new, which is not a light edit.
        idx = [i for i, c in enumerate(piece)
               if regex.match(r"[\p{Han}\p{Hiragana}\p{Katakana}]", c) and c not in _NEGATORS]
        chars = list(piece)
        for i in rng.sample(idx, min(len(idx), max(1, len(idx) // 60))):
            chars[i] = rng.choice([chars[j] for j in idx])
        return "".join(chars)
    words = piece.split(" ")
    idx = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 3 and w.lower() not in _NEGATORS]
    for i in rng.sample(idx, min(len(idx), max(1, len(idx) // 40))):
        words[i] = rng.choice([words[j] for j in idx])
    return " ".join(words)


def plant(path: str, text: str, plant_kind: str, rng: random.Random,
          donor: tuple[str, str] | None = None) -> Planted | None:
    """``text`` with a loop of kind ``plant_kind`` (and, with a ``donor``
    page, a passage copied from it) planted; ``None`` when the page has no
    run to repeat."""
    segs = paragraphs(text)
    runs = _runs(text, segs, plant_kind == "loop-merged")
    if not runs:
        return None
    a, b = rng.choice(runs)
    cjk = _data.is_cjk(text)
    pieces: list[tuple[str, int]] = []
    for k in range(a, b + 1):
        s = segs[k]
        piece = text[s.start : s.end]
        label = REMOVE if _prose(s) else EITHER
        if plant_kind == "loop-edited" and label == REMOVE:
            piece = _edit(piece, rng, cjk)
        if plant_kind == "loop-merged" and k == a:
            # The copy starts mid-paragraph and runs into the next one.
            cut = int(len(piece) * rng.uniform(0.2, 0.5))
            piece = piece[cut:] if cjk else piece[piece.find(" ", cut) + 1 :]
        if pieces:
            pieces.append(("" if cjk else " ", EITHER) if plant_kind == "loop-merged" else ("\n\n", EITHER))
        pieces.append((piece, label))
    # Loops repeat right away or a few blocks later.
    later = [k for k in range(b, len(segs)) if k <= b + 3]
    at = segs[rng.choice(later)].end
    inserts = [(at, pieces)]
    original = None
    if donor is not None:
        dpath, dtext = donor
        # A passage: twice the length a unit needs to count as evidence.
        dsegs = [s for s in paragraphs(dtext)
                 if _prose(s) and weighted_tokens(dtext[s.start : s.end]) >= 2 * Options().evidence_tokens]
        if dsegs:
            d = rng.choice(dsegs)
            where = rng.choice([s.end for s in segs if s.end != at] or [at])
            inserts.append((where, [(dtext[d.start : d.end], KEEP)]))
            original = (dpath, d.start, d.end)
    p = _assemble(path, text, plant_kind, sorted(inserts, key=lambda x: x[0]))
    return replace(p, original=original)


def _assemble(path: str, text: str, plant_kind: str, inserts) -> Planted:
    chunks: list[str] = []
    labels: list[np.ndarray] = []
    pos = 0
    loop = (0, 0)
    copied = None
    out_len = 0
    for at, pieces in inserts:
        chunks.append(text[pos:at])
        labels.append(np.full(at - pos, KEEP, np.int8))
        out_len += at - pos
        chunks.append("\n\n")
        labels.append(np.full(2, EITHER, np.int8))
        out_len += 2
        start = out_len
        for piece, label in pieces:
            chunks.append(piece)
            labels.append(np.full(len(piece), label, np.int8))
            out_len += len(piece)
        # A blank line after it too: the page may go on with a line that
        # would otherwise join the planted paragraph.
        chunks.append("\n\n")
        labels.append(np.full(2, EITHER, np.int8))
        end = out_len
        out_len += 2
        if pieces[0][1] == KEEP:
            copied = (start, end)
        else:
            loop = (start, end)
        pos = at
    chunks.append(text[pos:])
    labels.append(np.full(len(text) - pos, KEEP, np.int8))
    return Planted(path, "".join(chunks), np.concatenate(labels), plant_kind, loop, copied)


# --- tools --------------------------------------------------------------------


def dedupe_tool(options: Options) -> Tool:
    def run(text: str) -> Spans:
        return [(r.start, r.end) for r in dedupe.find_duplicates(text, options)]

    return run


_BLOCK = regex.compile(r"(?:[^\n]|\n(?![ \t]*\n))+")


def naive_blocks(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _BLOCK.finditer(text):
        block = m.group().strip()
        if block:
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            out.append((start, start + len(block), " ".join(block.split())))
    return out


def naive_tool(text: str) -> Spans:
    """Drop any blank-line block whose text was seen before in the page."""
    seen: set[str] = set()
    out = []
    for s, e, key in naive_blocks(text):
        if key in seen:
            out.append((s, e))
        seen.add(key)
    return out


def naive_check(pages: dict[str, str]) -> list[tuple[str, int, int]]:
    """A finding for every block seen before anywhere in the folder."""
    seen: set[str] = set()
    out = []
    for path, text in pages.items():
        for s, e, key in naive_blocks(text):
            if key in seen:
                out.append((path, s, e))
            seen.add(key)
    return out


def dedupe_check(pages: dict[str, str], extra: Sequence[str] = ()) -> list[tuple[str, int, int]]:
    """``dedupe check`` on the pages written to a temporary folder, through
    the command line (its JSON output is the stable contract)."""
    with tempfile.TemporaryDirectory(prefix="realdocs-") as tmp:
        for path, text in pages.items():
            p = Path(tmp, path)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "dedupe", "check", tmp, "--format", "json", *extra],
                              capture_output=True, text=True, check=False)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"dedupe check failed: {proc.stderr.strip()}")
        found = json.loads(proc.stdout)["findings"]
        return [(str(Path(f["path"]).resolve().relative_to(Path(tmp).resolve())), f["start"], f["end"])
                for f in found]


# --- evaluation ---------------------------------------------------------------


@dataclass
class Score:
    real: int = 0  # visible characters labelled keep
    real_removed: int = 0
    pages: int = 0
    pages_losing: int = 0
    planted: int = 0  # visible characters labelled remove
    planted_removed: int = 0

    def add(self, text: str, labels: np.ndarray, removed: Spans) -> None:
        pred = np.zeros(len(text), dtype=bool)
        for a, b in removed:
            pred[a:b] = True
        visible = ~np.array([c.isspace() for c in text], dtype=bool)
        keep = visible & (labels == KEEP)
        lost = int(np.count_nonzero(pred & keep))
        self.real += int(np.count_nonzero(keep))
        self.real_removed += lost
        self.pages += 1
        self.pages_losing += lost > 0
        rem = visible & (labels == REMOVE)
        self.planted += int(np.count_nonzero(rem))
        self.planted_removed += int(np.count_nonzero(pred & rem))

    def row(self) -> dict:
        return {
            "real_removed_pct": round(100 * self.real_removed / max(1, self.real), 3),
            "pages_losing_pct": round(100 * self.pages_losing / max(1, self.pages), 2),
            "planted_recall_pct": round(100 * self.planted_removed / self.planted, 2) if self.planted else None,
        }


def _reported(found: list[tuple[str, int, int]], path: str, span: tuple[int, int]) -> bool:
    return any(p == path and a < span[1] and b > span[0] for p, a, b in found)


def _copy_reported(found: list[tuple[str, int, int]], p: Planted, texts: dict[str, str]) -> bool:
    if p.copied is None or p.original is None:
        return False
    if _reported(found, p.path, p.copied):
        return True
    # The donor page may carry a planted loop of its own, which moves its
    # text: look the original up where it now is.
    piece = p.text[p.copied[0] : p.copied[1]]
    donor = texts[p.original[0]]
    at = donor.find(piece)
    while at >= 0:
        if _reported(found, p.original[0], (at, at + len(piece))):
            return True
        at = donor.find(piece, at + 1)
    return False


def evaluate(name: str, pages: dict[str, str], options: Options, seed: int, with_check: bool = True) -> dict:
    rng = random.Random(f"{name}-{seed}")
    tools: dict[str, Tool] = {"dedupe": dedupe_tool(options), "naive": naive_tool}
    untouched = {t: Score() for t in tools}
    planted_score = {t: Score() for t in tools}
    planted: dict[str, Planted] = {}
    donors = list(pages)
    rng.shuffle(donors)
    for k, (path, text) in enumerate(pages.items()):
        ones = np.zeros(len(text), dtype=np.int8)
        for t, tool in tools.items():
            untouched[t].add(text, ones, tool(text))
        # Each page donates once: a paragraph found in three pages is
        # boilerplate to ``check``, not a copied passage.
        other = donors.pop() if k % 2 and donors else path
        donor = (other, pages[other]) if other != path else None
        p = plant(path, text, PLANTS[k % len(PLANTS)], rng, donor)
        if p is None:
            continue
        planted[path] = p
        for t, tool in tools.items():
            planted_score[t].add(p.text, p.labels, tool(p.text))
    out: dict = {"pages": len(pages), "planted_pages": len(planted)}
    whole = one_file_removed(pages, tools)
    for t in tools:
        out[t] = {"untouched": untouched[t].row(), "planted": planted_score[t].row(), "one_file": whole[t]}
    if with_check:
        per100 = 100 / max(1, len(pages))
        mixed = {**pages, **{p: x.text for p, x in planted.items()}}
        extra = _check_flags(options)
        for t, run in (("dedupe", lambda ps: dedupe_check(ps, extra)), ("naive", naive_check)):
            quiet = run(pages)
            found = run(mixed)
            loops = [p for p in planted.values()]
            copies = [p for p in planted.values() if p.copied is not None]
            out[t]["check"] = {
                "findings_per_100_untouched": round(len(quiet) * per100, 1),
                "loops_reported_pct": round(100 * sum(_reported(found, p.path, p.loop) for p in loops)
                                            / max(1, len(loops)), 1),
                # Whichever page ranks first keeps the original: the finding
                # may sit on the planted copy or on the donor's paragraph.
                "copies_reported_pct": round(100 * sum(_copy_reported(found, p, mixed) for p in copies)
                                             / max(1, len(copies)), 1),
            }
    return out


def _check_flags(options: Options) -> list[str]:
    default = Options()
    flags = []
    for name in ("threshold", "containment", "ngram", "min_tokens", "evidence_tokens"):
        value = getattr(options, name, None)
        if value is not None and value != getattr(default, name, None):
            flags += [f"--{name.replace('_', '-')}", str(value)]
    return flags


def table(results: dict[str, dict]) -> str:
    head = ("| pages | tool | real chars removed % | pages losing real text % | planted recall % | "
            "untouched: chars removed % | untouched: pages changed % | check findings / 100 pages | "
            "check: loops reported % | check: copies reported % |")
    lines = [head, "|---|---|" + "---:|" * 8]
    for name, r in results.items():
        for t in ("dedupe", "naive"):
            x = r[t]
            c = x.get("check", {})
            lines.append(
                f"| {name} ({r['pages']}) | {t} | {x['planted']['real_removed_pct']:.3f} | "
                f"{x['planted']['pages_losing_pct']:.1f} | {x['planted']['planted_recall_pct']} | "
                f"{x['untouched']['real_removed_pct']:.3f} | {x['untouched']['pages_losing_pct']:.1f} | "
                f"{c.get('findings_per_100_untouched', '–')} | {c.get('loops_reported_pct', '–')} | "
                f"{c.get('copies_reported_pct', '–')} |")
    return "\n".join(lines)


def one_file_table(results: dict[str, dict]) -> str:
    lines = ["| pages as one file | tool | characters | removals | real chars removed | real chars removed % |",
             "|---|---|---:|---:|---:|---:|"]
    for name, r in results.items():
        for t in ("dedupe", "naive"):
            x = r[t]["one_file"]
            lines.append(f"| {name} | {t} | {x['chars']:,} | {x['removals']:,} | {x['real_removed']:,} | "
                         f"{x['real_removed_pct']:.3f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, help="folders of Markdown pages (default: the Rust book)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-check", action="store_true", help="skip the dedupe check runs")
    ap.add_argument("--json", metavar="PATH", help="write the results as JSON")
    for name in ("threshold", "containment", "evidence_tokens"):
        ap.add_argument(f"--{name.replace('_', '-')}", type=float)
    ap.add_argument("--min-tokens", type=int)
    args = ap.parse_args(argv)
    overrides = {k: getattr(args, k) for k in ("threshold", "containment", "evidence_tokens", "min_tokens")
                 if getattr(args, k) is not None}
    options = Options.build(None, **overrides)
    folders = args.folders or default_folders()
    sites = {f.name: load_pages(f) for f in folders}
    if not sites:
        sites = {f"synthetic-{lang}": synthetic_site(lang) for lang in ("en", "zh", "ja")}
    results = {}
    for name, pages in sites.items():
        results[name] = evaluate(name, pages, options, args.seed, with_check=not args.no_check)
        print(f"{name}: done", file=sys.stderr, flush=True)
    print(table(results))
    print()
    print(one_file_table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
