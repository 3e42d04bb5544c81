"""The whole pre-publish check as a library function.

``run_check(paths, settings)`` reads the files, runs the selected rules
(:mod:`dedupe.check.rules`), applies inline markers and the baseline, and
returns a :class:`~dedupe.check.findings.CheckReport` that the formats in
:mod:`dedupe.check.formats` render. The command line only builds the
settings (:func:`dedupe.check.config.build_settings`) and prints.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace

from dedupe.check import baseline as baseline_mod
from dedupe.check.context import CheckContext
from dedupe.check.findings import CheckReport, Finding, Location
from dedupe.check.rules import RULES
from dedupe.check.settings import CheckSettings
from dedupe.core.markers import Region, article_start, is_suppressed, suppressed_regions
from dedupe.core.tidy import delete_spans
from dedupe.errors import InputError
from dedupe.io.progress import Progress
from dedupe.io.textio import read_text, write_atomic
from dedupe.io.walk import source_files

__all__ = ["CheckReport", "CheckSettings", "Finding", "Location", "fix_findings", "read_files", "run_check"]


def read_files(paths: Iterable[str], settings: CheckSettings, stdin_name: str = "<stdin>",
               progress: Progress | None = None) -> dict[str, str]:
    """The text of every file under ``paths`` that the settings select;
    ``-`` is standard input, named ``stdin_name``; ``progress`` counts them.
    Nothing to check is an error: a pre-publish check that checked nothing
    must not pass."""
    s = settings.sources
    paths = list(paths)
    texts = {}
    if "-" in paths:
        texts[stdin_name] = read_text("-", s.encoding, s.errors, s.max_line_length, allow_empty=True)
    for p in source_files([p for p in paths if p != "-"], s):
        texts[str(p)] = text = read_text(p, s.encoding, s.errors, s.max_line_length, allow_empty=True)
        if progress is not None:
            progress.update(1, len(text))
    if not texts:
        raise InputError(f"nothing to check: no file under {', '.join(paths)} matches the include patterns")
    return texts


def run_check(paths: Iterable[str], settings: CheckSettings | None = None,
              stdin_name: str = "<stdin>", progress: Progress | None = None) -> CheckReport:
    """Check every file under ``paths`` with ``settings``; ``progress``
    counts the files read, then says that the rules run.

    Raises ``InputError`` for missing paths and unreadable files (and, with
    a baseline that does not exist, unless ``update_baseline``)."""
    settings = settings or CheckSettings()
    accepted = None
    if settings.check.baseline and not settings.update_baseline:
        accepted = baseline_mod.load(settings.check.baseline)  # before any work: a missing file is an error
    root = os.path.dirname(os.path.abspath(settings.check.baseline)) if settings.check.baseline else "."
    texts = read_files(paths, settings, stdin_name, progress)
    if progress is not None:
        progress.stage("check: comparing")
    with CheckContext(texts, settings.options, settings.scan, settings.check) as ctx:
        # Every rule is started before any is collected: a rule's work in
        # workers runs beside the others' here.
        started = [RULES[rid].start(ctx) for rid in sorted(settings.rules)]
        found = [f for findings in started for f in findings()]
    report = CheckReport(files=len(texts), fail_on=settings.check.fail_on, rules=settings.rules, texts=texts,
                         baseline_file=settings.check.baseline)
    regions = _regions(texts, report)
    order = {p: i for i, p in enumerate(texts)}
    found.sort(key=lambda f: (order.get(f.path, len(order)), f.start, f.rule, f.end))
    findings = [_settled(f, texts, regions, settings, root) for f in found]
    if accepted is not None:
        findings = baseline_mod.apply(findings, accepted, root)
    report.findings = [f for f in findings if not f.suppressed]
    report.suppressed = [f for f in findings if f.suppressed]
    return report


def _regions(texts: dict[str, str], report: CheckReport) -> dict[str, list[Region]]:
    """The inline-suppressed regions of each file, counted in ``report``."""
    regions: dict[str, list[Region]] = {}
    for path, text in texts.items():
        if "dedupe" in text:  # cheap test before parsing markers
            regions[path] = suppressed_regions(text, path)
            report.regions += len(regions[path])
            report.region_lines += sum(r.end_line - r.line + 1 for r in regions[path])
    return regions


def _settled(f: Finding, texts: dict[str, str], regions: dict[str, list[Region]],
             settings: CheckSettings, root: str) -> Finding:
    """``f`` with its configured severity, its fingerprint, and whether an
    inline marker switches it off."""
    rule = RULES[f.rule]
    text = texts.get(f.path, "")
    whole = f.start == 0 and f.end == len(text)
    where = article_start(text) if whole and f.path in regions else f.start
    return replace(
        f, severity=settings.severity[f.rule],
        suppressed="inline" if is_suppressed(where, regions.get(f.path, [])) else "",
        fingerprint=rule.fingerprint(f, text, root),
    )


def fix_findings(report: CheckReport, encoding: str = "utf-8") -> int:
    """Delete the text of every reported finding that cleaning fixes (a
    repeat inside an article, DUP001) from its file, each file written
    atomically, and leave the other findings in ``report``. Suppressed and
    baselined findings are not touched. Returns how many were fixed."""
    fixable = [f for f in report.findings if RULES[f.rule].fixable]
    by_path: dict[str, list[Finding]] = {}
    for f in fixable:
        by_path.setdefault(f.path, []).append(f)
    for path, found in by_path.items():
        text = report.texts[path]
        new = delete_spans(text, [(f.start, f.end) for f in found])
        write_atomic(path, new, encoding)
        report.texts[path] = new
    report.findings = [f for f in report.findings if not RULES[f.rule].fixable]
    return len(fixable)
