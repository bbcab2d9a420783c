"""Every word a lesson step can show, in one language: one source for the screen and the voice.

:class:`kiosk.player.LessonPlayer` decides what happens and asks this for the words (the step's
sentences, what each answer button says, the feedback to an answer, the hint "I need help"
shows). The narration (kiosk/speech/narration.py) reads the same words aloud, and ``audio build``
lists every one of them ahead of time with :meth:`StepWords.every_feedback` and
:meth:`StepWords.narration`, so a new kind of feedback cannot be left without a clip.

No Kivy, no store, no process-wide language: the catalogs are passed in, so ``audio build`` can
word every language side by side.

>>> words = StepWords(lesson, Translations("en"))      # doctest: +SKIP
>>> words.feedback_narration(words.judge(2, "choice", 0, [])[1])     # doctest: +SKIP
'No. A real officer never asks you to move money.'
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from kiosk.i18n import N_, SOURCE_LANGUAGE, Translations, fill
from kiosk.i18n.coverage import lesson_translator, text_language
from kiosk.lessons.model import Lesson, PhoneScreen, Sign, Step

GENERIC_HELP = {
    "explain": N_("Read the words. When you are ready, tap Next."),
    "tap": N_("Look at the practice phone on the right. Tap the part the words ask for."),
    "choice": N_("Read each answer. Tap the one you think is right. You can try again."),
    "order": N_("Tap the sentences in the order you would do them. Start with the first."),
    "spot": N_("Look closely at the phone. Then tap It is real or It is fake."),
}
# A tap on the practice phone when the step asks for something else: like a real phone, it always
# answers, kindly, and says where the answer is instead (issue 15: a silent phone looked broken).
NOT_THIS_YET = {
    "explain": N_("Not this one yet. Read the words, then tap Next."),
    "choice": N_("Not this one yet. Choose one of the answers under the words."),
    "order": N_("Not this one yet. Tap the sentences in the order you would do them."),
    "spot": N_("Not this one yet. Look closely, then tap It is real or It is fake."),
}
ALREADY_DONE = N_("You have done this step. Tap Next when you are ready.")
# A sentence that ends with one of these (Chinese and Japanese punctuation) is followed by the
# next without a space, as such text is written.
_WIDE_STOPS = "。！？：；，」』）"
_SENTENCE_ENDS = (".", "!", "?", "…", "。", "！", "？", "」")
# How a choice is read aloud after the step's words. The buttons carry no letters, so the voice
# counts them from the top, as a learner who cannot read finds them.
CHOICE_READING = N_("Answer {number}: {text}")
# A spot step's two answer buttons, the kiosk's own words (the step screen and the checks).
SPOT_LABELS = {"real": N_("It is real"), "fake": N_("It is fake")}


def join_sentences(sentences: Sequence[str]) -> str:
    """One text from a step's sentences, as it is read: "Tap Scan." + "Is that right?".

    >>> join_sentences(["請點「掃描」。", "對嗎？"])
    '請點「掃描」。對嗎？'
    """
    text = ""
    for sentence in (s.strip() for s in sentences):
        if not sentence:
            continue
        if text and not text.endswith(tuple(_WIDE_STOPS)):
            text += " "
        text += sentence
    return text


def is_right(step: Step, kind: str, value: object) -> bool:
    """Whether one answer to a tap, choice or spot step is right: the one rule the lessons and
    the before-and-after checks (kiosk/check_player.py) share. (An order step is judged item by
    item, in LessonPlayer.pick.)"""
    if kind == "tap":
        return step.kind == "tap" and value == step.target
    if kind == "choice":
        return (step.kind == "choice" and isinstance(value, int)
                and 0 <= value < len(step.options) and step.options[value].correct)
    if kind == "spot":
        return step.kind == "spot" and value == step.answer
    return False


@dataclass(frozen=True)
class Feedback:
    """What the learner sees after an answer. ``kind`` is "right" or "hint"; never a score."""

    kind: Literal["right", "hint"]
    text: str
    point_at: str = ""  # an element id on the phone to draw attention to
    signs: tuple[Sign, ...] = ()
    screen: PhoneScreen | None = None  # the phone moves to this screen (a tap step's leads_to)
    # The language the words are in, for the voice: the lesson's text language when they come
    # from the lesson (English for a lesson not translated into the learner's language), the
    # learner's when they are the kiosk's own words ("Not this one yet...").
    language: str = ""

    @property
    def right(self) -> bool:
        return self.kind == "right"


@dataclass(frozen=True)
class StepWords:
    """The words of ``lesson`` for a learner who reads ``translations.language``."""

    lesson: Lesson
    translations: Translations
    currency: str = "TWD"

    @property
    def language(self) -> str:
        return self.translations.language

    @cached_property
    def text_language(self) -> str:
        """The language the lesson's words are in: the learner's, or English when the lesson is
        not completely translated into it (never a mix; see kiosk.i18n.coverage)."""
        return text_language(self.lesson, self.translations)

    def text(self, source: str) -> str:
        """A lesson sentence in the text language, with its values filled in."""
        return fill(lesson_translator(self.lesson, self.translations)(source), self.lesson.values,
                    locale=self.text_language, currency=self.currency)

    def ui(self, message: str) -> str:
        """The kiosk's own words in the learner's language."""
        return self.translations.ui.gettext(message)

    def text_ui(self, message: str) -> str:
        """The kiosk's own words in the lesson's text language: the words the voice adds around
        the lesson's (so an English lesson is not read with Vietnamese labels)."""
        return message if self.text_language == SOURCE_LANGUAGE else self.ui(message)

    def _ui_feedback(self, kind: Literal["right", "hint"], message: str, *, point_at: str = "",
                     screen: PhoneScreen | None = None) -> Feedback:
        return Feedback(kind, self.ui(message), point_at=point_at, screen=screen,
                        language=self.language)

    def _lesson_feedback(self, kind: Literal["right", "hint"], text: str, *, point_at: str = "",
                         signs: tuple[Sign, ...] = (), screen: PhoneScreen | None = None
                         ) -> Feedback:
        return Feedback(kind, text, point_at=point_at, signs=signs, screen=screen,
                        language=self.text_language)

    # --- what the step shows -----------------------------------------------------------------
    def sentences(self, index: int) -> list[str]:
        return [self.text(s) for s in self.lesson.steps[index].text]

    def order_items(self, index: int) -> list[int]:
        """An order step's items as shown: shuffled the same way every time for a step, never
        already in the right order."""
        items = list(range(len(self.lesson.steps[index].items)))
        shuffler = random.Random(f"{self.lesson.id}:{index}")
        while items == sorted(items) and len(items) > 1:
            shuffler.shuffle(items)
        return items

    def item_label(self, index: int, item: int, picked: Sequence[int]) -> str:
        """What an order item's button says: its place once it is placed ("2.  Open ...")."""
        text = self.text(self.lesson.steps[index].items[item])
        return f"{list(picked).index(item) + 1}.  {text}" if item in picked else text

    def answer_labels(self, index: int, picked: Sequence[int] = ()) -> list[str]:
        """What the answer buttons under the words say, top to bottom (choice and order steps;
        a spot step's two buttons are the kiosk's own, not the lesson's)."""
        step = self.lesson.steps[index]
        if step.kind == "choice":
            return [self.text(option.text) for option in step.options]
        if step.kind == "order":
            return [self.item_label(index, item, picked) for item in self.order_items(index)]
        return []

    def narration(self, index: int, picked: Sequence[int] = ()) -> str:
        """What is read when the step opens: its words, then its answers as the screen shows
        them (choices counted from the top; order items in their shown, shuffled order, with
        their places once placed). In the text language (:attr:`text_language`)."""
        step = self.lesson.steps[index]
        answers = self.answer_labels(index, picked)
        if step.kind == "choice":
            answers = [self.text_ui(CHOICE_READING).format(number=number, text=text)
                       for number, text in enumerate(answers, 1)]
        elif step.kind == "spot":  # its two buttons are read too: every word is heard
            answers = [self.text_ui(label) for label in SPOT_LABELS.values()]
        # A pause after each answer, even one written without a full stop ("NT$1,200").
        stop = "。" if self.text_language.startswith("zh") else "."
        answers = [a if a.rstrip().endswith(_SENTENCE_ENDS) else a.rstrip() + stop
                   for a in answers]
        return join_sentences([*self.sentences(index), *answers])

    # --- feedback ----------------------------------------------------------------------------
    def order_hint(self, index: int, picked: Sequence[int]) -> str:
        """An order step's hint for where the learner is: the lesson's own (it is about the
        first item: "Start with the camera.") until the first item is placed, then what comes
        after the last one placed (issue 15: the first hint stayed after the camera was)."""
        step = self.lesson.steps[index]
        if not picked:
            return self.text(step.hint)
        done = self.text(step.items[picked[-1]])
        return self.text_ui(N_("Not that one yet. You have done: {item} What comes next?")
                            ).format(item=done)

    def help(self, index: int, picked: Sequence[int] = ()) -> Feedback:
        """The hint "I need help" shows."""
        step = self.lesson.steps[index]
        point_at = step.target if step.kind == "tap" else ""
        if step.help:
            return self._lesson_feedback("hint", self.text(step.help), point_at=point_at)
        if step.kind == "order" and picked:
            return self._lesson_feedback("hint", self.order_hint(index, picked))
        if step.hint and step.kind in ("tap", "order"):
            return self._lesson_feedback("hint", self.text(step.hint), point_at=point_at)
        return self._ui_feedback("hint", GENERIC_HELP[step.kind], point_at=point_at)

    def not_this_yet(self, index: int) -> Feedback:
        """A tap on the practice phone on a step that does not ask for one."""
        return self._ui_feedback("hint", NOT_THIS_YET[self.lesson.steps[index].kind])

    def already_done(self) -> Feedback:
        """A tap on the practice phone after the step is solved."""
        return self._ui_feedback("right", ALREADY_DONE)

    def judge(self, index: int, kind: str, value: object, picked: Sequence[int]
              ) -> tuple[bool, Feedback]:
        """Whether an answer is right, and what to say. ``picked``: an order step's items
        placed so far (with a right pick already added)."""
        step = self.lesson.steps[index]
        if kind == "tap":
            if is_right(step, kind, value):
                # The phone's next screen is part of the answer: redrawn with it after a
                # language or size change, and on a resumed answered step.
                if step.praise:
                    return True, self._lesson_feedback("right", self.text(step.praise),
                                                       screen=step.leads_to)
                return True, self._ui_feedback("right", N_("Well done."), screen=step.leads_to)
            return False, self._lesson_feedback("hint", self.text(step.hint),
                                                point_at=step.target)
        if kind == "choice":
            assert isinstance(value, int)
            chosen = step.options[value]
            return is_right(step, kind, value), self._lesson_feedback(
                "right" if chosen.correct else "hint", self.text(chosen.feedback))
        if kind == "order":
            if value == -1:
                # What comes after the items placed so far (a wrong pick changes nothing, so a
                # redraw says the same thing in the new language).
                return False, self._lesson_feedback("hint", self.order_hint(index, picked))
            if len(picked) < len(step.items):
                return True, self._ui_feedback("right", N_("Yes. What comes next?"))
            return True, self._ui_feedback("right", N_("Well done. That is the right order."))
        # spot
        if is_right(step, kind, value):
            message = (N_("Yes. This one is real.") if value == "real"
                       else N_("Yes. This one is fake. Here is how you can tell."))
            if step.signs:  # read with the lesson's signs after it
                return True, self._lesson_feedback("right", self.ui(message), signs=step.signs)
            return True, self._ui_feedback("right", message)
        if step.hint:
            return False, self._lesson_feedback("hint", self.text(step.hint))
        return False, self._ui_feedback("hint", N_("Look again, closely."))

    def feedback_narration(self, feedback: Feedback) -> str:
        """What is read when feedback appears: its words, then the spot step's signs in order."""
        return join_sentences([feedback.text, *(self.text(sign.text) for sign in feedback.signs)])

    def every_feedback(self, index: int) -> list[Feedback]:
        """Every feedback the step can show: each answer's, at each stage of an order step, a
        tap on the phone off the answer or after it, and "I need help"'s hint. ``audio build``
        makes a clip of each, so none is ever silent."""
        step = self.lesson.steps[index]
        found: list[Feedback] = []
        stages: list[list[int]] = [[]]
        if step.kind == "tap":
            found += [self.judge(index, "tap", step.target, [])[1],
                      self.judge(index, "tap", None, [])[1]]
        elif step.kind == "choice":
            found += [self.judge(index, "choice", i, [])[1] for i in range(len(step.options))]
        elif step.kind == "order":
            stages = [list(range(placed)) for placed in range(len(step.items))]
            for before in stages:
                found.append(self.judge(index, "order", -1, before)[1])
                found.append(self.judge(index, "order", len(before), [*before, len(before)])[1])
        elif step.kind == "spot":
            found += [self.judge(index, "spot", answer, [])[1] for answer in ("real", "fake")]
        if step.kind != "tap":
            found.append(self.not_this_yet(index))
        if step.is_practice:
            found.append(self.already_done())
        # "I need help" is there at every stage, the solved one too.
        found += [self.help(index, placed) for placed in self.narration_stages(index)]
        return found

    def narration_stages(self, index: int) -> list[list[int]]:
        """The order step's placed items a step can be (re)opened with (a language or text size
        change midway, a resumed solved step): each needs its narration built."""
        step = self.lesson.steps[index]
        if step.kind != "order":
            return [[]]
        return [list(range(placed)) for placed in range(len(step.items) + 1)]
