#include "srgan/codec_cache.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "srgan/error.h"
#include "srgan/image_io.h"
#include "srgan/video_frames.h"

namespace srgan {
namespace {

namespace fs = std::filesystem;
constexpr char kKeyFile[] = "key.txt";

std::string image_file(size_t image, int64_t version) {
  return std::to_string(image) + "-v" + std::to_string(version) + ".png";
}

// Everything the cached images depend on, one line each.
std::string cache_key(const Degradation& degradation, const std::vector<at::Tensor>& hr,
                      const std::vector<TrainingSource>& sources, const CodecCache::Options& o) {
  std::ostringstream key;
  // format 2: Y'CbCr by core's conversion, not videoconvert's (video_codec.cpp says why).
  key << "# srganupscale codec cache: rebuilt when a line differs\n"
      << "format=2\nchain=" << degradation.spec().str() << "\nscale=" << degradation.scale()
      << "\nseed=" << o.seed << "\nversions=" << o.versions << "\nimages=" << hr.size() << "\n";
  for (const auto& source : sources) {
    std::error_code error;
    const auto bytes = fs::file_size(source.path, error);
    const auto time = fs::last_write_time(source.path, error).time_since_epoch().count();
    key << "source=" << source.path << " " << bytes << " " << time;
    for (size_t i = 0; i < source.images.size(); ++i) {
      const auto& image = hr[source.images[i]];
      key << " " << image.size(2) << "x" << image.size(1);
      if (source.clip) key << "@" << source.frame_numbers[i];
    }
    key << "\n";
  }
  return key.str();
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

at::Tensor to_float(const at::Tensor& bytes) { return bytes.unsqueeze(0).to(at::kFloat).div_(255); }
at::Tensor to_bytes(const at::Tensor& image) {
  return at::round(image[0].clamp(0, 1) * 255).to(at::kByte).contiguous();
}

CodecRoundTrip::Settings settings_for(const DegradationDraw& draw, const at::Tensor& lr,
                                      std::pair<int, int> frame_rate) {
  CodecRoundTrip::Settings s;
  s.codec = draw.codec->codec;
  s.crf = draw.codec->crf;
  s.height = lr.size(1), s.width = lr.size(2);
  s.fps_numerator = frame_rate.first, s.fps_denominator = frame_rate.second;
  return s;
}

// One version of a photo: the whole chain, the LR through its codec as one frame.
at::Tensor encode_photo(const Degradation& degradation, const at::Tensor& hr,
                        std::mt19937_64& random) {
  const auto draw = degradation.draw(random, Degradation::CodecChoice::kAlways);
  const auto lr = to_bytes(degradation.apply(to_float(hr), draw, random));
  return encode_and_decode({lr}, settings_for(draw, lr, {25, 1})).at(0);
}

// One version of a clip: every frame (decoded again) through the chain with one draw, as one
// stream; the decoded frames that were sampled are kept, in `out` at the sources' images.
void encode_clip(const Degradation& degradation, const TrainingSource& source,
                 const std::vector<at::Tensor>& hr, std::mt19937_64& random,
                 std::vector<at::Tensor>& out) {
  const auto draw = degradation.draw(random, Degradation::CodecChoice::kAlways);
  const auto& first = hr[source.images.front()];
  const int64_t height = first.size(1), width = first.size(2);
  VideoFrames frames(source.path);
  std::unique_ptr<CodecRoundTrip> codec;
  size_t next_kept = 0;
  int64_t decoded = 0;
  const auto keep = [&](const at::Tensor& frame) {
    if (next_kept < source.frame_numbers.size() && source.frame_numbers[next_kept] == decoded)
      out[next_kept++] = frame;
    ++decoded;
  };
  for (at::Tensor frame = frames.next(); frame.defined(); frame = frames.next()) {
    const auto lr = to_bytes(
        degradation.apply(frame.slice(2, 0, height).slice(3, 0, width).contiguous(), draw, random));
    if (!codec)
      codec = std::make_unique<CodecRoundTrip>(settings_for(draw, lr, frames.frame_rate()));
    codec->push(lr);
    while (auto decoded_frame = codec->pull()) keep(*decoded_frame);
  }
  if (!codec) throw Error(source.path + ": no frames when read again for the codec cache");
  codec->finish();
  while (auto decoded_frame = codec->pull()) keep(*decoded_frame);
  if (next_kept != source.frame_numbers.size())
    throw Error(source.path + ": fewer frames when read again for the codec cache");
}

}  // namespace

CodecCache::CodecCache(const Degradation& degradation, const std::vector<at::Tensor>& hr,
                       const std::vector<TrainingSource>& sources, const Options& o,
                       const Report& info)
    : versions_(o.versions) {
  if (o.versions < 1) throw Error("the codec cache needs at least one version per image");
  for (const auto& stage : degradation.spec().stages) {
    if (stage.kind != DegradationStage::Kind::kCodec) continue;
    const std::string missing = codec_unavailable_reason(stage.codec);
    if (!missing.empty()) throw Error("--degrade " + stage.str() + ": " + missing);
  }
  const fs::path folder(o.folder);
  const std::string key = cache_key(degradation, hr, sources, o);
  lr_.resize(hr.size() * static_cast<size_t>(versions_));
  if (fs::exists(folder / kKeyFile) && read_text(folder / kKeyFile) == key) {
    try {
      for (size_t i = 0; i < hr.size(); ++i) {
        for (int64_t v = 0; v < versions_; ++v)
          lr_[i * versions_ + v] = to_bytes(read_image((folder / image_file(i, v)).string()));
      }
      reused_ = true;
      info("codec cache: " + std::to_string(lr_.size()) + " encoded LR images reused from " +
           folder.string());
      return;
    } catch (const Error& e) {
      info(std::string("codec cache: rebuilt, a file of it cannot be read (") + e.what() + ")");
    }
  }
  // Another chain, seed or data: start over (only our own files are removed).
  fs::create_directories(folder);
  fs::remove(folder / kKeyFile);
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() == ".png") fs::remove(entry.path());
  }
  info("codec cache: encoding " + std::to_string(sources.size()) + " sources x " +
       std::to_string(versions_) + " versions into " + folder.string());

