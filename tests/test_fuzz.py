"""Bounded fuzzing of what reads untrusted input: ``clean`` and the
Markdown segmenter on arbitrary text, the JSONL reader on arbitrary bytes,
and the configuration, baseline and boilerplate-model loaders on arbitrary
files. Each may refuse its input only with a :class:`DedupeError` (one line
and exit 2 on the command line), never with another exception, and must
finish. ``FUZZ_EXAMPLES`` raises the number of cases for a longer run."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.check import baseline, config
from dedupe.core.markers import suppressed_regions
from dedupe.core.segment import paragraphs, units
from dedupe.corpus.boilerplate import load_model
from dedupe.errors import DedupeError
from dedupe.io.sources import iter_jsonl
from dedupe.options import SourceOptions
from tests.strategies import document

FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# Characters that markup, segmentation and normalization treat specially,
# mixed with anything at all.
_SPECIAL = st.sampled_from(list("\n\n\r\t #>-*`~|!:<>[](){}=+_\\\"'.。、！？\u00a0\u3000\u200b\ufeff\x0c\x00"
                                "\u2028\u2029\ud800") + ["```", "~~~", "<!--", "-->", "<!-- dedupe: off -->",
                                                        "<!-- dedupe: on -->", "<!-- dedupe: ignore-next -->",
                                                        "---\n", ":::", "!!! note", "{% include x %}",
                                                        "..", ".. note::", "    ", "\n\n"])
hostile_text = st.one_of(
    st.lists(st.one_of(_SPECIAL, st.text(max_size=12)), max_size=60).map("".join),
    document(),
    st.text(max_size=400),
)


@FUZZ
@given(hostile_text)
def test_clean_and_the_segmenter_take_any_text(text):
    try:
        result = dedupe.clean(text)
    except DedupeError:
        return
    assert len(result.text) <= len(text) + 1
    for seg in paragraphs(text):
        assert 0 <= seg.start <= seg.end <= len(text)
    for u in units(text):
        assert 0 <= u.start < u.end <= len(text)
    try:
        suppressed_regions(text)
    except DedupeError:
        pass


_JSONL_PIECES = st.sampled_from([b"{", b"}", b"[", b"]", b'"text"', b'"id"', b":", b",", b"\n", b"\xef\xbb\xbf",
                                 b"\xff", b"\x00", b'"\\ud800"', b"1e400", b"9" * 5000, b"null", b"true",
                                 b'"a text of several words"', b"[" * 2000])
jsonl_bytes = st.one_of(st.lists(st.one_of(_JSONL_PIECES, st.binary(max_size=10)), max_size=40).map(b"".join),
                        st.binary(max_size=300))


@FUZZ
@given(jsonl_bytes, st.booleans())
def test_the_jsonl_reader_takes_any_bytes(data, strict):
    try:
        for item in iter_jsonl(io.BytesIO(data), "fuzz.jsonl", SourceOptions(strict=strict)):
            assert item is not None
    except DedupeError:
        pass


_TOML_PIECES = st.sampled_from(["[tool.dedupe]\n", "threshold = ", "min-tokens = ", "exclude = ", "include = ",
                                "baseline = ", "select = ", "severity = ", "index = ", '"../x"', "['*.md']",
                                "0.5", "-1", "1e400", "9" * 5000, "true", "{a = 1}", "[[x]]\n", "\n", "=", '"',
                                "[" * 600, "]" * 600, "\x00"])
_JSON_PIECES = st.sampled_from(['{"version": 1, "findings": ', '{"version": ', "[", "]", "{", "}", ",", ":",
                                '{"rule": "DUP001", "fingerprint": "x", "path": "a.md", "count": ', "1e400",
                                "-3", "null", "true", '"blocks"', '"text"', "9" * 5000, "[" * 3000])


def _load_file(loader, name: str, content: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
        try:
            loader(path)
        except DedupeError:
            pass


@FUZZ
@given(st.lists(_TOML_PIECES, max_size=30).map("".join), st.sampled_from([".dedupe.toml", "pyproject.toml"]))
def test_the_config_loader_takes_any_file(content, name):
    _load_file(config.load, name, content)


@FUZZ
@given(st.one_of(st.lists(_JSON_PIECES, max_size=30).map("".join), st.text(max_size=200)))
def test_the_baseline_and_model_loaders_take_any_file(content):
    _load_file(baseline.load, "baseline.json", content)
    _load_file(load_model, "model.json", content)
