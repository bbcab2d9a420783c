"""The FastAPI application: the kiosk API under ``/api/v1`` and the managers' dashboard.

    >>> from fastapi.testclient import TestClient   # doctest: +SKIP
    >>> app = create_app(ServerConfig(db=":memory:"))   # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import FastAPI

from kiosk.server.api import build_api, install_error_handlers, install_openapi
from kiosk.server.catalogue import Catalogue
from kiosk.server.config import ServerConfig
from kiosk.server.ingest import Ingestor
from kiosk.server.storage import Store, open_store

VERSION = "1.0"


def create_app(config: ServerConfig, *, store: Store | None = None,
               clock: Callable[[], float] = time.time) -> FastAPI:
    store = store or open_store(config.db)
    catalogue = (Catalogue.from_dir(config.lessons_dir) if config.lessons_dir
                 else Catalogue.guess())
    ingestor = Ingestor(store, catalogue, config.limits)
    app = FastAPI(title="Community skills kiosk server", version=VERSION,
                  description="Anonymised lesson statistics from enrolled kiosks.",
                  docs_url=None, redoc_url=None)  # the docs pages load scripts from a CDN
    app.state.store = store
    app.include_router(build_api(ingestor, clock=clock))
    install_error_handlers(app)
    install_openapi(app)
    from kiosk.server.dashboard import build_dashboard  # after the API: it adds the "/" redirect

    app.include_router(build_dashboard(store, catalogue, config, clock=clock))
    from kiosk.server.equity import build_equity

    app.include_router(build_equity(store, catalogue, config, clock=clock))
    return app
