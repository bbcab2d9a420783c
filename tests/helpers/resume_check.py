"""Start the real kiosk headless on an existing ``KIOSK_HOME`` and report what it shows, as JSON.

Run as ``python tests/helpers/resume_check.py KIOSK_HOME`` with the project root on
``PYTHONPATH``. It runs in its own process because Kivy has one window per process and the UI
tests share the pytest process. The last line of stdout is ``RESULT {json}`` with the screen the
app opened on, and for the step screen the lesson, the player's step and the label drawn on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kiosk.config import load_settings
from kiosk.ui.bootstrap import prepare


def main(argv: list[str]) -> int:
    home = Path(argv[1])
    settings = load_settings(environ={"KIOSK_HOME": str(home)})
    prepare(settings, headless=True)

    from kivy.base import EventLoop

    from kiosk.ui.app import KioskApp

    app = KioskApp(settings)
    app._run_prepare()  # build the root and run on_start (the resume) without the main loop
    for _ in range(3):  # lay out and draw a few frames, as the kiosk would after starting
        EventLoop.idle()

    result: dict[str, object] = {
        "screen": app.root.current,
        "learner": app.learner_id,
        "store_notices": list(app.store.notices),  # set when the file had to be moved aside
        "alert": app.alert,
    }
    player = app.player
    if player is not None:
        step_screen = app.root.get_screen("step")
        result.update(lesson=player.lesson.id, index=player.index,
                      step_label=step_screen.ids.step_label.text,
                      store_step=app.store.progress(app.learner_id, player.lesson.id).step)
    print("RESULT " + json.dumps(result), flush=True)
    app.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
