"""Configuration of ``dedupe check``: ``[tool.dedupe]`` in ``pyproject.toml``
or the top level of a ``.dedupe.toml``.

The file is found by walking up from the checked paths (in each folder a
``.dedupe.toml`` wins over a ``pyproject.toml``; a ``pyproject.toml``
without ``[tool.dedupe]`` is passed over); ``--config FILE`` picks one and
``--no-config`` uses none. Command-line flags override the file. Keys are
the long flag names without the dashes (``min-tokens = 12``); an unknown
key is an error that names it. Paths in the file (``index``,
``baseline``) are relative to the file's folder.

``build_settings`` is the one place where flags and configuration become
``CheckSettings``.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from dedupe.check.run import CheckSettings
from dedupe.errors import ConfigError, DedupeError, OptionsError
from dedupe.check.formats import check_format
from dedupe.options import Options
from dedupe.check.rules import select_rules, severities, severity_rank
from dedupe.io.textio import MAX_LINE_CHARS
from dedupe.io.walk import DEFAULT_INCLUDE

CONFIG_NAMES = (".dedupe.toml", "pyproject.toml")


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# key → (check of the value, what the value must be)
KEYS: Mapping[str, tuple[Any, str]] = {
    "threshold": (_is_number, "a number in (0, 1]"),
    "containment": (_is_number, "a number in (0, 1]"),
    "ngram": (_is_int, "an integer"),
    "min-tokens": (_is_int, "an integer"),
    "keep": (lambda v: v in ("first", "longest"), "'first' or 'longest'"),
    "sentences": (lambda v: isinstance(v, bool), "true or false"),
    "select": (_is_str_list, "a list of rule ids"),
    "ignore": (_is_str_list, "a list of rule ids"),
    "severity": (lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
                 "a table of rule id = severity"),
    "fail-on": (lambda v: isinstance(v, str), "'info', 'warning' or 'error'"),
    "include": (_is_str_list, "a list of globs"),
    "exclude": (_is_str_list, "a list of globs"),
    "respect-gitignore": (lambda v: isinstance(v, bool), "true or false"),
    "boilerplate-limit": (_is_number, "a number in [0, 1]"),
    "index": (lambda v: isinstance(v, str), "a path or a redis:// URL"),
    "baseline": (lambda v: isinstance(v, str), "a path"),
    "format": (lambda v: isinstance(v, str), "a format name"),
    "exit-zero": (lambda v: isinstance(v, bool), "true or false"),
    "encoding": (lambda v: isinstance(v, str), "an encoding name"),
    "errors": (lambda v: v in ("strict", "replace"), "'strict' or 'replace'"),
    "max-line-length": (_is_int, "an integer"),
    "jobs": (_is_int, "an integer (0: one per CPU)"),
}


@dataclass(frozen=True)
class Config:
    """The ``[tool.dedupe]`` table of ``path`` (empty and ``path=None`` when
    no file applies)."""

    values: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def resolve(self, value: str) -> str:
        """A path from the file, relative to the file's folder."""
        if self.path is None or "://" in value or os.path.isabs(value):
            return value
        return os.path.normpath(os.path.join(self.path.parent, value))


def _table(path: Path) -> dict[str, Any] | None:
    """The dedupe table of ``path``; None when a pyproject.toml has none."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        return tool.get("dedupe") if isinstance(tool, dict) else None
    return data


def load(path: str | os.PathLike) -> Config:
    """The configuration in ``path``, validated."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: configuration file does not exist")
    table = _table(p)
    if table is None:
        raise ConfigError(f"{p}: no [tool.dedupe] table")
    if not isinstance(table, dict):
        raise ConfigError(f"{p}: [tool.dedupe] must be a table")
    where = f"{p} [tool.dedupe]" if p.name == "pyproject.toml" else str(p)
    for key, value in table.items():
        if key not in KEYS:
            hint = difflib.get_close_matches(key.replace("_", "-"), list(KEYS), n=1)
            did = f" (did you mean '{hint[0]}'?)" if hint else f" (known keys: {', '.join(KEYS)})"
            raise ConfigError(f"{where}: unknown key '{key}'{did}")
        ok, expected = KEYS[key]
        if not ok(value):
            raise ConfigError(f"{where}: '{key}' must be {expected}, got {value!r}")
    return Config(dict(table), p.resolve())


