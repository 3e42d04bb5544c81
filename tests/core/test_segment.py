import contextlib

import numpy as np
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.core import segment
from dedupe.core.segment import lines, paragraphs, sentences
from tests.strategies import document, span_arrays, spans_of


@contextlib.contextmanager
def _without_shortcut():
    """Every pattern tried on every line: no plain-line match, and every
    first character taken to start every block pattern."""

    class Every:
        def __contains__(self, head):
            return True

    heads = ("_FENCE_HEADS", "_HEADING_HEADS", "_RULE_HEADS", "_TABLE_HEADS")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(segment, "_PLAIN", regex.compile(r"(?!)"))  # matches nothing
        for name in heads:
            mp.setattr(segment, name, Every())
        yield


def kinds(text):
    return [(s.kind, text[s.start : s.end]) for s in paragraphs(text)]


def test_blank_line_paragraphs_keep_wrapped_lines_together():
    text = "First line\nwrapped here.\n\nSecond paragraph.\n"
    assert kinds(text) == [("paragraph", "First line\nwrapped here."), ("paragraph", "Second paragraph.")]


def test_one_paragraph_per_line_when_no_blank_line_separates_prose():
    text = "Line one is a paragraph.\nLine two is another.\nLine three."
    assert [t for _, t in kinds(text)] == text.split("\n")


def test_markdown_structure_is_recognised_and_protected():
    text = (
        "---\ntitle: x\n---\n\n# Heading\n\nSome prose here.\n\n```python\ncode = 1\n\nmore = 2\n```\n\n"
        "---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- item one\n- item two\n\n<!-- note -->\n"
    )
    got = kinds(text)
    assert [k for k, _ in got] == [
        "front_matter", "heading", "paragraph", "code", "rule", "table", "list_item", "list_item", "comment",
    ]
    assert got[3][1] == "```python\ncode = 1\n\nmore = 2\n```"
    protected = [s.protected for s in paragraphs(text)]
    assert protected == [True, True, False, True, True, True, False, False, True]


def test_toml_front_matter():
    text = "+++\ntitle = 'x'\n+++\nBody text.\n"
    assert kinds(text)[0] == ("front_matter", "+++\ntitle = 'x'\n+++")


def test_offsets_index_the_input_with_crlf_and_bom():
    text = "\ufeffFirst para.\r\n\r\nSecond para.\r\n"
    segs = paragraphs(text)
    assert [text[s.start : s.end] for s in segs] == ["First para.", "Second para."]
    assert lines("a\r\nb")[0].text == "a"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "日本", " ", "\r", "\n", "\r\n", "\ufeff", "---"]), max_size=30).map("".join))
def test_lines_are_the_text_between_line_breaks_without_a_carriage_return_before_one(text):
    got = lines(text)
    assert "\n".join(text[ln.start : ln.end + text[ln.end : ln.end + 1].count("\r")] for ln in got) == text
    for ln in got:
        assert "\n" not in ln.text and ln.text == text[ln.start : ln.end]
        after = text[ln.end : ln.end + 2]
        # Each line ends at a line break or at the end of the text, one
        # carriage return before either left out of the line.
        assert after in ("", "\r", "\r\n") or after[:1] == "\n"
        assert not (after[:1] == "\n" and ln.text.endswith("\r"))
    assert len(got) == text.count("\n") + 1


def test_unclosed_fence_runs_to_the_end():
    text = "Prose.\n\n```\ncode\n\nstill code"
    assert kinds(text)[-1] == ("code", "```\ncode\n\nstill code")


def test_a_line_that_starts_with_inline_code_opens_no_fence():
    # CommonMark: what follows a fence of backticks holds no backtick. A
    # translated book wrote such a line, and the code and prose of every
    # later chapter swapped kinds.
    text = ("```Dropping `data`!```というテキストが出力されます。\n\nMore prose here.\n\n"
            "```rust\nfn main() {}\n```\n\nAfter.\n")
    assert [k for k, _ in kinds(text)] == ["paragraph", "paragraph", "code", "paragraph"]
    assert kinds(text)[2][1] == "```rust\nfn main() {}\n```"
    assert segment.fence_opening("~~~ `info` with ticks") == "~~~"
    assert segment.fence_opening("   ````python") == "````"
    assert segment.fence_opening("``inline``") is None


