"""The programme managers' server: HTTP API, storage, reports and dashboard. No Kivy here.

Modules, one job each:

- :mod:`kiosk.server.wire`      the batch wire format (Pydantic models, strict, no extra fields)
- :mod:`kiosk.server.problems`  the one refusal shape: ``{"ok": false, "errors": [...]}``
- :mod:`kiosk.server.signing`   the server half of trust: header checks, freshness, HMAC
- :mod:`kiosk.server.ingest`    every check an upload goes through, then one transaction
- :mod:`kiosk.server.storage`   the storage interface and its SQLite / PostgreSQL backends
- :mod:`kiosk.server.catalogue` which lessons exist and which topic each belongs to
- :mod:`kiosk.server.releases`  monthly and quarterly releases, made once and kept
- :mod:`kiosk.server.suppression` which cells a release hides: audit and repair by LP (HiGHS)
- :mod:`kiosk.server.reports`   the dashboard's tables, drawn only from stored releases
- :mod:`kiosk.server.app`       the FastAPI application (API + dashboard routes)
- :mod:`kiosk.server.cli`       ``python -m kiosk server ...``
"""
