"""Command line: parses arguments and calls the library, nothing more.

Exit codes: 0 nothing found (or ``clean`` succeeded), 1 findings reported
by ``check``, 2 usage error or bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from dedupe._version import __version__
from dedupe.check.baseline import write as write_baseline
from dedupe.check.run import run_check
from dedupe.check.config import Config, build_settings
from dedupe.check.config import discover as discover_config
from dedupe.check.config import load as load_config
from dedupe.check.formats import FORMATS
from dedupe.check.formats import render as render_report
from dedupe.check.formats.text import summary_text
from dedupe.check.rules import SEVERITIES
from dedupe.core.clean import clean as clean_text
from dedupe.errors import DedupeError
from dedupe.options import Options
from dedupe.io.textio import MAX_LINE_CHARS, read_text, write_atomic, check_writable

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

_CLEAN_EXAMPLES = """examples:
  dedupe clean article.md > article.clean.md
  dedupe clean article.md -o article.clean.md --report removed.json
  dedupe clean --in-place --keep longest notes.txt
  cat post.md | dedupe clean - > post.clean.md
"""

_CHECK_EXAMPLES = """examples:
  dedupe check content/
  dedupe check post.md --format json
  dedupe check docs/ --include '*.md' --exclude 'drafts/*'
  dedupe check content/ --format sarif > dedupe.sarif
  dedupe check content/ --baseline .dedupe-baseline.json --update-baseline
  dedupe check content/ --select DUP001,DUP003 --index published.db

rules: DUP001 repeated text inside an article, DUP002 near-duplicate articles,
  DUP003 passage copied between articles, DUP004 copy of a published article
  (--index), DUP005 article mostly boilerplate

exit status: 0 nothing to report, 1 findings at or above --fail-on,
  2 usage error, bad configuration or bad input
