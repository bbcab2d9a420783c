"""Clip keys, clip folders, manifests, overrides, and durations read from sound-file headers."""

from __future__ import annotations

import io
import json
import struct
import wave

import pytest

from kiosk.speech.cache import (
    ClipFolder,
    atomic_write,
    clip_key,
    find_override,
    normalise_text,
    text_sha,
)
from kiosk.speech.clipinfo import ClipError, clip_duration, mp3_duration, ogg_duration
from kiosk.speech.espeak import EspeakEngine, wav_seconds

MP3_FRAME = bytes([0xFF, 0xF3, 0x44, 0xC4]) + bytes(92)  # MPEG-2 layer III, 24 kHz, 576 samples


def silent_wav(seconds: float, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * int(seconds * rate))
    return buffer.getvalue()


def ogg_page(granule: int, payload: bytes) -> bytes:
    """An Ogg page (CRC left at zero: only the fields the duration reader uses matter)."""
    segments = bytes([len(payload)]) if payload else b""
    return (b"OggS" + bytes([0, 0]) + struct.pack("<qIII", granule, 1, 0, 0)
            + bytes([len(segments)]) + segments + payload)


# --- keys ------------------------------------------------------------------------------------
def test_a_key_changes_with_each_part_and_nothing_else():
    key = clip_key("Tap Scan.", "en", "espeak", "normal")
    assert len(key) == 64 and int(key, 16) >= 0
    assert key == clip_key("Tap Scan.", "en", "espeak", "normal")
    others = {clip_key("Tap Pay.", "en", "espeak", "normal"),
              clip_key("Tap Scan.", "vi", "espeak", "normal"),
              clip_key("Tap Scan.", "en", "gtts", "normal"),
              clip_key("Tap Scan.", "en", "espeak", "slow")}
    assert len(others) == 4 and key not in others


def test_white_space_and_unicode_spelling_do_not_make_a_new_clip():
    composed = "Kiểm tra số tiền."
    decomposed = "Kie\u0302\u0309m tra so\u0302\u0301 tie\u0302\u0300n."
    assert normalise_text(decomposed) == composed
    assert clip_key(" Kiểm  tra\nsố tiền. ", "vi", "gtts", "normal") == \
        clip_key(decomposed, "vi", "gtts", "normal")
    assert text_sha(decomposed) == text_sha(composed)


# --- folders and manifests -------------------------------------------------------------------
def test_save_find_and_manifest(tmp_path):
    folder = ClipFolder(tmp_path)
    wav = EspeakEngine().synthesize("Check the amount.", "en", "normal")
    info = folder.save("Check the amount.", "en", "espeak", "normal", wav, ".wav")
    path = tmp_path / "en" / info.file
    assert info.file == clip_key("Check the amount.", "en", "espeak", "normal") + ".wav"
    assert path.read_bytes() == wav
    assert folder.find("Check the amount.", "en", "normal") == path
    assert folder.find("Check the amount.", "en", "slow") is None
    assert folder.find("Check the amount.", "vi", "normal") is None

    manifest = json.loads((tmp_path / "en" / "manifest.json").read_text("utf-8"))
    assert manifest["language"] == "en"
    [entry] = manifest["clips"]
    assert entry == {"key": info.key, "file": info.file, "engine": "espeak", "rate": "normal",
                     "duration": pytest.approx(wav_seconds(wav), abs=0.001),
                     "text": "Check the amount.", "override": text_sha("Check the amount.")}
    # Nothing else, in particular no temporary file left behind.
    assert sorted(p.name for p in (tmp_path / "en").iterdir()) == [info.file, "manifest.json"]


def test_a_gtts_clip_is_preferred_to_an_espeak_clip(tmp_path):
    folder = ClipFolder(tmp_path)
    espeak = folder.save("Hello.", "en", "espeak", "normal", silent_wav(1), ".wav")
    assert folder.find("Hello.", "en", "normal").name == espeak.file
    gtts = folder.save("Hello.", "en", "gtts", "normal", MP3_FRAME * 10, ".mp3")
    assert folder.find("Hello.", "en", "normal").name == gtts.file
    assert folder.find("Hello.", "en", "normal", ["espeak"]).name == espeak.file
    assert len(folder.read_manifest("en")) == 2


def test_an_empty_file_is_not_a_clip(tmp_path):
    folder = ClipFolder(tmp_path)
    path = folder.path("Hello.", "en", "espeak", "normal")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")  # what a power cut can leave
    assert folder.find("Hello.", "en", "normal") is None


