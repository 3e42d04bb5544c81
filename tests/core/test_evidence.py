"""Differences that matter, the evidence rule for short units, and new text
that is never lost."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.core import evidence
from dedupe.core.evidence import conflict, is_long, long_spans, marks, weighted_tokens
from tests.sites import LONG_SENTENCES, prose
from tests.strategies import mixed_text, paragraph, span_arrays, spans_of

LONG = LONG_SENTENCES


def doc(*paras):
    return "\n\n".join(paras) + "\n"


def removed(text, **kw):
    return [text[r.start : r.end] for r in dedupe.clean(text, **kw).removed]


# --- differences that matter --------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("The release notes for version 2.4.1 list every change made to the scheduler since the spring.",
     "The release notes for version 2.4.2 list every change made to the scheduler since the spring."),
    ("Add the Korean translation of the page docs/ko/tutorial/first-steps.md to the navigation menu.",
     "Add the Korean translation of the page docs/ko/tutorial/body-fields.md to the navigation menu."),
    ("Open the settings page at https://example.org/admin/settings and change the value of the field.",
     "Open the settings page at https://example.org/admin/profile and change the value of the field."),
    ("The function `load_config` reads the settings file and returns the merged values as a mapping.",
     "The function `load_secrets` reads the settings file and returns the merged values as a mapping."),
    ("The service restarts the worker automatically when the health check fails three times in a row.",
     "The service does not restart the worker automatically when the health check fails three times in a row."),
])
def test_latin_pairs_that_differ_in_what_matters_are_both_kept(a, b):
    assert removed(doc(LONG[0], a, LONG[1], b)) == []


@pytest.mark.parametrize("a, b", [
    ("这款车型配备了全景天窗和自动泊车系统，适合经常在城市中驾驶的家庭用户。",
     "这款车型不配备全景天窗和自动泊车系统，适合经常在城市中驾驶的家庭用户。"),
    ("この設定ファイルは起動時に読み込まれるので、変更した場合はサーバーを再起動する必要があります。",
     "この設定ファイルは起動時に読み込まれないので、変更した場合はサーバーを再起動する必要があります。"),
    ("이 설정 파일은 서버가 시작될 때 읽히므로 값을 바꾼 뒤에는 서버를 다시 시작해야 합니다.",
     "이 설정 파일은 서버가 시작될 때 읽히지 않으므로 값을 바꾼 뒤에는 서버를 다시 시작해야 합니다."),
    ("二〇二三年版的手册第12章介绍了如何配置缓存服务器以及如何监控它的运行状态和内存使用情况。",
     "二〇二三年版的手册第13章介绍了如何配置缓存服务器以及如何监控它的运行状态和内存使用情况。"),
])
def test_cjk_pairs_that_differ_in_a_negation_or_a_number_are_both_kept(a, b):
    assert removed(doc(a, b)) == []


@pytest.mark.parametrize("a, b", [
    ("2 つの仮想ネットワークが異なるリージョンにある場合、Basic Load Balancer を使用するリソースには接続できません。",
     "Standard Load Balancer を使用するリソースには接続できます。"),
    ("CSS 파일들을 불러옵니다. 경로에는 문자열 또는 배열을 사용할 수 있습니다.",
     "JavaScript 파일들을 불러옵니다. 경로에는 문자열 또는 배열을 사용할 수 있습니다."),
])
def test_a_latin_word_in_cjk_text_names_what_it_speaks_of(a, b):
    """In text mostly of Han, Kana or Hangul, a Latin word names a product,
    a tier or a language, as a code span does in English."""
    assert conflict(marks(b), marks(a), shorter=len(b) < len(a))
    # In English text, words are words.
    assert not conflict(marks("Use the standard balancer for resources in other regions of the cloud."),
                        marks("Use the basic balancer for resources in other regions of the cloud."), shorter=False)


def test_image_lines_that_differ_in_digits_are_not_copies():
    a = "The first diagram shows the tasks of the program running one after another: ![tasks](img/trpl17-02.svg)"
    b = "The first diagram shows the tasks of the program running one after another: ![tasks](img/trpl17-03.svg)"
    assert removed(doc(a, b)) == []


def test_a_truncated_copy_keeps_matching_when_it_is_cut_inside_a_code_span():
    a = ("The `load_config` function returns the merged values, and the caller decides what to do with "
         "a key that has the wrong type or is missing from every file in the folder.")
    cut = a[6:]  # starts inside the code span
    assert removed(doc(a, LONG[1], cut)) == [cut]


def test_marks_fold_width_and_wrapping():
    a = marks("version 2.4.1 in `src/main.rs`")
    b = marks("version ２.４.１ in `src/\nmain.rs`")
    assert not conflict(a, b, shorter=False)
    assert conflict(marks("it has a cover"), marks("it has no cover"), shorter=False)


# --- evidence -------------------------------------------------------------------


def test_cjk_counts_about_like_words():
    assert weighted_tokens("Run the tests again to see the output:") == 8
    assert weighted_tokens("再度テストを実行して出力を確認します:") == 9


@pytest.mark.parametrize("lead", [
    "In this case the request body looks like this:",
    "Now run the program again and you will see the following output:",
    "この場合、リクエストボディは次のようになります：",
    "再次运行程序，你会看到如下输出：",
])
def test_lead_ins_before_different_code_are_kept(lead):
    text = doc(LONG[0], lead, "```python\nprint(1)\n```", LONG[1], lead, "```python\nprint(2)\n```", LONG[2])
    assert removed(text) == []


def test_a_lead_in_after_a_loop_stays_when_it_introduces_other_code():
    # A page goes on after a loop with its own next lead-in, the formula
    # it writes before each example; a loop repeats the code with it.
    lead = "You can replace the deprecated signatures with the following command:"
    first = [LONG[0], LONG[1], lead, "```\nnpx codemod pluralize\n```", LONG[2]]
    end = "The page then closes with a paragraph of its own that none of the others repeats."
    goes_on = doc(*first, LONG[0], LONG[1], lead, "```\nnpx codemod params\n```", end)
    assert removed(goes_on) == [LONG[0], LONG[1]]
    looped = doc(*first, LONG[0], LONG[1], lead, "```\nnpx codemod pluralize\n```", end)
    assert removed(looped) == [LONG[0], LONG[1], lead]


def test_short_list_items_and_sentences_repeat_legitimately():
    item = "- Restart the server after changing the settings."
    text = doc(LONG[0], item, LONG[1], item, LONG[2])
    assert removed(text) == []
    short = "Restart the server after changing the settings."
    text = doc(LONG[0] + " " + short, LONG[1] + " " + short)
    assert removed(text) == []


def test_a_short_unit_inside_a_repeated_run_goes_with_it():
    short = "Then restart the server so that the change takes effect."
    text = doc(LONG[0], short, LONG[1], "Something else entirely happens here in the meantime, told at length.",
               LONG[0], short, LONG[1])
    assert removed(text) == [LONG[0], short, LONG[1]]


def test_a_short_sentence_inside_a_repeated_paragraph_goes_with_it():
    para = LONG[0] + " It is fast. " + LONG[1]
    text = doc(para, LONG[2], para)
    assert removed(text) == [para]


def test_evidence_tokens_zero_removes_short_repeats():
    lead = "Now run the program again and you will see the following output:"
    text = doc(LONG[0], lead, LONG[1], lead)
    assert removed(text) == []
    assert removed(text, evidence_tokens=0) == [lead]
    # Nor does a copy under another heading need more, reworded or alone.
    edited = LONG[0].replace("alphabetical", "reverse")
    for again in (LONG[0], edited):
        text = doc("## Summary", LONG[0], LONG[2], "## Details", again)
        assert removed(text) == []
        assert removed(text, evidence_tokens=0) == [again]


# --- distance -------------------------------------------------------------------

# A formula a book repeats chapters apart: long enough (14 words) to be
# evidence next to its copy, not far from it.
FORMULA = "Note that this example does not compile yet, and the next section explains why it fails."


def _between(n, start=100):
    return [prose(start + k) for k in range(n)]


def test_a_formula_repeated_far_away_is_kept_and_near_is_removed():
    assert evidence.FAR_FACTOR * 12 > weighted_tokens(FORMULA) >= 12
    far = doc(prose(1) + " " + FORMULA, *_between(evidence.NEAR_BLOCKS + 1), prose(2) + " " + FORMULA)
    assert removed(far) == []
    near = doc(prose(1) + " " + FORMULA, *_between(evidence.NEAR_BLOCKS), prose(2) + " " + FORMULA)
    assert removed(near) == [FORMULA]


def test_a_formula_far_from_its_first_occurrence_goes_where_it_repeats_near():
    """Near is near the nearest earlier occurrence, not only the first: of
    two close copies far from the first, the second goes."""
    a, b, c = prose(1) + " " + FORMULA, prose(2) + " " + FORMULA, prose(3) + " " + FORMULA
    text = doc(a, *_between(evidence.NEAR_BLOCKS + 5), b, *_between(3, start=300), c)
    first = dedupe.clean(text)
    assert [(text[r.start : r.end], r.start > text.index(b)) for r in first.removed] == [(FORMULA, True)]
    assert dedupe.clean(first.text).text == first.text


def test_a_long_copy_far_away_is_still_removed():
    assert weighted_tokens(LONG[0]) >= evidence.FAR_FACTOR * 12
    text = doc(LONG[0], *_between(3 * evidence.NEAR_BLOCKS), LONG[0])
    assert removed(text) == [LONG[0]]


def test_a_run_of_short_copies_needs_the_far_length_together_when_far():
    run = [prose(7, sentences=1), prose(8, sentences=1), prose(9, sentences=1)]
    assert all(weighted_tokens(p) < 24 for p in run) and weighted_tokens(" ".join(run)) >= 24
    assert removed(doc(*run, *_between(evidence.NEAR_BLOCKS + 5), *run)) == run
    pair = ["Restart the server after you change any of the settings.",
            "Then clear the cache that the build folder keeps around."]
    assert 12 <= weighted_tokens(" ".join(pair)) < 24
    assert removed(doc(*pair, *_between(evidence.NEAR_BLOCKS + 5), *pair)) == []
    assert removed(doc(*pair, *_between(evidence.NEAR_BLOCKS - 5), *pair)) == pair


REMINDER = "For a complete enumeration of the available configuration options, see [_Settings_](settings.md)."


@pytest.mark.parametrize(("lines", "goes"), [(3, True), (40, False)])
def test_code_between_counts_by_its_lines(lines, goes):
    """A reference page repeats a reminder at the end of a section of a few
    paragraphs and long code examples: far on the page, though few
    paragraphs lie between."""
    assert evidence.FAR_FACTOR * 12 > weighted_tokens(REMINDER) >= 12
    code = "```toml\n" + "\n".join(f"option-{k} = {k}" for k in range(lines)) + "\n```"
    examples = [x for k in range(6) for x in (prose(100 + k), code.replace("option-", f"key{k}-"))]
    text = doc(LONG[0], REMINDER, *examples, LONG[1], REMINDER, "## Next")
    assert removed(text) == ([REMINDER] if goes else [])


@pytest.mark.parametrize("kept", [evidence.NEAR_BLOCKS - 5, evidence.NEAR_BLOCKS + 5])
def test_distance_counts_the_paragraphs_that_stay(kept):
    """Paragraphs removed between a repeat and its copy do not count: the
    cleaned text is cleaned the same way again."""
    copies = _between(10, start=500)
    middle = [*copies, *_between(kept - 10), *copies]  # the second ten go
    text = doc(prose(1) + " " + FORMULA, *middle, prose(2) + " " + FORMULA)
    first = dedupe.clean(text)
    gone = [text[r.start : r.end] for r in first.removed]
    assert (FORMULA in gone) is (kept <= evidence.NEAR_BLOCKS)
    assert dedupe.clean(first.text).text == first.text


# --- quotations and rendered examples ------------------------------------------


def test_a_quotation_of_the_texts_own_words_stays():
    quoted = doc(LONG[0], LONG[1], "Let us look at the first sentence again:", "> " + LONG[0], LONG[2])
    assert removed(quoted) == []
    # The same paragraph repeated without the quote marks is a copy; so is a
    # quote repeated, and a quoted note repeated as plain text.
    assert removed(doc(LONG[0], LONG[1], LONG[0], LONG[2])) == [LONG[0]]
    assert removed(doc("> " + LONG[0], LONG[1], "> " + LONG[0], LONG[2])) == ["> " + LONG[0]]
    assert removed(doc("> " + LONG[0], LONG[1], LONG[0], LONG[2])) == [LONG[0]]


def test_a_style_guides_right_and_wrong_ways_stay():
    """A style guide quotes a sentence the right way, then the wrong ways:
    the same words with other spacing, punctuation, width or case. A quote
    repeated as it was written, wrapped anew or not, is still a copy."""
    guide = doc("### 中英文之間需要增加空格", "正確：", "> 在 LeanCloud 上，數據存儲是圍繞 `AVObject` 進行的。",
                "錯誤：", "> 在LeanCloud上，數據存儲是圍繞`AVObject`進行的。\n>\n> 在 LeanCloud上，數據存儲是圍繞`AVObject` 進行的。",
                "### 不重複使用標點符號", "正確：", "> 德國隊竟然戰勝了巴西隊！", "錯誤：", "> 德國隊竟然戰勝了巴西隊！！！！",
                "### Names", "Right:", "> " + LONG[0].replace("configuration", "GitHub configuration"),
                "Wrong:", "> " + LONG[0].replace("configuration", "GITHUB configuration").replace(", merges", "，merges"))
    assert removed(guide) == []
    rewrapped = "> " + LONG[0].replace(" merges", "\n> merges")
    assert removed(doc("> " + LONG[0], LONG[1], rewrapped, LONG[2])) == [rewrapped]


def test_an_faqs_question_again_as_an_html_heading_stays():
    q = ("TC报这个错：An exceptionCaught() event was fired, and it reached at the tail of the pipeline. It usually"
         " means the last handler in the pipeline did not handle the exception是什么原因？")
    page = doc(f'<a href="#27" target="_self">27. {q}</a>', "<br/>", LONG[0], f"<h3 id='27'>Q: 27. {q}</h3>",
               "**A：**", LONG[1])
    assert removed(page) == []


BODY = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. Nulla et euismod\n"
        "    nulla. Curabitur feugiat, tortor non consequat finibus, justo purus auctor\n"
        "    massa, nec semper lorem quam in massa.")


def _example(lead: str, marker: str) -> str:
    return doc(lead, "_Example_:", f"``` markdown\n{marker}\n    {BODY}\n```", "_Result_:", marker, f"    {BODY}")


def test_rendered_examples_repeated_one_after_another_stay():
    """A reference page shows each example's source in a code block and
    then renders it: the rendered bodies repeat on purpose."""
    page = "### Usage\n\n" + _example(LONG[0], "!!! note") + "\n" + _example(LONG[1], '!!! note "Title"')
    assert removed(page) == []
    without_sources = page.replace("``` markdown", "``` markdown\nother").replace(f"    {BODY}\n```", "```")
    assert BODY not in without_sources.split("```")[1]
    assert removed(without_sources) == [BODY]


# --- parallel sections and list items --------------------------------------------


def test_a_release_repeats_its_pre_release_entries():
    entries = ["* " + LONG[0], "* " + LONG[1]]
    changelog = doc("## 1.1.0 (2020-06-01)", "### Changed", *entries, "## 1.1.0rc1 (2020-05-02)", "### Changed",
                    *entries)
    assert removed(changelog) == []
    # A summary's points again in the details' list: items of two lists.
    assert removed(doc("## Summary", *entries, "## Details", *entries)) == []


def test_an_entry_again_under_the_next_release_stays_whatever_its_own_heading():
    """Breaking changes listed by release: an entry deprecated in one
    release is removed in the next, with the same text under its own
    heading, and the releases' headings need not differ in numbers only."""
    entry = [LONG[0], LONG[1]]
    notes = doc("## Planned Breaking API Changes (18.0)", "### Removed: `nativeWindowOpen`", *entry,
                "## Planned Breaking API Changes (17.0)", "### Deprecated: `nativeWindowOpen`", *entry,
                "## Breaking API Changes (3.0)", "### Node Headers URL", LONG[2],
                "## Planned Breaking API Changes (7.0)", "### Deprecated: Node Headers URL", LONG[2])
    assert removed(notes) == []
    # Numbered sections are no releases: a loop's run under the next still goes.
    assert removed(doc("## 1. Setup", *entry, "## 2. Usage", *entry)) == entry


