#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>

#include "generator_testing.h"
#include "sample_grid.h"
#include "srgan/checkpoint.h"
#include "srgan/discriminator.h"
#include "srgan/error.h"
#include "srgan/generator.h"
#include "srgan/image_io.h"
#include "srgan/initial_weights.h"
#include "srgan/model.h"
#include "srgan/resampling.h"
#include "srgan/trainer.h"
#include "srgan/video_codec.h"
#include "test_support.h"

namespace srgan {
namespace {

namespace fs = std::filesystem;

// A training folder of real photo crops (the repository's fixtures), plus what a user's folder
// may hold besides photos.
class Trainer : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(data_);
    for (const char* name : {"photo-boats-96x64.png", "photo-citrus-64x48.png"}) {
      fs::copy_file(test::fixture(name), data_ / name);
    }
  }

  TrainerOptions options(const std::string& out) const {
    return TrainerOptions()
        .output_dir(dir_.file(out))
        .data(
            TrainingDataOptions().hr_dir(data_.string()).scale(4).lr_crop(8).batch_size(4).seed(3))
        .val_dir(data_.string())
        .val_crop(8)
        .generator(GeneratorOptions().blocks(1).channels(8))
        .pretrain_steps(30)
        .generator_lr(1e-3)
        .log_every(5)
        .val_every(15)
        .sample_every(15)
        .checkpoint_every(10)
        .device("cpu");
  }

  TrainerReporter reporter() {
    TrainerReporter r;
    r.info = [](const std::string&) {};
    r.warn = [this](const std::string& m) { warnings_.push_back(m); };
    return r;
  }

  static std::vector<std::string> read_lines(const fs::path& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  static at::Tensor weights_of(const std::string& model) {
    std::vector<at::Tensor> all;
    for (const auto& p : load_model(model).generator()->parameters())
      all.push_back(p.detach().flatten());
    return at::cat(all);
  }

  test::TempDir dir_;
  fs::path data_ = dir_.path() / "photos";
  std::vector<std::string> warnings_;
};

TEST_F(Trainer, PretrainingLowersMseAndWritesEverything) {
  const auto o = options("run");
  EXPECT_EQ(train(o, reporter()), 30);
  const fs::path out = o.output_dir();
  const auto lines = read_lines(out / "metrics.csv");
  ASSERT_GE(lines.size(), 7u);
  EXPECT_EQ(lines[0].rfind("step,phase,lr,d_real,d_fake,g_adv,vgg,mse,total,seconds", 0), 0u);
  // The MSE column (8th) of the first and last training rows.
  auto mse_of = [](const std::string& line) {
    std::stringstream cells(line);
    std::string cell;
    for (int i = 0; i < 8; ++i) std::getline(cells, cell, ',');
    return std::stod(cell);
  };
  std::vector<double> mse;
  int validations = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].find(",pretrain,") != std::string::npos) mse.push_back(mse_of(lines[i]));
    if (lines[i].find(",validation,") != std::string::npos) ++validations;
  }
  ASSERT_EQ(mse.size(), 6u);
  EXPECT_LT(mse.back(), mse.front() * 0.8)
      << "MSE did not fall: " << mse.front() << " -> " << mse.back();
  EXPECT_EQ(validations, 2);

  // Samples are real PNGs (they decode); the grid is LR | bicubic | SR | HR. (Plots are
  // srgan-train's: tests/cli/run_folders.sh.)
  const auto sample = read_image((out / "samples" / "step-15.png").string());
  EXPECT_EQ(sample.size(2), 12 + 32);  // the label bar, then the panels
  EXPECT_EQ(sample.size(3), 4 * 32);

  const Model model = load_model((out / "model.pt").string());
  EXPECT_EQ(model.scale(), 4);
  EXPECT_EQ(model.provenance().steps, 30);
  // The data set's name and what it held, never the training machine's absolute path.
  EXPECT_EQ(model.provenance().dataset,
            (dir_.path().filename() / "photos").string() + " (2 photos)");
  EXPECT_EQ(model.describe().find(dir_.path().string()), std::string::npos) << model.describe();
  EXPECT_EQ(model.provenance().degradation, "none");
  EXPECT_FALSE(std::isnan(model.provenance().psnr_y));
  EXPECT_TRUE(fs::exists(out / "checkpoints" / "best.pt"));
  EXPECT_TRUE(fs::exists(out / "checkpoints" / "last.pt"));
}

