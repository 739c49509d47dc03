#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "srgan/bundled_models.h"
#include "srgan/degradation.h"
#include "srgan/error.h"
#include "srgan/initial_weights.h"
#include "srgan/model.h"
#include "srgan/trainer.h"
#include "srgan/video_frames.h"
#include "training_plots.h"

namespace srgan::cli {
namespace {

// SIGINT (Ctrl-C) and SIGTERM (kill, timeout, systemd, Slurm's scancel) end the run after the
// current step with a checkpoint and model.pt; a second signal ends it at once (the default
// action; checkpoints are written atomically, so none is left half written).
std::atomic<bool> interrupted{false};
volatile std::sig_atomic_t stop_signal = 0;

void on_stop_signal(int signal) {
  stop_signal = signal;
  interrupted = true;
  std::signal(signal, SIG_DFL);
}

class StopSignals {
 public:
  StopSignals() {
    interrupted = false;
    stop_signal = 0;
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
  }
  ~StopSignals() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
};

std::string duration(double seconds) {
  const long s = static_cast<long>(seconds);
  char text[32];
  std::snprintf(text, sizeof(text), "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return text;
}

// A progress line every kLogProgressSeconds when stderr is a file or a pipe (nohup, CI, Slurm),
// as PyTorch trainers print in logs.
constexpr double kLogProgressSeconds = 10;

void log_progress(int64_t step, int64_t total, const std::string& phase, double loss, double rate) {
  using Clock = std::chrono::steady_clock;
  static Clock::time_point last;
  const auto now = Clock::now();
  if (step != total && step > 1 &&
      std::chrono::duration<double>(now - last).count() < kLogProgressSeconds)
    return;
  last = now;
  std::fprintf(stderr, "srgan-train: step %lld/%lld (%.1f%%) %s loss %.5f, %.2f steps/s, ETA %s\n",
               static_cast<long long>(step), static_cast<long long>(total),
               100.0 * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, total)),
               phase.c_str(), loss, rate,
               duration(static_cast<double>(total - step) / std::max(1e-9, rate)).c_str());
}

// A progress bar on a terminal, progress lines otherwise.
void show_progress(int64_t step, int64_t total, const std::string& phase, double loss,
                   double rate) {
  if (!isatty(STDERR_FILENO)) return log_progress(step, total, phase, loss, rate);
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

namespace fs = std::filesystem;

// The run's options as given, in the run folder: --resume DIR alone continues with them.
constexpr char kRunOptionsFile[] = "run.toml";
// What a run writes into its folder (--overwrite removes exactly these).
const char* const kRunFiles[] = {"run.toml",    "metrics.csv", "model.pt",
                                 "checkpoints", "plots",       "samples"};
// Options a resumed run may change: how long it goes on, how fast it learns, what it reports,
// where it runs. Everything else defines the run (its data, network, crops, losses, seed).
const std::set<std::string> kResumableOverrides = {
    "pretrain-steps", "gan-steps",   "lr-g",         "lr-d",
    "log-every",      "val-every",   "sample-every", "checkpoint-every",
    "workers",        "device",      "precision",    "val",
    "val-crop",       "vgg-weights", "val-video",    "val-video-frames",
    "val-degrade"};
// Options that are not part of a run's definition.
const std::set<std::string> kNotStored = {"out", "resume", "config", "overwrite"};
// Options that name files: stored as absolute paths, so a run resumes from any folder.
const std::set<std::string> kPathOptions = {"data",        "hr-dir",    "lr-dir", "val",
                                            "vgg-weights", "val-video", "init"};

// The first `count` frames of a validation clip.
std::vector<at::Tensor> read_frames(const std::string& clip, int64_t count) {
  VideoFrames frames(clip);
  std::vector<at::Tensor> read;
  for (at::Tensor frame; static_cast<int64_t>(read.size()) < count;) {
    frame = frames.next();
    if (!frame.defined()) break;
    read.push_back(frame);
  }
  if (read.size() < 2) throw Error(clip + ": a validation clip needs at least 2 frames");
  return read;
}

// Gives `opt` these values, as if they had been parsed (its bound variable is set too).
void set_option(CLI::Option* opt, const std::vector<std::string>& values) {
  opt->clear();
  for (const std::string& value : values) opt->add_result(value);
  opt->run_callback();
}

bool holds_a_run(const fs::path& dir) {
  for (const fs::path& file : {fs::path(kRunOptionsFile), fs::path("metrics.csv"),
                               fs::path("model.pt"), fs::path("checkpoints") / "last.pt"}) {
    if (fs::exists(dir / file)) return true;
  }
  return false;
}

// Writes the options this run was started with (paths made absolute) to DIR/run.toml.
void store_run_options(CLI::App* cmd, const fs::path& dir) {
  for (const std::string& name : kPathOptions) {
    CLI::Option* opt = cmd->get_option_no_throw("--" + name);
    if (opt && opt->count() > 0 && !opt->as<std::string>().empty()) {
      set_option(opt, {fs::absolute(opt->as<std::string>()).string()});
    }
  }
  std::ostringstream text;
  text << "# srgan-train options of this run: 'srgan-train train --resume " << dir.string()
       << "' continues with them\n";
  std::istringstream all(cmd->config_to_str(true, false));
  for (std::string line; std::getline(all, line);) {
    const std::string key = line.substr(0, line.find('='));
    if (!kNotStored.count(key)) text << line << "\n";
  }
  fs::create_directories(dir);
  std::ofstream(dir / kRunOptionsFile) << text.str();
}

// Applies DIR/run.toml to the options not given on the command line; a given one that differs
// from the run's is kept where a resumed run may change it, and refused where it may not.
void apply_run_options(CLI::App* cmd, const fs::path& dir, const TrainerReporter& reporter) {
  const fs::path file = dir / kRunOptionsFile;
  if (!fs::exists(file)) {
    if (!fs::exists(dir / "checkpoints" / "last.pt"))
      throw Error("cannot resume: " + dir.string() + " holds no training run (no " +
                  kRunOptionsFile + ", no checkpoints/last.pt)");
    reporter.warn(dir.string() + " has no " + kRunOptionsFile +
                  " (a run from an older srgan-train): give the run's options again");
    return;
  }
  std::ifstream in(file);
  for (const CLI::ConfigItem& item : CLI::ConfigTOML().from_config(in)) {
    CLI::Option* opt = cmd->get_option_no_throw("--" + item.name);
    if (!opt || kNotStored.count(item.name)) continue;
    const std::string stored = item.inputs.empty() ? "" : item.inputs.front();
    if (stored.empty()) continue;  // unset (e.g. --hr-dir where --data named the same folder)
    if (opt->count() == 0) {
      set_option(opt, item.inputs);
      continue;
    }
    const std::string given = opt->as<std::string>();
    if (given == stored) continue;
    if (!kResumableOverrides.count(item.name)) {
      throw Error("--" + item.name + " " + given + " differs from the run's (" + stored +
                  "): a resumed run keeps it; start a new run with --out to change it");
    }
    reporter.info("--" + item.name + ": " + stored + " -> " + given + " from here on");
  }
}

// Options from a TOML/INI file (--config): top-level keys or a [train] section, named as on the
// command line without the dashes; the command line wins. A missing or unreadable file, another
// section, or an unknown key is an error naming it.
void apply_config_file(CLI::App* cmd, const std::string& path) {
  if (!fs::exists(path)) throw Error("--config " + path + ": no such file");
  std::ifstream in(path);
  if (!in || fs::is_directory(path)) throw Error("--config " + path + ": cannot be read");
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_config(in);
  } catch (const CLI::Error& e) {
    throw Error("--config " + path + ": " + e.what());
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // a section's start and end
    const bool top_level = item.parents.empty();
    if (!top_level && !(item.parents.size() == 1 && item.parents[0] == "train")) {
      throw Error("--config " + path + ": unknown section [" + item.parents[0] +
                  "] (options go at the top level or under [train])");
    }
    CLI::Option* opt = cmd->get_option_no_throw("--" + item.name);
    if (!opt || item.name == "config") {
      throw Error("--config " + path + ": unknown option '" + item.name +
                  "' (see srgan-train train --help)");
    }
    if (opt->count() > 0) continue;  // given on the command line
    set_option(opt, item.inputs);
  }
}

// Everything `srgan-train train` parses, in one place the option groups and the run share.
struct TrainArguments {
  TrainerOptions o;
  TrainingDataOptions data;
  GeneratorOptions gen;
  std::string architecture = "srgan", activation = "relu", skip = "bicubic",
              body_activation = "prelu", loss = "mse", lr_schedule = "step", precision = "auto",
              resume_dir, output, config, init;
  bool overwrite = false, no_augment = false;
  uint64_t seed = 1;
  int64_t val_video_frames = 30;
};

void add_data_options(CLI::App* cmd, TrainArguments& a) {
  auto* group = "Data";
  cmd->add_option("--data", a.data.hr_dir(),
                  "Folder of HR photos and clips (MP4, MKV, WebM, ...: frames at --video-fps), "
                  "or one clip: random crops, LR by --degrade")
      ->group(group);
  cmd->add_option("--video-fps", a.data.video_fps(),
                  "Frames per second of a clip's time used for training (the rest are skipped)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(group);
  cmd->add_option("--degrade", a.data.degradation(),
                  "How LR crops are made: none (antialiased bicubic) or a chain of "
                  "NAME[:VALUE[-VALUE]][@PROBABILITY] stages, e.g. "
                  "'blur:0.2-1.5@0.3,downscale:bicubic/area,noise:1-6@0.3,jpeg:40-95@0.4,"
                  "h264:18-32@0.3' (stages: blur, downscale, noise, poisson, jpeg, h264, h265, "
                  "vp9; see the README)")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--degrade-versions", a.data.cache_versions(),
                  "Codec stages: encoded LR versions per photo or clip, made once into "
                  "OUT/codec-cache")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(group);
  cmd->add_option("--hr-dir", a.data.hr_dir(), "Paired mode: the HR folder (same as --data)")
      ->group(group);
  cmd->add_option("--lr-dir", a.data.lr_dir(),
                  "Paired mode: LR images with the same names, 1/scale of the HR ones")
      ->group(group);
  cmd->add_option("--val", a.o.val_dir(),
                  "Validation photos: PSNR/SSIM (Y) against bicubic on centre crops")
      ->group(group);
  cmd->add_option("--val-crop", a.o.val_crop(), "LR edge of the validation centre crops")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--val-degrade", a.o.val_degradations(),
                  "Validation LR: a --degrade chain, e.g. h264:23; repeat for more (each crop is "
                  "measured through each; their mean picks best.pt). Default: none")
      ->group(group);
  cmd->add_option("--val-video", a.o.val_video(),
                  "Validation clip (a file GStreamer decodes, or a folder of frames): each "
                  "validation reports its temporal error (flicker) beside bicubic's")
      ->group(group);
  cmd->add_option("--val-video-frames", a.val_video_frames, "Frames of the validation clip used")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(group);
  cmd->add_option("--lr-crop", a.data.lr_crop(), "LR crop edge (HR crops are scale times larger)")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--batch", a.data.batch_size(), "Crops per step")
      ->capture_default_str()
      ->group(group);
  cmd->add_flag("--no-augment", a.no_augment, "No flips and rotations")->group(group);
  cmd->add_option("--workers", a.data.workers(), "Threads decoding images")
      ->capture_default_str()
      ->group(group);
}