def test_a_summarys_points_restate_the_text():
    """"Summary:" and a list of what the text said, or a list of points a
    paragraph then spells out: a list item is no copy of a paragraph's
    text, nor the other way round. Repeated in their list, they are."""
    point = "如果 `equals` 方法判断两个对象是相等的，那这两个对象的 `hashCode` 值也要相等。"
    other = "两个对象有相同的 `hashCode` 值，他们也不一定是相等的（哈希碰撞）。"
    assert weighted_tokens(point) >= 12
    said = "因为两个相等的对象的 `hashCode` 值必须是相等。也就是说" + point
    assert removed(doc(said, LONG[1], "**总结**：", f"- {point}\n- {other}")) == []
    assert removed(doc(f"- {point}\n- {other}", LONG[1], said)) == []
    assert removed(doc(f"- {point}\n- {other}\n- {point}\n- {other}", LONG[1])) == [f"- {point}", f"- {other}"]


def test_the_items_two_lists_share_stay():
    """A reference lists the arguments of two blocks, one list each, in one
    section; the arguments they share are described twice, on purpose."""
    shared = [f"* `{name}` - (Optional) {prose(40 + k, sentences=2)}" for k, name in enumerate(("tags", "size"))]
    reference = doc("## Block devices", "Each `root_block_device` block supports the following:",
                    "\n".join(["* `encrypted` - (Optional) Whether to encrypt the volume.", *shared]),
                    "Each `ebs_block_device` block supports the following:",
                    "\n".join(["* `device_name` - (Required) Name of the device to mount.", *shared]))
    assert removed(reference) == []
    # A loop that runs on in one list still goes.
    assert removed(doc("## Block devices", "\n".join(shared + shared))) == shared