def test_a_damaged_manifest_is_ignored_and_rewritten(tmp_path, caplog):
    folder = ClipFolder(tmp_path)
    (tmp_path / "vi").mkdir()
    folder.manifest_path("vi").write_text("{not json", "utf-8")
    assert folder.read_manifest("vi") == {}
    assert "damaged clip manifest" in caplog.text
    folder.save("Xin chào.", "vi", "espeak", "normal", silent_wav(0.5), ".wav")
    assert len(folder.read_manifest("vi")) == 1


def test_the_manifest_drops_clips_whose_file_is_gone(tmp_path):
    folder = ClipFolder(tmp_path)
    info = folder.save("Hello.", "en", "espeak", "normal", silent_wav(1), ".wav")
    (tmp_path / "en" / info.file).unlink()
    folder.write_manifest("en", folder.read_manifest("en").values())
    assert folder.read_manifest("en") == {}


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "clip.wav"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        atomic_write(target, object())  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["clip.wav"]


# --- overrides -------------------------------------------------------------------------------
def test_override_names_and_the_slow_variant(tmp_path):
    text = "請點掃描。"
    folder = tmp_path / "zh_Hant_TW"
    folder.mkdir()
    assert find_override(tmp_path, text, "zh_Hant_TW", "normal") is None
    ogg = folder / f"{text_sha(text)}.ogg"
    ogg.write_bytes(b"OggS...")
    assert find_override(tmp_path, text, "zh_Hant_TW", "normal") == ogg
    assert find_override(tmp_path, text, "zh_Hant_TW", "slow") == ogg  # a voice beats a robot
    slow = folder / f"{text_sha(text)}.slow.wav"
    slow.write_bytes(silent_wav(2))
    assert find_override(tmp_path, text, "zh_Hant_TW", "slow") == slow
    assert find_override(tmp_path, text, "zh_Hant_TW", "normal") == ogg
    wav = folder / f"{text_sha(text)}.wav"
    wav.write_bytes(silent_wav(1))
    assert find_override(tmp_path, text, "zh_Hant_TW", "normal") == wav  # .wav before .ogg
    assert find_override(tmp_path, text, "en", "normal") is None  # per language


# --- durations -------------------------------------------------------------------------------
def test_wav_duration_from_the_header(tmp_path):
    path = tmp_path / "a.wav"
    path.write_bytes(silent_wav(2.5))
    assert clip_duration(path) == pytest.approx(2.5)


def test_float_wav_from_a_recording_tool(tmp_path):
    # IEEE float, 44.1 kHz stereo, with a LIST chunk before the data: Python 3.11's wave refuses it.
    fmt = struct.pack("<HHIIHH", 3, 2, 44100, 44100 * 8, 8, 32)
    data = bytes(44100 * 8 * 3)  # 3 s
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", 5)
            + b"INFOx\0" + b"data" + struct.pack("<I", len(data)) + data)
    path = tmp_path / "recorded.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    assert clip_duration(path) == pytest.approx(3.0)


def test_mp3_duration_counts_frames_after_tags():
    assert mp3_duration(MP3_FRAME * 250) == pytest.approx(6.0)
    id3 = b"ID3\x04\x00\x00" + bytes([0, 0, 0, 20]) + bytes(20)
    xing = bytes([0xFF, 0xF3, 0x44, 0xC4]) + b"\0" * 9 + b"Xing" + bytes(79)
    id3v1 = b"TAG" + bytes(125)
    assert mp3_duration(id3 + xing + MP3_FRAME * 100 + id3v1) == pytest.approx(2.4)
    # MPEG-1 layer III, 44.1 kHz, 128 kbit/s: 417 or 418 bytes a frame, 1152 samples.
    frame = bytes([0xFF, 0xFB, 0x90, 0xC4]) + bytes(413)
    assert mp3_duration(frame * 100) == pytest.approx(100 * 1152 / 44100)
    with pytest.raises(ClipError):
        mp3_duration(b"not an mp3 at all")


def test_ogg_vorbis_and_opus_durations():
    vorbis_id = b"\x01vorbis" + struct.pack("<IBI", 0, 1, 44100) + bytes(13)
    vorbis = ogg_page(0, vorbis_id) + ogg_page(44100 * 2, b"audio")
    assert ogg_duration(vorbis) == pytest.approx(2.0)
    opus_head = b"OpusHead" + struct.pack("<BBHI", 1, 1, 312, 48000) + bytes(3)
    opus = ogg_page(0, opus_head) + ogg_page(48000 * 3 + 312, b"audio")
    assert ogg_duration(opus) == pytest.approx(3.0)
    with pytest.raises(ClipError):
        ogg_duration(b"RIFF....")


def test_unknown_or_unreadable_files(tmp_path):
    with pytest.raises(ClipError):
        clip_duration(tmp_path / "missing.wav")
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(ClipError):
        clip_duration(other)
