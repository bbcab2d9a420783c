"""The lesson player: what happens when a learner taps, chooses or moves on. No Kivy.

The UI shows what the player says and forwards taps to it; every decision (is this the right
element? may the learner go on? what does the hint say?) is made here and tested without a window.
Each answer is written to the progress store before the player reports it, so the screen never
shows progress that a power cut could take away.

>>> player = LessonPlayer.begin(store, lesson, learner_id, language="en")
>>> player.tap("receive").kind      # a wrong element on a tap step
'hint'
>>> player.tap("scan").kind
'right'
>>> player.next()
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from kiosk.i18n import N_, _, fill, translations_for
from kiosk.i18n.coverage import lesson_translator, text_language
from kiosk.lessons.model import Lesson, Sign, Step
from kiosk.progress import LessonProgress, ProgressStore, StorageError

GENERIC_HELP = {
    "explain": N_("Read the words. When you are ready, tap Next."),
    "tap": N_("Look at the practice phone on the right. Tap the part the words ask for."),
    "choice": N_("Read each answer. Tap the one you think is right. You can try again."),
    "order": N_("Tap the sentences in the order you would do them. Start with the first."),
    "spot": N_("Look closely at the phone. Then tap It is real or It is fake."),
}


@dataclass(frozen=True)
class Feedback:
    """What the learner sees after an answer. ``kind`` is "right" or "hint"; never a score."""

    kind: Literal["right", "hint"]
    text: str
    point_at: str = ""  # an element id on the phone to draw attention to
    signs: tuple[Sign, ...] = ()

    @property
    def right(self) -> bool:
        return self.kind == "right"


@dataclass
class LessonPlayer:
    store: ProgressStore
    lesson: Lesson
    learner_id: str
    language: str
    currency: str = "TWD"
    index: int = 0  # the step on screen, 0-based
    progress: LessonProgress | None = None
    solved_here: bool = False  # answered correctly during this visit to the step
    picked: list[int] = field(default_factory=list)  # order steps: items placed so far
    last_feedback: Feedback | None = None
    # Set when the store could not save: the lesson goes on, and the screen says so calmly.
    storage_problem: str = ""

    @classmethod
    def begin(cls, store: ProgressStore, lesson: Lesson, learner_id: str, *, language: str,
              currency: str = "TWD") -> LessonPlayer:
        """Open a lesson where the learner left it (or from the start)."""
        progress = store.begin_lesson(learner_id, lesson.id, version=lesson.version,
                                      step_count=lesson.step_count, language=language)
        return cls(store, lesson, learner_id, language, currency,
                   index=min(progress.step, lesson.step_count - 1), progress=progress)

    # --- what to show ------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.lesson.steps[self.index]

    @property
    def step_label(self) -> str:
        return _("Step {number} of {total}").format(number=self.index + 1,
                                                    total=self.lesson.step_count)

    @property
    def text_language(self) -> str:
        """The language the lesson's words are in: the learner's, or English when the lesson is
        not completely translated into it (never a mix; see kiosk.i18n.coverage)."""
        return text_language(self.lesson, translations_for(self.language))

    def text(self, source: str) -> str:
        """A lesson sentence in the learner's language, with its values filled in."""
        translations = translations_for(self.language)
        language = text_language(self.lesson, translations)
        return fill(lesson_translator(self.lesson, translations)(source), self.lesson.values,
                    locale=language, currency=self.currency)

    @property
    def sentences(self) -> list[str]:
        return [self.text(s) for s in self.step.text]

    @property
    def help_text(self) -> str:
        step = self.step
        if step.help:
            return self.text(step.help)
        if step.hint and step.kind in ("tap", "order"):
            return self.text(step.hint)
        return _(GENERIC_HELP[step.kind])

    @property
    def answered(self) -> bool:
        """True when the learner may go on: explain steps always, practice steps once solved
        (now, or on an earlier visit)."""
        assert self.progress is not None
        return (not self.step.is_practice or self.solved_here
                or self.index < self.progress.furthest_step)

    @property
    def order_items(self) -> list[int]:
        """The order step's items as shown: shuffled the same way every time for a step, never
        already in the right order."""
        items = list(range(len(self.step.items)))
        shuffler = random.Random(f"{self.lesson.id}:{self.index}")
        while items == sorted(items) and len(items) > 1:
            shuffler.shuffle(items)
        return items

    @property
    def is_last(self) -> bool:
        return self.index == self.lesson.step_count - 1

    # --- what the learner does ---------------------------------------------------------------
    def tap(self, element_id: str | None) -> Feedback | None:
        """A tap on the practice phone (``None``: on the phone but on no element)."""
        step = self.step
        if step.kind != "tap" or self.solved_here:
            return None
        if element_id == step.target:
            return self._record(True, Feedback("right", self.text(step.praise) if step.praise
                                               else _("Well done.")))
        return self._record(False, Feedback("hint", self.text(step.hint), point_at=step.target))

    def choose(self, option: int) -> Feedback | None:
        if self.solved_here:
            return None  # once solved, further taps change nothing (as for tap and order)
        chosen = self.step.options[option]
        kind: Literal["right", "hint"] = "right" if chosen.correct else "hint"
        return self._record(chosen.correct, Feedback(kind, self.text(chosen.feedback)))

    def pick(self, item: int) -> Feedback | None:
        """Order steps: the learner taps the item they think comes next."""
        if item in self.picked or self.solved_here:
            return None
        expected = len(self.picked)
        if item != expected:
            return self._record(False, Feedback("hint", self.text(self.step.hint)))
        self.picked.append(item)
        if len(self.picked) < len(self.step.items):
            feedback = Feedback("right", _("Yes. What comes next?"))
            self.last_feedback = feedback
            return feedback
        return self._record(True, Feedback("right", _("Well done. That is the right order.")))

    def spot(self, answer: Literal["real", "fake"]) -> Feedback:
        step = self.step
        if answer == step.answer:
            text = (_("Yes. This one is real.") if answer == "real"
                    else _("Yes. This one is fake. Here is how you can tell."))
            return self._record(True, Feedback("right", text, signs=step.signs))
        hint = self.text(step.hint) if step.hint else _("Look again, closely.")
        return self._record(False, Feedback("hint", hint))

    def next(self) -> bool:
        """Go on. Returns False when the lesson is finished (show the closing screen)."""
        if not self.answered:
            return True
        assert self.progress is not None
        first_visit = self.index >= self.progress.furthest_step
        if not self.step.is_practice and first_visit:
            self._save_answer(correct=True)
        if self.is_last:
            return False
        self._show(self.index + 1)
        return True

    def back(self) -> None:
        if self.index > 0:
            self._show(self.index - 1)

    @property
    def finished(self) -> bool:
        return self.progress is not None and self.progress.done

    # --- internals ---------------------------------------------------------------------------
    def _save_answer(self, *, correct: bool) -> None:
        try:
            self.progress = self.store.answer(self.learner_id, self.lesson.id, step=self.index,
                                              correct=correct, hinted=not correct)
            self.storage_problem = ""
        except StorageError as exc:
            self.storage_problem = str(exc)

    def _record(self, correct: bool, feedback: Feedback) -> Feedback:
        self._save_answer(correct=correct)
        if correct:
            self.solved_here = True
        self.last_feedback = feedback
        return feedback

    def _show(self, index: int) -> None:
        assert self.progress is not None
        if self.progress.step != index and not self.progress.done:
            try:
                self.progress = self.store.go_to_step(self.learner_id, self.lesson.id, index)
            except StorageError as exc:
                self.storage_problem = str(exc)
        self.index = index
        self.solved_here = False
        self.picked = []
        self.last_feedback = None
