"""The speech engines: espeak-ng really speaks each language offline; gTTS is only ever sent to
127.0.0.1 (a server that never answers, or a small fake of the service), never to Google."""

from __future__ import annotations

import base64
import io
import json
import socket
import threading
import time
import wave
from array import array
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_plus

import pytest

from kiosk.speech.build import GTTS_GIVE_UP_AFTER, build_audio
from kiosk.speech.cache import ClipFolder
from kiosk.speech.clipinfo import mp3_duration
from kiosk.speech.engine import SpeechError
from kiosk.speech.espeak import EspeakEngine, version
from kiosk.speech.gtts_engine import GttsEngine, rebase_url
from kiosk.speech.narration import Narration

SENTENCES = {
    "zh_Hant_TW": "請掃描商店的付款碼，再確認金額。",
    "en": "Scan the shop's code, then check the amount.",
    "vi": "Quét mã của cửa hàng, rồi kiểm tra số tiền.",
    "id": "Pindai kode toko, lalu periksa jumlahnya.",
}
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
# One silent MPEG-2 layer III frame (24 kHz, 32 kbit/s, mono, 576 samples): what gTTS sends.
MP3_FRAME = bytes([0xFF, 0xF3, 0x44, 0xC4]) + bytes(92)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Any attempt to resolve or reach a host other than this machine fails the test at once."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            raise AssertionError(f"a test tried to connect to {address}")
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK:
            raise AssertionError(f"a test tried to look up {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    # gTTS passes the environment's proxies straight to requests, which would send even a
    # request for 127.0.0.1 to the proxy.
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def silent_server():
    """A socket on 127.0.0.1 that accepts every connection and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_forever():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", accepted
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture
def fake_service():
    """A tiny stand-in for Google's batchexecute endpoint: answers every request with an MP3 in
    the service's reply format, and keeps the decoded request bodies."""
    bodies: list[str] = []
    mp3 = MP3_FRAME * 50

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            bodies.append(unquote_plus(self.rfile.read(length).decode()))
            audio = base64.b64encode(mp3).decode()
            reply = (")]}'\n\n123\n" + '[["wrb.fr","jQ1olc","[\\"' + audio
                     + '\\"]",null,null,null,"generic"]]\n').encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", bodies, mp3
    server.shutdown()
    server.server_close()


def sent(body: str) -> list:
    """The [text, language, slow, ...] parameters of a batchexecute request body."""
    assert body.startswith("f.req=")
    rpc = json.loads(body.removeprefix("f.req=").rstrip("&"))
    return json.loads(rpc[0][0][1])


def read_wav(data: bytes) -> tuple[int, int, int, array]:
    with wave.open(io.BytesIO(data)) as clip:
        samples = array("h")
        samples.frombytes(clip.readframes(clip.getnframes()))
        return clip.getnchannels(), clip.getsampwidth(), clip.getframerate(), samples


# --- espeak-ng -------------------------------------------------------------------------------
def test_the_shipped_library_is_1_52():
    assert version().startswith("1.52")


@pytest.mark.parametrize("language", list(SENTENCES))
def test_espeak_speaks_every_kiosk_language(language):
    channels, width, rate, samples = read_wav(
        EspeakEngine().synthesize(SENTENCES[language], language, "normal"))
    assert (channels, width, rate) == (1, 2, 22050)
    assert len(samples) / rate > 0.2
    assert max(abs(s) for s in samples) > 1000  # real sound, not silence


def test_slow_is_slower():
    engine = EspeakEngine()
    normal = read_wav(engine.synthesize(SENTENCES["en"], "en", "normal"))[3]
    slow = read_wav(engine.synthesize(SENTENCES["en"], "en", "slow"))[3]
    assert len(slow) > 1.2 * len(normal)


def test_traditional_chinese_is_read_as_mandarin():
    engine = EspeakEngine()
    assert engine.voice_for("zh_Hant_TW") == "cmn"
    traditional = engine.phonemes("請掃描付款碼", "zh_Hant_TW")
    # The same syllables as the Simplified spelling, and no switch to another language's rules.
    assert traditional == engine.phonemes("请扫描付款码", "zh_Hant_TW")
    assert "fu" in traditional and "(" not in traditional


def test_a_new_locale_speaks_with_its_base_language_and_an_unknown_voice_fails_cleanly():
    engine = EspeakEngine()
    assert engine.voice_for("en_AU") == "en"
    assert read_wav(engine.synthesize("Hello.", "en_AU", "normal"))[3]
    with pytest.raises(SpeechError, match="no voice"):
        EspeakEngine(voices={"xx": "no-such-voice"}).synthesize("Hello.", "xx", "normal")
    with pytest.raises(SpeechError):
        engine.synthesize("   ", "en", "normal")
    assert read_wav(engine.synthesize("Still fine.", "en", "normal"))[3]  # state is not stuck


def test_espeak_from_many_threads_at_once():
    engine = EspeakEngine()
    results: list[float] = []
    errors: list[BaseException] = []

    def speak(language):
        try:
            for _ in range(3):
                _, _, rate, samples = read_wav(
                    engine.synthesize(SENTENCES[language], language, "normal"))
                results.append(len(samples) / rate)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=speak, args=(lang,)) for lang in SENTENCES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 12 and min(results) > 0.2


