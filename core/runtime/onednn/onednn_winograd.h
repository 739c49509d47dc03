#pragma once

// A stack of equal 3x3 convolutions, each followed by its own activation (LeakyReLU, PReLU or
// none), by oneDNN's AVX-512 Winograd F(4x4, 3x3) (F(2x2, 3x3) on small maps): the compact
// networks' body in float32 on CPUs with AVX-512. It does 2.25 multiplications per output where
// a direct convolution does 9, and its transforms stay in cache: one 32-channel layer of
// 540x960 ran 1.5x, a 48-channel one 1.6x faster than oneDNN's direct convolution that ATen
// runs (docs/PERFORMANCE.md). oneDNN 2.x, as Debian 12 ships it (libdnnl-dev): LibTorch bundles
// a oneDNN too but exports none of it, and its headers are a 3.x whose API differs, so this file
// sees only the system's oneDNN (its own library target, without LibTorch's include paths) and
// its interface only plain C++. Internal to the runtime library.

#include <cstdint>
#include <memory>
#include <vector>

namespace srgan::detail::onednn {

/// Whether oneDNN has its Winograd convolution on this CPU (AVX-512; asked of oneDNN itself).
bool winograd_available();

/// The rows the layers run an [n, h, w] map on: `h`, or a few more (at most 31) where oneDNN
/// 2.x's F(4x4, 3x3) kernel would block the tiles of `h` rows poorly. It keeps as many tiles in
/// registers as the largest divisor of the tile count below 32, and with fewer than 7 it runs
/// slower than a direct convolution: a 32-channel layer of 268x284 (67 x 71 tiles, a product of
/// primes) took 4.7 ms where 288 rows took 2.0 and a direct convolution 2.8. The extra rows are
/// kept zero, as the convolution's own padding is, so the result does not change.
int64_t padded_height(int64_t n, int64_t h, int64_t w);

/// One layer: weights [channels, channels, 3, 3] row-major (OIHW), bias [channels], and the
/// negative slopes of the activation after it: one per channel (PReLU; LeakyReLU where all are
/// equal), or null for none. All copied.
struct WinogradLayer {
  const float* weights = nullptr;
  const float* bias = nullptr;
  const float* slopes = nullptr;
};

/// layer_k(... layer_1(x) ...), every convolution `channels` in and out, stride 1, padding 1.
/// Builds oneDNN's primitives once per input shape (a few, bounded) and can run from several
/// threads at once.
class WinogradLayers {
 public:
  /// `channels` must be a multiple of 16 (oneDNN's AVX-512 blocking).
  WinogradLayers(int64_t channels, const std::vector<WinogradLayer>& layers);
  ~WinogradLayers();
  WinogradLayers(const WinogradLayers&) = delete;
  WinogradLayers& operator=(const WinogradLayers&) = delete;

  /// Floats each of run()'s two buffers holds for an [n, h, w, channels] input: n * h * w *
  /// channels, or more where the layers run on padded rows (padded_height()); 0 where oneDNN has
  /// no Winograd for this shape.
  int64_t buffer_elements(int64_t n, int64_t h, int64_t w) const;

  /// `input`: [n, h, w, channels] (NHWC); `first` and `second`: buffer_elements() floats each,
  /// `first` may be the input itself where that is its size. The layers ping-pong between the
  /// two (no third map), so both are overwritten; returns which holds the output (0: `first`, 1:
  /// `second`), NHWC in its first n * h * w * channels floats. Runs on the calling thread's
  /// OpenMP team. Returns -1, touching neither, where oneDNN has no Winograd for this shape.
  int run(int64_t n, int64_t h, int64_t w, const float* input, float* first, float* second) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace srgan::detail::onednn
