"""The before-and-after checks (issue 11, part 3): the forms, their validator, the storage (V6)
and the check player, on real files and a real SQLite store."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.check_player import CONFIDENCE_CHOICES, CheckPlayer, check_language
from kiosk.check_results import CheckResults
from kiosk.config import PROJECT_ROOT
from kiosk.i18n import set_language
from kiosk.i18n.extract import extract_lessons
from kiosk.lessons import load_library
from kiosk.lessons.checks import CheckSet, check_files_in, load_checks, pair_problems
from kiosk.profiles import Profiles
from kiosk.progress import ProgressStore
from tests.conftest import IMAGES, LESSONS

TOPICS = ["payment", "telehealth", "misinformation"]

FORM = """\
id = "payment-check-z"
topic = "payment"
form = "a"
version = 1

[values]
price = { money = 90 }

[screens.home]
app = "wallet"
title = "Wallet"
elements = [
  { id = "scan", kind = "button", text = "Scan" },
  { id = "history", kind = "button", text = "History" },
]

[screens.note]
app = "chat"
title = "Messages"
elements = [{ id = "ask", kind = "message", sender = "Bank", text = "Send us your code." }]

[[items]]
kind = "tap"
screen = "home"
target = "history"
text = ["Tap where you see what you paid."]
hint = "Look for History."
can = "Find what you paid."

[[items]]
kind = "choice"
text = ["The shop asks for {price}.", "What do you do?"]
options = [
  { text = "Check the amount.", correct = true, feedback = "Yes." },
  { text = "Pay at once.", correct = false, feedback = "Check first." },
]
can = "Check the amount."

[[items]]
kind = "spot"
screen = "note"
text = ["Real or a scam?"]
answer = "fake"
signs = [{ element = "ask", text = "It asks for a code." }]
can = "Spot a request for a code."

