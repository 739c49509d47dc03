#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include <torch/arg.h>

#include "srgan/discriminator.h"
#include "srgan/generator_options.h"
#include "srgan/precision.h"
#include "srgan/training_data.h"

namespace srgan {

/// The pixel loss of phase 1: MSE (the paper's) or L1 (sharper for PSNR-oriented compact
/// networks, as ESRGAN and Real-ESRGAN pre-train).
enum class PixelLoss { kMse, kL1 };
/// How a phase's learning rate falls: by lr_gamma every lr_step steps, or along a half cosine
/// from the set rate to zero at the phase's last step.
enum class LearningRateSchedule { kStep, kCosine };

std::string to_string(PixelLoss loss);
std::string to_string(LearningRateSchedule schedule);
/// Parse "mse"/"l1" and "step"/"cosine"; throw srgan::Error otherwise.
PixelLoss pixel_loss_from_string(const std::string& name);
LearningRateSchedule learning_rate_schedule_from_string(const std::string& name);

/// Everything `srgan-train train` sets. Defaults follow the paper where it says (Adam, the
/// adversarial weight 1e-3) and otherwise what trains this small network well on a CPU.
struct TrainerOptions {
  /// Folder for metrics.csv, plots/, samples/, checkpoints/ and model.pt.
  TORCH_ARG(std::string, output_dir);
  TORCH_ARG(TrainingDataOptions, data);
  /// Validation photos (PSNR/SSIM against bicubic on centre crops); empty: no validation.
  TORCH_ARG(std::string, val_dir);
  /// LR edge of the validation centre crops (of the photos and of the clip's frames).
  TORCH_ARG(int64_t, val_crop) = 96;
  /// How the validation crops' LR is made: each crop is measured once per chain
  /// (DegradationSpec text, drawn with the data's seed) and the mean over all of them picks
  /// best.pt. Empty: {"none"}, the clean antialiased bicubic downscale.
  TORCH_ARG(std::vector<std::string>, val_degradations);
  /// A validation clip's name and its HR frames ([1, 3, H, W] in [0, 1], the first few of the
  /// clip): each validation reports the temporal error on them beside bicubic's, so a run shows
  /// whether adversarial training adds flicker. Empty: no clip.
  TORCH_ARG(std::string, val_video);
  TORCH_ARG(std::vector<at::Tensor>, val_video_frames);
  TORCH_ARG(GeneratorOptions, generator);
  /// A checkpoint whose generator weights a new run starts from instead of random ones
  /// (fine-tuning); its options must equal `generator` and the scale. Ignored when resuming.
  TORCH_ARG(std::string, init_weights);
  /// Phase 1: generator on MSE alone (the paper's "initialize generator learning").
  TORCH_ARG(int64_t, pretrain_steps) = 1000;
  /// Phase 2: generator and discriminator, adversarially.
  TORCH_ARG(int64_t, gan_steps) = 0;
  TORCH_ARG(double, generator_lr) = 2e-4;
  TORCH_ARG(double, discriminator_lr) = 1e-4;
  TORCH_ARG(double, beta1) = 0.9;
  TORCH_ARG(double, beta2) = 0.999;
  /// Phase 1's loss.
  TORCH_ARG(PixelLoss, pixel_loss) = PixelLoss::kMse;
  TORCH_ARG(LearningRateSchedule, lr_schedule) = LearningRateSchedule::kStep;
  /// kStep: multiply the learning rates by lr_gamma every lr_step steps of a phase (0: constant).
  TORCH_ARG(int64_t, lr_step) = 0;
  TORCH_ARG(double, lr_gamma) = 0.5;
  /// Weight of the generator's adversarial loss in phase 2.
  TORCH_ARG(double, adversarial_weight) = 1e-3;
  /// VGG19 weights for the perceptual loss (phi 5,4); empty: the perceptual term is off.
  TORCH_ARG(std::string, vgg_weights);
  /// Weight of the VGG feature MSE (SRGAN's 1/12.75^2 rescaling).
  TORCH_ARG(double, vgg_weight) = 0.006;
  TORCH_ARG(std::string, device) = "auto";
  /// fp32, or mixed precision: bf16 (CPU or CUDA) or fp16 (CUDA, with loss scaling); kAuto: bf16
  /// on a CPU with AMX-BF16 or AVX512-BF16, fp32 elsewhere (srgan-train's default).
  /// Forward passes run under autocast; weights, optimiser state and losses stay float32.
  TORCH_ARG(Precision, precision) = Precision::kFp32;
  /// Steps between metrics rows, validations, sample grids and checkpoints. 0: metrics and
  /// validation at the last step only, no sample grids, a checkpoint when the run ends.
  TORCH_ARG(int64_t, log_every) = 10;
  TORCH_ARG(int64_t, val_every) = 250;
  TORCH_ARG(int64_t, sample_every) = 250;
  TORCH_ARG(int64_t, checkpoint_every) = 100;
  /// Continue from output_dir/checkpoints/last.pt.
  TORCH_ARG(bool, resume) = false;
  /// The command line, recorded in the model's provenance.
  TORCH_ARG(std::string, command);
};

/// Where the trainer reports: progress (a terminal bar or log lines) and warnings.
struct TrainerReporter {
  std::function<void(const std::string&)> info;
  std::function<void(const std::string&)> warn;
  /// Called after every step: step, total steps, phase, loss, steps per second.
  std::function<void(int64_t, int64_t, const std::string&, double, double)> progress;
  /// Called after each validation with the path of metrics.csv (srgan-train draws its plots).
  std::function<void(const std::string&)> validated;
};

/// Trains a generator as DESIGN.md describes, writing everything to options.output_dir:
/// metrics.csv, samples/, atomic checkpoints (checkpoints/last.pt, best.pt) and model.pt.
/// Resuming continues bit-identically on the CPU.
class Trainer {
 public:
  /// Prepares the run: output folder, data, networks, optimisers, and the state to resume from.
  Trainer(const TrainerOptions& options, const TrainerReporter& reporter);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  /// Steps until the last one, or until `stop` (e.g. set by SIGINT or SIGTERM) is set, when it
  /// ends after the current step with a checkpoint (checkpoints/last.pt) and the generator of
  /// that step (model.pt), so a stopped run is both resumable and usable. Returns the steps done.
  int64_t run(const std::atomic<bool>* stop = nullptr);

  class Run;

 private:
  std::unique_ptr<Run> run_;
};

/// Trainer(options, reporter).run(stop).
int64_t train(const TrainerOptions& options, const TrainerReporter& reporter,
              const std::atomic<bool>* stop = nullptr);

}  // namespace srgan
