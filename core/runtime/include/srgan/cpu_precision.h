#pragma once

#include <functional>
#include <string>

#include <c10/core/ScalarType.h>

namespace srgan {

/// What the CPU offers for bf16: AMX's bf16 tiles (Sapphire Rapids and later) or AVX512-BF16
/// dot products (Cooper Lake, Zen 4). Without either, LibTorch emulates bf16, slower than fp32.
struct CpuBf16Support {
  bool amx_bf16 = false;
  bool avx512_bf16 = false;
  bool any() const { return amx_bf16 || avx512_bf16; }
  /// "AMX-BF16", "AVX512-BF16" or "no AMX-BF16 or AVX512-BF16".
  std::string describe() const;
};

/// Whether LibTorch's cpuinfo reports the capability `name` ("avx512_f", "amx_bf16", ...).
bool cpu_has_capability(const char* name);

/// This machine's, as LibTorch's cpuinfo sees it.
CpuBf16Support cpu_bf16_support();

/// precision=auto on the CPU: the dtype and one line saying why.
struct CpuPrecisionChoice {
  c10::ScalarType dtype = c10::kFloat;
  std::string reason;
};

/// bf16 where the CPU has bf16 instructions and the network, timed by `milliseconds_in` (the
/// time of one probe inference in a dtype), runs at least kBf16MinimumSpeedUp times faster in
/// bf16 than in fp32; fp32 otherwise, without timing anything where bf16 would be emulated.
CpuPrecisionChoice choose_cpu_precision(
    const CpuBf16Support& support, const std::function<double(c10::ScalarType)>& milliseconds_in);

/// Below this, bf16's rounding is not worth its speed.
inline constexpr double kBf16MinimumSpeedUp = 1.2;

}  // namespace srgan