@pytest.mark.parametrize("line, fence, closes", [
    ("```", "```", True),
    ("  ````  ", "```", True),  # longer, indented (inside a list item), trailing space
    ("```rust", "```", False),  # a closing fence has no info string
    ("```", "````", False),  # shorter than the opening one
    ("~~~", "```", False),  # another character
    ("```` x", "````", False),
])
def test_what_closes_a_fence(line, fence, closes):
    assert segment.closes_fence(line, fence) is closes


def test_a_fence_indented_as_a_list_items_text_is_a_fence():
    """A reference page indents each item's example as the item's text, by
    four spaces, and closes one by three: the code is code, and the next
    item an item."""
    text = ("* `install github:<repo>`:\n\n    Install from GitHub.\n\n    ```bash\n    install github:me/x\n"
            "   ```\n\n* `install gist:<id>`:\n\n    Install a gist.\n\n    ```bash\n    install gist:101\n"
            "    ```\n\nAfter the list.\n")
    got = [(k, t.split("\n")[0]) for k, t in kinds(text)]
    assert got == [("structure", "* `install github:<repo>`:"), ("paragraph", "Install from GitHub."),
                   ("code", "```bash"), ("structure", "* `install gist:<id>`:"), ("paragraph", "Install a gist."),
                   ("code", "```bash"), ("paragraph", "After the list.")]
    # Outside a list item, four spaces make indented code, not a fence.
    assert segment.fence_opening("    ```bash") is None
    assert segment.fence_opening("    ```bash", nested=True) == "```"


@pytest.mark.parametrize("lead", ["* `install <git remote url>`:", "- Install from a git remote.", "!!! note"])
def test_an_items_body_goes_on_after_a_fence_in_it(lead):
    """The paragraphs indented under a list item or an admonition after a
    fence in its body are its prose, not indented code; after the body,
    indented text is code again."""
    text = (f"{lead}\n\n    Clones the repository.\n\n    ```bash\n    install git://host/x\n    ```\n\n"
            "    The protocol may be any of those that git itself accepts.\n\nAfter the list.\n\n    indented code\n")
    got = [k for k, _ in kinds(text)]
    assert got[1:] == ["paragraph", "code", "paragraph", "paragraph", "code"]


def test_a_fence_with_an_info_string_inside_code_does_not_close_it():
    text = "Intro.\n\n````md\n```rust\nlet x = 1;\n```\n````\n\nAfter.\n"
    assert kinds(text)[1] == ("code", "````md\n```rust\nlet x = 1;\n```\n````")
    assert kinds(text)[2] == ("paragraph", "After.")


def test_sections_are_equal_exactly_under_the_same_headings():
    text = ("Intro.\n\n# Guide\n\nA.\n\n## 1.0\n\n### Changed\n\nB.\n\n## 1.0rc1\n\n### Changed\n\nC.\n\n"
            "Other\n=====\n\nD.\n\n#  other ##\n\nE.\n\n# Guide\n\n## 1.0\n\n### changed\n\nF.\n")
    segs = paragraphs(text)
    found = segment.sections(text, segs)
    got = dict(zip([text[s.start : s.end] for s in segs if not s.protected], found.of))
    assert len({got["Intro."], got["A."], got["B."], got["C."]}) == 4
    assert got["D."] == got["E."]  # a setext heading of level 1; closing hashes and case aside
    assert got["F."] == got["B."]  # the same path again (a loop repeats its headings)
    assert found.paths[got["C."]] == ((1, "guide"), (2, "1.0rc1"), (3, "changed"))


def test_setext_heading():
    text = "Title\n=====\n\nBody text here.\n"
    assert kinds(text)[0] == ("heading", "Title\n=====")


