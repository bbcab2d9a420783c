"""The speech front end, checked where it matters: on what espeak-ng will actually say.

Each tricky case (money, hotlines, dates, times, Taiwan readings, polyphones, abbreviations, loan
words) goes through the front end and then through libespeak-ng's own ``espeak_TextToPhonemes``
(the library the kiosk speaks with, via ctypes), and the phonemes are compared with what a person
says. Then, over every narration of every lesson in every language: no ASCII digit, no "NT$" and
no "Dr." reaches a voice unread, and every hotline is read digit by digit. Then ``audio build``:
a lexicon change remakes exactly the clips whose spoken form it changed.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import io
import re

import pytest

from kiosk.i18n import LANGUAGES, current_language, format_value, set_language
from kiosk.lessons import load_library
from kiosk.lessons.model import Value
from kiosk.player import LessonPlayer
from kiosk.progress import ProgressStore
from kiosk.speech import espeak
from kiosk.speech.build import build_audio
from kiosk.speech.cache import ClipFolder
from kiosk.speech.frontend import Frontend
from kiosk.speech.lexicon import LEXICON_DIR, LexiconError, load_lexicon, read_tables
from kiosk.speech.narration import (
    closing_narration,
    feedback_narration,
    library_narrations,
)
from tests.conftest import IMAGES, LESSONS

_PHONEME_MNEMONICS = 0  # espeak -x: ASCII phonemes, Mandarin tones as 55, 35, 214, 51


def phonemes(text: str, language: str) -> str:
    """What espeak-ng will say for ``text``, as ``espeak-ng -x`` prints it."""
    voice = espeak.ESPEAK_VOICES[language]
    buffer = ctypes.create_string_buffer(text.encode("utf-8"))
    pointer = ctypes.c_void_p(ctypes.addressof(buffer))
    clauses: list[str] = []
    with espeak._lock:
        library = espeak._load()
        espeak._set_voice(library, voice)
        while pointer.value:
            clause = library.lib.espeak_TextToPhonemes(ctypes.byref(pointer), 1,
                                                       _PHONEME_MNEMONICS)
            if clause is None:
                break
            clauses.append(clause.decode("utf-8", "replace"))
    return " ".join(clauses)


FRONTEND = Frontend()


def said(text: str, language: str, values: dict[str, Value] | None = None) -> str:
    return phonemes(FRONTEND.spoken(text, language, "espeak", values=values), language)


def fill_value(template: str, value: Value, language: str) -> tuple[str, dict[str, Value]]:
    shown = template.format(v=format_value(value, locale=language, currency="TWD"))
    return shown, {"v": value}


# (language, what the screen shows with {v} for the value, the value or None, phonemes that must
# be in what espeak-ng says, phonemes that must not be).
MONEY, DAY, NINE_THIRTY = Value("money", 12800), Value("date", dt.date(2026, 12, 3)), \
    Value("time", dt.time(9, 30))
CASES = [
    # Money in Chinese: 萬 grouping, 兩, and 元 at the end; no "N T".
    ("zh_Hant_TW", "刷了{v}。", MONEY,
     "ji35w'A51n_| l'iA214N_| tS;h'iE55n_| pA55p'ai214_| j'y&35n", "Ent'i:"),
    ("zh_Hant_TW", "您中了{v}。", Value("money", 20000), "l'iA214N_| w'A51n_| j'y&35n", "'@r51"),
    ("zh_Hant_TW", "收{v}。", Value("money", 120), "j'y&35n", "Ent'i:"),
    # Hotlines, digit by digit.
    ("zh_Hant_TW", "請打{v}。", Value("phone", "165"), "j'i55_| l'iou51_| w'u214", "pai214"),
    ("zh_Hant_TW", "請打{v}。", Value("phone", "1955"), "j'i55_| tS;'iou214_| w'u214_| w'u214",
     "iE55n"),
    ("vi", "Hãy gọi {v}.", Value("phone", "165"), "m'o6t[_| s'a3w_| n'am", "tS'am"),
    ("id", "Telepon {v}.", Value("phone", "1955"), "s'atu s@mb'ilan l'ima l'ima", "ibu"),
    ("en", "Call {v}.", Value("phone", "165"), "w'0n s'Iks f'aIv", "h'Vndr"),
    # Dates: the year digit by digit in Chinese, 期 qí; the day as a word in Indonesian.
    ("zh_Hant_TW", "在{v}", DAY, "'@r51_| l'i35N_| '@r51_| l'iou51_| n'iE35n", "tS;h'iE55n"),
    ("zh_Hant_TW", "在{v}", DAY, "tS;h'i35", "tS;h'i55"),
    ("id", "pada {v}.", DAY, "t'iga d@s'Emb@R", "n'ol"),
    ("vi", "vào {v}.", DAY, "t'a:3N_| m'y@2j_| h'a:j", ""),
    # Times: 點 and 分; "pukul sembilan tiga puluh", never "titik".
    ("zh_Hant_TW", "{v}的門診", Value("time", dt.time(14, 30)),
     "S;iA51w'u214_| l'iA214N_| t'iE214n", "'@r51"),
    ("zh_Hant_TW", "{v}的門診", NINE_THIRTY, "tS;'iou214_| t'iE214n_| s'a55n_| s.'i.35_| f'@55n",
     ""),
    ("id", "pukul {v}.", NINE_THIRTY, "p'ukul s@mb'ilan t'iga p'uluh", "t'itik"),
    ("vi", "lúc {v}.", NINE_THIRTY, "tS'i3n_| z'@:2_| _b'a:_| m'y@j_| f'u3t", ""),
    # Currency said as people say it.
    ("vi", "trả {v}.", MONEY, "d_'a:2j_| t['e6", "l'a:"),
    ("id", "membayar {v}.", MONEY, "d'ua b'Elas R2'ibu d@l'apan R2'atus d'olaR t'aIwan", "'En"),
    ("en", "paid {v}.", MONEY, "tw'Elv T'aUz@nd", "Ent'i:"),
]
WORDS = [
    # Taiwan readings: 息 xí, 期 qí, 識 shì.
    ("zh_Hant_TW", "這則訊息", "S;'i35", "S;'i55"),
    ("zh_Hant_TW", "健康消息", "S;'i35", "S;'i11"),
    ("zh_Hant_TW", "請點日期", "tS;h'i35", "tS;h'i55"),
    ("zh_Hant_TW", "星期四", "tS;h'i35", "tS;h'i55"),
    ("zh_Hant_TW", "您會識破", "s.'i.51", "s.i.35"),
    # Polyphones in context.
    ("zh_Hant_TW", "請檢查每一行。", "ji51X'A35N", "S;'i35N"),
    ("zh_Hant_TW", "看第一行字", "X'A35N", "S;'i35N"),
    ("zh_Hant_TW", "這個請求說您中了獎", "ts.'ong51", "ts.'ong55"),
    ("zh_Hant_TW", "但您得先付錢", "t'ei214", "t'@11"),
    ("zh_Hant_TW", "要您還回去", "X'ua35n", "X'ai35"),
    # Words espeak-ng already reads right must stay right.
    ("zh_Hant_TW", "銀行", "X'A35N", "S;'i35N"),
    # Abbreviations and names.
    ("id", "sampai Dr. Chen bergabung", "d'okt@R tS'En", "d,e"),
    ("vi", "bác sĩ Chen và Dr. Chen", "_b'a:3c_| s'i5", "d,e"),
    ("en", "Dr. Chen has joined", "d'0kt3", "d,i:"),
    # Letters said one by one.
    ("vi", "mã OTP", "'o_| t['e_| p'e", "'Ot[p"),
    ("id", "kode OTP", "'o t'e p'e", "'otp"),
    # Loan words said the Vietnamese way, not by the English voice.
    ("vi", "Khi khám qua video", "v'i_| d_'e_ 'o", "(en)"),
    ("vi", "Chạm vào nút mở camera.", "k'a:_| m'e_| z'a:", "(en)"),
    ("vi", "Micro của bạn đang tắt.", "m'i_| k'@:2_| z'o", "(en)"),
    ("vi", "Đừng chạm vào đường link.", "l'in^", "(en)"),
    ("vi", "Mei, con gái bạn", "m'@I", "(en)"),
]


@pytest.mark.parametrize(("language", "template", "value", "present", "absent"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2].value}" for c in CASES])
def test_values_reach_espeak_as_a_person_says_them(language, template, value, present, absent):
    shown, values = fill_value(template, value, language)
    got = said(shown, language, values)
    assert present in got, (shown, FRONTEND.spoken(shown, language, values=values), got)
    assert not absent or absent not in got, got


@pytest.mark.parametrize(("language", "text", "present", "absent"), WORDS,
                         ids=[f"{w[0]}-{w[1]}" for w in WORDS])
def test_words_reach_espeak_with_the_right_reading(language, text, present, absent):
    got = said(text, language)
    assert present in got, (text, FRONTEND.spoken(text, language), got)
    assert absent not in got, got


def test_without_the_front_end_espeak_reads_these_wrong():
    """The table above is not satisfied by espeak-ng alone: it tests the front end."""
    assert "l'iA214N" not in phonemes("刷了NT$12,800。", "zh_Hant_TW")
    assert "S;'i55" in phonemes("這則訊息", "zh_Hant_TW")
    assert "t'ei214" not in phonemes("但您得先付錢", "zh_Hant_TW")
    assert "(en)" in phonemes("Khi khám qua video", "vi")
    assert "pai214" in phonemes("請打165。", "zh_Hant_TW")  # 一百六十五


def test_gtts_gets_the_words_unchanged_where_only_espeak_needs_help():
    text = "這則訊息說您得先付錢。"
    assert FRONTEND.spoken(text, "zh_Hant_TW", "gtts") == text
    assert FRONTEND.spoken(text, "zh_Hant_TW", "espeak") != text
    assert FRONTEND.spoken("Dr. Chen", "id", "gtts") == "dokter Chen"


def test_leftover_numbers_typed_into_ui_text_are_read_too():
    assert FRONTEND.spoken("請在2026年打來，或付NT$1,200。", "zh_Hant_TW") == \
        "請在二〇二六年打來，或付一千兩百元。"
    assert FRONTEND.spoken("Bayar NT$1.200 pukul 9:30.", "id") == \
        "Bayar seribu dua ratus dolar Taiwan pukul sembilan tiga puluh."


# --- over every narration of every lesson in every language --------------------------------
@pytest.fixture(scope="module")
def every_narration():
    library = load_library(LESSONS, IMAGES)
    return library, library_narrations(library)


def test_no_digit_nt_or_dr_reaches_a_voice_unread(every_narration):
    _, narrations = every_narration
    lexicon_digits = {language: {form for form in read_tables(LEXICON_DIR / f"{language}.toml")
                                 .get("espeak", {}).values() if re.search(r"\d", form)}
                      for language in LANGUAGES if (LEXICON_DIR / f"{language}.toml").is_file()}
    problems = []
    for narration in narrations:
        for engine, spoken in narration.spoken.items():
            # Pinyin with tone numbers from the reviewed lexicon is the only digit allowed.
            rest = spoken
            for form in lexicon_digits.get(narration.language, ()):
                rest = rest.replace(form, "")
            if re.search(r"[0-9]|NT\$|\bDr\.", rest):
                problems.append((narration.language, narration.lesson_id, narration.step,
                                 engine, spoken))
    assert problems == []
    assert {n.part for n in narrations} == {"text", "feedback", "closing"}


def test_every_hotline_is_read_digit_by_digit(every_narration):
    _, narrations = every_narration
    expected = {"zh_Hant_TW": {"165": "一六五", "1955": "一九五五"},
                "vi": {"165": "một sáu năm", "1955": "một chín năm năm"},
                "id": {"165": "satu enam lima", "1955": "satu sembilan lima lima"},
                "en": {"165": "one six five", "1955": "one nine five five"}}
    seen = 0
    for narration in narrations:
        for number, words in expected[narration.language].items():
            if re.search(rf"(?<!\d){number}(?!\d)", narration.text):
                seen += 1
                for spoken in narration.spoken.values():
                    assert words in spoken, (narration, spoken)
    # 165 and 1955 are named in three lessons, in step text, feedback and closing words.
    assert seen >= 4 * 8
    assert all(espeak_says_digits(n) for n in narrations
               if n.language == "zh_Hant_TW" and "165" in n.text)


def espeak_says_digits(narration) -> bool:
    """On the phonemes: 165 is 一六五, never 一百六十五 (no 百 "pai", no 十 "s.i.35")."""
    got = phonemes(narration.spoken_for("espeak"), "zh_Hant_TW")
    return "l'iou51_| w'u214" in got and "pai214" not in got and "s.i.35_|w" not in got


def test_share_of_narrations_that_differ_is_reported(every_narration, capsys):
    _, narrations = every_narration
    for language in LANGUAGES:
        mine = [n for n in narrations if n.language == language]
        differ = sum(1 for n in mine if n.spoken_for("espeak") != n.text)
        print(f"{language}: {differ}/{len(mine)} narrations said differently from the screen")
        assert differ > 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_built_feedback_and_closing_are_what_the_player_shows(language, tmp_path,
                                                               every_narration):
    """Every feedback the player can show (every answer of every step) and the closing words
    are among the narrations ``audio build`` makes, so each has a clip ready."""
    library, narrations = every_narration
    built = {n.text for n in narrations if n.language == language}
    previous = current_language()
    store = ProgressStore.open(tmp_path / "progress.db")
    try:
        set_language(language)
        learner = store.new_guest()
        for lesson in library.lessons.values():
            player = LessonPlayer.begin(store, lesson, learner, language=language)
            for index, step in enumerate(lesson.steps):
                player.index = index
                assert player.help_text in built, (lesson.id, index)
                for answer in _every_answer(step):
                    player.index, player.solved_here, player.picked = index, False, []
                    feedback = answer(player)
                    if feedback is not None:
                        assert feedback_narration(player, feedback) in built, (lesson.id, index)
            assert closing_narration(player) in built
    finally:
        set_language(previous)
        store.close()


def _every_answer(step):
    if step.kind == "tap":
        return [lambda p: p.tap(step.target), lambda p: p.tap("nowhere")]
    if step.kind == "choice":
        return [lambda p, i=i: p.choose(i) for i in range(len(step.options))]
    if step.kind == "order":
        def all_right(p):
            feedback = None
            for i in range(len(step.items)):
                feedback = p.pick(i)
            return feedback
        return [lambda p: p.pick(1), lambda p: p.pick(0), all_right]
    if step.kind == "spot":
        return [lambda p: p.spot("real"), lambda p: p.spot("fake")]
    return []


# --- the lexicon file and the clip cache ------------------------------------------------------
def test_every_shipped_lexicon_reads(tmp_path):
    for path in LEXICON_DIR.glob("*.toml"):
        assert read_tables(path)
    broken = tmp_path / "vi.toml"
    broken.write_text('[al]\n"video" = "vi đê ô"\n', "utf-8")
    with pytest.raises(LexiconError, match=r"vi.toml: \[al\] is not a lexicon table"):
        load_lexicon("vi", "espeak", tmp_path)
    broken.write_text('[all]\n"video" = ""\n', "utf-8")
    with pytest.raises(LexiconError, match="'video' must be given a spoken form"):
        load_lexicon("vi", "espeak", tmp_path)


def test_audio_build_remakes_exactly_the_clips_whose_spoken_form_changed(tmp_path,
                                                                       every_narration):
    library, _ = every_narration
    lexicons = tmp_path / "lexicon"
    lexicons.mkdir()
    for path in LEXICON_DIR.glob("*.toml"):
        (lexicons / path.name).write_text(path.read_text("utf-8"), "utf-8")
    clips = ClipFolder(tmp_path / "audio")
    lessons = [library.lessons["video-visit"], library.lessons["pay-shop-qr"]]

    def narrations():
        from kiosk.speech.narration import lesson_narrations
        return lesson_narrations(lessons, ["vi", "id"], frontend=Frontend(lexicons))

    before = narrations()
    first = build_audio(before, clips, engine="espeak", stream=io.StringIO())
    assert first.failed == 0 and first.made > 0

    # A reviewer changes how Vietnamese says "video": only the clips that say it change.
    vi = lexicons / "vi.toml"
    vi.write_text(vi.read_text("utf-8").replace('"video" = "vi đê ô"', '"video" = "vi-đi-ô"'),
                  "utf-8")
    after = narrations()
    changed = {(n.language, n.spoken_for("espeak")) for n in after} - \
        {(n.language, n.spoken_for("espeak")) for n in before}
    assert changed and all(lang == "vi" and "vi-đi-ô" in s for lang, s in changed)
    second = build_audio(after, clips, engine="espeak", stream=io.StringIO())
    assert second.made == len(changed)
    assert second.reused == len({(n.language, n.text) for n in after}) - len(changed)
    assert second.failed == 0


def test_an_override_is_still_named_after_the_screen_text(tmp_path, every_narration):
    from kiosk.speech.cache import text_sha
    from kiosk.speech.player import SpeechResolver

    text = "Tin nhắn này nói thẻ của bạn đã trả 12.800 NT$."
    values = {"charge": MONEY}
    recording = tmp_path / "overrides" / "vi" / f"{text_sha(text)}.mp3"
    recording.parent.mkdir(parents=True)
    recording.write_bytes(bytes([0xFF, 0xF3, 0x44, 0xC4]) + bytes(92))
    speech = SpeechResolver(prebuilt=tmp_path / "pre", device=tmp_path / "dev",
                            synthesiser=None, overrides=tmp_path / "overrides")
    try:
        assert speech.find(text, "vi", values=values) == recording
    finally:
        speech.close()


def test_a_southern_vietnamese_voice_is_offered_and_kept_apart(tmp_path):
    from kiosk.config import load_settings
    from kiosk.speech.espeak import VIETNAMESE_VOICES, EspeakEngine
    from kiosk.speech.player import SpeechResolver

    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path),
                                      "KIOSK_VIETNAMESE_VOICE": "south"})
    assert settings.vietnamese_voice == "south"
    assert load_settings(environ={"KIOSK_HOME": str(tmp_path)}).vietnamese_voice == "north"
    assert load_settings(environ={"KIOSK_HOME": str(tmp_path),
                                  "KIOSK_VIETNAMESE_VOICE": "saigon"}).vietnamese_voice == "north"
    south = EspeakEngine({"vi": VIETNAMESE_VOICES["south"]})
    north = EspeakEngine()
    assert south.phonemes("không biết", "vi") != north.phonemes("không biết", "vi")
    # A pre-built (Northern) espeak-ng clip is not played for the Southern voice.
    prebuilt = ClipFolder(tmp_path / "pre")
    prebuilt.save("Xin chào.", "vi", "espeak", "normal", north.synthesize("Xin chào.", "vi",
                                                                          "normal"), ".wav")
    voices = {"vi": VIETNAMESE_VOICES["south"]}
    speech = SpeechResolver(prebuilt=tmp_path / "pre", device=tmp_path / "dev",
                            synthesiser=EspeakEngine(voices), voices=voices)
    try:
        path = speech.resolve("Xin chào.", "vi").result(timeout=30)
        assert path is not None and path.parent == tmp_path / "dev" / "vi@vi-vn-x-south"
    finally:
        speech.close()



def test_audio_build_gives_each_engine_its_own_spoken_form(tmp_path):
    """gTTS (online, its Taiwan voice) gets the values in words but the Taiwan words as written;
    espeak-ng gets the lexicon's respellings too. Each clip is keyed by what its engine said."""
    from kiosk.speech.narration import Narration

    text = "這則訊息說您的卡片刷了NT$12,800。"
    forms = FRONTEND.forms(text, "zh_Hant_TW", values={"charge": MONEY})
    heard: list[str] = []

    class FakeGtts:
        name, extension, timeout = "gtts", ".mp3", 1.0

        def synthesize(self, said, language, rate):
            heard.append(said)
            return bytes([0xFF, 0xF3, 0x44, 0xC4]) + bytes(92)

        def reachable(self, timeout=1.0):
            return True

    clips = ClipFolder(tmp_path)
    summary = build_audio([Narration("x", 1, "zh_Hant_TW", text, forms)], clips, engine="gtts",
                          gtts=FakeGtts(), stream=io.StringIO())
    assert summary.made == 1
    assert heard == ["這則訊息說您的卡片刷了一萬兩千八百元。"]
    assert clips.find(text, "zh_Hant_TW", "normal", ["gtts"], forms) is not None
    assert forms["espeak"] == "這則訊席說您的卡片刷了一萬兩千八百元。"
    from kiosk.speech.gtts_engine import GttsEngine
    assert GttsEngine().language_for("zh_Hant_TW") == "zh-TW"  # gTTS's Taiwan Mandarin voice


