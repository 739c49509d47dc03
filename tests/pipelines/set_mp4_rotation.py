#!/usr/bin/env python3
"""Writes a rotation into an MP4's video track, as phones do: the picture is stored landscape and
the track header's display matrix turns it (qtdemux reads it as the image-orientation tag).

    set_mp4_rotation.py FILE DEGREES      (0, 90, 180 or 270, clockwise)
"""
import struct
import sys

# ISO/IEC 14496-12 display matrices (a, b, c, d of [a b u; c d v; x y w], 16.16 fixed point).
MATRICES = {0: (1, 0, 0, 1), 90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}


def main() -> int:
    path, degrees = sys.argv[1], int(sys.argv[2])
    data = bytearray(open(path, "rb").read())
    at = data.find(b"tkhd")
    if at < 0:
        print(f"{path}: no track header", file=sys.stderr)
        return 1
    version = data[at + 4]
    # After the box type: version and flags (4), times, track ID, reserved and duration (20, or 32
    # in version 1), then reserved (8), layer, alternate group, volume, reserved (2 each).
    matrix = at + 4 + 4 + (32 if version == 1 else 20) + 8 + 8
    a, b, c, d = MATRICES[degrees]
    struct.pack_into(">9i", data, matrix, a << 16, b << 16, 0, c << 16, d << 16, 0, 0, 0, 1 << 30)
    open(path, "wb").write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