def test_a_heading_in_html_on_one_line_is_a_heading():
    """An FAQ heads each answer with "<h3 id='27'>Q: 27. ...</h3>", the
    question its list at the top asks too: a heading, never prose."""
    text = ("- [Q: 27. 为什么会报这个错？](#27)\n\n<h3 id='27'>Q: 27. 为什么会报这个错？</h3>\n\nA.\n\n"
            "<H2>Other <code>things</code></H2>\n\nB.\n\n<h3>Half a heading\n")
    assert [k for k, _ in kinds(text)] == ["list_item", "heading", "paragraph", "heading", "paragraph", "paragraph"]
    segs = paragraphs(text)
    found = segment.sections(text, segs)
    got = dict(zip([text[s.start : s.end] for s in segs if not s.protected], found.of))
    assert found.paths[got["A."]] == ((3, "q: 27. 为什么会报这个错？"),)
    assert found.paths[got["B."]] == ((2, "other things"),)


def test_sentences_latin_and_cjk_with_closing_brackets():
    text = "He said \"Stop.\" Then he left! Version 5.2 is out. Done"
    got = [text[s:e] for s, e in sentences(text)]
    assert got == ['He said "Stop."', "Then he left!", "Version 5.2 is out.", "Done"]
    ja = "「GPT-5.2」が出た。本当に？「はい。」そうです！最後"
    assert [ja[s:e] for s, e in sentences(ja)] == ["「GPT-5.2」が出た。", "本当に？", "「はい。」", "そうです！", "最後"]


def test_sentences_within_a_span_return_absolute_offsets():
    text = "XX One two. Three four. YY"
    spans = sentences(text, 3, 23)
    assert [text[s:e] for s, e in spans] == ["One two.", "Three four."]


_LINE_STARTS = ["", " ", "   ", "    ", "\t", "\u3000", "\ufeff", "\x1c", " \x1c"]
_LINE_HEADS = ["```", "~~~", "#", "## ", "- ", "* ", "+ ", "1. ", "12) ", "| a |", "> ", "<div>", "<!-- x",
               "[a]: b", "![a](b)", "{{#include x}}", "{% x %}", "!!! note", "??? tip", "///", ":::", "---",
               "***", "___", "..  note::", "import x from 'y'", "export default", "imports", "exported",
               "--8<--", "x", "日本", "1", "١", "_a_", "é", "\u0301", ""]


# Lines before the one tested: what it may continue (a list item, an
# admonition, prose, indented code) and whether a blank line separates
# them; lines after it: what it may let continue.
_BEFORE = [[], ["Prose."], ["- item"], ["- item", ""], ["!!! note"], ["!!! note", ""], ["    code", ""]]


@pytest.mark.parametrize("head", _LINE_HEADS)
@settings(max_examples=40, deadline=None)
@given(st.sampled_from(_LINE_STARTS), st.text(max_size=20),
       st.sampled_from(_BEFORE), st.sampled_from([[], ["next line"], ["", "    indented"], ["    indented"],
                                                  ["- item"]]))
def test_the_plain_line_shortcut_gives_what_every_pattern_gives(head, start, rest, before, after):
    """Every line start, each with text of every kind after it: one
    match for plain lines and the first character for the rest try only
    the patterns that can match, and find what trying all finds."""
    texts = [*before, start + head + rest, *after, ""]
    fast = list(segment._blocks(texts, 0))
    with _without_shortcut():
        slow = list(segment._blocks(texts, 0))
    assert fast == slow


_SENTENCE_ALPHABET = list("`<>[]()!?.…。！？\"'”’」』）】〕〉》\n \t\x1c\x85\u2028\u3000aZ1日あ한é\u0301_-:/") + [
    "`" + "a" * k + "`" for k in (0, 1, 79, 80, 81)] + [
    # Code spans of 80 and 81 characters with a sentence end inside.
    "`x!-" + "a" * k + "`" for k in (77, 78)] + [
    "![x](y)", "[a](b c)", "<b>", "<a\nb>", "``", "Mr. X", "e.g.", "!!a", "?!1", "..”x", ".)\n", ".] ", "。」x"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_SENTENCE_ALPHABET), max_size=40).map("".join), min_size=1, max_size=4),
       st.data())
