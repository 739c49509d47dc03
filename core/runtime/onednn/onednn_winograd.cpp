#include "onednn_winograd.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <oneapi/dnnl/dnnl.hpp>

#if DNNL_VERSION_MAJOR != 2
#error "onednn_winograd.cpp is written for oneDNN 2.x (Debian 12's libdnnl-dev)"
#endif

namespace srgan::detail::onednn {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;
constexpr auto kF32 = memory::data_type::f32;

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

/// Winograd's primitive for [n, channels, h, w]: blocked by 16 channels (nChw16c), weights in
/// oneDNN's own Winograd layout, the scratchpad ours so that threads can run it at once. Throws
/// dnnl::error where oneDNN has no Winograd for it.
dnnl::convolution_forward::primitive_desc winograd_desc(int64_t n, int64_t channels, int64_t h,
                                                        int64_t w) {
  const memory::desc data({n, channels, h, w}, kF32, Tag::nChw16c);
  const memory::desc weights({channels, channels, 3, 3}, kF32, Tag::any);
  const memory::desc bias({channels}, kF32, Tag::x);
  const dnnl::convolution_forward::desc conv(dnnl::prop_kind::forward_inference,
                                             dnnl::algorithm::convolution_winograd, data, weights,
                                             bias, data, {1, 1}, {1, 1}, {1, 1});
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return {conv, attr, cpu_engine()};
}

/// The largest divisor of `tiles` below 32: the number of tiles oneDNN 2.x's F(4x4, 3x3) kernel
/// keeps in registers at once (its dimN_reg_block, chosen among the divisors of the tile count).
int64_t register_block(int64_t tiles) {
  for (int64_t d = std::min<int64_t>(31, tiles); d > 1; --d) {
    if (tiles % d == 0) return d;
  }
  return 1;
}

// Below this many tiles in registers the F(4x4, 3x3) kernel runs slower than a direct
// convolution (a 32-channel layer of 268x284, 67 x 71 tiles, one in registers: 4.7 against 2.8
// ms; 3 to 6: 0.66-0.76x of direct; 7 and more: 1.2-1.4x faster; docs/PERFORMANCE.md).
constexpr int64_t kMinRegisterBlock = 7;

}  // namespace

int64_t padded_height(int64_t n, int64_t h, int64_t w) {
  const int64_t column_tiles = (w + 3) / 4;
  const int64_t row_tiles = (h + 3) / 4;
  // One of any eight consecutive row counts is a multiple of 8: at most 31 rows are added.
  int64_t padded = row_tiles;
  while (register_block(n * column_tiles * padded) < kMinRegisterBlock) ++padded;
  return padded == row_tiles ? h : padded * 4;
}

bool winograd_available() {
  static const bool available = [] {
    try {
      winograd_desc(1, 16, 8, 8);
      return true;
    } catch (const dnnl::error&) {
      return false;
    }
  }();
  return available;
}

/// Everything run() needs for one input shape. oneDNN's primitives are immutable once made, so
/// threads share them; each call brings its own buffers.
struct Prepared {
  memory::desc nhwc;
  // The maps the layers run on: nChw16c of `padded_height` rows (padded_height()), of which
  // `real` describes the input's.
  memory::desc blocked;
  memory::desc real;
  int64_t n = 0, channels = 0, height = 0, padded_height = 0, width = 0;
  memory::desc scratchpad;
  dnnl::reorder to_blocked;
  dnnl::reorder from_blocked;
  dnnl::convolution_forward conv;
  std::vector<memory> weights;  // each layer's, in the primitive's Winograd layout
  // Each layer's activation, in place on the blocked map (a null primitive: none). Winograd's
  // post-ops take ReLU but no negative slope; the pass costs 5-8% of the layer
  // (docs/PERFORMANCE.md), far less than Winograd saves.
  std::vector<dnnl::primitive> activations;
};

struct WinogradLayers::Impl {
  int64_t channels = 0;
  std::vector<std::vector<float>> weights;  // OIHW
  std::vector<std::vector<float>> biases;
  std::vector<std::vector<float>> slopes;  // empty: no activation
  // Wrapping `biases` and `slopes` (oneDNN reads them only).
  std::vector<memory> bias_memories;
  std::vector<memory> slope_memories;

  std::mutex mutex;
  // Shapes seen: the Upscaler's tiles come in a handful (interior, right, bottom, corner), a
  // stream's frames in one. nullptr where oneDNN has no Winograd for the shape.
  std::map<std::tuple<int64_t, int64_t, int64_t>, std::shared_ptr<const Prepared>> cache;
  static constexpr size_t kMaxShapes = 16;

