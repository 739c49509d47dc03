#include "srgan/trainer.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <optional>
#include <random>
#include <sstream>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include "generator_options_archive.h"
#include "mixed_precision.h"
#include "sample_grid.h"
#include "srgan/atomic_file.h"
#include "srgan/checkpoint.h"
#include "srgan/degradation.h"
#include "srgan/error.h"
#include "srgan/evaluation.h"
#include "srgan/generator.h"
#include "srgan/image_io.h"
#include "srgan/initial_weights.h"
#include "srgan/model.h"
#include "srgan/quality_metrics.h"
#include "srgan/resampling.h"
#include "srgan/threads.h"
#include "srgan/upscaler.h"
#include "srgan/vgg19_features.h"
#include "srgan/video_quality.h"
#include "training_log.h"

namespace srgan {
namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;
using detail::kNotMeasured;
using detail::MetricsRow;

constexpr char kTrainingFormat[] = "srganupscale-training";
constexpr double kPi = 3.14159265358979323846;

// Centre crops of the validation photos (LR edge val_crop) and, when given, the validation
// clip's frames, centre-cropped alike.
struct ValidationSet {
  std::vector<at::Tensor> hr;  // [1, 3, h, w] in [0, 1], multiples of the scale
  std::vector<at::Tensor> lr;  // each crop's LR, once per validation chain
  std::vector<at::Tensor> clip;
  VideoQualityOptions clip_crop;
};

struct ValidationResult {
  EvaluationRow photos;
  double temporal_error = kNotMeasured, bicubic_temporal_error = kNotMeasured;
};

ValidationSet load_validation(const TrainerOptions& o, const TrainerReporter& report) {
  ValidationSet set;
  const int64_t s = o.data().scale(), hr_crop = o.val_crop() * s;
  for (const auto& file :
       o.val_dir().empty() ? std::vector<std::string>{} : list_images(o.val_dir())) {
    try {
      const auto image = read_image(file);
      if (image.size(2) < hr_crop || image.size(3) < hr_crop) {
        report.warn("skipping validation image " + file + ": smaller than " +
                    std::to_string(hr_crop) + " px");
        continue;
      }
      const int64_t y = (image.size(2) - hr_crop) / 2 / s * s,
                    x = (image.size(3) - hr_crop) / 2 / s * s;
      set.hr.push_back(image.slice(2, y, y + hr_crop).slice(3, x, x + hr_crop).contiguous());
    } catch (const Error& e) {
      report.warn(std::string("skipping validation image: ") + e.what());
    }
  }
  if (!o.val_dir().empty() && set.hr.empty())
    report.warn("no usable validation image in " + o.val_dir() + ": validation is off");
  // Every crop through every chain, drawn once: the same LR at every validation.
  std::vector<at::Tensor> crops;
  std::swap(crops, set.hr);
  const auto chains =
      o.val_degradations().empty() ? std::vector<std::string>{"none"} : o.val_degradations();
  for (size_t c = 0; c < chains.size(); ++c) {
    const Degradation degradation(DegradationSpec::parse(chains[c]), s);
    for (size_t i = 0; i < crops.size(); ++i) {
      const int64_t m = degradation.size_multiple();
      const auto hr =
          crops[i].slice(2, 0, crops[i].size(2) / m * m).slice(3, 0, crops[i].size(3) / m * m);
      std::seed_seq seq{static_cast<uint64_t>(o.data().seed()), static_cast<uint64_t>(c),
                        static_cast<uint64_t>(i), uint64_t{0x7A1}};
      std::mt19937_64 random(seq);
      set.hr.push_back(hr.contiguous());
      set.lr.push_back(degradation.degrade_image(set.hr.back(), random));
    }
  }
  set.clip = o.val_video_frames();
  if (!set.clip.empty()) {
    const auto& first = set.clip.front();
    set.clip_crop.crop_width(std::min(hr_crop, first.size(3)))
        .crop_height(std::min(hr_crop, first.size(2)));
  }
  return set;
}

at::Tensor super_resolve(GeneratorImpl& g, const at::Tensor& lr, const c10::Device& device) {
  torch::NoGradGuard no_grad;
  return ((g.forward(lr.to(device) * 2 - 1) + 1) / 2).clamp(0, 1).cpu();
}

// The photos as `srgan-train evaluate` measures them (means), the clip's temporal error.
ValidationResult validate(GeneratorImpl& g, const ValidationSet& set, int64_t scale,
                          const c10::Device& device, const std::string& clip_name) {
  ValidationResult r;
  const bool training = g.is_training();
  g.eval();
  const auto upscale = [&](const at::Tensor& lr) { return super_resolve(g, lr, device); };
  std::vector<EvaluationRow> rows;
  for (size_t i = 0; i < set.hr.size(); ++i) {
    rows.push_back(measure(set.hr[i], set.lr[i], scale, upscale).row);
  }
  if (!rows.empty()) r.photos = mean_of(rows);
  if (!set.clip.empty()) {
    size_t next = 0;
    const auto q = evaluate_video(
        upscale, scale, clip_name,
        [&] { return next < set.clip.size() ? set.clip[next++] : at::Tensor(); }, set.clip_crop);
    r.temporal_error = q.temporal_error;
    r.bicubic_temporal_error = q.bicubic_temporal_error;
  }
  g.train(training);
  return r;
}

// LR (nearest, for its pixels) | bicubic | SR | HR, side by side, each named above it.
void write_sample(GeneratorImpl& g, const at::Tensor& hr, int64_t scale, const c10::Device& device,
                  const std::string& path) {
  const auto lr = downscale_bicubic(hr, scale);
  const bool training = g.is_training();
  g.eval();
  const auto sr = super_resolve(g, lr, device);
  g.train(training);
  const auto nearest = at::upsample_nearest2d(lr, {hr.size(2), hr.size(3)});
  write_png(path, detail::labelled_grid({{"LR (nearest)", nearest},
                                         {"bicubic", upscale_bicubic(lr, scale)},
                                         {"SRGAN", sr},
                                         {"HR", hr}}));
}

// The training data as a model file names it: the folder's last two parts ("photos/train"),
// never the training machine's absolute path.
std::string dataset_name(const std::string& path) {
  const fs::path p = fs::path(path).lexically_normal();
  const fs::path folder = p.filename().empty() ? p.parent_path() : p;
  const fs::path parent = folder.parent_path().filename();
  return (parent.empty() || parent == "..") ? folder.filename().string()
                                            : (parent / folder.filename()).string();
}

std::string utc_now() {
  char text[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

struct TrainingState {
  int64_t step = 0;
  double best_psnr = -std::numeric_limits<double>::infinity();
  double seconds = 0;  // training time before this run
  std::optional<ValidationResult> last_validation;
};

void save_training_state(const std::string& path, const TrainingState& state, GeneratorImpl& g,
                         DiscriminatorImpl& d, torch::optim::Adam& opt_g,
                         torch::optim::Adam& opt_d) {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string(kTrainingFormat)));
  archive.write("version", c10::IValue(int64_t{1}));
  archive.write("step", c10::IValue(state.step));
  archive.write("best_psnr", c10::IValue(state.best_psnr));
  archive.write("seconds", c10::IValue(state.seconds));
  detail::write_generator_options(archive, g.options());
  archive.write("crop_size", c10::IValue(d.options().crop_size()));
  torch::serialize::OutputArchive generator, discriminator, optimizer_g, optimizer_d;
  g.save(generator);
  d.save(discriminator);
  opt_g.save(optimizer_g);
  opt_d.save(optimizer_d);
  archive.write("generator", generator);
  archive.write("discriminator", discriminator);
  archive.write("optimizer_g", optimizer_g);
  archive.write("optimizer_d", optimizer_d);
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_file_atomically(path, bytes.str());
}

TrainingState load_training_state(const std::string& path, GeneratorImpl& g, DiscriminatorImpl& d,
                                  torch::optim::Adam& opt_g, torch::optim::Adam& opt_d,
                                  const c10::Device& device) {
  if (!fs::exists(path)) throw Error("cannot resume: " + path + " does not exist");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, device);
  } catch (const c10::Error& e) {
    const std::string message = e.what();
    throw Error("cannot resume from " + path + ": " + first_line(message));
  }
  auto read = [&](const char* key) {
    c10::IValue value;
    if (!archive.try_read(key, value))
      throw Error("cannot resume from " + path + ": it has no '" + key + "'");
    return value;
  };
  if (read("format").toStringRef() != kTrainingFormat)
    throw Error(path + " is not a training checkpoint");
  const auto saved = detail::read_generator_options(
      [&](const std::string& key) { return read(key.c_str()).toInt(); },
      [&](const std::string& key) { return read(key.c_str()).toStringRef(); },
      [&](const std::string& key) {
        c10::IValue ignored;
        return archive.try_read(key, ignored);
      });
  if (!detail::same_generator_options(saved, g.options()) ||
      read("crop_size").toInt() != d.options().crop_size()) {
    throw Error(
        "cannot resume from " + path +
        ": it was trained with other network options "
        "(--arch, --blocks, --channels, --scale, --skip, --upsample-activation or --lr-crop "
        "differ)");
  }
  TrainingState state;
  state.step = read("step").toInt();
  state.best_psnr = read("best_psnr").toDouble();
  state.seconds = read("seconds").toDouble();
  torch::serialize::InputArchive generator, discriminator, optimizer_g, optimizer_d;
  archive.read("generator", generator);
  archive.read("discriminator", discriminator);
  archive.read("optimizer_g", optimizer_g);
  archive.read("optimizer_d", optimizer_d);
  g.load(generator);
  d.load(discriminator);
  opt_g.load(optimizer_g);
  opt_d.load(optimizer_d);
  return state;
}

