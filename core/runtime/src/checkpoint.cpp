#include "srgan/checkpoint.h"

#include <filesystem>

#include <sstream>

#include <c10/util/Exception.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "checkpoint_reader.h"
#include "generator_options_archive.h"
#include "model_file.h"
#include "srgan/atomic_file.h"
#include "srgan/error.h"

namespace srgan {
namespace {

using Reason = ModelFileError::Reason;

// Parameters and buffers (BatchNorm statistics) under their qualified names.
c10::Dict<std::string, at::Tensor> state_dict(const GeneratorImpl& generator) {
  c10::Dict<std::string, at::Tensor> weights;
  for (const auto& item : generator.named_parameters()) {
    weights.insert(item.key(), item.value().detach().to(at::kCPU).contiguous());
  }
  for (const auto& item : generator.named_buffers()) {
    weights.insert(item.key(), item.value().detach().to(at::kCPU).contiguous());
  }
  return weights;
}

// Files from before training data was named recorded the training machine's absolute path: only
// its last two parts ("photos/train") are the data set's name, and all that is shown.
std::string dataset_name(const std::string& dataset) {
  if (dataset.empty() || dataset.front() != '/') return dataset;
  const std::filesystem::path folder = std::filesystem::path(dataset).lexically_normal();
  const auto parent = folder.parent_path().filename();
  return parent.empty() ? folder.filename().string() : (parent / folder.filename()).string();
}

class ArchiveReader {
 public:
  ArchiveReader(const std::string& path, torch::serialize::InputArchive& archive)
      : path_(path), archive_(archive) {}

  c10::IValue value(const std::string& key) {
    c10::IValue value;
    if (!archive_.try_read(key, value)) {
      throw ModelFileError(path_, Reason::kWrongContents, "the checkpoint has no '" + key + "'");
    }
    return value;
  }
  bool has(const std::string& key) {
    c10::IValue ignored;
    return archive_.try_read(key, ignored);
  }
  int64_t integer(const std::string& key) {
    return checked(key, value(key), &c10::IValue::isInt).toInt();
  }
  double real(const std::string& key) {
    return checked(key, value(key), &c10::IValue::isDouble).toDouble();
  }
  std::string text(const std::string& key) {
    return checked(key, value(key), &c10::IValue::isString).toStringRef();
  }

 private:
  c10::IValue checked(const std::string& key, c10::IValue v, bool (c10::IValue::*is)() const) {
    if (!(v.*is)()) {
      throw ModelFileError(path_, Reason::kWrongContents,
                           "'" + key + "' has the wrong type (" + v.tagKind() + ")");
    }
    return v;
  }
  const std::string& path_;
  torch::serialize::InputArchive& archive_;
};

// The "weights" dict into `generator`: every parameter and buffer, each of its shape, no more.
void load_weights(const std::string& path, const c10::IValue& weights_value,
                  const GeneratorOptions& options, GeneratorImpl& generator) {
  if (!weights_value.isGenericDict()) {
    throw ModelFileError(path, Reason::kWrongContents, "'weights' is not a dict of tensors");
  }
  const auto weights = weights_value.toGenericDict();
  auto load = [&](const std::string& name, at::Tensor& destination) {
    const auto found = weights.find(name);
    if (found == weights.end() || !found->value().isTensor()) {
      throw ModelFileError(path, Reason::kWrongContents, "tensor '" + name + "' is missing");
    }
    const at::Tensor source = found->value().toTensor();
    if (source.sizes() != destination.sizes()) {
      throw ModelFileError(path, Reason::kWrongContents,
                           "tensor '" + name + "' has shape " + c10::str(source.sizes()) +
                               " but the generator options (" + options.describe() + ") need " +
                               c10::str(destination.sizes()));
    }
    destination.copy_(source);
  };
  torch::NoGradGuard no_grad;
  size_t expected = 0;
  for (auto& item : generator.named_parameters()) load(item.key(), item.value()), ++expected;
  for (auto& item : generator.named_buffers()) load(item.key(), item.value()), ++expected;
  if (weights.size() != expected) {
    throw ModelFileError(path, Reason::kWrongContents,
                         "the checkpoint has " + std::to_string(weights.size()) +
                             " tensors, the generator options need " + std::to_string(expected));
  }
}

}  // namespace

void save_checkpoint(const std::string& path, const GeneratorImpl& generator,
                     const Provenance& provenance) {
  const auto& options = generator.options();
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string(kCheckpointFormat)));
  archive.write("version", c10::IValue(detail::checkpoint_version_for(options)));
  detail::write_generator_options(archive, options);
  const ValueRange range;
  archive.write("input_min", c10::IValue(range.min));
  archive.write("input_max", c10::IValue(range.max));
  archive.write("output_min", c10::IValue(range.min));
  archive.write("output_max", c10::IValue(range.max));
  archive.write("provenance_steps", c10::IValue(provenance.steps));
  archive.write("provenance_dataset", c10::IValue(provenance.dataset));
  archive.write("provenance_degradation", c10::IValue(provenance.degradation));
  archive.write("provenance_command", c10::IValue(provenance.command));
  archive.write("provenance_created_at", c10::IValue(provenance.created_at));
  archive.write("provenance_trainer_version", c10::IValue(provenance.trainer_version));
  archive.write("provenance_psnr_y", c10::IValue(provenance.psnr_y));
  archive.write("provenance_ssim_y", c10::IValue(provenance.ssim_y));
  archive.write("provenance_bicubic_psnr_y", c10::IValue(provenance.bicubic_psnr_y));
  archive.write("provenance_bicubic_ssim_y", c10::IValue(provenance.bicubic_ssim_y));
  archive.write("weights", c10::IValue(state_dict(generator)));
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_file_atomically(path, bytes.str());
}

