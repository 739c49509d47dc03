#pragma once

// Sample layout of each pixel format. Internal to the runtime library.

#include "srgan/frame.h"

namespace srgan::detail {

struct PixelLayout {
  const char* name;
  bool yuv;
  int planes;
  int sample_bytes;      // 1, or 2: a little-endian 16-bit word per sample
  int bits;              // significant bits of a sample: 8, 10 or 16
  int shift;             // where they sit in the word: 0 (low bits), or 6 (P010: the high bits)
  int channels;          // samples per pixel of plane 0 (packed RGB: 3 or 4; YUV: 1)
  int red, green, blue;  // sample offsets in a packed pixel, -1 for YUV
  int alpha;             // sample offset of alpha, -1 when there is none
  int padding;           // sample offset of the unused sample (x), -1 when there is none
  int chroma_x_shift;    // chroma subsampling, log2: 4:2:0 (1, 1), 4:2:2 (1, 0), 4:4:4 (0, 0)
  int chroma_y_shift;
  // Where U and V live: planar formats give their plane; semi-planar ones share plane 1 with U
  // at sample u_offset and V at v_offset of each pair.
  int u_plane, v_plane;
  int u_offset, v_offset;

  bool subsampled() const { return chroma_x_shift > 0 || chroma_y_shift > 0; }
  bool semi_planar() const { return u_plane >= 0 && u_plane == v_plane; }
  /// The largest code value: 255, 1023 or 65535.
  int max_code() const { return (1 << bits) - 1; }
};

const PixelLayout& layout_of(PixelFormat format);

}  // namespace srgan::detail