void set_learning_rate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  }
}

double finite(const at::Tensor& loss, const char* name, int64_t step) {
  const double value = loss.item<double>();
  if (!std::isfinite(value)) {
    throw Error(std::string("the ") + name + " loss is not finite at step " + std::to_string(step) +
                "; lower the learning rates or resume from an earlier checkpoint");
  }
  return value;
}

// The output folder, before anything is loaded: its subfolders, and no temporary file of an
// interrupted atomic write left in it.
void prepare_output_folder(const TrainerOptions& o, const TrainerReporter& report) {
  if (o.output_dir().empty()) throw Error("an output folder is required");
  if (o.pretrain_steps() < 0 || o.gan_steps() < 0) throw Error("step counts must be >= 0");
  const fs::path out(o.output_dir());
  for (const char* sub : {"checkpoints", "samples"}) fs::create_directories(out / sub);
  for (const fs::path& folder : {out, out / "checkpoints"}) {
    for (const auto& entry : fs::directory_iterator(folder)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind('.', 0) == 0 && name.find(".tmp-") != std::string::npos) {
        fs::remove(entry.path());
        report.info("removed " + entry.path().string() + ", left by an interrupted write");
      }
    }
  }
}

}  // namespace

std::string to_string(PixelLoss loss) { return loss == PixelLoss::kL1 ? "l1" : "mse"; }
std::string to_string(LearningRateSchedule schedule) {
  return schedule == LearningRateSchedule::kCosine ? "cosine" : "step";
}
PixelLoss pixel_loss_from_string(const std::string& name) {
  if (name == "mse") return PixelLoss::kMse;
  if (name == "l1") return PixelLoss::kL1;
  throw Error("unknown loss '" + name + "' (expected mse or l1)");
}
LearningRateSchedule learning_rate_schedule_from_string(const std::string& name) {
  if (name == "step") return LearningRateSchedule::kStep;
  if (name == "cosine") return LearningRateSchedule::kCosine;
  throw Error("unknown learning-rate schedule '" + name + "' (expected step or cosine)");
}

