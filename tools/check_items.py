"""Print each before-and-after check item's difficulty and discrimination from a kiosk's database.

Run from the project root, on a copy of a kiosk's progress file (it is only read):

    python tools/check_items.py KIOSK_HOME/progress.db

One line per item: topic, form, form version, item number, how many learners answered it in a
finished check, difficulty (the share right) and discrimination (the correlation of the item with
the learner's score on the other items). Items that are very easy, very hard or weakly
discriminating are noted, so authors can rewrite or retire them (docs/LESSON_FORMAT.md,
"Checks"). The method is in kiosk/check_items.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.check_items import item_stats, open_read_only, report
from kiosk.lessons.checks import check_files_in, load_checks
from kiosk.lessons.library import load_topics

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="a kiosk's progress.db (only read)")
    parser.add_argument("--lessons", type=Path, default=PROJECT_ROOT / "lessons",
                        help="the lessons folder, to print each item's question")
    args = parser.parse_args(argv)
    try:
        conn = open_read_only(args.database)
        stats = item_stats(conn)
    except (OSError, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:  # sqlite3.Error: not a kiosk database, or one before V6
        print(f"{args.database}: cannot read the checks ({exc})", file=sys.stderr)
        return 2
    topics, _ = load_topics(args.lessons)
    checks = load_checks(check_files_in(args.lessons), [t.id for t in topics],
                         PROJECT_ROOT / "assets" / "images")
    # The question is printed only for the version in the files (an old version's may differ).
    text = {(f.topic, f.form, f.version, i): " ".join(step.text)
            for f in checks.forms.values() for i, step in enumerate(f.steps)}
    print(report(stats, text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
