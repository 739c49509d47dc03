#!/usr/bin/env python3
"""Which way a frame is turned against a reference picture of the same scene.

    orientation_of.py REFERENCE.png FRAME.png EXPECTED_DEGREES

Turns REFERENCE clockwise by 0, 90, 180 and 270 degrees, resizes each to FRAME's size (bicubic)
and measures its PSNR against FRAME. Prints the four; exits 0 when EXPECTED_DEGREES is the
closest by at least 5 dB (an upscaled frame of the right turn is within a few dB of a bicubic
one; a wrong turn of a photo is far off), 1 otherwise.
"""
import math
import sys

import torch
import torch.nn.functional as F
from PIL import Image


def load(path: str) -> torch.Tensor:
    image = Image.open(path).convert("RGB")
    data = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8)
    return data.view(image.height, image.width, 3).permute(2, 0, 1).float().unsqueeze(0)


def main() -> int:
    reference, frame, expected = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
    scores = {}
    for degrees in (0, 90, 180, 270):
        turned = torch.rot90(reference, k=-degrees // 90, dims=(2, 3))
        if turned.shape[2] * frame.shape[3] != turned.shape[3] * frame.shape[2]:
            scores[degrees] = -math.inf  # another aspect ratio
            continue
        resized = F.interpolate(turned, size=frame.shape[2:], mode="bicubic", align_corners=False)
        mse = torch.mean((resized.clamp(0, 255) - frame) ** 2).item()
        scores[degrees] = 10 * math.log10(255.0**2 / max(mse, 1e-10))
    ranked = sorted(scores, key=scores.get, reverse=True)
    print(", ".join(f"{d} degrees: {scores[d]:.1f} dB" for d in (0, 90, 180, 270)))
    margin = scores[ranked[0]] - scores[ranked[1]]
    return 0 if ranked[0] == expected and margin >= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
