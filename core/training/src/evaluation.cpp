#include "srgan/evaluation.h"

#include <filesystem>
#include <random>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "srgan/degradation.h"
#include "srgan/error.h"
#include "srgan/image_io.h"
#include "srgan/quality_metrics.h"
#include "srgan/resampling.h"
#include "srgan/training_data.h"
#include "srgan/upscaler.h"

namespace srgan {

ImageMeasurement measure(const at::Tensor& hr, int64_t scale,
                         const std::function<at::Tensor(const at::Tensor&)>& upscale) {
  return measure(hr, downscale_bicubic(hr, scale), scale, upscale);
}

ImageMeasurement measure(const at::Tensor& hr, const at::Tensor& lr, int64_t scale,
                         const std::function<at::Tensor(const at::Tensor&)>& upscale) {
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
    const std::function<void(size_t, size_t, const std::string&)>& progress,
    const Degradation* degradation, uint64_t seed) {
  c10::InferenceMode guard;
  const int64_t s = upscaler.scale();
  const int64_t multiple = degradation ? degradation->size_multiple() : s;
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
    const int64_t h = image.size(2) / multiple * multiple, w = image.size(3) / multiple * multiple;
    if (h <= 2 * s || w <= 2 * s) {
      warn("skipping " + file + ": too small for x" + std::to_string(s));
      continue;
    }
    const auto hr = image.slice(2, 0, h).slice(3, 0, w).contiguous();
    at::Tensor lr;
    if (degradation) {
      std::seed_seq seq{static_cast<uint64_t>(seed), static_cast<uint64_t>(i), uint64_t{0xE7A1}};
      std::mt19937_64 random(seq);
      lr = degradation->degrade_image(hr, random);
    } else {
      lr = downscale_bicubic(hr, s);
    }
    auto row = measure(hr, lr, s, [&](const at::Tensor& x) { return upscaler.upscale_rgb(x); }).row;
    row.image = std::filesystem::path(file).filename().string();
    rows.push_back(row);
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
