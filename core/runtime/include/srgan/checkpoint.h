#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace srgan {

class GeneratorImpl;

/// The tag and version every checkpoint carries; loading refuses other tags and newer versions.
/// Version 1: SRGAN generators (still written for them, so older releases read them); 2: the
/// compact family with PReLU (still written for it); 3: the compact family with LeakyReLU.
inline constexpr char kCheckpointFormat[] = "srganupscale-generator";
inline constexpr int64_t kCheckpointVersion = 3;

/// The values a model takes in and gives out; frames are mapped to and from this range.
struct ValueRange {
  double min = -1.0;
  double max = 1.0;
};

/// Where a model's weights came from, saved with them and shown by `srgan-train info`.
struct Provenance {
  int64_t steps = 0;            ///< optimiser steps taken
  std::string dataset;          ///< training data (its name and what it held, no machine path)
  std::string degradation;      ///< how its LR inputs were made (a --degrade chain; "none")
  std::string command;          ///< the command line that trained it
  std::string created_at;       ///< UTC, ISO 8601
  std::string trainer_version;  ///< srganupscale version that wrote it
  /// Validation metrics (Y channel) of the model and of bicubic; NaN when not measured.
  double psnr_y = std::numeric_limits<double>::quiet_NaN();
  double ssim_y = std::numeric_limits<double>::quiet_NaN();
  double bicubic_psnr_y = std::numeric_limits<double>::quiet_NaN();
  double bicubic_ssim_y = std::numeric_limits<double>::quiet_NaN();
};

/// Writes `generator` (options, weights, BatchNorm statistics) with `provenance` to `path`, in
/// the format load_model reads, atomically (temporary file + rename). Value ranges are [-1, 1].
void save_checkpoint(const std::string& path, const GeneratorImpl& generator,
                     const Provenance& provenance);

}  // namespace srgan