TEST_F(Trainer, GanPhaseUpdatesBothNetworks) {
  auto o = options("gan").pretrain_steps(2).gan_steps(4).val_every(100).sample_every(0);
  std::vector<std::pair<int64_t, double>> losses;
  auto r = reporter();
  r.progress = [&](int64_t step, int64_t, const std::string& phase, double loss, double) {
    if (phase == "gan") losses.emplace_back(step, loss);
  };
  EXPECT_EQ(train(o, r), 6);
  ASSERT_EQ(losses.size(), 4u);
  for (const auto& [step, loss] : losses) EXPECT_TRUE(std::isfinite(loss)) << step;
  const auto lines = read_lines(fs::path(o.output_dir()) / "metrics.csv");
  const auto gan_row = *std::find_if(lines.rbegin(), lines.rend(), [](const std::string& l) {
    return l.find(",gan,") != std::string::npos;
  });
  // d_real, d_fake and g_adv (columns 4 to 6) are filled in for GAN rows; vgg (7) is not.
  std::vector<std::string> cells;
  std::stringstream row(gan_row);
  for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
  ASSERT_GE(cells.size(), 9u);
  for (int column : {3, 4, 5, 7, 8})
    EXPECT_FALSE(cells[column].empty()) << "column " << column + 1 << ": " << gan_row;
  EXPECT_TRUE(cells[6].empty()) << gan_row;
  EXPECT_NE(std::find_if(warnings_.begin(), warnings_.end(),
                         [](const std::string& w) {
                           return w.find("perceptual loss is OFF") != std::string::npos;
                         }),
            warnings_.end());
}

// Mixed precision (bf16 on the CPU, fp16 with loss scaling on CUDA): both phases train with
// finite losses, the MSE falls, and the saved generator keeps float32 weights.
TEST_F(Trainer, MixedPrecisionTrainsWithFloat32Weights) {
  const c10::Device device = test::test_device();
  auto o = options("mixed")
               .pretrain_steps(30)
               .gan_steps(2)
               .val_every(100)
               .sample_every(0)
               .device(device.str())
               .precision(device.is_cuda() ? Precision::kFp16 : Precision::kBf16);
  std::vector<double> mse;
  auto r = reporter();
  r.progress = [&](int64_t, int64_t, const std::string& phase, double loss, double) {
    ASSERT_TRUE(std::isfinite(loss)) << phase;
    if (phase == "pretrain") mse.push_back(loss);
  };
  EXPECT_EQ(train(o, r), 32);
  ASSERT_EQ(mse.size(), 30u);
  const double first = (mse[0] + mse[1] + mse[2] + mse[3] + mse[4]) / 5;
  const double last = (mse[25] + mse[26] + mse[27] + mse[28] + mse[29]) / 5;
  EXPECT_LT(last, first);
  for (const auto& p : load_model(o.output_dir() + "/model.pt").generator()->parameters())
    EXPECT_EQ(p.scalar_type(), at::kFloat);
}

