#pragma once

// metrics.csv: the run's losses and validations, a row each. Internal to the training library;
// srgan-train draws its plots from the file.

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>

namespace srgan::detail {

constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();

struct MetricsRow {
  int64_t step = 0;
  std::string phase;  // pretrain, gan or validation
  double lr = kNotMeasured, d_real = kNotMeasured, d_fake = kNotMeasured, g_adv = kNotMeasured,
         vgg = kNotMeasured, mse = kNotMeasured, total = kNotMeasured, seconds = kNotMeasured,
         steps_per_second = kNotMeasured, psnr_y = kNotMeasured, ssim_y = kNotMeasured,
         bicubic_psnr_y = kNotMeasured, bicubic_ssim_y = kNotMeasured,
         temporal_error = kNotMeasured, bicubic_temporal_error = kNotMeasured;
};

/// Appends rows to metrics.csv. Resuming at step N drops rows after N (written after the last
/// checkpoint by a run that then died), so the file reads as one uninterrupted run.
class MetricsLog {
 public:
  MetricsLog(const std::string& path, bool resume, int64_t resume_step);
  void write(const MetricsRow& row);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace srgan::detail
