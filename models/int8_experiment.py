#!/usr/bin/env python3
"""int8 for the compact family on the CPU, measured against fp32 and bf16 (issue #27's question:
ship int8 only if faster than bf16 and within 0.1 dB).

    python3 models/int8_experiment.py models/srgan-x2.pt PHOTOS/train PHOTOS/val

Post-training static quantisation in PyTorch eager mode (the x86 backend: oneDNN/FBGEMM
quantised convolutions, VNNI where the CPU has it): every convolution and PReLU of the body in
int8 (per-channel weights, activations calibrated on 32 LR crops of the training photos), the
bicubic skip in float32. Prints, in one run, the time per 960x540 frame of fp32, bf16 autocast
and int8 (channels-last, best of 3 after a warm-up) and the PSNR-Y (BT.601, border of `scale`
pixels) of each on the whole validation photos (LR by antialiased bicubic), with bicubic's.
Needs Pillow; not part of the build or the tests.
"""
import argparse
import glob
import os
import sys
import time

import torch
import torch.ao.quantization as tq
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_torchscript import CompactUpscaler  # noqa: E402
from PIL import Image  # noqa: E402


def read_rgb(path):
    image = Image.open(path).convert("RGB")
    w, h = image.size
    pixels = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8)
    return pixels.view(h, w, 3).permute(2, 0, 1).float().div(255).unsqueeze(0)


def luma(rgb):  # BT.601 Y in [16, 235] / 255, as srgan-train evaluate
    return (16 + 65.481 * rgb[:, 0] + 128.553 * rgb[:, 1] + 24.966 * rgb[:, 2]) / 255


def psnr(a, b, border):
    a, b = luma(a)[..., border:-border, border:-border], luma(b)[..., border:-border, border:-border]
    return 10 * torch.log10(1 / F.mse_loss(a, b)).item()


class QuantisedCompact(nn.Module):
    def __init__(self, model: CompactUpscaler):
        super().__init__()
        self.scale, self.skip = model.scale, model.skip
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        self.body = model.body

    def forward(self, lr):
        out = F.pixel_shuffle(self.dequant(self.body(self.quant(lr))), self.scale)
        out = out + F.interpolate(lr, scale_factor=float(self.scale), mode="bicubic", align_corners=False)
        return out.clamp(-1, 1)


def best_of(run, x, repeats=3):
    run(x)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(x)
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("train")
    parser.add_argument("val")
    args = parser.parse_args()
    saved = torch.jit.load(args.checkpoint, map_location="cpu")
    model = CompactUpscaler(saved.residual_blocks, saved.channels, saved.scale, saved.skip)
    model.load_state_dict(dict(saved.weights))
    model.eval()
    s = saved.scale

    torch.backends.quantized.engine = "x86"
    qmodel = QuantisedCompact(CompactUpscaler(saved.residual_blocks, saved.channels, s, saved.skip))
    qmodel.body.load_state_dict(model.body.state_dict())
    qmodel.eval()
    qmodel.qconfig = tq.get_default_qconfig("x86")
    for layer in qmodel.body:  # PReLU's 1-D slopes take a per-tensor observer
        if isinstance(layer, nn.PReLU):
            layer.qconfig = tq.QConfig(activation=qmodel.qconfig.activation,
                                       weight=tq.default_weight_observer)
    tq.prepare(qmodel, inplace=True)
    torch.manual_seed(0)
    with torch.no_grad():
        for path in sorted(glob.glob(os.path.join(args.train, "*")))[:32]:
            hr = read_rgb(path)
            y = torch.randint(0, hr.shape[2] - 192, (1,)).item()
            x = torch.randint(0, hr.shape[3] - 192, (1,)).item()
            crop = hr[..., y:y + 192, x:x + 192]
            qmodel(F.interpolate(crop, scale_factor=1 / s, mode="bicubic", antialias=True) * 2 - 1)
    tq.convert(qmodel, inplace=True)

    def fp32(lr):
        with torch.no_grad():
            return model(lr)

    def bf16(lr):
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
            return model(lr).float()

    def int8(lr):
        with torch.no_grad():
            return qmodel(lr)

    model.to(memory_format=torch.channels_last)
    runs = {"fp32": fp32, "bf16": bf16, "int8": int8}
    frame = (torch.rand(1, 3, 540, 960) * 2 - 1).contiguous(memory_format=torch.channels_last)
    print(f"{saved.architecture} x{s} {saved.residual_blocks}x{saved.channels}, torch "
          f"{torch.__version__}, {torch.get_num_threads()} threads")
    times = {name: best_of(run, frame) for name, run in runs.items()}
    for name, seconds in times.items():
        print(f"960x540 -> x{s}: {name} {seconds * 1000:.0f} ms ({times['fp32'] / seconds:.2f}x fp32)")
    totals = {name: 0.0 for name in ["bicubic", *runs]}
    photos = sorted(glob.glob(os.path.join(args.val, "*")))
    for path in photos:
        hr = read_rgb(path)
        hr = hr[..., : hr.shape[2] // s * s, : hr.shape[3] // s * s]
        lr = F.interpolate(hr, scale_factor=1 / s, mode="bicubic", antialias=True)
        row = {"bicubic": psnr(F.interpolate(lr, scale_factor=s, mode="bicubic", align_corners=False).clamp(0, 1), hr, s)}
        for name, run in runs.items():
            row[name] = psnr((run(lr * 2 - 1) + 1) / 2, hr, s)
        for k in totals:
            totals[k] += row[k]
        print(os.path.basename(path), " ".join(f"{k} {v:.2f}" for k, v in row.items()))
    means = {k: v / len(photos) for k, v in totals.items()}
    print("mean", " ".join(f"{k} {v:.3f}" for k, v in means.items()))
    print(f"int8 - fp32: {means['int8'] - means['fp32']:+.3f} dB; bf16 - fp32: "
          f"{means['bf16'] - means['fp32']:+.3f} dB")


if __name__ == "__main__":
    main()
