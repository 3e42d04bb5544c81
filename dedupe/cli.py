"""Command line: parses arguments and calls the library, nothing more.

Every option flag is generated from :mod:`dedupe.options` (and the check's
own :class:`~dedupe.check.settings.CheckOptions`), and every command reads
the same configuration file. Exit codes: 0 nothing found (or ``clean``
succeeded), 1 findings reported by ``check`` or ``index query``, 2 usage
error or bad input (:attr:`DedupeError.exit_code`), 130 interrupted.
"""

from __future__ import annotations

import argparse
import errno
import gc
import os
import sys
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from dedupe._version import __version__
from dedupe.api import clean_files
from dedupe.check.config import Config, build_settings
from dedupe.check.config import discover as discover_config
from dedupe.check.config import load as load_config
from dedupe.check.options import CheckOptions
from dedupe.core.markers import article_start, is_suppressed, suppressed_regions
from dedupe.errors import DedupeError, InputError, UsageError, WorkerError
from dedupe.io.pages import few_collections, reuse_freed_memory, small_pages
from dedupe.io.progress import Progress
from dedupe.io.records import to_json
from dedupe.io.textio import check_writable, read_text, same_file, text_name, write_atomic
from dedupe.io.walk import source_entries, source_files
from dedupe.options import Options, ScanOptions, SourceOptions, add_arguments, from_flags

if TYPE_CHECKING:
    from dedupe.index.index import Index

# Each command imports the parts of the package only it uses, where it
# starts: ``dedupe clean`` of one page (a pre-commit hook) does not load
# the check, the corpus scan or the index.

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: What a shell reports for a command killed by SIGPIPE (128 + 13).
EXIT_SIGPIPE = 141

