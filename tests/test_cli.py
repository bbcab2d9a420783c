"""``python -m kiosk lessons check`` as a volunteer runs it: output lines and exit status."""

from __future__ import annotations

import subprocess
import sys

from kiosk.config import PROJECT_ROOT
from tests.lesson_samples import VALID_LESSON


def run(*args, env_home):
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                          text=True, cwd=PROJECT_ROOT, timeout=60,
                          env={"KIOSK_HOME": str(env_home), "PATH": "/usr/bin:/bin"})


def test_all_shipped_lessons_pass(tmp_path):
    result = run("lessons", "check", env_home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("All ") and "lesson file(s) OK" in result.stdout


def test_problems_are_printed_one_a_line_and_exit_1(tmp_path):
    folder = tmp_path / "payment"
    folder.mkdir()
    bad = folder / "bad.toml"
    bad.write_text(VALID_LESSON.replace('target = "scan"', 'target = "pay"')
                   .replace('kind = "order"', 'kind = "sort"'), encoding="utf-8")
    good = folder / "good.toml"
    good.write_text(VALID_LESSON, encoding="utf-8")
    result = run("lessons", "check", str(bad), str(good), env_home=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bad}: step 2: target: 'pay' is not on screen 'home' (it has: scan, receive, amount)",
        f"{bad}: step 4: kind: unknown step kind 'sort'; use one of explain, tap, choice, "
        "order, spot",
    ]
    assert "2 problem(s) in 1 file(s); 1 lesson file(s) OK." in result.stderr


def test_a_copy_of_a_shipped_lesson_is_a_duplicate_id(tmp_path):
    folder = tmp_path / "payment"
    folder.mkdir()
    copy = folder / "copy.toml"
    copy.write_text((PROJECT_ROOT / "lessons/payment/pay-shop-qr.toml").read_text("utf-8"))
    result = run("lessons", "check", str(copy), env_home=tmp_path)
    assert result.returncode == 1
    assert "id: 'pay-shop-qr' is already used by" in result.stdout
