#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

#include <ATen/ATen.h>
#include <torch/serialize.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include "srgan/checkpoint.h"
#include "srgan/error.h"
#include "srgan/generator.h"
#include "srgan/model.h"
#include "test_support.h"

namespace srgan {
namespace {

using Reason = ModelFileError::Reason;

GeneratorOptions tiny() { return GeneratorOptions().blocks(2).channels(8).scale(2); }

// A generator whose BatchNorm statistics are not the defaults, so the round trip covers buffers.
Generator trained_looking_generator(const GeneratorOptions& options) {
  torch::manual_seed(21);
  Generator generator(options);
  generator->train();
  torch::NoGradGuard no_grad;
  generator->forward(at::rand({2, 3, 12, 12}) * 2 - 1);
  generator->eval();
  return generator;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Loading `path` must throw ModelFileError with `reason`, naming the file and saying `detail`.
void expect_load_error(const std::string& path, Reason reason, const std::string& detail) {
  try {
    load_model(path);
    FAIL() << "expected ModelFileError for " << path;
  } catch (const ModelFileError& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.reason(), reason) << message;
    EXPECT_EQ(e.path(), path);
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(detail), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "no backtraces in messages: " << message;
  }
}

class Checkpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    generator_ = trained_looking_generator(tiny());
    path_ = dir_.file("model.pt");
    Provenance provenance;
    provenance.steps = 1234;
    provenance.dataset = "photos/train";
    provenance.command = "srgan-train train --data photos/train";
    provenance.psnr_y = 27.5;
    provenance.bicubic_psnr_y = 26.25;
    save_checkpoint(path_, *generator_, provenance);
  }

  // Writes an archive like save_checkpoint's, with `edit` applied before saving.
  std::string write_variant(const std::string& name,
                            const std::function<void(torch::serialize::OutputArchive&)>& edit) {
    torch::serialize::OutputArchive archive;
    archive.write("format", c10::IValue(std::string(kCheckpointFormat)));
    archive.write("version", c10::IValue(kCheckpointVersion));
    edit(archive);
    const std::string path = dir_.file(name);
    archive.save_to(path);
    return path;
  }

  test::TempDir dir_;
  Generator generator_{nullptr};
  std::string path_;
};

TEST_F(Checkpoint, RoundTripIsBitIdentical) {
  const Model model = load_model(path_);
  EXPECT_EQ(model.kind(), Model::Kind::kCheckpoint);
  EXPECT_EQ(model.scale(), 2);
  ASSERT_TRUE(model.generator_options().has_value());
  EXPECT_EQ(model.generator_options()->blocks(), 2);
  EXPECT_EQ(model.generator_options()->channels(), 8);
  EXPECT_EQ(model.provenance().steps, 1234);
  EXPECT_EQ(model.provenance().dataset, "photos/train");
  EXPECT_DOUBLE_EQ(model.provenance().psnr_y, 27.5);
  EXPECT_TRUE(std::isnan(model.provenance().ssim_y));
  EXPECT_EQ(model.input_range().min, -1.0);
  EXPECT_EQ(model.output_range().max, 1.0);

  const auto input = at::rand({1, 3, 9, 7}) * 2 - 1;
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(at::equal(model.forward(input), generator_->forward(input)));
  const auto loaded = model.generator()->named_buffers();
  for (const auto& item : generator_->named_buffers()) {
    EXPECT_TRUE(at::equal(item.value(), loaded[item.key()])) << item.key();
  }
}

TEST_F(Checkpoint, SaveLeavesNoTemporaryFiles) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename(), "model.pt");
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(Checkpoint, MissingFile) {
  expect_load_error(dir_.file("absent.pt"), Reason::kNotFound, "no such file");
}

TEST_F(Checkpoint, Directory) {
  expect_load_error(dir_.path().string(), Reason::kUnreadable, "directory");
}

TEST_F(Checkpoint, EmptyFile) {
  const std::string path = dir_.file("empty.pt");
  write_all(path, "");
  expect_load_error(path, Reason::kCorrupt, "empty");
}

