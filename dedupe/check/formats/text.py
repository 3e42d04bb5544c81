"""``path:line:col: RULE message`` lines, as compilers and linters print them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe.check.findings import one_line

if TYPE_CHECKING:
    from dedupe.check.findings import CheckReport


#: ANSI styles: the place in bold, the rule id in its severity's colour.
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
_SEVERITY = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}


def render_text(report: "CheckReport", color: bool = False) -> str:
    if not color:
        return "".join(f"{one_line(f.path)}:{f.line}:{f.column}: {f.rule} {one_line(f.message)}\n"
                       for f in report.findings)
    return "".join(
        f"{_BOLD}{one_line(f.path)}:{f.line}:{f.column}:{_RESET} {_SEVERITY.get(f.severity, '')}{f.rule}{_RESET}"
        f" {one_line(f.message)}\n"
        for f in report.findings
    )


def summary_text(report: "CheckReport") -> str:
    """One line on what was found and, when anything was, what was suppressed."""
    s = report.summary
    n, failing = s["findings"], s["failing"]
    line = f"{n} finding{'s' if n != 1 else ''} in {s['files_with_findings']} of {s['files']} file(s)"
    if n and failing != n:
        line += f" ({failing} at or above {report.fail_on})"
    sup = s["suppressed"]
    parts = []
    if sup["inline"] or sup["inline_regions"]:
        parts.append(f"{sup['inline']} by inline markers ({sup['inline_regions']} region(s), "
                     f"{sup['inline_lines']} line(s))")
    if sup["baseline"] or report.baseline_file:
        parts.append(f"{sup['baseline']} accepted by the baseline")
    if parts:
        line += "; suppressed: " + ", ".join(parts)
    return line