_CLEAN_EXAMPLES = """examples:
  dedupe clean article.md > article.clean.md
  dedupe clean article.md -o article.clean.md --report removed.json
  dedupe clean content/ --diff
  dedupe clean content/ --in-place
  cat post.md | dedupe clean - > post.clean.md

exit status: 0 done (--diff: nothing would change), 1 --diff found changes,
  2 usage error or bad input
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

_INPUT = ("encoding", "errors", "max_line_length")
_FILES = ("include", "exclude", "respect_gitignore", "force_exclude")


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, with a hint, instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}; see '{self.prog} --help'\n")

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            flags = _flags_of(self, parsed)
            import difflib  # noqa: PLC0415  (errors and --diff only: off the start of every command)

            near = difflib.get_close_matches(extra[0], flags, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            self.error(f"unrecognized arguments: {' '.join(extra)}{hint}")
        return parsed


def _flags_of(parser: argparse.ArgumentParser, parsed: argparse.Namespace) -> list[str]:
    """The flags of the command (and index action) that was chosen."""
    flags = [o for a in parser._actions for o in a.option_strings]
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            chosen = getattr(parsed, a.dest, None)
            if chosen in a.choices:
                flags += _flags_of(a.choices[chosen], parsed)
    return flags


def _command(sub: Any, name: str, help: str, description: str, epilog: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help, description=description, epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def _add_config_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("configuration")
    g.add_argument("--config", metavar="FILE",
                   help="read this configuration file instead of looking for one "
                        "([tool.dedupe] in pyproject.toml, or .dedupe.toml)")
    g.add_argument("--no-config", action="store_true", help="ignore configuration files")


def _add_clean_parser(sub: Any) -> None:
    c = _command(sub, "clean", "print or write the canonical text of files",
                 "Remove repeated paragraphs and sentences, keeping one copy of each. One FILE (or -):\n"
                 "the canonical text goes to standard output, or to -o OUT. Several files or folders\n"
                 "(found as 'dedupe check' finds them): --in-place writes each changed file, --diff\n"
                 "shows the change and writes nothing. Inline markers (<!-- dedupe: off -->) and the\n"
                 "configuration file are honoured as by 'dedupe check'.", _CLEAN_EXAMPLES)
    c.add_argument("paths", nargs="+", metavar="PATH", help="files or folders, or - for standard input")
    out = c.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="OUT", help="write the canonical text of the one input to OUT")
    out.add_argument("--in-place", action="store_true", help="replace each changed file with its canonical text")
    out.add_argument("--diff", action="store_true",
                     help="print a unified diff of what would change and write nothing; exit 1 when "
                          "something would change")
    c.add_argument("--report", metavar="REPORT.json", help="write the removals, with offsets, as JSON")
    c.add_argument("--boilerplate", metavar="MODEL", help="also strip the boilerplate blocks of MODEL "
                   "(written by 'dedupe scan --save-boilerplate'), reported with kind 'boilerplate'")
    talk = c.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="print no summary line")
    talk.add_argument("-v", "--verbose", action="store_true", help="also name each file that changes")
    add_arguments(c, Options, "detection")
    add_arguments(c, SourceOptions, "files and input", _FILES + _INPUT)
    add_arguments(c, ScanOptions, "workers", ("jobs",))
    _add_config_flags(c)


def _add_check_parser(sub: Any) -> None:
    k = _command(sub, "check", "report repeated text in files and folders",
                 "Report repeated text inside each article, near-duplicate articles, passages\n"
                 "copied between articles or from published ones (--index), and articles that\n"
                 "are mostly boilerplate; folders are searched recursively. Text output lines\n"
                 "read path:line:col: RULE message, naming the kept copy. Settings come from\n"
                 "[tool.dedupe] in pyproject.toml or .dedupe.toml (the nearest one above the\n"
                 "checked paths); flags override them.", _CHECK_EXAMPLES)
    k.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to check, or - for standard input")
    k.add_argument("--stdin-filename", metavar="NAME",
                   help="the name of the text read from - (in reports, and to find the configuration)")
    k.add_argument("--output-file", metavar="FILE", help="write the report to FILE instead of standard output")
    talk = k.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="print no summary line")
    talk.add_argument("-v", "--verbose", action="store_true",
                      help="also name every checked file with its number of findings, on standard error")
    k.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the text report: auto (default) on a terminal unless NO_COLOR is set")
    add_arguments(k, CheckOptions, "rules and report")
    k.add_argument("--update-baseline", action="store_true",
                   help="write the current findings to the --baseline FILE and exit 0")
    k.add_argument("--fix", action="store_true",
                   help="remove the repeated text that DUP001 reports from each file (as 'dedupe clean "
                        "--in-place' does) and report what is left")
    add_arguments(k, SourceOptions, "files", _FILES + _INPUT)
    add_arguments(k, Options, "detection")
    add_arguments(k, ScanOptions, "across articles")
    _add_config_flags(k)


def _add_scan_parser(sub: Any) -> None:
    s = _command(sub, "scan", "report near-duplicate documents, copied passages and boilerplate in a corpus",
                 "Scan files, folders (recursive; hidden and .gitignore'd files skipped), JSONL "
                 "files and '-' (JSONL on standard input) for near-duplicate documents, passages "
                 "copied between documents, and boilerplate blocks.", _SCAN_EXAMPLES)
    s.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, JSONL files, or - for JSONL on stdin")
    s.add_argument("--format", choices=("text", "json"), default="text", help="report format (default text)")
    s.add_argument("--save-boilerplate", metavar="MODEL.json",
                   help="write the boilerplate blocks found, for 'dedupe clean --boilerplate'")
    s.add_argument("--top", type=int, default=10, metavar="N", help="items per section in text output (default 10)")
    s.add_argument("-q", "--quiet", action="store_true", help="print no summary line")
    e = s.add_argument_group("engine and output")
    e.add_argument("--engine", choices=("local", "spark"), default="local",
                   help="local (default) or spark (needs the 'spark' extra; what it reports is in the "
                        "README)")
    e.add_argument("--master", default="local[2]", help="Spark master URL (default local[2])")
    e.add_argument("--output", metavar="DIR", help="also write the results to DIR as Parquet files "
                   "(clusters, passages, boilerplate; needs pyarrow)")
    e.add_argument("--output-format", choices=("parquet", "json"), default="parquet",
                   help="with --engine spark: the files written to --output (default parquet)")
    add_arguments(s, ScanOptions, "corpus")
    add_arguments(s, SourceOptions, "sources")
    add_arguments(s, Options, "detection")
    _add_config_flags(s)


def _add_index_parser(sub: Any) -> None:
    ix = _command(sub, "index", "a persistent index of published articles (SQLite file or Redis)",
                  "Keep the shingles and signatures of published articles in an index, so that a new "
                  "article can be compared with all of them without rescanning them.", _INDEX_EXAMPLES)
    actions = ix.add_subparsers(dest="index_command", metavar="ACTION", parser_class=_Parser)
    actions.required = True
    common = _Parser(add_help=False)
    common.add_argument("--db", required=True, metavar="PATH_OR_URL",
                        help="index: a SQLite file (created by 'add') or a redis://HOST:PORT/DB URL "
                             "(add ?prefix=NAME to keep several indexes in one database)")
    common.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    _add_config_flags(common)
    add_arguments(common, Options, "shingling (a new index; an existing one must match)", ("ngram", "num_perm", "seed"))
    a = actions.add_parser("add", parents=[common], help="add or replace files and folders",
                           description="Index files (folders recursively); each file's path is its id. "
                                       "Shingling options apply to a new index; an existing one keeps its own.")
    a.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to index")
    add_arguments(a, SourceOptions, "files", _FILES + _INPUT + ("strict",))
    add_arguments(a, ScanOptions, "workers", ("jobs",))
    q = actions.add_parser("query", parents=[common], help="find indexed articles that files copy",
                           description="Report indexed articles that FILE near-duplicates and passages it copies.")
    q.add_argument("files", nargs="+", metavar="FILE", help="files to look up, or - for standard input")
    add_arguments(q, SourceOptions, "input", _INPUT + ("strict",))
    add_arguments(q, Options, "detection (shingling is always the index's)",
                  ("threshold", "containment", "min_tokens", "sentences"))
    r = actions.add_parser("remove", parents=[common], help="remove documents by id")
    r.add_argument("ids", nargs="+", metavar="ID", help="document ids (the paths they were added with)")
    add_arguments(r, SourceOptions, "errors", ("strict",))
    actions.add_parser("info", parents=[common], help="show the index's format, options and size")


_ENVIRONMENT = """\
Run 'dedupe COMMAND --help' for a command's options and examples.

