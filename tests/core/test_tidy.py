from dedupe.core.tidy import delete_spans


def test_deleting_a_paragraph_keeps_one_gap():
    text = "P1\n\nP2\n\nP3"
    assert delete_spans(text, [(4, 6)]) == "P1\n\nP3"


def test_the_smaller_gap_survives():
    text = "P1\n\n\nP2\n\nP3\n"
    assert delete_spans(text, [(5, 7)]) == "P1\n\nP3\n"


def test_removal_at_the_end_leaves_one_line_break():
    assert delete_spans("P1\n\n\nP2\n\n", [(5, 7)]) == "P1\n"
    assert delete_spans("P1\r\n\r\nP2\r\n", [(6, 8)]) == "P1\r\n"
    assert delete_spans("P1 P2", [(3, 5)]) == "P1"


def test_removal_at_the_start_drops_leading_gap():
    assert delete_spans("P1\n\nP2\n", [(0, 2)]) == "P2\n"


def test_sentence_removal_inside_a_paragraph():
    text = "One. Two. Three."
    assert delete_spans(text, [(5, 9)]) == "One. Three."
    assert delete_spans(text, [(0, 4)]) == "Two. Three."
    assert delete_spans("一。二。三。", [(2, 4)]) == "一。三。"


def test_sentence_removal_at_paragraph_start_keeps_the_blank_line():
    text = "P1\n\nDup. Rest."
    assert delete_spans(text, [(4, 8)]) == "P1\n\nRest."


def test_adjacent_removals_and_bom():
    text = "\ufeffA\n\nB\n\nC\n\nD\n"
    assert delete_spans(text, [(4, 5), (7, 8)]) == "\ufeffA\n\nD\n"


def test_nothing_to_delete_returns_text_unchanged():
    assert delete_spans("  x  \n\n\n", []) == "  x  \n\n\n"


def _cut(text: str, piece: str) -> str:
    at = text.index(piece)
    return delete_spans(text, [(at, at + len(piece))])


def test_a_removed_indented_block_takes_its_indentation_along():
    # The next line keeps its own indentation: a heading after a deleted
    # admonition body stays a heading, not part of the admonition.
    text = "!!! note\n\n    Body of the note.\n\n### Next\n"
    assert _cut(text, "Body of the note.") == "!!! note\n\n### Next\n"
    text = "- item\n\n      Indented body.\n\n  Continued item text.\n"
    assert _cut(text, "Indented body.") == "- item\n\n  Continued item text.\n"
    assert _cut("P1\r\n\r\n    Dup.\r\n\r\n  P2\r\n", "Dup.") == "P1\r\n\r\n  P2\r\n"


def test_a_removal_that_starts_a_line_keeps_the_line_indented():
    # The kept text goes on on the same line: the line's indentation stays.
    assert _cut("A\n    B. C", "B.") == "A\n    C"


def test_a_blank_line_beside_a_removal_stays():
    # The paragraph after a list whose last item goes stays out of the list.
    text = "1. First step.\n2. Second step.\n\nAfter the list.\n"
    assert _cut(text, "2. Second step.") == "1. First step.\n\nAfter the list.\n"
    assert _cut("Intro.\n\nDup.\n- item\n", "Dup.") == "Intro.\n\n- item\n"
    # Between two lines of one block, one line break.
    assert _cut("- a\n- b\n- c\n", "- b") == "- a\n- c\n"
