"""The production shape in processes, for the fault tests: Redis, gunicorn, a
Celery worker and beat, on the test database, each started, stopped or killed
at will; and a small cookie-keeping HTTP client."""

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# How soon a job is taken for lost, and how often the reaper looks, in these tests
# (production: 180 s and 60 s); short, so that a run takes seconds, not minutes.
STALLED_AFTER = 40
REAP_EVERY = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing_tools() -> str:
    """Why the fault tests cannot run here, or ""."""
    if connection.vendor != "postgresql":
        return "the fault tests run the worker and the web server on PostgreSQL: set DATABASE_URL"
    for tool in ("redis-server", "redis-cli"):
        if not shutil.which(tool):
            return f"the fault tests need {tool} (apt-get install -y redis-server)"
    return ""


def wait_for(condition, *, timeout: float, every: float = 0.25, what: str = "the condition"):
    """``condition()``'s first true value, polled until ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(f"Still waiting for {what} after {timeout} s")


@dataclass
class Response:
    status: int
    url: str
    body: str
    seconds: float


class Browser:
    """Cookies kept, redirects followed, the CSRF token sent as Django expects."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str, *, timeout: float = 10) -> Response:
        return self._open(urllib.request.Request(self.base + path), timeout)  # noqa: S310 (http://127.0.0.1 only)

    def post(self, path: str, data: dict, *, timeout: float = 10) -> Response:
        token = next((cookie.value for cookie in self.cookies if cookie.name == "csrftoken"), "")
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            self.base + path,
            data=urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode(),
            headers={"Referer": self.base + path},
        )
        return self._open(request, timeout)

    def sign_in_as(self, user) -> None:
        """A session for ``user`` made in the database, as the login would."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        host = urllib.parse.urlsplit(self.base).hostname
        self.cookies.set_cookie(
            http.cookiejar.Cookie(
                0,
                settings.SESSION_COOKIE_NAME,
                session.session_key,
                None,
                False,
                host,
                False,
                False,
                "/",
                True,
                False,
                None,
                False,
                None,
                None,
                {},
            )
        )

    def _open(self, request, timeout: float) -> Response:
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=timeout) as answer:
                status, url, body = answer.status, answer.url, answer.read().decode()
        except urllib.error.HTTPError as error:
            status, url, body = error.code, error.url, error.read().decode(errors="replace")
        return Response(status, url, body, time.monotonic() - started)


@dataclass
class Stack:
    work: Path
    redis_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    starts: dict[str, int] = field(default_factory=dict)

    @property
    def media(self) -> Path:
        return self.work / "media"

    @property
    def mail(self) -> Path:
        return self.work / "var" / "mail"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def environment(self) -> dict[str, str]:
        database = connection.settings_dict
        url = (
            f"postgres://{database['USER']}:{urllib.parse.quote(database['PASSWORD'] or '')}"
            f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
        )
        inherited = {
            key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_", "HYPOTHESIS"))
        }
        return inherited | {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "1",
            # The test's own: sessions it makes are signed with it.
            "SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "VAR_DIR": str(self.work / "var"),
            "MEDIA_ROOT": str(self.media),
            "JOBS_STALLED_AFTER": str(STALLED_AFTER),
            "JOBS_REAP_EVERY": str(REAP_EVERY),
            "PYTHONUNBUFFERED": "1",
        }

    def start_redis(self) -> None:
        command = ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", ""]
        self._start("redis", command, ready="Ready to accept connections")

    def start_web(self) -> None:
        # The Dockerfile's server, in one process of two threads.
        bind = f"127.0.0.1:{self.web_port}"
        self._start("web", [str(BIN / "gunicorn"), "portal.wsgi", "--bind", bind, "--workers", "1", "--threads", "2"])
        wait_for(self._answers, timeout=60, what="the web server")

    def start_worker(self) -> None:
        name = f"--hostname=worker{self.starts.get('worker', 0)}@%h"
        command = [str(BIN / "celery"), "-A", "portal", "worker", "--concurrency=1", name, "--without-mingle"]
        self._start("worker", [*command, "--without-gossip", "--loglevel=INFO"], ready=r"ready\.")

    def start_beat(self) -> None:
        schedule = f"--schedule={self.work / 'beat-schedule'}"
        self._start(
            "beat", [str(BIN / "celery"), "-A", "portal", "beat", schedule, "--loglevel=INFO"], ready="Starting"
        )

    def kill(self, name: str, how: signal.Signals = signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, how)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name)

    def logs(self) -> str:
        """The end of every process's log, for a failing test's report."""
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in sorted(self.work.glob("*.log"))
        )

    def _start(self, name: str, command: list[str], *, ready: str | None = None) -> None:
        # Numbered per start, so that a restarted process has a log of its own.
        log = self.work / f"{name}-{self.starts.setdefault(name, 0)}.log"
        self.starts[name] += 1
        self.processes[name] = subprocess.Popen(  # noqa: S603 (the test's own commands)
            command,
            cwd=ROOT,
            env=self.environment(),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            # A process group of its own: killing it kills its children (the pool) too.
            start_new_session=True,
        )
        if ready:
            wait_for(lambda: re.search(ready, log.read_text(errors="replace")), timeout=60, what=f"{name}: {ready}")

    def _answers(self) -> bool:
        try:
            return Browser(self.base).get("/", timeout=5).status == 200
        except OSError:
            return False