environment:
  DEDUPE_CACHE_DIR    where the Unicode tables are kept between runs
                      (default $XDG_CACHE_HOME/dedupe or ~/.cache/dedupe;
                      empty: keep none)
  DEDUPE_PURE_PYTHON  1: run the numpy implementation, not the compiled kernel
  NO_COLOR            set, not empty: no colour in reports on a terminal
"""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dedupe",
        description="Find repeated and near-duplicate text and collapse it into one canonical copy.",
        epilog=_ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"dedupe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    _add_clean_parser(sub)
    _add_check_parser(sub)
    _add_index_parser(sub)
    _add_scan_parser(sub)
    return parser


# ---------------------------------------------------------------- commands


def _config(args: argparse.Namespace, paths: Sequence[str]) -> Config:
    """The configuration file for ``paths`` (``-`` looks from the working
    folder), unless ``--config`` picks one or ``--no-config`` none."""
    if args.no_config:
        return Config()
    if args.config:
        return load_config(args.config)
    return discover_config([p if p != "-" else "." for p in paths])


def _options(cls: type, args: argparse.Namespace, config: Config) -> Any:
    return from_flags(cls, vars(args), config.values, str(config.path))


def _cmd_clean(args: argparse.Namespace) -> int:
    config = _config(args, args.paths)
    options: Options = _options(Options, args, config)
    src: SourceOptions = _options(SourceOptions, args, config)
    jobs = _options(ScanOptions, args, config).jobs
    files = ["-"] if args.paths == ["-"] else [str(p) for p in _walk(args.paths, src)]
    _check_clean_targets(args, files)
    model = None
    if args.boilerplate:
        from dedupe.corpus.boilerplate import load_model

        model = load_model(args.boilerplate)
    # Every file is read before any is written: one that cannot be read
    # stops the command with nothing changed.
    texts = [(path, read_text(path, src.encoding, src.errors, src.max_line_length, allow_empty=True))
             for path in files]
    reports, changed, removed_chars = [], 0, 0
    progress = Progress(sys.stderr, label="clean")
    # strict: zip then takes the results to their end, so that workers
    # are shut down as finished rather than abandoned at the last file.
    for (path, text), (_, result) in zip(texts, clean_files(texts, options, model, jobs), strict=True):
        progress.update(1, len(text))
        reports.append({"path": path, "removed": [r.to_dict() for r in result.removed]})
        changed += result.text != text
        removed_chars += len(text) - len(result.text)
        if args.verbose and result.text != text:
            print(f"dedupe: {path}: {len(result.removed)} removal(s), {len(text) - len(result.text):,} characters",
                  file=sys.stderr)
        _emit_clean(args, path, text, result.text, src.encoding)
    progress.close()
    if args.report:
        data = reports[0] if len(files) == 1 else {"files": reports}
        write_atomic(args.report, to_json({"version": 1, **data}) + "\n")
    if (args.in_place or args.diff) and not args.quiet:
        verb = "would change" if args.diff else "changed"
        print(f"dedupe: {verb} {changed} of {len(files)} file(s), {removed_chars:,} characters removed",
              file=sys.stderr)
    return EXIT_FINDINGS if args.diff and changed else EXIT_OK


def _walk(paths: Sequence[str], src: SourceOptions) -> list[Path]:
    if "-" in paths:
        raise UsageError("- (standard input) cannot be mixed with other paths")
    return list(source_files(paths, src))


def _check_clean_targets(args: argparse.Namespace, files: list[str]) -> None:
    """Usage errors before any work: what may be written, and where."""
    several = len(files) != 1 or len(args.paths) != 1 or Path(args.paths[0]).is_dir()
    if several and not (args.in_place or args.diff):
        raise UsageError("several files (or a folder) need --in-place or --diff")
    if files == ["-"] and args.in_place:
        raise UsageError("--in-place needs a file, not standard input")
    for out in (args.output, args.report):
        if out:
            _refuse_input(out, files, "use --in-place to replace it")
    if args.output and args.report and same_file(args.output, args.report):
        raise UsageError(f"{args.output}: given for both -o and --report")
    for target in [*(files if args.in_place else []), args.output, args.report]:
        if target:
            check_writable(target)


def _emit_clean(args: argparse.Namespace, path: str, old: str, new: str, encoding: str) -> None:
    if args.diff:
        if new != old:
            import difflib  # noqa: PLC0415

            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True), path, path))
    elif args.in_place:
        if new != old:
            write_atomic(path, new, encoding)
    elif args.output:
        write_atomic(args.output, new, encoding)
    else:
        sys.stdout.write(new)
        sys.stdout.flush()


def _cmd_check(args: argparse.Namespace) -> int:
    from dedupe.check.baseline import write as write_baseline
    from dedupe.check.formats import render as render_report
    from dedupe.check.formats.text import summary_text
    from dedupe.check.run import fix_findings, run_check

    stdin_name = args.stdin_filename or "<stdin>"
    config_paths = [stdin_name if p == "-" and args.stdin_filename else p for p in args.paths]
    settings = build_settings(vars(args), _config(args, config_paths))
    if settings.update_baseline and not settings.check.baseline:
        raise UsageError("--update-baseline needs --baseline FILE (or 'baseline' in the configuration)")
    if args.output_file:
        _refuse_input(args.output_file, args.paths, "write the report elsewhere")
        check_writable(args.output_file)
    with Progress(sys.stderr, label="check") as progress:
        report = run_check(args.paths, settings, stdin_name, progress)
    if args.fix:
        fixed = fix_findings(report, settings.sources.encoding)
        print(f"dedupe: fixed {fixed} finding(s)", file=sys.stderr)
    if settings.update_baseline and settings.check.baseline:
        _refuse_input(settings.check.baseline, list(report.texts), "give the baseline a file of its own")
        n = write_baseline(settings.check.baseline, report.findings + report.suppressed)
        print(f"dedupe: wrote {settings.check.baseline}: {n} finding(s) accepted", file=sys.stderr)
        return EXIT_OK
    rendered = render_report(settings.check.format, report, _use_color(args.color, args.output_file))
    if args.output_file:
        write_atomic(args.output_file, rendered)
    else:
        sys.stdout.write(rendered)
        sys.stdout.flush()
    if args.verbose:
        counts = {path: 0 for path in report.texts}
        for f in report.findings:
            counts[f.path] = counts.get(f.path, 0) + 1
        for path, n in counts.items():
            print(f"dedupe: {path}: {n} finding(s)", file=sys.stderr)
    if settings.check.format == "text" and not args.quiet:
        print(summary_text(report), file=sys.stderr)
    return EXIT_FINDINGS if report.failing and not settings.check.exit_zero else EXIT_OK


def _use_color(choice: str, output_file: str | None) -> bool:
    if choice != "auto":
        return choice == "always"
    return not output_file and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _refuse_input(target: str, inputs: Sequence[str], hint: str) -> None:
    """An output never replaces an input file (through links too)."""
    if any(path != "-" and same_file(target, path) for path in inputs):
        raise UsageError(f"{target}: is an input; {hint}")


def _cmd_scan(args: argparse.Namespace) -> int:
    from dedupe.api import honour_scan_markers
    from dedupe.corpus.boilerplate import save_model
    from dedupe.corpus.scan import format_text, scan_paths
    from dedupe.io.columnar import write_results

    config = _config(args, args.paths)
    options, scan_options = _options(Options, args, config), _options(ScanOptions, args, config)
    src: SourceOptions = _options(SourceOptions, args, config)
    if args.save_boilerplate:
        named = [p for p in args.paths if p != "-"]
        folders = [p for p in named if Path(p).is_dir()]
        inputs = named + [str(f) for f in source_entries(folders, src) if isinstance(f, Path)]
        _refuse_input(args.save_boilerplate, inputs, "write the model elsewhere")
        check_writable(args.save_boilerplate)
    if args.engine == "spark":
        from dedupe import spark  # an optional extra: imported only when asked for

        run = spark.scan_paths(args.paths, options, scan_options, id_field=src.id_field, text_field=src.field,
                               master=args.master, output=args.output, fmt=args.output_format)
        result = spark.collect(run)
    else:
        result = scan_paths(args.paths, options, scan_options, src, Progress(sys.stderr))
        if args.output:
            write_results(result, args.output)
    result = honour_scan_markers(result, partial(_marked_text, src))
    _warn_skipped([str(s) for s in result.skipped], args.top)
    if args.save_boilerplate:
        save_model(result.boilerplate_model(), args.save_boilerplate)
    if args.format == "json":
        print(to_json(result.to_dict()))
    else:
        sys.stdout.write(format_text(result, args.top))
    sys.stdout.flush()
    if not args.quiet:
        print(f"dedupe: {result.summary.line()}", file=sys.stderr)
    return EXIT_OK


def _warn_skipped(skipped: Sequence[str], top: int) -> None:
    """A warning line per skipped input, the first ``top`` of them: a
    JSONL file of bad records must not flood the terminal."""
    for item in skipped[:top]:
        _warn(f"skipped {item}")
    if len(skipped) > top:
        _warn(f"skipped {len(skipped) - top:,} more input(s); the report lists them")


def _marked_text(src: SourceOptions, doc_id: str) -> str:
    """The text of a scanned Markdown or HTML file, for its inline markers;
    ``""`` for anything else (a JSONL record's id is not a file)."""
    # The suffix first, by string: most ids of a large scan are records,
    # and endswith, which a marked suffix implies, is the cheaper test.
    if (not doc_id.lower().endswith(_MARKED) or os.path.splitext(doc_id)[1].lower() not in _MARKED
            or not os.path.isfile(doc_id)):
        return ""
    return read_text(Path(doc_id), src.encoding, src.errors, 0, allow_empty=True)


_MARKED = (".md", ".markdown", ".mdx", ".html", ".htm", ".txt", ".rst")


def _cmd_index(args: argparse.Namespace) -> int:
    from dedupe.index.index import Index

    action: Callable[[Index, argparse.Namespace, Config], int] = _INDEX_ACTIONS[args.index_command]
    config = _config(args, getattr(args, "paths", None) or getattr(args, "files", None) or ["."])
    named = [p for p in getattr(args, "paths", None) or getattr(args, "files", None) or [] if p != "-"]
    missing = [p for p in named if not Path(p).exists()]
    if missing:
        # Before the index is opened: a mistyped path must not leave a new, empty index behind.
        raise InputError(f"{missing[0]}: no such file or folder")
    shingling = {k: vars(args)[k] for k in ("ngram", "num_perm", "seed") if vars(args).get(k) is not None}
    build = Options.build(None, **shingling) if shingling else None
    with Index(args.db, build, create=args.index_command == "add",
               read_only=args.index_command in ("query", "info")) as index:
        return action(index, args, config)


def _warn(msg: str) -> None:
    print(f"dedupe: warning: {msg}", file=sys.stderr)


def _print_json(data: dict) -> None:
    print(to_json({"version": 1, **data}))


def _index_add(index: Index, args: argparse.Namespace, config: Config) -> int:
    from dedupe.index.index import add_paths

    with Progress(sys.stderr, label="index add") as progress:
        res = add_paths(index, args.paths, _options(SourceOptions, args, config), progress,
                        _options(ScanOptions, args, config).jobs)
    for path, why in res.skipped:
        _warn(f"skipped {why}" if why.startswith(path) else f"skipped {path}: {why}")
    if args.format == "json":
        _print_json({**res.to_dict(), "documents": len(index)})
    else:
        kept = f", {res.unchanged} unchanged" if res.unchanged else ""
        print(f"added {len(res.added)} document(s) to {index.location} ({len(index)} in the index{kept})"
              + (f"; skipped {len(res.skipped)} file(s)" if res.skipped else ""))
    return EXIT_OK


def _index_query(index: Index, args: argparse.Namespace, config: Config) -> int:
    src: SourceOptions = _options(SourceOptions, args, config)
    opts = index.with_shingling(_options(Options, args, config))
    results, skipped = [], []
    with index.snapshot():
        for f in args.files:
            try:
                text = read_text(f, src.encoding, src.errors, src.max_line_length, allow_empty=True)
            except DedupeError as exc:
                if src.strict:
                    raise
                _warn(f"skipped {exc}")
                skipped.append({"path": f, "error": str(exc)})
                continue
            own = None if f == "-" else text_name(Path(f).as_posix())
            regions = suppressed_regions(text, f) if "dedupe" in text else []
            matches = index.query(text, exclude=own, options=opts)
            top = article_start(text) if regions else 0
            results.append((f, [m for m in matches if not is_suppressed(
                top if m.kind == "near-duplicate" else m.start, regions)]))
    found = sum(len(m) for _, m in results)
    if args.format == "json":
        _print_json({"index": index.location, "skipped": skipped,
                     "results": [{"path": f, "matches": [m.to_dict() for m in ms]} for f, ms in results]})
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


def _index_remove(index: Index, args: argparse.Namespace, config: Config) -> int:
    removed: list[str] = []
    missing: list[str] = []
    for doc_id in map(text_name, args.ids):
        (removed if index.remove(doc_id) else missing).append(doc_id)
    if missing and _options(SourceOptions, args, config).strict:
        raise InputError(f"not in the index: {', '.join(missing)}")
    for doc_id in missing:
        _warn(f"not in the index: {doc_id}")
    if args.format == "json":
        _print_json({"removed": removed, "missing": missing, "documents": len(index)})
    else:
        print(f"removed {len(removed)} document(s) from {index.location} ({len(index)} in the index)")
    return EXIT_OK


def _index_info(index: Index, args: argparse.Namespace, config: Config) -> int:
    info = index.info()
    if args.format == "json":
        _print_json(info)
        return EXIT_OK
    o, lsh = info["options"], info["lsh"]
    print(f"index:          {info['location']} ({info['backend']}, format version {info['format_version']})")
    print(f"documents:      {info['documents']}")
    print(f"shingling:      ngram={o['ngram']} num_perm={o['num_perm']} seed={o['seed']}")
    print(f"LSH banding:    {lsh['bands']} bands x {lsh['rows']} rows (candidates from Jaccard ~{lsh['threshold']})")
    return EXIT_OK


_INDEX_ACTIONS: dict[str, Callable[[Index, argparse.Namespace, Config], int]] = {
    "add": _index_add, "query": _index_query, "remove": _index_remove, "info": _index_info,
}
_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "clean": _cmd_clean, "check": _cmd_check, "index": _cmd_index, "scan": _cmd_scan,
}


