"""Determinism across processes: the same input and options give the same
output in another interpreter, with another string-hash seed and with the
corpus in another order. Two calls in one process would not show that: a
hash-seed or set-order dependence only appears between processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import document

ROOT = Path(__file__).resolve().parent.parent

#: Run in a child process: clean every document, scan the corpus in an
#: order shuffled by the child's own seed, print both as JSON.
CHILD = r"""
import json, random, sys
import dedupe
docs = json.load(open(sys.argv[1], encoding="utf-8"))
order = list(range(len(docs)))
random.Random(int(sys.argv[2])).shuffle(order)
cleaned = [dedupe.clean(docs[i]).to_dict() for i in range(len(docs))]
result = dedupe.scan([(f"d{i:03d}", docs[i]) for i in order], min_documents=2).to_dict()
result.pop("summary")
print(json.dumps({"clean": cleaned, "scan": result}, sort_keys=True))
"""


def _run(corpus: Path, hash_seed: str, shuffle: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(shuffle)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True, timeout=300)
    return out.stdout


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(document(max_paragraphs=6), min_size=2, max_size=8))
def test_clean_and_scan_agree_across_processes_hash_seeds_and_order(tmp_path, docs):
    # Copies across documents, so that the scan has clusters and passages to order.
    docs = docs + [docs[0] + "\n\n" + docs[-1]]
    corpus = tmp_path / "docs.json"
    corpus.write_text(json.dumps(docs), encoding="utf-8")
    first = _run(corpus, "0", 1)
    assert first == _run(corpus, "4242", 2)
    assert json.loads(first)["clean"]  # the child really ran


def test_check_report_agrees_across_processes_and_hash_seeds(tmp_path):
    from tests.sites import make_site

    make_site(tmp_path)
    cmd = [sys.executable, "-m", "dedupe", "check", "--no-config", "--format", "json", str(tmp_path / "docs")]
    outs = {subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True,
                           text=True, timeout=300).stdout for seed in ("1", "99")}
    assert len(outs) == 1 and json.loads(outs.pop())["findings"]
