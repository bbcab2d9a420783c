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

from dataclasses import dataclass, field
from typing import Literal

from kiosk.i18n import _, translations_for
from kiosk.lessons.model import Lesson, Step
from kiosk.progress import LessonProgress, ProgressStore, StorageError
from kiosk.step_words import (
    ALREADY_DONE,
    GENERIC_HELP,
    NOT_THIS_YET,
    Feedback,
    StepWords,
    is_right,
)

# Kept importable from here, where the player's callers have always found them.
__all__ = ["ALREADY_DONE", "GENERIC_HELP", "NOT_THIS_YET", "Feedback", "LessonPlayer", "is_right"]


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
    # The answer whose feedback is on screen: ("tap", element), ("choice", option),
    # ("order", item or -1 for a wrong one), ("spot", answer) or ("help", None). Kept as the
    # answer, not its words, so a language switch shows the same feedback in the new language.
    answer_shown: tuple[str, object] | None = None
    # Set when the store could not save: the lesson goes on, and the screen says so calmly.
    storage_problem: str = ""
    _words: StepWords | None = field(default=None, repr=False, compare=False)

    @classmethod
    def begin(cls, store: ProgressStore, lesson: Lesson, learner_id: str, *, language: str,
              currency: str = "TWD") -> LessonPlayer:
        """Open a lesson where the learner left it (or from the start)."""
        progress = store.begin_lesson(learner_id, lesson.id, version=lesson.version,
                                      step_count=lesson.step_count, language=language)
        player = cls(store, lesson, learner_id, language, currency, progress=progress)
        player._show(min(progress.step, lesson.step_count - 1))
        return player

    # --- what to show ------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.lesson.steps[self.index]

    @property
    def step_label(self) -> str:
        return _("Step {number} of {total}").format(number=self.index + 1,
                                                    total=self.lesson.step_count)

    @property
    def words(self) -> StepWords:
        """The lesson's words in the learner's language (the screen's and the voice's)."""
        translations = translations_for(self.language)  # follows a language switch
        words = self._words
        if (words is None or words.translations is not translations
                or words.currency != self.currency):
            words = self._words = StepWords(self.lesson, translations, self.currency)
        return words

    @property
    def text_language(self) -> str:
        """The language the lesson's words are in: the learner's, or English when the lesson is
        not completely translated into it (never a mix; see kiosk.i18n.coverage)."""
        return self.words.text_language

    def text(self, source: str) -> str:
        """A lesson sentence in the learner's language, with its values filled in."""
        return self.words.text(source)

    @property
    def sentences(self) -> list[str]:
        return self.words.sentences(self.index)

    @property
    def narration(self) -> str:
        """What is read when the step opens: its words, then its answers as the screen shows
        them (in :attr:`text_language`)."""
        return self.words.narration(self.index, self.picked)

    @property
    def answer_labels(self) -> list[str]:
        """What the answer buttons say, top to bottom (choice and order steps)."""
        return self.words.answer_labels(self.index, self.picked)

    @property
    def help_feedback(self) -> Feedback:
        """The hint "I need help" shows, with the language it is in."""
        return self.words.help(self.index, self.picked)

    @property
    def help_text(self) -> str:
        return self.help_feedback.text

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
        return self.words.order_items(self.index)

    @property
    def order_hint(self) -> str:
        """An order step's hint for where the learner is (see StepWords.order_hint)."""
        return self.words.order_hint(self.index, self.picked)

    @property
    def is_last(self) -> bool:
        return self.index == self.lesson.step_count - 1

    # --- what the learner does ---------------------------------------------------------------
    def tap(self, element_id: str | None) -> Feedback:
        """A tap on the practice phone (``None``: on the phone but on no element). Every tap gets
        an answer; only a tap step's taps count as answers. The others ("Not this one yet",
        "You have done this step") are not saved and leave ``answer_shown`` (the answer whose
        feedback the screen keeps, and redraws after a language or size change) as it was."""
        step = self.step
        if self.solved_here:
            return self.words.already_done()
        if step.kind != "tap":
            return self.words.not_this_yet(self.index)
        return self._answer(("tap", element_id))

    def choose(self, option: int) -> Feedback | None:
        if self.solved_here:
            return None  # once solved, further taps change nothing (as for tap and order)
        return self._answer(("choice", option))

    def pick(self, item: int) -> Feedback | None:
        """Order steps: the learner taps the item they think comes next."""
        if item in self.picked or self.solved_here:
            return None
        if item != len(self.picked):
            return self._answer(("order", -1))
        self.picked.append(item)
        if len(self.picked) < len(self.step.items):
            self.answer_shown = ("order", item)
            return self.feedback
        return self._answer(("order", item))

    def spot(self, answer: Literal["real", "fake"]) -> Feedback:
        feedback = self._answer(("spot", answer))
        assert feedback is not None
        return feedback

    def ask_help(self) -> str:
        """"I need help": the hint shown in the feedback box (it stays on a language or text
        size change, like an answer's feedback)."""
        if not self.solved_here:
            self.answer_shown = ("help", None)
        return self.help_text

    @property
    def chosen(self) -> int | None:
        """Choice steps: the option whose feedback is shown."""
        kind, value = self.answer_shown or ("", None)
        return value if kind == "choice" and isinstance(value, int) else None

    @property
    def feedback(self) -> Feedback | None:
        """The feedback on screen for the last answer, in the learner's language now: the
        screen asks again after a language switch, so the words follow the language."""
        if self.answer_shown is None:
            return None
        kind, value = self.answer_shown
        if kind == "help":
            return self.help_feedback
        return self._judge(kind, value)[1]

    def _judge(self, kind: str, value: object) -> tuple[bool, Feedback]:
        """Whether an answer is right, and what to say. Pure: nothing is recorded here."""
        return self.words.judge(self.index, kind, value, self.picked)

    def _answer(self, answer: tuple[str, object]) -> Feedback:
        correct, feedback = self._judge(*answer)
        # The place stays here, where the feedback is shown, until the learner taps Next.
        self._save_answer(correct=correct, move_on=False)
        if correct:
            self.solved_here = True
        self.answer_shown = answer
        return feedback

    def next(self) -> bool:
        """Go on. Returns False when the lesson is finished (show the closing screen)."""
        if not self.answered:
            return True
        assert self.progress is not None
        first_visit = self.index >= self.progress.furthest_step
        if not self.step.is_practice and first_visit:
            self._save_answer(correct=True, move_on=True)
        if self.is_last:
            return False
        self._show(self.index + 1)
        return True

    def back(self) -> None:
        if self.index > 0:
            self._show(self.index - 1)

    def leave(self) -> None:
        """The learner leaves the lesson midway ("Lessons", Back from the first step, "I have
        finished"). Their place is kept; if they had stepped back to re-read, it goes back to
        where they had got to, so the lessons list and the next visit show the real place."""
        progress = self.progress
        if progress is None or progress.done or self.index >= progress.furthest_step:
            return
        if self.index == progress.furthest_step - 1 and self.step.is_practice:
            return  # answered here and not moved on from: this is the place
        try:
            self.progress = self.store.go_to_step(self.learner_id, self.lesson.id,
                                                  progress.furthest_step)
            self.storage_problem = ""
        except StorageError as exc:
            self.storage_problem = str(exc)

    @property
    def finished(self) -> bool:
        return self.progress is not None and self.progress.done

    # --- internals ---------------------------------------------------------------------------
    def _save_answer(self, *, correct: bool, move_on: bool) -> None:
        try:
            self.progress = self.store.answer(self.learner_id, self.lesson.id, step=self.index,
                                              correct=correct, hinted=not correct,
                                              move_on=move_on)
            self.storage_problem = ""
        except StorageError as exc:
            self.storage_problem = str(exc)

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
        self.answer_shown = None
        if self.step.is_practice and index < self.progress.furthest_step:
            self._show_solved()

    def _show_solved(self) -> None:
        """A practice step solved before (on an earlier visit, or before a restart): it opens
        as it was left, answered, with its feedback, so Next and the screen agree."""
        step = self.step
        self.solved_here = True
        if step.kind == "tap":
            self.answer_shown = ("tap", step.target)
        elif step.kind == "choice":
            right = next((i for i, o in enumerate(step.options) if o.correct), None)
            self.answer_shown = ("choice", right) if right is not None else None
        elif step.kind == "order":
            self.picked = list(range(len(step.items)))
            self.answer_shown = ("order", len(step.items) - 1)
        elif step.kind == "spot":
            self.answer_shown = ("spot", step.answer)
