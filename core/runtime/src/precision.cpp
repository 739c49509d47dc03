#include "srgan/precision.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "srgan/error.h"

namespace srgan {

std::string to_string(Precision precision) {
  switch (precision) {
    case Precision::kAuto:
      return "auto";
    case Precision::kFp32:
      return "fp32";
    case Precision::kFp16:
      return "fp16";
    case Precision::kBf16:
      return "bf16";
  }
  return "auto";
}

Precision precision_from_string(const std::string& name) {
  for (Precision p : {Precision::kAuto, Precision::kFp32, Precision::kFp16, Precision::kBf16}) {
    if (name == to_string(p)) return p;
  }
  throw Error("unknown precision '" + name + "' (expected auto, fp32, fp16 or bf16)");
}

Precision precision_of(c10::ScalarType dtype) {
  switch (dtype) {
    case at::kHalf:
      return Precision::kFp16;
    case at::kBFloat16:
      return Precision::kBf16;
    default:
      return Precision::kFp32;
  }
}

c10::ScalarType resolve_precision(Precision precision, c10::Device device) {
  at::ScalarType dtype = at::kFloat;
  switch (precision) {
    case Precision::kAuto:
      dtype = device.is_cuda() ? at::kHalf : at::kFloat;
      break;
    case Precision::kFp32:
      dtype = at::kFloat;
      break;
    case Precision::kFp16:
      // LibTorch's CPU kernels emulate half precision, several times slower than fp32.
      if (device.is_cpu()) {
        throw Error("precision fp16 is for CUDA GPUs; on the CPU use fp32 (the default) or bf16");
      }
      dtype = at::kHalf;
      break;
    case Precision::kBf16:
      dtype = at::kBFloat16;
      break;
  }
  // A probe through the ops the generator uses tells whether this LibTorch can run them.
  try {
    c10::InferenceMode guard;
    const auto options = at::TensorOptions().dtype(dtype).device(device);
    const auto x = at::ones({1, 4, 4, 4}, options);
    at::tanh(at::pixel_shuffle(
        at::prelu(at::conv2d(x, at::ones({4, 4, 3, 3}, options)), at::ones({4}, options)), 2));
  } catch (const std::exception& e) {
    throw Error("precision " + to_string(precision_of(dtype)) + " is not supported on " +
                device.str() + " by this LibTorch (" + first_line(e.what()) + "); use " +
                (device.is_cpu() ? "fp32 or bf16" : "fp32, fp16 or bf16"));
  }
  return dtype;
}

}  // namespace srgan