template <typename Module>
Module on_device(Module module, const c10::Device& device) {
  module->to(device);
  return module;
}

// One training run: what Trainer's constructor prepares and run() steps through.
class Trainer::Run {
 public:
  Run(const TrainerOptions& options, const TrainerReporter& reporter)
      : o_(options),
        report_(reporter),
        out_(options.output_dir()),
        device_(resolve_device(options.device())),
        precision_(detail::training_precision(options.precision(), device_)),
        // fp16's narrow range needs loss scaling; bf16 has float32's range and needs none.
        scaler_g_(precision_.dtype == at::kHalf),
        scaler_d_(precision_.dtype == at::kHalf),
        threads_(configure_intra_op_threads()),
        scale_(options.data().scale()),
        data_((torch::manual_seed(options.data().seed()),
               TrainingDataOptions(options.data())
                   .cache_dir((fs::path(options.output_dir()) / "codec-cache").string())),
              reporter.warn, reporter.info),
        validation_(load_validation(options, reporter)),
        g_(on_device(Generator(GeneratorOptions(options.generator()).scale(scale_)), device_)),
        d_(on_device(
            Discriminator(DiscriminatorOptions().crop_size(options.data().lr_crop() * scale_)),
            device_)),
        opt_g_(g_->parameters(),
               torch::optim::AdamOptions(options.generator_lr()).betas({o_.beta1(), o_.beta2()})),
        opt_d_(
            d_->parameters(),
            torch::optim::AdamOptions(options.discriminator_lr()).betas({o_.beta1(), o_.beta2()})),
        last_((out_ / "checkpoints" / "last.pt").string()) {
    if (device_.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);  // fixed crop sizes
    load_vgg();
    if (o_.resume()) {
      state_ = load_training_state(last_, *g_, *d_, opt_g_, opt_d_, device_);
      report_.info("resuming at step " + std::to_string(state_.step) + " from " + last_);
    } else if (!o_.init_weights().empty()) {
      start_from_weights(*g_, o_.init_weights());
      report_.info("starting from the weights of " + o_.init_weights());
    }
    log_.emplace((out_ / "metrics.csv").string(), o_.resume(), state_.step);
    announce();
  }

