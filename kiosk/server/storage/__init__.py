"""Storage: :class:`Store` over a SQLite file (default) or a PostgreSQL URL."""

from kiosk.server.storage.store import (
    Centre,
    IngestResult,
    Kiosk,
    Replayed,
    Store,
    StoreError,
    day_of,
    open_store,
    week_of,
)

__all__ = ["Centre", "IngestResult", "Kiosk", "Replayed", "Store", "StoreError", "day_of",
           "open_store", "week_of"]