_OUT_OF_MEMORY = "dedupe: error: out of memory; split the input or raise the memory limit"
#: Stack of the threads the command starts (the worker pool's).
_THREAD_STACK = 1 << 20

#: Taken by whatever prints the command's error line: the main thread and
#: a failing helper thread may both come to report one failure.
_ERROR_LINE = threading.Lock()


def _error(line: str) -> None:
    """Print the command's one error line, unless another thread has."""
    if _ERROR_LINE.acquire(blocking=False):
        print(line, file=sys.stderr, flush=True)


def _out_of_memory(at_once: bool = False) -> int:
    return _stop(_OUT_OF_MEMORY, at_once)


def _stop(line: str, at_once: bool = False) -> int:
    """One error line, and no worker left behind to print a traceback or
    to hold the output pipes open after the command ended; ``at_once``
    ends the process here (from a helper thread, or after a broken pool)."""
    # A command that started no worker never imported multiprocessing.
    pool_module = sys.modules.get("multiprocessing")
    children = pool_module.active_children() if pool_module is not None else []
    for child in children:
        child.terminate()
    _error(line)
    if children or at_once or any(_in_pool(t) for t in threading.enumerate()):
        # A worker pool's management thread would wait on the stopped
        # workers at exit; only ending the process at once stops it.
        os._exit(EXIT_ERROR)
    return EXIT_ERROR


