// FrameView and FrameBuffer (srgan/frame.h): plane geometry from the pixel layouts, validation.
#include "srgan/frame.h"

#include <cstdint>
#include <limits>

#include "pixel_format.h"
#include "srgan/error.h"

namespace srgan {

int FrameView::plane_count() const { return detail::layout_of(format).planes; }

int64_t FrameView::plane_width(int index) const {
  const int shift = index > 0 ? detail::layout_of(format).chroma_x_shift : 0;
  return (width + (1 << shift) - 1) >> shift;
}

int64_t FrameView::plane_height(int index) const {
  const int shift = index > 0 ? detail::layout_of(format).chroma_y_shift : 0;
  return (height + (1 << shift) - 1) >> shift;
}

int64_t FrameView::min_stride(int index) const {
  const auto& layout = detail::layout_of(format);
  if (index == 0) return width * layout.channels * layout.sample_bytes;
  // Semi-planar chroma interleaves U and V: two samples per chroma position.
  return plane_width(index) * (layout.semi_planar() ? 2 : 1) * layout.sample_bytes;
}

int64_t FrameView::min_plane_size(int index) const {
  return (plane_height(index) - 1) * planes[index].stride + min_stride(index);
}

void FrameView::validate() const {
  // Sizes stay far below what would overflow 64-bit byte offsets or a tensor's element count.
  constexpr int64_t kMaxSide = 1 << 16;
  constexpr int64_t kMaxStride = int64_t{1} << 32;
  if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide) {
    throw Error("frame size " + std::to_string(width) + "x" + std::to_string(height) +
                " is out of range (1 to " + std::to_string(kMaxSide) + " per side)");
  }
  for (int i = 0; i < plane_count(); ++i) {
    const Plane& plane = planes[i];
    if (plane.data == nullptr) {
      throw Error(to_string(format) + " frame: plane " + std::to_string(i) + " has no data");
    }
    const std::string where = to_string(format) + " frame " + std::to_string(width) + "x" +
                              std::to_string(height) + ": plane " + std::to_string(i);
    if (plane.stride < min_stride(i) || plane.stride > kMaxStride) {
      throw Error(where + " stride " + std::to_string(plane.stride) + " is out of range (" +
                  std::to_string(min_stride(i)) + " to " + std::to_string(kMaxStride) + " bytes)");
    }
    const int sample_bytes = detail::layout_of(format).sample_bytes;
    if (plane.stride % sample_bytes != 0 ||
        reinterpret_cast<uintptr_t>(plane.data) % static_cast<uintptr_t>(sample_bytes) != 0) {
      throw Error(where + " is not aligned to its " + std::to_string(sample_bytes) +
                  "-byte samples (stride " + std::to_string(plane.stride) + ")");
    }
    if (plane.size < min_plane_size(i)) {
      throw Error(where + " has " + std::to_string(plane.size) + " bytes, its rows need " +
                  std::to_string(min_plane_size(i)));
    }
  }
}

FrameView FrameView::region(int64_t x, int64_t y, int64_t w, int64_t h) const {
  const auto& layout = detail::layout_of(format);
  const int64_t align_x = int64_t{1} << layout.chroma_x_shift;
  const int64_t align_y = int64_t{1} << layout.chroma_y_shift;
  if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height || x % align_x ||
      y % align_y) {
    throw Error("region " + std::to_string(w) + "x" + std::to_string(h) + " at " +
                std::to_string(x) + "," + std::to_string(y) + " of a " + std::to_string(width) +
                "x" + std::to_string(height) + " " + to_string(format) +
                " frame: outside it, or not on its chroma grid");
  }
  FrameView part = *this;
  part.width = w, part.height = h;
  for (int i = 0; i < plane_count(); ++i) {
    const int64_t row = i > 0 ? y >> layout.chroma_y_shift : y;
    // Bytes per pixel position of the plane: its min_stride over its width.
    const int64_t column = i > 0 ? x >> layout.chroma_x_shift : x;
    const int64_t offset = row * planes[i].stride + column * (min_stride(i) / plane_width(i));
    part.planes[i].data = planes[i].data + offset;
    part.planes[i].size = planes[i].size - offset;
  }
  return part;
}

FrameBuffer::FrameBuffer(PixelFormat format, int64_t width, int64_t height, Colorimetry colorimetry,
                         int64_t extra_row_padding) {
  view_.format = format;
  view_.width = width;
  view_.height = height;
  view_.colorimetry = colorimetry;
  if (width < 1 || height < 1 || extra_row_padding < 0) {
    throw Error("FrameBuffer needs a positive size, got " + std::to_string(width) + "x" +
                std::to_string(height));
  }
  std::array<int64_t, 3> offsets{};
  int64_t size = 0;
  for (int i = 0; i < view_.plane_count(); ++i) {
    // Rows start on a sample: padding rounds up to whole samples (GStreamer's do too).
    const int64_t sample = detail::layout_of(format).sample_bytes;
    const int64_t stride =
        (view_.min_stride(i) + 3) / 4 * 4 + (extra_row_padding + sample - 1) / sample * sample;
    view_.planes[i].stride = stride;
    offsets[i] = size;
    // GStreamer rounds the luma plane of 4:2:0 formats, and every plane of the 10-bit 4:2:2
    // one (not 8-bit Y42B's), up to an even number of rows.
    const auto& layout = detail::layout_of(format);
    const bool even_rows =
        (i == 0 && layout.chroma_y_shift > 0) ||
        (layout.chroma_x_shift > 0 && layout.chroma_y_shift == 0 && layout.sample_bytes == 2);
    size += stride * (even_rows ? (view_.plane_height(i) + 1) / 2 * 2 : view_.plane_height(i));
  }
  bytes_.assign(static_cast<size_t>(size), 0);
  for (int i = 0; i < view_.plane_count(); ++i) {
    view_.planes[i].data = bytes_.data() + offsets[i];
    view_.planes[i].size = size - offsets[i];  // to the end of the buffer, as GStreamer maps it
  }
  view_.validate();
}

}  // namespace srgan
