#pragma once

// Sample grids written during training: panels side by side, each labelled. Internal to core.

#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

namespace srgan::detail {

/// The panels ([1, 3, H, W_i] in [0, 1], one height) side by side under a black bar that names
/// each in white above it (stb_easy_font's glyphs, twice their size on panels 192 px or wider).
at::Tensor labelled_grid(const std::vector<std::pair<std::string, at::Tensor>>& panels);

/// The height of the bar above panels of width `panel_width`.
int64_t label_bar_height(int64_t panel_width);

}  // namespace srgan::detail