STOP = "Updates to this field will trigger a stop/start of the EC2 instance by default."
RECREATE = ("If the `user_data_replace_on_change` is set then updates to this field will trigger a destroy"
            " and recreate of the EC2 instance.")
UPDATES = f"{STOP} {RECREATE}"


def test_sentences_that_end_several_items_of_a_reference_stay():
    """Each item of a reference says its part about its own subject: the
    same closing sentences under two arguments hold for each of them."""
    assert weighted_tokens(UPDATES) >= evidence.FAR_FACTOR * 12
    items = [f"* `user_data` - (Optional) {prose(50, sentences=2)} {UPDATES}",
             f"* `user_data_base64` - (Optional) {prose(51, sentences=2)} {UPDATES}"]
    assert removed(doc("## Argument Reference", LONG[0], "\n".join(items), LONG[1])) == []
    # Repeated in one item, they are a stutter; a loop repeats whole items.
    assert removed(doc(f"* `user_data` - (Optional) {prose(50, sentences=2)} {UPDATES} {UPDATES}")) \
        == [STOP, RECREATE]
    assert removed(doc("\n".join(items + items))) == items


def _install_form(name: str, own: str, *shared: str) -> str:
    return "\n\n".join([f"* `npm install {name}`:", *(f"    {p}" for p in (own, *shared))])


