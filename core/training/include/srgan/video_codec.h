#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace srgan {

/// The real encoders the degradations and the evaluation run, each with the decoder players use.
enum class VideoCodec {
  kH264,  ///< x264enc (constant quality: CRF), decoded by avdec_h264
  kH265,  ///< x265enc (crf=), decoded by avdec_h265
  kVp9,   ///< vp9enc at a cq-level (as `ffmpeg -crf N -b:v 0`), decoded by vp9dec
};

/// "h264", "h265", "vp9".
std::string to_string(VideoCodec codec);
/// The CRF (or VP9 cq-level) range the encoder accepts: 0-51 for x264 and x265, 0-63 for VP9.
int max_quality_value(VideoCodec codec);
/// Empty when this build can encode and decode `codec` here; otherwise one line saying what is
/// missing (GStreamer, or the element and the Debian package that has it).
std::string codec_unavailable_reason(VideoCodec codec);

/// Frames through a real encoder and back through its decoder, as one stream (I, P and B frames
/// for more than one frame), in GStreamer: 8-bit RGB in, 4:2:0 inside the codec, 8-bit RGB out.
/// push() and pull() stream, so a long clip never sits in memory whole; finish() ends the
/// stream, after which pull() waits for the frames the encoder still holds.
class CodecRoundTrip {
 public:
  struct Settings {
    VideoCodec codec = VideoCodec::kH264;
    int crf = 23;                   ///< x264/x265 CRF, VP9 cq-level
    int64_t width = 0, height = 0;  ///< even: 4:2:0 needs it
    int fps_numerator = 25, fps_denominator = 1;
  };
  /// Throws srgan::Error (one line) when the codec cannot run here or the settings are invalid.
  explicit CodecRoundTrip(const Settings& settings);
  ~CodecRoundTrip();
  CodecRoundTrip(const CodecRoundTrip&) = delete;
  CodecRoundTrip& operator=(const CodecRoundTrip&) = delete;

  /// One frame, [3, height, width] uint8 RGB.
  void push(const at::Tensor& frame);
  /// The next decoded frame ([3, height, width] uint8 RGB) if one is ready, without waiting
  /// before finish(); after finish(), waits for it, and nullopt after the last.
  std::optional<at::Tensor> pull();
  /// End of stream.
  void finish();
  /// Bytes of coded video so far (the bitstream between encoder and decoder).
  int64_t encoded_bytes() const;

  class Pipeline;

 private:
  std::unique_ptr<Pipeline> pipeline_;
  bool finished_ = false;
};

/// Every frame at once through CodecRoundTrip; `encoded_bytes`, when given, gets the stream's size.
std::vector<at::Tensor> encode_and_decode(const std::vector<at::Tensor>& frames,
                                          const CodecRoundTrip::Settings& settings,
                                          int64_t* encoded_bytes = nullptr);

}  // namespace srgan
