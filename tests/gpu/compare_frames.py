#!/usr/bin/env python3
"""Compares two files of raw NV12 frames (the GPU path's output against the CPU path's).

    compare_frames.py REFERENCE OUTPUT WIDTH HEIGHT [MIN_PSNR]

Prints one line: frames, PSNR over every sample, largest absolute difference, and exits 1 when
the sizes differ, a file is empty or the PSNR is below MIN_PSNR (default 40 dB: what fp16
rounding leaves of an 8-bit frame; a wrong plane, stride or colour gives far less).
Needs only torch (the GPU machine has nothing else).
"""
import math
import sys

import torch


def main() -> int:
    if len(sys.argv) not in (5, 6):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    reference, output = sys.argv[1], sys.argv[2]
    width, height = int(sys.argv[3]), int(sys.argv[4])
    min_psnr = float(sys.argv[5]) if len(sys.argv) == 6 else 40.0
    frame_bytes = width * height * 3 // 2
    with open(reference, "rb") as f:
        ref = f.read()
    with open(output, "rb") as f:
        out = f.read()
    if not ref or len(ref) % frame_bytes:
        print(f"FAIL: {reference} holds {len(ref)} bytes, not whole {width}x{height} NV12 frames")
        return 1
    if len(out) != len(ref):
        print(f"FAIL: {output} holds {len(out)} bytes, the reference {len(ref)}")
        return 1
    a = torch.frombuffer(bytearray(ref), dtype=torch.uint8).double()
    b = torch.frombuffer(bytearray(out), dtype=torch.uint8).double()
    mse = torch.mean((a - b) ** 2).item()
    psnr = math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)
    largest = int(torch.max(torch.abs(a - b)).item())
    ok = psnr >= min_psnr
    print(f"{'ok' if ok else 'FAIL'}: {len(ref) // frame_bytes} frames, PSNR {psnr:.2f} dB "
          f"(at least {min_psnr:g}), largest difference {largest}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
