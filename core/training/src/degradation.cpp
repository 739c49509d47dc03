#include "srgan/degradation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "srgan/error.h"
#include "srgan/jpeg_codec.h"

namespace srgan {
namespace {

using Kind = DegradationStage::Kind;
constexpr double kPi = 3.14159265358979323846;
// Real-ESRGAN's share of grey noise.
constexpr double kGreyShare = 0.4;

struct StageSyntax {
  const char* name;
  Kind kind;
  double default_low, default_high;  // when no value is given
  double min, max;                   // what the value may be
  bool integer;
  VideoCodec codec;
};

const StageSyntax kStages[] = {
    {"blur", Kind::kBlur, 0.2, 3, 0.05, 10, false, VideoCodec::kH264},
    {"downscale", Kind::kDownscale, 0, 0, 0, 0, false, VideoCodec::kH264},
    {"noise", Kind::kNoise, 1, 10, 0, 50, false, VideoCodec::kH264},
    {"poisson", Kind::kPoisson, 0.05, 1, 0, 5, false, VideoCodec::kH264},
    {"jpeg", Kind::kJpeg, 30, 95, 1, 100, true, VideoCodec::kH264},
    {"h264", Kind::kCodec, 18, 32, 0, 51, true, VideoCodec::kH264},
    {"h265", Kind::kCodec, 20, 34, 0, 51, true, VideoCodec::kH265},
    {"vp9", Kind::kCodec, 20, 50, 0, 63, true, VideoCodec::kVp9},
};

const ResizeKernel kAllKernels[] = {ResizeKernel::kBicubic, ResizeKernel::kBilinear,
                                    ResizeKernel::kArea, ResizeKernel::kLanczos};

const StageSyntax& syntax_of(const DegradationStage& stage) {
  for (const auto& s : kStages) {
    if (s.kind == stage.kind && (s.kind != Kind::kCodec || s.codec == stage.codec)) return s;
  }
  return kStages[0];
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

double parse_number(const std::string& text, const std::string& stage) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(value))
    throw Error("--degrade: '" + text + "' in '" + stage + "' is not a number");
  return value;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.push_back("");
  return parts;
}

DegradationStage parse_stage(const std::string& text) {
  DegradationStage stage;
  std::string body = text;
  const size_t at = text.find('@');
  if (at != std::string::npos) {
    body = text.substr(0, at);
    stage.probability = parse_number(text.substr(at + 1), text);
    if (!(stage.probability > 0 && stage.probability <= 1))
      throw Error("--degrade: the probability in '" + text + "' must be in (0, 1]");
  }
  const size_t colon = body.find(':');
  const std::string name = body.substr(0, colon);
  const StageSyntax* syntax = nullptr;
  for (const auto& s : kStages) {
    if (name == s.name) syntax = &s;
  }
  if (!syntax) {
    throw Error("--degrade: unknown stage '" + name +
                "' (stages: blur, downscale, noise, poisson, jpeg, h264, h265, vp9; or none)");
  }
  stage.kind = syntax->kind;
  stage.codec = syntax->codec;
  const std::string values = colon == std::string::npos ? "" : body.substr(colon + 1);
  if (stage.kind == Kind::kDownscale) {
    if (values.empty()) stage.kernels.assign(std::begin(kAllKernels), std::end(kAllKernels));
    for (const auto& kernel : split(values, '/')) {
      const ResizeKernel* found = nullptr;
      for (const auto& k : kAllKernels) {
        if (kernel == to_string(k)) found = &k;
      }
      if (!found) {
        throw Error("--degrade: unknown kernel '" + kernel + "' in '" + text +
                    "' (bicubic, bilinear, area, lanczos)");
      }
      stage.kernels.push_back(*found);
    }
    return stage;
  }
  stage.low = syntax->default_low, stage.high = syntax->default_high;
  if (!values.empty()) {
    // A range is LOW-HIGH; a leading minus is not a range (and is refused as out of range).
    const size_t dash = values.find('-', 1);
    stage.low = parse_number(values.substr(0, dash), text);
    stage.high =
        dash == std::string::npos ? stage.low : parse_number(values.substr(dash + 1), text);
  }
  if (stage.low > stage.high || stage.low < syntax->min || stage.high > syntax->max ||
      (syntax->integer &&
       (stage.low != std::floor(stage.low) || stage.high != std::floor(stage.high)))) {
    throw Error("--degrade: '" + text + "' needs " +
                (syntax->integer ? "whole numbers" : "values") + " from " + number(syntax->min) +
                " to " + number(syntax->max) + " (a value or LOW-HIGH)");
  }
  return stage;
}

// A Gaussian kernel [k, k] with standard deviations sx, sy along axes turned by `angle`.
at::Tensor gaussian_kernel(double sx, double sy, double angle) {
  const int64_t radius = static_cast<int64_t>(std::ceil(3 * std::max(sx, sy)));
  const double c = std::cos(angle), s = std::sin(angle);
  // The inverse covariance of R diag(sx^2, sy^2) R^T.
  const double a = c * c / (sx * sx) + s * s / (sy * sy);
  const double b = c * s * (1 / (sx * sx) - 1 / (sy * sy));
  const double d = s * s / (sx * sx) + c * c / (sy * sy);
  const int64_t size = 2 * radius + 1;
  std::vector<float> values(static_cast<size_t>(size * size));
  double sum = 0;
  for (int64_t y = -radius; y <= radius; ++y) {
    for (int64_t x = -radius; x <= radius; ++x) {
      const double v = std::exp(-0.5 * (a * x * x + 2 * b * x * y + d * y * y));
      values[(y + radius) * size + (x + radius)] = static_cast<float>(v);
      sum += v;
    }
  }
  return at::tensor(values).view({size, size}) / sum;
}

at::Tensor blur(const at::Tensor& images, const DegradationDraw::Step& step) {
  const auto kernel = gaussian_kernel(step.value, step.sigma_y, step.angle).to(images.options());
  const int64_t radius = kernel.size(0) / 2, channels = images.size(1);
  // Reflection needs the padding to be smaller than the image.
  const int64_t pad = std::min({radius, images.size(2) - 1, images.size(3) - 1});
  const auto k =
      kernel.slice(0, radius - pad, radius + pad + 1).slice(1, radius - pad, radius + pad + 1);
  const auto padded = at::reflection_pad2d(images, {pad, pad, pad, pad});
  const auto weight = (k / k.sum()).expand({channels, 1, 2 * pad + 1, 2 * pad + 1}).contiguous();
  const std::vector<int64_t> ones{1, 1}, zeros{0, 0};
  return at::conv2d(padded, weight, /*bias=*/at::Tensor(), ones, zeros, ones, channels);
}

at::Generator generator_from(std::mt19937_64& random) {
  return at::make_generator<at::CPUGeneratorImpl>(random());
}

at::Tensor luma(const at::Tensor& images) {
  return (images.select(1, 0) * 0.299 + images.select(1, 1) * 0.587 + images.select(1, 2) * 0.114)
      .unsqueeze(1);
}

at::Tensor add_noise(const at::Tensor& images, const DegradationDraw::Step& step,
                     std::mt19937_64& random) {
  const auto generator = generator_from(random);
  at::Tensor noise;
  if (step.kind == Kind::kNoise) {
    auto shape = images.sizes().vec();
    if (step.grey) shape[1] = 1;
    noise = at::randn(shape, generator, images.options()) * (step.value / 255);
  } else {
    // Shot noise of 8-bit counts, scaled: Real-ESRGAN's generate_poisson_noise.
    const auto source = at::round((step.grey ? luma(images) : images).clamp(0, 1) * 255) / 255;
    noise = (at::poisson(source * 255, generator) / 255 - source) * step.value;
  }
  return (images + noise).clamp(0, 1);
}

at::Tensor jpeg(const at::Tensor& images, int quality) {
  std::vector<at::Tensor> out;
  const auto bytes = at::round(images.clamp(0, 1) * 255).to(at::kByte);
  for (int64_t i = 0; i < images.size(0); ++i)
    out.push_back(jpeg_round_trip(bytes[i], quality).to(images.scalar_type()).div_(255));
  return at::stack(out);
}

double uniform(std::mt19937_64& random, double low, double high) {
  return std::uniform_real_distribution<double>(low, high)(random);
}

double draw_value(const DegradationStage& stage, std::mt19937_64& random) {
  if (stage.low == stage.high) return stage.low;
  if (syntax_of(stage).integer) {
    return static_cast<double>(std::uniform_int_distribution<int64_t>(
        static_cast<int64_t>(stage.low), static_cast<int64_t>(stage.high))(random));
  }
  return uniform(random, stage.low, stage.high);
}

}  // namespace