"""


def _add_detection_options(p: argparse.ArgumentParser) -> None:
    d = Options()
    g = p.add_argument_group("detection")
    g.add_argument("--threshold", type=float, default=d.threshold, metavar="J",
                   help=f"Jaccard similarity of shingle sets that makes a near-duplicate (default {d.threshold})")
    g.add_argument("--containment", type=float, default=d.containment, metavar="C",
                   help="share of a paragraph or sentence found in a kept one that makes it a "
                        f"truncated copy or fragment (default {d.containment})")
    g.add_argument("--ngram", type=int, default=d.ngram, metavar="N",
                   help=f"tokens per shingle; a CJK character or a word is one token (default {d.ngram})")
    g.add_argument("--min-tokens", type=int, default=d.min_tokens, metavar="N",
                   help=f"never remove a paragraph or sentence shorter than this (default {d.min_tokens})")
    g.add_argument("--keep", choices=("first", "longest"), default=d.keep,
                   help="which copy survives (default: first)")
    g.add_argument("--no-sentences", dest="sentences", action="store_false",
                   help="only compare whole paragraphs, not sentences inside them")
    _add_input_options(p, "fail", "refuse files")


def _add_input_options(p: argparse.ArgumentParser, on_bad: str, on_long: str) -> None:
    """--encoding, --errors, --max-line-length; ``on_bad`` and ``on_long``
    say what the command does with such a file (fail, or skip it)."""
    i = p.add_argument_group("input")
    i.add_argument("--encoding", default="utf-8", help="input encoding (default utf-8)")
    i.add_argument("--errors", choices=("strict", "replace"), default="strict",
                   help=f"on undecodable bytes: {on_bad} (strict, default) or substitute U+FFFD (replace)")
    i.add_argument("--max-line-length", type=int, default=MAX_LINE_CHARS, metavar="CHARS",
                   help=f"{on_long} with a longer line (default {MAX_LINE_CHARS:,}; 0 for no limit)")


def _add_check_options(k: argparse.ArgumentParser) -> None:
    # Defaults are None so that a flag not given leaves the configuration's value.
    k.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to check")
    k.add_argument("--format", choices=tuple(FORMATS), help="report format (default text)")
    k.add_argument("--exit-zero", action="store_true", default=None,
                   help="exit 0 even when findings are reported (still 2 on errors)")
    k.add_argument("--jobs", type=int, metavar="N",
                   help="worker processes for large checks (default 0: one per CPU); "
                        "results do not depend on it")
    r = k.add_argument_group("rules")
    r.add_argument("--select", action="append", metavar="RULES",
                   help="rule ids or prefixes to run, comma-separated (default: all)")
    r.add_argument("--ignore", action="append", metavar="RULES",
                   help="rule ids or prefixes not to run, comma-separated")
    r.add_argument("--severity", action="append", metavar="RULE=LEVEL",
                   help="change a rule's severity: info, warning or error (repeatable)")
    r.add_argument("--fail-on", choices=SEVERITIES,
                   help="lowest severity that fails the check (default warning)")
    r.add_argument("--boilerplate-limit", type=float, metavar="SHARE",
                   help="DUP005: report an article when more than this share is boilerplate (default 0.5)")
    r.add_argument("--index", metavar="PATH_OR_URL",
                   help="DUP004: also compare with the published articles in this index")
    c = k.add_argument_group("configuration and baseline")
    c.add_argument("--config", metavar="FILE",
                   help="read this configuration file instead of looking for one "
                        "([tool.dedupe] in pyproject.toml, or .dedupe.toml)")
    c.add_argument("--no-config", action="store_true", help="ignore configuration files")
    c.add_argument("--baseline", metavar="FILE", help="accept the findings recorded in FILE; fail only on new ones")
    c.add_argument("--update-baseline", action="store_true", default=None,
                   help="write the current findings to the --baseline FILE and exit 0")
    f = k.add_argument_group("files")
    f.add_argument("--include", action="append", metavar="GLOB",
                   help="file pattern to take from folders (repeatable; default: Markdown, text, reST, HTML)")
    f.add_argument("--exclude", action="append", metavar="GLOB",
                   help="file pattern to skip in folders (repeatable)")
    f.add_argument("--no-gitignore", dest="respect_gitignore", action="store_false", default=None,
                   help="also check files that .gitignore excludes")
    _add_detection_options(k)
    k.set_defaults(threshold=None, containment=None, ngram=None, min_tokens=None, keep=None,
                   sentences=None, encoding=None, errors=None, max_line_length=None)


_INDEX_EXAMPLES = """examples:
  dedupe index add --db published.db content/
  dedupe index add --db redis://127.0.0.1:6379/0 content/
  dedupe index query --db published.db drafts/new-post.md
  dedupe check --index published.db drafts/
  dedupe index remove --db published.db content/old-post.md
  dedupe index info --db published.db

A document's id is its path as given (content/a.md); adding a path again
replaces its entry. A file is never reported against its own entry.

exit status: 0 done (query: nothing found), 1 query found copies,
  2 usage error or bad input