namespace detail {

std::optional<CheckpointContents> read_checkpoint(const std::string& path,
                                                  const std::string& bytes) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(bytes.data(), bytes.size(), at::Device(at::kCPU));
  } catch (const std::exception& e) {  // not only c10::Error: damaged pickles throw std ones too
    throw archive_error(path, bytes, e.what());
  }
  c10::IValue tag;
  if (!archive.try_read("format", tag)) return std::nullopt;
  ArchiveReader read(path, archive);
  if (tag.isString() && tag.toStringRef() == "srganupscale-training") {
    throw ModelFileError(path, Reason::kWrongFormat,
                         "this is a training checkpoint (the trainer's state, for --resume), not a "
                         "model: use model.pt or checkpoints/best.pt of the same run folder");
  }
  if (!tag.isString() || tag.toStringRef() != kCheckpointFormat) {
    throw ModelFileError(path, Reason::kWrongFormat,
                         "format tag is '" + (tag.isString() ? tag.toStringRef() : tag.tagKind()) +
                             "', expected '" + kCheckpointFormat + "'");
  }
  const int64_t version = read.integer("version");
  if (version < 1 || version > kCheckpointVersion) {
    throw ModelFileError(path, Reason::kUnsupportedVersion,
                         "checkpoint format version " + std::to_string(version) +
                             " is not supported (this build reads versions 1 to " +
                             std::to_string(kCheckpointVersion) + "); update srganupscale");
  }

  CheckpointContents contents;
  GeneratorOptions options;
  try {
    options = read_generator_options([&](const std::string& key) { return read.integer(key); },
                                     [&](const std::string& key) { return read.text(key); },
                                     [&](const std::string& key) { return read.has(key); });
    options.validate();
  } catch (const ModelFileError&) {
    throw;
  } catch (const Error& e) {
    throw ModelFileError(path, Reason::kWrongContents, std::string("invalid options: ") + e.what());
  }
  contents.generator = Generator(options);
  contents.input_range = {read.real("input_min"), read.real("input_max")};
  contents.output_range = {read.real("output_min"), read.real("output_max")};
  auto& p = contents.provenance;
  p.steps = read.integer("provenance_steps");
  p.dataset = dataset_name(read.text("provenance_dataset"));
  // Files written before degradations existed were all trained on clean LR.
  p.degradation = read.has("provenance_degradation") ? read.text("provenance_degradation") : "none";
  p.command = read.text("provenance_command");
  p.created_at = read.text("provenance_created_at");
  p.trainer_version = read.text("provenance_trainer_version");
  p.psnr_y = read.real("provenance_psnr_y");
  p.ssim_y = read.real("provenance_ssim_y");
  p.bicubic_psnr_y = read.real("provenance_bicubic_psnr_y");
  p.bicubic_ssim_y = read.real("provenance_bicubic_ssim_y");

  load_weights(path, read.value("weights"), options, *contents.generator);
  contents.generator->eval();
  return contents;
}

}  // namespace detail
}  // namespace srgan