  std::shared_ptr<const Prepared> prepared(int64_t n, int64_t h, int64_t w);
  std::shared_ptr<const Prepared> prepare(int64_t n, int64_t h, int64_t w) const;
  dnnl::primitive activation(size_t layer, const memory::desc& blocked) const;
};

dnnl::primitive WinogradLayers::Impl::activation(size_t layer, const memory::desc& blocked) const {
  const auto& s = slopes[layer];
  if (s.empty()) return {};
  const auto& engine = cpu_engine();
  // One slope (LeakyReLU, or a PReLU whose slopes are all equal): the eltwise primitive.
  if (std::all_of(s.begin(), s.end(), [&](float v) { return v == s.front(); })) {
    const dnnl::eltwise_forward::desc leaky(dnnl::prop_kind::forward_inference,
                                            dnnl::algorithm::eltwise_relu, blocked, s.front());
    return dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(leaky, engine));
  }
  const dnnl::prelu_forward::desc prelu(dnnl::prop_kind::forward_inference, blocked,
                                        slope_memories[layer].get_desc());
  return dnnl::prelu_forward(dnnl::prelu_forward::primitive_desc(prelu, engine));
}

std::shared_ptr<const Prepared> WinogradLayers::Impl::prepare(int64_t n, int64_t h,
                                                              int64_t w) const {
  const auto& engine = cpu_engine();
  dnnl::convolution_forward::primitive_desc conv;
  try {
    conv = winograd_desc(n, channels, h, w);
  } catch (const dnnl::error&) {
    return nullptr;
  }
  auto p = std::make_shared<Prepared>();
  p->n = n;
  p->channels = channels;
  p->height = h;
  p->width = w;
  // Only F(4x4, 3x3) blocks by divisors of the tile count (F(2x2, 3x3), which oneDNN takes for
  // small maps, does not slow down so): where the count has none of a useful size, the layers
  // run on a few more rows, kept zero as the convolution's padding would be.
  p->padded_height = h;
  if (std::string(conv.impl_info_str()).find("wino_4x3") != std::string::npos) {
    p->padded_height = padded_height(n, h, w);
    if (p->padded_height != h) conv = winograd_desc(n, channels, p->padded_height, w);
  }
  p->nhwc = memory::desc({n, channels, h, w}, kF32, Tag::nhwc);
  p->blocked = conv.dst_desc();
  // zero_padding() writes into plain nChw16c planes.
  if (p->blocked != memory::desc({n, channels, p->padded_height, w}, kF32, Tag::nChw16c))
    return nullptr;
  p->real = p->blocked.submemory_desc({n, channels, h, w}, {0, 0, 0, 0});
  p->scratchpad = conv.scratchpad_desc();
  p->to_blocked = dnnl::reorder(dnnl::reorder::primitive_desc(engine, p->nhwc, engine, p->real));
  p->from_blocked = dnnl::reorder(dnnl::reorder::primitive_desc(engine, p->real, engine, p->nhwc));
  p->conv = dnnl::convolution_forward(conv);
  for (size_t i = 0; i < weights.size(); ++i) p->activations.push_back(activation(i, p->blocked));
  dnnl::stream stream(engine);
  const memory::desc oihw({channels, channels, 3, 3}, kF32, Tag::oihw);
  for (const auto& layer : weights) {
    memory plain(oihw, engine, const_cast<float*>(layer.data()));
    memory winograd(conv.weights_desc(), engine);
    dnnl::reorder(plain, winograd).execute(stream, plain, winograd);
    p->weights.push_back(winograd);
  }
  stream.wait();
  return p;
}

std::shared_ptr<const Prepared> WinogradLayers::Impl::prepared(int64_t n, int64_t h, int64_t w) {
  const auto key = std::make_tuple(n, h, w);
  {
    std::lock_guard<std::mutex> lock(mutex);
    const auto found = cache.find(key);
    if (found != cache.end()) return found->second;
  }
  // Made outside the lock (it reorders every layer's weights); two threads that meet the same
  // new shape make it twice and keep one.
  auto made = prepare(n, h, w);
  std::lock_guard<std::mutex> lock(mutex);
  if (cache.size() >= kMaxShapes) cache.clear();
  return cache.emplace(key, std::move(made)).first->second;
}

