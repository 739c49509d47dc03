#!/usr/bin/env python3
"""The peer srgan-bench compares against: the same generator in plain PyTorch, from Python.

    python3 bench/pytorch_peer.py --threads 2 --sizes 96x96 135x240 270x480 --repeats 3
    python3 bench/pytorch_peer.py --device cuda --precisions fp32 fp16 bf16 --sizes 270x480
    python3 bench/pytorch_peer.py --arch compact --blocks 12 --channels 32 --scale 2 --sizes 540x960
    python3 bench/pytorch_peer.py --arch compact --body-activation leakyrelu --sizes 540x960

Prints one JSON object per size and precision: milliseconds per frame (the minimum over
repeats) for the model as a PyTorch user writes it (eval, inference_mode, NCHW, weights cast to
the precision) and with channels_last.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F
from torch import nn


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(c)
        self.act = nn.PReLU(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        return x + self.bn2(self.conv2(self.act(self.bn1(self.conv1(x)))))


class Generator(nn.Module):
    """The paper's generator: as core/runtime/src/generator.cpp builds it."""

    def __init__(self, blocks=3, c=64, scale=4):
        super().__init__()
        self.head = nn.Conv2d(3, c, 9, padding=4)
        self.head_act = nn.PReLU(c)
        self.blocks = nn.Sequential(*[ResidualBlock(c) for _ in range(blocks)])
        self.trunk_conv = nn.Conv2d(c, c, 3, padding=1)
        self.trunk_bn = nn.BatchNorm2d(c)
        stages = []
        for _ in range(scale.bit_length() - 1):
            stages += [nn.Conv2d(c, 4 * c, 3, padding=1), nn.PixelShuffle(2), nn.ReLU()]
        self.upsample = nn.Sequential(*stages)
        self.tail = nn.Conv2d(c, 3, 9, padding=4)

    def forward(self, x):
        features = self.head_act(self.head(x))
        trunk = self.trunk_bn(self.trunk_conv(self.blocks(features)))
        return torch.tanh(self.tail(self.upsample(features + trunk)))


class CompactGenerator(nn.Module):
    """The compact family, as core/runtime/src/compact_generator.cpp builds it: every convolution
    at the input's resolution, PReLU (or LeakyReLU 0.2) after each but the last, pixel shuffle,
    plus the input's bicubic upscale; clamped in eval mode."""

    def __init__(self, blocks=12, c=32, scale=2, activation="prelu"):
        super().__init__()

        def act():
            return nn.PReLU(c) if activation == "prelu" else nn.LeakyReLU(0.2, inplace=True)

        layers = [nn.Conv2d(3, c, 3, padding=1), act()]
        for _ in range(blocks):
            layers += [nn.Conv2d(c, c, 3, padding=1), act()]
        layers += [nn.Conv2d(c, 3 * scale * scale, 3, padding=1)]
        self.body = nn.Sequential(*layers)
        self.scale = scale

    def forward(self, x):
        out = F.pixel_shuffle(self.body(x), self.scale)
        base = F.interpolate(x, scale_factor=self.scale, mode="bicubic", align_corners=False)
        return (out + base).clamp(-1, 1)


DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_ms(model, x, repeats):
    with torch.inference_mode():
        model(x)
        sync(x.device)
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            model(x)
            sync(x.device)
            best = min(best, time.perf_counter() - start)
    return best * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sizes", nargs="+", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--precisions", nargs="+", default=["fp32"], choices=list(DTYPES))
    parser.add_argument("--arch", default="srgan", choices=["srgan", "compact"])
    parser.add_argument("--blocks", type=int, default=3)
    parser.add_argument("--channels", type=int, default=64)
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--body-activation", default="prelu", choices=["prelu", "leakyrelu"])
    args = parser.parse_args()

    def network():
        if args.arch == "compact":
            return CompactGenerator(args.blocks, args.channels, args.scale, args.body_activation)
        return Generator(args.blocks, args.channels, args.scale)

    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # as our CUDA path does
    for precision in args.precisions:
        dtype = DTYPES[precision]
        torch.manual_seed(0)
        model = network().eval().to(device, dtype)
        model_cl = network().eval().to(device, dtype, memory_format=torch.channels_last)
        for size in args.sizes:
            h, w = (int(v) for v in size.split("x"))
            x = (torch.rand(1, 3, h, w) * 2 - 1).to(device, dtype)
            print(json.dumps({
                "size": size,
                "precision": precision,
                "eager_ms": time_ms(model, x, args.repeats),
                "channels_last_ms": time_ms(
                    model_cl, x.contiguous(memory_format=torch.channels_last), args.repeats),
                "torch": torch.__version__,
            }), flush=True)


if __name__ == "__main__":
    main()
