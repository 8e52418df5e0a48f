"""Throwaway servers for fault tests: a redis-server of the test's own, killed at will.

Never the shared Redis: a test that stops a server starts that server itself, on a free
port, with its data in the test's temporary folder.
"""
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

REDIS_MISSING = "redis-server is not installed: the Redis fault tests need their own server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the test terminates its own database backend "
                    "(set DATABASE_URL=postgres://…, as .ci/run's second pass does)")


class RedisServer:
    """A redis-server on a free port; its append-only file survives a restart."""

    def __init__(self, folder: Path):
        if shutil.which("redis-server") is None:
            pytest.skip(REDIS_MISSING)
        self.folder, self.port, self.process = folder, free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
             "--dir", str(self.folder), "--save", "", "--appendonly", "yes",
             "--appendfsync", "always"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline:
                raise RuntimeError("the throwaway redis-server did not start")
            time.sleep(0.05)
        return self

    def kill(self) -> None:
        """Stop the server as a crash would (SIGKILL), and wait until it is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()
