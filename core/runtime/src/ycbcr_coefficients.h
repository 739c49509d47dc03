#pragma once

// The numbers that relate R'G'B' to Y'CbCr: a matrix's luma weights, a range's code values at a
// bit depth, and videoconvert's integer matrix for 8 bits. Shared by the tensor-op conversions
// and the host frame writer. Internal to the runtime library.

#include <cstdint>

#include "srgan/frame.h"

namespace srgan::detail {

struct LumaWeights {
  double kr, kb;
  double kg() const { return 1.0 - kr - kb; }
};

LumaWeights weights_of(ColorMatrix matrix);

// Code values of black, of the luma and chroma excursions and of zero chroma, at a bit depth:
// limited range scales 8-bit's 16/219/224/128 by 2^(bits-8) (BT.2100's 64/876/896/512 at 10
// bits); full range spans every code, chroma centred at 2^(bits-1).
struct Quantisation {
  double luma_offset, luma_scale, chroma_scale, chroma_zero;
};

Quantisation quantisation_of(ColorRange range, int bits);

// GStreamer's videoconvert computes R'G'B' -> Y'CbCr on 8-bit values with an integer matrix:
// coefficients and offsets rounded to 1/256, the sum shifted right by 8. We do the same, so the
// element's YUV output is bit-exact with `videoconvert` fed the same RGB.
struct IntegerMatrix {
  int64_t m[3][3];
  int64_t offset[3];
};

IntegerMatrix integer_matrix(const Colorimetry& colorimetry);

}  // namespace srgan::detail
