"""The examples in the sync modules' docstrings are run, so they stay true."""

from __future__ import annotations

import doctest

import kiosk.sync.aggregate


def test_docstring_examples() -> None:
    result = doctest.testmod(kiosk.sync.aggregate, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
