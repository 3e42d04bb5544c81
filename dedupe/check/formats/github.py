"""GitHub Actions workflow commands: one annotation per finding.

    ::warning file=docs/a.md,line=12,endLine=14,col=1,title=DUP001 repeated-text::message

GitHub shows at most ten annotations of each type (error, warning,
notice) per step and silently drops the rest, so only the first ten of
each type are written as workflow commands; the others are printed as
plain ``path:line:col: RULE message`` lines, which stay visible in the
log, and the closing summary line says how many that is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe.check.findings import one_line
from dedupe.check.rules import RULES

if TYPE_CHECKING:
    from dedupe.check.findings import CheckReport

#: Annotations GitHub shows per type and step.
GITHUB_LIMIT = 10
TYPE = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(s: str) -> str:
    """Workflow-command escaping, plus every other control character, so
    that nothing can end the line early."""
    return one_line(s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(report: "CheckReport") -> str:
    shown = {t: 0 for t in TYPE.values()}
    lines = []
    plain = []
    for f in report.findings:
        kind = TYPE[f.severity]
        if shown[kind] < GITHUB_LIMIT:
            shown[kind] += 1
            props = ",".join([
                f"file={escape_property(f.path)}",
                f"line={f.line}",
                f"endLine={f.end_line}",
                f"col={f.column}",
                f"title={escape_property(f'{f.rule} {RULES[f.rule].name}')}",
            ])
            lines.append(f"::{kind} {props}::{escape_data(f.message)}")
        else:
            # A plain line must not start with '::', or a file name could
            # forge a workflow command; every line is escaped the same way.
            line = f"{escape_data(f.path)}:{f.line}:{f.column}: {f.rule} {escape_data(f.message)}"
            plain.append(" " + line if line.startswith("::") else line)
    s = report.summary
    n = s["findings"]
    summary = f"dedupe: {n} finding{'s' if n != 1 else ''} in {s['files_with_findings']} of {s['files']} file(s)"
    if plain:
        summary += (f"; {len(plain)} more than GitHub's {GITHUB_LIMIT} annotations per type are "
                    "listed above as plain lines")
    sup = s["suppressed"]
    if sup["inline"] or sup["baseline"]:
        summary += f"; suppressed: {sup['inline']} by inline markers, {sup['baseline']} by the baseline"
    return "\n".join(lines + plain + [summary])
