#!/usr/bin/env python3
"""i420_to_png.py WIDTH HEIGHT MATRIX OUT_DIR FRAME.yuv...: raw 8-bit I420 frames (limited
range) to PNG by the standard's equations, chroma repeated over each 2x2 block, each value
rounded: the conversion the element (core's frame_to_rgb) makes, computed another way, for
tests that compare srgan-train's decoding of a clip with a folder of its frames. MATRIX is
bt601 or bt709."""
import os
import sys

from PIL import Image

width, height, matrix, out_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
kr, kb = {"bt601": (0.299, 0.114), "bt709": (0.2126, 0.0722)}[matrix]
kg = 1 - kr - kb
cw, ch = (width + 1) // 2, (height + 1) // 2
for index, path in enumerate(sys.argv[5:]):
    data = open(path, "rb").read()
    y_plane, u_plane, v_plane = data[: width * height], data[width * height :], data[width * height + cw * ch :]
    pixels = []
    for row in range(height):
        for col in range(width):
            c = (row // 2) * cw + col // 2
            y = (y_plane[row * width + col] - 16) / 219
            cb = (u_plane[c] - 128) / 224
            cr = (v_plane[c] - 128) / 224
            r = y + 2 * (1 - kr) * cr
            b = y + 2 * (1 - kb) * cb
            g = (y - kr * r - kb * b) / kg
            pixels.append(tuple(min(255, max(0, round(v * 255))) for v in (r, g, b)))
    image = Image.new("RGB", (width, height))
    image.putdata(pixels)
    image.save(os.path.join(out_dir, f"frame-{index:04d}.png"))
