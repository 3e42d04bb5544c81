"""Names of a package imported, and regular expressions compiled, on first use."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def lazy_names(namespace: dict[str, Any], modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the module whose globals are
    ``namespace``: each name of ``modules`` is imported from the module it
    maps to when first asked for, and kept in ``namespace`` after that."""

    def __getattr__(name: str) -> Any:
        if name not in modules:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = namespace[name] = getattr(importlib.import_module(modules[name]), name)
        return value

    return __getattr__


class LazyPattern:
    """A ``regex`` expression compiled on first use, then used as the
    compiled pattern itself: each method asked for is kept on this object,
    so that later calls cost what they cost on the pattern. The core
    modules' 37 expressions took 8 ms to compile at every command's start;
    a clean of a page of plain prose uses 4 of them."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    @property
    def pattern(self) -> str:
        return self._source[0]

    def __getattr__(self, name: str) -> Any:
        # Only names not found on the object reach here: the compiled
        # pattern, once made, and every method already asked for are.
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            import regex  # noqa: PLC0415  (a dependency of the core, not of this module)

            compiled = self.__dict__["_compiled"] = regex.compile(*self._source)
        value = getattr(compiled, name)
        self.__dict__[name] = value
        return value

    def __repr__(self) -> str:
        return f"LazyPattern({self._source[0]!r})"


class LazyAlternation:
    """An alternation of regular expressions that reads each text with only
    the alternatives the text can match: ``parts`` are ``(expression,
    needs)`` in the alternation's order, where ``needs`` names strings of
    which a text must hold one for the expression to match it (``()``: no
    such test), or is a :class:`LazyPattern` that a text must match
    somewhere for it. An alternative that matches nowhere in a text changes
    nothing of what the others match there, so :meth:`for_text` finds the
    same spans as the whole alternation; it skips the costly alternatives
    that would try, and fail, at every character. Each variant is compiled
    on first use (:class:`LazyPattern`)."""

    def __init__(self, parts: Sequence[tuple[str, Sequence[str] | LazyPattern]], flags: int = 0) -> None:
        self._parts = tuple((expression, needs if isinstance(needs, LazyPattern) else tuple(needs))
                            for expression, needs in parts)
        self._flags = flags
        self._variants: dict[int, LazyPattern] = {}
        self.whole = LazyPattern("|".join(expression for expression, _ in self._parts), flags)

    def for_text(self, text: str) -> LazyPattern:
        """The alternation of the parts that can match ``text``."""
        mask = 0
        for bit, (_, needs) in enumerate(self._parts):
            if isinstance(needs, LazyPattern):
                if needs.search(text) is not None:
                    mask |= 1 << bit
            elif not needs or any(s in text for s in needs):
                mask |= 1 << bit
        variant = self._variants.get(mask)
        if variant is None:
            chosen = [expression for bit, (expression, _) in enumerate(self._parts) if mask >> bit & 1]
            # With no alternative left, one that never matches.
            variant = self._variants[mask] = LazyPattern("|".join(chosen) or "(?!)", self._flags)
        return variant
