#pragma once

#include <string>

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

namespace srgan {

/// The arithmetic precision of a network: the element's `precision` property (whose enum values
/// are these), srgan-train's and srgan-bench's `--precision`. Parsed and named only here.
enum class Precision {
  kAuto,  ///< fp16 on CUDA; on the CPU bf16 where measured faster (see cpu_precision.h), else fp32
  kFp32,
  kFp16,  ///< CUDA only
  kBf16,
};

/// "auto", "fp32", "fp16", "bf16".
std::string to_string(Precision precision);

/// Parses a name; throws srgan::Error listing the names otherwise.
Precision precision_from_string(const std::string& name);

/// The precision of a tensor type (kFloat: fp32, kHalf: fp16, kBFloat16: bf16).
Precision precision_of(c10::ScalarType dtype);

/// The tensor type `precision` runs as on `device`, checked by running the generator's ops
/// there: throws srgan::Error (naming what to use instead) for fp16 on the CPU or a type this
/// LibTorch cannot run on `device`.
c10::ScalarType resolve_precision(Precision precision, c10::Device device);

}  // namespace srgan