  int64_t run(const std::atomic<bool>* stop);

 private:
  void load_vgg();
  void announce() const;
  void set_learning_rates(MetricsRow& row);
  void pretrain_step(const at::Tensor& lr, const at::Tensor& hr, MetricsRow& row);
  void gan_step(const at::Tensor& lr, const at::Tensor& hr, MetricsRow& row);
  void after_step(const Batch& batch, MetricsRow& row);
  void validate_and_report(double seconds);
  Provenance provenance() const;
  double seconds_now() const {
    return seconds_before_ +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }
  void checkpoint() {
    state_.seconds = seconds_now();
    save_training_state(last_, state_, *g_, *d_, opt_g_, opt_d_);
  }
  int64_t total() const { return o_.pretrain_steps() + o_.gan_steps(); }

  const TrainerOptions o_;
  const TrainerReporter report_;
  const fs::path out_;
  const c10::Device device_;
  const detail::TrainingPrecision precision_;
  detail::LossScaler scaler_g_, scaler_d_;
  const int threads_;
  const int64_t scale_;
  TrainingData data_;
  const ValidationSet validation_;
  Generator g_;
  Discriminator d_;
  std::optional<Vgg19Features> vgg_;
  torch::optim::Adam opt_g_, opt_d_;
  const std::string last_;
  TrainingState state_;
  std::optional<detail::MetricsLog> log_;
  std::chrono::steady_clock::time_point started_;
  double seconds_before_ = 0;
  int64_t first_step_ = 0;
};

void Trainer::Run::load_vgg() {
  if (!o_.vgg_weights().empty()) {
    vgg_.emplace();
    (*vgg_)->load_weights(o_.vgg_weights());
    (*vgg_)->to(device_);
  } else if (o_.gan_steps() > 0) {
    report_.warn(
        "no --vgg-weights: the VGG19 perceptual loss is OFF; the GAN phase uses MSE + adversarial "
        "loss only (make the weights with trainer/export_vgg19_weights.py)");
  }
}