TEST_F(Checkpoint, TruncatedFile) {
  const std::string bytes = read_all(path_);
  for (double fraction : {0.2, 0.5, 0.99}) {
    const std::string path = dir_.file("truncated.pt");
    write_all(path, bytes.substr(0, static_cast<size_t>(bytes.size() * fraction)));
    expect_load_error(path, Reason::kCorrupt, "truncated");
  }
}

TEST_F(Checkpoint, RandomBytes) {
  std::mt19937 random(5);
  std::string bytes(4096, '\0');
  for (auto& b : bytes) b = static_cast<char>(random());
  const std::string path = dir_.file("random.pt");
  write_all(path, bytes);
  expect_load_error(path, Reason::kCorrupt, "not a PyTorch archive");
}

// A string length in the pickle raised to 3.75 GiB: LibTorch's unpickler would allocate and
// zero-fill that much (4.4 GB resident, found by fuzz_model_file) before failing. The archive
// check refuses it first.
TEST_F(Checkpoint, AnOverlongPickleStringIsRefusedBeforeLibTorchReadsIt) {
  std::string bytes = read_all(path_);
  const std::string key("X\x06\0\0\0format", 10);  // BINUNICODE, length 6, "format"
  const size_t at = bytes.find(key);
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at + 1, 4, std::string("\0\0\0\xf0", 4));
  const std::string path = dir_.file("overlong.pt");
  write_all(path, bytes);
  expect_load_error(path, Reason::kCorrupt, "declares 4026531840 bytes");
}

TEST_F(Checkpoint, ATensorFileIsTheWrongFormat) {
  const auto bytes = torch::pickle_save(c10::IValue(at::ones({3})));
  const std::string path = dir_.file("tensor.pt");
  write_all(path, std::string(bytes.begin(), bytes.end()));
  expect_load_error(path, Reason::kWrongFormat, "data saved with torch.save");
}

// The file a PyTorch user saves first: a state_dict. Named as such, with what to do instead,
// not LibTorch's "your checkpoint file is corrupted" (#29).
TEST(TorchScript, AStateDictIsNamedWithHowToExportAModel) {
  try {
    load_model(test::fixture("tiny_x2_state_dict.pt"));
    ADD_FAILURE() << "a state_dict loaded";
  } catch (const ModelFileError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("a state_dict?), not a model"), std::string::npos) << message;
    EXPECT_NE(message.find("torch.jit.script or torch.jit.trace"), std::string::npos) << message;
    EXPECT_EQ(message.find("corrupted"), std::string::npos) << message;
  }
}

// A module that declares none of the attributes is assumed in [-1, 1], and says so; one that
// declares `scale` does not.
TEST(TorchScript, AModuleWithoutAttributesWarns) {
  EXPECT_NE(load_model(test::fixture("tiny_x4_traced.pt")).warning().find("declares none of"),
            std::string::npos);
  EXPECT_EQ(load_model(test::fixture("tiny_x2_scale_attr.pt")).warning(), "");
}

TEST_F(Checkpoint, AnArchiveWithoutForwardIsTheWrongFormat) {
  torch::serialize::OutputArchive archive;
  archive.write("something", c10::IValue(int64_t{1}));
  const std::string path = dir_.file("other.pt");
  archive.save_to(path);
  expect_load_error(path, Reason::kWrongFormat, "forward()");
}

TEST_F(Checkpoint, WrongFormatTag) {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string("someone-elses-model")));
  const std::string path = dir_.file("tag.pt");
  archive.save_to(path);
  expect_load_error(path, Reason::kWrongFormat, "'someone-elses-model'");
}

TEST_F(Checkpoint, ATrainingCheckpointNamesTheFileToUse) {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string("srganupscale-training")));
  const std::string path = dir_.file("last.pt");
  archive.save_to(path);
  expect_load_error(path, Reason::kWrongFormat, "use model.pt or checkpoints/best.pt");
}