std::string DegradationStage::str() const {
  std::string text = syntax_of(*this).name;
  if (kind == Kind::kDownscale) {
    text += ":";
    for (size_t i = 0; i < kernels.size(); ++i) text += (i ? "/" : "") + to_string(kernels[i]);
  } else {
    text += ":" + number(low) + (high != low ? "-" + number(high) : "");
  }
  if (probability != 1) text += "@" + number(probability);
  return text;
}

DegradationSpec DegradationSpec::parse(const std::string& text) {
  DegradationSpec spec;
  if (text == "none" || text.empty()) return spec;
  bool downscale = false, codec = false;
  for (const auto& part : split(text, ',')) {
    if (part.empty()) throw Error("--degrade: an empty stage in '" + text + "'");
    if (part == "none") throw Error("--degrade: 'none' stands alone, not in a chain");
    spec.stages.push_back(parse_stage(part));
    const auto& stage = spec.stages.back();
    if (stage.kind == Kind::kDownscale && downscale)
      throw Error("--degrade: more than one downscale stage in '" + text + "'");
    if (stage.kind != Kind::kCodec && codec) {
      throw Error("--degrade: '" + part +
                  "' comes after a codec stage; codecs come last (they encode the final LR)");
    }
    downscale |= stage.kind == Kind::kDownscale;
    codec |= stage.kind == Kind::kCodec;
  }
  if (spec.codec_share() > 1 + 1e-9) {
    throw Error("--degrade: the codec stages' probabilities add up to " +
                number(spec.codec_share()) + "; they are shares of the pairs and may add up to 1");
  }
  return spec;
}