void add_network_options(CLI::App* cmd, TrainArguments& a) {
  auto* group = "Network";
  cmd->add_option("--scale", a.data.scale(), "Upscaling factor: 2, 4 or 8")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--arch", a.architecture,
                  "Generator family: srgan (the paper's) or compact (every convolution at the "
                  "input's resolution, added to a classic upscale: fast)")
      ->capture_default_str()
      ->check(CLI::IsMember({"srgan", "compact"}))
      ->group(group);
  cmd->add_option("--blocks,--residual-blocks", a.gen.blocks(),
                  "srgan: residual blocks; compact: conv+activation layers between the first "
                  "and the last convolution")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--channels", a.gen.channels(), "Feature channels")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--upsample-activation", a.activation, "srgan: relu or prelu")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--body-activation", a.body_activation,
                  "compact: prelu (a learned slope per channel) or leakyrelu (fixed slope 0.2, "
                  "run inside the convolution on the CPU); with --init, leakyrelu turns "
                  "a prelu model into one")
      ->capture_default_str()
      ->check(CLI::IsMember({"prelu", "leakyrelu"}))
      ->group(group);
  cmd->add_option("--skip", a.skip,
                  "compact: the classic upscale the network adds its detail to (bicubic, "
                  "nearest or none)")
      ->capture_default_str()
      ->check(CLI::IsMember({"bicubic", "nearest", "none"}))
      ->group(group);
  cmd->add_option("--init", a.init,
                  "Start from this model's weights instead of random ones (fine-tuning): a "
                  "checkpoint file or a bundled model (" +
                      bundled_model_names() +
                      "); the network options come from it, except that a compact model "
                      "may grow wider (more --channels) or take --body-activation leakyrelu")
      ->transform(
          [](std::string value) {
            return resolve_model_argument(value, bundled_model_folders_of_program());
          },
          "", "MODEL")
      ->group(group);
}

