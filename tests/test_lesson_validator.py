"""The validator names file, step and field for each problem, in words a volunteer can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.lessons import Library, load_library
from kiosk.lessons.library import check_files
from tests.conftest import IMAGES, LESSONS
from tests.lesson_samples import VALID_LESSON

TOPICS = ["payment", "telehealth", "misinformation"]


def check(tmp_path: Path, text: str, name: str = "sample.toml") -> list[str]:
    folder = tmp_path / "payment"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    library = Library()
    check_files([path], TOPICS, IMAGES, library)
    return [str(p).replace(str(tmp_path) + "/", "") for p in library.problems]


def test_the_sample_is_valid(tmp_path):
    assert check(tmp_path, VALID_LESSON) == []


BROKEN = [
    pytest.param('title = "A sample lesson"', 'title = ', [
        "payment/sample.toml: line 6: toml: Invalid value (column 9)"], id="toml-syntax"),
    pytest.param('kind = "order"', 'kind = "sort"', [
        "payment/sample.toml: step 4: kind: unknown step kind 'sort'; use one of explain, tap, "
        "choice, order, spot"], id="unknown-kind"),
    pytest.param('hint = "Look for the word Scan."\n', '', [
        "payment/sample.toml: step 2: hint: missing; a tap step needs screen, target, hint"],
        id="missing-field"),
    pytest.param('target = "scan"', 'target = "pay"', [
        "payment/sample.toml: step 2: target: 'pay' is not on screen 'home' (it has: scan, "
        "receive, amount)"], id="target-not-on-screen"),
    pytest.param('correct = true', 'correct = false', [
        "payment/sample.toml: step 3: options: no option is marked correct = true"],
        id="no-correct-option"),
    pytest.param('kind = "explain"\ntext = ["This', 'kind = "explain"\npicture = "nope.png"\n'
                 'text = ["This', [
                     "payment/sample.toml: step 1: picture: picture 'nope.png' is not in "
                     "assets/images/"], id="missing-picture"),
    pytest.param('You will pay {price}.', 'You will pay {cost}.', [
        "payment/sample.toml: step 3: text[1]: uses {cost} but [values] has no 'cost' "
        "(it has: price)"], id="unknown-value"),
    pytest.param('screen = "home"\ntarget', 'screen = "hom"\ntarget', [
        "payment/sample.toml: step 2: screen: no screen named 'hom' (screens: home)"],
        id="unknown-screen"),
    pytest.param('answer = "real"', 'answer = "maybe"', [
        "payment/sample.toml: step 5: answer: must be \"real\" or \"fake\", not 'maybe'"],
        id="bad-spot-answer"),
    pytest.param('topic = "payment"', 'topic = "cooking"', [
        "payment/sample.toml: topic: 'cooking' is not a topic; use one of payment, telehealth, "
        "misinformation"], id="unknown-topic"),
    pytest.param('topic = "payment"', 'topic = "telehealth"', [
        "payment/sample.toml: topic: says 'telehealth' but the file is in the 'payment' folder"],
        id="topic-folder-mismatch"),
    pytest.param('version = 1', 'version = 0', [
        "payment/sample.toml: version: must be a whole number from 1; raise it when the steps "
        "change"], id="bad-version"),
    pytest.param('price = { money = 120 }', 'price = { money = "120" }', [
        "payment/sample.toml: values.price: money must look like money = 120",
        "payment/sample.toml: screens.home.elements[3].value: 'price' is not a money value in "
        "[values]",
        "payment/sample.toml: step 3: text[1]: uses {price} but [values] has no 'price' "
        "(it has: none)"], id="bad-value"),
    pytest.param('items = ["Scan.", "Check.", "Pay."]', 'items = ["Scan.", "Pay.", "Pay."]', [
        "payment/sample.toml: step 4: items: two items say the same thing; the order would be "
        "ambiguous"], id="duplicate-order-items"),
    pytest.param('{ id = "receive"', '{ id = "scan"', [
        "payment/sample.toml: screens.home.elements[2].id: 'scan' is used twice on this screen"],
        id="duplicate-element-id"),
    pytest.param('minutes = 5', 'minutes = 5\ncolour = "red"', [
        "payment/sample.toml: colour: is not a lesson field; check the spelling"],
        id="unknown-field"),
    pytest.param('text = ["Well done."]', 'text = ["One.", "Two.", "Three.", "Four."]', [
        "payment/sample.toml: step 6: text: has 4 sentences; use at most 3 a step"],
        id="too-many-sentences"),
    pytest.param('target = "scan"', 'target = "scan"\nleads_to = "camera"', [
        "payment/sample.toml: step 2: leads_to: no screen named 'camera' (screens: home)"],
        id="leads-to-unknown-screen"),
    pytest.param('answer = "real"', 'answer = "real"\nleads_to = "home"', [
        "payment/sample.toml: step 5: leads_to: only a tap step can lead to another screen"],
        id="leads-to-not-on-a-tap-step"),
]


@pytest.mark.parametrize(("old", "new", "expected"), BROKEN)
def test_each_problem_is_named_exactly(tmp_path, old, new, expected):
    assert old in VALID_LESSON
    assert check(tmp_path, VALID_LESSON.replace(old, new, 1)) == expected


def test_too_few_steps_and_practice(tmp_path):
    head, _, _ = VALID_LESSON.partition("[[steps]]")
    text = head + '[[steps]]\nkind = "explain"\ntext = ["Only one."]\n'
    assert check(tmp_path, text) == [
        "payment/sample.toml: steps: has 1 steps; a lesson has 6 to 12",
        "payment/sample.toml: steps: has 0 practice steps; a lesson needs at least 3 (tap, "
        "choice, order or spot)",
    ]


def test_not_utf8(tmp_path):
    folder = tmp_path / "payment"
    folder.mkdir()
    (folder / "latin1.toml").write_bytes('title = "caf\xe9"'.encode("latin-1"))
    library = Library()
    check_files([folder / "latin1.toml"], TOPICS, IMAGES, library)
    assert [p.message for p in library.problems] == ["is not UTF-8 text (byte 12); save it as "
                                                     "UTF-8"]


def test_duplicate_ids_across_files(tmp_path):
    check(tmp_path, VALID_LESSON, "a.toml")
    folder = tmp_path / "payment"
    (folder / "b.toml").write_text(VALID_LESSON, encoding="utf-8")
    library = Library()
    check_files([folder / "a.toml", folder / "b.toml"], TOPICS, IMAGES, library)
    assert list(library.lessons) == ["sample-lesson"]
    assert [str(p).replace(str(tmp_path) + "/", "") for p in library.problems] == [
        "payment/b.toml: id: 'sample-lesson' is already used by payment/a.toml; each lesson "
        "needs its own id"]


def test_every_shipped_lesson_is_valid():
    library = load_library(LESSONS, IMAGES)
    assert [str(p) for p in library.problems] == []
    assert {t.id for t in library.topics} == set(TOPICS)
    for topic in TOPICS:
        assert len(library.lessons_in(topic)) >= 2, topic
    for lesson in library.lessons.values():
        assert 6 <= lesson.step_count <= 12
        assert sum(s.is_practice for s in lesson.steps) >= 3


def test_a_dropped_in_lesson_appears_and_a_broken_one_is_skipped(tmp_path):
    import shutil

    lessons = tmp_path / "lessons"
    shutil.copytree(LESSONS, lessons)
    (lessons / "payment" / "new-lesson.toml").write_text(
        VALID_LESSON.replace("sample-lesson", "new-lesson"), encoding="utf-8")
    (lessons / "payment" / "broken.toml").write_text("id = [", encoding="utf-8")
    library = load_library(lessons, IMAGES)
    assert "new-lesson" in [lesson.id for lesson in library.lessons_in("payment")]
    assert library.skipped_files == [lessons / "payment" / "broken.toml"]
    assert len(library.lessons) == len(load_library(LESSONS, IMAGES).lessons) + 1


def test_missing_folder_is_a_problem_not_a_crash(tmp_path):
    library = load_library(tmp_path / "nowhere", IMAGES)
    assert library.lessons == {}
    assert library.problems


def test_a_tap_step_leads_to_a_screen(tmp_path):
    text = VALID_LESSON.replace('target = "scan"', 'target = "scan"\nleads_to = "home"', 1)
    assert check(tmp_path, text) == []
