"""Real servers the tests start on 127.0.0.1: an S3 API (moto's `moto_server`), Redis, and
the portal itself under gunicorn. Each gets a free port, is waited for until it answers,
and is stopped afterwards; what it printed is shown if it fails to start."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.prefix) / "bin"
STARTUP_SECONDS = 60


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice, so parallel runs do not clash)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers_http(port: int, path: str = "/") -> Callable[[], bool]:
    def check() -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", path)
            return connection.getresponse().status == 200
        finally:
            connection.close()

    return check


@contextmanager
def running(command: list[str], ready: Callable[[], bool], env: dict | None = None
            ) -> Iterator[subprocess.Popen]:
    """Start `command`, wait until `ready()` is true, and stop it (and wait) afterwards."""
    with running_together([(command, ready, env)]) as [process]:
        yield process


@contextmanager
def running_together(launches: list[tuple[list[str], Callable[[], bool], dict | None]]
                     ) -> Iterator[list[subprocess.Popen]]:
    """`running` for several commands, started at once (so they start in parallel)."""
    with ExitStack() as stack:
        started = []
        for command, ready, env in launches:
            output = stack.enter_context(tempfile.TemporaryFile())
            process = subprocess.Popen(  # noqa: S603 (our own arguments)
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
            stack.callback(_stop, process)
            started.append((process, ready, output))
        for process, ready, output in started:
            _wait_until_ready(process, ready, output)
        yield [process for process, _ready, _output in started]


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_ready(process: subprocess.Popen, ready: Callable[[], bool], output) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with suppress(OSError, redis.RedisError):
            if ready():
                return
        time.sleep(0.1)
    output.seek(0)
    printed = output.read().decode(errors="replace")[-3000:]
    raise RuntimeError(f"{process.args[0]} did not start (exit code {process.poll()}):\n"
                       f"{printed}")


@contextmanager
def moto_s3() -> Iterator[str]:
    """moto's S3 API server; yields its endpoint URL."""
    port = free_port()
    with running([str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                 answers_http(port, "/moto-api/")):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway Redis (nothing saved to disk); yields its URL."""
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    with running([executable, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                  "--appendonly", "no"],
                 lambda: redis.Redis(port=port, socket_timeout=2).ping()):
        yield f"redis://127.0.0.1:{port}/0"


@contextmanager
def portal_servers(*settings: dict[str, str]) -> Iterator[list[tuple[int, int]]]:
    """The portal under gunicorn (as in production, one worker each), once per `settings`
    (its environment), on this checkout's code; yields each one's (port, gunicorn master's
    process id)."""
    launches, ports = [], []
    for environment in settings:
        port = free_port()
        env = {**os.environ, **environment, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        command = [str(VENV_BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"),
                   "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
                   "--log-level", "warning", "portal:create_app()"]
        launches.append((command, answers_http(port, "/healthz"), env))
        ports.append(port)
    with running_together(launches) as masters:
        yield [(port, master.pid) for port, master in zip(ports, masters, strict=True)]


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()]


def memory_kb(pid: int, field: str) -> int:
    """A field of /proc/<pid>/status in kB: VmRSS (now) or VmHWM (the peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak_memory(pid: int) -> None:
    """Start VmHWM again from the current RSS (Linux's clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