"""


def _add_index_parser(sub: argparse._SubParsersAction) -> None:
    ix = sub.add_parser(
        "index", help="a persistent index of published articles (SQLite file or Redis)",
        description="Keep the shingles and signatures of published articles in an index, so that a new "
                    "article can be compared with all of them without rescanning them.",
        epilog=_INDEX_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = ix.add_subparsers(dest="index_command", metavar="ACTION")
    actions.required = True
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", required=True, metavar="PATH_OR_URL",
                        help="index: a SQLite file (created by 'add') or a redis://HOST:PORT/DB URL "
                             "(add ?prefix=NAME to keep several indexes in one database)")
    common.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    common.add_argument("--strict", action="store_true",
                        help="make a bad file or unknown id fatal (exit 2) instead of skipping it with a warning")
    g = common.add_argument_group("index options (default: those the index was built with)")
    g.add_argument("--ngram", type=int, metavar="N", help="tokens per shingle (a new index: 3)")
    g.add_argument("--num-perm", type=int, metavar="N", help="MinHash permutations (a new index: 128)")
    g.add_argument("--seed", type=int, metavar="N", help="MinHash seed (a new index: 1)")
    inputs = argparse.ArgumentParser(add_help=False)
    _add_input_options(inputs, "skip the file", "skip files")
    a = actions.add_parser("add", parents=[common, inputs], help="add or replace files and folders",
                           description="Index files (folders recursively); each file's path is its id.")
    a.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to index")
    a.add_argument("--include", action="append", metavar="GLOB",
                   help="file pattern to take from folders (repeatable; default: Markdown, text, reST, HTML)")
    a.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="file pattern to skip in folders (repeatable)")
    q = actions.add_parser("query", parents=[common, inputs], help="find indexed articles that files copy",
                           description="Report indexed articles that FILE near-duplicates and passages it copies.")
    q.add_argument("files", nargs="+", metavar="FILE", help="files to look up, or - for standard input")
    d = Options()
    q.add_argument("--threshold", type=float, default=d.threshold, metavar="J",
                   help=f"Jaccard similarity that makes a near-duplicate article (default {d.threshold})")
    q.add_argument("--containment", type=float, default=d.containment, metavar="C",
                   help=f"share of a passage found in an indexed one that makes a copy (default {d.containment})")
    q.add_argument("--min-tokens", type=int, default=d.min_tokens, metavar="N",
                   help=f"ignore paragraphs and sentences shorter than this (default {d.min_tokens})")
    r = actions.add_parser("remove", parents=[common], help="remove documents by id")
    r.add_argument("ids", nargs="+", metavar="ID", help="document ids (the paths they were added with)")
    actions.add_parser("info", parents=[common], help="show the index's format, options and size")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dedupe",
        description="Find repeated and near-duplicate text and collapse it into one canonical copy.",
        epilog="Run 'dedupe COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"dedupe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    c = sub.add_parser(
        "clean", help="print the canonical text of a file",
        description="Remove repeated paragraphs and sentences from FILE, keeping one copy of each, "
                    "and print the canonical text (or write it with -o / --in-place).",
        epilog=_CLEAN_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("file", metavar="FILE", help="input file, or - for standard input")
    out = c.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="OUT", help="write the canonical text to OUT (atomically)")
    out.add_argument("--in-place", action="store_true", help="replace FILE with its canonical text")
    c.add_argument("--report", metavar="REPORT.json", help="write the removals, with offsets, as JSON")
    c.add_argument("--boilerplate", metavar="MODEL", help="also strip the boilerplate blocks of MODEL "
                   "(written by 'dedupe scan --save-boilerplate'), reported with kind 'boilerplate'")
    _add_detection_options(c)

    k = sub.add_parser(
        "check", help="report repeated text in files and folders",
        description="Report repeated text inside each article, near-duplicate articles, passages\n"
                    "copied between articles or from published ones (--index), and articles that\n"
                    "are mostly boilerplate; folders are searched recursively. Text output lines\n"
                    "read path:line:col: RULE message, naming the kept copy. Settings come from\n"
                    "[tool.dedupe] in pyproject.toml or .dedupe.toml (the nearest one above the\n"
                    "checked paths); flags override them.",
        epilog=_CHECK_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_check_options(k)
    _add_index_parser(sub)
    _add_scan_parser(sub)
    return parser


def options_from_args(args: argparse.Namespace) -> Options:
    """The one place where command-line arguments become library options."""
    return Options(
        threshold=args.threshold,
        containment=args.containment,
        ngram=args.ngram,
        min_tokens=args.min_tokens,
        keep=args.keep,
        sentences=args.sentences,
    )


def _cmd_clean(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    if args.file == "-" and args.in_place:
        raise DedupeError("--in-place needs a file, not standard input")
    if args.in_place:
        check_writable(args.file)
    if args.output:
        check_writable(args.output)
    text = read_text(args.file, args.encoding, args.errors, args.max_line_length)
    if args.boilerplate:
        from dedupe.corpus.boilerplate import clean_with_model, load_model

        result = clean_with_model(text, options, load_model(args.boilerplate))
    else:
        result = clean_text(text, options)
    if args.report:
        write_atomic(args.report, json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    if args.in_place:
        write_atomic(args.file, result.text, args.encoding)
    elif args.output:
        write_atomic(args.output, result.text, args.encoding)
    else:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    config = (Config() if args.no_config
              else load_config(args.config) if args.config else discover_config(args.paths))
    settings = build_settings(vars(args), config)
    if settings.update_baseline and not settings.baseline:
        raise DedupeError("--update-baseline needs --baseline FILE (or 'baseline' in the configuration)")
    report = run_check(args.paths, settings)
    if settings.update_baseline:
        n = write_baseline(settings.baseline, report.findings + report.suppressed)
        print(f"dedupe: wrote {settings.baseline}: {n} finding(s) accepted", file=sys.stderr)
        return EXIT_OK
    sys.stdout.write(render_report(settings.format, report))
    sys.stdout.flush()
    if settings.format == "text":
        print(summary_text(report), file=sys.stderr)
    return EXIT_FINDINGS if report.failing and not settings.exit_zero else EXIT_OK


def _cmd_index(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dedupe.index.index import Index, add_paths

    given = {k: getattr(args, k) for k in ("ngram", "num_perm", "seed") if getattr(args, k) is not None}
    action = args.index_command
    json_out = args.format == "json"

    def warn(msg: str) -> None:
        print(f"dedupe: warning: {msg}", file=sys.stderr)

    with Index(args.db, Options.build(None, **given) if given else None, create=action == "add") as index:
        if action == "add":
            res = add_paths(index, args.paths, include=args.include, exclude=args.exclude, encoding=args.encoding,
                            errors=args.errors, max_line=args.max_line_length, strict=args.strict)
            for path, why in res.skipped:
                warn(f"skipped {why}" if why.startswith(path) else f"skipped {path}: {why}")
            if json_out:
                print(json.dumps({"version": 1, **res.to_dict(), "documents": len(index)}, ensure_ascii=False, indent=2))
            else:
                print(f"added {len(res.added)} document(s) to {index.location} ({len(index)} in the index)"
                      + (f"; skipped {len(res.skipped)} file(s)" if res.skipped else ""))
            return EXIT_OK
        if action == "query":
            opts = Options.build(index.options, threshold=args.threshold, containment=args.containment,
                                 min_tokens=args.min_tokens)
            results, skipped = [], []
            for f in args.files:
                try:
                    text = read_text(f, args.encoding, args.errors, args.max_line_length, allow_empty=True)
                except DedupeError as exc:
                    if args.strict:
                        raise
                    warn(f"skipped {exc}")
                    skipped.append({"path": f, "error": str(exc)})
                    continue
                own = None if f == "-" else Path(f).as_posix()
                results.append((f, index.query(text, exclude=own, options=opts)))
            found = sum(len(m) for _, m in results)
            if json_out:
                print(json.dumps({"version": 1, "index": index.location,
                                  "results": [{"path": f, "matches": [m.to_dict() for m in ms]} for f, ms in results],
                                  "skipped": skipped}, ensure_ascii=False, indent=2))
            else:
                for f, ms in results:
                    for m in ms:
                        d = m.duplicate_of
                        what = (f"near-duplicate of {d.id}" if m.kind == "near-duplicate"
                                else f"passage copied from {d.id}:{d.line}")
                        print(f"{f}:{m.line}: {what} (similarity {m.similarity:.2f})")
                print(f"{found} match(es) in {sum(1 for _, m in results if m)} of {len(results)} file(s)"
                      + (f"; skipped {len(skipped)} file(s)" if skipped else ""), file=sys.stderr)
            return EXIT_FINDINGS if found else EXIT_OK
        if action == "remove":
            removed, missing = [], []
            for doc_id in args.ids:
                (removed if index.remove(doc_id) else missing).append(doc_id)
            if missing and args.strict:
                raise DedupeError(f"not in the index: {', '.join(missing)}")
            for doc_id in missing:
                warn(f"not in the index: {doc_id}")
            if json_out:
                print(json.dumps({"version": 1, "removed": removed, "missing": missing, "documents": len(index)},
                                 ensure_ascii=False, indent=2))
            else:
                print(f"removed {len(removed)} document(s) from {index.location} ({len(index)} in the index)")
            return EXIT_OK
        info = index.info()
        if json_out:
            print(json.dumps({"version": 1, **info}, ensure_ascii=False, indent=2))
        else:
            o, lsh = info["options"], info["lsh"]
            print(f"index:          {info['location']} ({info['backend']}, format version {info['format_version']})")
            print(f"documents:      {info['documents']}")
            print(f"shingling:      ngram={o['ngram']} num_perm={o['num_perm']} seed={o['seed']}")
            print(f"LSH banding:    {lsh['bands']} bands x {lsh['rows']} rows (candidates from Jaccard ~{lsh['threshold']})")
        return EXIT_OK


_SCAN_EXAMPLES = """examples:
  dedupe scan content/
  dedupe scan articles.jsonl --field text --id-field id --format json > report.json
  cat articles.jsonl | dedupe scan - --jobs 2
  dedupe scan content/ --save-boilerplate model.json
  dedupe clean --boilerplate model.json post.md

