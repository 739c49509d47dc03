#include "srgan/color_conversion.h"

#include <cmath>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "frame_conversion.h"
#include "host_frame_writer.h"
#include "pixel_format.h"
#include "srgan/cuda_device.h"
#include "srgan/error.h"
#include "ycbcr_coefficients.h"

namespace srgan {
namespace {

using at::indexing::None;
using at::indexing::Slice;
using detail::integer_matrix;
using detail::layout_of;
using detail::PixelLayout;
using detail::quantisation_of;
using detail::weights_of;

// A plane of the frame as a tensor [rows, cols, channels] over the caller's memory: uint8, or
// int16 for 16-bit words (their bits; codes() reads them unsigned).
at::Tensor plane_tensor(const FrameView& frame, int index, int64_t channels) {
  const Plane& plane = frame.planes[index];
  const auto& layout = layout_of(frame.format);
  const int64_t row = plane.stride / layout.sample_bytes;
  return at::from_blob(plane.data, {frame.plane_height(index), frame.plane_width(index), channels},
                       {row, channels, 1},
                       at::TensorOptions()
                           .dtype(layout.sample_bytes == 2 ? at::kShort : at::kByte)
                           .device(frame.device));
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

// A plane's samples as code values (0 to max_code) in `dtype`, on `device`.
at::Tensor codes(const at::Tensor& samples, const PixelLayout& layout, c10::Device device,
                 at::ScalarType dtype) {
  auto values = upload(samples, device);
  if (layout.sample_bytes == 1) return values.to(dtype);
  values = values.to(at::kInt).bitwise_and_(0xFFFF);  // the word, unsigned
  if (layout.shift) values = values.bitwise_right_shift(layout.shift);
  return values.to(dtype);
}

// Code values (any real numbers) as a plane's samples: rounded, clamped, placed in the word.
at::Tensor samples(const at::Tensor& values, const PixelLayout& layout) {
  auto codes =
      (values.is_floating_point() ? at::round(values) : values).clamp(0, layout.max_code());
  if (layout.sample_bytes == 1) return codes.to(at::kByte);
  codes = codes.to(at::kInt);
  if (layout.shift) codes = codes.bitwise_left_shift(layout.shift);
  return codes.to(at::kShort);  // the low 16 bits: the unsigned word's bit pattern
}

// [1, C, h, w] chroma upsampled to [1, C, H, W] by repeating each sample over its block of
// luma (2x2 for 4:2:0, 2x1 for 4:2:2), as videoconvert does: the exact inverse of the block
// mean, so subsampled chroma survives a round trip through RGB unchanged.
at::Tensor upsample_chroma(const at::Tensor& chroma, const PixelLayout& layout, int64_t height,
                           int64_t width) {
  const auto up = at::upsample_nearest2d(
      chroma, {chroma.size(2) << layout.chroma_y_shift, chroma.size(3) << layout.chroma_x_shift});
  return up.index({Slice(), Slice(), Slice(0, height), Slice(0, width)});
}

RgbImage packed_to_rgb(const FrameView& frame, const PixelLayout& layout, c10::Device device,
                       at::ScalarType dtype) {
  const auto pixels = codes(plane_tensor(frame, 0, layout.channels), layout, device, dtype);
  const auto order = at::tensor({layout.red, layout.green, layout.blue},
                                at::TensorOptions().dtype(at::kLong).device(device));
  const double max = layout.max_code();
  RgbImage image;
  image.rgb = pixels.index_select(2, order).permute({2, 0, 1}).unsqueeze(0).div_(max);
  if (layout.alpha >= 0) {
    image.alpha = pixels.select(2, layout.alpha).unsqueeze(0).unsqueeze(0).div(max);
  }
  return image;
}

RgbImage yuv_to_rgb(const FrameView& frame, const PixelLayout& layout, c10::Device device,
                    at::ScalarType dtype) {
  const auto q = quantisation_of(frame.colorimetry.range, layout.bits);
  const auto y =
      (codes(plane_tensor(frame, 0, 1), layout, device, dtype).squeeze(2) - q.luma_offset) /
      q.luma_scale;
  at::Tensor rgb;
  if (layout.u_plane < 0) {  // GRAY: R = G = B = Y
    rgb = y.unsqueeze(0).expand({3, frame.height, frame.width});
  } else {
    at::Tensor u, v;
    if (layout.semi_planar()) {
      const auto uv = codes(plane_tensor(frame, layout.u_plane, 2), layout, device, dtype);
      u = uv.select(2, layout.u_offset);
      v = uv.select(2, layout.v_offset);
    } else {
      u = codes(plane_tensor(frame, layout.u_plane, 1), layout, device, dtype).squeeze(2);
      v = codes(plane_tensor(frame, layout.v_plane, 1), layout, device, dtype).squeeze(2);
    }
    auto chroma = ((at::stack({u, v}) - q.chroma_zero) / q.chroma_scale).unsqueeze(0);
    if (layout.subsampled()) chroma = upsample_chroma(chroma, layout, frame.height, frame.width);
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
  const double max = layout.max_code();
  const auto rgb = samples(image.rgb[0].clamp(0, 1) * max, layout);  // [3, H, W]
  std::vector<at::Tensor> channels(layout.channels);
  channels[layout.red] = rgb[0];
  channels[layout.green] = rgb[1];
  channels[layout.blue] = rgb[2];
  const auto opaque = samples(at::full({frame.height, frame.width}, max,
                                       at::TensorOptions().dtype(at::kFloat).device(device)),
                              layout);
  if (layout.padding >= 0) channels[layout.padding] = opaque;
  if (layout.alpha >= 0) {
    channels[layout.alpha] = image.alpha.defined()
                                 ? samples(image.alpha[0][0].clamp(0, 1) * max, layout).to(device)
                                 : opaque;
  }
  store(plane_tensor(frame, 0, layout.channels), at::stack(channels, 2));
}

// Chroma subsampled as `layout` has it: row pairs (4:2:0), then column pairs (4:2:0 and 4:2:2),
// each pair combined by `mean`; an odd last row or column pairs with itself.
template <typename Mean>
at::Tensor subsample_chroma(at::Tensor chroma, const PixelLayout& layout, Mean mean) {
  for (const int64_t dim : {int64_t{-2}, int64_t{-1}}) {
    if ((dim == -2 ? layout.chroma_y_shift : layout.chroma_x_shift) == 0) continue;
    const int64_t size = chroma.size(dim);
    if (size % 2) chroma = at::cat({chroma, chroma.narrow(dim, size - 1, 1)}, dim);
    chroma =
        mean(chroma.slice(dim, 0, chroma.size(dim), 2), chroma.slice(dim, 1, chroma.size(dim), 2));
  }
  return chroma;
}

// Chroma [2, H, W] as the frame's planes take it: subsampled (4:2:0, 4:2:2) or not, then
// written to one interleaved plane or two.
void store_chroma(at::Tensor chroma, const FrameView& frame, const PixelLayout& layout) {
  const auto codes = samples(chroma, layout);
  if (layout.semi_planar()) {
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

// 8 bits: videoconvert's integer arithmetic, bit-exact.
void rgb_to_yuv8(const RgbImage& image, const FrameView& frame, const PixelLayout& layout) {
  const auto m = integer_matrix(frame.colorimetry);
  const auto rgb = at::round(image.rgb[0].clamp(0, 1) * 255).to(at::kInt);  // [3, H, W]
  auto component = [&](int i) {
    const auto sum = rgb[0] * m.m[i][0] + rgb[1] * m.m[i][1] + rgb[2] * m.m[i][2] + m.offset[i];
    return at::div(sum, 256, "floor").clamp_(0, 255);
  };
  store(plane_tensor(frame, 0, 1).squeeze(2), samples(component(0), layout));
  if (layout.u_plane < 0) return;  // GRAY8
  auto chroma = at::stack({component(1), component(2)});
  if (layout.subsampled()) {
    // Rounded up at .5, as videoconvert's integer downsampling.
    chroma = subsample_chroma(chroma, layout, [](const at::Tensor& a, const at::Tensor& b) {
      return at::div(a + b + 1, 2, "floor");
    });
  }
  store_chroma(chroma, frame, layout);
}

// 10 and 16 bits: the matrix in floating point from the network's RGB, no 8-bit step.
void rgb_to_yuv_deep(const RgbImage& image, const FrameView& frame, const PixelLayout& layout) {
  const auto q = quantisation_of(frame.colorimetry.range, layout.bits);
  const auto w = weights_of(frame.colorimetry.matrix);
  const auto rgb = image.rgb[0].clamp(0, 1).to(at::kFloat);  // [3, H, W]
  const auto y = rgb[0] * w.kr + rgb[1] * w.kg() + rgb[2] * w.kb;
  store(plane_tensor(frame, 0, 1).squeeze(2), samples(y * q.luma_scale + q.luma_offset, layout));
  if (layout.u_plane < 0) return;  // GRAY16
  const auto cb = (rgb[2] - y) / (2 * (1 - w.kb));
  const auto cr = (rgb[0] - y) / (2 * (1 - w.kr));
  auto chroma = at::stack({cb, cr}) * q.chroma_scale + q.chroma_zero;
  if (layout.subsampled()) {
    chroma = subsample_chroma(chroma, layout,  // at full precision
                              [](const at::Tensor& a, const at::Tensor& b) { return (a + b) / 2; });
  }
  store_chroma(chroma, frame, layout);
}

}  // namespace

namespace detail {

void check_rgb_shape(const at::Tensor& rgb, int64_t height, int64_t width,
                     const std::string& what) {
  if (rgb.defined() && rgb.dim() == 4 && rgb.size(0) == 1 && rgb.size(1) == 3 &&
      (height < 0 || rgb.size(2) == height) && (width < 0 || rgb.size(3) == width)) {
    return;
  }
  throw Error(what + " must be an RGB image of shape [1, 3, " +
              (height < 0 ? std::string("H") : std::to_string(height)) + ", " +
              (width < 0 ? std::string("W") : std::to_string(width)) + "], got " +
              (rgb.defined() ? c10::str(rgb.sizes()) : std::string("none")));
}

RgbImage convert_frame_to_rgb(const FrameView& frame, c10::Device device, at::ScalarType dtype) {
  c10::InferenceMode guard;
  const auto& layout = layout_of(frame.format);
  return layout.yuv ? yuv_to_rgb(frame, layout, device, dtype)
                    : packed_to_rgb(frame, layout, device, dtype);
}

void convert_rgb_to_frame(const RgbImage& image, const FrameView& frame) {
  check_rgb_shape(image.rgb, frame.height, frame.width,
                  "an image written into a " + std::to_string(frame.width) + "x" +
                      std::to_string(frame.height) + " " + to_string(frame.format) + " frame");
  c10::InferenceMode guard;
  if (host_frame_writable(image, frame)) {
    write_host_frame(image, frame);
  } else {
    convert_rgb_to_frame_by_tensor_ops(image, frame);
  }
}

void convert_rgb_to_frame_by_tensor_ops(const RgbImage& image, const FrameView& frame) {
  c10::InferenceMode guard;
  const auto& layout = layout_of(frame.format);
  if (layout.yuv && layout.bits == 8) {
    rgb_to_yuv8(image, frame, layout);
  } else if (layout.yuv) {
    rgb_to_yuv_deep(image, frame, layout);
  } else {
    rgb_to_packed(image, frame, layout);
  }
}

}  // namespace detail

RgbImage frame_to_rgb(const FrameView& frame, c10::Device device, at::ScalarType dtype) {
  frame.validate();
  return detail::convert_frame_to_rgb(frame, device, dtype);
}

void rgb_to_frame(const RgbImage& image, const FrameView& frame) {
  frame.validate();
  detail::convert_rgb_to_frame(image, frame);
}

}  // namespace srgan