void Trainer::Run::announce() const {
  report_.info(
      "training " + g_->options().describe() + " (" +
      std::to_string(generator_parameter_count(g_->options())) + " parameters) on " +
      data_.describe() +
      (o_.data().degradation() == "none" ? ""
                                         : " (LR by --degrade " + o_.data().degradation() + ")") +
      ", " + std::to_string(total()) + " steps (" + std::to_string(o_.pretrain_steps()) + " " +
      to_string(o_.pixel_loss()) + " + " + std::to_string(o_.gan_steps()) + " GAN), batch " +
      std::to_string(o_.data().batch_size()) + " of " + std::to_string(o_.data().lr_crop()) +
      " px LR crops, on " + device_.str() +
      (precision_.dtype == at::kFloat
           ? ""
           : " in " + to_string(precision_of(precision_.dtype)) + " mixed precision") +
      (precision_.reason.empty() ? "" : " (precision auto: " + precision_.reason + ")") +
      (device_.is_cpu() ? " with " + std::to_string(threads_) + " threads" : "") +
      (vgg_ ? ", VGG19 perceptual loss on" : ", VGG19 perceptual loss off") +
      (validation_.clip.empty() ? ""
                                : ", validation clip " + o_.val_video() + " (" +
                                      std::to_string(validation_.clip.size()) + " frames)"));
}

void Trainer::Run::set_learning_rates(MetricsRow& row) {
  const bool pretrain = state_.step < o_.pretrain_steps();
  const int64_t phase_step = pretrain ? state_.step : state_.step - o_.pretrain_steps();
  const int64_t phase_steps = pretrain ? o_.pretrain_steps() : o_.gan_steps();
  double decay = 1.0;
  if (o_.lr_schedule() == LearningRateSchedule::kCosine) {
    decay = 0.5 * (1 + std::cos(kPi * static_cast<double>(phase_step) /
                                static_cast<double>(std::max<int64_t>(1, phase_steps))));
  } else if (o_.lr_step() > 0) {
    decay = std::pow(o_.lr_gamma(), static_cast<double>(phase_step / o_.lr_step()));
  }
  set_learning_rate(opt_g_, o_.generator_lr() * decay);
  set_learning_rate(opt_d_, o_.discriminator_lr() * decay);
  row.phase = pretrain ? "pretrain" : "gan";
  row.lr = o_.generator_lr() * decay;
}

// Phase 1: the generator on its pixel loss (MSE or L1). Forward passes under autocast (mixed
// precision), losses and backward passes in float32.
void Trainer::Run::pretrain_step(const at::Tensor& lr, const at::Tensor& hr, MetricsRow& row) {
  at::Tensor sr;
  {
    detail::AutocastGuard autocast(device_, precision_.dtype);
    sr = g_->forward_for_training(lr);
  }
  sr = sr.to(at::kFloat);
  const auto mse = F::mse_loss(sr, hr);
  const auto loss = o_.pixel_loss() == PixelLoss::kL1 ? F::l1_loss(sr, hr) : mse;
  opt_g_.zero_grad();
  scaler_g_.scale(loss).backward();
  scaler_g_.step(opt_g_);
  row.mse = finite(mse, "MSE", state_.step);
  row.total = finite(loss, "pixel", state_.step);
}

