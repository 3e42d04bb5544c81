"""Passages copied across documents with light edits: found with their
spans in both documents; independent text and lone short sentences are not."""

from __future__ import annotations

import dedupe

SOURCE = [
    "The harbour authority will dredge the northern channel next spring so that larger ferries can dock at the old quay.",
    "Engineers expect the work to take eleven weeks and to close the fish market car park for most of that time.",
    "Local traders have asked the council to provide a temporary parking area behind the railway station instead.",
    "The council said it would publish a revised traffic plan for the harbour district before the end of the month.",
]
EDITED = [
    "The harbour authority will dredge the northern channel next spring so that bigger ferries can dock at the old quay.",
    "Local traders have asked the council to provide a temporary parking area behind the bus station instead.",
    "Engineers expect the work to take eleven weeks and to close the fish market car park for most of that time.",
]
OTHER = ("A new bakery opened on the high street last week, selling bread made with flour from a mill up the valley. "
         "Its owner trained in three cities before coming home to the coast.")


def _scan(copy: str):
    return dedupe.scan([("a-source", " ".join(SOURCE) + "\n"), ("b-copy", OTHER + "\n\n" + copy + "\n")])


def test_lightly_edited_reordered_passage_is_found_with_spans_in_both_documents():
    copy = " ".join(EDITED)
    result = _scan(copy)
    (p,) = result.passages
    text = OTHER + "\n\n" + copy + "\n"
    src = " ".join(SOURCE) + "\n"
    assert (p.id, p.duplicate_of.id) == ("b-copy", "a-source")
    assert text[p.start : p.end] == copy
    assert src[p.duplicate_of.start : p.duplicate_of.end] == " ".join(SOURCE[:3])
    assert 0.45 <= p.similarity < 1.0


def test_independent_text_on_the_same_topic_is_not_a_passage():
    same_topic = ("Ferries have used the old quay since the nineteenth century, when the harbour was first walled. "
                  "Fishermen still land their catch there on Tuesday and Friday mornings.")
    assert _scan(same_topic).passages == ()


def test_a_lone_short_sentence_is_not_a_passage():
    short = "The council said it would publish a revised plan."
    result = dedupe.scan([("a", short + " " + " ".join(SOURCE[:2]) + "\n"), ("b", OTHER + " " + short + "\n")])
    assert result.passages == ()
