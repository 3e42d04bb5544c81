"""Expressions compiled on first use (``dedupe._lazy.LazyPattern``)."""

import pickle
import subprocess
import sys

import regex
from hypothesis import given
from hypothesis import strategies as st

from dedupe._lazy import LazyAlternation, LazyPattern

EXPRESSIONS = [(r"[\p{L}\p{N}]+", 0), (r"^ {0,3}#{1,6}(?:\s|$)", regex.MULTILINE), (r"a.b", regex.DOTALL),
               (r"</?(?:div|p)(?=[\s/>]|$)", regex.IGNORECASE)]


@given(st.sampled_from(EXPRESSIONS), st.text(alphabet="ab#\n <>/divpDIVP東京12 ", max_size=40))
def test_a_lazy_pattern_answers_as_the_compiled_one(expression, text):
    lazy, compiled = LazyPattern(*expression), regex.compile(*expression)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert bool(lazy.match(text)) == bool(compiled.match(text))
    assert lazy.sub("-", text) == compiled.sub("-", text)
    assert lazy.findall(text) == compiled.findall(text)
    assert lazy.pattern == compiled.pattern


def test_it_compiles_when_first_used_and_once():
    lazy = LazyPattern(r"\w+")
    assert "_compiled" not in vars(lazy)
    assert lazy.pattern == r"\w+"  # the source needs no compiling
    assert "_compiled" not in vars(lazy)
    assert lazy.search("  word").group() == "word"
    compiled = vars(lazy)["_compiled"]
    assert lazy.fullmatch("word") and vars(lazy)["_compiled"] is compiled
    assert "LazyPattern" in repr(lazy)


def test_a_clean_of_a_plain_page_compiles_few_of_the_core_expressions():
    """The expressions of structure and the Python segmenter serve markup
    and text the kernel does not read; a page of plain prose (the
    pre-commit case) leaves them uncompiled."""
    code = (
        "import sys, dedupe\n"
        "from dedupe._lazy import LazyPattern\n"
        "first = 'The release notes describe how the pipeline handles malformed records and retries them.'\n"
        "second = 'Each worker reports its progress to the coordinator, which reassigns silent shards.'\n"
        "text = f'# Title\\n\\n{first}\\n\\n{second}\\n\\n{first}\\n\\n{second}\\n'\n"
        "assert dedupe.clean(text).text != text\n"
        "mods = [sys.modules[m] for m in ('dedupe.core.structure', 'dedupe.core.segment', 'dedupe.core.evidence')]\n"
        "found = {id(v): v for m in mods for v in vars(m).values() if isinstance(v, LazyPattern)}\n"
        "print(sum('_compiled' in vars(p) for p in found.values()), len(found))\n"
    )
    used, total = map(int, subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                          check=True).stdout.split())
    assert total >= 20 and used * 4 <= total, (used, total)


def test_a_used_lazy_pattern_still_pickles():
    """Once used it holds the compiled pattern and its methods; an object
    that holds it still travels to a worker."""
    lazy = LazyPattern(r"\d+")
    lazy.match("1")
    assert pickle.loads(pickle.dumps(lazy)).match("42").group() == "42"


def test_an_alternation_reads_a_text_with_the_parts_it_can_match():
    alt = LazyAlternation([(r"\d+", ()), (r"[a-z]+/[a-z]+", ("/",)), (r"_\w+", ("_",))])
    assert alt.for_text("x 12 a/b").pattern == r"\d+|[a-z]+/[a-z]+"
    assert alt.for_text("plain 12").pattern == r"\d+"
    assert alt.for_text("a/b _c") is alt.for_text("d/e _f")  # one variant per set of parts
    assert [m.group() for m in alt.for_text("1 a/b _c").finditer("1 a/b _c")] == ["1", "a/b", "_c"]
    assert alt.whole.pattern == r"\d+|[a-z]+/[a-z]+|_\w+"
    probed = LazyAlternation([(r"\w+\.[a-z]+", LazyPattern(r"\.[a-z]")), (r"\d+", ())])
    assert probed.for_text("end. 12").pattern == r"\d+" and probed.for_text("a.md").findall("a.md 1") == ["a.md", "1"]
    never = LazyAlternation([(r"x/y", ("/",))])
    assert never.for_text("no slash").findall("no slash") == []


@given(st.text(alphabet="ab12/_ :.", max_size=30))
def test_an_alternation_finds_what_the_whole_finds(text):
    alt = LazyAlternation([(r"[a-z]+:\S+", (":",)), (r"\w*(?:/\w+)+", ("/",)), (r"\b\w+_\w+\b", ("_",)), (r"\d+", ())],
                          regex.IGNORECASE)
    whole = regex.compile(alt.whole.pattern, regex.IGNORECASE)
    assert [m.span() for m in alt.for_text(text).finditer(text)] == [m.span() for m in whole.finditer(text)]
