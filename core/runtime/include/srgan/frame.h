#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <c10/core/Device.h>

namespace srgan {

/// The pixel formats frames may have, named as GStreamer names them.
enum class PixelFormat {
  kRGB,
  kBGR,  // packed, 3 bytes
  kRGBA,
  kBGRA,
  kARGB,
  kABGR,  // packed, 4 bytes with alpha
  kRGBx,
  kBGRx,
  kxRGB,
  kxBGR,  // packed, 4 bytes, one unused
  kI420,
  kYV12,  // planar 4:2:0 (Y, U, V) and (Y, V, U)
  kNV12,
  kNV21,   // semi-planar 4:2:0: Y, then interleaved UV (VU)
  kY444,   // planar 4:4:4
  kGRAY8,  // luma only
  // High bit depth, 16-bit little-endian words: coded values keep their full precision.
  kP010_10LE,  // semi-planar 4:2:0, 10 bits in the high bits of each word
  kP016_LE,    // semi-planar 4:2:0, 16 bits
  kI420_10LE,  // planar 4:2:0, 10 bits in the low bits
  kI422_10LE,  // planar 4:2:2, 10 bits
  kY444_10LE,  // planar 4:4:4, 10 bits
  kY444_16LE,  // planar 4:4:4, 16 bits
  kGRAY16_LE,  // luma only, 16 bits
  kRGBA64_LE,  // packed R, G, B, A, 16 bits each
  // Added later (at the end, so that the values above stay):
  kY42B,       // planar 4:2:2, 8 bits (YUY2 cameras and 4:2:2 decoders without going to 10 bits)
  kABGR64_LE,  // packed A, B, G, R, 16 bits each (videotestsrc's default in GStreamer 1.22)
};

/// Every supported format, in declaration order.
const std::vector<PixelFormat>& all_pixel_formats();
/// GStreamer's name ("RGB", "BGRx", "I420", ...).
std::string to_string(PixelFormat format);
/// Parses GStreamer's name; throws srgan::Error listing the supported ones.
PixelFormat pixel_format_from_string(const std::string& name);
bool is_yuv(PixelFormat format);

enum class ColorMatrix { kBT601, kBT709, kBT2020 };
enum class ColorRange { kLimited, kFull };

/// How Y'CbCr values relate to R'G'B' (ignored for the RGB family). GRAY8 uses the range only.
struct Colorimetry {
  ColorMatrix matrix = ColorMatrix::kBT709;
  ColorRange range = ColorRange::kLimited;
};

/// One image plane: its first byte, the distance in bytes between rows, and how many bytes
/// from `data` on belong to the plane's memory (what validate() checks the rows against:
/// sizes and strides often come from outside, e.g. a GstVideoMeta).
struct Plane {
  uint8_t* data = nullptr;
  int64_t stride = 0;
  int64_t size = 0;
};

/// A frame in memory the caller owns, on the CPU or a CUDA device: format, size, colorimetry
/// and up to three planes with their strides (GStreamer's GstVideoFrame maps 1:1 onto this).
/// Views are checked before use: validate() throws srgan::Error saying what is inconsistent.
struct FrameView {
  PixelFormat format = PixelFormat::kRGB;
  int64_t width = 0;
  int64_t height = 0;
  std::array<Plane, 3> planes{};
  Colorimetry colorimetry;
  c10::Device device = c10::Device(c10::kCPU);

  int plane_count() const;
  /// Width and height of plane `index` in pixels (chroma planes are smaller for 4:2:0).
  int64_t plane_width(int index) const;
  int64_t plane_height(int index) const;
  /// Bytes one row of plane `index` needs: the smallest valid stride.
  int64_t min_stride(int index) const;
  /// Bytes plane `index` spans with its stride: every row but the last in full, then one row.
  int64_t min_plane_size(int index) const;
  void validate() const;
  /// The w x h rectangle at (x, y) of this frame, as a view of the same memory (same strides):
  /// the Upscaler writes each tile's result straight into its part of the output frame. x and
  /// y must be multiples of the chroma subsampling (even for 4:2:0 and 4:2:2); throws
  /// srgan::Error otherwise or when the rectangle leaves the frame.
  FrameView region(int64_t x, int64_t y, int64_t w, int64_t h) const;
};

/// A frame that owns its bytes on the CPU, laid out as GStreamer lays out a buffer of that
/// format (rows padded to 4 bytes, 4:2:0 chroma of ceil(w/2) x ceil(h/2)), plus optional extra
/// padding per row. For tests, the trainer and benchmarks.
class FrameBuffer {
 public:
  FrameBuffer(PixelFormat format, int64_t width, int64_t height, Colorimetry colorimetry = {},
              int64_t extra_row_padding = 0);
  // The view points into bytes_: copying would leave it pointing at the original.
  FrameBuffer(const FrameBuffer&) = delete;
  FrameBuffer& operator=(const FrameBuffer&) = delete;
  FrameBuffer(FrameBuffer&&) = default;
  FrameBuffer& operator=(FrameBuffer&&) = default;

  const FrameView& view() const { return view_; }
  std::vector<uint8_t>& bytes() { return bytes_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
  FrameView view_;
};

}  // namespace srgan
