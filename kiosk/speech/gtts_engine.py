"""Online speech with gTTS (Google Translate's voice), for building clips ahead of time. No Kivy.

Used by ``audio build`` only, never by the running kiosk and never on a UI thread. Every request
has a timeout: on a network that accepts connections and never answers, gTTS without one waits
forever. gTTS's own timeout is per socket operation (connect, then each read), so a server that
trickles bytes could still hold it for long; :class:`GttsEngine` also runs the request in a
helper thread and gives up at an overall deadline.

The service address can be changed (``base_url``), so tests point it at 127.0.0.1 and no test ever
sends traffic to Google. gTTS builds ``https://translate.google.<tld>/_/TranslateWebserverUi/data/
batchexecute`` in ``gTTS._prepare_requests`` (through ``gtts.utils._translate_url``); the ``tld``
parameter can only change the Google domain, so we subclass gTTS and move each prepared request
to the base URL, keeping its path.

>>> engine = GttsEngine(timeout=1.0, base_url="http://127.0.0.1:9")   # nothing listens there
>>> engine.reachable(timeout=0.5)
False
"""

from __future__ import annotations

import functools
import io
import logging
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kiosk.speech.engine import Rate, SpeechError, base_language

log = logging.getLogger(__name__)

# Kiosk locale -> gTTS language. zh-TW is Google's Taiwan Mandarin voice (it reads 訊息, 日期 the
# Taiwan way, so the [espeak] lexicon tables are not applied to it). The voice is chosen by
# ``lang`` alone; gTTS's ``tld`` only picks the Google host (the default "com" serves zh-TW; "cn"
# refuses requests), so it is left alone.
GTTS_LANGUAGES: Mapping[str, str] = {
    "zh_Hant_TW": "zh-TW",
    "en": "en",
    "vi": "vi",
    "id": "id",
}
DEFAULT_TIMEOUT = 5.0  # seconds, per connect and per read
PROBE_TEXT = "OK"


def rebase_url(url: str, base_url: str) -> str:
    """Move ``url`` to another scheme and host, keeping its path and query.

    >>> rebase_url("https://translate.google.com/_/T/data/batchexecute?x=1", "http://127.0.0.1:8")
    'http://127.0.0.1:8/_/T/data/batchexecute?x=1'
    """
    original, base = urlsplit(url), urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + original.path,
                       original.query, ""))


@functools.cache
def _gtts_class(base_url: str | None) -> Any:
    """gTTS itself, or a subclass that sends its requests to ``base_url``. Imported late: gTTS
    pulls in requests, which the running kiosk does not need."""
    from gtts import gTTS

    if base_url is None:
        return gTTS
    target = base_url

    class RebasedTTS(gTTS):  # type: ignore[misc]  # gTTS has no type information
        def _prepare_requests(self) -> list[Any]:
            prepared = super()._prepare_requests()
            for request in prepared:
                request.prepare_url(rebase_url(request.url, target), None)
            return list(prepared)

    return RebasedTTS


class GttsEngine:
    """gTTS as a speech :class:`~kiosk.speech.engine.Engine`: MP3 bytes, needs the internet.

    ``timeout`` bounds each connect and each read; ``deadline`` (default: three timeouts, as a
    long text is sent in several parts) bounds the whole clip.
    """

    name = "gtts"
    extension = ".mp3"

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, deadline: float | None = None,
                 base_url: str | None = None,
                 languages: Mapping[str, str] | None = None) -> None:
        if timeout <= 0:
            raise ValueError("gTTS needs a positive timeout")
        self.timeout = timeout
        self.deadline = deadline if deadline is not None else 3 * timeout
        self.base_url = base_url
        self.languages = dict(GTTS_LANGUAGES if languages is None else languages)

    def language_for(self, language: str) -> str:
        return self.languages.get(language) or base_language(language)

    def synthesize(self, text: str, language: str, rate: Rate) -> bytes:
        return self._synthesize(text, language, rate, self.timeout, self.deadline)

    def reachable(self, timeout: float = 3.0) -> bool:
        """A quick check that the service answers with audio, for ``--engine auto``."""
        started = time.monotonic()
        try:
            self._synthesize(PROBE_TEXT, "en", "normal", timeout, timeout + 1.0)
        except Exception as exc:  # any failure means "not reachable": build with espeak-ng
            log.info("gTTS is not reachable (%.1f s): %s", time.monotonic() - started, exc)
            return False
        return True

    def _synthesize(self, text: str, language: str, rate: Rate, timeout: float,
                    deadline: float) -> bytes:
        if not text.strip():
            raise SpeechError("nothing to say")
        # gTTS's language check is local; it is skipped for our own table because gTTS 2.5.4
        # wrongly calls "zh-TW" deprecated (and warns on every clip). A language we do not list
        # is still checked, so an unsupported one fails here rather than at the service.
        try:
            tts = _gtts_class(self.base_url)(text, lang=self.language_for(language),
                                             slow=rate == "slow", timeout=timeout,
                                             lang_check=language not in self.languages)
        except ValueError as exc:
            raise SpeechError(f"gTTS cannot speak {language!r}: {exc}") from exc
        buffer = io.BytesIO()
        failure: list[BaseException] = []

        def fetch() -> None:
            try:
                tts.write_to_fp(buffer)
            except BaseException as exc:  # handed to the waiting thread below
                failure.append(exc)

        # A daemon thread, so a request stuck past the deadline cannot keep the process alive;
        # it ends by itself at its next socket timeout, and its buffer is simply dropped.
        worker = threading.Thread(target=fetch, name="gtts-request", daemon=True)
        worker.start()
        worker.join(deadline)
        if worker.is_alive():
            raise SpeechError(f"gTTS gave no answer within {deadline:.1f} s")
        if failure:
            raise SpeechError(f"gTTS failed: {failure[0]}") from failure[0]
        data = buffer.getvalue()
        if not data:
            raise SpeechError("gTTS returned no audio")
        return data