WinogradLayers::WinogradLayers(int64_t channels, const std::vector<WinogradLayer>& layers)
    : impl_(std::make_unique<Impl>()) {
  impl_->channels = channels;
  const size_t c = static_cast<size_t>(channels);
  const size_t taps = c * c * 9;
  for (const auto& layer : layers) {
    impl_->weights.emplace_back(layer.weights, layer.weights + taps);
    impl_->biases.emplace_back(layer.bias, layer.bias + c);
    impl_->slopes.push_back(layer.slopes ? std::vector<float>(layer.slopes, layer.slopes + c)
                                         : std::vector<float>());
  }
  const memory::desc bias({channels}, kF32, Tag::x);
  // Broadcast per channel, blocked as the data is (for [1, C, 1, 1] the same bytes as plain):
  // given plain slopes, oneDNN 2.6 runs its reference PReLU, slower than the whole layer.
  const memory::desc slopes({1, channels, 1, 1}, kF32, Tag::nChw16c);
  for (size_t i = 0; i < layers.size(); ++i) {
    impl_->bias_memories.emplace_back(bias, cpu_engine(), impl_->biases[i].data());
    impl_->slope_memories.push_back(impl_->slopes[i].empty()
                                        ? memory()
                                        : memory(slopes, cpu_engine(), impl_->slopes[i].data()));
  }
}

WinogradLayers::~WinogradLayers() = default;

int64_t WinogradLayers::buffer_elements(int64_t n, int64_t h, int64_t w) const {
  const auto p = impl_->prepared(n, h, w);
  return p ? p->n * p->channels * p->padded_height * p->width : 0;
}

namespace {

// The rows below the input's in every nChw16c plane of a padded map: zero, as the convolution's
// own padding is, before the next layer reads them.
void zero_padding(dnnl::stream& stream, const Prepared& p, float* map) {
  if (p.padded_height == p.height) return;
  stream.wait();  // what the stream queued has written the map
  const int64_t row = p.width * 16;
  for (int64_t plane = 0; plane < p.n * p.channels / 16; ++plane) {
    float* rows = map + (plane * p.padded_height + p.height) * row;
    std::fill(rows, rows + (p.padded_height - p.height) * row, 0.0f);
  }
}

}  // namespace

int WinogradLayers::run(int64_t n, int64_t h, int64_t w, const float* input, float* first,
                        float* second) const {
  const auto p = impl_->prepared(n, h, w);
  if (!p) return -1;
  const auto& engine = cpu_engine();
  dnnl::stream stream(engine);
  // nChw16c and NHWC of a multiple of 16 channels take the same bytes: each buffer holds
  // either, in turn (the input may be `first`).
  float* buffers[2] = {first, second};
  memory nhwc_input(p->nhwc, engine, const_cast<float*>(input));
  memory blocked[2] = {memory(p->blocked, engine, first), memory(p->blocked, engine, second)};
  memory real[2] = {memory(p->real, engine, first), memory(p->real, engine, second)};
  const memory scratchpad(p->scratchpad, engine);
  int current = 1;
  p->to_blocked.execute(stream, nhwc_input, real[current]);
  zero_padding(stream, *p, buffers[current]);
  for (size_t i = 0; i < p->weights.size(); ++i) {
    p->conv.execute(stream, {{DNNL_ARG_SRC, blocked[current]},
                             {DNNL_ARG_WEIGHTS, p->weights[i]},
                             {DNNL_ARG_BIAS, impl_->bias_memories[i]},
                             {DNNL_ARG_DST, blocked[1 - current]},
                             {DNNL_ARG_SCRATCHPAD, scratchpad}});
    current = 1 - current;
    if (const auto& activation = p->activations[i]) {
      std::unordered_map<int, memory> args{{DNNL_ARG_SRC, blocked[current]},
                                           {DNNL_ARG_DST, blocked[current]}};
      if (activation.get_kind() == dnnl::primitive::kind::prelu) {
        args.emplace(DNNL_ARG_WEIGHTS, impl_->slope_memories[i]);
      }
      activation.execute(stream, args);
    }
    // The padding rows took the bias: zero again before the next layer reads them.
    if (i + 1 < p->weights.size()) zero_padding(stream, *p, buffers[current]);
  }
  memory output(p->nhwc, engine, buffers[1 - current]);
  p->from_blocked.execute(stream, real[current], output);
  stream.wait();
  return 1 - current;
}

}  // namespace srgan::detail::onednn
