"""Chinese lines break where a reader expects (kiosk/line_breaks.py), in every widget.

Every Kivy Label (Body, Heading, the buttons, the practice phone's text, the feedback, plain
labels in .kv files) draws its words through one "core label" class, which
``kivy.uix.label`` names as a module global: :func:`install` puts :class:`BreakingLabel` there
before any widget is made. Only the drawing changes: a widget's ``text`` stays as it was (what
the tests find, and what narration reads); the newlines go only into what is laid out.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, ClassVar

import kivy.uix.label
from kivy.core.text import Label as CoreLabel

from kiosk.line_breaks import has_cjk, wrap

_CACHE_SIZE = 2048


class BreakingLabel(CoreLabel):  # type: ignore[misc, valid-type]
    # Shared by every label: the same sentence at the same width and font is wrapped once.
    _wrapped: ClassVar[OrderedDict[tuple[Any, ...], str]] = OrderedDict()

    def render(self, real: bool = False) -> Any:
        text = self._text
        width = self._text_size[0]
        if real or not width or not isinstance(text, str) or not has_cjk(text) \
                or self.options.get("shorten"):
            return super().render(real)
        padding = self.options.get("padding") or (0, 0, 0, 0)
        room = width - padding[0] - padding[2]
        if room <= 0:  # not laid out yet: nothing to wrap to
            return super().render(real)
        options = self.options
        key = (text, room, options.get("font_size"), options.get("font_name"),
               options.get("bold"), options.get("italic"), options.get("font_features"))
        wrapped = self._wrapped.get(key)
        if wrapped is None:
            wrapped = wrap(text, lambda line: self.get_extents(line)[0] <= room)
            self._wrapped[key] = wrapped
            while len(self._wrapped) > _CACHE_SIZE:
                self._wrapped.popitem(last=False)
        else:
            self._wrapped.move_to_end(key)
        if wrapped == text:
            return super().render(real)
        # The real pass (render(real=True)) draws the lines laid out here (_cached_lines), so
        # the newlines need only be in place for this one.
        self._text = wrapped
        try:
            return super().render(real)
        finally:
            self._text = text


def install() -> None:
    """Make every Label made from now on lay out its lines with :class:`BreakingLabel`."""
    kivy.uix.label.CoreLabel = BreakingLabel