def _in_pool(thread: threading.Thread) -> bool:
    """Whether ``thread`` is one of a worker pool's own."""
    return type(thread).__module__.startswith("concurrent.futures")


def _thread_failed(previous: Callable[[Any], object], args: Any) -> None:
    """A helper thread that runs out of memory (the one that reads the
    workers' results, say) would leave the command waiting for ever: it
    ends the command with the one line instead. So does a failure of a
    worker pool's management thread (CPython 3.11's can fail while it
    marks the tasks of a dead worker failed), which would leave the
    command waiting for one of them."""
    if args.exc_type is not None and issubclass(args.exc_type, MemoryError):
        _out_of_memory(at_once=True)
    if args.thread is not None and _in_pool(args.thread):
        _stop(f"dedupe: error: {WorkerError()}", at_once=True)
    previous(args)


def _unraisable(previous: Callable[[Any], object], args: Any) -> None:
    """Out of memory where Python cannot raise it (starting a helper
    thread, say): the thread never runs and the command would wait for
    it, so this ends the command with the one line instead."""
    if args.exc_type is not None and issubclass(args.exc_type, MemoryError):
        _out_of_memory(at_once=True)
    previous(args)


def run() -> NoReturn:
    """The ``dedupe`` command: :func:`main`, then exit with its code."""
    code = main()
    # The interpreter's last collection at exit walks every object the
    # command made, and the process is about to end: frozen, they are not
    # walked (20-30 ms of a 20 MB scan).
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    # A file name that is not UTF-8 arrives with surrogate escapes; printed
    # as \udcff escapes it stays one readable, valid line in every format.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    small_pages()
    reuse_freed_memory()
    few_collections()
    # The worker pool's helper threads only pass items along; under an
    # address-space limit (ulimit -v) each default 8 MB stack counted in
    # full, and a helper that could not start left the command waiting.
    previous_stack = threading.stack_size(_THREAD_STACK)
    previous_hook, previous_unraisable = threading.excepthook, sys.unraisablehook
    threading.excepthook = partial(_thread_failed, previous_hook)
    sys.unraisablehook = partial(_unraisable, previous_unraisable)
    try:
        return _run(args)
    finally:
        threading.excepthook, sys.unraisablehook = previous_hook, previous_unraisable
        threading.stack_size(previous_stack)
        if _ERROR_LINE.locked():  # the next command called in this process reports its own
            _ERROR_LINE.release()


