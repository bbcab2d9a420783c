"""``python -m kiosk server ...`` as a manager types it, in real subprocesses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from kiosk.server.codes import ALPHABET
from kiosk.server.passwords import verify_password
from kiosk.server.storage import open_store
from kiosk.signing import BATCHES_PATH, BUNDLE_FORMAT, bundle_entry, sign_request
from tests.server.conftest import ROOT, batch, body_of, item, run_cli, start_server, stop_server


def test_centre_code_manager_and_revoke(tmp_path: Path) -> None:
    db = str(tmp_path / "server.db")
    added = run_cli("server", "add-centre", "Wanhua Community Centre", "--db", db)
    assert added.returncode == 0 and "Wanhua Community Centre" in added.stdout
    assert run_cli("server", "add-centre", "Wanhua Community Centre", "--db", db).returncode == 1

    code = run_cli("server", "enrol-code", "--centre", "Wanhua Community Centre", "--db", db)
    assert code.returncode == 0
    assert re.fullmatch(f"[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}", code.stdout.strip())
    assert not set("0O1IL5S2Z8B") & set(code.stdout.strip())  # nothing to misread
    missing = run_cli("server", "enrol-code", "--centre", "Nowhere", "--db", db)
    assert missing.returncode == 1 and "add it first" in missing.stderr

    short = run_cli("server", "add-manager", "m@example.org", "--password-stdin", "--db", db,
                    stdin="short\n")
    assert short.returncode == 1 and "at least" in short.stderr
    ok = run_cli("server", "add-manager", "m@example.org", "--password-stdin", "--db", db,
                 stdin="a long passphrase\n")
    assert ok.returncode == 0
    store = open_store(db)
    stored = store.manager_password_hash("m@example.org")
    kiosk = store.enrol(code.stdout.strip(), now=time.time())
    store.close()
    assert stored and stored.startswith("scrypt$") and "passphrase" not in stored
    assert kiosk is not None
    assert run_cli("server", "revoke-kiosk", kiosk.id, "--db", db).returncode == 0
    assert run_cli("server", "revoke-kiosk", "k-nobody", "--db", db).returncode == 1
    store = open_store(db)
    revoked = store.kiosk(kiosk.id)
    store.close()
    assert revoked is not None and revoked.revoked


def test_serve_prints_the_dashboard_and_how_to_add_the_first_manager(tmp_path: Path) -> None:
    db = str(tmp_path / "new.db")
    server = start_server(db)
    out = stop_server(server)
    assert f"Dashboard: {server.url}/dashboard" in out
    assert "python -m kiosk server add-manager" in out and f"--db {json.dumps(db)}" in out


def test_import_bundle_checks_like_an_upload_but_not_the_clock(tmp_path: Path) -> None:
    db = str(tmp_path / "server.db")
    store = open_store(db)
    store.add_centre("Hualien Village Hall")
    kiosk = store.enrol(store.create_enrolment_code("Hualien Village Hall", now=time.time()),
                        now=time.time())
    store.close()
    assert kiosk is not None
    week_ago = int(time.time()) - 7 * 86400  # the USB stick took a week to arrive

    def entry(data: dict[str, object], secret: str = kiosk.secret) -> dict[str, object]:
        body = body_of(data)
        return bundle_entry(sign_request(kiosk.id, secret, "POST", BATCHES_PATH, body,
                                         timestamp=week_ago), body)

    good = [entry(batch(kiosk.id, [item(revision=r, starts=r + 6)])) for r in (1, 2)]
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps({"format": BUNDLE_FORMAT, "requests": good}), "utf-8")
    first = run_cli("server", "import-bundle", str(bundle), "--db", db)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "2 accepted, 0 already imported, 0 refused" in first.stdout
    again = run_cli("server", "import-bundle", str(bundle), "--db", db)
    # The same signed requests again: their nonces are spent, but the batches are this kiosk's
    # and already stored, which is what the manager needs to hear.
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 accepted, 2 already imported, 0 refused" in again.stdout

    tampered = entry(batch(kiosk.id, [item(starts=999)]))
    tampered["body"] = str(tampered["body"]).replace("999", "9999")
    forged = entry(batch(kiosk.id), secret="f" * 64)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": BUNDLE_FORMAT, "requests": [tampered, forged]}), "utf-8")
    store = open_store(db)
    before = store.snapshot()
    store.close()
    refused = run_cli("server", "import-bundle", str(bad), "--db", db)
    assert refused.returncode == 1 and "0 accepted" in refused.stdout
    assert refused.stdout.count("signature does not match") == 2
    store = open_store(db)
    assert store.snapshot() == before
    assert [r["starts"] for r in store.counters()] == [8]
    store.close()


def test_import_bundle_reports_each_bad_entry_and_imports_the_rest(tmp_path: Path) -> None:
    """Nested JSON, a lone surrogate and a forged entry among good ones: each bad one is
    reported with its number, every good one (before and after them) is imported."""
    db = str(tmp_path / "server.db")
    store = open_store(db)
    store.add_centre("Hualien Village Hall")
    kiosk = store.enrol(store.create_enrolment_code("Hualien Village Hall", now=time.time()),
                        now=time.time())
    store.close()
    assert kiosk is not None

    def entry(body: bytes | str, secret: str = kiosk.secret) -> dict[str, object]:
        raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
        signed = bundle_entry(sign_request(kiosk.id, secret, "POST", BATCHES_PATH, raw,
                                           timestamp=int(time.time())), b"{}")
        signed["body"] = body if isinstance(body, str) else body.decode("utf-8")
        return signed  # json.dumps writes a lone surrogate as the escape \ud800

    good = [entry(body_of(batch(kiosk.id, [item(lesson_version=v, starts=v)])))
            for v in (1, 2, 3)]
    nested = entry(b"[" * 100_000 + b"]" * 100_000)
    surrogate = entry('{"batch_id": "\ud800"}')
    forged = entry(body_of(batch(kiosk.id)), secret="f" * 64)
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps({"format": BUNDLE_FORMAT, "requests": [
        good[0], nested, surrogate, good[1], forged, "not a request", good[2]]}), "utf-8")
    done = run_cli("server", "import-bundle", str(bundle), "--db", db)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "3 accepted, 0 already imported, 4 refused" in done.stdout, done.stdout
    lines = done.stdout.splitlines()
    assert "request 2: refused (400): the body is nested too deeply" in lines[1]
    assert "request 3: refused: its text is not valid UTF-8" in lines[2]
    assert "request 5: refused (401)" in lines[4] and "request 6: refused" in lines[5]
    store = open_store(db)
    assert sorted(r["starts"] for r in store.counters()) == [1, 2, 3]
    store.close()

    # A whole file nested thousands deep is no bundle: said plainly, nothing stored.
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000, "utf-8")
    refused = run_cli("server", "import-bundle", str(deep), "--db", db)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert "nested too deeply" in refused.stdout


def test_import_bundle_reads_no_more_than_its_limit(tmp_path: Path) -> None:
    from kiosk.server.bundle import import_bundle
    from kiosk.server.ingest import Ingestor

    store = open_store(str(tmp_path / "server.db"))
    huge = tmp_path / "huge.json"
    with huge.open("wb") as out:  # sparse: 1 GiB on paper, nothing on disk
        out.truncate(1024 ** 3)
    report = import_bundle(Ingestor(store), huge, now=time.time(), max_bytes=4096)
    store.close()
    assert report.refused == 1 and "larger than" in report.lines[0]
    assert "Is this the right file?" in report.lines[0]


def test_the_printed_enrol_code_command_works_when_pasted_back_for_a_chinese_name(
        tmp_path: Path) -> None:
    import shlex

    db = str(tmp_path / "伺服器 data.db")  # a space and Chinese in the path too
    name = "萬華 社區關懷據點 (Lin's)"  # spaces, brackets and a quote: each a shell hazard
    added = run_cli("server", "add-centre", name, "--db", db)
    assert added.returncode == 0, added.stderr
    command = added.stdout.split("Next: ", 1)[1].strip()
    assert command.startswith("python -m kiosk server enrol-code --centre ")
    # Pasted into a shell as printed (with this test's Python for "python").
    code = subprocess.run(["bash", "-c", shlex.quote(sys.executable) + command[len("python"):]],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert code.returncode == 0, code.stderr
    assert name in code.stderr and re.fullmatch(f"[{ALPHABET}-]+", code.stdout.strip())


def test_add_manager_with_no_terminal_says_what_to_do(tmp_path: Path) -> None:
    db = str(tmp_path / "server.db")
    for command in (["add-manager", "m@example.org"], ["reset-password", "m@example.org"]):
        if command[0] == "reset-password":
            assert run_cli("server", "add-manager", "m@example.org", "--password-stdin",
                           "--db", db, stdin="a long passphrase\n").returncode == 0
        result = run_cli("server", *command, "--db", db, stdin="")  # a pipe, not a terminal
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and "EOFError" not in result.stderr
        assert "--password-stdin" in result.stderr and "no terminal" in result.stderr


def test_list_move_reset_and_remove(tmp_path: Path) -> None:
    import httpx

    db = str(tmp_path / "server.db")
    for name in ("Wanhua Community Centre", "北投圖書館"):
        assert run_cli("server", "add-centre", name, "--db", db).returncode == 0
    store = open_store(db)
    first = store.enrol(store.create_enrolment_code("Wanhua Community Centre", now=time.time()),
                        now=time.time())
    second = store.enrol(store.create_enrolment_code("Wanhua Community Centre", now=time.time()),
                         now=time.time())
    store.close()
    assert first and second
    store = open_store(db)
    with store.backend.transaction() as tx:  # the first has been silent for 40 days
        tx.execute("UPDATE kiosks SET enrolled_day = ?, last_seen_day = ? WHERE id = ?",
                   ["2020-01-01", "2020-02-01", first.id])
    store.close()
    listed = run_cli("server", "list-kiosks", "--centre", "Wanhua Community Centre", "--db", db)
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["Kiosk", "Centre", "Last", "contact", "Days", "since", "Revoked"]
    assert lines[1].startswith(first.id) and "2020-02-01" in lines[1]  # the quietest first
    assert lines[2].startswith(second.id) and "never" in lines[2]
    assert run_cli("server", "revoke-kiosk", first.id, "--db", db).returncode == 0
    revoked = run_cli("server", "list-kiosks", "--db", db).stdout.splitlines()
    assert revoked[-1].startswith(first.id) and revoked[-1].endswith("revoked")

    moved = run_cli("server", "move-kiosk", second.id, "--centre", "北投圖書館", "--db", db)
    assert moved.returncode == 0 and "北投圖書館" in moved.stdout
    assert run_cli("server", "move-kiosk", second.id, "--centre", "Nowhere",
                   "--db", db).returncode == 1
    assert run_cli("server", "move-kiosk", "k-nobody", "--centre", "北投圖書館",
                   "--db", db).returncode == 1
    centres = run_cli("server", "list-centres", "--db", db).stdout.splitlines()
    assert [line.split()[-1] for line in centres[1:]] == ["1", "1"]
    assert [line.split()[0] for line in centres[1:]] == ["Wanhua", "北投圖書館"]
    # Columns line up in a terminal, where a Chinese character takes two places.
    def columns(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) == "W" else 1 for c in text)

    assert len({columns(line[:line.index(" c-")]) for line in centres[1:]}) == 1, centres

    for email in ("b@example.org", "a@example.org"):
        assert run_cli("server", "add-manager", email, "--password-stdin", "--db", db,
                       stdin="a long passphrase\n").returncode == 0
    managers = run_cli("server", "list-managers", "--db", db).stdout.splitlines()
    assert [line.split()[0] for line in managers] == ["Manager", "a@example.org",
                                                      "b@example.org"]
    server = start_server(db)
    try:
        with httpx.Client(base_url=server.url) as browser:
            token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/login").text)
            assert token
            assert browser.post("/login", data={"email": "a@example.org",
                                                "password": "a long passphrase",
                                                "csrf": token.group(1)}).status_code == 303
            assert browser.get("/dashboard").status_code == 200
            short = run_cli("server", "reset-password", "a@example.org", "--password-stdin",
                            "--db", db, stdin="short\n")
            assert short.returncode == 1
            assert browser.get("/dashboard").status_code == 200  # nothing changed
            reset = run_cli("server", "reset-password", "a@example.org", "--password-stdin",
                            "--db", db, stdin="another long passphrase\n")
            assert reset.returncode == 0, reset.stderr
            assert browser.get("/dashboard").headers.get("location") == "/login"  # logged out
        store = open_store(db)
        assert verify_password("another long passphrase",
                               store.manager_password_hash("a@example.org") or "")
        store.close()
        assert run_cli("server", "remove-manager", "b@example.org", "--db", db).returncode == 0
        assert run_cli("server", "remove-manager", "b@example.org", "--db", db).returncode == 1
        assert run_cli("server", "reset-password", "b@example.org", "--password-stdin", "--db",
                       db, stdin="a long passphrase\n").returncode == 1
        managers = run_cli("server", "list-managers", "--db", db).stdout.splitlines()
        assert [line.split()[0] for line in managers] == ["Manager", "a@example.org"]
    finally:
        stop_server(server)
