#include "winograd_convolution.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "srgan/cpu_precision.h"
#include "srgan/error.h"

namespace srgan::detail {

bool winograd_available() {
  // at::_nnpack_available() also initialises NNPACK, which its convolution needs first.
  static const bool available = at::_nnpack_available();
  return available;
}

bool winograd_turned_off() {
  static const bool turned_off = [] {
    const char* setting = std::getenv("SRGAN_WINOGRAD");
    return setting != nullptr && std::strcmp(setting, "0") == 0;
  }();
  return turned_off;
}

bool winograd_pays(c10::Device device, c10::ScalarType dtype, int64_t channels) {
  static const bool avx512 = cpu_has_capability("avx512_f");
  // One intra-op thread only: with two, NNPACK's own thread pool scaled worse than oneDNN and
  // the ATen passes between its layers woke OpenMP's threads against it (x4 network 0.81-0.86x).
  return device.is_cpu() && dtype == at::kFloat && channels >= kWinogradMinChannels && !avx512 &&
         !winograd_turned_off() && at::get_num_threads() == 1 && winograd_available();
}

bool winograd_fits(const at::Tensor& weight) {
  return weight.dim() == 4 && weight.size(2) == 3 && weight.size(3) == 3 &&
         weight.size(0) >= kWinogradMinChannels && weight.size(1) >= kWinogradMinChannels;
}

void prepare_winograd() {
  static std::once_flag once;
  std::call_once(once, [] {
    const auto x = at::zeros({1, kWinogradMinChannels, 6, 6});
    const auto w = at::zeros({kWinogradMinChannels, kWinogradMinChannels, 3, 3});
    conv3x3_winograd(x, w, at::zeros({kWinogradMinChannels}));
  });
}

at::Tensor conv3x3_winograd(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (!winograd_available()) throw Error("Winograd convolution: NNPACK is not available here");
  // ATen's wrapper makes both operands NCHW-contiguous (NNPACK reads plain buffers).
  return at::_nnpack_spatial_convolution(x, weight, bias, {1, 1}, {1, 1});
}

}  // namespace srgan::detail
