#include "winograd_body.h"

#include <array>
#include <cstdlib>
#include <string>
#include <utility>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "onednn_winograd.h"
#include "srgan/error.h"
#include "winograd_convolution.h"
#include "winograd_kernels.h"

namespace srgan::detail {

namespace {

winograd::Isa isa_of(WinogradLibrary library) {
  return library == WinogradLibrary::kAvx2 ? winograd::Isa::kAvx2 : winograd::Isa::kAvx512;
}

int64_t channel_block(WinogradLibrary library) {
  return library == WinogradLibrary::kOneDnn ? 16 : winograd::lanes(isa_of(library));
}

}  // namespace

const char* to_string(WinogradLibrary library) {
  return library == WinogradLibrary::kOneDnn ? "oneDNN" : winograd::to_string(isa_of(library));
}

bool WinogradBody::available(WinogradLibrary library) {
  if (library != WinogradLibrary::kOneDnn) return winograd::available(isa_of(library));
#if defined(SRGAN_WITH_ONEDNN)
  return onednn::winograd_available();
#else
  return false;
#endif
}

std::optional<WinogradLibrary> WinogradBody::chosen() {
  if (winograd_turned_off()) return std::nullopt;
  const char* setting = std::getenv("SRGAN_WINOGRAD");
  const std::string asked = setting ? setting : "";
  for (const auto& [name, library] : {std::pair{"avx512", WinogradLibrary::kAvx512},
                                      {"avx2", WinogradLibrary::kAvx2},
                                      {"onednn", WinogradLibrary::kOneDnn}}) {
    if (asked == name && available(library)) return library;
  }
  for (const auto library : {WinogradLibrary::kAvx512, WinogradLibrary::kAvx2}) {
    if (available(library)) return library;
  }
  return std::nullopt;
}

int64_t WinogradBody::padded_height(int64_t n, int64_t h, int64_t w) {
#if defined(SRGAN_WITH_ONEDNN)
  return onednn::padded_height(n, h, w);
#else
  (void)n;
  (void)w;
  return h;
#endif
}

bool WinogradBody::fits(WinogradLibrary library, const std::vector<at::Tensor>& weights) {
  if (weights.empty()) return false;
  const int64_t channels = weights.front().size(0);
  for (const auto& w : weights) {
    if (w.dim() != 4 || w.size(0) != channels || w.size(1) != channels || w.size(2) != 3 ||
        w.size(3) != 3 || w.scalar_type() != at::kFloat || !w.device().is_cpu()) {
      return false;
    }
  }
  return channels % channel_block(library) == 0;
}

WinogradBody::WinogradBody(WinogradLibrary library, const std::vector<at::Tensor>& weights,
                           const std::vector<at::Tensor>& biases,
                           const std::vector<at::Tensor>& slopes)
    : library_(library) {
  if (!available(library)) {
    throw Error(std::string("Winograd body: ") + to_string(library) +
                "'s Winograd is not available here");
  }
  if (!fits(library, weights) || biases.size() != weights.size() ||
      slopes.size() != weights.size()) {
    throw Error("Winograd body: needs equal [C, C, 3, 3] float32 layers, C a multiple of " +
                std::to_string(channel_block(library)));
  }
  channels_ = weights.front().size(0);
  std::vector<at::Tensor> oihw;  // what oneDNN copies the weights from
  std::vector<onednn::WinogradLayer> layers;
  for (size_t i = 0; i < weights.size(); ++i) {
    const auto bias = biases[i].to(at::kFloat).contiguous();
    const auto slope = slopes[i].defined()
                           ? slopes[i].to(at::kCPU, at::kFloat).expand({channels_}).contiguous()
                           : at::Tensor();
    const float* slope_data = slope.defined() ? slope.data_ptr<float>() : nullptr;
    if (library != WinogradLibrary::kOneDnn) {  // our kernels copy what they need
      kernel_layers_.emplace_back(isa_of(library), channels_, channels_,
                                  weights[i].contiguous().data_ptr<float>(), bias.data_ptr<float>(),
                                  slope_data);
      continue;
    }
    weights_.push_back(weights[i].contiguous(at::MemoryFormat::ChannelsLast));
    biases_.push_back(bias);
    slopes_.push_back(slope);
    oihw.push_back(weights[i].contiguous());
    layers.push_back({oihw.back().data_ptr<float>(), bias.data_ptr<float>(), slope_data});
  }
#if defined(SRGAN_WITH_ONEDNN)
  if (library == WinogradLibrary::kOneDnn) {
    layers_ = std::make_unique<onednn::WinogradLayers>(channels_, layers);
  }
#endif
}

WinogradBody::~WinogradBody() = default;

at::Tensor WinogradBody::forward(at::Tensor&& x) const {
  if (x.dim() != 4 || x.size(1) != channels_ || x.scalar_type() != at::kFloat ||
      !x.device().is_cpu()) {
    throw Error("Winograd body: input must be [N, " + std::to_string(channels_) +
                ", H, W] float32 on the CPU, got " + c10::str(x.sizes()));
  }
  auto first = std::move(x).contiguous(at::MemoryFormat::ChannelsLast);
  if (library_ != WinogradLibrary::kOneDnn) {
    const int64_t n = first.size(0), h = first.size(2), w = first.size(3);
    auto second = at::empty_like(first, at::MemoryFormat::ChannelsLast);
    for (const auto& layer : kernel_layers_) {
      layer.run(n, h, w, first.data_ptr<float>(), second.data_ptr<float>());
      std::swap(first, second);
    }
    return first;
  }
#if defined(SRGAN_WITH_ONEDNN)
  // oneDNN runs on this thread's OpenMP team: the size ATen gives its own ops here (a frame in
  // flight's share of the cores), set on a thread's first ATen op, perhaps not yet run.
  at::internal::lazy_init_num_threads();
  const int64_t n = first.size(0), channels = first.size(1), h = first.size(2), w = first.size(3);
  const int64_t elements = layers_->buffer_elements(n, h, w);
  if (elements == first.numel()) {
    auto second = at::empty_like(first, at::MemoryFormat::ChannelsLast);
    const int output = layers_->run(n, h, w, first.data_ptr<float>(), first.data_ptr<float>(),
                                    second.data_ptr<float>());
    if (output >= 0) return output == 0 ? first : second;
  } else if (elements > 0) {
    // Padded rows (onednn::padded_height): two maps of their own, the output NHWC at the start
    // of one of them.
    std::array<at::Tensor, 2> maps = {at::empty({elements}, first.options()),
                                      at::empty({elements}, first.options())};
    const int output = layers_->run(n, h, w, first.data_ptr<float>(), maps[0].data_ptr<float>(),
                                    maps[1].data_ptr<float>());
    if (output >= 0) {
      return maps[output]
          .narrow(0, 0, first.numel())
          .view({n, h, w, channels})
          .permute({0, 3, 1, 2});
    }
  }
#endif
  auto y = std::move(first);
  for (size_t i = 0; i < weights_.size(); ++i) {
    y = at::conv2d(y, weights_[i], biases_[i], 1, 1);
    if (slopes_[i].defined()) y = at::prelu(y, slopes_[i]);
  }
  return y;
}

}  // namespace srgan::detail
