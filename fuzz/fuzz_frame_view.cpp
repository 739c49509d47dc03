// Fuzz target: frame views built from untrusted formats, sizes, strides and plane offsets over
// a buffer of untrusted length, as a caller (or a GstVideoMeta) may describe them.
// FrameView::validate() must refuse every view whose rows reach outside the buffer; views it
// accepts are converted to RGB and back in place, where AddressSanitizer sees any byte read or
// written outside the buffer.
#include <cstdint>
#include <vector>

#include "fuzz_input.h"
#include "srgan/color_conversion.h"
#include "srgan/error.h"
#include "srgan/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  srgan::fuzz::FuzzInput input(data, size);
  const auto& formats = srgan::all_pixel_formats();
  srgan::FrameView view;
  view.format = formats[input.u8() % formats.size()];
  view.width = static_cast<int16_t>(input.u16());  // negative sizes are part of the game
  view.height = static_cast<int16_t>(input.u16());
  const uint8_t colorimetry = input.u8();
  view.colorimetry.matrix = static_cast<srgan::ColorMatrix>(colorimetry % 3);
  view.colorimetry.range =
      (colorimetry & 0x80) != 0 ? srgan::ColorRange::kFull : srgan::ColorRange::kLimited;
  // A heap buffer of exactly this many bytes: one byte past it is an ASan report.
  const size_t buffer_size = input.bytes(3) % (1u << 18) + 1;
  std::vector<uint8_t> buffer(buffer_size, 0x80);
  for (auto& plane : view.planes) {
    const size_t offset = input.bytes(3) % buffer_size;
    plane.data = buffer.data() + offset;
    plane.stride = input.i32();
    plane.size = static_cast<int64_t>(buffer_size - offset);
    // The bytes to the end of the buffer, or fewer (a plane in a memory of its own).
    plane.size -= input.u8() % (plane.size + 1);
  }
  try {
    view.validate();
  } catch (const srgan::Error&) {
    return 0;
  }
  // Conversions of large views only cost time: their memory checks are the same.
  if (view.width * view.height > 256 * 256) return 0;
  const srgan::RgbImage rgb = srgan::frame_to_rgb(view, c10::Device(c10::kCPU));
  if (rgb.rgb.size(2) != view.height || rgb.rgb.size(3) != view.width) std::abort();
  srgan::rgb_to_frame(rgb, view);
  return 0;
}
