#!/usr/bin/env python3
"""Exports a compact-family checkpoint (the bundled srgan-x2.pt / srgan-x4.pt, or one srgan-train
wrote) as a standalone TorchScript module that plain PyTorch runs, with no srganupscale code:

    python3 models/export_torchscript.py models/srgan-x2.pt srgan-x2-torchscript.pt

    model = torch.jit.load("srgan-x2-torchscript.pt")
    hr = model(lr)  # [N, 3, H, W] RGB in [-1, 1] -> [N, 3, 2H, 2W] in [-1, 1]

The module declares scale, input_min/max and output_min/max, so the element and srgan-train also
load it (model-location=...). The export is checked before it is written: on a random input it
must give the checkpoint network's output, recomputed here from the weights, to 1e-5.
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

LEAKY_SLOPE = 0.2  # kCompactLeakySlope in core/runtime/include/srgan/generator_options.h


class CompactUpscaler(nn.Module):
    """conv 3x3 + act, N x (conv 3x3 + act), conv 3x3 to 3*s*s, pixel shuffle, plus the input's
    classic upscale, act PReLU or LeakyReLU(0.2): core/runtime/src/compact_generator.cpp, in
    PyTorch."""

    def __init__(self, blocks: int, channels: int, scale: int, skip: str, activation: str):
        super().__init__()
        self.scale = scale
        self.input_min, self.input_max = -1.0, 1.0
        self.output_min, self.output_max = -1.0, 1.0
        self.skip = skip
        def act():
            return nn.PReLU(channels) if activation == "prelu" else nn.LeakyReLU(LEAKY_SLOPE)

        layers = [nn.Conv2d(3, channels, 3, padding=1), act()]
        for _ in range(blocks):
            layers += [nn.Conv2d(channels, channels, 3, padding=1), act()]
        layers.append(nn.Conv2d(channels, 3 * scale * scale, 3, padding=1))
        self.body = nn.Sequential(*layers)

    def forward(self, lr: torch.Tensor) -> torch.Tensor:
        out = F.pixel_shuffle(self.body(lr), self.scale)
        if self.skip == "bicubic":
            out = out + F.interpolate(lr, scale_factor=float(self.scale), mode="bicubic",
                                      align_corners=False)
        elif self.skip == "nearest":
            out = out + F.interpolate(lr, scale_factor=float(self.scale), mode="nearest")
        return out.clamp(self.output_min, self.output_max)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint", help="a compact-family checkpoint (srgan-train's format)")
    parser.add_argument("output", help="the TorchScript file to write")
    args = parser.parse_args()
    if not os.path.isfile(args.checkpoint):
        sys.exit(f"{args.checkpoint}: no such file")
    try:
        saved = torch.jit.load(args.checkpoint, map_location="cpu")
    except (RuntimeError, ValueError):
        sys.exit(f"{args.checkpoint}: not an srgan-train checkpoint (not a PyTorch archive)")
    fmt = saved.format if saved._c.hasattr("format") else "none: a TorchScript module"
    if fmt != "srganupscale-generator":
        sys.exit(f"{args.checkpoint}: not an srgan-train checkpoint (format '{fmt}')")
    # Version 1 files (the SRGAN family only) have no architecture attribute.
    architecture = saved.architecture if saved._c.hasattr("architecture") else "srgan"
    if architecture != "compact":
        sys.exit(f"{args.checkpoint}: the {architecture} family is not exported by this "
                 "script, only the compact one")
    # Version 2 files (PReLU) have no body_activation attribute.
    activation = saved.body_activation if saved._c.hasattr("body_activation") else "prelu"
    model = CompactUpscaler(saved.residual_blocks, saved.channels, saved.scale, saved.skip,
                            activation)
    model.load_state_dict(dict(saved.weights), strict=True)
    model.eval()
    scripted = torch.jit.script(model)

    # The check: the scripted module against the same arithmetic written out from the weights.
    torch.manual_seed(0)
    probe = torch.rand(1, 3, 23, 17) * 2 - 1
    with torch.no_grad():
        x = probe
        w = dict(saved.weights)
        count = len([k for k in w if k.endswith(".weight") and w[k].dim() == 4])
        for i in range(count):
            x = F.conv2d(x, w[f"body.{2 * i}.weight"], w[f"body.{2 * i}.bias"], padding=1)
            if i < count - 1 and activation == "prelu":
                x = F.prelu(x, w[f"body.{2 * i + 1}.weight"])
            elif i < count - 1:
                x = torch.where(x >= 0, x, x * LEAKY_SLOPE)
        expected = F.pixel_shuffle(x, saved.scale)
        if saved.skip != "none":
            expected = expected + F.interpolate(probe, scale_factor=float(saved.scale),
                                                mode=saved.skip,
                                                **({"align_corners": False} if saved.skip == "bicubic" else {}))
        expected = expected.clamp(-1, 1)
        got = scripted(probe)
    difference = (got - expected).abs().max().item()
    if got.shape != expected.shape or difference > 1e-5:
        sys.exit(f"export check failed: largest difference {difference:g}")
    scripted.save(args.output)
    print(f"wrote {args.output}: compact x{saved.scale}, {saved.residual_blocks} blocks, "
          f"{saved.channels} channels, {saved.skip} skip, {activation}; TorchScript, RGB in [-1, 1]")


if __name__ == "__main__":
    main()
