#include "srgan/resampling.h"

#include <ATen/ATen.h>

namespace srgan {

at::Tensor downscale_bicubic(const at::Tensor& images, int64_t factor) {
  return at::_upsample_bicubic2d_aa(images, {images.size(2) / factor, images.size(3) / factor},
                                    /*align_corners=*/false)
      .clamp(0, 1);
}

at::Tensor upscale_bicubic(const at::Tensor& images, int64_t factor) {
  return at::upsample_bicubic2d(images, {images.size(2) * factor, images.size(3) * factor},
                                /*align_corners=*/false)
      .clamp(0, 1);
}

}  // namespace srgan