def test_the_number_libraries_load_in_the_background_not_at_start_up():
    """cn2an takes about 0.2 s to import: not with the kiosk, but on the speech worker."""
    import subprocess
    import sys

    from kiosk.config import PROJECT_ROOT

    code = ("import sys, tempfile, pathlib\n"
            "from kiosk.speech.player import SpeechResolver\n"
            "print('before', 'cn2an' in sys.modules, 'num2words' in sys.modules)\n"
            "d = pathlib.Path(tempfile.mkdtemp())\n"
            "r = SpeechResolver(prebuilt=d / 'a', device=d / 'b', synthesiser=None)\n"
            "r.warm_up(['zh_Hant_TW'])\n"
            "r._executor.submit(lambda: None).result(timeout=60)\n"
            "print('after', 'cn2an' in sys.modules, 'num2words' in sys.modules)\n"
            "r.close()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["before False False", "after True True"]


def test_a_broken_lexicon_never_silences_the_kiosk_but_stops_audio_build(tmp_path, caplog):
    from kiosk.config import load_settings
    from kiosk.speech.build import build_command
    from tests.test_speech_build import make_library

    lexicons = tmp_path / "lexicon"
    lexicons.mkdir()
    (lexicons / "vi.toml").write_text('[all]\n"video" = vi đê ô\n', "utf-8")  # no quotes
    frontend = Frontend(lexicons)
    assert frontend.spoken("Trả NT$120 qua video.", "vi") == \
        "Trả một trăm hai mươi Đài tệ qua video."
    assert "Speaking vi without its pronunciation lexicon" in caplog.text
    assert "vi.toml: is not valid TOML" in caplog.text

    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path / "home"),
                                      "KIOSK_LESSONS": str(make_library(tmp_path)),
                                      "KIOSK_ASSETS": str(tmp_path / "assets")})
    out, err = io.StringIO(), io.StringIO()
    assert build_command(settings, engine="espeak", lexicon_dir=lexicons, stdout=out,
                         stderr=err) == 1
    assert "Pronunciation lexicon: " in err.getvalue() and "vi.toml" in err.getvalue()
    assert "Fix the lexicon file(s) above" in err.getvalue()
    assert not (tmp_path / "assets" / "audio").exists()  # nothing made without the lexicon
