"""Offline speech with libespeak-ng, the copy shipped by the ``espeakng-loader`` wheel. No Kivy.

No system package is needed: the wheel carries libespeak-ng 1.52 and its voice data for x86_64 and
aarch64, and we drive the library through ctypes. It is initialised in synchronous mode
(``AUDIO_OUTPUT_SYNCHRONOUS``): ``espeak_Synth`` returns when the whole text has been spoken, and
the samples arrive meanwhile through a callback, which collects them. Nothing is played here; the
result is a WAV file (16-bit mono at the library's rate, 22 050 Hz) as bytes.

libespeak-ng keeps global state (the current voice, rate, callback and its buffers), so every call
into it holds one process-wide lock, and it is initialised once per process, on first use.

>>> engine = EspeakEngine()
>>> wav = engine.synthesize("請掃描商店的付款碼。", "zh_Hant_TW", "normal")
>>> round(wav_seconds(wav), 1) > 1
True
"""

from __future__ import annotations

import ctypes
import importlib
import io
import logging
import os
import sys
import threading
import wave
from array import array
from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.speech.engine import Rate, SpeechError, base_language

log = logging.getLogger(__name__)

# Kiosk locale -> espeak-ng 1.52 voice (the files under espeak-ng-data/lang/). "cmn" reads Chinese
# characters, Traditional and Simplified, as Mandarin; 1.52 no longer has Debian 1.51's bug that
# made ``-v cmn`` read Chinese wrongly. Latin words inside Chinese text are read as English.
ESPEAK_VOICES: Mapping[str, str] = {
    "zh_Hant_TW": "cmn",
    "en": "en",
    "vi": "vi",
    "id": "id",
}
# The Vietnamese accents espeak-ng 1.52 has (espeak-ng-data/lang/aav/): the setting
# ``vietnamese_voice`` picks one; "north" is espeak-ng's own "vi".
VIETNAMESE_VOICES: Mapping[str, str] = {
    "north": "vi",
    "south": "vi-vn-x-south",
    "central": "vi-vn-x-central",
}
# Words per minute. espeak's default (175) is brisk for older first-time learners; "slow" is the
# "Slower" button.
WORDS_PER_MINUTE: Mapping[Rate, int] = {"normal": 150, "slow": 110}

# From speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # without it a missing data folder calls exit() in the library
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_PARAM_RATE = 1
_EE_OK = 0
_PHONEMES_IPA = 0x02

_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                  ctypes.c_void_p)

_lock = threading.Lock()  # guards everything below and every call into the library
_library: _Library | None = None
_init_error: str | None = None
_chunks: list[bytes] = []


@dataclass(frozen=True)
class _Library:
    lib: ctypes.CDLL
    sample_rate: int
    version: str


def _on_samples(wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int | None) -> int:
    # Called by espeak_Synth, in the calling thread, while we hold the lock. Keep it trivial:
    # an exception in a ctypes callback is printed and lost.
    if wav and count > 0:
        _chunks.append(ctypes.string_at(wav, count * 2))
    return 0  # 0 = go on


_callback = _SynthCallback(_on_samples)  # module-level: ctypes must keep it alive


def _load() -> _Library:
    """Load and initialise the library once (caller holds the lock). Remembers a failure, so a
    kiosk without a usable espeak-ng fails fast on every later clip instead of retrying."""
    global _library, _init_error
    if _library is not None:
        return _library
    if _init_error is not None:
        raise SpeechError(_init_error)
    try:
        # Imported by name: the package has no type information, and it is only needed here.
        espeakng_loader = importlib.import_module("espeakng_loader")
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data_path = str(espeakng_loader.get_data_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                          ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p,
                                     ctypes.c_void_p]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int,
                                              ctypes.c_int]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, os.fsencode(data_path),
                                            _INITIALIZE_DONT_EXIT)
        if sample_rate <= 0:
            raise SpeechError(f"espeak-ng could not start with its data in {data_path}")
        lib.espeak_SetSynthCallback(_callback)
        version = (lib.espeak_Info(None) or b"?").decode("ascii", "replace")
    except (ImportError, OSError, AttributeError, RuntimeError, SpeechError) as exc:
        _init_error = f"espeak-ng is not available: {exc}"
        log.error("%s", _init_error)
        raise SpeechError(_init_error) from exc
    _library = _Library(lib, sample_rate, version)
    log.info("espeak-ng %s ready (%d Hz)", version, sample_rate)
    return _library


