#include "srgan/cpu_precision.h"

#include <cstdio>

#include <ATen/cpu/Utils.h>

namespace srgan {

std::string CpuBf16Support::describe() const {
  if (amx_bf16) return "AMX-BF16";
  if (avx512_bf16) return "AVX512-BF16";
  return "no AMX-BF16 or AVX512-BF16";
}

bool cpu_has_capability(const char* name) {
  const auto capabilities = at::cpu::get_cpu_capabilities();
  const auto found = capabilities.find(name);
  return found != capabilities.end() && found->second.isBool() && found->second.toBool();
}

CpuBf16Support cpu_bf16_support() {
  CpuBf16Support support;
  support.amx_bf16 = cpu_has_capability("amx_bf16");
  support.avx512_bf16 = cpu_has_capability("avx512_bf16");
  return support;
}

CpuPrecisionChoice choose_cpu_precision(
    const CpuBf16Support& support, const std::function<double(c10::ScalarType)>& milliseconds_in) {
  if (!support.any()) {
    return {c10::kFloat, "fp32: this CPU has " + support.describe() + " (bf16 would be emulated)"};
  }
  const double fp32 = milliseconds_in(c10::kFloat);
  const double bf16 = milliseconds_in(c10::kBFloat16);
  char line[160];
  const double speed_up = fp32 / bf16;
  if (speed_up >= kBf16MinimumSpeedUp) {
    std::snprintf(line, sizeof(line), "bf16: %s, measured %.2fx faster than fp32 on this network",
                  support.describe().c_str(), speed_up);
    return {c10::kBFloat16, line};
  }
  std::snprintf(line, sizeof(line),
                "fp32: %s, but bf16 measured only %.2fx as fast as fp32 on this network",
                support.describe().c_str(), speed_up);
  return {c10::kFloat, line};
}

}  // namespace srgan
