#include "srgan/cuda_device.h"

#include <string>

#include "srgan/error.h"

#ifdef SRGAN_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace srgan {

void make_cuda_context_current(c10::Device device) {
  if (!device.is_cuda()) throw Error("make_cuda_context_current needs a CUDA device");
#ifdef SRGAN_WITH_CUDA
  if (static_cast<int>(device.index()) >= static_cast<int>(c10::cuda::device_count())) {
    throw Error("no CUDA device " + device.str() + " here");
  }
  c10::cuda::set_device(device.has_index() ? device.index() : 0);
  // The runtime creates and binds the primary context lazily, at the first call that needs it.
  const cudaError_t status = cudaFree(nullptr);
  if (status != cudaSuccess) {
    throw Error("cannot initialise CUDA on " + device.str() + ": " + cudaGetErrorString(status));
  }
#else
  throw Error("LibTorch was built without CUDA: no context for " + device.str());
#endif
}

void synchronize_current_stream(c10::Device device) {
  if (!device.is_cuda()) return;
#ifdef SRGAN_WITH_CUDA
  c10::cuda::getCurrentCUDAStream(device.has_index() ? device.index() : 0).synchronize();
#endif
}

}  // namespace srgan