// The network the command line describes (the scale is the data's).
GeneratorOptions network_options_of(const TrainArguments& a) {
  return GeneratorOptions(a.gen)
      .scale(a.data.scale())
      .architecture(architecture_from_string(a.architecture))
      .upsample_activation(upsample_activation_from_string(a.activation))
      .skip(skip_upscale_from_string(a.skip))
      .body_activation(body_activation_from_string(a.body_activation));
}

// --init: the network options not given become the model's, so that run.toml records them;
// those given must leave a network the weights carry over to (a compact one may grow wider or
// take LeakyReLU in place of PReLU), checked before anything is written. The model's
// degradation chain is kept unless --degrade is given (fine-tuning a robust model keeps it so).
void take_network_options_from(CLI::App* cmd, TrainArguments& a, const TrainerReporter& report) {
  const std::string& path = a.init;
  const Model model = load_model(path);
  if (!model.generator_options()) {
    throw Error("--init " + path +
                ": a TorchScript module has no weights the trainer can start from; give a "
                "srgan-train checkpoint");
  }
  const GeneratorOptions& g = *model.generator_options();
  const std::vector<std::pair<std::string, std::string>> network = {
      {"scale", std::to_string(g.scale())},
      {"arch", to_string(g.architecture())},
      {"blocks", std::to_string(g.blocks())},
      {"channels", std::to_string(g.channels())},
      {"skip", to_string(g.skip())},
      {"upsample-activation", to_string(g.upsample_activation())},
      {"body-activation", to_string(g.body_activation())}};
  for (const auto& [name, value] : network) {
    CLI::Option* opt = cmd->get_option("--" + name);
    if (opt->count() == 0) set_option(opt, {value});
  }
  if (const auto why = why_weights_do_not_fit(g, network_options_of(a)); !why.empty()) {
    throw Error("--init " + path + ": " + why + "; leave the network options out");
  }
  CLI::Option* degrade = cmd->get_option("--degrade");
  const std::string& chain = model.provenance().degradation;
  if (degrade->count() == 0 && !chain.empty() && chain != "none") {
    set_option(degrade, {chain});
    report.info("--degrade " + chain + ": the chain " + path + " was trained with");
  }
}