def test_paragraphs_repeated_under_each_item_of_a_reference_stay():
    """A command reference lists its forms as items, each described in
    paragraphs indented under it: the forms that clone a repository repeat
    how a commit is chosen and what a prepare script does, on purpose."""
    commit, prepare = LONG[0], LONG[1]
    forms = [_install_form("<git remote url>", prose(60), commit, prepare),
             _install_form("gist:<gistID>", prose(61), prepare),
             _install_form("gitlab:<gitlabname>/<gitlabrepo>", prose(62), commit, prepare)]
    assert removed(doc("## Description", *forms, LONG[2])) == []
    # A form pasted again, description and all, keeps nothing of its own.
    assert removed(doc("## Description", forms[0], LONG[2], forms[0])) == [prose(60), commit, prepare]
    # Text of the page outside the list is no item's own.
    assert removed(doc("## Description", commit, *forms[1:])) == [commit]


def test_the_same_steps_nested_under_two_items_stay():
    """A test plan lists the same steps under each of two policies, with
    what each confirms; a loop repeats steps in their own list."""
    steps = [f"1. {prose(70 + k, sentences=1)}" for k in range(3)]
    plan = "\n".join(["- With the delete policy", *(f"  {s}" for s in steps),
                      "- With the retain policy", *(f"  {s}" for s in steps)])
    assert removed(doc("## Test plan", plan, LONG[0])) == []
    looped = "\n".join(["- With the delete policy", *(f"  {s}" for s in steps + steps)])
    assert removed(doc("## Test plan", looped, LONG[0])) == steps


