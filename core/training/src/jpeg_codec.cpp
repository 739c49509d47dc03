#include "srgan/jpeg_codec.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <jpeglib.h>

#include <ATen/ATen.h>

#include "srgan/error.h"

namespace srgan {
namespace {

// libjpeg reports errors through a callback that must not return: jump back and throw there.
struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void on_error(j_common_ptr info) {
  auto* manager = reinterpret_cast<ErrorManager*>(info->err);
  (*info->err->format_message)(info, manager->message);
  std::longjmp(manager->jump, 1);
}

// Both halves are plain C with no C++ objects alive across a longjmp.
bool compress(const unsigned char* rgb, int width, int height, int quality, unsigned char** out,
              unsigned long* size, char* message) {
  jpeg_compress_struct info;
  ErrorManager error;
  info.err = jpeg_std_error(&error.base);
  error.base.error_exit = on_error;
  if (setjmp(error.jump)) {
    std::snprintf(message, JMSG_LENGTH_MAX, "%s", error.message);
    jpeg_destroy_compress(&info);
    return false;
  }
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, out, size);
  info.image_width = static_cast<JDIMENSION>(width);
  info.image_height = static_cast<JDIMENSION>(height);
  info.input_components = 3;
  info.in_color_space = JCS_RGB;
  jpeg_set_defaults(&info);  // 4:2:0, islow DCT: cjpeg's defaults
  jpeg_set_quality(&info, quality, TRUE);
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<unsigned char*>(rgb + info.next_scanline * width * 3);
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  return true;
}

// The decoded size is known only after the header: `allocate` gets it and returns the buffer.
template <typename Allocate>
bool decompress(const unsigned char* data, unsigned long size, Allocate allocate, char* message) {
  jpeg_decompress_struct info;
  ErrorManager error;
  info.err = jpeg_std_error(&error.base);
  error.base.error_exit = on_error;
  if (setjmp(error.jump)) {
    std::snprintf(message, JMSG_LENGTH_MAX, "%s", error.message);
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, data, size);
  jpeg_read_header(&info, TRUE);
  info.out_color_space = JCS_RGB;
  jpeg_start_decompress(&info);
  unsigned char* rgb =
      allocate(static_cast<int>(info.output_width), static_cast<int>(info.output_height));
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = rgb + info.output_scanline * info.output_width * 3;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return true;
}

}  // namespace

std::string encode_jpeg(const at::Tensor& rgb, int quality) {
  if (quality < 1 || quality > 100)
    throw Error("JPEG quality " + std::to_string(quality) + " is outside 1-100");
  if (rgb.dim() != 3 || rgb.size(0) != 3 || rgb.scalar_type() != at::kByte)
    throw Error("a JPEG is written from [3, H, W] uint8 RGB");
  const int height = static_cast<int>(rgb.size(1)), width = static_cast<int>(rgb.size(2));
  const auto packed = rgb.permute({1, 2, 0}).contiguous();
  unsigned char* encoded = nullptr;
  unsigned long size = 0;
  char message[JMSG_LENGTH_MAX] = {};
  const bool ok =
      compress(packed.data_ptr<uint8_t>(), width, height, quality, &encoded, &size, message);
  std::string bytes = ok ? std::string(reinterpret_cast<const char*>(encoded), size) : "";
  std::free(encoded);
  if (!ok) throw Error(std::string("JPEG compression failed: ") + message);
  return bytes;
}

at::Tensor decode_jpeg(const std::string& bytes) {
  at::Tensor decoded;
  char message[JMSG_LENGTH_MAX] = {};
  const auto allocate = [&](int width, int height) {
    decoded = at::empty({height, width, 3}, at::kByte);
    return decoded.data_ptr<uint8_t>();
  };
  if (!decompress(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), allocate,
                  message)) {
    throw Error(std::string("JPEG decompression failed: ") + message);
  }
  return decoded.permute({2, 0, 1}).contiguous();
}

at::Tensor jpeg_round_trip(const at::Tensor& rgb, int quality, int64_t* bytes) {
  const std::string file = encode_jpeg(rgb, quality);
  if (bytes) *bytes = static_cast<int64_t>(file.size());
  return decode_jpeg(file);
}

}  // namespace srgan
