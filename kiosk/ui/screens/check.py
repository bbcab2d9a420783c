"""The before-and-after check: an offer, the items, the confidence faces, what you can do now.

"Let's see what you already know" is offered before a learner's first lesson in a topic, and
the other form after its last lesson (kiosk/ui/app.py). It is always skippable with one large
button, shows no right or wrong while it runs and no score at the end: the end lists what the
learner does right ("Now you can: ..."), and for a profile learner after the after-check, their
own before and after side by side. Every word on it is read aloud, like a step.
:class:`kiosk.check_player.CheckPlayer` decides; this screen draws and forwards taps.
"""

from __future__ import annotations

from kivy.properties import ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.check_player import CONFIDENCE_CHOICES, CONFIDENCE_QUESTION, CheckPlayer
from kiosk.i18n import N_, _
from kiosk.speech.narration import join_sentences
from kiosk.step_words import SPOT_LABELS
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.widgets.common import BigButton, Body
from kiosk.ui.widgets.phone import PhoneView  # noqa: F401  (registers it for check.kv)

load_kv(__file__)

OFFER_TITLE = N_("Let's see what you already know")
OFFER_BEFORE = (N_("A few questions on the practice phone, about two minutes."),
                N_("It is not a test. You can skip it."))
OFFER_AFTER = (N_("You have done every lesson in this topic."),
               N_("Let's see what you can do now, in about two minutes."))
THANKS = N_("Thank you.")
NOW_YOU_CAN = N_("Now you can:")
BEFORE_AND_NOW = N_("Before the lessons: {before} of {total}. Now: {now} of {total}.")
NOTHING_YET = N_("The lessons will show you how. Take your time.")


class ConfidenceFace(Widget):
    """A line-drawn face: ``level`` 1 (a frown) to 4 (a wide smile)."""

    level = NumericProperty(1)
    r = NumericProperty(0)
    mouth = ListProperty([0, 0, 0, 0, 0, 0])

    def on_size(self, *_: object) -> None:
        self._draw()

    def on_pos(self, *_: object) -> None:
        self._draw()

    def on_level(self, *_: object) -> None:
        self._draw()

    def _draw(self) -> None:
        self.r = min(self.width, self.height) / 2 - 2
        cx, cy, r = self.center_x, self.center_y, self.r
        bend = (-0.28, -0.1, 0.12, 0.3)[int(self.level) - 1]  # down (sad) .. up (happy)
        y = cy - r * 0.38
        self.mouth = [cx - r * 0.45, y, cx, y - bend * r * 2, cx + r * 0.45, y]


class ConfidenceChoice(ButtonBehavior, BoxLayout):
    """One of the four large answers: a face with its words under it."""

    level = NumericProperty(1)
    text = StringProperty("")


class CheckScreen(KioskScreen):
    header = StringProperty("")
    skip_label = StringProperty("")
    # offer, item, confidence or end
    state = StringProperty("offer")

    @property
    def check(self) -> CheckPlayer | None:
        return self.app.check_player  # type: ignore[no-any-return]

    def refresh(self) -> None:
        check = self.check
        if check is None:
            return
        words, answers, phone = self.ids.words, self.ids.answers, self.ids.phone
        words.clear_widgets()
        answers.clear_widgets()
        answers.cols = 1
        phone.show(None, check.text, self.app.settings.images_dir, self.app.language)
        sentences: list[str] = []  # shown on the left, and read
        spoken_only: list[str] = []  # read too (the words under the faces)
        if check.finished:
            self.state = "end"
            sentences = self._end(check)
        elif not self.app.check_started:
            self.state = "offer"
            self.header = _(OFFER_TITLE)
            sentences = [_(s) for s in (OFFER_BEFORE if check.phase == "before"
                                        else OFFER_AFTER)]
            self._button(_("Start"), self._start, primary=True)
        elif check.on_confidence:
            self.state = "confidence"
            self.header = ""
            sentences = [_(CONFIDENCE_QUESTION)]
            answers.cols = 4
            for level, choice_words in enumerate(CONFIDENCE_CHOICES, 1):
                choice = ConfidenceChoice(level=level, text=_(choice_words))
                choice.bind(on_release=self._confident)
                answers.add_widget(choice)
                spoken_only.append(_(choice_words))
        else:
            self.state = "item"
            self.header = check.item_label
            step = check.step
            sentences = check.sentences
            phone.show(step.screen, check.text, self.app.settings.images_dir,
                       self.app.language)
            if step.kind == "choice":
                for index, option in enumerate(step.options):
                    self._button(check.text(option.text), self._choose).option_index = index
                    spoken_only.append(check.text(option.text))
            elif step.kind == "spot":
                answers.cols = 2
                for answer, label in ((a, _(text)) for a, text in SPOT_LABELS.items()):
                    self._button(label, self._spot).spot_answer = answer
        for sentence in sentences:
            words.add_widget(Body(text=sentence, font_size=self.app.theme.font_body))
        self.skip_label = (_("Go on") if self.state == "end" else _("Skip"))
        self.app.alert = check.storage_problem
        # Every word on the screen is read, as a step's are (the same narrator and clips).
        spoken = [*([self.header] if self.header else []), *sentences, *spoken_only]
        self.app.narrator.open(join_sentences(spoken), self.app.language)

    def _end(self, check: CheckPlayer) -> list[str]:
        self.header = _(THANKS)
        can = check.can_do
        sentences = [_(NOW_YOU_CAN), *can] if can else [_(NOTHING_YET)]
        if check.phase == "after" and self.app.profile_picture:
            before = self.app.check_results.record(check.learner_id, check.form.topic,
                                                   "before")
            if before is not None and before.done and before.items_right is not None:
                sentences.append(_(BEFORE_AND_NOW).format(
                    before=before.items_right, now=check.record.items_right,
                    total=check.form.item_count))
        return sentences

    def _button(self, text: str, handler: object, *, primary: bool = False) -> BigButton:
        button = BigButton(text=text, style="primary" if primary else "secondary",
                           compact=True, font_size=self.app.theme.font_body)
        button.bind(on_release=handler)
        self.ids.answers.add_widget(button)
        return button

    # --- what the learner does ---------------------------------------------------------------
    def _start(self, *_: object) -> None:
        self.app.check_started = True
        self.refresh()

    def _choose(self, button: BigButton) -> None:
        assert self.check is not None
        self.check.choose(button.option_index)
        self.refresh()

    def _spot(self, button: BigButton) -> None:
        assert self.check is not None
        self.check.spot(button.spot_answer)
        self.refresh()

    def _confident(self, choice: ConfidenceChoice) -> None:
        assert self.check is not None
        self.check.confidence(int(choice.level))
        self.refresh()

    def on_phone_tap(self, element_id: str | None) -> None:
        check = self.check
        if check is None or self.state != "item":
            return
        said = check.tap(element_id)
        if said:
            self.app.narrator.say(said, self.app.language)
        else:
            self.refresh()

    def skip_or_go_on(self) -> None:
        """Skip (at any point before the end), or Go on (at the end): the same large button."""
        check = self.check
        if check is not None and not check.finished:
            check.skip()
            self.app.alert = check.storage_problem
        self.app.check_done()
