"""The examples in the server modules' docstrings are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["kiosk.signing", "kiosk.protocol", "kiosk.server.wire", "kiosk.server.problems",
           "kiosk.server.signing",
           "kiosk.server.ratelimit", "kiosk.server.catalogue", "kiosk.server.codes",
           "kiosk.server.passwords", "kiosk.server.suppression", "kiosk.server.reports",
           "kiosk.server.svg", "kiosk.server.auth", "kiosk.server.storage.store",
           "kiosk.server.releases", "kiosk.server.exports",
           "kiosk.server.equity", "kiosk.server.words"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
