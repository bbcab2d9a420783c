"""Everything ``server serve`` can be told, in one typed place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.config import load_settings
from kiosk.server.ingest import Limits

DEFAULT_PORT = 8400


def default_db() -> str:
    """``KIOSK_SERVER_DB`` if set, else ``server.db`` beside the kiosk's own data."""
    return os.environ.get("KIOSK_SERVER_DB") or str(load_settings().home / "server.db")


@dataclass
class ServerConfig:
    db: str = field(default_factory=default_db)
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    lessons_dir: Path | None = None
    limits: Limits = field(default_factory=Limits)
    # Set when the dashboard is served over HTTPS (behind a TLS proxy): cookies then carry Secure.
    secure_cookies: bool = False
    quiet_days: int = 7
    # A month is released this many days after it ends (kiosks that sync weekly are then in it).
    release_delay_days: int = 3
    # The public digital-equity page (/equity, its open data and methods): off unless asked for.
    public_page: bool = False

    @property
    def dashboard_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/dashboard"


def describe_db(db: str) -> str:
    """The database for printing: a URL's password is never shown."""
    if "://" in db and "@" in db:
        scheme, rest = db.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return db