TEST_F(Trainer, GanPhaseChangesGeneratorAndDiscriminatorWeights) {
  auto o = options("weights").pretrain_steps(1).gan_steps(0).sample_every(0).val_every(100);
  train(o, reporter());
  const auto after_pretrain = weights_of(fs::path(o.output_dir()) / "model.pt");
  // Continue the same run into the GAN phase.
  o.gan_steps(3).resume(true);
  train(o, reporter());
  const auto after_gan = weights_of(fs::path(o.output_dir()) / "model.pt");
  EXPECT_FALSE(at::equal(after_pretrain, after_gan));
  // The discriminator lives in the training checkpoint: compare it across two more steps.
  torch::serialize::InputArchive before, after;
  before.load_from((fs::path(o.output_dir()) / "checkpoints" / "last.pt").string());
  torch::serialize::InputArchive d_before;
  before.read("discriminator", d_before);
  Discriminator d1(DiscriminatorOptions().crop_size(32));
  d1->load(d_before);
  o.gan_steps(5);
  train(o, reporter());
  after.load_from((fs::path(o.output_dir()) / "checkpoints" / "last.pt").string());
  torch::serialize::InputArchive d_after;
  after.read("discriminator", d_after);
  Discriminator d2(DiscriminatorOptions().crop_size(32));
  d2->load(d_after);
  EXPECT_FALSE(at::equal(d1->dense->weight, d2->dense->weight));
}

TEST_F(Trainer, InterruptedThenResumedEqualsUninterrupted) {
  auto whole = options("whole").pretrain_steps(8).gan_steps(4).sample_every(0).val_every(100);
  train(whole, reporter());

  auto parts = options("parts").pretrain_steps(8).gan_steps(4).sample_every(0).val_every(100);
  std::atomic<bool> stop{false};
  auto r = reporter();
  r.progress = [&](int64_t step, int64_t, const std::string&, double, double) { stop = step == 5; };
  EXPECT_EQ(train(parts, r, &stop), 5);
  // A stopped run is usable: model.pt holds the generator of its last step.
  EXPECT_EQ(load_model((fs::path(parts.output_dir()) / "model.pt").string()).provenance().steps, 5);
  EXPECT_EQ(train(parts.resume(true), reporter()), 12);

  EXPECT_TRUE(at::equal(weights_of(fs::path(whole.output_dir()) / "model.pt"),
                        weights_of(fs::path(parts.output_dir()) / "model.pt")));
  // The metrics of the resumed run read as one run: no duplicated steps.
  const auto a = read_lines(fs::path(whole.output_dir()) / "metrics.csv");
  const auto b = read_lines(fs::path(parts.output_dir()) / "metrics.csv");
  EXPECT_EQ(a.size(), b.size());
}

