"""``python -m kiosk <command>``: see :mod:`kiosk.cli`."""

from kiosk.cli import main

raise SystemExit(main())
