"""CheckPlayer: one learner going through one form of a topic's before-and-after check. No Kivy.

The items are lesson steps (kiosk/lessons/checks.py), judged by the lessons' own rule
(:func:`kiosk.player.is_right`). Unlike a lesson, a check says nothing about right or wrong
while it runs and does not let an item be tried again: it asks what the learner can do *now*,
so each item's first answer is kept and the next item follows. After the items comes the
confidence question (four faces); the end shows what the learner does right ("Now you can: ..."),
never a score.

>>> player = CheckPlayer.begin(results, form, learner_id, phase="before", language="en")
>>> player.choose(0)            # the first item's answer is kept; the second item is shown
>>> player.confidence(3)        # after the last item; the check is done
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kiosk.check_results import CheckRecord, CheckResults, Phase
from kiosk.i18n import N_, SOURCE_LANGUAGE, _, fill, translations_for
from kiosk.i18n.coverage import needs_translation
from kiosk.lessons.checks import CheckForm
from kiosk.lessons.model import Step
from kiosk.player import NOT_THIS_YET, is_right
from kiosk.progress import StorageError

CONFIDENCE_QUESTION = N_("How sure are you that you could do this on your own phone?")
# From least to most sure; stored as 1 to 4. Each is drawn as a face with these words under it.
CONFIDENCE_CHOICES = (
    N_("Not sure at all"),
    N_("A little sure"),
    N_("Quite sure"),
    N_("Very sure"),
)


def check_language(form: CheckForm, language: str) -> str:
    """The language the form's words are shown in: the learner's when every string of the form
    is translated there, else English for all of it (never a mix, as for lessons)."""
    if language == SOURCE_LANGUAGE:
        return language
    known = translations_for(language).lesson_messages
    complete = all(s in known for s in form.strings() if needs_translation(s))
    return language if complete else SOURCE_LANGUAGE


@dataclass
class CheckPlayer:
    results: CheckResults
    form: CheckForm
    learner_id: str
    phase: Phase
    language: str
    record: CheckRecord
    currency: str = "TWD"
    index: int = 0  # the item on screen; item_count means the confidence question
    storage_problem: str = ""

    @classmethod
    def begin(cls, results: CheckResults, form: CheckForm, learner_id: str, *, phase: Phase,
              language: str, currency: str = "TWD") -> CheckPlayer:
        """Start the check, or go on from the first item not yet answered."""
        record = results.begin(learner_id, form.topic, phase, form=form.form,
                               form_version=form.version, item_count=form.item_count,
                               language=language)
        answered = results.answers(record.id)
        index = next((i for i in range(form.item_count) if i not in answered), form.item_count)
        return cls(results, form, learner_id, phase, language, record, currency, index)

    # --- what to show ---------------------------------------------------------------------------
    @property
    def on_confidence(self) -> bool:
        return self.index >= self.form.item_count and not self.record.done

    @property
    def finished(self) -> bool:
        return self.record.done

    @property
    def step(self) -> Step:
        return self.form.steps[self.index]

    @property
    def item_label(self) -> str:
        return _("Question {number} of {total}").format(number=self.index + 1,
                                                        total=self.form.item_count)

    def text(self, source: str) -> str:
        language = check_language(self.form, self.language)
        words = (source if language == SOURCE_LANGUAGE
                 else translations_for(self.language).lessons.gettext(source))
        return fill(words, self.form.values, locale=language, currency=self.currency)

    @property
    def sentences(self) -> list[str]:
        return [self.text(s) for s in self.step.text]

    @property
    def can_do(self) -> list[str]:
        """What the learner did right in this check, in their words: "Now you can: ..."."""
        answers = self.results.answers(self.record.id)
        return [self.text(self.form.can[i]) for i, right in sorted(answers.items()) if right]

    # --- what the learner does ------------------------------------------------------------------
    def tap(self, element_id: str | None) -> str:
        """A tap on the practice phone. On a tap item a tap on an element is the answer; a tap
        elsewhere on the phone, or on a choice or spot item, is not, and gets the lessons' kind
        "Not this one yet" (returned, for the screen to show; empty when it was an answer)."""
        if self.on_confidence or self.finished:
            return ""
        if self.step.kind != "tap":
            return _(NOT_THIS_YET[self.step.kind])
        if element_id is None:
            return ""
        self._answer("tap", element_id)
        return ""

    def choose(self, option: int) -> None:
        if not self.on_confidence and self.step.kind == "choice":
            self._answer("choice", option)

    def spot(self, answer: Literal["real", "fake"]) -> None:
        if not self.on_confidence and self.step.kind == "spot":
            self._answer("spot", answer)

    def confidence(self, level: int) -> CheckRecord:
        """The confidence answer (1 "Not sure at all" to 4 "Very sure") ends the check."""
        try:
            self.record = self.results.finish(self.record.id, confidence=level)
            self.storage_problem = ""
        except StorageError as exc:
            self.storage_problem = str(exc)
        return self.record

    def skip(self) -> None:
        """Skip the rest: the check is not counted, and not offered again."""
        try:
            self.results.skip(self.learner_id, self.form.topic, self.phase, form=self.form.form,
                              form_version=self.form.version, item_count=self.form.item_count,
                              language=self.language)
            self.storage_problem = ""
        except StorageError as exc:
            self.storage_problem = str(exc)

    def _answer(self, kind: str, value: object) -> None:
        try:
            self.results.answer(self.record.id, self.index,
                                correct=is_right(self.step, kind, value))
            self.storage_problem = ""
        except StorageError as exc:
            # The check goes on; this item's answer is lost, and the screen says so calmly.
            self.storage_problem = str(exc)
        self.index += 1
