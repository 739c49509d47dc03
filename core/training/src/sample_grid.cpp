#include "sample_grid.h"

#include <algorithm>
#include <vector>

#include "stb_easy_font.h"

namespace srgan::detail {
namespace {

int glyph_scale(int64_t panel_width) { return panel_width >= 192 ? 2 : 1; }

// Paints `text` white into `bar` ([3, bar height, width]) from column x0, clipped at x1.
void paint_text(at::TensorAccessor<float, 3> bar, const std::string& text, int64_t x0, int64_t x1,
                int scale) {
  // stb_easy_font writes quads of 4 vertices, each x, y, z floats and 4 colour bytes.
  std::vector<char> vertices(std::max<size_t>(4096, text.size() * 270 * 4));
  std::string copy = text;
  const int quads = stb_easy_font_print(0, 0, copy.data(), nullptr, vertices.data(),
                                        static_cast<int>(vertices.size()));
  const int64_t margin = 2 * scale;
  for (int q = 0; q < quads; ++q) {
    const float* v = reinterpret_cast<const float*>(vertices.data() + q * 4 * 16);
    float left = v[0], right = v[0], top = v[1], bottom = v[1];
    for (int k = 1; k < 4; ++k) {
      left = std::min(left, v[k * 4]);
      right = std::max(right, v[k * 4]);
      top = std::min(top, v[k * 4 + 1]);
      bottom = std::max(bottom, v[k * 4 + 1]);
    }
    for (int64_t y = margin + static_cast<int64_t>(top) * scale;
         y < margin + static_cast<int64_t>(bottom) * scale && y < bar.size(1); ++y) {
      for (int64_t x = x0 + margin + static_cast<int64_t>(left) * scale;
           x < x0 + margin + static_cast<int64_t>(right) * scale && x < x1; ++x) {
        for (int c = 0; c < 3; ++c) bar[c][y][x] = 1.0f;
      }
    }
  }
}

}  // namespace

int64_t label_bar_height(int64_t panel_width) { return 12 * glyph_scale(panel_width); }

at::Tensor labelled_grid(const std::vector<std::pair<std::string, at::Tensor>>& panels) {
  std::vector<at::Tensor> images;
  for (const auto& panel : panels) images.push_back(panel.second.to(at::kCPU, at::kFloat));
  const auto grid = at::cat(images, 3);
  const int64_t panel_width = images.front().size(3);
  const int scale = glyph_scale(panel_width);
  auto bar = at::zeros({3, label_bar_height(panel_width), grid.size(3)});
  auto pixels = bar.accessor<float, 3>();
  int64_t x = 0;
  for (size_t i = 0; i < panels.size(); ++i) {
    paint_text(pixels, panels[i].first, x, x + images[i].size(3), scale);
    x += images[i].size(3);
  }
  return at::cat({bar.unsqueeze(0), grid}, 2);
}

}  // namespace srgan::detail
