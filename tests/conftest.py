"""Shared fixtures. Each one runs only for the tests that ask for it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

_TABLES = tempfile.mkdtemp(prefix="dedupe-test-tables-")


def pytest_configure(config):
    """The tests, and the commands they run, keep their Unicode tables in
    a folder of their own (:mod:`dedupe.io.tablecache`), not the user's."""
    os.environ.setdefault("DEDUPE_CACHE_DIR", _TABLES)


def pytest_unconfigure(config):
    shutil.rmtree(_TABLES, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_server(tmp_path):
    """A private ``redis-server`` on 127.0.0.1 and a free port (and on the
    socket ``tmp_path / "redis.sock"``), without persistence; yields its
    URL and stops it afterwards.

    A missing binary fails the test rather than skipping it: the Redis
    index is a feature, and CI installs the server (see ``.ci/run``).
    """
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed; install the Debian package 'redis-server' (CI's .ci/run does)")
    for _attempt in range(3):
        port = _free_port()
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(tmp_path), "--unixsocket", str(tmp_path / "redis.sock")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            if _ping(port):
                break
            time.sleep(0.05)
        if proc.poll() is None and _ping(port):
            break
        # Lost the port to another process between choosing and binding.
        proc.kill()
        proc.wait()
    else:
        pytest.fail("redis-server did not start on 127.0.0.1")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
