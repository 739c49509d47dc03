#!/usr/bin/env python3
"""Writes the frame fuzz targets' seed corpus: one valid 8x6 frame per pixel format, laid out as
GStreamer lays it out, in each target's input encoding (see the fuzz_*.cpp files). The model
seeds are real files: a 2-step srgan-train checkpoint (x2, 4 channels, 1 block), the x2
TorchScript test fixture, a truncated TorchScript file, an empty zip and text."""
import os
import struct

FORMATS = ["RGB", "BGR", "RGBA", "BGRA", "ARGB", "ABGR", "RGBx", "BGRx", "xRGB", "xBGR",
           "I420", "YV12", "NV12", "NV21", "Y444", "GRAY8",
           "P010_10LE", "P016_LE", "I420_10LE", "I422_10LE", "Y444_10LE", "Y444_16LE", "GRAY16_LE",
           "RGBA64_LE"]
WIDTH, HEIGHT = 8, 6


def planes(fmt):
    """(stride, rows) of each plane for an 8x6 frame."""
    if fmt in ("RGB", "BGR"):
        return [(24, HEIGHT)]
    if fmt == "GRAY8":
        return [(8, HEIGHT)]
    if fmt in ("I420", "YV12"):
        return [(8, HEIGHT), (4, HEIGHT // 2), (4, HEIGHT // 2)]
    if fmt in ("NV12", "NV21"):
        return [(8, HEIGHT), (8, HEIGHT // 2)]
    if fmt == "Y444":
        return [(8, HEIGHT)] * 3
    # High bit depth: 16-bit words.
    if fmt in ("P010_10LE", "P016_LE"):
        return [(16, HEIGHT), (16, HEIGHT // 2)]
    if fmt == "I420_10LE":
        return [(16, HEIGHT), (8, HEIGHT // 2), (8, HEIGHT // 2)]
    if fmt == "I422_10LE":
        return [(16, HEIGHT), (8, HEIGHT), (8, HEIGHT)]
    if fmt in ("Y444_10LE", "Y444_16LE"):
        return [(16, HEIGHT)] * 3
    if fmt == "GRAY16_LE":
        return [(16, HEIGHT)]
    if fmt == "RGBA64_LE":
        return [(64, HEIGHT)]
    return [(32, HEIGHT)]


def u24(value):
    return struct.pack("<I", value)[:3]


def layout(fmt):
    offsets, size = [], 0
    for stride, rows in planes(fmt):
        offsets.append(size)
        size += stride * rows
    return offsets, size


def frame_view_seed(index, fmt, colorimetry):
    offsets, size = layout(fmt)
    data = struct.pack("<BhhB", index, WIDTH, HEIGHT, colorimetry) + u24(size - 1)
    for plane in range(3):
        stride = planes(fmt)[plane][0] if plane < len(planes(fmt)) else 0
        offset = offsets[plane] if plane < len(offsets) else 0
        data += u24(offset) + struct.pack("<iB", stride, 0)
    return data


def video_frame_seed(index, fmt):
    offsets, size = layout(fmt)
    # width and height are taken modulo 300, plus 1; the buffer size modulo twice the frame's.
    data = struct.pack("<BHH", index, WIDTH - 1, HEIGHT - 1) + u24(size - 1) + b"\x01"
    for plane, (stride, _) in enumerate(planes(fmt)):
        data += u24(offsets[plane]) + struct.pack("<i", stride)
    return data


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    for index, fmt in enumerate(FORMATS):
        for name, colorimetry in (("bt709-limited", 1), ("bt2020-full", 0x80)):
            with open(os.path.join(root, "fuzz_frame_view", f"{fmt}-8x6-{name}.bin"), "wb") as f:
                f.write(frame_view_seed(index, fmt, colorimetry))
        with open(os.path.join(root, "fuzz_video_frame", f"{fmt}-8x6-meta.bin"), "wb") as f:
            f.write(video_frame_seed(index, fmt))


if __name__ == "__main__":
    main()