[[items]]
kind = "choice"
text = ["Someone asks for your PIN.", "What do you do?"]
options = [
  { text = "Say no.", correct = true, feedback = "Yes." },
  { text = "Tell them.", correct = false, feedback = "Never." },
]
can = "Keep your PIN to yourself."
"""


def write_form(tmp_path: Path, text: str, topic: str = "payment",
               name: str = "form-z.toml") -> Path:
    folder = tmp_path / topic / "checks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    checks = load_checks([write_form(tmp_path, text)], TOPICS, IMAGES)
    return [str(p).replace(str(tmp_path) + "/", "") for p in checks.problems]


@pytest.fixture(scope="module")
def shipped() -> CheckSet:
    return load_checks(check_files_in(LESSONS), TOPICS, IMAGES)


@pytest.fixture
def store(tmp_path: Path):
    today = dt.datetime(2026, 12, 3, 9, 41, 7, tzinfo=dt.UTC)
    store = ProgressStore.open(tmp_path / "progress.db", clock=lambda: today)
    yield store
    store.close()


# --- the forms --------------------------------------------------------------------------------
def test_the_sample_form_is_valid(tmp_path):
    assert problems(tmp_path, FORM) == []


@pytest.mark.parametrize("old, new, expected", [
    pytest.param('form = "a"', 'form = "c"',
                 "form: must be \"a\" or \"b\" (the two parallel forms), not 'c'", id="form"),
    pytest.param('kind = "tap"', 'kind = "explain"',
                 "step 1: kind: a check item is a tap, choice, spot step, not 'explain': a check "
                 "asks, it does not explain", id="explain"),
    pytest.param('target = "history"', 'target = "pay"',
                 "step 1: target: 'pay' is not on screen 'home' (it has: scan, history)",
                 id="target"),
    pytest.param('can = "Find what you paid."\n', '',
                 "step 1: can: missing; write one plain sentence here", id="can"),
    pytest.param('topic = "payment"', 'topic = "telehealth"',
                 "topic: says 'telehealth' but the file is in the 'payment' folder", id="folder"),
    pytest.param('version = 1', 'version = 1\norder = 3',
                 "order: is not a check field; check the spelling", id="unknown"),
])
def test_problems_name_the_item_and_field(tmp_path, old, new, expected):
    assert old in FORM
    assert problems(tmp_path, FORM.replace(old, new, 1)) == [
        f"payment/checks/form-z.toml: {expected}"]


def test_a_check_has_four_to_six_items(tmp_path):
    three = FORM[:FORM.rindex("[[items]]")]
    assert problems(tmp_path, three) == [
        "payment/checks/form-z.toml: items: has 3 items; a check has 4 to 6 (about two minutes)"]


def test_one_form_without_the_other_is_a_problem(tmp_path):
    checks = load_checks([write_form(tmp_path, FORM)], TOPICS, IMAGES)
    assert not checks.has_check("payment")
    assert [p.message for p in pair_problems(checks, TOPICS)] == [
        "payment has form 'a' only; write the other form too (the after-check uses the one not "
        "taken before)"]


def test_check_files_are_not_lessons():
    library = load_library(LESSONS, IMAGES)
    assert not any(lesson.path is not None and lesson.path.parent.name == "checks"
                   for lesson in library.lessons.values())
    assert not library.problems


def test_every_topic_has_both_forms_of_four_to_six_items(shipped):
    assert shipped.problems == []
    for topic in TOPICS:
        assert shipped.has_check(topic)
        for form in ("a", "b"):
            checked = shipped.form(topic, form)
            assert checked is not None and 4 <= checked.item_count <= 6
            assert len(checked.can) == checked.item_count
            assert {s.kind for s in checked.steps} <= {"tap", "choice", "spot"}
    assert not list(pair_problems(shipped, TOPICS))


def test_no_check_item_repeats_a_lesson_item(shipped):
    """New scenarios, same skills: no item's question, option or phone message is a lesson's."""
    library = load_library(LESSONS, IMAGES)
    lesson_text = set()
    for lesson in library.lessons.values():
        for step in lesson.steps:
            lesson_text.update(step.text)
            lesson_text.update(o.text for o in step.options)
            if step.screen is not None:
                lesson_text.update(e.text for e in step.screen.elements
                                   if e.kind in ("message", "headline", "notice"))
    generic = {"Is this message real, or a scam?", "What do you do?", "Is it real, or a scam?",
               "What do you do first?", "Tap Pay.", "Paid.", "This is the screen before you pay."}
    for form in shipped.forms.values():
        for step in form.steps:
            mine = set(step.text) | {o.text for o in step.options}
            if step.screen is not None:
                mine |= {e.text for e in step.screen.elements
                         if e.kind in ("message", "headline", "notice")}
            assert not (mine - generic) & lesson_text, (form.id, (mine - generic) & lesson_text)


def test_the_two_forms_of_a_topic_share_no_item(shipped):
    for topic in TOPICS:
        a, b = shipped.form(topic, "a"), shipped.form(topic, "b")
        assert a is not None and b is not None
        for sa in a.steps:
            for sb in b.steps:
                assert set(sa.text) & set(sb.text) <= {"Is this message real, or a scam?",
                                                       "Is it real, or a scam?",
                                                       "What do you do first?",
                                                       "What do you do?",
                                                       "Is this news real, or fake?",
                                                       "This is the screen before you pay."}


def test_the_extractor_finds_items_and_can_sentences(tmp_path):
    path = write_form(tmp_path, FORM)
    with path.open("rb") as handle:
        found = {(message, comments[0]) for _, _, message, comments
                 in extract_lessons(handle, None, None, {})}
    assert ("Find what you paid.", "payment-check-z, item 1 (tap): can") in found
    assert ("Real or a scam?", "payment-check-z, item 3 (spot): text") in found
    assert ("It asks for a code.", "payment-check-z, item 3 (spot): signs: text") in found


def test_shipped_forms_are_complete_in_every_language(shipped):
    for form in shipped.forms.values():
        for language in ("zh_Hant_TW", "vi", "id"):
            assert check_language(form, language) == language, (form.id, language)


def test_lessons_check_reports_a_broken_form(tmp_path):
    path = write_form(tmp_path, FORM.replace('answer = "fake"', 'answer = "maybe"'))
    result = subprocess.run([sys.executable, "-m", "kiosk", "lessons", "check", str(path)],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
                            env={"KIOSK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert f"{path}: step 3: answer: must be \"real\" or \"fake\", not 'maybe'" in result.stdout


# --- storage and the player -------------------------------------------------------------------
def test_the_form_first_is_random_and_the_after_check_takes_the_other(store, shipped):
    results = CheckResults(store, rng=random.Random(7))
    firsts = []
    for _ in range(40):
        learner = store.new_guest()
        first = results.form_for(learner, "payment", "before")
        firsts.append(first)
        form = shipped.form("payment", first)
        assert form is not None
        CheckPlayer.begin(results, form, learner, phase="before", language="en")
        assert results.form_for(learner, "payment", "before") == first  # kept, not re-drawn
        assert results.form_for(learner, "payment", "after") != first
    assert 10 < firsts.count("a") < 30


@pytest.fixture
def chinese():
    set_language("zh_Hant_TW")
    yield
    set_language("en")


def test_a_check_keeps_first_answers_confidence_and_the_day_only(store, shipped, chinese):
    results = CheckResults(store)
    learner = store.new_guest()
    form = shipped.form("payment", "a")
    assert form is not None
    player = CheckPlayer.begin(results, form, learner, phase="before", language="zh_Hant_TW")
    assert player.item_label == "第1題，共4題"
    assert player.tap(None) == ""  # on the phone but on nothing: not an answer
    assert player.index == 0
    player.tap("scan")  # wrong element: kept as the answer, the next item follows
    assert player.index == 1
    assert player.tap("pay") != ""  # a choice item: the phone says where the answer is
    player.choose(0)  # right
    player.spot("real")  # wrong
    assert not player.on_confidence
    player.spot("real")  # right
    assert player.on_confidence
    record = player.confidence(2)
    assert record.done and record.items_right == 2 and record.confidence == 2
    assert record.day == "2026-12-03" and record.language == "zh_Hant_TW"
    assert results.answers(record.id) == {0: False, 1: True, 2: False, 3: True}
    assert player.can_do == ["付款前先看清楚金額。", "分辨自己App裡的真通知和詐騙。"]
    # Nothing finer than the day is stored anywhere in the check's rows.
    row = store.execute("SELECT * FROM checks WHERE id = ?", record.id).fetchone()
    assert not any(isinstance(v, str) and "T" in v and ":" in v for v in row)
    assert not results.should_offer(learner, "payment", "before")
    assert results.should_offer(learner, "payment", "after")


def test_a_check_left_midway_goes_on_from_the_next_item(store, shipped):
    results = CheckResults(store)
    learner = store.new_guest()
    form = shipped.form("telehealth", "b")
    assert form is not None
    player = CheckPlayer.begin(results, form, learner, phase="after", language="en")
    player.tap("results")
    player.tap("sound")
    again = CheckPlayer.begin(results, form, learner, phase="after", language="en")
    assert again.index == 2 and again.record.id == player.record.id
    assert results.should_offer(learner, "telehealth", "after")
    with pytest.raises(ValueError):
        again.confidence(5)


def test_skip_is_remembered_and_not_counted(store, shipped):
    results = CheckResults(store)
    learner = store.new_guest()
    form = shipped.form("misinformation", "b")
    assert form is not None
    player = CheckPlayer.begin(results, form, learner, phase="before", language="vi")
    player.spot("fake")
    player.skip()
    record = results.record(learner, "misinformation", "before")
    assert record is not None and record.status == "skipped" and record.items_right is None
    assert not results.should_offer(learner, "misinformation", "before")
    # Skipping an offer never begun is a row too; a finished check is never turned to skipped.
    other = store.new_guest()
    results.skip(other, "payment", "before", form="b", form_version=1, item_count=4,
                 language="en")
    assert results.record(other, "payment", "before").status == "skipped"  # type: ignore[union-attr]


def test_deleting_a_profile_deletes_its_checks(store, shipped):
    results = CheckResults(store)
    profile = Profiles(store).create("sun", "4821", language="en")
    form = shipped.form("payment", "b")
    assert form is not None
    player = CheckPlayer.begin(results, form, profile.learner_id, phase="before", language="en")
    player.tap("my-code")
    player.choose(0)
    player.spot("fake")
    player.spot("real")
    assert player.confidence(4).items_right == 4
    Profiles(store).delete(profile.learner_id)
    assert store.execute("SELECT COUNT(*) FROM checks").fetchone()[0] == 0
    assert store.execute("SELECT COUNT(*) FROM check_answers").fetchone()[0] == 0


def test_an_untranslated_form_is_given_wholly_in_english(tmp_path):
    checks = load_checks([write_form(tmp_path, FORM)], TOPICS, IMAGES)
    form = checks.form("payment", "a")
    assert form is not None
    assert check_language(form, "vi") == "en"  # "Scan" is translated, most of it is not


def test_four_confidence_answers():
    assert len(CONFIDENCE_CHOICES) == 4