def test_a_reworded_paragraph_under_another_heading_stays_and_a_copy_goes():
    """A reference page describes an option again under its deprecated
    name, with the one word that differs: a long paragraph reworded alone
    under another heading is the writer's parallel text. Copied as it is,
    or with its neighbours, it is a loop's or a paste's."""
    def option(what):
        return (f"Put the `>` of a multi-line {what} element at the end of the last line instead of being"
                " alone on the next line (does not apply to self closing elements).")

    assert weighted_tokens(option("JSX")) >= evidence.FAR_FACTOR * 12
    reference = doc("## Bracket Line", option("HTML (HTML, JSX, Vue, Angular)"), "Valid options:", LONG[1],
                    "## [Deprecated] JSX Brackets",
                    "_This option has been deprecated in v2.4.0, use --bracket-same-line instead_", option("JSX"),
                    "Valid options:", LONG[2])
    assert removed(reference) == []
    assert removed(reference.replace("multi-line JSX element", "multi-line HTML (HTML, JSX, Vue, Angular) element")) \
        == [option("HTML (HTML, JSX, Vue, Angular)")]
    edited = LONG[0].replace("alphabetical", "reverse")
    assert edited != LONG[0]
    assert removed(doc("## Summary", LONG[0], LONG[2], "## Details", edited)) == []
    # Alone, an exact copy under another heading stays too (see
    # test_a_long_paragraph_again_alone_under_a_sister_heading_stays).
    assert removed(doc("## Summary", LONG[0], LONG[2], "## Details", LONG[0])) == []
    assert removed(doc("## Summary", LONG[0], LONG[1], "## Details", edited, LONG[1])) == [edited, LONG[1]]
    assert removed(doc("## Summary", LONG[0], LONG[2], edited)) == [edited]


LEAD = "In the configuration file, you can see that the Pod has a single container."


def test_a_lead_in_repeated_in_each_section_stays_and_a_run_across_a_heading_goes():
    assert 12 <= weighted_tokens(LEAD) < evidence.FAR_FACTOR * 12
    how_to = doc("## Define a command", LEAD + " " + LONG[0], "## Define an HTTP request", LEAD + " " + LONG[1])
    assert removed(how_to) == []
    assert removed(doc(LEAD + " " + LONG[0], LONG[2], LEAD + " " + LONG[1])) == [LEAD]
    # A loop that runs on under the next heading still goes, with or
    # without the heading repeated.
    assert removed(doc("## Setup", LONG[0], LONG[1], "## Usage", LONG[0], LONG[1])) == [LONG[0], LONG[1]]
    assert removed(doc("## Setup", LONG[0], LONG[1], "## Setup", LONG[0], LONG[1])) == [LONG[0], LONG[1]]



RELOAD = ("You can now enable Live reloading from the [Developer menu](debugging.md#developer-menu). Your app will"
          " reload whenever your JavaScript code has changed.")


def test_a_long_paragraph_again_alone_under_a_sister_heading_stays():
    """Two methods of a how-to each end with the same long paragraph: an
    exact copy under another heading counts alone only when it repeats
    with a neighbour, as a loop's and a paste's runs do (code, tables and
    headings between or not)."""
    assert weighted_tokens(RELOAD) >= evidence.FAR_FACTOR * 12
    how_to = doc("### Method 1: Using a cable", LONG[0], "```\n$ adb reverse tcp:8081 tcp:8081\n```", RELOAD,
                 "### Method 2: Connect via Wi-Fi", LONG[1], "1. Open your app on your device.", RELOAD)
    assert removed(how_to) == []
    looped = doc("### Method 1: Using a cable", LONG[0], "```\n$ adb reverse\n```", RELOAD,
                 "### Method 2: Connect via Wi-Fi", LONG[0], "```\n$ adb reverse\n```", RELOAD)
    assert removed(looped) == [LONG[0], RELOAD]
    # A neighbour too short to go, but the same text, says run as well.
    short = "- Azure and Google Cloud Storage"
    pasted = doc("### Updating data", LONG[2], short, RELOAD, "### Data management", LONG[1], short, RELOAD)
    assert removed(pasted) == [RELOAD]


def test_a_run_gathered_from_under_two_headings_stays():
    """A reference page's usage section restates a sentence of the API's
    description and one of its return value, side by side: a loop
    repeats a stretch of the text, and that stretch would hold the
    heading between them."""
    convention = "By convention, name the state variables like [something, setSomething] using array destructuring."
    returns = "The hook returns an array with exactly two values, the current state and its setter function."
    assert weighted_tokens(convention) + weighted_tokens(returns) >= evidence.FAR_FACTOR * 12
    reference = ["## Reference", LONG[0], convention, "### Returns", returns, "## Usage", LONG[1]]
    assert removed(doc(*reference, convention, returns, LONG[2])) == []
    # The same two paragraphs side by side in the reference: a run.
    reference.remove("### Returns")
    assert removed(doc(*reference, convention, returns, LONG[2])) == [convention, returns]


