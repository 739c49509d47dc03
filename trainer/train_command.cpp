#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "commands.h"
#include "srgan/trainer.h"

namespace srgan::cli {
namespace {

std::atomic<bool> interrupted{false};

void on_sigint(int) { interrupted = true; }

std::string duration(double seconds) {
  const long s = static_cast<long>(seconds);
  char text[32];
  std::snprintf(text, sizeof(text), "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return text;
}

// A progress bar on a terminal, nothing otherwise (the log lines say enough there).
void show_progress(int64_t step, int64_t total, const std::string& phase, double loss,
                   double rate) {
  if (!isatty(STDERR_FILENO)) return;
  const int width = 30;
  const int filled = static_cast<int>(width * step / std::max<int64_t>(1, total));
  std::fprintf(stderr, "\r[%s%s] %lld/%lld %-8s loss %.5f  %.2f it/s  ETA %s   ",
               std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
               static_cast<long long>(step), static_cast<long long>(total), phase.c_str(), loss,
               rate, duration(static_cast<double>(total - step) / std::max(1e-9, rate)).c_str());
  if (step == total) std::fputc('\n', stderr);
}

void log_line(const std::string& prefix, const std::string& message) {
  if (isatty(STDERR_FILENO)) std::fputs("\r\033[K", stderr);  // clear the bar
  std::cerr << prefix << message << std::endl;
}

}  // namespace

void add_train_command(CLI::App& app, const std::string& command_line) {
  auto* cmd = app.add_subcommand(
      "train", "Train a generator: MSE pre-training, then SRGAN (adversarial + VGG19)");
  auto o = std::make_shared<TrainerOptions>();
  auto data = std::make_shared<TrainingDataOptions>();
  auto gen = std::make_shared<GeneratorOptions>();
  auto activation = std::make_shared<std::string>("relu");
  auto resume_dir = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto seed = std::make_shared<uint64_t>(1);
  cmd->set_config("--config", "", "Read options from a TOML/INI file (command-line options win)");

  auto* data_group = "Data";
  cmd->add_option("--data", data->hr_dir(),
                  "Folder of HR photos (random crops, LR by antialiased bicubic downscale)")
      ->group(data_group);
  cmd->add_option("--hr-dir", data->hr_dir(), "Paired mode: the HR folder (same as --data)")
      ->group(data_group);
  cmd->add_option("--lr-dir", data->lr_dir(),
                  "Paired mode: LR images with the same names, 1/scale of the HR ones")
      ->group(data_group);
  cmd->add_option("--val", o->val_dir(),
                  "Validation photos: PSNR/SSIM (Y) against bicubic on centre crops")
      ->group(data_group);
  cmd->add_option("--val-crop", o->val_crop(), "LR edge of the validation centre crops")
      ->capture_default_str()
      ->group(data_group);
  cmd->add_option("--lr-crop", data->lr_crop(), "LR crop edge (HR crops are scale times larger)")
      ->capture_default_str()
      ->group(data_group);
  cmd->add_option("--batch", data->batch_size(), "Crops per step")
      ->capture_default_str()
      ->group(data_group);
  cmd->add_flag("!--no-augment", data->augment(), "No flips and rotations")->group(data_group);
  cmd->add_option("--workers", data->workers(), "Threads decoding images")
      ->capture_default_str()
      ->group(data_group);

  auto* net_group = "Network";
  cmd->add_option("--scale", data->scale(), "Upscaling factor: 2, 4 or 8")
      ->capture_default_str()
      ->group(net_group);
  cmd->add_option("--residual-blocks", gen->residual_blocks(), "Residual blocks")
      ->capture_default_str()
      ->group(net_group);
  cmd->add_option("--channels", gen->channels(), "Feature channels")
      ->capture_default_str()
      ->group(net_group);
  cmd->add_option("--upsample-activation", *activation, "relu or prelu")
      ->capture_default_str()
      ->group(net_group);

  auto* opt_group = "Optimisation";
  cmd->add_option("--pretrain-steps", o->pretrain_steps(), "Phase 1 steps on MSE")
      ->capture_default_str()
      ->group(opt_group);
  cmd->add_option("--gan-steps", o->gan_steps(), "Phase 2 steps (adversarial)")
      ->capture_default_str()
      ->group(opt_group);
  cmd->add_option("--lr-g", o->generator_lr(), "Generator learning rate (Adam)")
      ->capture_default_str()
      ->group(opt_group);
  cmd->add_option("--lr-d", o->discriminator_lr(), "Discriminator learning rate")
      ->capture_default_str()
      ->group(opt_group);
  cmd->add_option("--beta1", o->beta1(), "Adam beta1")->capture_default_str()->group(opt_group);
  cmd->add_option("--beta2", o->beta2(), "Adam beta2")->capture_default_str()->group(opt_group);
  cmd->add_option("--lr-step", o->lr_step(),
                  "Decay the learning rates every N steps of a phase (0: never)")
      ->capture_default_str()
      ->group(opt_group);
  cmd->add_option("--lr-gamma", o->lr_gamma(), "Decay factor")
      ->capture_default_str()
      ->group(opt_group);
  cmd->add_option("--adversarial-weight", o->adversarial_weight(), "Weight of the adversarial loss")
      ->capture_default_str()
      ->group(opt_group);
  cmd->add_option("--vgg-weights", o->vgg_weights(),
                  "VGG19 weights file (trainer/export_vgg19_weights.py); "
                  "without it the perceptual loss is off")
      ->group(opt_group);
  cmd->add_option("--vgg-weight", o->vgg_weight(), "Weight of the VGG19 feature loss")
      ->capture_default_str()
      ->group(opt_group);
  cmd->add_option("--seed", *seed, "Random seed (same seed and threads on CPU: same weights)")
      ->capture_default_str()
      ->group(opt_group);
  cmd->add_option("--device", o->device(), "auto, cpu, cuda or cuda:N")
      ->capture_default_str()
      ->group(opt_group);
  cmd->add_option("--precision", o->precision(),
                  "fp32, or mixed precision: bf16, or fp16 (CUDA, with loss scaling)")
      ->capture_default_str()
      ->check(CLI::IsMember({"fp32", "bf16", "fp16"}))
      ->group(opt_group);

  auto* out_group = "Output";
  cmd->add_option("--out", *output,
                  "Output folder (metrics.csv, plots/, samples/, checkpoints/, model.pt)")
      ->group(out_group);
  cmd->add_option("--resume", *resume_dir,
                  "Continue the run in this output folder from its last checkpoint")
      ->group(out_group);
  cmd->add_option("--log-every", o->log_every(), "Steps between metrics.csv rows")
      ->capture_default_str()
      ->group(out_group);
  cmd->add_option("--val-every", o->val_every(), "Steps between validations")
      ->capture_default_str()
      ->group(out_group);
  cmd->add_option("--sample-every", o->sample_every(), "Steps between sample grids (0: none)")
      ->capture_default_str()
      ->group(out_group);
  cmd->add_option("--checkpoint-every", o->checkpoint_every(), "Steps between checkpoints")
      ->capture_default_str()
      ->group(out_group);

  cmd->callback([=] {
    if (data->hr_dir().empty()) throw CLI::RequiredError("--data (or --hr-dir)");
    if (output->empty() == resume_dir->empty())
      throw CLI::ValidationError("give exactly one of --out and --resume");
    TrainerOptions options = *o;
    options.output_dir(resume_dir->empty() ? *output : *resume_dir).resume(!resume_dir->empty());
    options.data(TrainingDataOptions(*data).seed(*seed));
    options.generator(
        GeneratorOptions(*gen).upsample_activation(upsample_activation_from_string(*activation)));
    options.command(command_line);
    TrainerReporter reporter;
    reporter.info = [](const std::string& m) { log_line("srgan-train: ", m); };
    reporter.warn = [](const std::string& m) { log_line("srgan-train: warning: ", m); };
    reporter.progress = show_progress;
    interrupted = false;
    std::signal(SIGINT, on_sigint);
    train(options, reporter, &interrupted);
    std::signal(SIGINT, SIG_DFL);
  });
}

}  // namespace srgan::cli
