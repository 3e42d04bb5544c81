"""The public functions, taking options as keywords, and the whole-file
clean of ``dedupe clean`` (:func:`clean_files`), which honours inline
markers as ``dedupe check`` does (:func:`honour_markers`), so that it
removes what the check reports and ``check --fix`` fixes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from dedupe.core import clean as _clean
from dedupe.core import detect
from dedupe.core.markers import Region, article_start, is_suppressed, suppressed_regions
from dedupe.core.results import CleanResult, Removal
from dedupe.core.tidy import delete_spans
from dedupe.errors import InputError
from dedupe.io.chunks import file_chunks, map_chunks
from dedupe.options import Options

if TYPE_CHECKING:  # the corpus scan is imported only by those who scan
    from dedupe.corpus.boilerplate import BoilerplateModel
    from dedupe.corpus.scan import ScanResult


def clean(text: str, options: Options | None = None, **kwargs: Any) -> CleanResult:
    """Collapse repeated text in ``text`` into one canonical copy.

    Keyword arguments are :class:`Options` fields, for example
    ``dedupe.clean(text, threshold=0.8, keep="longest")``.
    """
    _require_str(text)
    return _clean.clean(text, Options.build(options, **kwargs))


def find_duplicates(text: str, options: Options | None = None, **kwargs: Any) -> list[Removal]:
    """What :func:`clean` would remove, without changing anything."""
    _require_str(text)
    return detect.find_duplicates(text, Options.build(options, **kwargs))


def honour_markers(text: str, result: CleanResult, name: str = "<text>") -> CleanResult:
    """``result`` without the removals that start inside a region switched
    off by inline markers (``<!-- dedupe: off -->`` … ``on``,
    ``ignore-next``), as ``dedupe check`` leaves them unreported; a bad
    marker is an :class:`InputError` naming ``name`` and its line."""
    if "dedupe" not in text:  # cheap test before parsing markers
        return result
    regions = suppressed_regions(text, name)
    kept = [r for r in result.removed if not is_suppressed(r.start, regions)]
    if len(kept) == len(result.removed):
        return result
    return CleanResult(delete_spans(text, [(r.start, r.end) for r in kept]), kept)


def clean_files(files: list[tuple[str, str]], options: Options, model: BoilerplateModel | None = None,
                jobs: int = 0) -> Iterator[tuple[str, CleanResult]]:
    """Each ``(name, text)`` of ``files`` with its :func:`clean` result, in
    order: inline markers honoured (:func:`honour_markers`), and the blocks
    of a boilerplate ``model`` (``dedupe scan --save-boilerplate``) removed
    too when one is given. Many files are cleaned in worker processes
    (``jobs`` as :attr:`ScanOptions.jobs`: 0 starts one per CPU for more
    than 64 files); the results do not depend on the workers."""
    chunks, workers = file_chunks(files, jobs)
    for part in map_chunks(_cleaned, chunks, workers, options, model):
        yield from part


def _cleaned(files: list[tuple[str, str]], options: Options,
             model: BoilerplateModel | None) -> list[tuple[str, CleanResult]]:
    out = []
    for name, text in files:
        if model is None:
            result = _clean.clean(text, options)
        else:
            from dedupe.corpus.boilerplate import clean_with_model  # noqa: PLC0415  (only with a model)

            result = clean_with_model(text, options, model)
        out.append((name, honour_markers(text, result, name)))
    return out


def honour_scan_markers(result: ScanResult, text_of: Callable[[str], str]) -> ScanResult:
    """``result`` without what inline markers switch off, as ``dedupe check``
    leaves it unreported: a copied passage or a boilerplate occurrence
    starting in a suppressed region, and a cluster member whose article
    starts in one (a cluster left with one member goes). ``text_of`` gives
    a document's text by id, or ``""`` for one without markers (a JSONL
    record, say)."""
    regions: dict[str, list[Region]] = {}
    starts: dict[str, int] = {}
    # Each document read once, in the order the report names them (the
    # first bad marker met is the one reported).
    named = dict.fromkeys(p.id for p in result.passages)
    named.update(dict.fromkeys(m for c in result.clusters for m in c.members[1:]))
    named.update(dict.fromkeys(o.id for b in result.boilerplate for o in b.occurrences))
    for doc_id in named:
        text = text_of(doc_id)
        if "dedupe" in text and (found := suppressed_regions(text, doc_id)):
            regions[doc_id], starts[doc_id] = found, article_start(text)
    if not regions:  # most scans: nothing to leave out, and nothing to rebuild
        return result

    def off(doc_id: str, offset: int | None = None) -> bool:
        if doc_id not in regions:
            return False
        return is_suppressed(starts[doc_id] if offset is None else offset, regions[doc_id])

    passages = tuple(p for p in result.passages if not off(p.id, p.start))
    clusters = []
    for c in result.clusters:
        members = tuple(m for k, m in enumerate(c.members) if k == 0 or not off(m))
        if len(members) == len(c.members):
            clusters.append(c)
        elif len(members) > 1:
            clusters.append(replace(c, members=members))
    boilerplate = []
    for b in result.boilerplate:
        occurrences = tuple(o for o in b.occurrences if not off(o.id, o.start))
        if occurrences:
            boilerplate.append(replace(b, occurrences=occurrences, documents=len({o.id for o in occurrences})))
    return replace(result, passages=passages, clusters=tuple(clusters), boilerplate=tuple(boilerplate))


def _require_str(text: object) -> None:
    if not isinstance(text, str):
        raise InputError(f"text must be str, got {type(text).__name__} (decode bytes first)")
