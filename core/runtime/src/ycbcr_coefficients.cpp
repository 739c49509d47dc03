#include "ycbcr_coefficients.h"

#include <cmath>

namespace srgan::detail {

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

Quantisation quantisation_of(ColorRange range, int bits) {
  const double step = std::ldexp(1.0, bits - 8), max = std::ldexp(1.0, bits) - 1;
  const double zero = std::ldexp(1.0, bits - 1);
  return range == ColorRange::kFull ? Quantisation{0.0, max, max, zero}
                                    : Quantisation{16 * step, 219 * step, 224 * step, zero};
}

IntegerMatrix integer_matrix(const Colorimetry& colorimetry) {
  const auto w = weights_of(colorimetry.matrix);
  const auto q = quantisation_of(colorimetry.range, 8);
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

}  // namespace srgan::detail
