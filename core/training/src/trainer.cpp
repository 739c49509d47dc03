#include "srgan/trainer.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include "mixed_precision.h"
#include "sample_grid.h"
#include "srgan/atomic_file.h"
#include "srgan/checkpoint.h"
#include "srgan/error.h"
#include "srgan/generator.h"
#include "srgan/image_io.h"
#include "srgan/quality_metrics.h"
#include "srgan/resampling.h"
#include "srgan/threads.h"
#include "srgan/upscaler.h"
#include "srgan/vgg19_features.h"
#include "training_log.h"

namespace srgan {
namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;
using detail::kNotMeasured;
using detail::MetricsRow;

constexpr char kTrainingFormat[] = "srganupscale-training";

struct ValidationSet {
  std::vector<at::Tensor> lr, hr;  // [1, 3, h, w] in [0, 1]
  std::string source;
};

struct ValidationResult {
  double psnr = 0, ssim = 0, bicubic_psnr = 0, bicubic_ssim = 0;
};

// Centre crops of the validation photos (LR edge val_crop), their LR made as in training.
ValidationSet load_validation(const TrainerOptions& o, const TrainerReporter& report) {
  ValidationSet set;
  if (o.val_dir().empty()) return set;
  const int64_t s = o.data().scale(), hr_crop = o.val_crop() * s;
  for (const auto& file : list_images(o.val_dir())) {
    try {
      const auto image = read_image(file);
      if (image.size(2) < hr_crop || image.size(3) < hr_crop) {
        report.warn("skipping validation image " + file + ": smaller than " +
                    std::to_string(hr_crop) + " px");
        continue;
      }
      const int64_t y = (image.size(2) - hr_crop) / 2 / s * s,
                    x = (image.size(3) - hr_crop) / 2 / s * s;
      auto hr = image.slice(2, y, y + hr_crop).slice(3, x, x + hr_crop).contiguous();
      set.lr.push_back(downscale_bicubic(hr, s));
      set.hr.push_back(hr);
    } catch (const Error& e) {
      report.warn(std::string("skipping validation image: ") + e.what());
    }
  }
  if (set.hr.empty())
    report.warn("no usable validation image in " + o.val_dir() + ": validation is off");
  set.source = o.val_dir();
  return set;
}

at::Tensor super_resolve(GeneratorImpl& g, const at::Tensor& lr, const c10::Device& device) {
  torch::NoGradGuard no_grad;
  return ((g.forward(lr.to(device) * 2 - 1) + 1) / 2).clamp(0, 1).cpu();
}

ValidationResult validate(GeneratorImpl& g, const ValidationSet& set, int64_t scale,
                          const c10::Device& device) {
  ValidationResult r;
  const bool training = g.is_training();
  g.eval();
  for (size_t i = 0; i < set.hr.size(); ++i) {
    const auto truth = luma_bt601(set.hr[i]);
    const auto sr = luma_bt601(super_resolve(g, set.lr[i], device));
    const auto bicubic = luma_bt601(upscale_bicubic(set.lr[i], scale));
    r.psnr += psnr(sr, truth, scale);
    r.ssim += ssim(sr, truth, scale);
    r.bicubic_psnr += psnr(bicubic, truth, scale);
    r.bicubic_ssim += ssim(bicubic, truth, scale);
  }
  const double n = static_cast<double>(set.hr.size());
  r.psnr /= n, r.ssim /= n, r.bicubic_psnr /= n, r.bicubic_ssim /= n;
  g.train(training);
  return r;
}

// LR (nearest, for its pixels) | bicubic | SR | HR, side by side, each named above it.
void write_sample(GeneratorImpl& g, const at::Tensor& lr, const at::Tensor& hr, int64_t scale,
                  const c10::Device& device, const std::string& path) {
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
  ValidationResult last_validation;
  bool validated = false;
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
  archive.write("residual_blocks", c10::IValue(g.options().residual_blocks()));
  archive.write("channels", c10::IValue(g.options().channels()));
  archive.write("scale", c10::IValue(g.options().scale()));
  archive.write("upsample_activation", c10::IValue(to_string(g.options().upsample_activation())));
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
    throw Error("cannot resume from " + path + ": " + message.substr(0, message.find('\n')));
  }
  auto read = [&](const char* key) {
    c10::IValue value;
    if (!archive.try_read(key, value))
      throw Error("cannot resume from " + path + ": it has no '" + key + "'");
    return value;
  };
  if (read("format").toStringRef() != kTrainingFormat)
    throw Error(path + " is not a training checkpoint");
  const auto& o = g.options();
  if (read("residual_blocks").toInt() != o.residual_blocks() ||
      read("channels").toInt() != o.channels() || read("scale").toInt() != o.scale() ||
      read("upsample_activation").toStringRef() != to_string(o.upsample_activation()) ||
      read("crop_size").toInt() != d.options().crop_size()) {
    throw Error(
        "cannot resume from " + path +
        ": it was trained with other network options "
        "(--residual-blocks, --channels, --scale, --upsample-activation or --lr-crop differ)");
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

}  // namespace

int64_t train(const TrainerOptions& o, const TrainerReporter& report,
              const std::atomic<bool>* stop) {
  if (o.output_dir().empty()) throw Error("an output folder is required");
  if (o.pretrain_steps() < 0 || o.gan_steps() < 0) throw Error("step counts must be >= 0");
  const fs::path out(o.output_dir());
  for (const char* sub : {"checkpoints", "plots", "samples"}) fs::create_directories(out / sub);
  // A run killed during an atomic write leaves its temporary file (the target is intact).
  for (const fs::path& folder : {out, out / "checkpoints"}) {
    for (const auto& entry : fs::directory_iterator(folder)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind('.', 0) == 0 && name.find(".tmp-") != std::string::npos) {
        fs::remove(entry.path());
        report.info("removed " + entry.path().string() + ", left by an interrupted write");
      }
    }
  }
  const c10::Device device = resolve_device(o.device());
  const at::ScalarType precision = detail::training_precision(o.precision(), device);
  // fp16's narrow range needs loss scaling; bf16 has float32's range and needs none.
  detail::LossScaler scaler_g(precision == at::kHalf), scaler_d(precision == at::kHalf);
  const int threads = configure_intra_op_threads();
  if (device.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);  // fixed crop sizes
  const int64_t scale = o.data().scale();
  auto generator_options = GeneratorOptions(o.generator()).scale(scale);

