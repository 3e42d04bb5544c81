"""Named exceptions. Each also subclasses the builtin a caller would expect,
so ``except ValueError`` keeps working for code that does not know ours."""

from __future__ import annotations


class DedupeError(Exception):
    """Base class of every error raised on purpose by dedupe."""

    #: Exit status the command line uses for this error.
    exit_code = 2


class InputError(DedupeError, ValueError):
    """The input cannot be processed: missing, binary, undecodable, empty..."""


class OptionsError(DedupeError, ValueError):
    """An option has a value outside its allowed range."""


class ConfigError(DedupeError, ValueError):
    """A configuration file is malformed or names an unknown key."""


class OutputError(DedupeError, OSError):
    """The output cannot be written (read-only file or folder, full disk)."""


class IndexFormatError(DedupeError, ValueError):
    """A persistent index is of another version or was built with other options."""


class MissingExtraError(DedupeError, ImportError):
    """An optional feature needs a package that is not installed."""

    def __init__(self, feature: str, extra: str, package: str) -> None:
        super().__init__(
            f"{feature} needs the '{package}' package: "
            f"pip install 'dedupe-text[{extra}]'"
        )


class UsageError(DedupeError, ValueError):
    """The command line is wrong: flags that do not go together, a missing
    argument. Raised by the CLI, never by the library."""


class WorkerError(DedupeError, RuntimeError):
    """A worker process ended without finishing its work: killed from
    outside, most often by the system for lack of memory."""

    def __init__(self, message: str = "a worker process ended without finishing its work (killed, most often "
                                      "for lack of memory); run with --jobs 1 or with more memory") -> None:
        super().__init__(message)
