"""The lesson player screen: "Step 3 of 8", the words, the practice phone, Back / Help / Next.

All decisions are made by :class:`kiosk.player.LessonPlayer`; this screen shows what it says and
passes taps to it.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.i18n import _
from kiosk.player import Feedback, LessonPlayer
from kiosk.speech.narration import feedback_speech, step_speech
from kiosk.step_words import SPOT_LABELS
from kiosk.ui.screens.base import KioskScreen, TextFitter, load_kv
from kiosk.ui.theme import TEXT_SCALES
from kiosk.ui.widgets.common import BigButton, Body, even_rows, stop_even_rows
from kiosk.ui.widgets.fit_bar import FitBar  # noqa: F401  (registers it for step.kv)
from kiosk.ui.widgets.phone import PhoneView  # noqa: F401  (registers it for step.kv)

load_kv(__file__)


def order_columns(count: int) -> int:
    """How many columns an order step's ``count`` items go in. Three or fewer: one column. More
    go side by side, so that all of them and the feedback fit on the screen at once (no
    scrolling on the kiosk), in the fewest columns that leave no button alone on the last row
    (issue 15: a lone last button looks like a leftover): 4 as 2+2, 5 as 3+2, 6 as 2+2+2."""
    if count <= 3:
        return 1
    return next(cols for cols in range(2, count) if count % cols != 1)


class StepScreen(KioskScreen):
    step_label = StringProperty("")
    lesson_title = StringProperty("")
    feedback_text = StringProperty("")
    feedback_kind = StringProperty("")
    can_go_next = BooleanProperty(False)
    can_go_back = BooleanProperty(False)
    next_label = StringProperty("")
    # The lesson title's font size when it is fitted to one line (0: the theme's own size).
    title_size = NumericProperty(0)
    # A title may come down to this size to stay on one line (then it wraps): the smallest
    # print anywhere on the kiosk (the practice phone's small print; the audits' minimum).
    MIN_TITLE_MM = 3.4
    # Shrinks the step's text a little when a long step (in a long language) would not fit:
    # learners cannot scroll, and clipped words are worse than slightly smaller ones.
    text_scale = NumericProperty(1.0)
    MIN_TEXT_SCALE = 0.75

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._fit_trigger = Clock.create_trigger(self._fit)
        self._fitter = TextFitter(self.MIN_TEXT_SCALE)
        # Widgets are reused from step to step: building one from its kv rules costs more than
        # drawing its new words, and a learner waits for every step change.
        self._word_pool: list[Body] = []
        self._answer_pool: list[BigButton] = []
        self._title_trigger = Clock.create_trigger(self._fit_title)
        self.bind(lesson_title=self._title_trigger)
        self.ids.lesson_title.bind(width=self._title_trigger)
        # The column's room changes when the header or the bar settles (a title fitted, a bar
        # label wrapped): fit the words again to the room there is now.
        self.ids.left.bind(height=self._room_changed)

    def _pooled(self, pool: list, index: int, make: type) -> object:  # type: ignore[type-arg]
        while len(pool) <= index:
            widget = make()
            if make is BigButton:
                widget.bind(on_release=self._answer_tapped)
            pool.append(widget)
        widget = pool[index]
        widget.font_size = self.app.theme.font_body
        return widget

    def _answer_button(self, index: int, text: str) -> BigButton:
        button = self._pooled(self._answer_pool, index, BigButton)
        button.text = text
        button.style = "secondary"
        button.compact = True
        button.disabled = False
        stop_even_rows(button)
        self.ids.answers.add_widget(button)
        return button  # type: ignore[no-any-return]

    def _answer_tapped(self, button: BigButton) -> None:
        handler = {"choice": self._choose, "order": self._pick, "spot": self._spot}
        kind = self.player.step.kind
        if kind in handler:
            handler[kind](button)

    @property
    def player(self) -> LessonPlayer:
        return self.app.player  # type: ignore[no-any-return]

    def refresh(self) -> None:
        player = self.player
        if player is None:
            return
        app = self.app
        step = player.step
        self.lesson_title = player.text(player.lesson.title)
        self.step_label = player.step_label
        self.feedback_text = ""
        self.feedback_kind = ""
        self.text_scale = 1.0
        self._fitter.reset()
        words = self.ids.words
        words.clear_widgets()
        for index, sentence in enumerate(player.sentences):
            label = self._pooled(self._word_pool, index, Body)
            label.text = sentence
            words.add_widget(label)
        phone = self.ids.phone
        phone.show(step.screen, player.text, app.settings.images_dir, app.language)
        self.ids.picture.source = (str(app.settings.images_dir / step.picture)
                                   if step.picture else "")
        self._build_answers()
        # The answer already given on this step (before a language or text size change, or
        # before a restart) is drawn again: its feedback, the highlight, the signs.
        self._draw_answer()
        self._update_buttons()
        self._fit_trigger()
        app.narrator.open(*step_speech(player))
        self._title_trigger()  # the text size may have changed under the same title
        Clock.schedule_once(self._prepare_next, 0)  # next frame: this step is on screen by then

    def _prepare_next(self, *_: object) -> None:
        """Build the next step's practice phone while the learner reads this one."""
        player = self.player
        if player is None or player.is_last:
            return
        following = player.lesson.steps[player.index + 1]
        self.ids.phone.prepare(following.screen, player.text, self.app.settings.images_dir,
                               self.app.language)

    def _fit_title(self, *_: object) -> None:
        """The lesson title on one line when it can be: a long title in a long language comes
        down a little (at most to MIN_TITLE_MM), so the header keeps its height and the step's
        own words keep their room. Below that it wraps; it is never cut."""
        from kivy.core.text import Label as CoreLabel

        label = self.ids.lesson_title
        full = self.app.theme.font_detail
        if not self.lesson_title or label.width <= 1:
            return
        measure = CoreLabel(font_size=full, font_name=label.font_name, bold=label.bold)
        width = measure.get_extents(self.lesson_title)[0]
        room = label.width - 2
        least = min(full, self.MIN_TITLE_MM * self.app.theme.px_per_mm)
        self.title_size = 0 if width <= room else max(least, int(full * room / width))

    def on_title_size(self, *_: object) -> None:
        # The header's height changed: what fitted (or overflowed) below it says nothing now.
        self._room_changed()

    def _room_changed(self, *_: object) -> None:
        self._fitter.reset()
        self._fit_trigger()

    def _scaled_widgets(self) -> list[object]:
        return [*self.ids.words.children, *self.ids.answers.children]

    def on_text_scale(self, _screen: object, scale: float) -> None:
        size = self.app.theme.font_body * scale
        for widget in self._scaled_widgets():
            widget.font_size = size

    def on_feedback_text(self, *_: object) -> None:
        # Other words on screen: what fitted (or overflowed) before says nothing now.
        self._fitter.reset()
        self._fit_trigger()

    def _fit(self, *_: object) -> None:
        """Scale the step's text to fit the left column (see TextFitter). With a larger text
        size chosen, a long step may come down as far as the standard size's own minimum."""
        least = self.MIN_TEXT_SCALE / TEXT_SCALES.get(self.app.theme.text_size, 1.0)
        scale = self._fitter.next(self.ids.left, self.text_scale, least)
        if scale is not None:
            self.text_scale = scale
            self._fit_trigger()

    # --- answers -----------------------------------------------------------------------------
    def _build_answers(self) -> None:
        player = self.player
        step = player.step
        answers = self.ids.answers
        answers.clear_widgets()
        # Items to order go in as few columns as leave no lone button on the last row, so that
        # all of them and the feedback fit on the screen at once (no scrolling on the kiosk).
        answers.cols = order_columns(len(step.items)) if step.kind == "order" else 1
        if step.kind == "choice":
            for index, label in enumerate(player.answer_labels):
                self._answer_button(index, label).option_index = index
        elif step.kind == "order":
            for position, (index, label) in enumerate(zip(player.order_items,
                                                          player.answer_labels, strict=True)):
                self._answer_button(position, label).item_index = index
        elif step.kind == "spot":
            answers.cols = 2
            labels = tuple((answer, _(label)) for answer, label in SPOT_LABELS.items())
            for position, (answer, label) in enumerate(labels):
                self._answer_button(position, label).spot_answer = answer
        if answers.cols > 1:  # side by side: one height a row, never ragged
            even_rows(list(reversed(answers.children)), answers.cols)

    def _choose(self, button: BigButton) -> None:
        feedback = self.player.choose(button.option_index)
        if feedback is not None:
            self._draw_answer()
            self._say(feedback)

    def _pick(self, button: BigButton) -> None:
        feedback = self.player.pick(button.item_index)
        if feedback is not None:
            self._draw_answer()
            self._say(feedback)

    def _spot(self, button: BigButton) -> None:
        feedback = self.player.spot(button.spot_answer)
        self._draw_answer()
        self._say(feedback)

    def on_phone_tap(self, element_id: str | None) -> None:
        player = self.player
        # Only a tap step's taps before it is solved are answers: the player keeps them (and the
        # screen redraws them after a language or size change). Any other tap gets a passing
        # word ("Not this one yet...", "You have done this step...") that is shown and read,
        # but leaves the kept answer, the highlight and the phone's screen as they were.
        counted = player.step.kind == "tap" and not player.solved_here
        feedback = player.tap(element_id)  # every tap on the phone gets an answer
        if counted:
            self._draw_answer()
        else:
            self.feedback_kind = feedback.kind
            self.feedback_text = feedback.text
            self._update_buttons()
            self._fit_trigger()
        self._say(feedback)

    def _say(self, feedback: Feedback) -> None:
        """Read feedback aloud at once, over the step's narration: a learner who cannot read
        hears it too. Only when the learner has just answered: a redraw (a language or text size
        change, a resumed step) shows the kept answer again without reading it again."""
        # In the language of the words shown: a lesson not translated into the learner's
        # language is shown, and read, in English; the kiosk's own words in the learner's.
        self.app.narrator.say(*feedback_speech(self.player, feedback))

    def _draw_answer(self) -> None:
        """Draw the player's answered state: the feedback in the language now on, the chosen
        option, the items placed so far, a fake message's signs. All of it comes from the
        player, so a redraw (language, text size, a restart) shows the same thing again."""
        player = self.player
        step = player.step
        feedback = player.feedback
        self.feedback_kind = feedback.kind if feedback else ""
        self.feedback_text = feedback.text if feedback else ""
        if feedback is not None and feedback.screen is not None:
            # A right tap moved the phone on, as a real one would (the lesson's leads_to); a
            # redraw (language, size, a resumed step) shows that screen again, not the first.
            self.ids.phone.show(feedback.screen, player.text, self.app.settings.images_dir,
                                self.app.language)
        self.ids.phone.highlight = feedback.point_at if feedback else ""
        answers = self.ids.answers
        if step.kind == "choice":
            for button in answers.children:
                right = player.solved_here and button.option_index == player.chosen
                button.style = "primary" if right else "secondary"
        elif step.kind == "order":
            for button in answers.children:
                item = button.item_index
                button.text = player.words.item_label(player.index, item, player.picked)
                button.style = "primary" if item in player.picked else "secondary"
        elif step.kind == "spot" and player.solved_here and feedback is not None:
            answers.clear_widgets()
            answers.cols = 1
            for number, sign in enumerate(feedback.signs, 1):
                answers.add_widget(Body(text=f"{number}.  {player.text(sign.text)}",
                                        font_size=self.app.theme.font_body * self.text_scale))
            self.ids.phone.mark_signs([sign.element for sign in feedback.signs])
        self._update_buttons()
        self._fit_trigger()

    def _update_buttons(self) -> None:
        player = self.player
        self.can_go_next = player.answered
        self.can_go_back = player.index > 0
        self.next_label = _("Finish") if player.is_last else _("Next")
        self.app.alert = player.storage_problem

    # --- bottom bar --------------------------------------------------------------------------
    def go_next(self) -> None:
        if not self.player.next():
            self.app.finish_lesson()
            return
        self.refresh()

    def go_back(self) -> None:
        if self.player.index == 0:
            self.go_lessons()
            return
        self.player.back()
        self.refresh()

    def go_lessons(self) -> None:
        """"All lessons": out of the lesson midway, to its topic's list; the place is kept."""
        self.player.leave()
        self.app.alert = self.player.storage_problem
        self.app.go("lessons")

    def need_help(self) -> None:
        """"I need help": a calm answer, a hint if this step has one, a volunteer if asked."""
        from kiosk.ui.widgets.help import HelpPrompt

        prompt = HelpPrompt(show_hint=self.show_help if self.player.help_text else None)
        prompt.bind(on_dismiss=self._read_step_again)
        prompt.open_and_say()

    def _read_step_again(self, *_: object) -> None:
        # "Listen again" reads the step again, not the answer to "I need help".
        if self.player is not None and self.app.root.current == "step":
            self.app.narrator.open(*step_speech(self.player), autoplay=False)

    def show_help(self) -> None:
        self.player.ask_help()
        self._draw_answer()
        self._say(self.player.help_feedback)
