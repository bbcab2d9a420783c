"""The lesson player screen: "Step 3 of 8", the words, the practice phone, Back / Help / Next.

All decisions are made by :class:`kiosk.player.LessonPlayer`; this screen shows what it says and
passes taps to it.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.player import Feedback, LessonPlayer
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.widgets.common import BigButton, Body

load_kv(__file__)


class StepScreen(KioskScreen):
    step_label = StringProperty("")
    lesson_title = StringProperty("")
    feedback_text = StringProperty("")
    feedback_kind = StringProperty("")
    can_go_next = BooleanProperty(False)
    can_go_back = BooleanProperty(False)
    next_label = StringProperty("")

    @property
    def player(self) -> LessonPlayer:
        return self.app.player  # type: ignore[no-any-return]

    def refresh(self) -> None:
        player = self.player
        if player is None:
            return
        app = self.app
        step = player.step
        self.lesson_title = app.translate(player.lesson.title)
        self.step_label = player.step_label
        self.feedback_text = ""
        self.feedback_kind = ""
        words = self.ids.words
        words.clear_widgets()
        for sentence in player.sentences:
            words.add_widget(Body(text=sentence))
        phone = self.ids.phone
        phone.show(step.screen, player.text, app.settings.images_dir)
        self.ids.picture.source = (str(app.settings.images_dir / step.picture)
                                   if step.picture else "")
        self._build_answers()
        self._update_buttons()

    # --- answers -----------------------------------------------------------------------------
    def _build_answers(self) -> None:
        player = self.player
        step = player.step
        answers = self.ids.answers
        answers.clear_widgets()
        # Four or more items to order go in two columns, so that all of them and the feedback
        # fit on the screen at once (no scrolling on the kiosk).
        answers.cols = 2 if step.kind == "order" and len(step.items) > 3 else 1
        if step.kind == "choice":
            for index, option in enumerate(step.options):
                button = BigButton(text=player.text(option.text), style="secondary", compact=True)
                button.option_index = index
                button.bind(on_release=self._choose)
                answers.add_widget(button)
        elif step.kind == "order":
            for index in player.order_items:
                button = BigButton(text=player.text(step.items[index]), style="secondary",
                                   compact=True)
                button.item_index = index
                button.bind(on_release=self._pick)
                answers.add_widget(button)
        elif step.kind == "spot":
            answers.cols = 2
            for answer, label in (("real", "It is real"), ("fake", "It is fake")):
                button = BigButton(text=self.app.translate(label), style="secondary",
                                   compact=True)
                button.spot_answer = answer
                button.bind(on_release=self._spot)
                answers.add_widget(button)

    def _choose(self, button: BigButton) -> None:
        for other in self.ids.answers.children:
            other.style = "secondary"
        feedback = self.player.choose(button.option_index)
        if feedback.right:
            button.style = "primary"
        self._show(feedback)

    def _pick(self, button: BigButton) -> None:
        feedback = self.player.pick(button.item_index)
        if feedback is None:
            return
        if feedback.right:
            number = len(self.player.picked)
            button.text = f"{number}.  {button.text}"
            button.style = "primary"
            button.disabled = False
        self._show(feedback)

    def _spot(self, button: BigButton) -> None:
        feedback = self.player.spot(button.spot_answer)
        self._show(feedback)
        if feedback.right:
            answers = self.ids.answers
            answers.clear_widgets()
            answers.cols = 1
            for number, sign in enumerate(feedback.signs, 1):
                answers.add_widget(Body(text=f"{number}.  {self.player.text(sign.text)}"))
            self.ids.phone.mark_signs([sign.element for sign in feedback.signs])

    def on_phone_tap(self, element_id: str | None) -> None:
        feedback = self.player.tap(element_id)
        if feedback is not None:
            self._show(feedback)

    def _show(self, feedback: Feedback) -> None:
        self.feedback_kind = feedback.kind
        self.feedback_text = feedback.text
        self.ids.phone.highlight = feedback.point_at
        self._update_buttons()

    def _update_buttons(self) -> None:
        player = self.player
        self.can_go_next = player.answered
        self.can_go_back = player.index > 0
        self.next_label = (self.app.translate("Finish") if player.is_last
                           else self.app.translate("Next"))
        self.app.alert = player.storage_problem

    # --- bottom bar --------------------------------------------------------------------------
    def go_next(self) -> None:
        if not self.player.next():
            self.app.finish_lesson()
            return
        self.refresh()

    def go_back(self) -> None:
        if self.player.index == 0:
            self.app.go("lessons")
            return
        self.player.back()
        self.refresh()

    def show_help(self) -> None:
        self.feedback_kind = "hint"
        self.feedback_text = self.player.help_text
        if self.player.step.kind == "tap":
            self.ids.phone.highlight = self.player.step.target
