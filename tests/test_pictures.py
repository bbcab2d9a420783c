"""The profile pictures (assets/pictures/, drawn by tools/draw_pictures.py): one PNG per picture id,
and every two of them told apart at a glance, by main colour and by shape.

Both checks work on the PNG files as shipped, so a redrawn picture that comes too close to
another one fails here whatever the script says.
"""

from __future__ import annotations

import functools
import itertools
import math

import pytest
from PIL import Image

from kiosk.config import PROJECT_ROOT
from kiosk.profiles import PICTURES

PICTURE_DIR = PROJECT_ROOT / "assets" / "pictures"
SIZE = 384
KIOSK_BACKGROUND = (251, 248, 242)  # theme.py's default background, #fbf8f2

# Main colours: CIEDE2000 at least 20 between any two (about "clearly a different colour"; 2 is
# the smallest difference most people notice). The drawn pictures measure 21.0 at the closest
# (key/bird, silver grey against sky blue); CIE76 is at least 31.8 for every pair.
MIN_COLOUR_DIFFERENCE = 20.0

# Shapes: each picture on the kiosk background, in greyscale, shrunk to 24 x 24 (roughly what a
# person with low vision makes out), compared pixel by pixel; the mean absolute difference is on
# 0-255. Measured over the 66 pairs: 19.8 at the closest (house/apple), 38 median, 67 at most.
# For scale, one picture against itself with the figure moved 8 px (2 % of its width) gives 6-12,
# and moved 16 px gives 10-21. 15 sits above "the same picture, nudged" and below every real pair,
# with room for small redraws.
MIN_SHAPE_DIFFERENCE = 15.0
LOW_VISION_SIZE = 24

# A colour this close (largest channel difference) to the circle or to its rim counts as
# background or outline, not as the picture's main colour. It also covers the light halo that
# downsampling leaves beside a dark outline.
SAME_COLOUR = 12


@functools.cache
def picture(picture_id: str) -> Image.Image:
    with Image.open(PICTURE_DIR / f"{picture_id}.png") as image:
        image.load()
        return image


def close(a, b) -> bool:
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) <= SAME_COLOUR


@functools.cache
def main_colour(picture_id: str) -> tuple[int, int, int]:
    """The most common opaque colour that is neither the light circle nor the dark outline."""
    image = picture(picture_id)
    circle = image.getpixel((SIZE // 2, 16))[:3]   # just inside the rim, above every figure
    outline = image.getpixel((SIZE // 2, 6))[:3]   # the rim itself
    counts = [(count, colour[:3]) for count, colour in image.getcolors(SIZE * SIZE)
              if colour[3] == 255
              and not close(colour[:3], circle) and not close(colour[:3], outline)]
    assert counts, f"{picture_id}: no colour besides the circle and the outline"
    return max(counts)[1]


@functools.cache
def low_vision_view(picture_id: str) -> tuple[int, ...]:
    shown = Image.new("RGBA", (SIZE, SIZE), (*KIOSK_BACKGROUND, 255))
    shown.alpha_composite(picture(picture_id))
    small = shown.convert("L").resize((LOW_VISION_SIZE, LOW_VISION_SIZE), Image.BOX)
    return tuple(small.getdata())


def srgb_to_lab(rgb):
    """sRGB (0-255) to CIELAB under D65."""
    def linear(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1, lab2):
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1, a2 = a1 * (1 + g), a2 * (1 + g)
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360
    h2 = math.degrees(math.atan2(b2, a2)) % 360

    if c1 * c2 == 0:
        dh = 0.0
    elif abs(h2 - h1) <= 180:
        dh = h2 - h1
    else:
        dh = h2 - h1 - 360 if h2 > h1 else h2 - h1 + 360
    d_l, d_c = L2 - L1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))

    l_mean, c_mean = (L1 + L2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2

    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30))
         + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6))
         - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    rotation = (-2 * math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7))
                * math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2)))))
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
                     + rotation * (d_c / s_c) * (d_h / s_h))


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    # from Sharma, Wu and Dalal's published test data
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_colour_difference_matches_published_values(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("picture_id", PICTURES)
def test_each_picture_is_a_384_pixel_rgba_png(picture_id):
    path = PICTURE_DIR / f"{picture_id}.png"
    assert path.is_file(), f"no picture for {picture_id!r}: run python tools/draw_pictures.py"
    image = picture(picture_id)
    assert image.format == "PNG", f"{picture_id}: {image.format}, not PNG"
    assert image.size == (SIZE, SIZE), f"{picture_id}: {image.size}, not {SIZE} x {SIZE}"
    assert image.mode == "RGBA", f"{picture_id}: mode {image.mode}, not RGBA"
    corners = [(0, 0), (SIZE - 1, 0), (0, SIZE - 1), (SIZE - 1, SIZE - 1)]
    assert all(image.getpixel(xy)[3] == 0 for xy in corners), \
        f"{picture_id}: not transparent outside its circle"


def test_main_colours_are_told_apart():
    labs = {p: srgb_to_lab(main_colour(p)) for p in PICTURES}
    for a, b in itertools.combinations(PICTURES, 2):
        difference = ciede2000(labs[a], labs[b])
        assert difference >= MIN_COLOUR_DIFFERENCE, (
            f"{a} and {b}: main colours {main_colour(a)} and {main_colour(b)} differ by only "
            f"{difference:.1f} (CIEDE2000), need {MIN_COLOUR_DIFFERENCE}")


def test_shapes_are_told_apart_in_a_blurred_greyscale_view():
    for a, b in itertools.combinations(PICTURES, 2):
        view_a, view_b = low_vision_view(a), low_vision_view(b)
        difference = sum(abs(x - y) for x, y in zip(view_a, view_b, strict=True)) / len(view_a)
        assert difference > MIN_SHAPE_DIFFERENCE, (
            f"{a} and {b}: at {LOW_VISION_SIZE} x {LOW_VISION_SIZE} in grey they differ by only "
            f"{difference:.1f} on average, need more than {MIN_SHAPE_DIFFERENCE}")
