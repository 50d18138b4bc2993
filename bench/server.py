"""``python -m web`` on a free loopback port, for the HTTP figures of the benchmarks and the soak."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Server:
    """``python -m web`` on a free loopback port, for the HTTP figures."""

    def __init__(self, index: Path, threads: int = 8, log: Path | None = None) -> None:
        """Start the server on ``index``; its log goes to ``log`` (default: nowhere)."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "web", "--port", str(self.port), "--index", str(index), "--threads", str(threads)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(log, "ab") if log else subprocess.DEVNULL,  # the child process keeps it open
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                self.get("/api/documents")
                return
            except OSError:
                time.sleep(0.5)
        self.process.kill()
        raise RuntimeError("the web server did not start")

    def get(self, path: str, **params: object) -> bytes:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()

    def status(self, path: str, timeout: float = 60) -> tuple[int, bytes]:
        """The HTTP status and body of a GET of ``path`` (a full path with its query string); errors included."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
