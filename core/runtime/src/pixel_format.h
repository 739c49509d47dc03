#pragma once

// Byte layout of each pixel format. Internal to core.

#include "srgan/frame.h"

namespace srgan::detail {

struct PixelLayout {
  const char* name;
  bool yuv;
  int planes;
  int bytes_per_pixel;   // of plane 0 (packed RGB: 3 or 4)
  int red, green, blue;  // byte offsets in a packed pixel, -1 for YUV
  int alpha;             // byte offset of alpha, -1 when there is none
  int padding;           // byte offset of the unused byte (x), -1 when there is none
  bool subsampled;       // 4:2:0 chroma
  // Where U and V live: planar formats give their plane; semi-planar ones share plane 1 with U
  // at byte u_offset and V at v_offset of each 2-byte pair.
  int u_plane, v_plane;
  int u_offset, v_offset;
};

const PixelLayout& layout_of(PixelFormat format);

}  // namespace srgan::detail