// Phase 2: the discriminator on real and generated crops, then the generator on content (MSE,
// and VGG19 features when loaded) plus the adversarial loss.
void Trainer::Run::gan_step(const at::Tensor& lr, const at::Tensor& hr, MetricsRow& row) {
  at::Tensor sr, real, fake;
  {
    detail::AutocastGuard autocast(device_, precision_.dtype);
    sr = g_->forward_for_training(lr);
  }
  sr = sr.to(at::kFloat);
  {
    detail::AutocastGuard autocast(device_, precision_.dtype);
    real = d_->forward(hr);
    fake = d_->forward(sr.detach());
  }
  real = real.to(at::kFloat), fake = fake.to(at::kFloat);
  const auto d_real = F::binary_cross_entropy_with_logits(real, torch::ones_like(real));
  const auto d_fake = F::binary_cross_entropy_with_logits(fake, torch::zeros_like(fake));
  opt_d_.zero_grad();
  scaler_d_.scale(d_real + d_fake).backward();
  scaler_d_.step(opt_d_);
  at::Tensor judged, sr_features, hr_features;
  {
    detail::AutocastGuard autocast(device_, precision_.dtype);
    judged = d_->forward(sr);
    if (vgg_) {
      sr_features = (*vgg_)->forward(sr);
      hr_features = (*vgg_)->forward(hr).detach();
    }
  }
  judged = judged.to(at::kFloat);
  const auto g_adv = F::binary_cross_entropy_with_logits(judged, torch::ones_like(judged));
  const auto mse = F::mse_loss(sr, hr);
  at::Tensor content = mse;
  if (vgg_) {
    const auto perceptual = F::mse_loss(sr_features.to(at::kFloat), hr_features.to(at::kFloat));
    content = content + o_.vgg_weight() * perceptual;
    row.vgg = finite(perceptual, "VGG", state_.step);
  }
  const auto loss = content + o_.adversarial_weight() * g_adv;
  opt_g_.zero_grad();
  scaler_g_.scale(loss).backward();
  scaler_g_.step(opt_g_);
  row.d_real = finite(d_real, "discriminator (real)", state_.step);
  row.d_fake = finite(d_fake, "discriminator (fake)", state_.step);
  row.g_adv = finite(g_adv, "adversarial", state_.step);
  row.mse = finite(mse, "MSE", state_.step);
  row.total = finite(loss, "generator", state_.step);
}

// The validation photos' means and the clip's temporal error: logged, reported, and the best
// checkpoint kept.
void Trainer::Run::validate_and_report(double seconds) {
  const auto v = validate(*g_, validation_, scale_, device_, o_.val_video());
  state_.last_validation = v;
  MetricsRow row;
  row.step = state_.step;
  row.phase = "validation";
  row.seconds = seconds;
  std::ostringstream line;
  line.precision(4);
  line << "step " << state_.step << ": validation";
  if (!validation_.hr.empty()) {
    const auto& p = v.photos;
    row.psnr_y = p.psnr_y, row.ssim_y = p.ssim_y, row.bicubic_psnr_y = p.bicubic_psnr_y,
    row.bicubic_ssim_y = p.bicubic_ssim_y;
    line << " PSNR(Y) " << p.psnr_y << " dB (bicubic " << p.bicubic_psnr_y << "), SSIM " << p.ssim_y
         << " (bicubic " << p.bicubic_ssim_y << ")";
  }
  if (!validation_.clip.empty()) {
    row.temporal_error = v.temporal_error, row.bicubic_temporal_error = v.bicubic_temporal_error;
    line << (validation_.hr.empty() ? "" : ";") << " temporal error " << v.temporal_error
         << " (bicubic " << v.bicubic_temporal_error << ")";
  }
  log_->write(row);
  report_.info(line.str());
  if (!validation_.hr.empty() && v.photos.psnr_y > state_.best_psnr) {
    state_.best_psnr = v.photos.psnr_y;
    g_->eval();
    save_checkpoint((out_ / "checkpoints" / "best.pt").string(), *g_, provenance());
    g_->train();
  }
  if (report_.validated) report_.validated(log_->path());
}

// What a model file says of how it was made, with the last validation's figures.
Provenance Trainer::Run::provenance() const {
  Provenance p;
  p.steps = state_.step;
  p.dataset = dataset_name(o_.data().hr_dir()) + " (" + data_.describe() + ")";
  p.degradation = DegradationSpec::parse(o_.data().degradation()).str();
  p.command = o_.command();
  p.created_at = utc_now();
  if (state_.last_validation && !validation_.hr.empty()) {
    const auto& v = state_.last_validation->photos;
    p.psnr_y = v.psnr_y, p.ssim_y = v.ssim_y, p.bicubic_psnr_y = v.bicubic_psnr_y,
    p.bicubic_ssim_y = v.bicubic_ssim_y;
  }
  return p;
}

