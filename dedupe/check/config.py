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

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import Field, dataclass, field
from pathlib import Path
from typing import Any

from dedupe.check.options import CheckOptions
from dedupe.check.rules import select_rules, severities
from dedupe.check.settings import CheckSettings
from dedupe.errors import ConfigError, DedupeError
from dedupe.io.history import project_root
from dedupe.options import Options, ScanOptions, SourceOptions, check_value, config_keys, from_flags, spec_of

CONFIG_NAMES = (".dedupe.toml", "pyproject.toml")
#: Option groups a configuration file sets, every command reading the keys it uses.
GROUPS = (Options, ScanOptions, SourceOptions, CheckOptions)
#: Every configuration key and the option it sets.
KEYS: Mapping[str, Field] = config_keys(*GROUPS)


def _as_option_value(f: Field, value: Any) -> Any:
    """TOML lists are the tuples options hold; a severity table is the
    RULE=LEVEL items its flag takes."""
    if f.name == "severity" and isinstance(value, dict):
        return tuple(f"{k}={v}" for k, v in value.items())
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class Config:
    """The ``[tool.dedupe]`` table of ``path`` (empty and ``path=None`` when
    no file applies)."""

    values: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None


def _table(path: Path) -> dict[str, Any] | None:
    """The dedupe table of ``path``; None when a pyproject.toml has none."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except ValueError:
        raise ConfigError(f"{path}: holds a number too long to read (over 4,300 digits)") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to read") from None
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
            import difflib  # noqa: PLC0415  (a mistyped key only: off the start of every command)

            hint = difflib.get_close_matches(key.replace("_", "-"), list(KEYS), n=1)
            did = f" (did you mean '{hint[0]}'?)" if hint else f" (known keys: {', '.join(KEYS)})"
            raise ConfigError(f"{where}: unknown key '{key}'{did}")
        why = check_value(KEYS[key], _as_option_value(KEYS[key], value))
        if why is not None:
            raise ConfigError(f"{where}: '{key}' {why}")
    p = p.resolve()
    values = {k: _resolved(p, KEYS[k], _as_option_value(KEYS[k], v)) for k, v in table.items()}
    _inside_project(p, where, values, table)
    return Config(values, p)


def _inside_project(config: Path, where: str, values: Mapping[str, Any], raw: Mapping[str, Any]) -> None:
    """A repository's configuration may not make the check write or open a
    database outside the repository (``baseline = "../.bashrc"`` would have
    --update-baseline replace it): its paths stay inside the git work tree,
    or the file's folder outside one. The command line may name any path."""
    root = project_root(config.parent).resolve()
    for key, value in values.items():
        if not spec_of(KEYS[key]).path or not isinstance(value, str) or "://" in value:
            continue
        target = Path(os.path.realpath(value))
        if target != root and root not in target.parents:
            raise ConfigError(f"{where}: '{key}' = {raw[key]!r} is outside the project ({root}); "
                              f"give it on the command line instead")


def _resolved(config: Path, f: Field, value: Any) -> Any:
    """A path in the file is relative to the file's folder; so is a glob
    with a ``/`` in it (``drafts/*``), while a bare name pattern
    (``*.tmp``) matches anywhere."""
    if not spec_of(f).path or not isinstance(value, (str, tuple)):
        return value  # a value of the wrong type is refused by the type check
    if isinstance(value, tuple):
        return tuple(_resolved(config, f, v) if isinstance(v, str) and "/" in v else v for v in value)
    if "://" in value or os.path.isabs(value):
        return value
    return os.path.join(os.path.normpath(config.parent), value)


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
    where = str(config.path)
    values = config.values
    check = from_flags(CheckOptions, flags, values, where)
    severity = dict(item.partition("=")[::2] for item in values.get("severity", ()))
    for item in flags.get("severity") or ():
        rule, sep, level = item.partition("=")
        if not sep:
            raise ConfigError(f"--severity takes RULE=LEVEL, got {item!r}")
        severity[rule] = level
    return CheckSettings(
        options=from_flags(Options, flags, values, where),
        scan=from_flags(ScanOptions, flags, values, where),
        sources=from_flags(SourceOptions, flags, values, where),
        check=check,
        rules=select_rules(_split(check.select) if check.select else None, _split(check.ignore)),
        severity=severities(severity),
        update_baseline=bool(flags.get("update_baseline")),
    )


def _split(values: Iterable[str]) -> list[str]:
    """Rule lists may be comma-separated and repeated."""
    return [x for v in values for x in str(v).split(",") if x.strip()]