def test_sentence_spans_are_sentences_of_each_span(texts, data):
    spans = data.draw(spans_of(texts, 6))
    doc, starts, ends = span_arrays(spans)
    para, first, last = segment.sentence_spans(texts, doc, starts, ends)
    expected = [(i, a, b) for i, (d, s, e) in enumerate(spans) for a, b in sentences(texts[d], s, e)]
    assert list(zip(para.tolist(), first.tolist(), last.tolist())) == expected


@pytest.mark.parametrize("text", ["Say `x!-" + "a" * k + "` now. Then go!" for k in (77, 78)]
                         + ["He left!!and came back. Then", "Wait.] Then. And「はい。」そう。"])
def test_sentence_spans_on_the_edges_of_the_patterns(text):
    # A code span holds at most 80 characters: at 81 its "!" ends a sentence.
    para, first, last = segment.sentence_spans([text], np.array([0]), np.array([0]), np.array([len(text)]))
    assert list(zip(first.tolist(), last.tolist())) == sentences(text)


# Lines the kernel's one-call reading of plain text takes (prose, ordered
# list items, numbers that are no list marker) and lines it must leave to
# the block-by-block path (every other block pattern, front matter, setext
# underlines, digits beyond 0-9, MDX lines), around its edges: up to three
# spaces, nine digits, white space the expressions and str.isspace() see
# differently (\x1c), byte-order marks, carriage returns.
_PLAIN_HEADS = ["Prose", "日本語。", "1. item", "12) item", "123456789. x", "1234567890. x", "1.x", "1.", "1. ",
                "2019年", "3)", "1.\tx", "1.\x1cx", "1.\u3000x", "1２. x", "١. x", "½ x", "=", "== x", "import x",
                "import\x1cx", "importx", "export", "export x", "\x1c", "\x1cx", "\ufeff", "\ufeffx", "---",
                "+++", "- x", "> x", "`x`", "a `b` c/d", "<b>x</b>", "www.x.org"]
_PLAIN_STARTS = ["", " ", "   ", "    ", "\t", "\u3000", "\ufeff"]
_plain_rest = st.one_of(st.text(st.sampled_from(list("ab .:/`_1\t\r\x1c日")), max_size=8),
                        st.sampled_from([" goes on in words", " 日本語の文が続く。", ""]))
_plain_line = st.builds(lambda start, head, rest: start + head + rest, st.sampled_from(_PLAIN_STARTS),
                        st.sampled_from(_PLAIN_HEADS), _plain_rest)
_plain_text = st.builds(lambda lines, nl, end: nl.join(lines) + end,
                        st.lists(st.one_of(_plain_line, st.sampled_from(["", " ", "\t", "\x1c", "\u3000"])),
                                 max_size=10),
                        st.sampled_from(["\n", "\r\n"]), st.sampled_from(["", "\n", "\r\n", "\n\n"]))


@settings(max_examples=1500, deadline=None)
@given(_plain_text)
def test_plain_text_read_in_one_call_gives_the_block_by_block_paragraphs(text):
    assert paragraphs(text) == segment._paragraphs_by_lines(text)


@pytest.mark.parametrize("text", [
    "One.\nTwo.\n",  # a paragraph per line
    "One\nwrapped.\n\nTwo.\r\n",  # blank-line style, a carriage return
    "\ufeffIntro.\n\n1. First item\n   goes on.\n2) Second\n\n2019 was a year.\n",  # list items, a number
    "  中文段落\n继续。\n\x1c\n日本語の段落。",  # a line blank by str.isspace() only
    "See `a_b` in src/x.rs and <b>it</b>.\n",  # a markup hint the counts cannot decide
    "",
    "Intro words.\n\nSome words\n1234567890. goes on as prose\n",  # ten digits make no marker
    "Intro words.\n\nSome words\n1.   \nmore words\n",  # nor a marker with nothing after it
])
def test_the_kernel_reads_plain_text_in_one_call(text):
    # These take the one-call path (the property above would pass if every
    # text fell back to the block-by-block one).
    assert segment.KERNEL.plain_paragraphs(text, segment.structure.prose_table(), 0.4) is not None
    assert paragraphs(text) == segment._paragraphs_by_lines(text)


