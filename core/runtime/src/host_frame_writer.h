#pragma once

// rgb_to_frame for an image and a frame in host memory: every row of the frame written in one
// pass over the image, on the intra-op threads. The tensor-op path makes some forty passes over
// whole maps (4:2:0 at 3840x2160: 150 ms on two cores of an AMD EPYC, more than a third of what
// the x4 network itself takes there in bf16). Same arithmetic as the tensor ops: bit-exact for
// 8-bit formats (videoconvert's integer matrix); the 10- and 16-bit formats' float matrix in the
// same order of operations. Internal to the runtime library.

#include "srgan/color_conversion.h"

namespace srgan::detail {

/// Whether write_host_frame can write `image` into `frame`: the image float32 in host memory
/// (its alpha too, where it has one), the frame in host memory.
bool host_frame_writable(const RgbImage& image, const FrameView& frame);

/// Writes `image` (clamped to [0, 1]) into `frame`, which the caller validated and checked to
/// be the image's size; host_frame_writable must hold.
void write_host_frame(const RgbImage& image, const FrameView& frame);

}  // namespace srgan::detail
