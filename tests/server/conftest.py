"""Fixtures for the server tests: storage on SQLite (always) and PostgreSQL (when
``KIOSK_TEST_POSTGRES_URL`` is set), and the REAL server process on 127.0.0.1 and a free port."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from kiosk.server.storage import Store, open_store
from kiosk.signing import BATCHES_PATH, sign_request

ROOT = Path(__file__).resolve().parents[2]
PG_ENV = "KIOSK_TEST_POSTGRES_URL"
PG_SKIP = (f"PostgreSQL tests need {PG_ENV}=postgresql://user:pass@host/db "
           "(.ci/postgres.sh installs a server and prints one)")
TODAY = time.strftime("%Y-%m-%d", time.gmtime())

LESSONS = {
    "payment": ["pay-shop-qr", "pay-receive"],
    "telehealth": ["tele-book-visit"],
    "misinformation": ["fake-news-check"],
}


@pytest.fixture(scope="session")
def lessons_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lessons folder as the server reads it: ``id`` and ``topic`` in lessons/<topic>/*.toml."""
    root = tmp_path_factory.mktemp("lessons")
    topics = []
    for topic, ids in LESSONS.items():
        topics.append(f'[[topics]]\nid = "{topic}"\ntitle = "{topic.title()}"\nsummary = "x"\n')
        (root / topic).mkdir()
        for lesson_id in ids:
            (root / topic / f"{lesson_id}.toml").write_text(
                f'id = "{lesson_id}"\ntopic = "{topic}"\nversion = 1\n', "utf-8")
    (root / "topics.toml").write_text("\n".join(topics), "utf-8")
    return root


def pg_schema_url(base: str, schema: str) -> str:
    """The same database, with every table in a schema of its own (one per test)."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each kind: a file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "server.db")
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    import psycopg

    schema = "t_" + secrets.token_hex(6)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield pg_schema_url(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    yield s
    s.close()


# --- the real server process -----------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


@dataclass
class EnrolledKiosk:
    id: str
    secret: str


@dataclass
class RunningServer:
    url: str
    db: str
    proc: subprocess.Popen[str]
    stdout: list[str] = field(default_factory=list)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def store(self) -> Store:
        return open_store(self.db)

    def snapshot(self) -> dict[str, Any]:
        s = self.store()
        try:
            return s.snapshot()
        finally:
            s.close()

    def enrol(self, centre: str = "Wanhua Community Centre") -> EnrolledKiosk:
        s = self.store()
        try:
            if centre not in {c.name for c in s.centres()}:
                s.add_centre(centre)
            code = s.create_enrolment_code(centre, now=time.time())
        finally:
            s.close()
        with self.client() as c:
            response = c.post("/api/v1/enrol", json={"code": code})
        assert response.status_code == 200, response.text
        data = response.json()
        return EnrolledKiosk(data["kiosk_id"], data["secret"])

    def upload(self, kiosk: EnrolledKiosk, body: bytes, *, offset: float = 0,
               headers: dict[str, str] | None = None) -> httpx.Response:
        signed = sign_request(kiosk.id, kiosk.secret, "POST", BATCHES_PATH, body,
                              clock_offset=offset)
        with self.client() as c:
            return c.post(BATCHES_PATH, content=body,
                          headers={**signed, "Content-Type": "application/json",
                                   **(headers or {})})


def start_server(db: str, *extra: str, lessons: Path | None = None,
                 port: int | None = None) -> RunningServer:
    """The real server process on 127.0.0.1 (a free port unless given), once it answers."""
    port = port or free_port()
    args = [sys.executable, "-m", "kiosk", "server", "serve", "--host", "127.0.0.1",
            "--port", str(port), "--db", db, *extra]
    if lessons:
        args += ["--lessons", str(lessons)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                return RunningServer(url=url, db=db, proc=proc)
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start within 30 s")


def stop_server(server: RunningServer) -> str:
    server.proc.terminate()
    try:
        out, _ = server.proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        out, _ = server.proc.communicate()
    return out or ""


@pytest.fixture
def server(db_url: str, lessons_dir: Path) -> Iterator[RunningServer]:
    """The real server on a fresh database, lessons list configured, 20 requests/min/kiosk."""
    running = start_server(db_url, "--rate-limit", "20", lessons=lessons_dir)
    yield running
    stop_server(running)


# --- batches ---------------------------------------------------------------------------------
def item(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"day": TODAY, "lesson_id": "pay-shop-qr", "lesson_version": 1,
                            "language": "zh_Hant_TW", "revision": 1, "starts": 7,
                            "completions": 5, "reached": [7, 6, 6, 5]}
    base.update(overrides)
    return base


def batch(kiosk_id: str, items: list[dict[str, Any]] | None = None,
          batch_id: str | None = None) -> dict[str, Any]:
    return {"batch_id": batch_id or str(uuid.uuid4()), "kiosk_id": kiosk_id,
            "items": [item()] if items is None else items}


def body_of(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")