  torch::manual_seed(o.data().seed());
  TrainingData data(o.data(), report.warn);
  const ValidationSet validation = load_validation(o, report);
  Generator g(generator_options);
  Discriminator d(DiscriminatorOptions().crop_size(o.data().lr_crop() * scale));
  g->to(device);
  d->to(device);
  std::optional<Vgg19Features> vgg;
  if (!o.vgg_weights().empty()) {
    vgg.emplace();
    (*vgg)->load_weights(o.vgg_weights());
    (*vgg)->to(device);
  } else if (o.gan_steps() > 0) {
    report.warn(
        "no --vgg-weights: the VGG19 perceptual loss is OFF; the GAN phase uses MSE + adversarial "
        "loss only (make the weights with trainer/export_vgg19_weights.py)");
  }
  torch::optim::Adam opt_g(
      g->parameters(), torch::optim::AdamOptions(o.generator_lr()).betas({o.beta1(), o.beta2()}));
  torch::optim::Adam opt_d(
      d->parameters(),
      torch::optim::AdamOptions(o.discriminator_lr()).betas({o.beta1(), o.beta2()}));

  const std::string last = (out / "checkpoints" / "last.pt").string();
  TrainingState state;
  if (o.resume()) {
    state = load_training_state(last, *g, *d, opt_g, opt_d, device);
    report.info("resuming at step " + std::to_string(state.step) + " from " + last);
  }
  detail::MetricsLog log((out / "metrics.csv").string(), o.resume(), state.step);
  const int64_t total = o.pretrain_steps() + o.gan_steps();
  report.info("training " + std::to_string(data.size()) + " images, " + std::to_string(total) +
              " steps (" + std::to_string(o.pretrain_steps()) + " MSE + " +
              std::to_string(o.gan_steps()) + " GAN), batch " +
              std::to_string(o.data().batch_size()) + " of " + std::to_string(o.data().lr_crop()) +
              " px LR crops, on " + device.str() +
              (precision == at::kFloat ? "" : " in " + o.precision() + " mixed precision") +
              (device.is_cpu() ? " with " + std::to_string(threads) + " threads" : "") +
              (vgg ? ", VGG19 perceptual loss on" : ", VGG19 perceptual loss off"));