def test_a_sister_section_in_other_words_is_not_a_run():
    """Azure's reference shows a binding once per language, each section
    saying the same things in the same order, with the language's name
    changed: only exact neighbours say a loop repeated the section."""
    def section(language):
        return [f"### {language} example",
                f"The following example shows a binding in the function.json file and a {language} function that "
                "reads the queue message, logs it and moves it to the archive queue when it has been handled.",
                "```json\n{\"bindings\": []}\n```", LONG[0]]

    page = doc(*section("C# script"), *section("JavaScript"), LONG[2])
    assert removed(page) == []
    # The same section again, word for word, is a loop.
    assert removed(doc(*section("C# script"), *section("C# script")[1:], LONG[2])) == [
        section("C# script")[1], LONG[0]]


def test_sentences_a_sister_paragraph_shares_stay_beside_its_own():
    """osu!'s ranking criteria open "Overall" and "Difficulty-specific"
    each with a sentence of its own, then the same two sentences on tempo:
    the sections are sisters. A loop repeats a paragraph whole, in pieces
    or edited, never with a sentence of its own."""
    shared = LONG[0] + " " + LONG[1]
    overall = "Overall rules and guidelines apply to every kind of difficulty in the ranked section. " + shared
    specific = "Difficulty-specific guidelines only apply to the level that they are listed for, not to others. " + shared
    assert removed(doc("## Overall", overall, LONG[2], "## Difficulty-specific", specific)) == []
    # Under one heading, the paragraph repeats the other's sentences.
    assert removed(doc("## Overall", overall, LONG[2], specific)) == [LONG[0], LONG[1]]
    # Nor is one that says the same of another subject (Hexo's css() and
    # js() helpers, one Latin word apart).
    helper = ("{} 파일들을 불러옵니다. `path`에는 문자열(string) 또는 배열(array)을 사용할 수 있습니다. "
              "만약 `path`가 `/` 또는 프로토콜명으로 시작하지 않는다면, 루트 URL이 접두어로 붙습니다.")
    assert removed(doc("### css", helper.format("CSS"), "### js", helper.format("JavaScript"))) == []
    # A first sentence that only adds to the other's is not its own.
    extended = overall.replace("section.", "section and in the loved one.")
    assert removed(doc("## Overall", overall, LONG[2], "## Difficulty-specific", extended)) == [LONG[0], LONG[1]]


FIELDS = ("*Required*: No  \n*Type*: Integer  \n*Update requires*: "
          "[No interruption](https://docs.example.com/stacks-update-behaviors.html#update-no-interrupt)")


def test_what_two_entries_of_a_reference_share_stays():
    """A resource's properties, each an entry: its name alone on the first
    line, its description, and the fields every property of its type
    repeats. Each entry says its part about its own subject."""
    names = ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod")
    entries = [f"`{name}`  <a name=\"cfn-{name.lower()}\"></a>\n{LONG[k]}  \n{FIELDS}" for k, name in enumerate(names)]
    assert removed(doc("## Properties", *entries)) == []
    # Without the names, the fields are a sentence the paragraphs repeat.
    assert removed(doc("## Properties", *(e.split("\n", 1)[1] for e in entries))) == [FIELDS, FIELDS]


def test_a_sentence_two_items_share_stays_beside_each_ones_own_example():
    """A Go book says how "&" and "|" combine bits in one sentence that
    differs by a character (和 / 或), each item with its own table of bits.
    An item pasted again whole, example and all, keeps nothing of its own."""
    share = "对应位置上的值经过{0}运算结果，具体参见{0}运算符，第 4.5.1 节，并将 T（true）替换为 1，将 F（false）替换为 0"

    def item(name, word, op):
        return [f"- {name} `{op}`：", "\t" + share.format(word), f"\t\t1 {op} 1 -> 1\n\t\t1 {op} 0 -> 0"]

    page = doc(LONG[0], *item("按位与", "和", "&"), *item("按位或", "或", "|"), LONG[1])
    assert removed(page) == []
    again = doc(LONG[0], *item("按位与", "和", "&"), *item("按位或", "或", "|"), *item("按位与", "和", "&"), LONG[1])
    assert [x.strip() for x in removed(again)] == [share.format("和")]


def test_a_note_written_under_each_example_of_a_list_stays():
    """Doris numbers its examples, each a line and a code block, and
    writes the note an example needs right under its code: the same note
    under two examples belongs to each."""
    note = "Note: create the S3 resource and the storage policy first, or the table cannot use the policy."
    steps = [f"{k}. {what}\n    ```sql\n    CREATE TABLE t{k} (k1 DATE) {how};\n    ```\n{note}"
             for k, what, how in ((1, "Set the storage policy of a new table to move its cold data to object storage:",
                                   'PROPERTIES ("storage_policy" = "p1")'),
                                  (2, "Give each partition of a new table a storage policy of its own for its cold data:",
                                   'PARTITION BY RANGE (k1) (PARTITION p1 VALUES LESS THAN ("2022-01-01"))'))]
    assert removed(doc(LONG[0], *steps, LONG[1])) == []
    # Apart from the code by a blank line, it is a paragraph of its own.
    apart = [step.replace("```\nNote", "```\n\nNote") for step in steps]
    assert removed(doc(LONG[0], *apart, LONG[1])) == [note]


