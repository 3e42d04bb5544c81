import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_clean_jsonl_example_cleans_every_record(tmp_path):
    p = "The library budget was approved on Monday after a long debate about staffing and costs."
    q = "図書館の予算は月曜日に承認された。人員と費用について長い議論があった。"
    records = [
        {"id": 1, "text": f"{p}\n\n{p}\n"},
        {"id": 2, "text": f"{q}\n\n別の段落です。内容は新しいものになります。\n\n{q}\n"},
        {"id": 3, "body": "no text field"},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "clean_jsonl.py"), str(src)],
        capture_output=True, text=True, encoding="utf-8", check=True,
    )
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in out] == [1, 2, 3]
    assert out[0]["text"] == p + "\n"
    assert out[0]["dedupe"]["kinds"] == ["exact"]
    assert out[1]["text"].count(q) == 1 and "別の段落です" in out[1]["text"]
    assert "dedupe" not in out[2] and "line 3" in proc.stderr
