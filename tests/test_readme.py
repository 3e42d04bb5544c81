"""Every Python example in the README runs as written: each ```python or
```py block saved as a script file and run from the repository root in a
fresh interpreter (so a missing main guard or a folder the repository does
not ship fails here, as it would for a reader), and every console example
prints what the README shows."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```py(?:thon)?\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_has_python_examples():
    assert BLOCKS


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_python_block_runs_as_a_script(block, tmp_path):
    script = tmp_path / "example.py"
    script.write_text(block, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]


CONSOLE = [textwrap.dedent(b) for b in
           re.findall(r"```console\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)]


def _commands(block: str) -> list[tuple[str, list[str]]]:
    """``(command, shown output lines)`` of a console block: a line after
    ``$ `` is a command (with its here-document, up to ``EOF``), the lines
    up to the next command are what the README shows it printing."""
    out: list[tuple[str, list[str]]] = []
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.startswith("$ "):
            out[-1][1].append(line)
            continue
        cmd = line[2:]
        if "<<'EOF'" in cmd:
            while lines[i] != "EOF":
                cmd += "\n" + lines[i]
                i += 1
            cmd += "\nEOF"
            i += 1
        out.append((cmd, []))
    return out


def test_the_readme_has_console_examples():
    assert len(CONSOLE) >= 5 and all(_commands(b) for b in CONSOLE)


def test_readme_console_examples_print_what_they_show(tmp_path):
    # The blocks build on each other (demo/ is made once and used after),
    # so they run in order, in one folder holding a copy of examples/.
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    for block in CONSOLE:
        for cmd, shown in _commands(block):
            # `echo $?` must see the status of the command before it.
            script = f"(exit ${{DEDUPE_LAST:-0}}); {cmd}"
            proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                                  timeout=300)
            env["DEDUPE_LAST"] = str(proc.returncode)
            printed = (proc.stdout + proc.stderr).splitlines()
            assert proc.returncode in (0, 1) or any("error" in s for s in shown), (cmd, proc.stderr)
            # What the README shows appears, in its order (the scan's
            # summary line on standard error is not shown, say).
            it = iter(printed)
            missing = [s for s in shown if s not in it]
            assert not missing, (cmd, missing, printed)


def test_the_readmes_pass_their_own_check_and_clean(capsys):
    """Two long real documents that quote the markers, repeat option
    names and describe the same rounds again and again: nothing to report,
    nothing to remove."""
    from dedupe.cli import main

    pages = [str(ROOT / "README.md"), str(ROOT / "benchmarks" / "README.md")]
    assert main(["check", *pages, "--no-config"]) == 0
    assert main(["clean", *pages, "--diff", "--no-config"]) == 0
    capsys.readouterr()