def _nearest(start: Path, memo: dict[Path, Path | None]) -> Path | None:
    """The configuration file nearest above ``start``; ``memo`` remembers
    the answer for each folder seen, so that thousands of file arguments
    (a pre-commit hook's) read each configuration file once."""
    folder = start if start.is_dir() else start.parent
    walked: list[Path] = []
    found: Path | None = None
    for d in (folder, *folder.parents):
        if d in memo:
            found = memo[d]
            break
        walked.append(d)
        hit = next((d / n for n in CONFIG_NAMES if (d / n).is_file() and _table(d / n) is not None), None)
        if hit is not None:
            found = hit
            break
    for d in walked:
        memo[d] = found
    return found


def discover(paths: Iterable[str | os.PathLike]) -> Config:
    """The configuration for ``paths``: the nearest file walking up from
    each; checked paths under different configuration files are an error
    (check them separately, or pass ``--config``)."""
    found: dict[Path, str] = {}
    memo: dict[Path, Path | None] = {}
    for raw in paths:
        p = Path(raw).resolve()
        near = _nearest(p, memo)
        if near is not None:
            found.setdefault(near, str(raw))
    if len(found) > 1:
        pairs = "; ".join(f"{who} uses {cfg}" for cfg, who in found.items())
        raise ConfigError(
            f"the checked paths have different configuration files ({pairs}); "
            "check them separately or pick one with --config"
        )
    return load(next(iter(found))) if found else Config()


def _flag_or_config(flags: Mapping[str, Any], config: Config, key: str, default: Any) -> Any:
    """A flag given on the command line wins; then the file; then the default."""
    flag = flags.get(key.replace("-", "_"))
    if flag is not None:
        return flag
    return config.values.get(key, default)


def build_settings(flags: Mapping[str, Any], config: Config | None = None) -> CheckSettings:
    """``CheckSettings`` from command-line ``flags`` (argparse dests; None
    where a flag was not given) and ``config``.

    ``select``/``ignore``/``include``/``exclude`` flags replace the file's
    lists; ``severity`` flags (``RULE=LEVEL``) are merged over the file's.
    """
    config = config or Config()
    if config.path is not None:
        # The file alone first, so that its mistakes are reported as the
        # file's and a bad flag is not blamed on the file.
        try:
            _build({}, config)
        except ConfigError:
            raise
        except DedupeError as exc:
            raise ConfigError(f"{config.path}: {exc}") from None
    return _build(flags, config)


def _build(flags: Mapping[str, Any], config: Config) -> CheckSettings:
    def get(key: str, default: Any) -> Any:
        return _flag_or_config(flags, config, key, default)

    base = Options()
    options = Options(
        threshold=float(get("threshold", base.threshold)),
        containment=float(get("containment", base.containment)),
        ngram=get("ngram", base.ngram),
        min_tokens=get("min-tokens", base.min_tokens),
        keep=get("keep", base.keep),
        sentences=get("sentences", base.sentences),
    )
    sev = dict(config.values.get("severity", {}))
    for item in flags.get("severity") or ():
        rule, sep, level = item.partition("=")
        if not sep:
            raise ConfigError(f"--severity takes RULE=LEVEL, got {item!r}")
        sev[rule] = level
    index = flags.get("index")
    if index is None and "index" in config.values:
        index = config.resolve(config.values["index"])
    baseline = flags.get("baseline")
    if baseline is None and "baseline" in config.values:
        baseline = config.resolve(config.values["baseline"])
    fail_on = get("fail-on", "warning")
    severity_rank(fail_on)
    max_line = get("max-line-length", MAX_LINE_CHARS)
    return CheckSettings(
        options=options,
        rules=select_rules(_split(get("select", None)), _split(get("ignore", ())) or ()),
        severity=severities(sev),
        fail_on=fail_on,
        include=tuple(get("include", DEFAULT_INCLUDE)),
        exclude=tuple(get("exclude", ())),
        respect_gitignore=get("respect-gitignore", True),
        boilerplate_limit=float(get("boilerplate-limit", 0.5)),
        index=index,
        baseline=baseline,
        update_baseline=bool(flags.get("update_baseline")),
        encoding=get("encoding", "utf-8"),
        errors=get("errors", "strict"),
        max_line_length=max_line,
        format=check_format(get("format", "text")),
        exit_zero=bool(get("exit-zero", False)),
        jobs=_jobs(get("jobs", 0)),
        config_file=str(config.path) if config.path else None,
    )


def _jobs(n: int) -> int:
    """Worker processes: 0 means one per CPU."""
    if n < 0:
        raise OptionsError(f"jobs must be 0 (one per CPU) or a positive integer, got {n!r}")
    return n or os.cpu_count() or 1


def _split(values: Any) -> list[str] | None:
    """Rule lists from flags may be comma-separated and repeated."""
    if values is None:
        return None
    out: list[str] = []
    for v in values:
        out.extend(x for x in str(v).split(",") if x.strip())
    return out