@pytest.mark.parametrize("text", ["\ufeff+++\ntitle = 'x'\n+++\nBody.\n", "\ufeff---\ntitle: x\n...\nBody.\n",
                                  "Words here.\nimport\r\nmore", "Para one.\n===\n\nNext.\n"])
def test_text_the_kernel_leaves_to_the_block_by_block_path(text):
    # Front matter behind a byte-order mark, an "import" line, a setext
    # underline: the block-by-block path reads them, with the same result.
    assert segment.KERNEL.plain_paragraphs(text, segment.structure.prose_table(), 0.4) is None
    assert paragraphs(text) == segment._paragraphs_by_lines(text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(document(), st.text(max_size=200)))
def test_spans_are_the_paragraphs_as_tuples(text):
    # The corpus scan reads spans(), the rest of the library paragraphs():
    # plain text (the kernel's path) and Markdown (the general one) alike.
    assert segment.spans(text) == [(s.start, s.end, s.kind) for s in paragraphs(text)]


_KINDS_READ = [("heading", "list_item", "paragraph"), ("paragraph",), ("structure", "code", "paragraph", "heading"),
               ("list_item",)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_plain_text, document(), st.text(max_size=80)), max_size=8), st.sampled_from(_KINDS_READ))
def test_a_span_table_is_the_spans_of_each_text(texts, kinds):
    # A scan reads the spans of a whole batch in one kernel call; plain
    # texts, Markdown and any text, mixed in one batch, give what reading
    # each text on its own gives, kinds and order included.
    table = segment.span_table(texts, kinds)
    want = [(t, s, e, kinds.index(kind)) for t, text in enumerate(texts) for s, e, kind in segment.spans(text)
            if kind in kinds]
    got = list(zip(table.text.tolist(), table.start.tolist(), table.end.tolist(), table.kind.tolist()))
    assert got == want
    reference = segment.span_table_by_text(texts, kinds)
    for column in ("text", "start", "end", "kind"):
        assert getattr(table, column).dtype == getattr(reference, column).dtype


def test_a_span_table_takes_only_strings():
    with pytest.raises(TypeError, match="not a str"):
        segment.span_table(["fine", b"bytes"], ("paragraph",))  # type: ignore[list-item]


def test_every_white_space_of_the_expressions_is_white_space_to_str():
    # The segmenter reads a line's first character after str.lstrip() to
    # choose the patterns it tries, which skip white space as \s has it:
    # that must be no more than what str.lstrip() skips.
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert all(c.isspace() for c in regex.findall(r"\s", every))


@pytest.mark.parametrize("text, first", [
    ("- A b c. D e f.", "A b c."),  # the marker goes with the paragraph, not its first sentence
    ("> Quote one. Quote two.", "Quote one."),
    ("0. AA", "0."),  # a "sentence" that is the marker alone stays as it is
])
def test_a_list_items_first_sentence_starts_after_its_marker(text, first):
    sentences = [u for u in segment.units(text) if u.is_sentence]
    assert text[sentences[0].start : sentences[0].end] == first
    assert all(0 <= u.start < u.end <= len(text) for u in sentences)


def test_a_table_whose_rows_start_with_no_pipe_is_a_table():
    """GitHub's tables need no pipe at the start of a row: a header and a
    delimiter row make one, and its rows run to the first line without a
    pipe. Taken for prose, the cells' sentences ("This option works only
    when `color` is true.") were compared as a paragraph's."""
    table = "Option | Description | Default\n--- | :---: | ---\n`min_font` | Smallest size. | 10\n`color` | Colour? | no"
    text = f"Intro.\n\n{table}\n\nAfter it.\n\nA line | with a pipe\nand prose.\n\n    code | here\n    --- | ---\n"
    assert kinds(text) == [("paragraph", "Intro."), ("table", table), ("paragraph", "After it."),
                           ("paragraph", "A line | with a pipe\nand prose."), ("code", "code | here\n    --- | ---")]
    # The texts the scan reads take the same path.
    assert segment.span_table([text], ("table",)).start.tolist() == [text.index("Option")]
    # In a list item's body, the body goes on after it.
    item = "- An item.\n\n    a | b\n    --- | ---\n    1 | 2\n\n    More of the item.\n\nAfter.\n\n    code\n"
    assert [k for k, _ in kinds(item)] == ["list_item", "table", "paragraph", "paragraph", "code"]


