"""``python -m kiosk server ...`` as a manager types it, in real subprocesses."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from kiosk.server.codes import ALPHABET
from kiosk.server.storage import open_store
from kiosk.signing import BATCHES_PATH, BUNDLE_FORMAT, bundle_entry, sign_request
from tests.server.conftest import batch, body_of, item, run_cli, start_server, stop_server


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
