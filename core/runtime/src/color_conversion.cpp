#include "srgan/color_conversion.h"

#include <cmath>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "pixel_format.h"
#include "srgan/cuda_device.h"
#include "srgan/error.h"

namespace srgan {
namespace {

using at::indexing::None;
using at::indexing::Slice;
using detail::layout_of;
using detail::PixelLayout;

struct LumaWeights {
  double kr, kb;
  double kg() const { return 1.0 - kr - kb; }
};

LumaWeights weights_of(ColorMatrix matrix) {
  switch (matrix) {
    case ColorMatrix::kBT601:
      return {0.299, 0.114};
    case ColorMatrix::kBT709:
      return {0.2126, 0.0722};
    case ColorMatrix::kBT2020:
      return {0.2627, 0.0593};
  }
  return {0.2126, 0.0722};
}

// 8-bit code values of black and of the luma/chroma excursion.
struct Quantisation {
  double luma_offset, luma_scale, chroma_scale;
};

Quantisation quantisation_of(ColorRange range) {
  return range == ColorRange::kFull ? Quantisation{0.0, 255.0, 255.0}
                                    : Quantisation{16.0, 219.0, 224.0};
}

// A plane of the frame as a uint8 tensor [rows, cols, channels] over the caller's memory.
at::Tensor plane_tensor(const FrameView& frame, int index, int64_t channels) {
  const Plane& plane = frame.planes[index];
  return at::from_blob(plane.data, {frame.plane_height(index), frame.plane_width(index), channels},
                       {plane.stride, channels, 1},
                       at::TensorOptions().dtype(at::kByte).device(frame.device));
}

// Host frames reach the GPU through pinned (page-locked) staging memory: the copy runs at full
// bus speed and asynchronously, so the CPU goes on to the next plane while it lands. LibTorch's
// caching host allocator reuses the staging blocks from frame to frame.
at::Tensor upload(const at::Tensor& host, c10::Device device) {
  if (!device.is_cuda() || !host.is_cpu()) return host.to(device);
  return host.pin_memory().to(device, /*non_blocking=*/true);
}

// Writes `values` into a plane (converted to its type). GPU results bound for host frames come
// down through pinned memory, and the stream is synchronised before the CPU reads them.
void store(const at::Tensor& plane, const at::Tensor& values) {
  if (!(plane.is_cpu() && values.is_cuda())) {
    plane.copy_(values);
    return;
  }
  const auto bytes = values.to(plane.scalar_type());
  auto pinned = at::empty(bytes.sizes(), bytes.options().device(at::kCPU).pinned_memory(true));
  pinned.copy_(bytes, /*non_blocking=*/true);
  synchronize_current_stream(values.device());
  plane.copy_(pinned);
}

at::Tensor to_unit(const at::Tensor& bytes, c10::Device device, at::ScalarType dtype) {
  return upload(bytes, device).to(dtype);
}

at::Tensor quantise(const at::Tensor& values) {
  return at::round(values).clamp_(0, 255).to(at::kByte);
}

// [1, C, h, w] chroma upsampled to [1, C, H, W] by repeating each sample over its 2x2 luma
// block, as videoconvert does: the exact inverse of the 2x2 mean, so 4:2:0 survives a round
// trip through RGB unchanged.
at::Tensor upsample_chroma(const at::Tensor& chroma, int64_t height, int64_t width) {
  const auto up = at::upsample_nearest2d(chroma, {2 * chroma.size(2), 2 * chroma.size(3)});
  return up.index({Slice(), Slice(), Slice(0, height), Slice(0, width)});
}

RgbImage packed_to_rgb(const FrameView& frame, const PixelLayout& layout, c10::Device device,
                       at::ScalarType dtype) {
  const auto pixels = upload(plane_tensor(frame, 0, layout.bytes_per_pixel), device);
  const auto order = at::tensor({layout.red, layout.green, layout.blue},
                                at::TensorOptions().dtype(at::kLong).device(device));
  RgbImage image;
  image.rgb = pixels.index_select(2, order).permute({2, 0, 1}).unsqueeze(0).to(dtype).div_(255);
  if (layout.alpha >= 0) {
    image.alpha = pixels.select(2, layout.alpha).unsqueeze(0).unsqueeze(0).to(dtype).div_(255);
  }
  return image;
}

RgbImage yuv_to_rgb(const FrameView& frame, const PixelLayout& layout, c10::Device device,
                    at::ScalarType dtype) {
  const auto q = quantisation_of(frame.colorimetry.range);
  const auto y =
      (to_unit(plane_tensor(frame, 0, 1), device, dtype).squeeze(2) - q.luma_offset) / q.luma_scale;
  at::Tensor rgb;
  if (layout.u_plane < 0) {  // GRAY8: R = G = B = Y
    rgb = y.unsqueeze(0).expand({3, frame.height, frame.width});
  } else {
    at::Tensor u, v;
    if (layout.u_plane == layout.v_plane) {
      const auto uv = to_unit(plane_tensor(frame, layout.u_plane, 2), device, dtype);
      u = uv.select(2, layout.u_offset);
      v = uv.select(2, layout.v_offset);
    } else {
      u = to_unit(plane_tensor(frame, layout.u_plane, 1), device, dtype).squeeze(2);
      v = to_unit(plane_tensor(frame, layout.v_plane, 1), device, dtype).squeeze(2);
    }
    auto chroma = ((at::stack({u, v}) - 128.0) / q.chroma_scale).unsqueeze(0);
    if (layout.subsampled) chroma = upsample_chroma(chroma, frame.height, frame.width);
    const auto cb = chroma[0][0];
    const auto cr = chroma[0][1];
    const auto w = weights_of(frame.colorimetry.matrix);
    const auto r = y + 2.0 * (1.0 - w.kr) * cr;
    const auto b = y + 2.0 * (1.0 - w.kb) * cb;
    const auto g = (y - w.kr * r - w.kb * b) / w.kg();
    rgb = at::stack({r, g, b});
  }
  return {rgb.unsqueeze(0).clamp(0, 1), at::Tensor()};
}

void rgb_to_packed(const RgbImage& image, const FrameView& frame, const PixelLayout& layout) {
  const auto device = image.rgb.device();
  const auto rgb = quantise(image.rgb[0].clamp(0, 1) * 255);  // [3, H, W]
  std::vector<at::Tensor> channels(layout.bytes_per_pixel);
  channels[layout.red] = rgb[0];
  channels[layout.green] = rgb[1];
  channels[layout.blue] = rgb[2];
  const auto opaque = at::full({frame.height, frame.width}, 255,
                               at::TensorOptions().dtype(at::kByte).device(device));
  if (layout.padding >= 0) channels[layout.padding] = opaque;
  if (layout.alpha >= 0) {
    channels[layout.alpha] =
        image.alpha.defined() ? quantise(image.alpha[0][0].clamp(0, 1) * 255).to(device) : opaque;
  }
  store(plane_tensor(frame, 0, layout.bytes_per_pixel), at::stack(channels, 2));
}

// GStreamer's videoconvert computes R'G'B' -> Y'CbCr on 8-bit values with an integer matrix:
// coefficients and offsets rounded to 1/256, the sum shifted right by 8. We do the same, so the
// element's YUV output is bit-exact with `videoconvert` fed the same RGB.
struct IntegerMatrix {
  int64_t m[3][3];
  int64_t offset[3];
};

IntegerMatrix integer_matrix(const Colorimetry& colorimetry) {
  const auto w = weights_of(colorimetry.matrix);
  const auto q = quantisation_of(colorimetry.range);
  const double rows[3][3] = {{w.kr, w.kg(), w.kb},
                             {-w.kr / (2 * (1 - w.kb)), -w.kg() / (2 * (1 - w.kb)), 0.5},
                             {0.5, -w.kg() / (2 * (1 - w.kr)), -w.kb / (2 * (1 - w.kr))}};
  const double scale[3] = {q.luma_scale, q.chroma_scale, q.chroma_scale};
  const double offset[3] = {q.luma_offset, 128.0, 128.0};
  IntegerMatrix result{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) result.m[i][j] = std::lrint(rows[i][j] * scale[i] / 255.0 * 256.0);
    result.offset[i] = std::lrint(offset[i] * 256.0);
  }
  return result;
}

// Mean of row pairs, then of column pairs, each rounded up at .5 (videoconvert's 4:2:0
// downsampling); an odd last row or column pairs with itself.
at::Tensor downsample_chroma(at::Tensor chroma) {
  if (chroma.size(-2) % 2)
    chroma = at::cat({chroma, chroma.narrow(-2, chroma.size(-2) - 1, 1)}, -2);
  if (chroma.size(-1) % 2)
    chroma = at::cat({chroma, chroma.narrow(-1, chroma.size(-1) - 1, 1)}, -1);
  using at::indexing::Ellipsis;
  chroma = at::div(chroma.index({Ellipsis, Slice(0, None, 2), Slice()}) +
                       chroma.index({Ellipsis, Slice(1, None, 2), Slice()}) + 1,
                   2, "floor");
  return at::div(
      chroma.index({Ellipsis, Slice(0, None, 2)}) + chroma.index({Ellipsis, Slice(1, None, 2)}) + 1,
      2, "floor");
}

void rgb_to_yuv(const RgbImage& image, const FrameView& frame, const PixelLayout& layout) {
  const auto m = integer_matrix(frame.colorimetry);
  const auto rgb = at::round(image.rgb[0].clamp(0, 1) * 255).to(at::kInt);  // [3, H, W]
  auto component = [&](int i) {
    const auto sum = rgb[0] * m.m[i][0] + rgb[1] * m.m[i][1] + rgb[2] * m.m[i][2] + m.offset[i];
    return at::div(sum, 256, "floor").clamp_(0, 255);
  };
  store(plane_tensor(frame, 0, 1).squeeze(2), component(0));
  if (layout.u_plane < 0) return;  // GRAY8

  auto chroma = at::stack({component(1), component(2)});
  if (layout.subsampled) chroma = downsample_chroma(chroma);
  const auto codes = chroma.to(at::kByte);
  if (layout.u_plane == layout.v_plane) {
    const auto uv = plane_tensor(frame, layout.u_plane, 2);
    std::vector<at::Tensor> pair(2);  // interleaved in the plane's order, one transfer
    pair[layout.u_offset] = codes[0];
    pair[layout.v_offset] = codes[1];
    store(uv, at::stack(pair, 2));
  } else {
    store(plane_tensor(frame, layout.u_plane, 1).squeeze(2), codes[0]);
    store(plane_tensor(frame, layout.v_plane, 1).squeeze(2), codes[1]);
  }
}

}  // namespace

