"""Boilerplate models: learned by a scan, saved, loaded, and stripped by
``dedupe clean --boilerplate``."""

from __future__ import annotations

import json

import pytest

import dedupe
from dedupe.corpus.boilerplate import (
    BoilerplateModel,
    ModelBlock,
    clean_with_model,
    find_boilerplate,
    load_model,
    mask,
    model_from_blocks,
    save_model,
)
from dedupe.cli import main
from dedupe.errors import InputError
from dedupe.options import Options

BODIES = [
    "The council approved the new library budget on Monday after a long debate about costs and staffing.",
    "Residents said the reading rooms are crowded every afternoon and children have nowhere quiet to study.",
    "The harbour authority will dredge the northern channel next spring so that larger ferries can dock.",
    "A local orchestra is touring village halls this winter with a programme of folk songs and sea shanties.",
]
FOOTER = "© {y} Example Media. All rights reserved. Last updated {d} March {y}."
BYLINE = "By Staff Reporter, updated {d} June {y} at {h}:{m}"


def _doc(i: int) -> str:
    return "\n\n".join([
        BYLINE.format(d=i + 1, y=2000 + i, h=10 + i, m=10 * i),
        BODIES[i],
        "Loading video…",
        FOOTER.format(y=2010 + i, d=i + 2),
    ])


@pytest.fixture
def model():
    r = dedupe.scan([(f"d{i}", _doc(i)) for i in range(4)])
    return r.boilerplate_model()


def test_mask_keeps_everything_but_digits():
    assert mask("Updated 12 March 2024, page 3") == "Updated 0 March 0, page 0"


def test_scan_learns_footer_byline_and_video_line(model):
    texts = sorted(b.text.split(" ")[0] for b in model.blocks)
    assert texts == ["By", "Loading", "©"]
    assert all(b.documents == 4 for b in model.blocks)


def test_model_round_trips_through_json(model, tmp_path):
    path = tmp_path / "model.json"
    save_model(model, path)
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == 1
    assert data["shingling"] == {"ngram": 3, "mask_digits": True, "tokens": "script-aware"}
    assert load_model(path) == model


def test_strips_blocks_with_other_dates_and_keeps_the_rest(model):
    text = _doc(0).replace("2010", "2031").replace("June 2000", "June 2029") + "\n"
    result = clean_with_model(text, Options(), model)
    assert [r.kind for r in result.removed] == ["boilerplate"] * 3
    assert result.text == BODIES[0] + "\n"
    removed = [text[r.start : r.end] for r in result.removed]
    assert removed == [
        "By Staff Reporter, updated 1 June 2029 at 10:0",
        "Loading video…",
        "© 2031 Example Media. All rights reserved. Last updated 2 March 2031.",
    ]


def test_repeats_still_collapse_and_point_at_kept_text(model):
    text = "\n\n".join([BODIES[1], BODIES[2], BODIES[1], FOOTER.format(y=1999, d=9)]) + "\n"
    result = clean_with_model(text, Options(), model)
    kinds = [r.kind for r in result.removed]
    assert kinds == ["exact", "boilerplate"]
    dup = result.removed[0]
    assert text[dup.duplicate_of.start : dup.duplicate_of.end] == BODIES[1]
    assert result.text == f"{BODIES[1]}\n\n{BODIES[2]}\n"


def test_sentence_level_block():
    m = BoilerplateModel((ModelBlock("Read more stories like this at example.com every day.", 5, "sentence"),))
    text = "A long first sentence about the council budget debate. Read more stories like this at example.com every day."
    (r,) = find_boilerplate(text, m)
    assert text[r.start : r.end] == "Read more stories like this at example.com every day."


def test_unrelated_text_is_untouched(model):
    text = "\n\n".join(BODIES) + "\n"
    assert clean_with_model(text, Options(), model).removed == []


def test_bad_model_files(tmp_path):
    p = tmp_path / "m.json"
    with pytest.raises(InputError, match="no such boilerplate model"):
        load_model(p)
    p.write_text("{oops", "utf-8")
    with pytest.raises(InputError, match="malformed JSON"):
        load_model(p)
    p.write_text(json.dumps({"version": 99}), "utf-8")
    with pytest.raises(InputError, match="version 99"):
        load_model(p)
    p.write_text(json.dumps({"version": 1, "blocks": []}), "utf-8")
    with pytest.raises(InputError, match="malformed boilerplate model"):
        load_model(p)


def test_cli_save_then_clean(tmp_path, capsys):
    site = tmp_path / "site"
    site.mkdir()
    for i in range(4):
        (site / f"p{i}.md").write_text(_doc(i) + "\n", "utf-8")
    model_path = tmp_path / "model.json"
    assert main(["scan", str(site), "--save-boilerplate", str(model_path)]) == 0
    capsys.readouterr()
    assert len(json.loads(model_path.read_text("utf-8"))["blocks"]) == 3
    new = tmp_path / "new.md"
    new.write_text(_doc(3).replace("2013", "2040") + "\n", "utf-8")
    report = tmp_path / "r.json"
    assert main(["clean", "--boilerplate", str(model_path), str(new), "--report", str(report)]) == 0
    assert capsys.readouterr().out == BODIES[3] + "\n"
    removed = json.loads(report.read_text("utf-8"))["removed"]
    assert [r["kind"] for r in removed] == ["boilerplate"] * 3
    assert main(["clean", "--boilerplate", str(tmp_path / "none.json"), str(new)]) == 2
    assert "no such boilerplate model" in capsys.readouterr().err