void add_optimisation_options(CLI::App* cmd, TrainArguments& a) {
  auto* group = "Optimisation";
  auto& o = a.o;
  cmd->add_option("--pretrain-steps", o.pretrain_steps(), "Phase 1 steps on MSE")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--gan-steps", o.gan_steps(), "Phase 2 steps (adversarial)")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--lr-g", o.generator_lr(), "Generator learning rate (Adam)")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--lr-d", o.discriminator_lr(), "Discriminator learning rate")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--beta1", o.beta1(), "Adam beta1")->capture_default_str()->group(group);
  cmd->add_option("--beta2", o.beta2(), "Adam beta2")->capture_default_str()->group(group);
  cmd->add_option("--loss", a.loss, "Phase 1's pixel loss: mse or l1")
      ->capture_default_str()
      ->check(CLI::IsMember({"mse", "l1"}))
      ->group(group);
  cmd->add_option("--lr-schedule", a.lr_schedule,
                  "step (--lr-step, --lr-gamma) or cosine (to zero at each phase's end)")
      ->capture_default_str()
      ->check(CLI::IsMember({"step", "cosine"}))
      ->group(group);
  cmd->add_option("--lr-step", o.lr_step(),
                  "Decay the learning rates every N steps of a phase (0: never)")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--lr-gamma", o.lr_gamma(), "Decay factor")->capture_default_str()->group(group);
  cmd->add_option("--adversarial-weight", o.adversarial_weight(), "Weight of the adversarial loss")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--vgg-weights", o.vgg_weights(),
                  "VGG19 weights file (trainer/export_vgg19_weights.py); "
                  "without it the perceptual loss is off")
      ->group(group);
  cmd->add_option("--vgg-weight", o.vgg_weight(), "Weight of the VGG19 feature loss")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--seed", a.seed, "Random seed (same seed and threads on CPU: same weights)")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--device", o.device(), "auto, cpu, cuda or cuda:N")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--precision", a.precision,
                  "auto (bf16 on a CPU with AMX-BF16 or AVX512-BF16, fp32 elsewhere), fp32, or "
                  "mixed precision: bf16, or fp16 (CUDA, with loss scaling)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "fp32", "bf16", "fp16"}))
      ->group(group);
}

