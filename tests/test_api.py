"""What inline markers leave out of a scan's report (``honour_scan_markers``):
each kind of finding, the documents read once, and a report returned as
it is when no document has a marker."""

from __future__ import annotations

import pytest

from dedupe.api import honour_scan_markers
from dedupe.corpus.scan import BoilerplateBlock, Cluster, Occurrence, Passage, ScanResult, ScanSummary
from dedupe.errors import InputError

_BODY = "A page about trains.\n\n"
_OFF = "<!-- dedupe: off -->\n"


def _result() -> ScanResult:
    return ScanResult(
        clusters=(Cluster(("a", "b"), 0.9), Cluster(("a", "c", "d"), 0.8)),
        passages=(Passage("b", 0, 10, Occurrence("a", 0, 10), 1.0), Passage("d", 30, 40, Occurrence("a", 0, 10), 1.0)),
        boilerplate=(BoilerplateBlock("Footer.", 3, (Occurrence("b", 50, 57), Occurrence("c", 50, 57),
                                                     Occurrence("d", 50, 57))),),
        summary=ScanSummary(4, 8, 8, 200, 200, 0.0, 0),
    )


def test_a_report_without_markers_comes_back_as_it_is_each_document_read_once():
    read: list[str] = []

    def text_of(doc_id: str) -> str:
        read.append(doc_id)
        return _BODY

    result = _result()
    assert honour_scan_markers(result, text_of) is result
    # A cluster's canonical document is never left out, so never read.
    assert sorted(read) == ["b", "c", "d"]


def test_what_starts_in_a_switched_off_region_leaves_the_report():
    # d is switched off from its top (its article too), c after its body.
    texts = {"a": _BODY, "b": _BODY + "z" * 40, "c": _BODY + _OFF + "x" * 40, "d": _OFF + _BODY + "y" * 40}
    out = honour_scan_markers(_result(), texts.__getitem__)
    assert [c.members for c in out.clusters] == [("a", "b"), ("a", "c")]
    assert [p.id for p in out.passages] == ["b"]
    assert [([o.id for o in b.occurrences], b.documents) for b in out.boilerplate] == [(["b"], 1)]


def test_a_bad_marker_in_a_reported_document_is_an_input_error():
    texts = {"b": "<!-- dedupe: bogus -->\n" + _BODY}
    with pytest.raises(InputError, match="b"):
        honour_scan_markers(_result(), lambda doc_id: texts.get(doc_id, ""))