TEST_F(Trainer, PeriodsOfZeroMeanAtTheEndOnly) {
  // Once a division by zero (SIGFPE) for --val-every 0 with --val.
  const auto o =
      options("zero").pretrain_steps(4).log_every(0).val_every(0).checkpoint_every(0).sample_every(
          0);
  EXPECT_EQ(train(o, reporter()), 4);
  const auto lines = read_lines(fs::path(o.output_dir()) / "metrics.csv");
  ASSERT_EQ(lines.size(), 3u);  // the header, the last step's row, its validation
  EXPECT_EQ(lines[1].rfind("4,pretrain,", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("4,validation,", 0), 0u) << lines[2];
  EXPECT_TRUE(fs::exists(fs::path(o.output_dir()) / "checkpoints" / "last.pt"));
  EXPECT_FALSE(fs::exists(fs::path(o.output_dir()) / "samples" / "step-4.png"));
}

TEST_F(Trainer, InitTurnsAPReLUModelIntoALeakyReLUOneWithItsConvolutions) {
  const auto compact = test::compact_options(1, 8, 4);
  Generator prelu = test::trained_looking(compact);
  // Slopes equal to LeakyReLU's: the converted network computes the same function exactly when
  // every convolution carried over.
  test::set_prelu_slopes(*prelu, kCompactLeakySlope);
  const std::string prelu_path = dir_.file("prelu.pt");
  save_checkpoint(prelu_path, *prelu, {});

  const auto leaky = GeneratorOptions(compact).body_activation(BodyActivation::kLeakyReLU);
  auto o = options("leaky").generator(leaky).init_weights(prelu_path).generator_lr(0);
  train(o.pretrain_steps(1).val_every(0).sample_every(0), reporter());
  const Model converted = load_model((fs::path(o.output_dir()) / "model.pt").string());
  ASSERT_EQ(converted.generator_options()->body_activation(), BodyActivation::kLeakyReLU);
  const auto lr = at::rand({1, 3, 9, 11}) * 2 - 1;
  torch::NoGradGuard no_grad;
  EXPECT_LT((converted.forward(lr) - prelu->forward(lr)).abs().max().item<double>(), 1e-6);

  // The other way, learned slopes would have to be invented: refused.
  auto back = options("back").generator(compact).init_weights(
      (fs::path(o.output_dir()) / "model.pt").string());
  EXPECT_THROW(train(back, reporter()), Error);
}

TEST_F(Trainer, InitGrowsACompactModelWiderComputingWhatItDidUntilTrained) {
  const auto narrow = test::compact_options(2, 8, 4);
  Generator saved = test::trained_looking(narrow);
  const std::string saved_path = dir_.file("narrow.pt");
  save_checkpoint(saved_path, *saved, {});
  const auto lr = at::rand({1, 3, 9, 11}) * 2 - 1;
  const auto expected = [&] {
    torch::NoGradGuard no_grad;
    return saved->forward(lr);
  }();

  // 8 -> 12 channels, PReLU kept and PReLU -> LeakyReLU at once: with learning rate 0 the grown
  // network is the saved one (the LeakyReLU case exactly when the saved slopes were 0.2).
  for (const auto activation : {BodyActivation::kPReLU, BodyActivation::kLeakyReLU}) {
    if (activation == BodyActivation::kLeakyReLU) {
      test::set_prelu_slopes(*saved, kCompactLeakySlope);
      save_checkpoint(saved_path, *saved, {});
    }
    const auto wide = GeneratorOptions(narrow).channels(12).body_activation(activation);
    const std::string out = "wide-" + to_string(activation);
    auto o = options(out).generator(wide).init_weights(saved_path).generator_lr(0);
    train(o.pretrain_steps(1).val_every(0).sample_every(0), reporter());
    const Model grown = load_model((fs::path(o.output_dir()) / "model.pt").string());
    ASSERT_EQ(grown.generator_options()->channels(), 12);
    torch::NoGradGuard no_grad;
    const auto reference = activation == BodyActivation::kPReLU ? expected : saved->forward(lr);
    EXPECT_LT((grown.forward(lr) - reference).abs().max().item<double>(), 1e-6) << out;
  }

  // Trained, the new channels come into use: the last convolution's weights from them, zero at
  // the start, move.
  const auto wide =
      GeneratorOptions(narrow).channels(12).body_activation(BodyActivation::kLeakyReLU);
  auto o = options("trained").generator(wide).init_weights(saved_path).generator_lr(1e-3);
  train(o.pretrain_steps(5).val_every(0).sample_every(0), reporter());
  const Model trained = load_model((fs::path(o.output_dir()) / "model.pt").string());
  const auto last = trained.generator()->named_parameters()["body.6.weight"];
  ASSERT_EQ(last.sizes(), (std::vector<int64_t>{48, 12, 3, 3}));
  EXPECT_GT(last.narrow(1, 8, 4).abs().max().item<double>(), 0.0);

  // Narrower, deeper or from the other family: refused before training, in words.
  for (const auto& other :
       {GeneratorOptions(narrow).channels(4), GeneratorOptions(narrow).blocks(3),
        GeneratorOptions(narrow).architecture(Architecture::kSrgan)}) {
    EXPECT_NE(why_weights_do_not_fit(narrow, other).find("is not the run's"), std::string::npos)
        << other.describe();
    auto refused = options("refused").generator(other).init_weights(saved_path);
    EXPECT_THROW(train(refused, reporter()), Error) << other.describe();
  }
  EXPECT_EQ(why_weights_do_not_fit(narrow, GeneratorOptions(narrow).channels(32)), "");
}

TEST_F(Trainer, ADegradedRunResumesAsUninterruptedAndRecordsItsChain) {
  if (!codec_unavailable_reason(VideoCodec::kH264).empty()) GTEST_SKIP() << "needs x264enc";
  const auto degraded = [&](const std::string& out) {
    auto o = options(out).pretrain_steps(10).sample_every(0).val_every(5);
    o.data(TrainingDataOptions(o.data())
               .degradation("jpeg:50-90@0.5,h264:26-30@0.5")
               .cache_versions(2));
    return o.val_degradations({"none", "h264:23"});
  };
  const auto whole = degraded("whole");
  train(whole, reporter());
  auto parts = degraded("parts");
  std::atomic<bool> stop{false};
  auto r = reporter();
  r.progress = [&](int64_t step, int64_t, const std::string&, double, double) { stop = step == 4; };
  EXPECT_EQ(train(parts, r, &stop), 4);
  EXPECT_EQ(train(parts.resume(true), reporter()), 10);
  EXPECT_TRUE(at::equal(weights_of(fs::path(whole.output_dir()) / "model.pt"),
                        weights_of(fs::path(parts.output_dir()) / "model.pt")));
  // The codec cache sits in the run's folder: 2 photos x 2 versions.
  EXPECT_TRUE(fs::exists(fs::path(whole.output_dir()) / "codec-cache" / "1-v1.png"));
  const Model model = load_model((fs::path(whole.output_dir()) / "model.pt").string());
  EXPECT_EQ(model.provenance().degradation, "jpeg:50-90@0.5,h264:26-30@0.5");
  EXPECT_NE(model.describe().find("LR degraded by jpeg:50-90@0.5,h264:26-30@0.5"),
            std::string::npos)
      << model.describe();
  // Validation measured both chains: bicubic of the crops through h264 scores lower than of
  // the clean ones, so the logged bicubic mean lies below a clean-only validation's.
  auto clean = degraded("clean").val_degradations({"none"}).pretrain_steps(5);
  train(clean, reporter());
  const auto bicubic_psnr = [&](const TrainerOptions& o) {
    double psnr = 0;
    for (const auto& line : read_lines(fs::path(o.output_dir()) / "metrics.csv")) {
      if (line.find(",validation,") == std::string::npos) continue;
      std::stringstream cells(line);
      std::string cell;
      std::vector<std::string> all;
      while (std::getline(cells, cell, ',')) all.push_back(cell);
      psnr = std::stod(all.at(13));  // bicubic_psnr_y
    }
    return psnr;
  };
  EXPECT_LT(bicubic_psnr(whole) + 0.5, bicubic_psnr(clean));
}

TEST_F(Trainer, PairedFoldersTrainOnAlignedCrops) {
  // The paper's layout: LR images with the HR images' names, each exactly 1/4 of its HR image.
  const fs::path hr_dir = dir_.path() / "hr", lr_dir = dir_.path() / "lr";
  fs::create_directories(hr_dir);
  fs::create_directories(lr_dir);
  for (const char* name : {"photo-boats-96x64.png", "photo-citrus-64x48.png"}) {
    const auto hr = read_image(test::fixture(name));
    write_png((hr_dir / name).string(), hr);
    write_png((lr_dir / name).string(), downscale_bicubic(hr, 4));
  }
  std::ofstream(hr_dir / "orphan.png") << "no LR twin and not a PNG";
  auto o = options("paired").val_dir("").pretrain_steps(10).sample_every(0);
  o.data().hr_dir(hr_dir.string()).lr_dir(lr_dir.string());
  EXPECT_EQ(train(o, reporter()), 10);
  EXPECT_EQ(warnings_.size(), 1u);
  // A batch's LR crops are its HR crops downscaled, to 8-bit rounding, away from the crop edges
  // (where the antialiasing filter read beyond the crop): only true if the pairs are aligned.
  TrainingData data(o.data(), [](const std::string&) {});
  const auto batch = data.batch(3);
  const auto interior = [](const at::Tensor& t) { return t.slice(2, 2, -2).slice(3, 2, -2); };
  EXPECT_LT(
      (interior(batch.lr) - interior(downscale_bicubic(batch.hr, 4))).abs().max().item<double>(),
      1.0 / 255 + 1e-6);
  // Shifted by one LR pixel, the same comparison fails: the check can tell.
  EXPECT_GT(
      (interior(batch.lr).slice(3, 1) - interior(downscale_bicubic(batch.hr, 4)).slice(3, 0, -1))
          .abs()
          .max()
          .item<double>(),
      0.02);
  // A pair whose LR is not 1/4 of its HR is skipped with a warning naming it.
  write_png((lr_dir / "photo-boats-96x64.png").string(), at::rand({1, 3, 10, 10}));
  std::vector<std::string> warnings;
  TrainingData mismatched(o.data(), [&](const std::string& w) { warnings.push_back(w); });
  EXPECT_EQ(mismatched.size(), 1u);
  EXPECT_EQ(std::count_if(warnings.begin(), warnings.end(),
                          [](const std::string& w) {
                            return w.find("photo-boats-96x64.png: its LR image") !=
                                   std::string::npos;
                          }),
            1);
}

TEST_F(Trainer, BadFilesAreSkippedWithAWarning) {
  std::ofstream(data_ / "notes.jpg") << "this is not a JPEG";
  std::ofstream(data_ / "readme.txt") << "not an image name";
  const std::string truncated = (data_ / "truncated.png").string();
  {
    std::ifstream in(test::fixture("photo-boats-96x64.png"), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  }
  // No validation folder here: each loader warns once per bad file, and only training loads.
  train(options("bad").val_dir("").pretrain_steps(2).sample_every(0), reporter());
  int about_notes = 0, about_truncated = 0;
  for (const auto& w : warnings_) {
    about_notes += w.find("notes.jpg") != std::string::npos;
    about_truncated += w.find("truncated.png") != std::string::npos;
  }
  EXPECT_EQ(about_notes, 1);
  EXPECT_EQ(about_truncated, 1);
}

TEST_F(Trainer, EmptyFolderAndOversizedCropsAreErrors) {
  const fs::path empty = dir_.path() / "empty";
  fs::create_directories(empty);
  auto o = options("empty");
  o.data().hr_dir(empty.string());
  try {
    train(o, reporter());
    FAIL() << "expected srgan::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no usable training image in " + empty.string()),
              std::string::npos)
        << e.what();
  }
  auto big = options("big");
  big.data().lr_crop(64);  // 256 px HR crops: larger than every photo
  EXPECT_THROW(train(big, reporter()), Error);
  ASSERT_EQ(warnings_.size(), 2u);  // each photo skipped, saying why
  EXPECT_NE(warnings_[0].find("smaller than the 256 px HR crop"), std::string::npos)
      << warnings_[0];
}

}  // namespace

