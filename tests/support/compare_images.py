#!/usr/bin/env python3
"""Compares two 8-bit images that two different float computations made of the same input.

    compare_images.py A B [--max-diff N] [--min-psnr DB]

Byte-for-byte equality holds only where the computation is the same: two float paths (another
graph, another kernel per CPU, bf16 against fp32) round a few samples the other way. This
bounds what such rounding can do: no sample more than N code values apart (default 1) and a
PSNR over every sample of at least DB (default 60 dB: a handful of 1-code differences in a
frame; a wrong pixel, plane or colour gives far less). Prints one line; exits 1 when the sizes
differ or a bound is broken.
"""
import argparse
import math
import sys

import torch
from PIL import Image


def load(path: str) -> torch.Tensor:
    image = Image.open(path)
    data = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8)
    return data.view(image.height, image.width, -1).double()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--max-diff", type=int, default=1)
    parser.add_argument("--min-psnr", type=float, default=60.0)
    args = parser.parse_args()
    a, b = load(args.a), load(args.b)
    if a.shape != b.shape:
        print(f"FAIL: {args.a} is {tuple(a.shape)}, {args.b} is {tuple(b.shape)}")
        return 1
    difference = (a - b).abs()
    mse = difference.pow(2).mean().item()
    psnr = math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)
    largest = int(difference.max().item())
    differing = int((difference > 0).sum().item())
    ok = largest <= args.max_diff and psnr >= args.min_psnr
    print(f"{'OK' if ok else 'FAIL'}: {differing} of {difference.numel()} samples differ, "
          f"the most by {largest} (bound {args.max_diff}), PSNR {psnr:.2f} dB "
          f"(bound {args.min_psnr:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
