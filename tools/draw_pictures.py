"""Draw the 12 profile pictures that learners pick instead of typing a name.

Run from the project root:

    python tools/draw_pictures.py

It writes ``assets/pictures/<id>.png`` (384 x 384 RGBA, transparent outside the circle) for the
ids in ``IDS``. The output is deterministic: running it again gives the same files.

Each picture is one simple, bold object with its own silhouette and its own main colour, drawn
with thick dark outlines on a plain light circle with a dark rim, so that it reads on the kiosk's
warm white background and on the black of the high-contrast theme, and so that a person with low
vision or colour blindness can tell the pictures apart by shape as well as by colour. The shapes
are drawn at 4x with Pillow's ImageDraw and scaled down with LANCZOS for smooth edges.

The pictures were drawn for this project (no third-party artwork) and are dedicated to the public
domain under CC0 1.0 Universal (CC0-1.0); see assets/pictures/LICENSE.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

from PIL import Image, ImageDraw

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = PROJECT_ROOT / "assets" / "pictures"

IDS = ("sun", "tree", "fish", "house", "boat", "cup",
       "key", "umbrella", "apple", "bird", "star", "flower")

SIZE = 384          # final picture size in pixels
SCALE = 4           # drawn at 4x, then downsampled
CENTRE = SIZE / 2

INK = (31, 31, 36, 255)          # outlines: near-black
CIRCLE = (255, 252, 245, 255)    # the plain light circle behind every picture
RIM = 9                          # width of the circle's dark rim (final pixels)
OUTLINE = 7                      # width of the figures' outlines (final pixels)

# The main colour of each picture. Every pair is at least 20 apart in CIEDE2000 (and over 30 in
# CIE76), checked by tests/test_pictures.py on the drawn files.
MAIN = {
    "sun": (245, 154, 35),        # orange
    "tree": (58, 168, 74),        # leaf green
    "fish": (15, 163, 154),       # teal
    "house": (122, 62, 26),       # brown
    "boat": (36, 86, 176),        # sea blue
    "cup": (176, 24, 90),         # raspberry
    "key": (138, 147, 155),       # silver grey
    "umbrella": (155, 63, 200),   # purple
    "apple": (224, 42, 31),       # red
    "bird": (127, 207, 248),      # sky blue
    "star": (255, 218, 46),       # yellow
    "flower": (255, 179, 209),    # pink
}

# Secondary colours: smaller areas than the main colour (or white, like the sails), so the main
# colour stays the most common one.
WHITE = (255, 255, 255, 255)
TRUNK = (133, 87, 48, 255)
LEAF = (46, 140, 60, 255)
YELLOW = (255, 206, 40, 255)
ORANGE = (247, 148, 30, 255)
WINDOW = (255, 226, 120, 255)
ROOF = (70, 80, 96, 255)
DOOR = (76, 40, 20, 255)
SAIL = (255, 255, 255, 255)
HULL = (176, 104, 52, 255)
STEAM = (200, 205, 212, 255)
SHINE = (255, 190, 180, 255)
WING = (70, 150, 210, 255)


def rgba(colour):
    return (*tuple(colour), 255) if len(colour) == 3 else tuple(colour)


class Pen:
    """Draws at SCALE x with coordinates given in final pixels; outlines lie outside each shape.

    Every shape is drawn in two passes: ``ink`` (the shape grown by the outline width, in INK)
    and ``fill`` (the shape itself). Drawing several shapes' inks before their fills merges them
    into one silhouette with a single outer outline (the tree's crown, the apple).
    """

    def __init__(self):
        self.image = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)

    @staticmethod
    def s(value):
        return value * SCALE

    def pts(self, points):
        return [(self.s(x), self.s(y)) for x, y in points]

    # ----- ellipses -----
    def ellipse_ink(self, box, width=OUTLINE):
        x0, y0, x1, y1 = box
        self.draw.ellipse([self.s(x0 - width), self.s(y0 - width),
                           self.s(x1 + width), self.s(y1 + width)], fill=INK)

    def ellipse_fill(self, box, colour):
        self.draw.ellipse([self.s(v) for v in box], fill=rgba(colour))

    def ellipse(self, box, colour, width=OUTLINE):
        self.ellipse_ink(box, width)
        self.ellipse_fill(box, colour)

    def circle(self, cx, cy, r, colour, width=OUTLINE):
        self.ellipse((cx - r, cy - r, cx + r, cy + r), colour, width)

    # ----- polygons -----
    def polygon_ink(self, points, width=OUTLINE):
        p = self.pts(points)
        self.draw.polygon(p, fill=INK)
        self.draw.line([*p, p[0], p[1]], fill=INK, width=int(self.s(2 * width)), joint="curve")
        r = self.s(width)
        for x, y in p:
            self.draw.ellipse([x - r, y - r, x + r, y + r], fill=INK)

    def polygon_fill(self, points, colour):
        self.draw.polygon(self.pts(points), fill=rgba(colour))

    def polygon(self, points, colour, width=OUTLINE):
        self.polygon_ink(points, width)
        self.polygon_fill(points, colour)

    # ----- strokes with round ends -----
    def _stroke(self, points, colour, width):
        p = self.pts(points)
        w = self.s(width)
        self.draw.line(p, fill=colour, width=int(w), joint="curve")
        r = w / 2
        for x, y in (p[0], p[-1]):
            self.draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)

    def stroke_ink(self, points, width, outline=OUTLINE):
        self._stroke(points, INK, width + 2 * outline)

    def stroke_fill(self, points, colour, width):
        self._stroke(points, rgba(colour), width)

    def stroke(self, points, colour, width, outline=OUTLINE):
        self.stroke_ink(points, width, outline)
        self.stroke_fill(points, colour, width)

    def line(self, points, width):
        """A plain ink line (details inside a shape) with round ends."""
        self._stroke(points, INK, width)


def arc_points(cx, cy, rx, ry, start, end, steps=48):
    """Points along an ellipse from angle ``start`` to ``end`` (degrees, 0 = right, y down)."""
    return [(cx + rx * math.cos(math.radians(start + (end - start) * i / steps)),
             cy + ry * math.sin(math.radians(start + (end - start) * i / steps)))
            for i in range(steps + 1)]


def wave_points(x0, x1, y, amplitude, waves, steps=96):
    return [(x0 + (x1 - x0) * i / steps,
             y + amplitude * math.sin(2 * math.pi * waves * i / steps))
            for i in range(steps + 1)]


# ---------------------------------------------------------------- the pictures

def draw_sun(pen):
    colour = MAIN["sun"]
    rays = [(192 + 116 * math.cos(a), 192 + 116 * math.sin(a),
             192 + 152 * math.cos(a), 192 + 152 * math.sin(a))
            for a in (math.radians(i * 45 + 22.5) for i in range(8))]
    disc = (104, 104, 280, 280)
    for x0, y0, x1, y1 in rays:
        pen.stroke_ink([(x0, y0), (x1, y1)], 28)
    pen.ellipse_ink(disc)
    for x0, y0, x1, y1 in rays:
        pen.stroke_fill([(x0, y0), (x1, y1)], colour, 28)
    pen.ellipse_fill(disc, colour)


def draw_tree(pen):
    colour = MAIN["tree"]
    pen.polygon([(172, 210), (212, 210), (218, 322), (166, 322)], TRUNK)
    crown = [(192, 112, 78), (130, 178, 60), (254, 178, 60), (192, 196, 70)]
    for cx, cy, r in crown:
        pen.ellipse_ink((cx - r, cy - r, cx + r, cy + r))
    for cx, cy, r in crown:
        pen.ellipse_fill((cx - r, cy - r, cx + r, cy + r), colour)


def draw_fish(pen):
    colour = MAIN["fish"]
    # top fin and tail behind the body
    pen.polygon([(150, 136), (196, 84), (236, 140)], colour)
    pen.polygon([(262, 192), (334, 124), (318, 192), (334, 260)], colour)
    body = (58, 122, 290, 262)
    pen.ellipse(body, colour)
    # gill line and eye
    pen.line(arc_points(142, 192, 40, 52, -55, 55, 24), 7)
    pen.circle(104, 176, 19, WHITE, 5)
    pen.draw.ellipse([pen.s(100), pen.s(172), pen.s(116), pen.s(188)], fill=INK)
    # smile
    pen.line(arc_points(80, 210, 14, 10, 200, 280, 12), 6)


def draw_house(pen):
    colour = MAIN["house"]
    pen.polygon([(240, 80), (272, 80), (272, 150), (240, 150)], colour)    # chimney
    pen.polygon([(88, 168), (296, 168), (296, 326), (88, 326)], colour)    # walls
    pen.polygon([(66, 176), (192, 76), (318, 176)], ROOF)                  # roof
    pen.polygon([(118, 230), (126, 222), (168, 222), (176, 230), (176, 326), (118, 326)],
                DOOR)                                                      # door
    pen.draw.ellipse([pen.s(156), pen.s(272), pen.s(166), pen.s(282)], fill=WINDOW)
    pen.polygon([(210, 216), (266, 216), (266, 270), (210, 270)], WINDOW)  # window
    pen.line([(238, 216), (238, 270)], 6)
    pen.line([(210, 243), (266, 243)], 6)


def draw_boat(pen):
    colour = MAIN["boat"]
    # mast, white sails and a small flag
    pen.stroke([(196, 60), (196, 250)], INK[:3], 8, 0)
    pen.polygon([(206, 72), (206, 226), (298, 226)], SAIL)             # main sail
    pen.polygon([(184, 92), (184, 226), (108, 226)], SAIL)             # front sail
    pen.polygon([(196, 48), (236, 58), (196, 70)], MAIN["apple"], 5)  # flag
    # wooden hull, sitting in the sea
    pen.polygon([(66, 234), (318, 234), (284, 296), (100, 296)], HULL)
    # the sea: waves in the main colour, running off the bottom (the circle's rim closes it)
    sea = [*wave_points(0, 384, 284, 10, 4), (384, 390), (0, 390)]
    pen.polygon(sea, colour)
    pen.line(wave_points(96, 288, 330, 6, 2, 48), 6)


def draw_cup(pen):
    colour = MAIN["cup"]
    # steam
    for x in (124, 174, 224):
        pts = [(x + 10 * math.sin(i / 24 * 2 * math.pi), 128 - 68 * i / 24) for i in range(25)]
        pen.stroke(pts, STEAM, 12, 6)
    # saucer
    pen.ellipse((52, 290, 296, 326), colour)
    # handle: a thick ring on the right, its hole showing the light circle
    pen.ellipse((222, 164, 328, 264), colour)
    hole = (250, 190, 306, 238)
    pen.ellipse_fill((hole[0] - OUTLINE, hole[1] - OUTLINE, hole[2] + OUTLINE, hole[3] + OUTLINE),
                     INK)
    pen.ellipse_fill(hole, CIRCLE)
    # the cup itself: wider at the top, rounded bottom corners
    body = [(78, 150), (270, 150), *arc_points(226, 262, 36, 40, 0, 90, 12)[1:],
            *arc_points(122, 262, 36, 40, 90, 180, 12)]
    pen.polygon(body, colour)
    # rim of the cup (the tea, seen from above)
    pen.ellipse((84, 144, 264, 164), (96, 56, 32), 5)


def draw_key(pen):
    colour = MAIN["key"]
    # bow (ring), shaft and two teeth, lying across the picture, tilted slightly
    angle = math.radians(-20)
    cx, cy = 192, 192

    def rot(points):
        return [(cx + (x - cx) * math.cos(angle) - (y - cy) * math.sin(angle),
                 cy + (x - cx) * math.sin(angle) + (y - cy) * math.cos(angle)) for x, y in points]

    shaft = rot([(130, 176), (330, 176), (330, 208), (130, 208)])
    tooth1 = rot([(262, 200), (290, 200), (290, 252), (262, 252)])
    tooth2 = rot([(300, 200), (330, 200), (330, 240), (300, 240)])
    (bx, by), = rot([(108, 192)])
    bow = (bx - 66, by - 66, bx + 66, by + 66)
    for part in (shaft, tooth1, tooth2):
        pen.polygon_ink(part)
    pen.ellipse_ink(bow)
    for part in (shaft, tooth1, tooth2):
        pen.polygon_fill(part, colour)
    pen.ellipse_fill(bow, colour)
    # the hole in the bow
    hole = (bx - 26, by - 26, bx + 26, by + 26)
    pen.ellipse_fill((hole[0] - OUTLINE, hole[1] - OUTLINE, hole[2] + OUTLINE, hole[3] + OUTLINE),
                     INK)
    pen.ellipse_fill(hole, CIRCLE)


def draw_umbrella(pen):
    colour = MAIN["umbrella"]
    # handle: a shaft with a hook at the bottom
    handle = [(192, 180), (192, 292), *arc_points(168, 292, 24, 26, 0, 180, 16)[1:]]
    pen.stroke(handle, INK[:3], 16, 0)
    # canopy: half a dome with a scalloped lower edge
    top = arc_points(192, 196, 150, 128, 180, 360, 60)
    scallops = []
    edges = [342, 267, 192, 117, 42]
    for a, b in itertools.pairwise(edges):
        mid = (a + b) / 2
        scallops += arc_points(mid, 196, (a - b) / 2, 18, 0, -180, 16)[1:]
    canopy = top + scallops
    pen.polygon(canopy, colour)
    # ribs from the tip to the scallop points
    for x in (117, 267):
        pen.line([(192, 70), (x, 196)], 6)
    pen.line([(192, 70), (192, 196)], 6)
    pen.stroke([(192, 68), (192, 48)], INK[:3], 12, 0)


def draw_apple(pen):
    colour = MAIN["apple"]
    # stem and leaf behind the fruit
    pen.stroke([(194, 112), (188, 90), (196, 62)], TRUNK, 12)
    pen.polygon([(200, 86), (230, 66), (266, 62), (276, 70), (262, 92), (230, 102)], LEAF)
    pen.line([(206, 86), (262, 70)], 5)
    lobes = [(80, 104, 216, 320), (168, 104, 304, 320), (110, 150, 274, 330)]
    for box in lobes:
        pen.ellipse_ink(box)
    for box in lobes:
        pen.ellipse_fill(box, colour)
    # dimple where the stem goes in, and a shine
    pen.line(arc_points(192, 104, 22, 16, 30, 150, 12), 7)
    pen.ellipse((112, 150, 140, 200), SHINE, 0)


def draw_bird(pen):
    colour = MAIN["bird"]
    # tail up and to the left, legs below
    pen.polygon([(150, 186), (58, 120), (40, 178), (140, 228)], colour)
    for x in (178, 214):
        pen.stroke([(x, 270), (x - 6, 318)], ORANGE[:3], 8, 5)
    # round body and head
    pen.ellipse_ink((86, 132, 290, 290))
    pen.ellipse_ink((206, 76, 318, 188))
    pen.ellipse_fill((86, 132, 290, 290), colour)
    pen.ellipse_fill((206, 76, 318, 188), colour)
    # beak
    pen.polygon([(312, 122), (352, 138), (312, 154)], ORANGE)
    # wing
    wing = [(92, 184), *arc_points(190, 212, 64, 36, 235, 485, 40)]
    pen.polygon(wing, WING, 6)
    # eye
    pen.circle(272, 122, 13, WHITE, 5)
    pen.draw.ellipse([pen.s(268), pen.s(118), pen.s(280), pen.s(130)], fill=INK)


def draw_star(pen):
    colour = MAIN["star"]
    cx, cy = 192, 200
    points = []
    for i in range(10):
        r = 158 if i % 2 == 0 else 66
        a = math.radians(-90 + 36 * i)
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    pen.polygon(points, colour)


def draw_flower(pen):
    colour = MAIN["flower"]
    # stem and two leaves
    pen.stroke([(192, 180), (192, 326)], LEAF[:3], 14)
    pen.polygon([(192, 290), *arc_points(148, 268, 50, 22, 20, 200, 16)[1:]], LEAF)
    pen.polygon([(192, 270), *arc_points(238, 250, 50, 22, 160, -20, 16)[1:]], LEAF)
    # petals around a yellow centre
    cx, cy = 192, 148
    for i in range(6):
        a = math.radians(-90 + 60 * i)
        px, py = cx + 62 * math.cos(a), cy + 62 * math.sin(a)
        pen.circle(px, py, 44, colour)
    pen.circle(cx, cy, 38, YELLOW)


DRAWERS = {
    "sun": draw_sun, "tree": draw_tree, "fish": draw_fish, "house": draw_house,
    "boat": draw_boat, "cup": draw_cup, "key": draw_key, "umbrella": draw_umbrella,
    "apple": draw_apple, "bird": draw_bird, "star": draw_star, "flower": draw_flower,
}


def render(picture_id: str) -> Image.Image:
    """One picture: 384 x 384 RGBA, transparent outside the rimmed light circle."""
    pen = Pen()
    big = SIZE * SCALE
    margin = 2 * SCALE
    rim = RIM * SCALE
    pen.draw.ellipse([margin, margin, big - margin, big - margin], fill=INK)
    pen.draw.ellipse([margin + rim, margin + rim, big - margin - rim, big - margin - rim],
                     fill=CIRCLE)
    figure = Pen()
    DRAWERS[picture_id](figure)
    # Keep the figure inside the circle (it is drawn to fit; this only trims stray outline).
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).ellipse([margin + rim, margin + rim, big - margin - rim,
                                  big - margin - rim], fill=255)
    alpha = figure.image.getchannel("A")
    figure.image.putalpha(Image.composite(alpha, mask, mask))
    pen.image.alpha_composite(figure.image)
    return pen.image.resize((SIZE, SIZE), Image.LANCZOS)


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for picture_id in IDS:
        render(picture_id).save(OUT_DIR / f"{picture_id}.png", optimize=True)


if __name__ == "__main__":
    main()
