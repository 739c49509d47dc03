#include "srgan/image_io.h"

#include <memory>
#include <string>

#include <ATen/ATen.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "srgan/atomic_file.h"
#include "srgan/error.h"
#include "srgan/jpeg_codec.h"

namespace srgan {

at::Tensor read_image(const std::string& path) {
  int width = 0, height = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load(path.c_str(), &width, &height, &channels, 3), stbi_image_free);
  if (!pixels) {
    throw Error(path + ": cannot read image (" + stbi_failure_reason() + ")");
  }
  return at::from_blob(pixels.get(), {height, width, 3}, at::kByte)
      .permute({2, 0, 1})
      .unsqueeze(0)
      .to(at::kFloat)
      .div_(255);
}

std::optional<at::Tensor> read_alpha(const std::string& path) {
  int width = 0, height = 0, channels = 0;
  if (!stbi_info(path.c_str(), &width, &height, &channels) || (channels != 2 && channels != 4))
    return std::nullopt;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load(path.c_str(), &width, &height, &channels, 4), stbi_image_free);
  if (!pixels) throw Error(path + ": cannot read image (" + stbi_failure_reason() + ")");
  return at::from_blob(pixels.get(), {height, width, 4}, at::kByte)
      .select(2, 3)
      .unsqueeze(0)
      .unsqueeze(0)
      .to(at::kFloat)
      .div_(255);
}

void write_png(const std::string& path, const at::Tensor& rgb) {
  const auto image = rgb.dim() == 4 ? rgb[0] : rgb;
  if (image.dim() != 3 || (image.size(0) != 3 && image.size(0) != 4)) {
    throw Error("write_png(" + path + "): expected RGB or RGBA [1, 3|4, H, W], got " +
                c10::str(rgb.sizes()));
  }
  const int components = static_cast<int>(image.size(0));
  const auto bytes = at::round(image.detach().to(at::kCPU, at::kFloat).clamp(0, 1) * 255)
                         .to(at::kByte)
                         .permute({1, 2, 0})
                         .contiguous();
  const int height = static_cast<int>(bytes.size(0));
  const int width = static_cast<int>(bytes.size(1));
  std::string encoded;
  const auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
  };
  if (!stbi_write_png_to_func(append, &encoded, width, height, components,
                              bytes.data_ptr<uint8_t>(), width * components)) {
    throw Error("write_png(" + path + "): PNG encoding failed");
  }
  write_file_atomically(path, encoded);
}

void write_jpeg(const std::string& path, const at::Tensor& rgb, int quality) {
  const auto image = rgb.dim() == 4 ? rgb[0] : rgb;
  if (image.dim() != 3 || image.size(0) != 3) {
    throw Error("write_jpeg(" + path + "): expected RGB [1, 3, H, W], got " +
                c10::str(rgb.sizes()));
  }
  const auto bytes =
      at::round(image.detach().to(at::kCPU, at::kFloat).clamp(0, 1) * 255).to(at::kByte);
  write_file_atomically(path, encode_jpeg(bytes, quality));
}

}  // namespace srgan