@pytest.mark.parametrize("opening, closing, indent", [
    ("!!! info", None, "    "),
    ("??? tip", None, "    "),
    (":::tip", ":::", ""),
    ("::::note", "::::", ""),
    ("/// tip | **FastAPI** took from it", "///", ""),
    ("//// note", "////", ""),
])
def test_a_callout_again_under_another_heading_stays(opening, closing, indent):
    """FastAPI explains its session handling in an "!!! info" box under the
    dependency and again, word for word, under the middleware that
    replaces it: a writer repeats a callout on purpose."""
    def callout():
        return [opening, f"{indent}{LONG[0]}", f"{indent}{LONG[1]}", *([closing] if closing else [])]

    page = doc("## Create a dependency", LONG[2], *callout(), "## Create a middleware", prose(7), *callout())
    assert removed(page) == []
    # The same paragraphs outside callouts repeat as a run.
    plain = doc("## Create a dependency", LONG[2], LONG[0], LONG[1], "## Create a middleware", prose(7),
                LONG[0], LONG[1])
    assert removed(plain) == [LONG[0], LONG[1]]
    # Under one heading, a callout again is a copy.
    looped = doc("## Create a dependency", LONG[2], *callout(), prose(7), *callout())
    assert [x.strip() for x in removed(looped)] == [LONG[0], LONG[1]]


def test_a_paragraph_each_section_ends_with_is_no_neighbour():
    """Each label of a reference closes with "For more, see ...": the same
    paragraph after two copies says nothing of a run when the page says
    it after every section."""
    more = "For more, see [Pod Security Admission](/docs/pod-security)."
    versions = ["## enforce-version", LONG[0], more, "## audit-version", LONG[0], more]
    assert removed(doc("## enforce", LONG[1], more, *versions, "## warn", LONG[2], more)) == []
    # After the two copies alone, it repeats with them.
    assert removed(doc("## enforce", LONG[1], *versions, "## warn", LONG[2])) == [LONG[0], more]


def test_the_same_subsection_under_two_parents_stays():
    """A page in two halves, one per way of running a program, each with
    a subsection of the same title and text: each half is complete for
    its reader. A loop repeats its headings under the same parent."""
    halves = [doc(f"## Run with {how}", prose(80 + k), "### Save your data", LONG[0], LONG[1])
              for k, how in enumerate(("the CLI", "Compose"))]
    assert removed("".join(halves)) == []
    looped = doc("## Run with the CLI", LONG[2], "### Save your data", LONG[0], LONG[1], "### Save your data",
                 LONG[0], LONG[1])
    assert removed(looped) == [LONG[0], LONG[1]]



@pytest.mark.parametrize("opening, closing, indent", [
    ("{{% codetab %}}", "{{% /codetab %}}", ""),
    ('<TabItem value="{name}">', "</TabItem>", ""),
    ("<AppOnly>", "</AppOnly>", ""),
    ('=== "{name}"', None, "    "),
    ("# [{name}](#tab/{name})", "---", ""),
])
def test_the_same_text_in_each_tab_of_a_group_stays(opening, closing, indent):
    """A how-to shows each step once per shell, in tabs: the prose of each
    tab is complete for its reader, whichever tab they pick."""
    def tab(name, command):
        body = [f"{indent}{LONG[0]}", f"{indent}```\n{indent}{command}\n{indent}```", f"{indent}{LONG[1]}"]
        return [opening.replace("{name}", name), *body, *([closing] if closing else [])]

    # Equations a text states again are never prose.
    equation = "$$\n\\dot{v_x} = - \\gamma v_x, \\quad \\dot{v_y} = - \\gamma v_y - g\n$$"
    assert removed(doc(LONG[0], equation, LONG[1], "Recall the equations of motion:", equation, LONG[2])) == []

    page = doc("## Get state", *tab("bash", "curl localhost:3601"), *tab("powershell", "Invoke-RestMethod"), LONG[2])
    assert removed(page) == []
    # Within one tab, a loop's run still goes.
    looped = doc("## Get state", *tab("bash", "curl localhost:3601")[:-1 if closing else None], LONG[0], LONG[1],
                 *([closing] if closing else []), LONG[2])
    assert removed(looped) == [LONG[0], LONG[1]]


def test_the_same_text_for_each_router_stays():
    """Next.js pages say each thing once for the App Router and once for
    the Pages Router, in <AppOnly> and <PagesOnly> blocks; a reader sees
    one of them."""
    app = ("When a font function is called on a page of your site, it is not globally available and preloaded on "
           "all routes. Rather, the font is only preloaded on the related routes based on the type of file where "
           "it is used:")
    pages = app.replace("related routes", "related pages")
    page = doc("### Preloading", "<AppOnly>", app, "- a layout: every route it wraps", "</AppOnly>",
               "<PagesOnly>", pages, "- the custom App: every route of the site", "</PagesOnly>", LONG[2])
    assert removed(page) == []
    # The same blocks as plain HTML: a near-copy of the paragraph before.
    assert removed(page.replace("AppOnly>", "div>").replace("PagesOnly>", "div>")) == [pages]


SUB = "    - The renderer prepares to set the counter to one on the next pass of the loop."


def test_a_list_item_repeated_under_each_step_stays_and_a_looped_run_goes():
    assert 12 <= weighted_tokens(SUB) < evidence.FAR_FACTOR * 12
    steps = "\n".join(f"{k}. `setCount(count + 1)`: `count` is `0`, so `setCount(0 + 1)`.\n{SUB}" for k in (1, 2, 3))
    assert removed(doc(LONG[0], steps, LONG[1])) == []
    items = [f"- {prose(k, sentences=1)}" for k in (20, 21, 22)]
    looped = "\n".join(items + items)
    assert removed(doc(LONG[0], looped, LONG[1])) == items


