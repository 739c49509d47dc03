#!/usr/bin/env python3
"""What fusing the activation into the convolution would buy the compact networks on the CPU (#35).

Times the compact body (N convolutions 3x3 C->C, each followed by its activation) in PyTorch eager,
channels-last, three ways on the same input and weights, alternated in one run:
  conv + PReLU (what ships), conv + ReLU (a separate pass), and oneDNN's fused convolution
  (torch.ops.mkldnn._convolution_pointwise with leaky_relu, which ATen reaches; PReLU is not one
  of its post-ops). The fused output is checked against conv + leaky_relu computed apart.

  python3 bench/fusion_probe.py [--channels 32] [--blocks 12] [--size 960x540] [--threads N]
"""
import argparse
import time

import torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=32)
    parser.add_argument("--blocks", type=int, default=12)
    parser.add_argument("--size", default="960x540", help="WxH of the input (the network's resolution)")
    parser.add_argument("--threads", type=int, default=0, help="0: PyTorch's default")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    width, height = (int(v) for v in args.size.split("x"))
    torch.manual_seed(0)
    c = args.channels
    x = torch.randn(1, c, height, width).to(memory_format=torch.channels_last)
    convs = [torch.nn.Conv2d(c, c, 3, padding=1) for _ in range(args.blocks)]
    for conv in convs:
        conv.weight.data = conv.weight.data.to(memory_format=torch.channels_last)
    prelu = torch.nn.PReLU(c)
    slope = 0.25

    def conv_prelu():
        y = x
        for conv in convs:
            y = prelu(conv(y))
        return y

    def conv_relu():
        y = x
        for conv in convs:
            y = torch.relu(conv(y))
        return y

    def fused_leaky_relu():
        y = x
        for conv in convs:
            y = torch.ops.mkldnn._convolution_pointwise(
                y, conv.weight, conv.bias, [1, 1], [1, 1], [1, 1], 1, "leaky_relu", [slope], "")
        return y

    paths = {"conv + PReLU": conv_prelu, "conv + ReLU": conv_relu,
             "fused conv + LeakyReLU (oneDNN post-op)": fused_leaky_relu}
    with torch.no_grad():
        reference = x
        for conv in convs:
            reference = torch.nn.functional.leaky_relu(conv(reference), slope)
        difference = (fused_leaky_relu() - reference).abs().max().item()
        times = {name: [] for name in paths}
        for _ in range(args.repeats):  # alternated, so drift hits every path alike
            for name, path in paths.items():
                path()
                start = time.perf_counter()
                path()
                times[name].append(time.perf_counter() - start)
    print(f"{args.blocks} x conv 3x3 {c}->{c} on {width}x{height}, {torch.get_num_threads()} threads, "
          f"fp32 channels-last; fused vs separate LeakyReLU: max difference {difference:.2e}")
    base = min(times["conv + PReLU"])
    print("| path | best ms | conv + PReLU / path |")
    print("| --- | ---: | ---: |")
    for name, t in times.items():
        print(f"| {name} | {min(t) * 1000:.0f} | {base / min(t):.2f}x |")


if __name__ == "__main__":
    main()
