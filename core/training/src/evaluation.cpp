#include "srgan/evaluation.h"

#include <filesystem>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "srgan/error.h"
#include "srgan/image_io.h"
#include "srgan/quality_metrics.h"
#include "srgan/resampling.h"
#include "srgan/training_data.h"
#include "srgan/upscaler.h"

namespace srgan {

ImageMeasurement measure(const at::Tensor& hr, int64_t scale,
                         const std::function<at::Tensor(const at::Tensor&)>& upscale) {
  const auto lr = downscale_bicubic(hr, scale);
  ImageMeasurement m;
  m.truth_luma = luma_bt601(hr);
  m.luma = luma_bt601(upscale(lr));
  m.bicubic_luma = luma_bt601(upscale_bicubic(lr, scale));
  const auto lanczos_luma = luma_bt601(upscale_lanczos(lr, scale));
  m.row = {"",
           psnr(m.luma, m.truth_luma, scale),
           ssim(m.luma, m.truth_luma, scale),
           psnr(m.bicubic_luma, m.truth_luma, scale),
           ssim(m.bicubic_luma, m.truth_luma, scale),
           psnr(lanczos_luma, m.truth_luma, scale),
           ssim(lanczos_luma, m.truth_luma, scale)};
  return m;
}

EvaluationRow measure_image(const std::string& name, const at::Tensor& hr, int64_t scale,
                            const std::function<at::Tensor(const at::Tensor&)>& upscale) {
  EvaluationRow row = measure(hr, scale, upscale).row;
  row.image = name;
  return row;
}

std::vector<EvaluationRow> evaluate_folder(
    Upscaler& upscaler, const std::string& dir, const std::function<void(const std::string&)>& warn,
    const std::function<void(size_t, size_t, const std::string&)>& progress) {
  c10::InferenceMode guard;
  const int64_t s = upscaler.scale();
  std::vector<EvaluationRow> rows;
  const auto files = list_images(dir);
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    if (progress) progress(i + 1, files.size(), file);
    at::Tensor image;
    try {
      image = read_image(file);
    } catch (const Error& e) {
      warn(std::string("skipping ") + e.what());
      continue;
    }
    const int64_t h = image.size(2) / s * s, w = image.size(3) / s * s;
    if (h <= 2 * s || w <= 2 * s) {
      warn("skipping " + file + ": too small for x" + std::to_string(s));
      continue;
    }
    const auto hr = image.slice(2, 0, h).slice(3, 0, w).contiguous();
    rows.push_back(measure_image(std::filesystem::path(file).filename().string(), hr, s,
                                 [&](const at::Tensor& lr) { return upscaler.upscale_rgb(lr); }));
  }
  if (rows.empty()) throw Error("no usable image in " + dir);
  return rows;
}

EvaluationRow mean_of(const std::vector<EvaluationRow>& rows) {
  EvaluationRow mean{"mean"};
  for (const auto& r : rows) {
    mean.psnr_y += r.psnr_y, mean.ssim_y += r.ssim_y;
    mean.bicubic_psnr_y += r.bicubic_psnr_y, mean.bicubic_ssim_y += r.bicubic_ssim_y;
    mean.lanczos_psnr_y += r.lanczos_psnr_y, mean.lanczos_ssim_y += r.lanczos_ssim_y;
  }
  const double n = static_cast<double>(rows.size());
  mean.psnr_y /= n, mean.ssim_y /= n, mean.bicubic_psnr_y /= n, mean.bicubic_ssim_y /= n;
  mean.lanczos_psnr_y /= n, mean.lanczos_ssim_y /= n;
  return mean;
}

}  // namespace srgan