def test_a_heading_indented_in_an_admonitions_body_is_a_heading():
    """mkdocs' configuration page puts the keys of an option under
    headings inside a block ("!!! block" and "    #### name:"): the body's
    headings are headings, and what follows them their sections' text."""
    text = ('!!! block ""\n\n    #### name:\n\n    The name of a known installed theme.\n\n'
            "    #### custom_dir:\n\n    A folder of custom templates.\n\n    #### options\n")
    got = kinds(text)
    assert [k for k, _ in got] == ["admonition", "heading", "paragraph", "heading", "paragraph", "heading"]
    assert segment.sections(text, paragraphs(text)).paths == [((4, "name:"),), ((4, "custom_dir:"),)]
    # Outside a body, four spaces make indented code.
    assert kinds("Text.\n\n    #### code\n") == [("paragraph", "Text."), ("code", "#### code")]


def test_each_tab_of_a_group_is_a_section_of_its_own():
    """Hugo's codetab, Docusaurus' TabItem and pymdown's === tabs: each
    tab is a section under the headings above it, until its closing
    line, the next tab, a heading, or (pymdown) prose that is not
    indented; the body of a pymdown tab is prose, as an admonition's."""
    text = "\n\n".join([
        "## Get state", "{{% codetab %}}", "Run the sidecar.", "{{% /codetab %}}", "{{% codetab %}}",
        "Run the sidecar.", "{{% /codetab %}}", "Between the groups.",
        '<TabItem value="py">', "Install it.", "</TabItem>", '<TabItem value="js">', "Install it.", "</TabItem>",
        '=== "Python"', "    Call it.", '=== "JavaScript"', "    Call it.", "After the tabs.", "## Next", "Text.",
    ]) + "\n"
    segs = paragraphs(text)
    assert [s.kind for s in segs if text[s.start : s.end] in ("    Call it.", "Call it.")] == ["paragraph"] * 2
    found = segment.sections(text, segs)
    paths = [found.paths[k] for k in found.of]
    tab = segment.TAB_LEVEL
    assert [p[-1][0] == tab for p in paths] == [True, True, False, True, True, True, True, False, False]
    assert len({p for p in paths if p[-1][0] == tab}) == 6  # six tabs, six sections
    assert paths[2] == paths[7] == ((2, "get state"),)
    assert paths[8] == ((2, "next"),)


def test_display_math_is_a_block_of_its_own():
    """An equation between "$$" lines (or on one line) is never prose: a
    text states an equation again on purpose. Lines that start with "$"
    take the segmenter's full path, with the kernel too."""
    text = "Text before.\n\n$$\n\\dot{v} = -\\gamma v\n$$\n\nText after.\n\n$$ a = b $$\n\n$5 is the price.\n"
    assert kinds(text) == [("paragraph", "Text before."), ("math", "$$\n\\dot{v} = -\\gamma v\n$$"),
                           ("paragraph", "Text after."), ("math", "$$ a = b $$"), ("paragraph", "$5 is the price.")]
    if segment.KERNEL is not None:
        assert segment.KERNEL.plain_paragraphs("Text.\n$$ a = b $$\n", segment.structure.prose_table(), 0.4) is None


def test_a_heading_that_links_to_a_tab_opens_a_tab():
    """Microsoft Learn writes tabs as headings linking to "#tab/..."; a
    rule ends the group."""
    text = "\n\n".join(["## Usage", "# [In-process](#tab/in-process)", "Write a message.",
                      "# [Isolated process](#tab/isolated-process)", "Write a message.", "---", "After."]) + "\n"
    found = segment.sections(text, paragraphs(text))
    paths = [found.paths[k] for k in found.of]
    assert paths[0][:-1] == paths[1][:-1] == ((2, "usage"),) and paths[0] != paths[1]
    assert {p[-1][0] for p in paths[:2]} == {segment.TAB_LEVEL}
    assert paths[2] == ((2, "usage"),)