def _run(args: argparse.Namespace) -> int:
    """The command ``args`` names, with what it raises turned into one
    line on standard error and a documented exit code."""
    try:
        return _COMMANDS[args.command](args)
    except WorkerError as exc:
        # A broken pool's threads and pipes can fail once more while the
        # interpreter exits (CPython 3.11 prints an ignored EBADF from
        # its exit hook): the command ends here, after its one line.
        return _stop(f"dedupe: error: {exc}", at_once=True)
    except DedupeError as exc:
        _error(f"dedupe: error: {exc}")
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (`dedupe check … | head`): stop quietly, as
        # a command killed by SIGPIPE does, and keep the interpreter from
        # complaining when it flushes the closed stream at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_SIGPIPE
    except OSError as exc:
        if exc.errno == errno.ENOMEM:
            # The system refused memory outside Python's allocator: most
            # often forking a worker past a memory limit.
            return _out_of_memory()
        # What the system refuses where no step expected it (a name too
        # long, a folder that cannot be searched, a full disk): one line.
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"dedupe: error: {where}{exc.strerror or exc}")
        return EXIT_ERROR
    except MemoryError:
        # Past a memory limit (ulimit, a container) the traceback itself
        # may not fit; one line with what to change does.
        return _out_of_memory()
    except RuntimeError as exc:
        if "can't start new thread" not in str(exc):
            raise
        return _out_of_memory()  # the same limit, met by a thread's stack (the worker pool's)
    except KeyboardInterrupt:
        print("dedupe: interrupted", file=sys.stderr)
        return 130
