#!/usr/bin/env python3
"""Draws the app's icon (a rounded square with a white "A" under a stroke,
like a pencil line on paper) as PNG files of the sizes given, anti-aliased
by distance: python3 make_icons.py OUT_DIR 192 512 ...

The same drawing as web/static/icon.svg, on a 100-unit grid."""
import math
import struct
import sys
import zlib

ACCENT = (47, 91, 234)
WHITE = (255, 255, 255)


def segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def rounded_square_distance(px, py, half, radius):
    qx, qy = abs(px - 50) - (half - radius), abs(py - 50) - (half - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


# The letter: two legs, a crossbar, and the line beneath (units of 100).
STROKES = [((30, 76), (50, 24)), ((50, 24), (70, 76)), ((38, 58), (62, 58))]
UNDERLINE = ((26, 86), (74, 86))
STROKE = 4.6


def pixel(x, y, scale):
    px, py = (x + 0.5) / scale, (y + 0.5) / scale
    aa = 0.5 / scale  # half a pixel, in units
    bg = min(1.0, max(0.0, 0.5 - rounded_square_distance(px, py, 48, 20) / (2 * aa)))
    if bg <= 0.0:
        return (0, 0, 0, 0)
    d = min(segment_distance(px, py, *a, *b) for a, b in STROKES + [UNDERLINE]) - STROKE
    ink = min(1.0, max(0.0, 0.5 - d / (2 * aa)))
    rgb = tuple(round(c * (1 - ink) + w * ink) for c, w in zip(ACCENT, WHITE))
    return rgb + (round(255 * bg),)


def png(size):
    scale = size / 100.0
    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            rows.extend(pixel(x, y, scale))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = sys.argv[1]
    for s in sys.argv[2:]:
        with open(f"{out}/icon-{s}.png", "wb") as f:
            f.write(png(int(s)))