// Logging, validation, samples and checkpoints, each at its interval.
void Trainer::Run::after_step(const Batch& batch, MetricsRow& row) {
  const double seconds = seconds_now();
  const double rate =
      static_cast<double>(state_.step - first_step_) / std::max(1e-9, seconds - seconds_before_);
  if (report_.progress) report_.progress(state_.step, total(), row.phase, row.total, rate);
  const bool last = state_.step == total();
  // A period of 0 (or less) means: at the last step only.
  auto every = [&](int64_t period) { return last || (period > 0 && state_.step % period == 0); };
  if (every(o_.log_every())) {
    row.step = state_.step;
    row.seconds = seconds;
    row.steps_per_second = rate;
    log_->write(row);
  }
  const bool can_validate = !validation_.hr.empty() || !validation_.clip.empty();
  if (can_validate && every(o_.val_every())) validate_and_report(seconds);
  if (o_.sample_every() > 0 && state_.step % o_.sample_every() == 0) {
    const auto hr = validation_.hr.empty() ? batch.hr.slice(0, 0, 1) : validation_.hr[0];
    write_sample(*g_, hr, scale_, device_,
                 (out_ / "samples" / ("step-" + std::to_string(state_.step) + ".png")).string());
  }
  if (o_.checkpoint_every() > 0 && state_.step % o_.checkpoint_every() == 0) checkpoint();
}

int64_t Trainer::Run::run(const std::atomic<bool>* stop) {
  started_ = std::chrono::steady_clock::now();
  seconds_before_ = state_.seconds;
  first_step_ = state_.step;
  g_->train();
  d_->train();
  std::future<Batch> next;
  if (state_.step < total()) next = data_.prefetch(state_.step);
  while (state_.step < total() && !(stop && stop->load())) {
    const Batch batch = next.get();
    if (state_.step + 1 < total()) next = data_.prefetch(state_.step + 1);
    MetricsRow row;
    set_learning_rates(row);
    const auto lr = batch.lr.to(device_) * 2 - 1;
    const auto hr = batch.hr.to(device_) * 2 - 1;
    if (state_.step < o_.pretrain_steps()) {
      pretrain_step(lr, hr, row);
    } else {
      gan_step(lr, hr, row);
    }
    ++state_.step;
    after_step(batch, row);
  }
  if (next.valid()) next.wait();
  checkpoint();
  const std::string model = (out_ / "model.pt").string();
  g_->eval();
  save_checkpoint(model, *g_, provenance());
  if (state_.step < total()) {
    report_.info("stopped at step " + std::to_string(state_.step) + " of " +
                 std::to_string(total()) + ": " + model + " holds the generator of this step, " +
                 last_ + " the run (continue with srgan-train train --resume " + out_.string() +
                 ")");
    return state_.step;
  }
  std::ostringstream done;  // fixed notation: "2004.3 s", never "2e+03 s"
  done << std::fixed << std::setprecision(1) << "done: " << state_.step << " steps in "
       << state_.seconds << " s (" << std::setprecision(2)
       << static_cast<double>(state_.step) / std::max(1e-9, state_.seconds)
       << " steps/s); model: " << model;
  report_.info(done.str());
  return state_.step;
}

Trainer::Trainer(const TrainerOptions& options, const TrainerReporter& reporter)
    : run_((prepare_output_folder(options, reporter), std::make_unique<Run>(options, reporter))) {}

Trainer::~Trainer() = default;

int64_t Trainer::run(const std::atomic<bool>* stop) { return run_->run(stop); }

int64_t train(const TrainerOptions& options, const TrainerReporter& reporter,
              const std::atomic<bool>* stop) {
  return Trainer(options, reporter).run(stop);
}

}  // namespace srgan