def _set_voice(library: _Library, voice: str) -> None:
    if library.lib.espeak_SetVoiceByName(voice.encode("ascii")) != _EE_OK:
        raise SpeechError(f"espeak-ng has no voice {voice!r}")


def synthesize_pcm(text: str, voice: str, words_per_minute: int) -> tuple[bytes, int]:
    """Speak ``text`` with an espeak-ng voice; return (16-bit mono little-endian samples, rate)."""
    encoded = text.replace("\0", " ").encode("utf-8") + b"\0"
    with _lock:
        library = _load()
        _set_voice(library, voice)
        library.lib.espeak_SetParameter(_PARAM_RATE, words_per_minute, 0)
        _chunks.clear()
        try:
            status = library.lib.espeak_Synth(encoded, len(encoded), 0, _POS_CHARACTER, 0,
                                              _CHARS_UTF8, None, None)
            pcm = b"".join(_chunks)
        finally:
            _chunks.clear()
    if status != _EE_OK:
        raise SpeechError(f"espeak-ng failed on voice {voice!r} (error {status})")
    if not pcm:
        raise SpeechError(f"espeak-ng made no sound for {text[:40]!r}")
    if sys.byteorder == "big":  # WAV is little-endian; the library writes native samples
        samples = array("h")
        samples.frombytes(pcm)
        samples.byteswap()
        pcm = samples.tobytes()
    return pcm, library.sample_rate


def pcm_to_wav(pcm: bytes, sample_rate: int) -> bytes:
    """Wrap 16-bit mono samples in a WAV header (stdlib ``wave``)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def wav_seconds(wav: bytes) -> float:
    """The length of a WAV file given as bytes."""
    with wave.open(io.BytesIO(wav), "rb") as clip:
        return clip.getnframes() / clip.getframerate()


def version() -> str:
    """The library's version, e.g. ``"1.52.0"`` (initialises it)."""
    with _lock:
        return _load().version


class EspeakEngine:
    """espeak-ng as a speech :class:`~kiosk.speech.engine.Engine`: WAV bytes, offline, ~10-30 ms
    for a sentence. Safe to call from any thread (calls are serialised by one lock)."""

    name = "espeak"
    extension = ".wav"

    def __init__(self, voices: Mapping[str, str] | None = None,
                 words_per_minute: Mapping[Rate, int] | None = None) -> None:
        self.voices = dict(ESPEAK_VOICES if voices is None else voices)
        self.words_per_minute = dict(WORDS_PER_MINUTE if words_per_minute is None
                                     else words_per_minute)

    def voice_for(self, language: str) -> str:
        """The voice for a kiosk language; an unlisted one tries its base language's voice."""
        return self.voices.get(language) or base_language(language)

    def synthesize(self, text: str, language: str, rate: Rate) -> bytes:
        if not text.strip():
            raise SpeechError("nothing to say")
        pcm, sample_rate = synthesize_pcm(text, self.voice_for(language),
                                          self.words_per_minute[rate])
        return pcm_to_wav(pcm, sample_rate)

    def phonemes(self, text: str, language: str) -> str:
        """What espeak-ng will say, in IPA: for checking that a voice reads a language right
        (Chinese characters should come out as Mandarin syllables, not as spelled-out codes)."""
        buffer = ctypes.create_string_buffer(text.encode("utf-8"))
        pointer = ctypes.c_void_p(ctypes.addressof(buffer))
        parts: list[str] = []
        with _lock:
            library = _load()
            _set_voice(library, self.voice_for(language))
            while pointer.value:
                clause = library.lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8,
                                                           _PHONEMES_IPA)
                if clause is None:
                    break
                parts.append(clause.decode("utf-8", "replace"))
        return " | ".join(parts)