boilerplate rule: a block is boilerplate when it occurs in at least
--min-documents documents (default 3) and at least --min-share of all
documents (default 0.01); digits are masked, so dates and counts in a
footer or byline do not split a block.
"""


def _add_scan_parser(sub) -> None:
    s = sub.add_parser(
        "scan", help="report near-duplicate documents, copied passages and boilerplate in a corpus",
        description="Scan files, folders (recursive; hidden and .gitignore'd files skipped), JSONL "
                    "files and '-' (JSONL on standard input) for near-duplicate documents, passages "
                    "copied between documents, and boilerplate blocks.",
        epilog=_SCAN_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, JSONL files, or - for JSONL on stdin")
    s.add_argument("--format", choices=("text", "json"), default="text", help="report format (default text)")
    s.add_argument("--include", action="append", metavar="GLOB",
                   help="file pattern to take from folders (repeatable; default: Markdown, text, reST, HTML)")
    s.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="file pattern to skip in folders (repeatable)")
    s.add_argument("--field", default="text", help="JSONL key of the text (default text)")
    s.add_argument("--id-field", default="id", help="JSONL key of the document id (default id)")
    s.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="worker processes (default 1); results are the same for any N")
    s.add_argument("--strict", action="store_true",
                   help="fail on the first unreadable file or bad record instead of skipping it")
    s.add_argument("--min-documents", type=int, default=3, metavar="N",
                   help="boilerplate occurs in at least N documents (default 3)")
    s.add_argument("--min-share", type=float, default=0.01, metavar="S",
                   help="... and in at least this share of all documents (default 0.01)")
    s.add_argument("--save-boilerplate", metavar="MODEL.json",
                   help="write the boilerplate blocks found, for 'dedupe clean --boilerplate'")
    s.add_argument("--top", type=int, default=10, metavar="N", help="items per section in text output (default 10)")
    _add_detection_options(s)


def scan_options_from_args(args: argparse.Namespace):
    """Command-line arguments as the scan's detection, corpus and source options."""
    from dedupe.corpus.scan import ScanOptions
    from dedupe.io.sources import SourceOptions

    scan_options = ScanOptions(min_documents=args.min_documents, min_share=args.min_share, jobs=args.jobs)
    sources = SourceOptions(
        include=tuple(args.include) if args.include else None, exclude=tuple(args.exclude),
        field=args.field, id_field=args.id_field, encoding=args.encoding, errors=args.errors,
        max_line=args.max_line_length, strict=args.strict,
    )
    return options_from_args(args), scan_options, sources


def _cmd_scan(args: argparse.Namespace) -> int:
    from dedupe.corpus.boilerplate import save_model
    from dedupe.io.progress import Progress
    from dedupe.corpus.scan import format_text, scan_paths

    options, scan_options, sources = scan_options_from_args(args)
    if args.save_boilerplate:
        check_writable(args.save_boilerplate)
    result = scan_paths(args.paths, options, scan_options, sources, Progress(sys.stderr))
    if args.save_boilerplate:
        save_model(result.boilerplate_model(), args.save_boilerplate)
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_text(result, args.top))
    sys.stdout.flush()
    print(f"dedupe: {result.summary.line()}", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return {"clean": _cmd_clean, "check": _cmd_check, "index": _cmd_index,
                "scan": _cmd_scan}[args.command](args)
    except DedupeError as exc:
        print(f"dedupe: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("dedupe: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