  const size_t tasks = sources.size() * static_cast<size_t>(versions_);
  std::atomic<size_t> next{0}, done{0};
  std::mutex report;
  std::string failure;
  auto started = std::chrono::steady_clock::now();
  auto last_report = started;
  auto work = [&] {
    c10::InferenceMode guard;
    for (size_t t = next++; t < tasks; t = next++) {
      const size_t s = t / static_cast<size_t>(versions_);
      const auto v = static_cast<int64_t>(t % static_cast<size_t>(versions_));
      const TrainingSource& source = sources[s];
      try {
        std::seed_seq seq{static_cast<uint64_t>(o.seed), static_cast<uint64_t>(s),
                          static_cast<uint64_t>(v), uint64_t{0xC0DEC}};
        std::mt19937_64 random(seq);
        std::vector<at::Tensor> out(source.images.size());
        if (source.clip) {
          encode_clip(degradation, source, hr, random, out);
        } else {
          out[0] = encode_photo(degradation, hr[source.images[0]], random);
        }
        for (size_t k = 0; k < out.size(); ++k) {
          const size_t image = source.images[k];
          write_png((folder / image_file(image, v)).string(), out[k].to(at::kFloat).div(255));
          lr_[image * versions_ + v] = out[k];
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(report);
        if (failure.empty()) failure = e.what();
        next = tasks;  // the others stop after their current task
      }
      const size_t finished = ++done;
      const auto now = std::chrono::steady_clock::now();
      std::lock_guard<std::mutex> lock(report);
      if (std::chrono::duration<double>(now - last_report).count() >= 30 && finished < tasks) {
        last_report = now;
        info("codec cache: " + std::to_string(finished) + "/" + std::to_string(tasks) + " encoded");
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, o.workers); ++i) threads.emplace_back(work);
  for (auto& thread : threads) thread.join();
  if (!failure.empty()) throw Error("codec cache: " + failure);
  std::ofstream(folder / kKeyFile) << key;  // last: a cache cut short is rebuilt
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ostringstream line;
  line.precision(3);
  line << "codec cache: " << lr_.size() << " encoded LR images in " << seconds << " s";
  info(line.str());
}

}  // namespace srgan
