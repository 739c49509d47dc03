#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "srgan/resampling.h"
#include "srgan/video_codec.h"

namespace srgan {

/// One stage of a degradation chain, as `--degrade` writes it: NAME[:VALUES][@PROBABILITY].
struct DegradationStage {
  enum class Kind {
    kBlur,       ///< Gaussian blur, sigma in pixels of the image it acts on; isotropic half the
                 ///< time, otherwise anisotropic (sigmas drawn apart, a random angle)
    kDownscale,  ///< the resize to LR, with one of `kernels`
    kNoise,      ///< Gaussian noise, sigma in 8-bit code values; grey in 40% of draws
    kPoisson,    ///< Poisson (shot) noise scaled by the value; grey in 40% of draws
    kJpeg,       ///< a JPEG round trip at a quality
    kCodec,      ///< a real video encoder (`codec`) at a CRF / cq-level
  };
  Kind kind = Kind::kDownscale;
  double low = 0, high = 0;  ///< the range a value is drawn from (uniform; integers for
                             ///< JPEG and codecs)
  double probability = 1;
  std::vector<ResizeKernel> kernels;  ///< kDownscale: drawn with equal chances
  VideoCodec codec = VideoCodec::kH264;

  /// The stage as the grammar writes it, e.g. "jpeg:40-95@0.5".
  std::string str() const;
};

/// A degradation chain: the stages in the order they apply. Before the downscale stage they
/// work on the HR image, after it on the LR image; without one, an antialiased bicubic
/// downscale comes first. Codec stages come last and exclude each other: their probabilities
/// are shares of the pairs (h264@0.4,vp9@0.2: 40% through x264, 20% through VP9, 40% neither).
///
///   SPEC  := none | STAGE[,STAGE...]
///   STAGE := NAME[:VALUE[-VALUE] | :KERNEL[/KERNEL...]][@PROBABILITY]
///   NAME  := blur | downscale | noise | poisson | jpeg | h264 | h265 | vp9
///
/// e.g. `jpeg:75` (every LR a JPEG at quality 75), `h264:23`, `blur:0.2-1.5@0.3,
/// downscale:bicubic/area/lanczos,noise:1-6@0.3,jpeg:40-95@0.4,h264:18-32@0.3`.
struct DegradationSpec {
  std::vector<DegradationStage> stages;

  /// Parses the grammar above; throws srgan::Error with one line naming what is wrong.
  static DegradationSpec parse(const std::string& text);
  /// The canonical text: parse(str()) gives the same spec; "none" when empty.
  std::string str() const;
  bool empty() const { return stages.empty(); }
  /// The share of pairs that go through a codec (the sum of the codec stages' probabilities).
  double codec_share() const;
};

/// The random choices of one pass through a chain: which stages run, with what values.
struct DegradationDraw {
  struct Step {
    DegradationStage::Kind kind;
    double value = 0;               ///< sigma, quality or CRF
    double sigma_y = 0, angle = 0;  ///< kBlur: anisotropic when sigma_y != value
    bool grey = false;              ///< kNoise, kPoisson
    ResizeKernel kernel = ResizeKernel::kBicubic;
  };
  std::vector<Step> steps;  ///< in order, codec excluded; always holds one kDownscale
  struct Codec {
    VideoCodec codec;
    int crf;
  };
  std::optional<Codec> codec;
};

/// A degradation chain for one scale: draws its random choices and applies them.
class Degradation {
 public:
  Degradation(DegradationSpec spec, int64_t scale);

  /// Whether a draw goes through a codec: by the codec stages' shares; never (the trainer's
  /// live pairs); or always, a codec chosen by the shares among themselves (its codec cache).
  enum class CodecChoice { kByShare, kNever, kAlways };
  /// One draw, from `random` only (the same generator state gives the same draw).
  DegradationDraw draw(std::mt19937_64& random, CodecChoice codec = CodecChoice::kByShare) const;

  /// The draw's stages up to the codec: HR [N, 3, H, W] float in [0, 1] (H and W multiples of
  /// the scale) -> LR [N, 3, H/s, W/s] in [0, 1]. Noise comes from `random`. No codec.
  at::Tensor apply(const at::Tensor& hr, const DegradationDraw& draw,
                   std::mt19937_64& random) const;

  /// A whole still image ([1, 3, H, W], H and W multiples of size_multiple()): apply(), then,
  /// when the draw has a codec, the LR through it as one intra frame. [1, 3, h, w] in [0, 1].
  at::Tensor degrade_image(const at::Tensor& hr, std::mt19937_64& random) const;

  /// What HR sizes must be multiples of: the scale, twice it with codecs (4:2:0 LR).
  int64_t size_multiple() const;
  const DegradationSpec& spec() const { return spec_; }
  int64_t scale() const { return scale_; }

 private:
  DegradationSpec spec_;
  int64_t scale_;
};

/// The image as 8-bit values and back ([N, 3, H, W] float in [0, 1]): what any codec sees.
at::Tensor quantize_8bit(const at::Tensor& images);

}  // namespace srgan