  bool plots_warned = false;
  auto checkpoint = [&] { save_training_state(last, state, *g, *d, opt_g, opt_d); };
  const auto run_start = std::chrono::steady_clock::now();
  const double seconds_before = state.seconds;
  auto seconds_now = [&] {
    return seconds_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  };
  const int64_t first_step = state.step;
  g->train();
  d->train();
  std::future<Batch> next;
  if (state.step < total) next = data.prefetch(state.step);
  while (state.step < total && !(stop && stop->load())) {
    const Batch batch = next.get();
    if (state.step + 1 < total) next = data.prefetch(state.step + 1);
    const auto lr = batch.lr.to(device) * 2 - 1;
    const auto hr = batch.hr.to(device) * 2 - 1;
    const bool pretrain = state.step < o.pretrain_steps();
    const int64_t phase_step = pretrain ? state.step : state.step - o.pretrain_steps();
    const double decay = o.lr_step() > 0
                             ? std::pow(o.lr_gamma(), static_cast<double>(phase_step / o.lr_step()))
                             : 1.0;
    set_learning_rate(opt_g, o.generator_lr() * decay);
    set_learning_rate(opt_d, o.discriminator_lr() * decay);

    MetricsRow row;
    row.phase = pretrain ? "pretrain" : "gan";
    row.lr = o.generator_lr() * decay;
    // Forward passes under autocast (mixed precision), losses and backward passes in float32.
    at::Tensor sr;
    {
      detail::AutocastGuard autocast(device, precision);
      sr = g->forward_reparametrized(lr);
    }
    sr = sr.to(at::kFloat);
    if (pretrain) {
      const auto mse = F::mse_loss(sr, hr);
      opt_g.zero_grad();
      scaler_g.scale(mse).backward();
      scaler_g.step(opt_g);
      row.mse = row.total = finite(mse, "MSE", state.step);
    } else {
      at::Tensor real, fake;
      {
        detail::AutocastGuard autocast(device, precision);
        real = d->forward(hr);
        fake = d->forward(sr.detach());
      }
      real = real.to(at::kFloat), fake = fake.to(at::kFloat);
      const auto d_real = F::binary_cross_entropy_with_logits(real, torch::ones_like(real));
      const auto d_fake = F::binary_cross_entropy_with_logits(fake, torch::zeros_like(fake));
      opt_d.zero_grad();
      scaler_d.scale(d_real + d_fake).backward();
      scaler_d.step(opt_d);
      at::Tensor judged, sr_features, hr_features;
      {
        detail::AutocastGuard autocast(device, precision);
        judged = d->forward(sr);
        if (vgg) {
          sr_features = (*vgg)->forward(sr);
          hr_features = (*vgg)->forward(hr).detach();
        }
      }
      judged = judged.to(at::kFloat);
      const auto g_adv = F::binary_cross_entropy_with_logits(judged, torch::ones_like(judged));
      const auto mse = F::mse_loss(sr, hr);
      at::Tensor content = mse;
      if (vgg) {
        const auto perceptual = F::mse_loss(sr_features.to(at::kFloat), hr_features.to(at::kFloat));
        content = content + o.vgg_weight() * perceptual;
        row.vgg = finite(perceptual, "VGG", state.step);
      }
      const auto loss = content + o.adversarial_weight() * g_adv;
      opt_g.zero_grad();
      scaler_g.scale(loss).backward();
      scaler_g.step(opt_g);
      row.d_real = finite(d_real, "discriminator (real)", state.step);
      row.d_fake = finite(d_fake, "discriminator (fake)", state.step);
      row.g_adv = finite(g_adv, "adversarial", state.step);
      row.mse = finite(mse, "MSE", state.step);
      row.total = finite(loss, "generator", state.step);
    }
    ++state.step;
    const double seconds = seconds_now();
    const double rate =
        static_cast<double>(state.step - first_step) / std::max(1e-9, seconds - seconds_before);
    if (report.progress) report.progress(state.step, total, row.phase, row.total, rate);
    if (state.step % o.log_every() == 0 || state.step == total) {
      row.step = state.step;
      row.seconds = seconds;
      row.steps_per_second = rate;
      log.write(row);
    }
    if (!validation.hr.empty() && (state.step % o.val_every() == 0 || state.step == total)) {
      const auto v = validate(*g, validation, scale, device);
      state.last_validation = v;
      state.validated = true;
      MetricsRow val;
      val.step = state.step;
      val.phase = "validation";
      val.seconds = seconds;
      val.psnr_y = v.psnr, val.ssim_y = v.ssim, val.bicubic_psnr_y = v.bicubic_psnr,
      val.bicubic_ssim_y = v.bicubic_ssim;
      log.write(val);
      std::ostringstream line;
      line.precision(4);
      line << "step " << state.step << ": validation PSNR(Y) " << v.psnr << " dB (bicubic "
           << v.bicubic_psnr << "), SSIM " << v.ssim << " (bicubic " << v.bicubic_ssim << ")";
      report.info(line.str());
      if (v.psnr > state.best_psnr) {
        state.best_psnr = v.psnr;
        Provenance p;
        p.steps = state.step;
        p.dataset = o.data().hr_dir();
        p.command = o.command();
        p.created_at = utc_now();
        p.psnr_y = v.psnr, p.ssim_y = v.ssim, p.bicubic_psnr_y = v.bicubic_psnr,
        p.bicubic_ssim_y = v.bicubic_ssim;
        g->eval();
        save_checkpoint((out / "checkpoints" / "best.pt").string(), *g, p);
        g->train();
      }
      if (!detail::draw_plots(log.path(), (out / "plots").string()) && !plots_warned) {
        report.warn("gnuplot not found: no plots (install gnuplot-nox)");
        plots_warned = true;
      }
    }
    if (o.sample_every() > 0 && state.step % o.sample_every() == 0) {
      const auto lr_sample = validation.hr.empty() ? batch.lr.slice(0, 0, 1) : validation.lr[0];
      const auto hr_sample = validation.hr.empty() ? batch.hr.slice(0, 0, 1) : validation.hr[0];
      write_sample(*g, lr_sample, hr_sample, scale, device,
                   (out / "samples" / ("step-" + std::to_string(state.step) + ".png")).string());
    }
    if (state.step % o.checkpoint_every() == 0) {
      state.seconds = seconds_now();
      checkpoint();
    }
  }
  if (next.valid()) next.wait();
  state.seconds = seconds_now();
  checkpoint();
  if (state.step < total) {
    report.info("stopped at step " + std::to_string(state.step) + "; checkpoint written to " +
                last + " (continue with --resume)");
    return state.step;
  }
  Provenance p;
  p.steps = state.step;
  p.dataset = o.data().hr_dir();
  p.command = o.command();
  p.created_at = utc_now();
  if (state.validated) {
    const auto& v = state.last_validation;
    p.psnr_y = v.psnr, p.ssim_y = v.ssim, p.bicubic_psnr_y = v.bicubic_psnr,
    p.bicubic_ssim_y = v.bicubic_ssim;
  }
  g->eval();
  save_checkpoint((out / "model.pt").string(), *g, p);
  std::ostringstream done;
  done.precision(3);
  done << "done: " << state.step << " steps in " << state.seconds << " s ("
       << static_cast<double>(state.step) / std::max(1e-9, state.seconds)
       << " steps/s); model: " << (out / "model.pt").string();
  report.info(done.str());
  return state.step;
}

}  // namespace srgan
