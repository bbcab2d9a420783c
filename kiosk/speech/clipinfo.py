"""How long a clip plays, read from the file's headers (WAV, MP3, Ogg). No dependencies, no Kivy.

- WAV: the ``fmt `` chunk's byte rate and the ``data`` chunk's size. Read by hand rather than with
  the stdlib ``wave`` module, which (in Python 3.11) refuses the float and "extensible" WAVs that
  recording tools write for human-recorded clips.
- MP3: the sum of the samples of every MPEG audio frame (so VBR files are measured right), after
  any ID3v2 tag; a leading Xing/Info frame carries no audio and is not counted.
- Ogg Vorbis and Ogg Opus: the last page's granule position over the stream's rate.

>>> silence = bytes([0xFF, 0xF3, 0x44, 0xC4]) + bytes(92)   # MPEG-2 layer III, 24 kHz, 32 kbit/s
>>> mp3_duration(silence * 250)    # 250 frames of 576 samples
6.0
"""

from __future__ import annotations

import struct
from pathlib import Path

# Kbit/s by bitrate index, for (MPEG-1, layer) and (MPEG-2/2.5, layer). Index 0 ("free") and 15
# are not usable.
_BITRATES = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Sample rates by the header's version bits (3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5).
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class ClipError(ValueError):
    """The file is not a sound file we can measure."""


def clip_duration(path: Path) -> float:
    """Seconds of sound in a ``.wav``, ``.mp3`` or ``.ogg`` file. Raises :class:`ClipError`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ClipError(f"cannot read {path}: {exc}") from exc
    suffix = path.suffix.lower()
    if suffix == ".wav":
        return wav_duration(data)
    if suffix == ".mp3":
        return mp3_duration(data)
    if suffix in (".ogg", ".oga", ".opus"):
        return ogg_duration(data)
    raise ClipError(f"unknown kind of sound file: {path.name}")


def wav_duration(data: bytes) -> float:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ClipError("not a WAV file")
    byte_rate = 0
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = data[offset:offset + 4], int(struct.unpack_from("<I", data, offset + 4)[0])
        body = offset + 8
        if chunk == b"fmt " and size >= 16:
            byte_rate = int(struct.unpack_from("<I", data, body + 8)[0])
        elif chunk == b"data":
            if not byte_rate:
                raise ClipError("WAV data before its format")
            # A recorder killed mid-write leaves a size larger than the file: count what is there.
            return min(size, len(data) - body) / byte_rate
        offset = body + size + (size & 1)  # chunks are padded to an even length
    raise ClipError("WAV file without data")


def _frame(data: bytes, i: int) -> tuple[int, int, int] | None:
    """(frame length in bytes, samples, sample rate) of an MPEG audio frame header at ``i``."""
    if i + 4 > len(data) or data[i] != 0xFF or data[i + 1] & 0xE0 != 0xE0:
        return None
    version_bits = (data[i + 1] >> 3) & 3
    layer = 4 - ((data[i + 1] >> 1) & 3)  # bits 3, 2, 1 -> layer I, II, III; 0 is reserved
    bitrate_index, rate_index = data[i + 2] >> 4, (data[i + 2] >> 2) & 3
    padding = (data[i + 2] >> 1) & 1
    if version_bits == 1 or layer == 4 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version_bits == 3
    bitrate = _BITRATES[(1 if mpeg1 else 2, layer)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version_bits][rate_index]
    if layer == 1:
        return (12 * bitrate // sample_rate + padding) * 4, 384, sample_rate
    samples = 576 if layer == 3 and not mpeg1 else 1152
    return samples // 8 * bitrate // sample_rate + padding, samples, sample_rate


def mp3_duration(data: bytes) -> float:
    i = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        i = 10 + size + (10 if data[5] & 0x10 else 0)
    samples = sample_rate = 0
    first = True
    end = len(data) - 128 if data[-128:-125] == b"TAG" else len(data)  # ID3v1 at the end
    while i < end:
        frame = _frame(data, i)
        if frame is None:
            i += 1  # not a frame here: resynchronise byte by byte
            continue
        length, frame_samples, frame_rate = frame
        if first:
            first = False
            header = data[i + 4:i + 40]
            if b"Xing" in header or b"Info" in header:
                i += length  # the VBR header frame holds no sound
                continue
        sample_rate = sample_rate or frame_rate
        samples += frame_samples
        i += length
    if not sample_rate:
        raise ClipError("no MPEG audio frames")
    return samples / sample_rate


def ogg_duration(data: bytes) -> float:
    if data[:4] != b"OggS":
        raise ClipError("not an Ogg file")
    last = data.rfind(b"OggS")
    while last > 0 and data[last + 4] != 0:  # skip "OggS" that is only audio data
        last = data.rfind(b"OggS", 0, last)
    if last < 0 or last + 14 > len(data):
        raise ClipError("Ogg file without pages")
    granule = int(struct.unpack_from("<q", data, last + 6)[0])
    vorbis = data.find(b"\x01vorbis")
    if vorbis >= 0 and vorbis + 16 <= len(data):
        rate = int(struct.unpack_from("<I", data, vorbis + 12)[0])
        if rate:
            return max(granule, 0) / rate
    opus = data.find(b"OpusHead")
    if opus >= 0 and opus + 12 <= len(data):
        pre_skip = int(struct.unpack_from("<H", data, opus + 10)[0])
        return max(granule - pre_skip, 0) / 48000  # Opus granules always count 48 kHz samples
    raise ClipError("Ogg file that is neither Vorbis nor Opus")