# --- gTTS, never against the real service ---------------------------------------------------
def test_rebase_keeps_the_path():
    assert (rebase_url("https://translate.google.com/_/TranslateWebserverUi/data/batchexecute",
                       "http://127.0.0.1:8080/")
            == "http://127.0.0.1:8080/_/TranslateWebserverUi/data/batchexecute")


def test_gtts_gives_up_on_a_silent_server_within_its_timeout(silent_server):
    url, accepted = silent_server
    engine = GttsEngine(timeout=1.0, base_url=url)
    started = time.monotonic()
    with pytest.raises(SpeechError):
        engine.synthesize(SENTENCES["en"], "en", "normal")
    elapsed = time.monotonic() - started
    assert accepted, "the request should have reached the local server"
    assert 0.9 < elapsed < 1.0 + 1.0


def test_gtts_deadline_bounds_the_whole_clip(silent_server):
    url, _ = silent_server
    engine = GttsEngine(timeout=5.0, deadline=0.5, base_url=url)
    started = time.monotonic()
    with pytest.raises(SpeechError, match="no answer"):
        engine.synthesize("Hello.", "en", "normal")
    assert time.monotonic() - started < 0.5 + 1.0


def test_auto_build_falls_back_to_espeak_when_gtts_never_answers(silent_server, tmp_path):
    url, accepted = silent_server
    narrations = [Narration("sample", 1, "en", "Tap Scan."),
                  Narration("sample", 1, "zh_Hant_TW", "請點掃描。")]
    out = io.StringIO()
    started = time.monotonic()
    summary = build_audio(narrations, ClipFolder(tmp_path), engine="auto",
                          gtts=GttsEngine(timeout=1.0, base_url=url), stream=out)
    elapsed = time.monotonic() - started
    assert accepted
    assert elapsed < 1.0 + 2.0  # one probe timeout, then espeak-ng's few milliseconds a clip
    assert (summary.made, summary.failed, dict(summary.engines)) == (2, 0, {"espeak": 2})
    assert "not reachable" in out.getvalue()
    assert ClipFolder(tmp_path).find("Tap Scan.", "en", "normal", ["espeak"]) is not None


def test_each_clip_falls_back_and_a_dead_gtts_is_dropped_after_a_few_failures(
        silent_server, tmp_path):
    url, _ = silent_server

    class ReachableButSilent(GttsEngine):
        def reachable(self, timeout=3.0):
            return True  # the network died after the probe

    narrations = [Narration("sample", i, "en", f"Sentence number {i}.") for i in range(1, 6)]
    out = io.StringIO()
    started = time.monotonic()
    summary = build_audio(narrations, ClipFolder(tmp_path), engine="auto",
                          gtts=ReachableButSilent(timeout=0.5, base_url=url), stream=out)
    elapsed = time.monotonic() - started
    assert (summary.made, summary.failed, dict(summary.engines)) == (5, 0, {"espeak": 5})
    assert elapsed < GTTS_GIVE_UP_AFTER * 0.5 + 2.0  # not one timeout per clip
    assert "not trying it again" in out.getvalue()


def test_gtts_against_a_local_fake_of_the_service(fake_service, tmp_path):
    url, bodies, mp3 = fake_service
    engine = GttsEngine(timeout=2.0, base_url=url)
    assert engine.reachable()
    assert engine.synthesize("請點掃描。", "zh_Hant_TW", "slow") == mp3
    assert sent(bodies[-1]) == ["請點掃描。", "zh-TW", True, "null"]  # Taiwan Mandarin, slow
    assert engine.synthesize("Tap Scan.", "vi", "normal") == mp3
    assert sent(bodies[-1]) == ["Tap Scan.", "vi", None, "null"]
    with pytest.raises(SpeechError, match="cannot speak"):
        engine.synthesize("Bonjour.", "xx_YY", "normal")

    narrations = [Narration("sample", 1, "id", "Ketuk Pindai.")]
    summary = build_audio(narrations, ClipFolder(tmp_path), engine="auto", gtts=engine,
                          stream=io.StringIO())
    assert dict(summary.engines) == {"gtts": 1}
    [clip] = ClipFolder(tmp_path).read_manifest("id").values()
    assert clip.file.endswith(".mp3") and clip.duration == pytest.approx(mp3_duration(mp3))
    assert clip.duration == pytest.approx(50 * 576 / 24000)