TEST_F(Checkpoint, NewerVersionIsUnsupported) {
  const auto path = write_variant(
      "v99.pt", [](auto& archive) { archive.write("version", c10::IValue(int64_t{99})); });
  expect_load_error(path, Reason::kUnsupportedVersion, "version 99");
}

TEST_F(Checkpoint, WrongShapeNamesTheTensor) {
  // A checkpoint saved from a 16-channel generator whose options claim 8 channels.
  Generator wide(GeneratorOptions(tiny()).channels(16));
  const std::string wide_path = dir_.file("wide.pt");
  save_checkpoint(wide_path, *wide, {});
  torch::serialize::InputArchive wide_archive;
  wide_archive.load_from(wide_path);
  c10::IValue weights;
  wide_archive.read("weights", weights);
  const auto path = write_variant("shape.pt", [&](auto& archive) {
    archive.write("residual_blocks", c10::IValue(int64_t{2}));
    archive.write("channels", c10::IValue(int64_t{8}));
    archive.write("scale", c10::IValue(int64_t{2}));
    archive.write("upsample_activation", c10::IValue(std::string("relu")));
    for (const char* key : {"input_min", "output_min"}) archive.write(key, c10::IValue(-1.0));
    for (const char* key : {"input_max", "output_max"}) archive.write(key, c10::IValue(1.0));
    archive.write("provenance_steps", c10::IValue(int64_t{0}));
    for (const char* key : {"provenance_dataset", "provenance_command", "provenance_created_at",
                            "provenance_trainer_version"}) {
      archive.write(key, c10::IValue(std::string()));
    }
    for (const char* key : {"provenance_psnr_y", "provenance_ssim_y", "provenance_bicubic_psnr_y",
                            "provenance_bicubic_ssim_y"}) {
      archive.write(key, c10::IValue(0.0));
    }
    archive.write("weights", weights);
  });
  expect_load_error(path, Reason::kWrongContents, "tensor 'head.weight' has shape [16, 3, 9, 9]");
}

TEST_F(Checkpoint, InvalidOptionsAreReported) {
  const auto path = write_variant("scale3.pt", [](auto& archive) {
    archive.write("residual_blocks", c10::IValue(int64_t{2}));
    archive.write("channels", c10::IValue(int64_t{8}));
    archive.write("scale", c10::IValue(int64_t{3}));
    archive.write("upsample_activation", c10::IValue(std::string("relu")));
  });
  expect_load_error(path, Reason::kWrongContents, "scale must be 2, 4 or 8, got 3");
}

TEST_F(Checkpoint, MissingFieldIsReported) {
  const auto path = write_variant("nofields.pt", [](auto&) {});
  expect_load_error(path, Reason::kWrongContents, "no 'residual_blocks'");
}

TEST(TorchScript, ScaleFromAttribute) {
  const Model model = load_model(test::fixture("tiny_x2_scale_attr.pt"));
  EXPECT_EQ(model.kind(), Model::Kind::kTorchScript);
  EXPECT_EQ(model.scale(), 2);
  EXPECT_FALSE(model.generator_options().has_value());
  EXPECT_EQ(model.generator(), nullptr);
  EXPECT_EQ(model.forward(at::zeros({1, 3, 5, 6})).sizes(), (at::IntArrayRef{1, 3, 10, 12}));
}

TEST(TorchScript, ScaleFromProbe) {
  Model model = load_model(test::fixture("tiny_x4_traced.pt"));
  EXPECT_EQ(model.scale(), 4);
  model.to(test::test_device());
  const auto out = model.forward(at::rand({2, 3, 7, 3}) * 2 - 1);
  EXPECT_EQ(out.sizes(), (at::IntArrayRef{2, 3, 28, 12}));
  EXPECT_EQ(out.device(), test::test_device());
  EXPECT_LT(out.abs().max().item<float>(), 1.0f);
}

}  // namespace
}  // namespace srgan
