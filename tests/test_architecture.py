"""The package's layers: nothing imports upward or sideways, and no two
modules import each other, counting imports inside functions and
``TYPE_CHECKING`` blocks (a cycle bridged by a late import is still a
cycle in the design)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dedupe"

#: Layer of each top-level part of the package, bottom first. Parts on the
#: same layer may not import each other.
LAYERS = {
    "_version": 0, "_lazy": 0, "errors": 0,
    "options": 1,
    "io": 2,
    "core": 3,
    "corpus": 4, "index": 4,
    "check": 5, "spark": 5,
    "api": 6, "cli": 6, "__init__": 6, "__main__": 6,
}
#: The top layer: the public functions, the command line and the package's
#: own entry points, which may use each other.
TOP = 6


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every dedupe module ``path`` imports, wherever the import stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "dedupe"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "dedupe":
                continue
            out.add(target)
            # ``from dedupe.core import detect`` imports the module dedupe.core.detect
            for a in node.names:
                if (PACKAGE.parent / (target + "." + a.name).replace(".", "/")).with_suffix(".py").exists():
                    out.add(f"{target}.{a.name}")
    return out


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_part_of_the_package_has_a_layer():
    assert {_part(m) for m in _graph()} <= set(LAYERS)


def test_no_import_points_up_or_sideways():
    bad = []
    for module, targets in _graph().items():
        for t in targets:
            me, it = _part(module), _part(t)
            sideways = LAYERS[it] == LAYERS[me] and LAYERS[me] < TOP
            if me != it and (LAYERS[it] > LAYERS[me] or sideways):
                bad.append(f"{module} imports {t}")
    assert bad == []


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle among the package's modules, or []."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str]:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph.get(m, ())):
            if t not in graph:
                continue
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state and (found := visit(t)):
                return found
        state[m] = 2
        stack.pop()
        return []

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return []


def test_no_import_cycles():
    graph = _graph()
    # A package's __init__ re-exporting its modules is not a cycle of the
    # design, so edges into a package from its own modules are left out.
    for m, targets in graph.items():
        graph[m] = {t for t in targets if not (m.startswith(t + ".") and (PACKAGE.parent / t.replace(".", "/")).is_dir())}
    assert _cycle(graph) == []


@pytest.mark.parametrize("edges, cyclic", [({"a": {"b"}, "b": {"a"}}, True), ({"a": {"b"}, "b": set()}, False)])
def test_the_cycle_finder_finds_cycles(edges, cyclic):
    assert bool(_cycle(edges)) is cyclic


def test_import_dedupe_loads_only_what_clean_needs():
    """``import dedupe`` (a pre-commit run on one file) does not load the
    corpus scan, the index or the check; they load on first use."""
    import subprocess
    import sys

    code = ("import sys, dedupe; print(sorted({m.split('.')[1] for m in sys.modules "
            "if m.startswith('dedupe.')}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(ast.literal_eval(out))
    assert not loaded & {"corpus", "index", "check", "spark", "cli"}
    lazy = "import dedupe; assert dedupe.scan.__module__ == 'dedupe.corpus.scan'; dedupe.Index"
    subprocess.run([sys.executable, "-c", lazy], check=True)


def test_dedupe_clean_of_one_page_loads_only_what_clean_needs(tmp_path):
    """A pre-commit hook runs ``dedupe clean`` on one page at a time: the
    command does not load the check's run, the corpus scan, the index or
    the worker pool, which only other commands use."""
    import subprocess
    import sys

    import dedupe

    first = ("The release notes describe how the indexing pipeline handles malformed records, which retries "
             "are attempted, and where the rejected lines are written so that operators can inspect them later.")
    second = ("Each worker reports its progress to the coordinator every few seconds, and the coordinator "
              "reassigns the shard of any worker that has been silent for longer than the configured timeout.")
    text = f"# Title\n\n{first}\n\n{second}\n\n{first}\n\n{second}\n"  # a pasted run of paragraphs
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    code = ("import contextlib, io, sys\nfrom dedupe.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()) as out:\n    main(['clean', {str(page)!r}])\n"
            "print(repr(out.getvalue()))\n"
            "print(sorted(m for m in sys.modules if m.startswith(('dedupe.', 'multiprocessing', 'sqlite3', 'numpy.random',\n"
            "                                                 'subprocess', 'concurrent', 'logging'))))\n")
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert ast.literal_eval(lines[0]) == dedupe.clean(text).text != text
    loaded = set(ast.literal_eval(lines[1]))
    assert "dedupe.core.clean" in loaded
    # The rules' registry loads (the configuration names rules), not what they run on.
    assert "dedupe.check.rules" in loaded
    # Nor what only other paths need, each a few ms of the start: numpy.random
    # (the permutations are drawn without it), subprocess (git history),
    # concurrent.futures and logging (threads for many pairs, the notice of
    # a missing kernel).
    assert not {m for m in loaded if m.startswith(("dedupe.corpus", "dedupe.index", "dedupe.check.run",
                                                    "dedupe.check.context", "multiprocessing", "sqlite3",
                                                    "numpy.random", "subprocess", "concurrent", "logging"))}


def test_dedupe_check_of_one_page_loads_neither_the_corpus_scan_nor_workers(tmp_path):
    """A pre-commit hook also runs ``dedupe check`` on one page: the
    cross-file rules have nothing to compare it with, so the corpus scan
    and the worker pool they would use are not loaded."""
    import subprocess
    import sys

    sentence = ("Each worker reports its progress to the coordinator every few seconds, and the coordinator "
                "reassigns the shard of any worker that has been silent for longer than the configured timeout.")
    page = tmp_path / "page.md"
    page.write_text(f"# Title\n\n{sentence}\n\nA different closing paragraph.\n\n{sentence}\n", encoding="utf-8")
    code = ("import contextlib, io, sys\nfrom dedupe.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            f"    code = main(['check', {str(page)!r}, '--no-config', '--format', 'json'])\n"
            "print(code)\nprint(repr(out.getvalue()))\n"
            "print(sorted(m for m in sys.modules if m.startswith(('dedupe.corpus', 'dedupe.io.workers',\n"
            "                                                    'multiprocessing', 'concurrent'))))\n")
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert lines[0] != "0"  # the repeated paragraph is found
    assert "DUP001" in ast.literal_eval(lines[1])
    assert ast.literal_eval(lines[2]) == []


def test_a_scan_with_workers_does_not_load_numpy_ma_or_random(tmp_path):
    """``np.isin`` and ``np.unique`` load ``numpy.ma`` on their first call,
    5 ms in every process of a scan, its workers included; the scan uses
    sorted arrays instead, so neither the main process nor a worker loads
    it. Nor ``numpy.random`` (8 ms): the permutations are drawn without it."""
    import subprocess
    import sys

    seen = tmp_path / "loaded"
    code = (
        "import importlib.abc, os, sys\n"
        "class Hook(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name in ('numpy.ma', 'numpy.random'):\n"
        f"            open({str(seen)!r}, 'a').write(f'{{name}} {{os.getpid()}}\\n')\n"
        "        return None\n"
        "sys.meta_path.insert(0, Hook())\n"
        "import random, dedupe\n"
        "rng = random.Random(7)\n"
        "words = ['river', 'stone', 'lamp', 'orbit', 'paper', 'garden', 'signal', 'copper', 'window', 'harbor']\n"
        "def para():\n"
        "    return ' '.join(rng.choice(words) for _ in range(40)).capitalize() + '.'\n"
        "shared = 'The same closing paragraph about the subscription terms appears at the end of every issue.'\n"
        "r = dedupe.scan([f'{para()}\\n\\n{para()}\\n\\n{shared}' for _ in range(40)], jobs=2, min_documents=3)\n"
        "print(len(r.boilerplate))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1"]  # the scan did its cross-document work: the shared paragraph is boilerplate
    assert not seen.exists(), seen.read_text()