void add_output_options(CLI::App* cmd, TrainArguments& a) {
  auto* group = "Output";
  cmd->add_option("--out", a.output,
                  "Output folder (metrics.csv, plots/, samples/, checkpoints/, model.pt)")
      ->group(group);
  cmd->add_flag("--overwrite", a.overwrite,
                "With --out: remove the run already in that folder and start over")
      ->group(group);
  cmd->add_option("--resume", a.resume_dir,
                  "Continue the run in this folder from its last checkpoint, with the options it "
                  "was started with (more steps, learning rates, reporting and device may change)")
      ->group(group);
  cmd->add_option("--log-every", a.o.log_every(),
                  "Steps between metrics.csv rows (0: the last step's only)")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--val-every", a.o.val_every(), "Steps between validations (0: at the end only)")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--sample-every", a.o.sample_every(), "Steps between sample grids (0: none)")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--checkpoint-every", a.o.checkpoint_every(),
                  "Steps between checkpoints (0: when the run ends only)")
      ->capture_default_str()
      ->group(group);
}

// How a run reports: log lines, a progress bar, and plots redrawn after each validation.
TrainerReporter reporter() {
  TrainerReporter r;
  r.info = [](const std::string& m) { log_line("srgan-train: ", m); };
  r.warn = [](const std::string& m) { log_line("srgan-train: warning: ", m); };
  r.progress = show_progress;
  auto plots_warned = std::make_shared<bool>(false);
  r.validated = [plots_warned](const std::string& csv) {
    const fs::path plots = fs::path(csv).parent_path() / "plots";
    fs::create_directories(plots);
    if (!draw_plots(csv, plots.string()) && !*plots_warned) {
      log_line("srgan-train: warning: ", "gnuplot not found: no plots (install gnuplot-nox)");
      *plots_warned = true;
    }
  };
  return r;
}