RgbImage frame_to_rgb(const FrameView& frame, c10::Device device, at::ScalarType dtype) {
  frame.validate();
  c10::InferenceMode guard;
  const auto& layout = layout_of(frame.format);
  return layout.yuv ? yuv_to_rgb(frame, layout, device, dtype)
                    : packed_to_rgb(frame, layout, device, dtype);
}

void rgb_to_frame(const RgbImage& image, const FrameView& frame) {
  frame.validate();
  const auto& rgb = image.rgb;
  if (!rgb.defined() || rgb.dim() != 4 || rgb.size(0) != 1 || rgb.size(1) != 3 ||
      rgb.size(2) != frame.height || rgb.size(3) != frame.width) {
    throw Error("cannot write an image of shape " +
                (rgb.defined() ? c10::str(rgb.sizes()) : std::string("(none)")) + " into a " +
                std::to_string(frame.width) + "x" + std::to_string(frame.height) + " " +
                to_string(frame.format) + " frame: expected [1, 3, " +
                std::to_string(frame.height) + ", " + std::to_string(frame.width) + "]");
  }
  c10::InferenceMode guard;
  const auto& layout = layout_of(frame.format);
  if (layout.yuv) {
    rgb_to_yuv(image, frame, layout);
  } else {
    rgb_to_packed(image, frame, layout);
  }
}

}  // namespace srgan