// Sample grids name their panels in the image: a black bar with white text above each panel.
TEST(SampleGrid, EachPanelIsLabelledAboveItAndKeptBelow) {
  std::vector<std::pair<std::string, at::Tensor>> panels;
  for (const char* name : {"LR", "bicubic", "SRGAN", "HR"}) {
    panels.emplace_back(name, at::full({1, 3, 32, 48}, 0.25));
  }
  const auto grid = detail::labelled_grid(panels);
  ASSERT_EQ(grid.size(2), 12 + 32);
  ASSERT_EQ(grid.size(3), 4 * 48);
  const auto bar = grid.slice(2, 0, 12);
  for (int i = 0; i < 4; ++i) {
    const auto label = bar.slice(3, i * 48, (i + 1) * 48);
    EXPECT_GT(label.eq(1.0).sum().item<int64_t>(), 10) << "no text above panel " << i;
    EXPECT_EQ(label.ne(0.0).logical_and(label.ne(1.0)).sum().item<int64_t>(), 0);
  }
  EXPECT_TRUE(grid.slice(2, 12).eq(0.25).all().item<bool>()) << "the panels changed";
  // Different names, different pixels.
  EXPECT_FALSE(bar.slice(3, 0, 48).equal(bar.slice(3, 48, 96)));
}

}  // namespace srgan
