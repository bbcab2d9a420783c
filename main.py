"""Run the kiosk: ``python main.py`` (full screen) or ``python main.py --windowed``."""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))
