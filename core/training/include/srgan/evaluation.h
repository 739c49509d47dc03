#pragma once

#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace srgan {

class Degradation;
class Upscaler;

/// Quality of one image: the model's, bicubic's and Lanczos-3's PSNR (dB) and SSIM on BT.601
/// luma, with `scale` pixels cropped from each border.
struct EvaluationRow {
  std::string image;
  double psnr_y = 0, ssim_y = 0, bicubic_psnr_y = 0, bicubic_ssim_y = 0;
  double lanczos_psnr_y = 0, lanczos_ssim_y = 0;
};

/// One image: `hr` ([1, 3, H, W] in [0, 1], H and W multiples of `scale`), LR its antialiased
/// bicubic downscale, upscaled by `upscale` and by bicubic, both measured against `hr`. The
/// trainer's validation, evaluate_folder and evaluate_video measure with it.
struct ImageMeasurement {
  EvaluationRow row;
  at::Tensor luma, bicubic_luma, truth_luma;  ///< [H, W] BT.601 Y of the three images
};
ImageMeasurement measure(const at::Tensor& hr, int64_t scale,
                         const std::function<at::Tensor(const at::Tensor&)>& upscale);
/// The same with a given LR ([1, 3, H/scale, W/scale], e.g. degraded): the model, bicubic and
/// Lanczos-3 all upscale it.
ImageMeasurement measure(const at::Tensor& hr, const at::Tensor& lr, int64_t scale,
                         const std::function<at::Tensor(const at::Tensor&)>& upscale);

/// measure()'s row, named.
EvaluationRow measure_image(const std::string& name, const at::Tensor& hr, int64_t scale,
                            const std::function<at::Tensor(const at::Tensor&)>& upscale);

/// For every image of `dir`: HR is the image cropped to a multiple of the scale, LR its
/// antialiased bicubic downscale, or, with `degradation`, its draw of that chain (seeded by
/// `seed` and the image's place; a codec encodes it as one frame); the model's, bicubic's and
/// Lanczos-3's upscales of that same LR are measured against HR. Unreadable files are skipped
/// through `warn`; a folder with none is an Error. `progress`, when set, hears of each image
/// before it is measured (1-based index, count, file).
std::vector<EvaluationRow> evaluate_folder(
    Upscaler& upscaler, const std::string& dir, const std::function<void(const std::string&)>& warn,
    const std::function<void(size_t, size_t, const std::string&)>& progress = {},
    const Degradation* degradation = nullptr, uint64_t seed = 1);

/// The mean of each column, as a row named "mean".
EvaluationRow mean_of(const std::vector<EvaluationRow>& rows);

}  // namespace srgan
