"""Result records as JSON-ready dicts: records and dataclasses as dicts,
tuples as lists, floats rounded, at any depth; everything else as it is.
And JSON text: what ``json`` writes with an indent of two, byte for byte."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.io.records import DIGITS, Record, plain, to_json


@dataclass(frozen=True)
class _Inner:  # a dataclass that is not a Record
    score: float
    tags: tuple[str, ...]


@dataclass(frozen=True)
class _Outer(Record):
    name: str
    count: int
    flag: bool
    share: float
    inner: _Inner
    items: tuple[_Inner, ...]
    extra: dict
    missing: None = None


def _reference(value):
    """What plain() must give, the slow way: asdict, then rounding."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, (list, tuple)):
        return [_reference(v) for v in value]
    if isinstance(value, dict):
        return {k: _reference(v) for k, v in value.items()}
    return _reference(asdict(value))


_floats = st.floats(allow_nan=False, allow_infinity=False)
_inner = st.builds(_Inner, _floats, st.lists(st.text(max_size=3), max_size=3).map(tuple))
_leaf = st.one_of(st.none(), st.booleans(), st.integers(), _floats, st.text(max_size=5))
_extra = st.dictionaries(st.text(max_size=3), st.recursive(_leaf, lambda inner: st.lists(inner, max_size=3)
                                                           | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                                                           max_leaves=8), max_size=4)


@given(st.builds(_Outer, st.text(max_size=5), st.integers(), st.booleans(), _floats, _inner,
                 st.lists(_inner, max_size=3).map(tuple), _extra))
def test_a_record_becomes_its_plain_dict(record):
    got = record.to_dict()
    assert got == _reference(record)
    # Booleans stay booleans (not 0 and 1) and everything is JSON.
    assert got["flag"] is record.flag
    json.dumps(got)


def test_plain_keeps_values_it_has_no_rule_for():
    class Token(str):
        pass

    token = Token("x")
    assert plain(token) is token
    assert plain((1, 2.123456789, "a")) == [1, round(2.123456789, DIGITS), "a"]


# What the commands write, and what they never should but json accepts or
# refuses in its own way: other key types, NaN and infinities, subclasses
# of str, int and float, surrogates and control characters in strings.
class _Text(str):
    pass


class _Number(int):
    pass


_keys = st.one_of(st.text(max_size=8), st.integers(-5, 5), st.floats(allow_nan=False), st.booleans(), st.none())
_leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(),
    st.text(max_size=4).map(_Text), st.integers(-9, 9).map(_Number),
)
_values = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.lists(inner, max_size=5).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=5), st.dictionaries(_keys, inner, max_size=3),
    ),
    max_leaves=30,
)


@given(_values)
def test_json_text_is_what_json_writes(value):
    expected = json.dumps(value, ensure_ascii=False, indent=2)
    assert to_json(value) == expected


def test_json_refuses_what_json_refuses():
    loop: list = []
    loop.append(loop)
    for value in ({"a": {1, 2}}, {(1, 2): "tuple key"}, [object()], loop):
        with pytest.raises((TypeError, ValueError)) as ours:
            to_json(value)
        with pytest.raises((TypeError, ValueError)) as theirs:
            json.dumps(value, ensure_ascii=False, indent=2)
        assert type(ours.value) is type(theirs.value)


def _records(cls: type) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_records(sub))]


def test_every_record_of_the_package_has_only_plain_fields():
    # Record.to_dict reads a record's field names from the class's
    # dataclass fields; a ClassVar or InitVar there would be reported.
    import dedupe.corpus.scan  # noqa: F401
    import dedupe.index.index  # noqa: F401
    from dedupe.core import results  # noqa: F401
    from dataclasses import fields

    found = [c for c in _records(Record) if c.__module__.startswith("dedupe.")]
    assert {c.__name__ for c in found} >= {"Occurrence", "Cluster", "Passage", "BoilerplateBlock", "Skipped",
                                          "Removal", "IndexedSpan", "IndexMatch"}
    for c in found:
        assert list(c.__dataclass_fields__) == [f.name for f in fields(c)], c