std::string DegradationSpec::str() const {
  if (stages.empty()) return "none";
  std::string text;
  for (const auto& stage : stages) text += (text.empty() ? "" : ",") + stage.str();
  return text;
}

double DegradationSpec::codec_share() const {
  double share = 0;
  for (const auto& stage : stages) {
    if (stage.kind == Kind::kCodec) share += stage.probability;
  }
  return share;
}

Degradation::Degradation(DegradationSpec spec, int64_t scale)
    : spec_(std::move(spec)), scale_(scale) {}

int64_t Degradation::size_multiple() const { return spec_.codec_share() > 0 ? 2 * scale_ : scale_; }

DegradationDraw Degradation::draw(std::mt19937_64& random, CodecChoice choice) const {
  DegradationDraw d;
  const bool has_downscale =
      std::any_of(spec_.stages.begin(), spec_.stages.end(),
                  [](const DegradationStage& s) { return s.kind == Kind::kDownscale; });
  if (!has_downscale) d.steps.push_back({Kind::kDownscale});
  double codec_draw = -1;
  double codec_floor = 0;
  for (const auto& stage : spec_.stages) {
    if (stage.kind == Kind::kCodec) {
      // One uniform number decides among the codecs, by their shares.
      if (codec_draw < 0) {
        codec_draw = uniform(random, 0, choice == CodecChoice::kAlways ? spec_.codec_share() : 1);
      }
      const int crf = static_cast<int>(draw_value(stage, random));
      if (choice != CodecChoice::kNever && !d.codec && codec_draw >= codec_floor &&
          codec_draw < codec_floor + stage.probability) {
        d.codec = DegradationDraw::Codec{stage.codec, crf};
      }
      codec_floor += stage.probability;
      continue;
    }
    const bool runs = stage.probability >= 1 || uniform(random, 0, 1) < stage.probability;
    DegradationDraw::Step step{stage.kind};
    switch (stage.kind) {
      case Kind::kDownscale:
        step.kernel = stage.kernels[std::uniform_int_distribution<size_t>(
            0, stage.kernels.size() - 1)(random)];
        d.steps.push_back(step);  // always: the LR has to be made
        continue;
      case Kind::kBlur:
        step.value = draw_value(stage, random);
        step.sigma_y = uniform(random, 0, 1) < 0.5 ? step.value : draw_value(stage, random);
        step.angle = uniform(random, 0, kPi);
        break;
      case Kind::kNoise:
      case Kind::kPoisson:
        step.value = draw_value(stage, random);
        step.grey = uniform(random, 0, 1) < kGreyShare;
        break;
      default:
        step.value = draw_value(stage, random);
    }
    if (runs) d.steps.push_back(step);
  }
  return d;
}

at::Tensor Degradation::apply(const at::Tensor& hr, const DegradationDraw& draw,
                              std::mt19937_64& random) const {
  at::Tensor image = hr;
  for (const auto& step : draw.steps) {
    switch (step.kind) {
      case Kind::kDownscale:
        image = downscale(image, scale_, step.kernel);
        break;
      case Kind::kBlur:
        image = blur(image, step);
        break;
      case Kind::kNoise:
      case Kind::kPoisson:
        image = add_noise(image, step, random);
        break;
      case Kind::kJpeg:
        image = jpeg(image, static_cast<int>(step.value));
        break;
      case Kind::kCodec:
        break;
    }
  }
  // A degraded LR is an 8-bit image, as real input is; `none` keeps today's float LR.
  return spec_.empty() ? image : quantize_8bit(image);
}

at::Tensor Degradation::degrade_image(const at::Tensor& hr, std::mt19937_64& random) const {
  const auto draw = this->draw(random);
  at::Tensor lr = apply(hr, draw, random);
  if (!draw.codec) return lr;
  CodecRoundTrip::Settings settings;
  settings.codec = draw.codec->codec;
  settings.crf = draw.codec->crf;
  settings.height = lr.size(2), settings.width = lr.size(3);
  const auto bytes = at::round(lr[0] * 255).to(at::kByte);
  return encode_and_decode({bytes}, settings).at(0).to(at::kFloat).div_(255).unsqueeze(0);
}

at::Tensor quantize_8bit(const at::Tensor& images) {
  return at::round(images.clamp(0, 1) * 255) / 255;
}

}  // namespace srgan
