"""``python -m kiosk server release`` as a manager types it, in real subprocesses."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from kiosk.server.storage import open_store
from kiosk.server.storage import releases as saved
from tests.server.conftest import run_cli
from tests.server.test_storage import make_batch


def test_release_makes_each_ended_month_once_and_refuses_bad_months(tmp_path: Path) -> None:
    db = str(tmp_path / "server.db")
    store = open_store(db)
    store.add_centre("Wanhua")
    kiosk = store.enrol(store.create_enrolment_code("Wanhua", now=time.time()), now=time.time())
    assert kiosk is not None
    last_month = dt.datetime.now(dt.UTC).date().replace(day=1) - dt.timedelta(days=1)
    store.ingest(make_batch(kiosk.id, [{"day": last_month.isoformat(), "starts": 9,
                                        "completions": 6, "reached": [9, 6]}]),
                 nonce="a" * 32, now=time.time())
    store.close()

    for bad, says in (("2026-1²", "not a month"), ("2026-13", "month must be"),
                      ("2999-01", "has not ended")):
        refused = run_cli("server", "release", "--month", bad, "--db", db)
        assert refused.returncode == 1 and says in refused.stderr, refused.stderr
    made = run_cli("server", "release", "--db", db)
    assert made.returncode == 0 and f"{last_month:%Y-%m}" in made.stdout, made.stdout
    again = run_cli("server", "release", "--db", db)
    assert again.returncode == 0 and "Nothing to release" in again.stdout
    store = open_store(db)
    total = {c.measure: c.value for c in saved.release_cells(store, f"{last_month:%Y-%m}")
             if c.table == "total"}
    store.close()
    assert total == {"started": 9, "finished": 6}