// The run folder (a new one, an overwritten one, or the one resumed) and the options of the run.
TrainerOptions prepare_run(CLI::App* cmd, TrainArguments& a, const TrainerReporter& report,
                           const std::string& command_line) {
  if (!a.config.empty()) apply_config_file(cmd, a.config);
  if (a.output.empty() == a.resume_dir.empty())
    throw CLI::ValidationError("give exactly one of --out and --resume");
  if (!a.resume_dir.empty()) {
    if (a.overwrite) throw CLI::ValidationError("--overwrite goes with --out, not --resume");
    apply_run_options(cmd, a.resume_dir, report);
  }
  if (a.data.hr_dir().empty()) throw CLI::RequiredError("--data (or --hr-dir)");
  if (!a.output.empty()) {
    if (holds_a_run(a.output) && !a.overwrite) {
      throw Error(a.output + " already holds a training run: continue it with --resume " +
                  a.output + ", or start over with --out " + a.output + " --overwrite");
    }
    if (!a.init.empty()) take_network_options_from(cmd, a, report);
  }
  // A bad chain is a one-line error before anything is written or decoded.
  a.data.degradation(DegradationSpec::parse(a.data.degradation()).str());
  for (auto& chain : a.o.val_degradations()) chain = DegradationSpec::parse(chain).str();
  if (!a.output.empty()) {
    if (a.overwrite) {
      for (const char* name : kRunFiles) fs::remove_all(fs::path(a.output) / name);
    }
    store_run_options(cmd, a.output);
  }
  a.data.augment(!a.no_augment);
  TrainerOptions options = a.o;
  options.output_dir(a.resume_dir.empty() ? a.output : a.resume_dir).resume(!a.resume_dir.empty());
  options.data(TrainingDataOptions(a.data).seed(a.seed));
  options.generator(network_options_of(a));
  // A resumed run's weights are in its last checkpoint, wherever it started from.
  if (a.resume_dir.empty()) options.init_weights(a.init);
  options.pixel_loss(pixel_loss_from_string(a.loss));
  options.lr_schedule(learning_rate_schedule_from_string(a.lr_schedule));
  options.command(command_line);
  options.precision(precision_from_string(a.precision));
  if (!options.val_video().empty()) {
    options.val_video_frames(read_frames(options.val_video(), a.val_video_frames));
  }
  return options;
}

}  // namespace

void add_train_command(CLI::App& app, const std::string& command_line) {
  auto* cmd = app.add_subcommand(
      "train", "Train a generator: MSE pre-training, then SRGAN (adversarial + VGG19)");
  auto a = std::make_shared<TrainArguments>();
  cmd->add_option("--config", a->config,
                  "Read options from a TOML file: top-level keys or a [train] section, named as "
                  "the long options without dashes (command-line options win)");
  add_data_options(cmd, *a);
  add_network_options(cmd, *a);
  add_optimisation_options(cmd, *a);
  add_output_options(cmd, *a);
  cmd->callback([cmd, a, command_line] {
    const TrainerReporter report = reporter();
    const TrainerOptions options = prepare_run(cmd, *a, report, command_line);
    StopSignals signals;
    try {
      train(options, report, &interrupted);
    } catch (...) {
      // A run that failed before its first checkpoint is no run to resume.
      if (!a->output.empty() && !fs::exists(fs::path(a->output) / "checkpoints" / "last.pt"))
        fs::remove(fs::path(a->output) / kRunOptionsFile);
      throw;
    }
    // The plots once more at the end: a run without validation has drawn none yet.
    report.validated((fs::path(options.output_dir()) / "metrics.csv").string());
    if (stop_signal != 0) throw ExitStatus{128 + static_cast<int>(stop_signal)};
  });
}

}  // namespace srgan::cli
