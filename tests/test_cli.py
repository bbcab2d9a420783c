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
    # The good file is not translated yet: its warnings come after the problems.
    assert [line for line in result.stdout.splitlines() if not line.startswith("warning: ")] == [
        f"{bad}: step 2: target: 'pay' is not on screen 'home' (it has: scan, receive, amount)",
        f"{bad}: step 4: kind: unknown step kind 'sort'; use one of explain, tap, choice, "
        "order, spot",
    ]
    assert "2 problem(s) in 1 file(s); 1 lesson file(s) OK; 3 warning(s)." in result.stderr


def test_a_copy_of_a_shipped_lesson_is_a_duplicate_id(tmp_path):
    folder = tmp_path / "payment"
    folder.mkdir()
    copy = folder / "copy.toml"
    copy.write_text((PROJECT_ROOT / "lessons/payment/pay-shop-qr.toml").read_text("utf-8"))
    result = run("lessons", "check", str(copy), env_home=tmp_path)
    assert result.returncode == 1
    assert "id: 'pay-shop-qr' is already used by" in result.stdout


def test_an_untranslated_new_lesson_is_warned_about_per_language(tmp_path):
    """A new lesson checked against the shipped catalogs: a few of its words ("Scan") happen
    to be translated, most are not. Each language gets one warning with the count; the exit
    status stays 0 unless --strict."""
    folder = tmp_path / "payment"
    folder.mkdir()
    new = folder / "new.toml"
    new.write_text(VALID_LESSON.replace('"Tap Scan."', '"Add NT$200 to your LINE Pay wallet."'),
                   encoding="utf-8")
    result = run("lessons", "check", str(new), env_home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for language in ("zh_Hant_TW", "vi", "id"):
        warning = next(line for line in lines
                       if line.startswith(f"warning: {new}: not completely translated into "
                                          f"{language} ("))
        assert "strings missing), so it is not listed in" in warning
        assert "i18n extract" in warning
    assert f"warning: {new}: step 2: text[1]: money typed into the text ('NT$200'); write a " \
           "value such as {price} and define it in [values]" in lines
    assert f"warning: {new}: step 2: text[1]: real brand name 'LINE Pay'; use a made-up " \
           "name" in lines
    assert lines[-1].startswith("All 1 lesson file(s) OK (6 steps); ")
    assert lines[-1].endswith(" warning(s).")
    strict = run("lessons", "check", "--strict", str(new), env_home=tmp_path)
    assert strict.returncode == 1
    assert run("lessons", "check", "--strict", env_home=tmp_path).returncode == 0  # shipped


def test_the_missing_count_is_the_lessons_own(tmp_path):
    """The count says how many of the lesson's strings a translator still has to do."""
    import re

    folder = tmp_path / "payment"
    folder.mkdir()
    new = folder / "new.toml"
    new.write_text(VALID_LESSON, encoding="utf-8")
    result = run("lessons", "check", str(new), env_home=tmp_path)
    counts = re.findall(r"into vi \((\d+) of (\d+) strings missing\)", result.stdout)
    assert len(counts) == 1
    missing, total = map(int, counts[0])
    # "Scan", "Receive", "Wallet" and "Check the amount." are in the shipped catalog already.
    assert 0 < missing < total


def test_i18n_check_prints_every_missing_entry_and_a_count_per_catalog(tmp_path):
    from tests.test_i18n import _damaged_vi_lessons

    locales, po = _damaged_vi_lessons(tmp_path, drop=9)
    result = subprocess.run([sys.executable, "-m", "kiosk", "i18n", "check"], capture_output=True,
                            text=True, cwd=PROJECT_ROOT, timeout=120,
                            env={"KIOSK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin",
                                 "KIOSK_LOCALES": str(locales)})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert sum(line.startswith(f"{po}: no entry for ") for line in lines) == 9
    assert lines[-1] == f"{po}: 11 entries to do: 9 missing, 1 not translated, 1 fuzzy"
    assert "11 catalog problem(s)." in result.stderr
