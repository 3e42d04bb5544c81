"""The invariants of DESIGN.md, as properties over generated documents."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.core.segment import paragraphs
from tests.strategies import document, long_document

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
options = st.fixed_dictionaries(
    {},
    optional={
        "keep": st.sampled_from(["first", "longest"]),
        "min_tokens": st.integers(2, 12),
        "ngram": st.integers(1, 5),
        "threshold": st.floats(0.5, 1.0),
    },
)


def only_whitespace_dropped(source: str, out: str) -> bool:
    """``out`` is ``source`` with some white-space characters deleted."""
    j = 0
    for ch in source:
        if j < len(out) and ch == out[j]:
            j += 1
        elif not ch.isspace():
            return False
    return j == len(out)


def without_spans(text: str, removed) -> str:
    pieces, pos = [], 0
    for r in removed:
        pieces.append(text[pos : r.start])
        pos = r.end
    pieces.append(text[pos:])
    return "".join(pieces)


@SETTINGS
@given(document(), options)
def test_kept_text_is_the_inputs_own(text, opts):
    result = dedupe.clean(text, **opts)
    assert only_whitespace_dropped(without_spans(text, result.removed), result.text)


_SENTENCE = "The committee will publish its final report on the river crossing next spring, after the consultation."
# Failures found by generated documents, pinned: removing the only blank
# line once flipped the paragraph rule to one paragraph per line, and kept
# spans once ended in white space (NBSP, U+3000, form feed) the output strips.
_PINNED = [
    (f"{_SENTENCE}\n{_SENTENCE}\n\n{_SENTENCE}\n{_SENTENCE}\n", {}),
    (f"{_SENTENCE}\n{_SENTENCE}\n\n{_SENTENCE}\n{_SENTENCE}\n", {"keep": "longest"}),
    (f"{_SENTENCE}\u00a0\n\n{_SENTENCE}\u3000\n\n{_SENTENCE}\x0c\n", {}),
    (f"{_SENTENCE} {_SENTENCE}\u00a0\u00a0\n\n{_SENTENCE}\n", {"keep": "longest"}),
]


def _pinned(test):
    for text, opts in _PINNED:
        test = example(text, opts)(test)
    return test


@SETTINGS
@given(document(), options)
@_pinned
def test_every_removal_points_at_a_surviving_copy(text, opts):
    result = dedupe.clean(text, **opts)
    spans = [(r.start, r.end) for r in result.removed]
    for r in result.removed:
        kept = r.duplicate_of
        assert kept.start < kept.end
        assert not any(s < kept.end and kept.start < e for s, e in spans), "kept copy was removed"
        assert text[kept.start : kept.end] in result.text
        assert 0 < r.similarity <= 1.0
        assert r.kind in ("exact", "near-duplicate", "contained", "repeated-sentence")


@SETTINGS
@given(document(), options)
@_pinned
def test_clean_is_idempotent(text, opts):
    once = dedupe.clean(text, **opts).text
    assert dedupe.clean(once, **opts).text == once


# Found by the property below: the cleaned text's second settling keeps a
# paragraph whose repeated sentence the first removed, and a later copy of
# it, mapped back, pointed at the whole paragraph, removed sentence and all.
SENTENCE_GONE_FROM_ITS_COPY = "\n\n".join([
    "!!! note\n    Rufomi ture bekila fucuda fave hihacegu goramuku hulo pudiluca nero.",
    "世家音化究学电影城济学历技济经家学世国界城政校影校人文研究世政究府技校影研音术大？ Bpntm shqndltj jvv pid rzftcfylu wjhc kgbglgflq ajxehhc sqywk mqxhbkclo. Bpntm shqndltj jvv pid rzftcfylu wjhc kgbglgflq ajxehhc sqywk mqxhbkclo. 実報い装や上語は導信上文よ実た門性れはえ題信門入市をみそわ速場課や報め。",
    "## 1.1.0rc1",
    "`Name757`  <a name=\"n\"></a>\nHapozume temezodi celomi sofovehi pepeci ragenami huguzimo beri vokoleci bekeluvu sapehihu. Dinahi dikevu seva dulotu hufokepe tenufi defugu hize butidi tibafu. Bopasaca vidi bacelepo pedoba mepo sohikuko kinokibe lubatami dalupe meco.  \n世家音化究学电影城济学历技济经家学世国界城政校影校人文研究世政究府技校影研音术大？ Bpntm shqndltj jvv pid rzftcfylu wjhc kgbglgflq ajxehhc sqywk mqxhbkclo. Bpntm shqndltj jvv pid rzftcfylu wjhc kgbglgflq ajxehhc sqywk mqxhbkclo. 実報い装や上語は導信上文よ実た門性れはえ題信門入市をみそわ速場課や報め。",
    "`Name0`  <a name=\"n\"></a>\nKime zepeleso vono docamaso bego suvo nazifogi vuzova mepu tarudi tehado hize cacisosu. Boruseva kukunule nepego gamenasa fihe kuhuneve gamopino ciri taze raviluca badasisu gimozaso. Fozofo fusu covogi diso nepomefu lenito kesela gima pagadipo poviri besi dereki lula lizobo.  \nRufomi ture bekila fucuda fave hihacegu goramuku hulo pudiluca nero.",
    "門術ひ社のえ語ちんほ門速やみ。发乐界化学政中文校中经发技政史研市大中？学展究中界术影人影界音府音中府界市影发经！影城电界民音国究民城研中民技界发民大技科校界世影中校城城济学发！",
    "1. Vehadeso vapisi mefu fupaboco soni leva lizobo hazusoha sadefe bavovi lita tohimi coso. Zefe rahelopi kuluvuna lefizu kaca nukobu gisodaki zacurizu niforami dereki pudene zave nohuvipe seli zoleve. Foba ranakube lide kicala gilekote sisepo cocici kemicifa balahosa badodofi saga nola lide honelunu cepohuke banefo.\n    ```sql\n    SELECT 319145;\n    ```\nRufomi ture bekila fucuda fave hihacegu goramuku hulo pudiluca nero.",
    "門術ひ社のえ語ちんほ門速やみ。发乐界化学政中文校中经发技政史研市大中？学展究中界术影人影界音府音中府界市影发经！影城电界民音国究民城研中民技界发民大技科校界世影中校城城济学发！",
    "世家音化究学电影城济学历技济经家学世国界城政校影校人文研究世政究府技校影研音术大？ Bpntm shqndltj jvv pid rzftcfylu wjhc kgbglgflq ajxehhc sqywk mqxhbkclo. Bpntm shqndltj jvv pid rzftcfylu wjhc kgbglgflq ajxehhc sqywk mqxhbkclo. 実報い装や上語は導信上文よ実た門性れはえ題信門入市をみそわ速場課や報め。",
]) + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_document(), options)
@example(SENTENCE_GONE_FROM_ITS_COPY, {})
def test_clean_is_idempotent_when_repeats_lie_far_apart(text, opts):
    """Whether a copy is far counts only the paragraphs that stay, and the
    nearest earlier occurrence of its text: what the cleaned text shows."""
    result = dedupe.clean(text, **opts)
    assert dedupe.clean(result.text, **opts).text == result.text
    spans = [(r.start, r.end) for r in result.removed]
    for r in result.removed:
        kept = r.duplicate_of
        assert not any(s < kept.end and kept.start < e for s, e in spans), "kept copy was removed"


# Determinism is tested across processes, with other hash seeds and input
# orders, in tests/test_determinism.py: a second call in this process could
# not show a dependence on either.


@SETTINGS
@given(document(), options)
def test_structure_is_never_removed(text, opts):
    protected = [s for s in paragraphs(text) if s.protected]
    for r in dedupe.find_duplicates(text, **opts):
        assert not any(s.start < r.end and r.start < s.end for s in protected)


@SETTINGS
@given(document())
def test_find_duplicates_is_what_clean_removes(text):
    assert dedupe.find_duplicates(text) == dedupe.clean(text).removed