# --- new text is never lost -----------------------------------------------------


@pytest.mark.parametrize("joiner", [" ", ""])
def test_half_copied_paragraph_keeps_its_new_text(joiner):
    if joiner:
        src = LONG[0] + " " + LONG[1]
        new = "Nobody has measured how long the merge takes on a folder with ten thousand files in it."
        copy, text_new = LONG[0], new
    else:
        s1 = "配置加载器会读取设置文件夹中的每一个文件，并按照字母顺序合并其中的值，然后报告第一个类型错误的键。"
        s2 = "缓存为空时第一个请求会明显变慢，因为模板需要先被编译并保存，然后才能把响应写回客户端。"
        src = s1 + s2
        copy, text_new = s1, "目前还没有人测量过在包含一万个文件的文件夹上合并需要多长时间。"
    text = doc(src, LONG[2], copy + joiner + text_new)
    result = dedupe.clean(text)
    assert text_new in result.text
    assert result.text.count(copy) == 1
    assert [text[r.start : r.end] for r in result.removed] == [copy]


def test_a_copy_with_a_new_clause_appended_loses_only_the_copy():
    tail = "Nobody measured it."
    text = doc(LONG[0], LONG[1], LONG[0] + " " + tail)
    result = dedupe.clean(text)
    assert tail in result.text
    assert result.text.count(LONG[0]) == 1


def test_an_edited_copy_is_still_removed_whole():
    edited = LONG[1].replace("noticeably", "much")
    text = doc(LONG[1], LONG[2], edited)
    assert removed(text) == [edited]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(mixed_text, paragraph()), min_size=1, max_size=4), st.data(),
       st.sampled_from([4.0, 10.0, 12.0]))
def test_long_spans_is_is_long_of_each_span(texts, data, evidence_tokens):
    # Lead-ins ending in a colon (ASCII or full-width) take the half-weight rule.
    texts = [t + data.draw(st.sampled_from(["", ":", "：", ": ", " :\n"])) for t in texts]
    spans = data.draw(spans_of(texts))
    doc, starts, ends = span_arrays(spans)
    got = long_spans(texts, doc, starts, ends, evidence_tokens)
    assert got.tolist() == [is_long(texts[d][a:b], evidence_tokens) for d, a, b in spans]


@pytest.mark.parametrize("colon", [":", "：", ": \n"])
def test_a_lead_in_counts_half_in_long_spans_too(colon):
    text = "one two three four five six seven eight nine ten eleven twelve" + colon
    spans = (np.array([0]), np.array([0]), np.array([len(text)]))
    assert weighted_tokens(text) >= 10 and not is_long(text, 10)
    assert long_spans([text], *spans, 10).tolist() == [False]


_SALIENT_PIECES = ["`x`", "`", "][ref]", "](a b)", "]", "http://a.b/c", "https:", "www.", "www.x", "/", "a/b",
                   "./x", "~/y", "src/main.rs", "a.md", "x-y.tar", "a.b", "e.g.", "v1.2", "1,000", "3:04", "v",
                   "12", "word", " ", "\n", "日本", "_", "-", ".", ":", "~", "*", "@", "+"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SALIENT_PIECES), max_size=12).map("".join))
def test_salient_spans_are_what_the_whole_expression_finds(text):
    # Without a slash the expression leaves out the alternatives that need
    # one; the spans it finds, and their order, must not change.
    assert [m.span() for m in evidence.salient_spans(text)] == [m.span() for m in evidence._SALIENT.whole.finditer(text)]


# Salient pieces with white space of every kind and backticks inside what
# would otherwise be a URL, a path or a number.
_SPACED_PIECES = [*_SALIENT_PIECES, "\t", "\u3000", "\u2009", "http://a`b", "`a b`", "](x\ty)", "][a\u3000b]", "1.", ","]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SPACED_PIECES), max_size=12).map("".join))
def test_a_salient_span_compacts_as_any_text_does(text):
    for m in evidence.salient_spans(text):
        assert evidence._compact_span(m.group()) == evidence._compact(m.group())


@settings(max_examples=300, deadline=None)
@given(st.one_of(mixed_text, paragraph(), st.lists(st.sampled_from(_SPACED_PIECES), max_size=12).map("".join)),
       st.booleans())
def test_a_text_never_conflicts_with_itself(text, shorter):
    # The passage stage skips the marks of a pair of equal texts on this.
    assert not conflict(marks(text), marks(text), shorter)


def test_a_sentence_removed_from_the_start_of_a_list_item_leaves_the_item_in_its_list():
    # A loop's run: the item before the copy repeats too.
    text = doc("- " + LONG[0] + "\n- " + LONG[2] + " " + LONG[1],
               "- First item of the list.\n- " + LONG[0] + "\n- " + LONG[1] + " Then something new happens in this item."
               "\n- Third item.")
    result = dedupe.clean(text)
    assert [text[r.start : r.end] for r in result.removed] == ["- " + LONG[0], LONG[1]]
    assert "\n- Then something new happens in this item.\n- Third item." in result.text
