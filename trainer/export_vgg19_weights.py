#!/usr/bin/env python3
"""Exports torchvision's VGG19 ImageNet weights for srgan-train's perceptual loss.

    python3 trainer/export_vgg19_weights.py vgg19-features.pt
    srgan-train train --vgg-weights vgg19-features.pt ...

Needs torch and torchvision, and a network the first time (torchvision downloads the ImageNet
weights). Writes the `features` layers up to conv5_4 (indices 0..34, the paper's phi_5,4) as a
dict of tensors named like torchvision's state dict ("features.0.weight", ...), the format
srgan::Vgg19Features::load_weights reads. --no-pretrained writes the same layout with random
weights (to check the format offline; useless for training).
"""
import argparse

import torch
import torchvision


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", help="file to write (e.g. vgg19-features.pt)")
    parser.add_argument("--no-pretrained", action="store_true", help="random weights, no download")
    args = parser.parse_args()
    weights = None if args.no_pretrained else torchvision.models.VGG19_Weights.IMAGENET1K_V1
    model = torchvision.models.vgg19(weights=weights)
    tensors = {f"features.{name}": tensor.detach().contiguous()
               for name, tensor in model.features.state_dict().items()
               if int(name.split(".")[0]) <= 34}
    torch.save(tensors, args.output)
    print(f"wrote {len(tensors)} tensors ({sum(t.numel() for t in tensors.values()):,} parameters) to {args.output}")


if __name__ == "__main__":
    main()
